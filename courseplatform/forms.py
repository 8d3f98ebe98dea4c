"""Putting a service's errors onto the form a person filled in, in words."""

from collections.abc import Callable, Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator


class ParsingForm(forms.Form):
    """A form that only parses: what text may hold is the service's rule, in the service's words.

    Django's own NUL-byte check is taken off the text fields so that the web and
    the API refuse a control character with the same message.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parse_only()

    def parse_only(self) -> None:
        """Call again after adding fields in a subclass's __init__."""
        for field in self.fields.values():
            field.validators = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]


def apply_service_errors(
    form: forms.BaseForm, error: ValidationError, field_for: Mapping[str, str] | Callable[[str], str | None]
) -> None:
    """Add each of the service's messages to the form field it concerns.

    Services name fields by their data path (`answers.2.text`, `ratings.technical`);
    `field_for` maps such a path to a form field name (or None: the form as a
    whole). Services' messages are already sentences, so none of the paths
    reach the page.
    """
    lookup = field_for.get if isinstance(field_for, Mapping) else field_for
    problems = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    for path, messages in problems.items():
        name = lookup(path) if path != "__all__" else None
        if name is not None and name not in form.fields:
            name = None
        for message in messages:
            form.add_error(name, message)
