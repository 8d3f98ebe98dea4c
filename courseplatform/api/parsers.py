"""The API's JSON parser: DRF's, refusing control characters in any string, naming the field."""

from rest_framework import parsers
from rest_framework.exceptions import ValidationError

from courseplatform.api.jsonguard import control_character_path
from courseplatform.text import CONTROL_CHARACTER_MESSAGE


class JSONParser(parsers.JSONParser):
    """DRF's JSONParser plus one rule: no NUL or other control character (but tab, newline, CR) in a string.

    Nesting depth and body size are checked earlier, for every JSON endpoint
    (ours and allauth's), by `courseplatform.api.middleware.JSONBodyGuardMiddleware`.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        path = control_character_path(data)
        if path is not None:
            raise ValidationError({path: [str(CONTROL_CHARACTER_MESSAGE)]})
        return data
