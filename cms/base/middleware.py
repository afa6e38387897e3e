"""Refusals raised below the admin's views, answered with their reason instead of a 500:
an approval an item refuses (publication.ApprovalRefused), shown on the item's edit page
whichever admin view the approval came through, the delete of a document in use
(attachments.DocumentInUse), any delete the database protects (ProtectedError), and a
move that would hide public content (removal.MoveRefused). And one refusal before a view
that has no hook of its own: a view restriction on a page with public content
(cms/base/removal.py)."""

from django.db.models import ProtectedError, RestrictedError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from wagtail.admin import messages
from wagtail.admin.modal_workflow import render_modal_workflow
from wagtail.models import Page

from .attachments import DocumentInUse
from .publication import ApprovalRefused
from .removal import MoveRefused, restriction_refusal

PROTECTED = (
    "无法删除：它仍被其他记录引用（例如已发布版本的更新记录或撤回记录），删除会破坏公开记录。"
    "已发布过的内容只能撤回，不能删除。"
)


class RefusalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        match = request.resolver_match
        if match is None or match.view_name != "wagtailadmin_pages:set_privacy":
            return None
        if request.method == "POST" and request.POST.get("restriction_type") in (None, "none"):
            return None  # lifting a restriction is always allowed
        return self._restriction_refused(request, kwargs.get("page_id"))

    def process_exception(self, request, exception):
        if isinstance(exception, ApprovalRefused):
            return self._approval_refused(request, exception)
        if isinstance(exception, DocumentInUse):
            return self._document_in_use(request, exception)
        if isinstance(exception, ProtectedError | RestrictedError):
            return self._back_with(request, PROTECTED)
        if isinstance(exception, MoveRefused):
            return self._back_with(request, str(exception), "wagtailadmin_explore_root")
        return None

    @staticmethod
    def _restriction_refused(request, page_id):
        page = Page.objects.filter(pk=page_id).first()
        refusal = restriction_refusal(page) if page is not None else None
        if refusal is None:
            return None
        if request.method == "GET":
            has_one = page.get_view_restrictions().filter(page=page).exists()
            if has_one:
                return None  # shown, so that it can be lifted
        return render_modal_workflow(
            request,
            "wagtailadmin/page_privacy/refused.html",
            None,
            {"refusal": refusal},
            json_data={"step": "set_privacy"},
        )

    @staticmethod
    def _approval_refused(request, refusal: ApprovalRefused):
        messages.error(request, refusal.message)
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            # The approval dialog: close it and show the edit page with the message.
            return render_modal_workflow(
                request,
                "",
                None,
                {},
                json_data={"step": "success", "redirect": refusal.redirect_to},
            )
        return redirect(refusal.redirect_to)

    @classmethod
    def _document_in_use(cls, request, refusal: DocumentInUse):
        return cls._back_with(request, str(refusal))

    @staticmethod
    def _back_with(request, message: str, fallback: str = "wagtaildocs:index"):
        """A single or a bulk delete (or move) comes back to the page it came from with the
        reason; the multiple upload's scripted delete gets it as the JSON error it shows."""
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            return JsonResponse({"success": False, "error_message": message}, status=409)
        messages.error(request, message)
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse(fallback)
        return redirect(back)
