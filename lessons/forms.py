from django import forms
from django.utils.translation import gettext_lazy as _


class ProgressForm(forms.Form):
    """Reading progress sent by the Guide page (by script, or the finish button)."""

    section = forms.IntegerField(required=False, min_value=1, label=_("section"))
    finished = forms.BooleanField(required=False, label=_("finished"))
