"""The kinds of publicity notice, apart from the models: the forms name them too."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    """The kinds of publicity notice (公示) the programmes' regulations know; each
    programme says which of them it has, and their rules (PublicityKind)."""

    INTERNAL = "internal", _("申报单位内部公示")
    ACCEPTED_APPLICANTS = "accepted", _("受理名单公示")
    CANDIDATES = "candidates", _("候选名单公示")
    RECOMMENDED_WINNERS = "recommended", _("获奖建议名单公示")
