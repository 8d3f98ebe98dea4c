"""GET /api/v1/lessons/<slug>/: the whole lesson, its Turn and my progress in one response."""

from rest_framework.renderers import JSONRenderer

from assessments import selectors as assessment_selectors
from assessments import services
from assessments.api import presenters
from assessments.api.serializers import LessonDetailSerializer
from assessments.models import Turn
from lessons import selectors as lesson_selectors
from lessons.sections import section_data_for
from lessons.services import content_changed, progress_record
from tests.api.conftest import error_of, ratings, words
from tests.factories import LessonFactory, TurnFactory

URL = "/api/v1/lessons/{}/"


def test_a_lesson_comes_with_its_sections_faqs_quick_reference_and_next_steps(api_client, course):
    response = api_client.get(URL.format("skills"))

    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "What Skills Does a Music Producer Need?"
    assert body["subtitle"] == "A Soft Synced Companion Guide"
    assert body["breadcrumb"] == {
        "track": {"slug": course.track.slug, "title": "Core Track", "kind": "core"},
        "module": {"slug": course.module.slug, "title": "Why Learn Anything?"},
        "label": "Lesson 3",
    }
    assert [(s["kind"], s["anchor"]) for s in body["sections"]] == [
        ("warmup_prompt", "warm-up"), ("recall", "where-your-attention-went"),
    ]
    assert "<p>" in body["sections"][0]["body_html"]
    assert [f["question"] for f in body["faqs"]] == [f.question for f in course.faqs]
    assert [q["term"] for q in body["quick_reference"]] == [q.term for q in course.cards]
    assert "creativity" in body["next_steps_html"]
    assert body["next_lesson"]["slug"] == "skills-next"
    assert body["progress"] == {
        "state": "not_started", "furthest_section": None, "resume_anchor": "", "guide_finished": False,
        "started_at": None, "guide_finished_at": None, "completed_at": None,
    }


def test_the_turn_definition_lists_steps_points_and_framework_categories(api_client, course):
    turn = api_client.get(URL.format("skills")).json()["turn"]

    assert turn["title"] == "Mapping Your Skill Focus"
    assert [(s["number"], s["kind"], s["points"], s["min_words"]) for s in turn["steps"]] == [
        (1, "rate", 0, 0), (2, "reflection", 15, 10), (3, "goals", 15, 10),
    ]
    assert [c["slug"] for c in turn["framework"]["categories"]] == [
        "technical", "creative", "interpersonal", "business", "personal",
    ]
    assert turn["latest_snapshot"] is None
    assert turn["completed"] is False
    assert turn["points"] == {
        "earned_here": 0, "possible_here": 30, "balance": 0,
        "next_unlock": {"track": {"slug": "studio-culture", "title": "Studio Culture"}, "threshold": 30, "needed": 30},
    }


def test_my_answers_reflections_snapshot_and_progress_show_in_the_lesson(api_client, student, course):
    services.prompt_answers_save(user=student, section=course.prompt, answers=[
        {"text": "Mixing", "category": "technical"}, {"text": "EQ", "category": "technical"},
        {"text": "Networking", "category": "business"},
    ])
    services.snapshot_record(user=student, turn=course.turn, ratings=ratings())
    services.reflection_save(user=student, step=course.patterns, text=words(12))
    progress_record(user=student, lesson=course.lesson, section=course.recall)

    body = api_client.get(URL.format("skills")).json()

    prompt = body["sections"][0]["prompt"]
    assert prompt["answer_count"] == 3
    assert [(a["position"], a["text"], a["category"]) for a in prompt["answers"]] == [
        (1, "Mixing", "technical"), (2, "EQ", "technical"), (3, "Networking", "business"),
    ]
    assert {c["slug"] for c in prompt["categories"]} >= {"technical", "business"}
    recall = body["sections"][1]["recall"]
    assert [a["text"] for a in recall["answers"]] == ["Mixing", "EQ", "Networking"]
    assert recall["cluster_sentence"] == "Two of your three answers are Technical."
    assert body["progress"]["state"] == "in_progress"
    assert body["progress"]["resume_anchor"] == "where-your-attention-went"
    steps = {s["number"]: s for s in body["turn"]["steps"]}
    assert steps[2]["reflection"]["word_count"] == 12
    assert steps[3]["reflection"] is None
    latest = body["turn"]["latest_snapshot"]
    assert {r["slug"]: r["value"] for r in latest["ratings"]} == ratings()
    assert latest["insights"]["pattern_summary"]["sentences"][0] == "Your highest score is Technical (8)."
    assert latest["insights"]["goals_insight"]["sentences"] == [
        "Choose your producer path to see which categories matter most for it."
    ]
    assert body["turn"]["points"]["earned_here"] == 15


def test_a_lesson_without_a_turn_has_turn_null(api_client, course):
    response = api_client.get(URL.format("skills-next"))

    assert response.status_code == 200
    assert response.json()["turn"] is None


def test_an_unknown_lesson_is_404_in_the_error_shape(api_client, course):
    response = api_client.get(URL.format("no-such-lesson"))

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_draft_is_404_for_a_student_and_a_preview_for_staff(api_client, author, course):
    assert api_client.get(URL.format("draft-lesson")).status_code == 404

    api_client.force_authenticate(author)
    response = api_client.get(URL.format("draft-lesson"))
    assert response.status_code == 200
    assert response.json()["status"] == "draft"


def test_a_lesson_of_a_locked_extension_course_is_403_track_locked(api_client, course):
    response = api_client.get(URL.format("working-with-artists"))

    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "track_locked"
    assert error["track"] == {"slug": "studio-culture", "title": "Studio Culture", "unlock_threshold": 30,
                              "points_needed": 30}


def test_an_unlocked_extension_course_opens(api_client, student, course):
    from lessons.services import track_unlock

    track_unlock(user=student, track=course.extension)

    assert api_client.get(URL.format("working-with-artists")).status_code == 200


def test_reading_a_lesson_does_not_start_it(api_client, student, course):
    api_client.get(URL.format("skills"))

    assert not student.lesson_progress.exists()


def test_a_lesson_in_another_module_links_no_next_lesson_outside_its_track(api_client, course):
    LessonFactory(module__track__slug="elsewhere", slug="elsewhere-1")

    assert api_client.get(URL.format("skills-next")).json()["next_lesson"] is None


def test_the_response_is_exactly_what_the_schema_serializer_renders(api_client, student, course):
    """The view returns the presenter's dict without running LessonDetailSerializer: the bytes
    must be those the serializer would give (same keys, order and types), for a student with
    answers, snapshots, reflections, progress and a completed Turn."""
    services.prompt_answers_save(user=student, section=course.prompt, answers=[
        {"text": "Mixing", "category": "technical"}, {"text": "Untagged"},
    ])
    services.snapshot_record(user=student, turn=course.turn, ratings=ratings())
    services.snapshot_record(user=student, turn=course.turn, ratings=ratings(business=9))
    services.reflection_save(user=student, step=course.patterns, text=words(12))
    services.reflection_save(user=student, step=course.goals, text=words(3))
    progress_record(user=student, lesson=course.lesson, section=course.recall)
    services.turn_complete(user=student, turn=course.turn)

    for slug in ("skills", "skills-next"):  # with and without a Your Turn
        response = api_client.get(URL.format(slug))
        lesson = lesson_selectors.lesson_get(user=student, slug=slug)
        guide = lesson_selectors.lesson_guide(user=student, lesson=lesson)
        extras = section_data_for(student, lesson, guide.sections)
        page = assessment_selectors.turn_page(user=student, lesson=lesson) if slug == "skills" else None
        data = presenters.lesson_data(lesson=lesson, guide=guide, extras=extras, page=page, user=student)

        assert response.content == JSONRenderer().render(LessonDetailSerializer(data).data)
    assert response.json()["turn"] is None


def test_an_edited_turn_is_served_fresh_though_the_turn_is_cached(api_client, course, django_assert_max_num_queries):
    url = URL.format("skills")
    api_client.get(url)  # warms the content and Turn caches
    with django_assert_max_num_queries(10):  # warm: no query for the Turn, its steps or categories
        assert api_client.get(url).json()["turn"]["steps"][1]["title"] == "Notice patterns"

    course.patterns.title = "Look for patterns"
    course.patterns.save()
    course.categories[0].name = "Technical craft"
    course.categories[0].save()
    course.turn.title = "Map your skills"
    course.turn.save()
    content_changed(parts=[course.patterns, course.categories[0], course.turn])  # as the admin and importers do
    turn = api_client.get(url).json()["turn"]
    assert turn["title"] == "Map your skills"
    assert turn["steps"][1]["title"] == "Look for patterns"
    assert turn["framework"]["categories"][0]["name"] == "Technical craft"

    ids = course.goals.affected_lesson_ids()
    course.goals.delete()
    content_changed(lesson_ids=ids)
    assert [s["number"] for s in api_client.get(url).json()["turn"]["steps"]] == [1, 2]


def test_a_drafts_turn_is_never_cached(api_client, author, course):
    draft_turn = TurnFactory(lesson=course.draft, title="First try")
    api_client.force_authenticate(author)
    assert api_client.get(URL.format("draft-lesson")).json()["turn"]["title"] == "First try"

    Turn.objects.filter(pk=draft_turn.pk).update(title="Second try")  # no new version: only a live read sees it

    assert api_client.get(URL.format("draft-lesson")).json()["turn"]["title"] == "Second try"
