"""A refusal raised below the admin's views, answered with its reason instead of a 500."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .attachments import DocumentInUse


class RefusalMiddleware:
    """Deleting a document that is in use is refused by the model's pre_delete
    (attachments.py), whichever admin view deletes it: a single or a bulk delete comes
    back to the page it came from with the reason; the multiple upload's scripted delete
    gets it as the JSON error it shows."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DocumentInUse):
            return None
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            return JsonResponse({"success": False, "error_message": str(exception)}, status=409)
        messages.error(request, str(exception))
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("wagtaildocs:index")
        return redirect(back)
