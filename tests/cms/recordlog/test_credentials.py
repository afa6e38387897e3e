"""Award credentials through the real publish and build: every live award has a page, a
QR code and a badge at a stable code; a revocation turns them 已撤销 in the build it
triggers, and the revoked code keeps working."""

import xml.etree.ElementTree as ET
from datetime import date

import pytest
from factories import published_revocation

from cms.decisions.models import Award
from cms.publishing import tasks
from cms.publishing.models import SiteBuild

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def credential_dirs(live):
    return sorted(path for path in (live / "v").iterdir() if path.is_dir())


def status_of(directory) -> str:
    page = (directory / "index.html").read_text(encoding="utf-8")
    return page.split('data-credential-status="', 1)[1].split('"', 1)[0]


def badge_texts(directory) -> list[str]:
    svg = ET.parse(directory / "badge.svg").getroot()
    assert svg.tag == f"{SVG}svg" and not svg.findall(f".//{SVG}script")
    return [element.text for element in svg.iter(f"{SVG}text")]


def find(live, award: Award):
    for directory in credential_dirs(live):
        page = (directory / "index.html").read_text(encoding="utf-8")
        if f'href="/decisions/{award.decision_id}/"' in page and award.recipient in page:
            return directory
    raise AssertionError(f"no credential for {award}")


def test_every_live_award_has_a_credential_and_a_revocation_turns_it_revoked(demo_site_dir):
    live = demo_site_dir / "live"
    awards = list(Award.objects.filter(decision__live=True))
    directories = credential_dirs(live)
    assert len(directories) == len(awards)
    for directory in directories:
        assert (directory / "qr.svg").read_bytes().startswith(b"<?xml")
        assert ET.parse(directory / "qr.svg").getroot().tag == f"{SVG}svg"

    # the already revoked award: its code still answers, and says so with the reason
    revoked = Award.objects.filter(revocations__live=True).first()
    directory = find(live, revoked)
    assert status_of(directory) == "revoked"
    assert "已撤销" in badge_texts(directory)
    page = (directory / "index.html").read_text(encoding="utf-8")
    revocation = revoked.revocations.filter(live=True).first()
    assert f'href="/revocations/{revocation.pk}/"' in page
    assert "记入本站" in page  # the log entry proving the decision was published

    # a valid award revoked now: same code, 已撤销 in the build the revocation triggers
    valid = next(
        award
        for award in awards
        if status_of(find(live, award)) == "valid" and not award.revocations.exists()
    )
    before = find(live, valid).name
    published_revocation(valid, date.today())
    build = tasks.run_build(SiteBuild.objects.get(status=SiteBuild.Status.QUEUED).pk)
    assert build.status == SiteBuild.Status.SUCCEEDED, build.error
    directory = find(live, valid)
    assert directory.name == before
    assert status_of(directory) == "revoked"
    assert "已撤销" in badge_texts(directory)
