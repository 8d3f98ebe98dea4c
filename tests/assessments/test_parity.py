"""Web/API parity: every rule a student meets gives the same outcome through the web form
and the API — the same rows written, the same points, the same words."""

import pytest
from rest_framework.test import APIClient

from assessments.models import PointsEntry, PromptAnswer, Reflection, SkillSnapshot, TurnCompletion
from lessons.models import Lesson, LessonProgress
from tests.assessments.conftest import ratings, words
from tests.assessments.doors import ApiDoor, WebDoor
from tests.factories import LessonFactory, SectionFactory, UserFactory

SLUG = "skills"


def both(action):
    """Run `action(door)` at the web door and at the API door, each for a new student."""
    web, api = WebDoor(UserFactory()), ApiDoor(UserFactory())
    return (web, action(web)), (api, action(api))


def refused_alike(web, api, *, field: str, message: str) -> None:
    assert web.status == api.status == 400
    assert api.fields == {field: [message]}
    assert message in web.words, web.words[:500]
    if "." in field:
        assert field not in web.words  # the service's field path never reaches a person


# --- Rating range ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (ratings(technical=0), "ratings.technical", "Rate Technical with a whole number from 1 to 10."),
        (ratings(technical=11), "ratings.technical", "Rate Technical with a whole number from 1 to 10."),
        (ratings(creative="abc"), "ratings.creative", "Rate Creative with a whole number from 1 to 10."),
        (ratings(creative=-3), "ratings.creative", "Rate Creative with a whole number from 1 to 10."),
        ({k: v for k, v in ratings().items() if k != "business"}, "ratings.business", "Rate Business too."),
    ],
)
def test_a_rating_out_of_range_is_refused_alike(course, values, field, message):
    (web_door, web), (api_door, api) = both(lambda door: door.rate(SLUG, values))

    refused_alike(web, api, field=field, message=message)
    assert not SkillSnapshot.objects.exists()


@pytest.mark.parametrize("value", [1, 10])
def test_the_ends_of_the_range_are_accepted_alike(course, value):
    (web_door, web), (api_door, api) = both(lambda door: door.rate(SLUG, ratings(technical=value, business=value)))

    assert web.accepted and api.accepted
    for door in (web_door, api_door):
        snapshot = SkillSnapshot.objects.get(user=door.user)
        assert {r.category_slug: r.value for r in snapshot.ratings.all()} == ratings(technical=value, business=value)


# --- Reflection limits ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x" * 10_001, "Keep this under 10,000 characters (it has 10,001); nothing was cut or saved."),
        ("   \n ", "Write your reflection before saving."),
    ],
)
def test_a_reflection_over_the_limit_or_empty_is_refused_alike(course, text, message):
    (_w, web), (_a, api) = both(lambda door: door.reflect(SLUG, 2, text))

    refused_alike(web, api, field="text", message=message)
    assert not Reflection.objects.exists()


NUL_REFUSED = "The text contains control characters (such as a NUL byte) that cannot be saved; remove them."


def test_a_nul_byte_is_refused_alike_and_nothing_is_saved(course):
    (_w, web), (_a, api) = both(lambda door: door.reflect(SLUG, 2, "half\x00a thought"))

    refused_alike(web, api, field="text", message=NUL_REFUSED)
    assert not Reflection.objects.exists()


def test_a_reflection_of_exactly_10000_characters_is_kept_whole_alike(course):
    text = (words(2000, "w") + " ")[:9_999] + "z"
    (web_door, web), (api_door, api) = both(lambda door: door.reflect(SLUG, 2, text))

    assert web.accepted and api.accepted
    assert [len(r.text) for r in Reflection.objects.all()] == [10_000, 10_000]


# --- The depth rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "points", "message"),
    [
        (words(10), 15, ""),
        (words(9), 0, "It has 9 words; 10 are needed for the points."),
        ("word " * 2000, 0,
         "It has 2000 words, but only 3 count: a word counts at most 3 times. 10 are needed for the points."),
    ],
)
def test_the_depth_rule_pays_and_explains_alike(course, text, points, message):
    (_w, web), (_a, api) = both(lambda door: door.reflect(SLUG, 2, text))

    assert web.points == api.points == points
    assert api.body["depth"]["message"] == message
    if message:
        assert f"Saved, but no points yet: {message}" in web.words
    else:
        assert "Saved. You earned 15 Depth points." in web.words
    assert PointsEntry.objects.filter(amount=15).count() == (2 if points else 0)


def test_a_copy_of_the_instructions_pays_nothing_alike(course):
    course.patterns.body_md = "Which categories scored highest and lowest, and do they cluster on craft or people?"
    course.patterns.save()

    (_w, web), (_a, api) = both(lambda door: door.reflect(SLUG, 2, course.patterns.body_md))

    assert web.points == api.points == 0
    assert api.body["depth"]["reason"] == "copied"
    assert api.body["depth"]["message"] in web.words


def test_an_edit_never_pays_again_alike(course):
    def write_twice(door):
        door.reflect(SLUG, 2, words(10))
        return door.reflect(SLUG, 2, words(20, "edit"))

    (web_door, web), (api_door, api) = both(write_twice)

    assert web.points == api.points == 0
    for door in (web_door, api_door):
        assert PointsEntry.objects.filter(user=door.user).count() == 1
        assert Reflection.objects.get(user=door.user).versions.count() == 2


# --- Warm-up rules -------------------------------------------------------------------------------------


def test_a_nul_byte_in_a_warm_up_answer_is_refused_alike(course):
    (_w, web), (_a, api) = both(lambda door: door.answers(SLUG, course.prompt.pk, [("EQ", ""), ("a\x00b", "")]))

    refused_alike(web, api, field="answers.2.text", message=NUL_REFUSED)
    assert not PromptAnswer.objects.exists()


def saved_answers(user) -> dict[int, tuple[str, str, bool]]:
    return {a.position: (a.text, a.category.slug if a.category else "", a.category_suggested)
            for a in PromptAnswer.objects.filter(user=user)}


def test_empty_boxes_keep_saved_answers_and_clear_empties_them_alike(course):
    def save_then(door, *, clear):
        door.answers(SLUG, course.prompt.pk, [("Gain staging", "technical"), ("Patience", "personal")])
        return door.answers(SLUG, course.prompt.pk, [("", ""), ("", ""), ("", "")], clear=clear)

    for clear, expected in [
        (False, {1: ("Gain staging", "technical", False), 2: ("Patience", "personal", False)}),
        (True, {}),
    ]:
        (web_door, web), (api_door, api) = both(lambda door, clear=clear: save_then(door, clear=clear))
        assert web.accepted and api.accepted
        assert saved_answers(web_door.user) == saved_answers(api_door.user) == expected


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ([("x" * 501, "")], "answers.1.text", "Keep each answer under 500 characters (this one has 501)."),
        ([("EQ", "astrology")], "answers.1.category", "Unknown skill category: astrology."),
        ([("", ""), ("  ", "")], "answers", "Write at least one answer before saving."),
    ],
)
def test_bad_warm_up_answers_are_refused_alike(course, answers, field, message):
    (_w, web), (_a, api) = both(lambda door: door.answers(SLUG, course.prompt.pk, answers))

    assert web.status == api.status == 400
    assert api.fields == {field: [message]}
    assert message in web.words
    assert not PromptAnswer.objects.exists()


def test_an_untagged_answer_gets_the_same_suggestion_alike(course):
    technical = course.categories[0]
    technical.keywords = "mixing, gain staging, eq"
    technical.save()

    (web_door, _web), (api_door, api) = both(
        lambda door: door.answers(SLUG, course.prompt.pk, [("Mixing vocals with EQ", "")])
    )

    assert saved_answers(web_door.user) == saved_answers(api_door.user) == {
        1: ("Mixing vocals with EQ", "technical", True)
    }
    assert api.body["answers"][0]["category_suggested"] is True


# --- Completion requirements ----------------------------------------------------------------------


def test_completing_before_rating_is_refused_alike_then_accepted_alike(course):
    message = "Rate yourself (step 1) before marking this Turn complete."
    (web_door, web), (api_door, api) = both(lambda door: door.complete(SLUG))

    assert api.status == 400 and api.fields == {"snapshot": [message]}
    assert message in web.words
    assert not TurnCompletion.objects.exists()

    for door in (web_door, api_door):
        door.rate(SLUG, ratings())
        assert door.complete(SLUG).accepted
        assert LessonProgress.objects.get(user=door.user, lesson=course.lesson).completed_at is not None
    assert TurnCompletion.objects.count() == 2


# --- A staff preview of a draft lesson records no progress -------------------------------------


@pytest.fixture
def draft_lesson(course):
    lesson = LessonFactory(module=course.module, number=8, slug="draft-preview", status=Lesson.Status.DRAFT)
    section = SectionFactory(lesson=lesson, heading="A part", position=1)
    return lesson, section


def test_staff_previewing_a_draft_record_no_progress_on_the_web_or_the_api(author, client, draft_lesson):
    lesson, section = draft_lesson
    client.force_login(author)
    api = APIClient()
    api.force_authenticate(author)

    assert client.get(f"/lessons/{lesson.slug}/").status_code == 200
    web_post = client.post(f"/lessons/{lesson.slug}/progress/", {"section": section.pk, "finished": "on"},
                           HTTP_ACCEPT="application/json")
    api_put = api.put(f"/api/v1/lessons/{lesson.slug}/progress/", {"section": section.pk, "finished": True},
                      format="json")
    api_get = api.get(f"/api/v1/lessons/{lesson.slug}/")

    assert web_post.status_code == 200 and web_post.json()["preview"] is True
    assert api_put.status_code == 200 and api_put.json()["state"] == "not_started"
    assert api_get.status_code == 200 and api_get.json()["progress"]["state"] == "not_started"
    assert not LessonProgress.objects.exists()


def test_students_cannot_open_a_draft_on_either_door(student_client, api_client, draft_lesson):
    lesson, _section = draft_lesson

    assert student_client.get(f"/lessons/{lesson.slug}/").status_code == 404
    assert student_client.post(f"/lessons/{lesson.slug}/progress/", {"finished": "on"}).status_code == 404
    assert api_client.get(f"/api/v1/lessons/{lesson.slug}/").status_code == 404
    assert api_client.put(f"/api/v1/lessons/{lesson.slug}/progress/", {}, format="json").status_code == 404
    assert not LessonProgress.objects.exists()


def test_the_same_published_lesson_records_progress_on_both_doors(author, client, course):
    client.force_login(author)
    api = APIClient()
    api.force_authenticate(UserFactory())

    client.get(f"/lessons/{SLUG}/")
    api.put(f"/api/v1/lessons/{SLUG}/progress/", {}, format="json")

    assert LessonProgress.objects.filter(lesson=course.lesson).count() == 2
