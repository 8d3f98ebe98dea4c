"""Writes to a person's account that have rules.

The web profile page (accounts.views) and the REST API (`PATCH /api/v1/me/`)
both call these functions, so the rules live here and nowhere else.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.exports import export_sections
from accounts.models import ProducerPath, User
from courseplatform.security import security_event
from courseplatform.text import text_problem

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

    if display_name is not None and text_problem(display_name):
        errors["display_name"] = [text_problem(display_name)]
    elif display_name is not None:
        display_name = display_name.strip()
        if len(display_name) > DISPLAY_NAME_MAX_LENGTH:
            errors["display_name"] = [
                _("Display name is too long: use at most %(limit)d characters (this one has %(count)d).")
                % {"limit": DISPLAY_NAME_MAX_LENGTH, "count": len(display_name)}
            ]
        else:
            changes["display_name"] = display_name

    if definition_of_success is not None and text_problem(definition_of_success):
        errors["definition_of_success"] = [text_problem(definition_of_success)]
    elif definition_of_success is not None:
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


# --- Your data is yours: export and delete --------------------------------------------

EXPORT_FORMAT = "softsynced-account-export"
EXPORT_VERSION = 1


def _jsonable(value: Any) -> Any:
    """Datetimes and dates as ISO 8601 strings, so web and API answer the same bytes."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def account_export(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about `user`, as one JSON-ready dict.

    `export` describes the file (format, version, when); every other key is a
    section registered with `accounts.exports.register_export_section` by the
    app that owns the data. The number of queries does not grow with the rows.
    """
    data: dict[str, Any] = {
        "export": {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "exported_at": timezone.now()},
    }
    for name, provider in export_sections().items():
        data[name] = provider(user)
    return _jsonable(data)


@transaction.atomic
def account_delete(*, user: User, password: str) -> None:
    """Delete `user` and every row that is theirs, after checking their password.

    Every personal row points at the user with `on_delete=CASCADE`, so they go
    with it: profile, e-mail addresses, second factors, reading progress,
    unlocks, warm-up answers, snapshots, reflections, completions, the Depth
    points ledger. Sessions and mobile tokens stop working at once, since they
    name a user that no longer exists; the caller ends the current one.

    Raises `ValidationError({"password": [...]})` when the password is wrong,
    and refuses staff accounts (another administrator removes those in the
    admin, so the admin's history of their edits is not lost silently).
    """
    if user.is_staff or user.is_superuser:
        raise ValidationError(
            _("Staff accounts are closed by another administrator in the admin; your account is not deleted.")
        )
    if not password or not user.check_password(password):
        raise ValidationError({"password": [_("That is not your password; your account is not deleted.")]})
    user_id = user.pk
    user.delete()
    transaction.on_commit(lambda: security_event("account_deleted", user_id=user_id))
