"""Fixtures of the supervision group's cases: a group key, a published channel, an open
notice. Helpers shared with the tests are in tests/intake_client.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from intake_client import PASSPHRASE, publish_channel


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def group_key(db):
    from cms.supervision.models import GroupKey

    return GroupKey.generate(PASSPHRASE)


@pytest.fixture
def channel(programmes):
    return publish_channel(programmes["yuncheng"])


@pytest.fixture
def open_notice(edition):
    """A candidate list of the Yuncheng edition whose publicity is open today."""
    from factories import draft_notice

    from cms.notices.models import PublicityEntry

    today = timezone.localdate()
    notice = draft_notice(
        edition,
        date_signed=today - timedelta(days=3),
        start_date=today - timedelta(days=2),
        end_date=today + timedelta(days=6),
    )
    notice.entries = [
        PublicityEntry(name="运城示例机械有限公司", category="organisation"),
        PublicityEntry(name="运城示例食品有限公司", category="organisation"),
    ]
    notice.save_revision().publish()
    return notice
