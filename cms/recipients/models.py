"""People who appear in publicity lists and award decisions."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.search import index

from gongshi.rules.text import visible

PUBLIC_ID_PREFIX = "p-"


def new_public_id() -> str:
    """A random public id: it says nothing about the person, not even the name's hash."""
    return PUBLIC_ID_PREFIX + secrets.token_hex(6)


def legacy_public_id(name: str) -> str:
    """The id the public site gave a person before people were records (a hash of the
    name): kept for the people the migration made, so their /winners/ pages keep their
    address."""
    return PUBLIC_ID_PREFIX + hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]


class Person(index.Indexed, models.Model):
    """One individual, whatever their name: the identity that awards, publicity rows,
    award histories and bans refer to. The name is public; the distinction is for the
    editors only."""

    name = models.CharField(_("姓名"), max_length=100)
    distinction = models.CharField(
        _("区分信息"),
        max_length=200,
        blank=True,
        help_text=_(
            "工作单位和职务等，用来区分同名的人；只在后台显示，不公开。已有同名人员时必填。"
        ),
    )
    public_id = models.CharField(
        _("公开编号"),
        max_length=32,
        unique=True,
        editable=False,
        default=new_public_id,
        help_text=_("公开网站上此人页面的地址编号，不含姓名信息。"),
    )
    needs_review = models.BooleanField(
        _("待核实"),
        default=False,
        help_text=_("系统按姓名把多条记录归为此人时标出；编辑核实无误（或已拆分）后取消勾选。"),
    )
    review_note = models.TextField(_("核实说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("distinction"),
        MultiFieldPanel([FieldPanel("needs_review"), FieldPanel("review_note")], heading=_("核实")),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("distinction"),
        index.FilterField("needs_review"),
    ]

    class Meta:
        verbose_name = _("个人")
        verbose_name_plural = _("个人")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="a_person_has_a_name"),
        ]

    def __str__(self):
        return f"{self.name}（{self.distinction}）" if self.distinction else self.name

    def save(self, *args, **kwargs):
        # Whatever path saves it (the admin, a chooser, a script), one spelling of a name.
        self.name = visible(self.name)
        self.distinction = visible(self.distinction)
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        """How a refusal or a chooser tells this person from others of the same name."""
        return str(self)

    def clean(self):
        self.name = visible(self.name)
        self.distinction = visible(self.distinction)
        if not self.name:
            raise ValidationError({"name": _("请填写姓名。")})
        namesakes = Person.objects.filter(name=self.name).exclude(pk=self.pk)
        if namesakes.exists():
            taken = {visible(p.distinction) for p in namesakes}
            listed = "；".join(p.label for p in namesakes[:5])
            if not self.distinction:
                raise ValidationError(
                    {
                        "distinction": _(
                            "已有同名人员：%(people)s。如是其中一人，请在名单中选择此人；"
                            "如确为另一人，请填写能区分的工作单位和职务。"
                        )
                        % {"people": listed}
                    }
                )
            if self.distinction in taken:
                raise ValidationError(
                    {
                        "distinction": _(
                            "区分信息与同名人员相同：%(people)s。请填写能区分二人的信息，或直接选择此人。"
                        )
                        % {"people": listed}
                    }
                )


class RecipientRow(models.Model):
    """What a row naming a recipient has, in a publicity list or an award decision: the
    category, and the identity the rules go by (a credit code, or a person), besides the
    name as the document prints it (`name_field` of the concrete row)."""

    class Category(models.TextChoices):
        ORGANISATION = "organisation", _("组织")
        INDIVIDUAL = "individual", _("个人")

    name_field = "name"

    category = models.CharField(
        _("类别"), max_length=16, choices=Category.choices, default=Category.ORGANISATION
    )
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, help_text=_("组织必填，18位。")
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("个人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)s_rows",
        help_text=_("个人必选：从人员库选择，或新建一位。同名的人是不同的人，须分别建立。"),
    )
    region = models.CharField(_("所在地区"), max_length=64, blank=True)
    score = models.PositiveSmallIntegerField(_("评审得分"), null=True, blank=True)
    bonus = models.PositiveSmallIntegerField(
        _("加分"),
        null=True,
        blank=True,
        help_text=_(
            "评审标准总分之外的加分，如运城市人才引进加分（每引进一般人才加5分、正高级人才加20分）；不计入满分。"
        ),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.clean_name()
        super().save(*args, **kwargs)

    @staticmethod
    def identity_constraint() -> models.CheckConstraint:
        """A person for every individual, none for an organisation (known by its code)."""
        return models.CheckConstraint(
            condition=Q(category="individual", person__isnull=False)
            | Q(category="organisation", person__isnull=True),
            name="%(app_label)s_%(class)s_person_iff_individual",
            violation_error_message=_(
                "个人须选择人员记录；组织以统一社会信用代码识别，不选择个人。"
            ),
        )

    @property
    def display_name(self) -> str:
        return getattr(self, self.name_field)

    @property
    def total_score(self) -> int | None:
        return None if self.score is None else self.score + (self.bonus or 0)

    def recipient_key(self) -> str:
        from gongshi.rules.awards import recipient_key

        return recipient_key(self.category, self.credit_code, self.person_id)

    def clean_name(self) -> None:
        """The printed name in its one spelling; a person's row prints the person's name."""
        name = visible(getattr(self, self.name_field) or "")
        if self.category == self.Category.INDIVIDUAL and self.person_id and not name:
            name = self.person.name
        setattr(self, self.name_field, name)

    def validate_constraints(self, exclude=None):
        # The row forms say in words which field is at fault (RecipientRowsMixin); the
        # database keeps the invariant against every other path.
        super().validate_constraints(exclude={*(exclude or ()), "person"})
