"""Forms for the Your Turn and warm-up pages: they parse types; the services rule.

No field here carries a `maxlength`: a browser would cut a long text silently,
and the services refuse it with a message instead.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from courseplatform.forms import ParsingForm

from .models import MAX_RATING, MIN_RATING, SkillCategory, TurnStep


class RatingForm(forms.Form):
    """One 1–10 field per category, named `rating-<key>`.

    It only parses whole numbers: the range and a missing rating are
    `snapshot_record`'s rules, refused in the same words as the API.
    """

    def __init__(self, *args, categories: list[SkillCategory], **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = categories
        for category in categories:
            self.fields[f"rating-{category.slug}"] = forms.IntegerField(
                label=category.name,
                required=False,
                help_text=category.description,
                error_messages={
                    "invalid": _("Rate %(name)s with a whole number from %(min)d to %(max)d.")
                    % {"name": category.name, "min": MIN_RATING, "max": MAX_RATING},
                },
            )

    def ratings(self) -> dict[str, int]:
        """The ratings sent; a category left empty is missing, for the service to name."""
        values = {c.slug: self.cleaned_data.get(f"rating-{c.slug}") for c in self.categories}
        return {slug: value for slug, value in values.items() if value is not None}

    @staticmethod
    def field_for(path: str) -> str | None:
        return f"rating-{path.split('.', 1)[1]}" if path.startswith("ratings.") else None


STEP_TEXT_LABELS = {
    TurnStep.Kind.REFLECTION: _("Your reflection"),
    TurnStep.Kind.GOALS: _("Your reflection on your goals"),
    TurnStep.Kind.SUCCESS: _("Your definition of success"),
}


class ReflectionForm(ParsingForm):
    """The text of a reflection, goals or definition-of-success step."""

    text = forms.CharField(required=False, strip=False, widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, step: TurnStep, **kwargs):
        kwargs.setdefault("prefix", f"step{step.number}")
        super().__init__(*args, **kwargs)
        self.step = step
        self.fields["text"].label = STEP_TEXT_LABELS.get(step.kind, _("Your text"))

    FIELDS = {"text": "text"}


class SuccessForm(ParsingForm):
    """The definition of success written from another lesson's goals step (saved to the profile)."""

    definition_of_success = forms.CharField(
        label=_("Your definition of success"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 4}),
    )

    FIELDS = {"definition_of_success": "definition_of_success"}


class PromptAnswersForm(ParsingForm):
    """A warm-up prompt's boxes: `answer_N` and its tag `category_N`; `clear` empties them all."""

    clear = forms.BooleanField(required=False)

    def __init__(self, *args, slots, categories: list[SkillCategory], **kwargs):
        super().__init__(*args, **kwargs)
        self.slot_numbers = [slot.number for slot in slots]
        choices = [("", _("Not sure yet")), *((c.slug, c.name) for c in categories)]
        for slot in slots:
            self.fields[f"answer_{slot.number}"] = forms.CharField(label=slot.label, required=False, strip=False)
            # Any key parses; which keys exist is the service's rule.
            self.fields[f"category_{slot.number}"] = forms.CharField(
                label=_("Category of %(label)s (optional)") % {"label": slot.label.lower()},
                required=False, widget=forms.Select(choices=choices),
            )
        self.parse_only()

    def answers(self) -> list[dict[str, str]]:
        return [
            {"text": self.cleaned_data.get(f"answer_{n}", ""), "category": self.cleaned_data.get(f"category_{n}", "")}
            for n in self.slot_numbers
        ]

    @staticmethod
    def field_for(path: str) -> str | None:
        parts = path.split(".")
        if len(parts) == 3 and parts[0] == "answers":
            return f"{'answer' if parts[2] == 'text' else 'category'}_{parts[1]}"
        return None

    def slot_fields(self):
        return [(n, self[f"answer_{n}"], self[f"category_{n}"]) for n in self.slot_numbers]
