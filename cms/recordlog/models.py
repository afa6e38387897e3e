from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnly(Exception):
    """A log entry may be written once and never changed or removed."""


class RecordEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("公开记录只能追加，不能修改")

    def delete(self):
        raise AppendOnly("公开记录只能追加，不能删除")


class RecordEntry(models.Model):
    """One entry of the publication log (公开记录): a Merkle leaf (gongshi.record.merkle).

    `data` holds the leaf's exact bytes as text (gongshi.record.heads.entry_bytes); the
    other fields repeat parts of it for queries. Numbered from 0 without gaps: `index` is
    the primary key, so two writers cannot both append entry n.
    """

    index = models.PositiveBigIntegerField(_("序号"), primary_key=True)
    logged_at = models.DateTimeField(_("记录时间"))
    event = models.CharField(_("事件"), max_length=32)
    url = models.CharField(_("网址"), max_length=255, db_index=True)
    kind = models.CharField(_("类型"), max_length=32)
    sha256 = models.CharField(_("内容摘要"), max_length=64)
    data = models.TextField(_("记录内容"))
    # The version whose publish this records (not part of the leaf): a version published
    # twice is logged once.
    revision_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)

    objects = RecordEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("公开记录条目")
        verbose_name_plural = _("公开记录条目")
        ordering = ["index"]

    def __str__(self):
        return f"#{self.index} {self.event} {self.url}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("公开记录只能追加，不能修改")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("公开记录只能追加，不能删除")
