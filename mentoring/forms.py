"""Forms for cohorts, sharing and feedback: they parse; the services rule."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courseplatform.forms import ParsingForm

from .models import FEEDBACK_MAX_CHARS, REPORT_MAX_CHARS


class JoinForm(ParsingForm):
    code = forms.CharField(label=_("Invite code"), max_length=64, strip=True,
                           help_text=_("Your mentor gives you the code or a link with it."))


class ShareForm(ParsingForm):
    with_mentors = forms.BooleanField(label=_("Share with my cohort's mentors"), required=False)
    with_peers = forms.BooleanField(label=_("Share with my cohort peers"), required=False)


class FeedbackForm(ParsingForm):
    text = forms.CharField(
        label=_("Your feedback"), strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": FEEDBACK_MAX_CHARS}),
    )


class ReplyForm(ParsingForm):
    text = forms.CharField(
        label=_("Your reply"), strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": FEEDBACK_MAX_CHARS}),
    )


class ReportForm(ParsingForm):
    reason = forms.CharField(
        label=_("What is wrong with this comment? (optional)"), required=False, strip=False,
        widget=forms.TextInput(attrs={"maxlength": REPORT_MAX_CHARS}),
    )
