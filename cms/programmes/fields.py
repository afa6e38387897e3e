"""Fields the programme and its rows share: an article reference (条款出处) and the
talent bonus's steps."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

ARTICLE_HELP = _("条款出处，例如：第十九条、第十条第六项。")


def parse_bonus_steps(text: str) -> tuple[int, ...]:
    """ "5、20" → (5, 20)."""
    return tuple(int(step) for step in re.split(r"[、,，\s]+", text.strip()) if step)


def validate_bonus_steps(text: str) -> None:
    try:
        steps = parse_bonus_steps(text)
    except ValueError:
        raise ValidationError(_("加分项分值应为正整数，以顿号分隔，例如“5、20”。")) from None
    if any(step <= 0 for step in steps):
        raise ValidationError(_("加分项分值应为正整数，以顿号分隔，例如“5、20”。"))


def article_field(verbose_name):
    return models.CharField(verbose_name, max_length=64, blank=True, help_text=ARTICLE_HELP)
