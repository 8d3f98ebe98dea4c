"""What the Guide page (lessons) shows from this app: warm-up answers, their
recall, and the link to the lesson's Your Turn. Registered at start-up."""

from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lessons.models import Lesson, Section
from lessons.sections import register_lesson_context, register_section_data

from .forms import PromptAnswersForm
from .models import PromptAnswer, TurnCompletion
from .selectors import PromptBlock, guide_blocks, turn_definition


def cluster_sentence(answers: Sequence[PromptAnswer], total: int) -> str:
    """"Two of your three are Technical" — where the student's attention went, by final tags."""
    tagged = Counter(a.category.name for a in answers if a.category is not None)
    if not answers:
        return ""
    if not tagged:
        return _("Tag your answers with a skill category to see where your attention clusters.")
    name, count = tagged.most_common(1)[0]
    words = {1: _("One"), 2: _("Two"), 3: _("Three"), 4: _("Four"), 5: _("Five")}
    if count == 1 and len(tagged) == len(answers) and len(answers) > 1:
        return _("Your answers are spread across %(count)d different categories.") % {"count": len(tagged)}
    return ngettext(
        "%(count)s of your %(total)s answers is %(name)s.",
        "%(count)s of your %(total)s answers are %(name)s.",
        count,
    ) % {"count": words.get(count, str(count)), "total": words.get(total, str(total)).lower(), "name": name}


def prompt_form(block: PromptBlock) -> PromptAnswersForm:
    """The warm-up form, filled with the student's unsaved draft if any, else their saved answers."""
    if block.draft is not None:
        sent = block.draft.data.get("answers", [])
        initial = {}
        for number, item in enumerate(sent, start=1):
            initial[f"answer_{number}"] = item.get("text", "")
            initial[f"category_{number}"] = item.get("category", "")
    else:
        initial = {}
        for slot in block.slots:
            if slot.answer is not None:
                initial[f"answer_{slot.number}"] = slot.answer.text
                initial[f"category_{slot.number}"] = (
                    slot.answer.category.slug if slot.answer.category and not slot.answer.category_suggested else ""
                )
    return PromptAnswersForm(initial=initial, slots=block.slots, categories=block.categories)


@register_section_data
def prompt_and_recall(user, lesson: Lesson, sections: Sequence[Section]) -> dict[int, Any]:
    blocks = guide_blocks(user=user, lesson=lesson, sections=sections)
    for block in blocks.values():
        if isinstance(block, PromptBlock):
            block.form = prompt_form(block)
    return blocks


@register_lesson_context
def turn_link(user, lesson: Lesson) -> dict[str, Any]:
    turn = turn_definition(lesson=lesson).turn
    if turn is None:
        return {}
    completed = user.is_authenticated and TurnCompletion.objects.filter(user=user, turn=turn).exists()
    return {
        "turn": turn,
        "turn_url": reverse("turn", kwargs={"slug": lesson.slug}),
        "turn_completed": completed,
    }
