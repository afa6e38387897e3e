"""The log in the public read API, for a site built elsewhere (site/gongshi_site/remote.py).

    GET /api/v2/record/head.json          the signed tree head of every entry so far
    GET /api/v2/record/entries/<n>.json   entries n*1000 ... as a JSON list of their texts

The same bytes a build writes into content/record/ (export.py), read-only: every entry
is public (a document in a private section is not logged), and a reader checks them
against the signature as the site does. Nothing is appended here.
"""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from gongshi.record import heads, merkle

from . import export, keys
from .models import RecordEntry

# The head last signed here, by what it covers: entries only ever append, so while the last
# entry and the key are the same, so is the head (a row changed behind the model is the
# reader's to catch, as the build's is: its entries no longer make this root).
_signed: dict[tuple, dict] = {}


@require_GET
def head(request):
    try:
        key = keys.load()
    except keys.KeyMissing:
        return JsonResponse(
            {"message": "公开记录的签名密钥尚未创建，暂不能提供签名树头。"}, status=503
        )
    last = RecordEntry.objects.order_by("-index").values_list("index", "data").first()
    covers = (last, heads.public_key_text(key))
    if covers not in _signed:
        data = export.entries()
        _signed.clear()
        _signed[covers] = export.signed_head(data, merkle.Tree.of_entries(data))
    return _answer(export.json_bytes(_signed[covers]))


@require_GET
def entries(request, number: int):
    first = number * export.PAGE_SIZE
    data = [
        text.encode()
        for text in RecordEntry.objects.filter(
            index__gte=first, index__lt=first + export.PAGE_SIZE
        ).values_list("data", flat=True)
    ]
    if not data:
        return JsonResponse({"message": f"没有第 {number} 页公开记录。"}, status=404)
    return _answer(export.page_bytes(data, 0))


def _answer(body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
