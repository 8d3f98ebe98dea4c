"""`manage.py load_demo` loads the demo course and logins, and a second run writes nothing."""

import re
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import PointsEntry, SkillCategory, SkillFramework, Turn, TurnStep
from lessons.models import FAQ, Lesson, LessonProgress, Section, Track

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "producer-demo-1"
LESSON_3 = "what-skills-does-a-music-producer-need"


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def lesson_versions() -> dict[str, tuple]:
    rows = Lesson.objects.values_list("slug", "content_version", "updated_at")
    return {slug: (version, updated_at) for slug, version, updated_at in rows}


def test_a_second_run_adds_no_rows_and_keeps_every_lesson_version():
    load_demo()
    counts, versions = row_counts(), lesson_versions()

    load_demo()

    assert row_counts() == counts
    assert lesson_versions() == versions


def test_a_second_run_sends_no_writes_to_the_database():
    load_demo()

    with CaptureQueriesContext(connection) as queries:
        load_demo()

    writes = [q["sql"] for q in queries if re.match(r"\s*(INSERT|UPDATE|DELETE)\b", q["sql"], re.IGNORECASE)]
    assert writes == []


def test_a_changed_row_is_put_back_and_its_lesson_gets_a_new_version():
    load_demo()
    section = Section.objects.get(lesson__slug=LESSON_3, anchor="warm-up")
    Section.objects.filter(pk=section.pk).update(body_md="Edited in the admin.")
    before = Lesson.objects.get(slug=LESSON_3).content_version

    load_demo()

    section.refresh_from_db()
    assert section.body_md.startswith("Before you read any further")
    assert Lesson.objects.get(slug=LESSON_3).content_version > before


def test_lesson_3_has_its_seven_sections_in_order():
    load_demo()
    lesson = Lesson.objects.get(slug=LESSON_3)

    sections = list(lesson.sections.order_by("position"))

    assert [(s.position, s.kind, s.heading) for s in sections] == [
        (1, "callout", "How to use this guide"),
        (2, "warmup_prompt", "Warm-up: three skills"),
        (3, "prose", "The full spectrum of skills"),
        (4, "prose", "The blind-spot phenomenon"),
        (5, "recall", "Where your attention went"),
        (6, "prose", "What about talent?"),
        (7, "prose", "Strategic development based on your path"),
    ]
    assert sections[1].answer_count == 3
    assert sections[4].recall_of == sections[1]
    for heading in ("Technical", "Creative", "Interpersonal", "Business", "Personal qualities"):
        assert f"### {heading}\n" in sections[2].body_md


def test_lesson_3_has_its_faqs_cards_and_next_steps():
    load_demo()
    lesson = Lesson.objects.get(slug=LESSON_3)

    assert lesson.title == "What Skills Does a Music Producer Need?"
    assert lesson.subtitle == "A Soft Synced Companion Guide"
    assert lesson.is_published
    assert lesson.faqs.count() == 4
    assert list(lesson.quick_references.values_list("term", flat=True)) == ["Spectrum", "Blind Spots", "Strategy"]
    assert "Lesson 4" in lesson.next_steps_md
    assert "<strong>" in lesson.next_steps_html


def test_lesson_3_turn_maps_skill_focus_in_three_steps():
    load_demo()
    turn = Turn.objects.get(lesson__slug=LESSON_3)

    assert turn.title == "Mapping Your Skill Focus"
    assert turn.estimated_minutes == 20
    assert turn.framework.slug == "producer-skill-spectrum"
    assert list(turn.steps.values_list("number", "kind", "points", "min_words")) == [
        (1, "rate", 0, 0),
        (2, "reflection", 15, 40),
        (3, "goals", 15, 40),
    ]
    assert "6 months" in turn.expected_outcome_md


def test_core_track_has_four_published_lessons_and_lesson_1_asks_for_success():
    load_demo()
    track = Track.objects.get(slug="core-track")

    lessons = Lesson.objects.filter(module__track=track).published().in_reading_order()

    assert track.kind == Track.Kind.CORE and track.unlock_threshold == 0
    assert [(lesson.number, lesson.slug) for lesson in lessons] == [
        (1, "what-does-success-mean-to-you"),
        (2, "how-learning-actually-works"),
        (3, LESSON_3),
        (4, "can-creativity-be-learned"),
    ]
    step = TurnStep.objects.get(turn__lesson__slug="what-does-success-mean-to-you")
    assert (step.kind, step.points, step.min_words) == ("success", 10, 30)
    assert step.turn.framework is None


def test_frameworks_keep_their_category_order_and_clusters():
    load_demo()

    spectrum = SkillCategory.objects.filter(framework__slug="producer-skill-spectrum").order_by("position")
    soft = SkillCategory.objects.filter(framework__slug="studio-soft-skills").order_by("position")

    assert list(spectrum.values_list("slug", "cluster")) == [
        ("technical", "craft"),
        ("creative", "craft"),
        ("interpersonal", "people"),
        ("business", "people"),
        ("personal", ""),
    ]
    assert spectrum.get(slug="personal").name == "Personal qualities"
    assert list(soft.values_list("slug", flat=True)) == [
        "communication", "session-management", "emotional-intelligence", "problem-solving", "adaptability",
    ]
    for category in SkillCategory.objects.all():
        assert category.description
        assert set(category.level_descriptors) == {"1", "5", "10"}
    assert SkillFramework.objects.get(slug="producer-skill-spectrum").name == "Producer skill spectrum"


def test_extension_track_opens_at_30_points_and_rates_studio_soft_skills():
    load_demo()
    track = Track.objects.get(slug="studio-culture")
    turn = Turn.objects.get(lesson__slug="working-with-artists")

    assert track.title == "Studio Culture & Soft Skills"
    assert track.is_extension and track.unlock_threshold == 30
    assert turn.lesson.is_published and turn.lesson.module.track == track
    assert turn.framework.slug == "studio-soft-skills"
    assert list(turn.steps.values_list("kind", "points", "min_words")) == [("rate", 0, 0), ("reflection", 10, 40)]


def test_demo_student_starts_empty_and_can_log_in(client):
    load_demo()
    student = get_user_model().objects.get(email="student@example.com")

    assert student.display_name == "Demo Student"
    assert student.depth_points == 0
    assert not student.is_staff
    assert not PointsEntry.objects.filter(user=student).exists()
    assert not LessonProgress.objects.filter(user=student).exists()
    assert client.login(email="student@example.com", password=DEMO_PASSWORD)


def test_demo_author_is_staff_and_can_log_in(client):
    load_demo()
    author = get_user_model().objects.get(email="author@example.com")

    assert author.display_name == "Demo Author"
    assert author.is_staff and author.is_superuser
    assert client.login(email="author@example.com", password=DEMO_PASSWORD)


def test_existing_accounts_keep_their_password_and_the_author_stays_staff():
    user_model = get_user_model()
    user_model.objects.create_user(email="student@example.com", password="my-own-secret", display_name="Sam")
    user_model.objects.create_user(email="author@example.com", password="another-secret", is_staff=False)

    load_demo()

    student = user_model.objects.get(email="student@example.com")
    assert student.check_password("my-own-secret")
    assert student.display_name == "Sam"
    author = user_model.objects.get(email="author@example.com")
    assert author.check_password("another-secret")
    assert author.is_staff


def test_output_shows_the_demo_logins():
    output = load_demo()

    assert "student@example.com" in output
    assert "author@example.com" in output
    assert DEMO_PASSWORD in output
    assert "http://127.0.0.1:8000/" in output


def test_demo_markdown_holds_no_raw_html():
    load_demo()
    sources = [
        *Section.objects.values_list("body_md", flat=True),
        *FAQ.objects.values_list("answer_md", flat=True),
        *Lesson.objects.values_list("next_steps_md", flat=True),
        *Turn.objects.values_list("intro_md", flat=True),
        *TurnStep.objects.values_list("body_md", flat=True),
    ]

    assert sources
    assert not [text for text in sources if re.search(r"<[a-zA-Z/!]", text)]


def test_studio_culture_teaches_its_five_skills_in_lessons_shaped_like_lesson_3():
    load_demo()
    lessons = list(Lesson.objects.filter(module__track__slug="studio-culture").published().in_reading_order())

    assert len(lessons) >= 4
    text = " ".join(
        " ".join([*lesson.sections.values_list("heading", flat=True), *lesson.sections.values_list("body_md", flat=True)])
        for lesson in lessons
    ).lower()
    for skill in ("communicat", "session", "feel", "problem", "adapt"):
        assert skill in text, skill
    for lesson in lessons[1:]:
        kinds = list(lesson.sections.order_by("position").values_list("kind", flat=True))
        assert kinds[:2] == ["callout", "warmup_prompt"] and "recall" in kinds, lesson.slug
        assert lesson.faqs.exists() and lesson.quick_references.exists() and lesson.next_steps_md, lesson.slug
        assert lesson.turn.framework.slug == "studio-soft-skills", lesson.slug
        assert lesson.turn.steps.filter(kind__in=["reflection", "goals"], points__gt=0).exists(), lesson.slug
    audio = Section.objects.get(lesson__slug="saying-what-you-hear", anchor="hear-it-the-same-phrase-dry-and-compressed")
    assert "dry" in audio.body_md and "compress" in audio.body_md


def test_demo_mentor_mentors_a_cohort_of_a_dozen_with_the_demo_student_and_is_not_staff(client):
    from mentoring.models import Cohort, Feedback, Share

    load_demo()
    mentor = get_user_model().objects.get(email="mentor@example.com")
    cohort = Cohort.objects.get(mentors=mentor)
    members = get_user_model().objects.filter(cohort_memberships__cohort=cohort, cohort_memberships__left_at=None)

    assert not mentor.is_staff and not mentor.is_superuser
    assert mentor.has_perm("mentoring.mentor_cohorts")
    assert members.count() == 13 and members.filter(email="student@example.com").exists()
    assert Share.objects.filter(attempt__user__in=members, with_mentors=True).count() >= 5
    assert Feedback.objects.filter(author=mentor).exists()
    assert client.login(email="mentor@example.com", password=DEMO_PASSWORD)
    assert client.get("/mentor/", follow=True).status_code == 200
    assert "mentor@example.com" in load_demo()
