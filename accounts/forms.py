"""Forms for the account pages and the admin.

The profile form only turns the request into Python values; the rules (lengths,
allowed paths) live in `accounts.services.profile_update`, which the API uses too.
"""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from accounts.models import ProducerPath, User
from accounts.services import DEFINITION_OF_SUCCESS_MAX_LENGTH, DISPLAY_NAME_MAX_LENGTH


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        required=False,
        strip=True,
        help_text=_("How we greet you on your dashboard. Leave it empty to use the start of your e-mail address."),
        widget=forms.TextInput(attrs={"maxlength": DISPLAY_NAME_MAX_LENGTH, "autocomplete": "nickname"}),
    )
    definition_of_success = forms.CharField(
        label=_("Your definition of success"),
        required=False,
        strip=True,
        help_text=_(
            "You first wrote this in Lesson 1. Later lessons, such as Lesson 3's Your Turn, bring you back "
            "to it, so keep it in your own words and change it whenever it stops being true."
        ),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": DEFINITION_OF_SUCCESS_MAX_LENGTH}),
    )
    # A CharField with radio buttons rather than a ChoiceField: whether a value
    # is allowed is decided by the service, so web and API give the same answer.
    producer_path = forms.CharField(
        label=_("Your producer path"),
        required=False,
        help_text=_("Where you mainly want your production to take you. It shapes which skills lessons suggest first."),
        widget=forms.RadioSelect(choices=[("", _("Not sure yet")), *ProducerPath.choices]),
    )
    reminders_opt_in = forms.BooleanField(
        label=_("E-mail me when a skills retake is due"),
        required=False,
        help_text=_("About six months after you rate your skills, we send one short note. Nothing else."),
    )
    feedback_email_opt_in = forms.BooleanField(
        label=_("E-mail me when a mentor or peer comments on what I shared"),
        required=False,
        help_text=_("One short note per comment, with a link to read it. Untick to read feedback only on the site."),
    )

    @classmethod
    def initial_for(cls, user: User) -> dict[str, object]:
        return {field: getattr(user, field) for field in cls.base_fields}


class AccountDeleteForm(forms.Form):
    """Only parses: whether the password is right is `account_delete`'s rule."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        help_text=_("To be sure it is you, type the password you log in with."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class UserAdminCreationForm(auth_forms.AdminUserCreationForm):
    """The admin's "add user" form: an e-mail address and a password, no username."""

    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"])


class UserAdminChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = (
            "email",
            "display_name",
            "producer_path",
            "reminders_opt_in",
            "feedback_email_opt_in",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
        )
