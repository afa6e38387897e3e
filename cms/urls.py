from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from .api import api_router
from .publishing import views as publishing_views
from .recordlog import views as record_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/content/", publishing_views.content, name="api-content"),
    path("api/v2/record/head.json", record_views.head, name="api-record-head"),
    path(
        "api/v2/record/entries/<int:number>.json", record_views.entries, name="api-record-entries"
    ),
    path("api/v2/", api_router.urls),
    # The confidential intake; in production nginx serves it on the public site's origin.
    path("report/", include("cms.supervision.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# The CMS renders pages only for editors' previews; the public site is built by Pelican.
urlpatterns += [path("", include(wagtail_urls))]
handler400 = "cms.security.views.bad_request"
