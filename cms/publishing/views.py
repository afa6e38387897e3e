"""The content endpoint of the public read API: content/ documents, for a site built on
another machine (`make site CMS_URL=...`)."""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from gongshi import contract

from .published_content import published_slice

PAGE_SIZE_MAX = 100


@require_GET
def content(request):
    """`GET /api/v2/content/?offset=0&limit=100`: published items in export order."""
    try:
        offset = int(request.GET.get("offset", 0))
        limit = int(request.GET.get("limit", PAGE_SIZE_MAX))
    except ValueError:
        return JsonResponse({"message": "offset 和 limit 应为整数。"}, status=400)
    if offset < 0 or not 1 <= limit <= PAGE_SIZE_MAX:
        return JsonResponse(
            {"message": f"offset 不能为负数，limit 应在 1 到 {PAGE_SIZE_MAX} 之间。"}, status=400
        )
    total, page = published_slice(offset, limit)
    return JsonResponse(
        {
            "meta": {"total_count": total, "schema": contract.SCHEMA_VERSION},
            "items": [
                {
                    "path": item.path,
                    "document": item.document,
                    "body": item.body,
                    "downloads": {
                        file: request.build_absolute_uri(url) for file, url in item.attachments
                    },
                }
                for item in page
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
