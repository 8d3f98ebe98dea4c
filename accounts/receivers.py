"""Security events from allauth's and Django's signals (see courseplatform.security).

Logging only: no rule lives here. Connected in AccountsConfig.ready().
"""

from __future__ import annotations

import logging

from allauth.account.signals import user_logged_in
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save
from django.dispatch import receiver

from courseplatform.security import security_event

ADMIN_ACTIONS = {ADDITION: "add", CHANGE: "change", DELETION: "delete"}


@receiver(user_logged_in, dispatch_uid="security-login")
def log_login(sender, request, user, **kwargs) -> None:
    security_event("login_succeeded", request=request, level=logging.INFO, user_id=user.pk, staff=user.is_staff)


def _authenticator_event(event: str, *, request, user, authenticator: Authenticator, **extra) -> None:
    security_event(event, request=request, user_id=user.pk, staff=user.is_staff, authenticator=authenticator.type,
                   **extra)


@receiver(mfa_signals.authenticator_added, dispatch_uid="security-mfa-added")
def log_authenticator_added(sender, request, user, authenticator, **kwargs) -> None:
    _authenticator_event("mfa_authenticator_added", request=request, user=user, authenticator=authenticator)


@receiver(mfa_signals.authenticator_removed, dispatch_uid="security-mfa-removed")
def log_authenticator_removed(sender, request, user, authenticator, **kwargs) -> None:
    _authenticator_event("mfa_authenticator_removed", request=request, user=user, authenticator=authenticator)


@receiver(mfa_signals.authenticator_reset, dispatch_uid="security-mfa-reset")
def log_authenticator_reset(sender, request, user, authenticator, **kwargs) -> None:
    _authenticator_event("mfa_recovery_codes_regenerated", request=request, user=user, authenticator=authenticator)


@receiver(mfa_signals.authenticator_used, dispatch_uid="security-mfa-used")
def log_authenticator_used(sender, request, user, authenticator, **kwargs) -> None:
    # A recovery code used is worth an alert (the phone may be lost); a TOTP code is routine.
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        _authenticator_event("mfa_recovery_code_used", request=request, user=user, authenticator=authenticator)


@receiver(mfa_signals.authentication_failed, dispatch_uid="security-mfa-failed")
def log_mfa_failed(sender, request, user, authenticator=None, **kwargs) -> None:
    security_event("mfa_failed", request=request, user_id=user.pk,
                   authenticator=authenticator.type if authenticator else None,
                   reauthentication=kwargs.get("reauthentication"))


@receiver(post_save, sender=LogEntry, dispatch_uid="security-admin-write")
def log_admin_write(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    """Every change made in the admin writes a LogEntry; each one is a security event too."""
    if not created:
        return
    content_type = ContentType.objects.get_for_id(instance.content_type_id) if instance.content_type_id else None
    security_event(
        "admin_write", level=logging.INFO, user_id=instance.user_id,
        action=ADMIN_ACTIONS.get(instance.action_flag, str(instance.action_flag)),
        content_type=f"{content_type.app_label}.{content_type.model}" if content_type else None,
        object_id=str(instance.object_id) if instance.object_id is not None else None, object_repr=instance.object_repr,
    )
