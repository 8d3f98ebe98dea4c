from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.forms import UserAdminChangeForm, UserAdminCreationForm
from accounts.models import User


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
