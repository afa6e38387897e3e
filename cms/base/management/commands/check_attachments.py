"""The documents outside the attachment allow-list (ADR 23), with the pages that use them:
after an upgrade, what to replace so that every attachment is published again."""

from django.core.management.base import BaseCommand
from wagtail.documents import get_document_model

from cms.base.attachments import pages_using
from gongshi.contract import attachments


class Command(BaseCommand):
    help = "列出类型不在允许之列、因而不发布到公开站点的文档，以及使用它们的页面。"

    def handle(self, *args, **options):
        refused = 0
        for document in get_document_model().objects.order_by("pk"):
            try:
                with document.open_file() as file:
                    attachments.check(document.file.name, file)
            except attachments.AttachmentRefused as reason:
                refused += 1
                pages = "、".join(f"《{title}》" for title in pages_using(document)) or "（无）"
                self.stdout.write(
                    f"#{document.pk} {document.title}：{reason}\n  使用它的页面：{pages}"
                )
            except OSError as error:
                refused += 1
                self.stdout.write(f"#{document.pk} {document.title}：文件无法读取（{error}）")
        self.stdout.write(
            f"共 {refused} 个文档不发布到公开站点；请上传允许的格式替换后重新发布使用它们的页面。"
            if refused
            else "所有文档都在允许之列。"
        )
