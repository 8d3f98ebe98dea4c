"""Forms for the Your Turn pages; every rule they feed is checked again by the services."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import MAX_RATING, MIN_RATING, SkillCategory


class RatingForm(forms.Form):
    """One 1–10 field per category, named `rating-<key>`."""

    def __init__(self, *args, categories: list[SkillCategory], **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = categories
        for category in categories:
            self.fields[f"rating-{category.slug}"] = forms.IntegerField(
                label=category.name,
                min_value=MIN_RATING,
                max_value=MAX_RATING,
                help_text=category.description,
                error_messages={
                    "required": _("Rate %(name)s from 1 to 10.") % {"name": category.name},
                    "invalid": _("Rate %(name)s with a whole number from 1 to 10.") % {"name": category.name},
                },
            )

    def ratings(self) -> dict[str, int]:
        return {c.slug: self.cleaned_data[f"rating-{c.slug}"] for c in self.categories}


class ReflectionForm(forms.Form):
    text = forms.CharField(
        label=_("Your reflection"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=settings.SOFTSYNCED["REFLECTION_MAX_CHARS"],
        strip=True,
        error_messages={
            "required": _("Write your reflection before saving."),
            "max_length": _("Keep your reflection under 10,000 characters (it has %(show_value)d)."),
        },
    )


class SuccessForm(forms.Form):
    definition_of_success = forms.CharField(
        label=_("Your definition of success"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": _("Write a sentence or two about what success means to you.")},
    )
