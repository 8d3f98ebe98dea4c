"""Site-wide middleware for the web pages (the API's is in courseplatform.api.middleware)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from courseplatform.api.jsonguard import CONTROL_CHARACTERS

FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


class FormControlCharacterMiddleware:
    """Refuse a form post whose values hold a NUL byte or another control character (400, naming the field).

    No form of ours wants control characters other than tab, newline and
    carriage return, and PostgreSQL cannot store NUL in text at all: a NUL in
    the warm-up form reached the database and answered 500. Checked here once
    for every form, before any view; uploaded files are not inspected.
    The API (JSON) has the same rule in its parser.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.content_type in FORM_TYPES and not request.path.startswith("/api/"):
            field = self.offending_field(request)
            if field is not None:
                return self.refusal(request, field)
        return self.get_response(request)

    @staticmethod
    def offending_field(request: HttpRequest) -> str | None:
        for name, values in request.POST.lists():
            if CONTROL_CHARACTERS.search(name):
                return name
            if any(CONTROL_CHARACTERS.search(value) for value in values):
                return name
        return None

    @staticmethod
    def refusal(request: HttpRequest, field: str) -> HttpResponse:
        message = _("The field “%(field)s” contains a control character (such as a NUL byte). "
                    "Remove it and send the form again.") % {"field": CONTROL_CHARACTERS.sub("?", field)}
        html = render_to_string("400.html", {"message": message, "field": field}, request=request)
        return HttpResponse(html, status=400)
