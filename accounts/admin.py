import logging

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.admin.actions import delete_selected
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from accounts.forms import UserAdminChangeForm, UserAdminCreationForm
from accounts.models import User
from courseplatform.security import security_event

# --- One door in ------------------------------------------------------------------------
# The admin's own login form has no brute-force limit and no second factor.
# /admin/login/ sends a visitor to allauth's login (with ?next=), where
# ACCOUNT_RATE_LIMITS and allauth.mfa apply; a signed-in non-staff user gets 403.
admin.site.login = secure_admin_login(admin.site.login)


def _change_password_with_allauth(request, extra_context=None):
    """The admin's password change checks the old password without a rate limit; allauth's limits it."""
    return redirect("account_change_password")


admin.site.password_change = _change_password_with_allauth


@admin.action(permissions=["delete"], description=delete_selected.short_description)
def logged_delete_selected(modeladmin, request, queryset):
    """Django's "delete selected", plus a security event when it deletes several objects at once.

    One deleted object writes a LogEntry with save(), which `accounts.receivers`
    logs; several are written with bulk_create, which sends no signal.
    """
    count = queryset.count()
    response = delete_selected(modeladmin, request, queryset)
    if response is None and count > 1:  # None: deleted (otherwise the confirmation page)
        security_event("admin_write", level=logging.INFO, user_id=request.user.pk, action="delete",
                       content_type=f"{queryset.model._meta.app_label}.{queryset.model._meta.model_name}",
                       count=count)
    return response


admin.site.add_action(logged_delete_selected, "delete_selected")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """People sign in with an e-mail address; there is no username.

    Depth points are read-only here: they only change with a ledger row
    (assessments), never by hand. The definition of success is a student's own
    writing (Lesson 1's Your Turn): like reflections, staff do not see it here.
    """

    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    list_display = ("email", "display_name", "is_staff", "depth_points", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "producer_path", "reminders_opt_in")
    search_fields = ("email", "display_name")
    ordering = ("email",)
    readonly_fields = ("depth_points", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Profile"),
            {"fields": ("display_name", "producer_path", "reminders_opt_in", "feedback_email_opt_in",
                        "depth_points")},
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )
