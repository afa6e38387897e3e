"""Refusals raised below the admin's views, answered with their reason instead of a 500:
an approval an item refuses (publication.ApprovalRefused), shown on the item's edit page
whichever admin view the approval came through, and the delete of a document in use
(attachments.DocumentInUse)."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from wagtail.admin import messages
from wagtail.admin.modal_workflow import render_modal_workflow

from .attachments import DocumentInUse
from .publication import ApprovalRefused


class RefusalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ApprovalRefused):
            return self._approval_refused(request, exception)
        if isinstance(exception, DocumentInUse):
            return self._document_in_use(request, exception)
        return None

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

    @staticmethod
    def _document_in_use(request, refusal: DocumentInUse):
        """A single or a bulk delete comes back to the page it came from with the reason;
        the multiple upload's scripted delete gets it as the JSON error it shows."""
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            return JsonResponse({"success": False, "error_message": str(refusal)}, status=409)
        messages.error(request, str(refusal))
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("wagtaildocs:index")
        return redirect(back)
