"""Plain dicts for the API's read serializers, built from what selectors return.

Nothing here queries the database: every function takes objects a selector has
already loaded (with their relations), so a response's query count is the
selectors' and does not grow with sections, snapshots or ledger rows.

`lesson_data` builds exactly what `LessonDetailSerializer` would render (same
keys in the same order, JSON-ready values), so the lesson detail view returns
it as it is, without running the serializer; tests compare the two.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from lessons.api import progress_data
from lessons.models import Lesson, Section, TrackUnlock
from lessons.selectors import LessonGuide, TrackCard

from .. import depth, insights, services
from ..models import Draft, PointsEntry, PromptAnswer, Reflection, SkillCategory, SkillSnapshot, TurnStep
from ..selectors import Dashboard, FrameworkHistory, NextUnlock, PromptBlock, RecallBlock, SnapshotView, TurnPage


def answer_data(answer: PromptAnswer) -> dict[str, Any]:
    return {
        "position": answer.position,
        "text": answer.text,
        "category": answer.category.slug if answer.category else None,
        "category_name": answer.category.name if answer.category else "",
        "category_suggested": answer.category_suggested,
    }


def reflection_data(reflection: Reflection | None) -> dict[str, Any] | None:
    if reflection is None:
        return None
    return {
        "text": reflection.text,
        "word_count": reflection.word_count,
        "created_at": reflection.created_at,
        "updated_at": reflection.updated_at,
    }


def draft_data(draft: Draft | None) -> dict[str, Any] | None:
    if draft is None:
        return None
    return {"text": draft.data.get("text", ""), "saved_at": draft.updated_at}


def attempt_reflection_data(reflection: Reflection) -> dict[str, Any]:
    """A reflection of a past or current attempt, with every version kept (prefetched)."""
    return {
        "step": reflection.step.number,
        "step_key": reflection.step.key,
        "step_title": reflection.step.title,
        "kind": reflection.step.kind,
        **reflection_data(reflection),
        "versions": [
            {"text": v.text, "word_count": v.word_count, "created_at": v.created_at}
            for v in reflection.versions.all()
        ],
    }


def verdict_data(verdict: depth.Verdict, *, min_words: int) -> dict[str, Any]:
    return {
        "pays": verdict.pays,
        "reason": verdict.reason,
        "message": verdict.message,
        "words": verdict.stats.words,
        "different_words": verdict.stats.different,
        "counted_words": verdict.stats.counted,
        "min_words": min_words,
        "rule": depth.rule_sentence(min_words),
    }


def rating_data(rating: insights.Rating) -> dict[str, Any]:
    return {"slug": rating.slug, "name": rating.name, "value": rating.value, "cluster": rating.cluster}


def snapshot_data(snapshot: SkillSnapshot, ratings: Sequence[insights.Rating]) -> dict[str, Any]:
    """A snapshot loaded by an assessments selector (framework and turn's lesson joined)."""
    return {
        "id": snapshot.pk,
        "created_at": snapshot.created_at,
        "framework": {"slug": snapshot.framework.slug if snapshot.framework else None, "name": snapshot.framework_name},
        "lesson": snapshot.turn.lesson.slug if snapshot.turn else None,
        "ratings": [rating_data(r) for r in ratings],
    }


def insights_data(patterns: insights.PatternSummary, goals: insights.GoalsInsight) -> dict[str, Any]:
    return {
        "pattern_summary": {
            "sentences": list(patterns.sentences),
            "highest": [r.slug for r in patterns.highest],
            "lowest": [r.slug for r in patterns.lowest],
            "cluster": patterns.cluster,
            "far_below": [r.slug for r in patterns.far_below],
        },
        "goals_insight": {
            "sentences": list(goals.sentences),
            "priorities": [r.slug for r in goals.priorities],
            "mismatched": [r.slug for r in goals.mismatched],
        },
    }


def snapshot_detail_data(view: SnapshotView, *, user: User) -> dict[str, Any]:
    """A snapshot with the insights the Your Turn page shows for it, and what its attempt wrote."""
    framework_slug = view.snapshot.framework.slug if view.snapshot.framework else ""
    patterns = insights.pattern_summary(view.ratings)
    goals = insights.goals_insight(view.ratings, framework_slug=framework_slug, path=user.producer_path)
    attempt = view.snapshot.attempt
    return {
        **snapshot_data(view.snapshot, view.ratings),
        "insights": insights_data(patterns, goals),
        "attempt": {"number": attempt.number, "started_at": attempt.started_at} if attempt else None,
        "reflections": [attempt_reflection_data(r) for r in view.reflections],
    }


def next_unlock_data(next_unlock: NextUnlock | None) -> dict[str, Any] | None:
    if next_unlock is None:
        return None
    return {
        "track": {"slug": next_unlock.track.slug, "title": next_unlock.track.title},
        "threshold": next_unlock.threshold,
        "needed": next_unlock.needed,
    }


def _category_choices(categories: Sequence[SkillCategory]) -> list[dict[str, str]]:
    return [{"slug": c.slug, "name": c.name} for c in categories]


def media_data(section: Section) -> dict[str, Any]:
    """What the client needs to play or show a section's file; no storage call (the facts were kept on upload)."""
    file = section.media_file
    return {
        "url": file.url,
        "content_type": section.media_content_type,
        "size": section.media_size,
    }


def section_data(section: Section, block: PromptBlock | RecallBlock | None) -> dict[str, Any]:
    """One Guide section; `block` is its per-student block (`selectors.guide_blocks`), as the page reads it."""
    prompt = recall = None
    if section.kind == Section.Kind.WARMUP_PROMPT:
        prompt = {
            "answer_count": section.answer_count,
            "answer_label": section.answer_label,
            "labels": [slot.label for slot in block.slots] if isinstance(block, PromptBlock) else [],
            "answers": [answer_data(a) for a in block.answers] if isinstance(block, PromptBlock) else [],
            "categories": _category_choices(block.categories if block is not None else []),
            "draft": {"answers": block.draft.data.get("answers", []), "saved_at": block.draft.updated_at}
            if isinstance(block, PromptBlock) and block.draft is not None else None,
        }
    elif section.kind == Section.Kind.RECALL:
        recall = {
            "prompt_section": section.recall_of_id,
            "prompt_anchor": block.prompt_anchor if isinstance(block, RecallBlock) else "",
            "answers": [answer_data(a) for a in block.answers] if isinstance(block, RecallBlock) else [],
            "cluster_sentence": block.cluster if isinstance(block, RecallBlock) else "",
        }
    return {
        "id": section.pk,
        "kind": section.kind,
        "heading": section.heading,
        "anchor": section.anchor,
        "position": section.position,
        "body_html": section.body_html,
        "prompt": prompt,
        "recall": recall,
        "audio": {**media_data(section), "description": section.audio_description}
        if section.kind == Section.Kind.AUDIO and section.media_file else None,
        "image": {**media_data(section), "alt": section.image_alt, "width": section.media_width,
                  "height": section.media_height}
        if section.kind == Section.Kind.IMAGE and section.media_file else None,
    }


def turn_data(page: TurnPage, *, user: User) -> dict[str, Any]:
    framework = page.turn.framework
    latest = None
    if page.latest is not None:
        latest = {
            **snapshot_data(page.latest.snapshot, page.latest.ratings),
            "insights": insights_data(page.patterns, page.goals),
        }
    return {
        "title": page.turn.title,
        "intro_html": page.turn.intro_html,
        "estimated_minutes": page.turn.estimated_minutes,
        "expected_outcome_html": page.turn.expected_outcome_html,
        "completion_message": page.turn.completion_message,
        "framework": {
            "slug": framework.slug,
            "name": framework.name,
            "description": framework.description,
            "categories": [
                {"slug": c.slug, "name": c.name, "description": c.description, "cluster": c.cluster,
                 "level_descriptors": {str(k): str(v) for k, v in (c.level_descriptors or {}).items()}}
                for c in page.categories
            ],
        } if framework else None,
        "steps": [step_data(step, page=page, user=user) for step in page.steps],
        "attempt": {"number": page.attempt.number, "started_at": page.attempt.started_at} if page.attempt else None,
        "definition_of_success": user.definition_of_success,
        "latest_snapshot": latest,
        "completed": page.completed is not None,
        "completed_at": page.completed.completed_at if page.completed else None,
        "points": {
            "earned_here": page.points_here,
            "possible_here": page.points_possible,
            "balance": page.summary.balance,
            "next_unlock": next_unlock_data(page.summary.next_unlock),
        },
    }


def _rate_detail(step: TurnStep, page: TurnPage, user: User) -> dict[str, Any]:
    return {"rate": {
        "categories": [c.slug for c in page.categories],
        "latest_snapshot": page.latest.snapshot.pk if page.latest else None,
    }}


def _text_detail(step: TurnStep, page: TurnPage, user: User) -> dict[str, Any]:
    return {"text": {
        "max_chars": services.text_limit(step),
        "min_words": step.min_words,
        "rule": depth.rule_sentence(step.min_words) if step.points else "",
        "points_paid": step.pk in page.paid,
    }}


def _goals_detail(step: TurnStep, page: TurnPage, user: User) -> dict[str, Any]:
    return {
        **_text_detail(step, page, user),
        "goals": {
            "definition_of_success": user.definition_of_success,
            "producer_path": user.producer_path,
            "sentences": list(page.goals.sentences) if page.goals else [],
        },
    }


def _success_detail(step: TurnStep, page: TurnPage, user: User) -> dict[str, Any]:
    return {**_text_detail(step, page, user), "success": {"saved_to": "profile.definition_of_success"}}


# Each step kind's own part of its representation; a test checks every kind has one.
STEP_DETAILS = {
    TurnStep.Kind.RATE: _rate_detail,
    TurnStep.Kind.REFLECTION: _text_detail,
    TurnStep.Kind.GOALS: _goals_detail,
    TurnStep.Kind.SUCCESS: _success_detail,
}


def step_data(step: TurnStep, *, page: TurnPage, user: User) -> dict[str, Any]:
    detail = STEP_DETAILS[step.kind](step, page, user)
    return {
        "number": step.number,
        "key": step.key,
        "kind": step.kind,
        "title": step.title,
        "body_html": step.body_html,
        "takes_reflection": step.takes_reflection,
        "required": step.is_required,
        "points": step.points,
        "min_words": step.min_words,
        "reflection": reflection_data(page.reflections.get(step.pk)),
        "draft": draft_data(page.drafts.get(step.pk)),
        "rate": detail.get("rate"),
        "text": detail.get("text"),
        "goals": detail.get("goals"),
        "success": detail.get("success"),
    }


def lesson_data(*, lesson: Lesson, guide: LessonGuide, extras: dict[int, dict[str, Any]],
                page: TurnPage | None, user: User) -> dict[str, Any]:
    module = lesson.module
    track = module.track
    progress = guide.progress
    anchors = {s.pk: s.anchor for s in guide.sections}
    anchor = anchors.get(progress.furthest_section_id, "") if progress else ""
    next_lesson = guide.next_lesson
    return {
        "slug": lesson.slug,
        "number": lesson.number,
        "title": lesson.title,
        "subtitle": lesson.subtitle,
        "summary": lesson.summary,
        "estimated_minutes": lesson.estimated_minutes,
        "status": lesson.status,
        "content_version": lesson.content_version,
        "updated_at": lesson.updated_at,
        "breadcrumb": {
            "track": {"slug": track.slug, "title": track.title, "kind": track.kind},
            "module": {"slug": module.slug, "title": module.title},
            "label": _("Lesson %(number)s") % {"number": lesson.number},
        },
        "sections": [section_data(section, extras.get(section.pk)) for section in guide.sections],
        "faqs": [{"id": f.pk, "question": f.question, "answer_html": f.answer_html} for f in guide.faqs],
        "quick_reference": [{"id": q.pk, "term": q.term, "summary": q.summary} for q in guide.quick_references],
        "next_steps_html": lesson.next_steps_html,
        "next_lesson": {
            "slug": next_lesson.slug,
            "number": next_lesson.number,
            "title": next_lesson.title,
            "module": {"slug": next_lesson.module.slug, "title": next_lesson.module.title},
        } if next_lesson else None,
        "progress": progress_data(progress, anchor),
        "turn": turn_data(page, user=user) if page is not None else None,
    }


def ledger_entry_data(entry: PointsEntry) -> dict[str, Any]:
    """A ledger row with the lesson and step that paid it (joined by `selectors.points_ledger`)."""
    step = entry.step
    lesson = step.turn.lesson if step is not None else None
    return {
        "id": entry.pk,
        "amount": entry.amount,
        "reason": entry.reason,
        "created_at": entry.created_at,
        "lesson": {"slug": lesson.slug, "number": lesson.number, "title": lesson.title} if lesson else None,
        "step": {"number": step.number, "key": step.key, "title": step.title} if step else None,
    }


def dashboard_track_data(card: TrackCard, *, balance: int) -> dict[str, Any]:
    track = card.track
    return {
        "slug": track.slug,
        "title": track.title,
        "kind": track.kind,
        "summary": track.summary,
        "is_open": card.is_open,
        "unlock_threshold": track.unlock_threshold,
        "points_needed": 0 if card.is_open else track.points_needed(balance),
        "lesson_count": card.lesson_count,
        "done_count": card.done_count,
        "percent_done": card.percent_done,
    }


def unlock_notice_data(unlock: TrackUnlock) -> dict[str, Any]:
    return {"track": {"slug": unlock.track.slug, "title": unlock.track.title}, "unlocked_at": unlock.unlocked_at}


def dashboard_data(dashboard: Dashboard) -> dict[str, Any]:
    """What the web dashboard shows (`selectors.dashboard`), as the API sends it."""
    resume = dashboard.resume
    continue_point = None
    if resume is not None:
        lesson = resume.lesson
        continue_point = {
            "lesson": {
                "slug": lesson.slug, "number": lesson.number, "title": lesson.title,
                "module": {"slug": lesson.module.slug, "title": lesson.module.title},
            },
            "track": {"slug": lesson.module.track.slug, "title": lesson.module.track.title},
            "anchor": resume.anchor,
            "started": resume.started,
        }
    balance = dashboard.summary.balance
    return {
        "returning": dashboard.returning,
        "continue_point": continue_point,
        "core_tracks": [dashboard_track_data(c, balance=balance) for c in dashboard.core_cards],
        "extension_tracks": [dashboard_track_data(c, balance=balance) for c in dashboard.extension_cards],
        "depth_points": balance,
        "next_unlock": next_unlock_data(dashboard.summary.next_unlock),
        "retake_due": dashboard.retake_due,
        "unlock_notices": [unlock_notice_data(u) for u in dashboard.notices],
    }


def chart_data(group: FrameworkHistory) -> dict[str, Any]:
    """The radar's data for a framework: the latest snapshot's categories as axes, every snapshot a series."""
    latest = group.latest
    keys = [r.slug for r in latest.ratings] if latest else []
    return {
        "categories": keys,
        "labels": [r.name for r in latest.ratings] if latest else [],
        "series": [
            {
                "snapshot": view.snapshot.pk,
                "label": date_format(timezone.localtime(view.snapshot.created_at), "j M Y"),
                "taken_at": view.snapshot.created_at,
                "values": [{r.slug: r.value for r in view.ratings}.get(key) for key in keys],
            }
            for view in group.snapshots
        ],
    }


def skills_history_data(history: Sequence[FrameworkHistory], *, retake_due: date | None) -> dict[str, Any]:
    return {
        "frameworks": [
            {
                "slug": group.framework_slug,
                "name": group.framework_name,
                "latest": snapshot_data(group.latest.snapshot, group.latest.ratings) if group.latest else None,
                "snapshots": [snapshot_data(view.snapshot, view.ratings) for view in group.snapshots],
                "chart": chart_data(group),
            }
            for group in history
        ],
        "retake_due": retake_due,
    }
