"""Checks every service applies to text a person sends, so web and API refuse alike."""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# C0 controls except tab, line feed and carriage return, DEL, and C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# One wording wherever a control character is refused: the services (web forms) and the API's parser.
CONTROL_CHARACTER_MESSAGE = gettext_lazy(
    "The text contains control characters (such as a NUL byte) that cannot be saved; remove them."
)


def text_problem(value: object) -> str | None:
    """Why `value` is not acceptable text, or None when it is."""
    if not isinstance(value, str):
        return _("Send text here, not a number or another kind of value.")
    if CONTROL_CHARACTERS.search(value):
        return str(CONTROL_CHARACTER_MESSAGE)
    return None
