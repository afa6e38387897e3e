"""An approval an item refuses (publication.ApprovalRefused) shown as a message on the
item's edit page, whichever admin view the approval came through."""

from django.shortcuts import redirect
from wagtail.admin import messages
from wagtail.admin.modal_workflow import render_modal_workflow

from .publication import ApprovalRefused


class RefusalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ApprovalRefused):
            return None
        messages.error(request, exception.message)
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            # The approval dialog: close it and show the edit page with the message.
            return render_modal_workflow(
                request,
                "",
                None,
                {},
                json_data={"step": "success", "redirect": exception.redirect_to},
            )
        return redirect(exception.redirect_to)
