"""Serializer fields the API's write serializers share."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """A CharField that takes only JSON strings.

    DRF's CharField turns a number into its text (`42` → "42"), so a client bug
    sending a number where text belongs would be stored as if it were text.
    Here it is refused (400 naming the field), like any other wrong type.
    """

    default_error_messages = {"not_text": _("Send text (a JSON string), not a number or another type.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_text")
        return super().to_internal_value(data)
