"""Root URLs: pages, accounts, admin and the API."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from accounts import headless_spec

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # allauth headless's own spec, with the gaps our settings open closed (accounts.headless_spec).
    path("_allauth/openapi.json", headless_spec.openapi_json, name="headless-openapi-json"),
    path("_allauth/openapi.yaml", headless_spec.openapi_yaml, name="headless-openapi-yaml"),
    path("_allauth/", include("allauth.headless.urls")),
    path("api/", include("courseplatform.api_urls")),
    path("", include("accounts.urls")),
    path("", include("assessments.urls")),
    path("", include("mentoring.urls")),
    path("", include("lessons.urls")),
]



def media(request, path: str):
    """An author's upload from local disk (MEDIA_ROOT read per request, so tests can point it elsewhere)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.SERVE_MEDIA and settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
    # Authors' uploads from local disk (dev, tests, one server); object storage serves its own URLs.
    urlpatterns.append(
        re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", media)
    )

handler500 = "courseplatform.views.server_error"
