"""Account pages of our own; sign-up, log-in and the rest are allauth's views."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from accounts.forms import ProfileForm
from accounts.services import profile_update


class ProfileView(LoginRequiredMixin, FormView):
    """Edit the profile fields lessons use; saving goes through `profile_update`."""

    template_name = "accounts/profile.html"
    form_class = ProfileForm
    success_url = reverse_lazy("profile")

    def get_initial(self) -> dict[str, object]:
        return ProfileForm.initial_for(self.request.user)

    def form_valid(self, form: ProfileForm) -> HttpResponse:
        try:
            profile_update(user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            # The service names the fields, so each message lands by its own field.
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your profile is saved."))
        return super().form_valid(form)
