"""Site-wide error pages: JSON under /api/, the site's own pages elsewhere."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

from courseplatform.api.errors import error_body


def server_error(request: HttpRequest) -> HttpResponse:
    """A 500 is a bug; still, the mobile client gets the API's JSON error shape."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body(status=500, code="server_error", message=_("Something went wrong on our side. Please try again.")),
            status=500,
        )
    # No context processors: the request that failed may not survive them.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
