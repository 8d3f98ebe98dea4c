"""Account pages of our own; sign-up, log-in and the rest are allauth's views."""

from allauth.core.internal.ratelimit import respond_429
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView

from accounts.forms import AccountDeleteForm, ProfileForm
from accounts.ratelimit import password_check_allowed
from accounts.services import account_delete, account_export, profile_update


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


@method_decorator(never_cache, name="dispatch")
class ProfileExportView(LoginRequiredMixin, View):
    """`GET /profile/export/`: everything held about me, as a JSON file to keep (`account_export`)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        data = account_export(user=request.user)
        response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
        filename = f"softsynced-my-data-{timezone.now():%Y-%m-%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


@method_decorator(never_cache, name="dispatch")
class ProfileDeleteView(LoginRequiredMixin, FormView):
    """`/profile/delete/`: say what goes, ask for the password, then `account_delete` and log out."""

    template_name = "accounts/profile_delete.html"
    form_class = AccountDeleteForm

    def form_valid(self, form: AccountDeleteForm) -> HttpResponse:
        if not password_check_allowed(self.request):
            return respond_429(self.request)
        try:
            account_delete(user=self.request.user, password=form.cleaned_data["password"])
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        logout(self.request)  # ends this browser's session; every other one already names no user
        messages.success(self.request, _("Your account and everything in it are deleted. Thank you for learning with us."))
        return redirect("account_login")
