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

from .models import PromptAnswer, SkillFramework, TurnCompletion
from .selectors import turn_definition


def cluster_sentence(answers: Sequence[PromptAnswer], total: int) -> str:
    """"Two of your three are Technical" — where the student's attention went."""
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


def _prompt_categories(lesson: Lesson) -> list:
    """The categories answers are tagged with: `services.prompt_framework`'s, the
    lesson's Turn framework (cached with the Turn) when it has one, else the first framework's."""
    definition = turn_definition(lesson=lesson)
    if definition.turn is not None and definition.turn.framework is not None:
        return definition.categories
    framework = SkillFramework.objects.order_by("position", "id").first()
    return list(framework.categories.order_by("position", "id")) if framework else []


@register_section_data
def prompt_and_recall(user, lesson: Lesson, sections: Sequence[Section]) -> dict[int, dict[str, Any]]:
    prompts = [s for s in sections if s.kind == Section.Kind.WARMUP_PROMPT]
    recalls = [s for s in sections if s.kind == Section.Kind.RECALL and s.recall_of_id]
    if not prompts and not recalls or not user.is_authenticated:
        return {}
    prompt_ids = {s.pk for s in prompts} | {s.recall_of_id for s in recalls}
    answers: dict[int, list[PromptAnswer]] = {}
    for answer in PromptAnswer.objects.filter(user=user, section_id__in=prompt_ids).select_related("category"):
        answers.setdefault(answer.section_id, []).append(answer)
    categories = _prompt_categories(lesson)
    data: dict[int, dict[str, Any]] = {}
    for section in prompts:
        mine = {a.position: a for a in answers.get(section.pk, [])}
        slots = [(n, mine.get(n)) for n in range(1, section.answer_count + 1)]
        data[section.pk] = {
            "form_template": "assessments/includes/prompt_form.html",
            "slots": slots,
            "categories": categories,
            "action": reverse("prompt_answers", kwargs={"slug": lesson.slug, "section_id": section.pk}),
            "answered": bool(mine),
        }
    for section in recalls:
        mine = sorted(answers.get(section.recall_of_id, []), key=lambda a: a.position)
        data[section.pk] = {
            "recall_template": "assessments/includes/recall.html",
            "answers": mine,
            "cluster": cluster_sentence(mine, section.recall_of.answer_count if section.recall_of else len(mine)),
            "prompt_anchor": section.recall_of.anchor if section.recall_of else "",
        }
    return data


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
