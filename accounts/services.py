"""Writes to a person's account that have rules.

The web profile page (accounts.views) and the REST API (`PATCH /api/v1/me/`)
both call these functions, so the rules live here and nowhere else.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import ProducerPath, User

DISPLAY_NAME_MAX_LENGTH = User._meta.get_field("display_name").max_length
DEFINITION_OF_SUCCESS_MAX_LENGTH = User._meta.get_field("definition_of_success").max_length


@transaction.atomic
def profile_update(
    *,
    user: User,
    display_name: str | None = None,
    definition_of_success: str | None = None,
    producer_path: str | None = None,
    reminders_opt_in: bool | None = None,
    feedback_email_opt_in: bool | None = None,
) -> User:
    """Update the profile fields that are given (not None) and return the user.

    Surrounding whitespace is stripped from the text fields. `producer_path`
    is one of `ProducerPath`'s values or "" (not chosen yet).

    Raises `ValidationError({field: [message, ...]})`, naming every field
    that is wrong; in that case nothing is saved.
    """
    changes: dict[str, object] = {}
    errors: dict[str, list[str]] = {}

    if display_name is not None:
        display_name = display_name.strip()
        if len(display_name) > DISPLAY_NAME_MAX_LENGTH:
            errors["display_name"] = [
                _("Display name is too long: use at most %(limit)d characters (this one has %(count)d).")
                % {"limit": DISPLAY_NAME_MAX_LENGTH, "count": len(display_name)}
            ]
        else:
            changes["display_name"] = display_name

    if definition_of_success is not None:
        definition_of_success = definition_of_success.strip()
        if len(definition_of_success) > DEFINITION_OF_SUCCESS_MAX_LENGTH:
            errors["definition_of_success"] = [
                _("Definition of success is too long: use at most %(limit)d characters (this one has %(count)d).")
                % {"limit": DEFINITION_OF_SUCCESS_MAX_LENGTH, "count": len(definition_of_success)}
            ]
        else:
            changes["definition_of_success"] = definition_of_success

    if producer_path is not None:
        if producer_path != "" and producer_path not in ProducerPath.values:
            errors["producer_path"] = [
                _("Producer path “%(value)s” is not one we offer; choose one of: %(choices)s.")
                % {"value": producer_path, "choices": ", ".join(ProducerPath.values)}
            ]
        else:
            changes["producer_path"] = producer_path

    if reminders_opt_in is not None:
        changes["reminders_opt_in"] = bool(reminders_opt_in)

    if feedback_email_opt_in is not None:
        changes["feedback_email_opt_in"] = bool(feedback_email_opt_in)

    if errors:
        raise ValidationError(errors)
    if not changes:
        return user

    for field, value in changes.items():
        setattr(user, field, value)
    user.save(update_fields=list(changes))
    return user
