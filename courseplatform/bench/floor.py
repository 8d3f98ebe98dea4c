"""The floor: a bare Django view answering `{"ok": true}`, served by `floor:application`.

No middleware, no database, no template: whatever an app endpoint costs beyond
this is the app's own work. The bench serves it with the same gunicorn settings
as the app and reports each endpoint's throughput as a ratio to this one.
"""

import os

from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, JsonResponse
from django.urls import path

os.environ["DJANGO_SETTINGS_MODULE"] = "courseplatform.bench.floor_settings"


def ok(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [path("", ok), path("<path:anything>", ok)]

application = get_wsgi_application()
