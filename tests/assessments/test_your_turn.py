"""Your Turn through its pages: rate, reflect, earn points, complete, unlock."""

import pytest
from django.db.models import Sum

from assessments import services
from assessments.models import PointsEntry, Reflection, SkillSnapshot, SnapshotRating, TurnCompletion
from lessons.models import LessonProgress, TrackUnlock
from tests.assessments.conftest import ratings, words


def turn_url(course, tail=""):
    return f"/lessons/{course.lesson.slug}/your-turn/{tail}"


def rate(client, course, **values):
    return client.post(turn_url(course, "snapshot/"), {f"rating-{k}": v for k, v in values.items()})


def reflect(client, course, number, text):
    return client.post(turn_url(course, f"reflections/{number}/"), {f"step{number}-text": text})


def test_turn_page_states_the_earning_rule_and_the_distance_to_the_next_unlock(student_client, course):
    page = student_client.get(turn_url(course)).content.decode()
    assert "Mapping Your Skill Focus" in page
    assert "of at least 10 words earns 15 points" in page
    assert "30</strong> more to unlock Studio Culture" in page
    for category in course.categories:
        assert f'<label for="rating-{category.slug}" class="slider__label">{category.name}</label>' in page


def test_saving_ratings_records_a_snapshot_and_shows_patterns(student_client, student, course):
    response = rate(student_client, course, **ratings())
    assert response.status_code == 302
    snapshot = SkillSnapshot.objects.get(user=student)
    assert {r.category_slug: r.value for r in snapshot.ratings.all()} == ratings()
    page = student_client.get(turn_url(course)).content.decode()
    assert "Your highest score is Technical (8)." in page
    assert "Your lowest score is Business (3)." in page
    assert "cluster on craft" in page
    # The text alternative of the chart: a table with the same numbers.
    assert "<th scope=\"row\">Technical</th><td>8 / 10</td>" in page


@pytest.mark.parametrize(
    ("values", "field"),
    [
        (ratings(technical=0), "rating-technical"),
        (ratings(creative=11), "rating-creative"),
        (ratings(business="abc"), "rating-business"),
        ({k: v for k, v in ratings().items() if k != "personal"}, "rating-personal"),
    ],
)
def test_bad_ratings_are_refused_naming_the_category_and_nothing_is_saved(student_client, course, values, field):
    response = rate(student_client, course, **values)
    assert response.status_code == 400
    assert field in response.content.decode() or course.categories[0].name in response.content.decode()
    assert "Please fix these ratings" in response.content.decode()
    assert SkillSnapshot.objects.count() == 0 and SnapshotRating.objects.count() == 0


def test_the_service_refuses_unknown_and_missing_categories_naming_them(student, course):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.snapshot_record(user=student, turn=course.turn, ratings={**ratings(), "mystery": 5})
    assert "ratings.mystery" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.snapshot_record(user=student, turn=course.turn, ratings={"technical": True})
    assert {"ratings.technical", "ratings.creative"} <= set(error.value.message_dict)
    assert SkillSnapshot.objects.count() == 0


def test_a_snapshot_keeps_the_category_names_it_was_rated_on(student, course):
    snapshot = services.snapshot_record(user=student, turn=course.turn, ratings=ratings())
    technical = course.categories[0]
    technical.name = "Technical craft"
    technical.save()
    assert snapshot.ratings.get(category_slug="technical").category_name == "Technical"


def test_a_long_enough_reflection_pays_once_and_edits_never_pay_again(student_client, student, course):
    assert reflect(student_client, course, 2, words(4)).status_code == 302
    student.refresh_from_db()
    assert student.depth_points == 0, "too short to earn points"
    reflect(student_client, course, 2, words(12))
    reflect(student_client, course, 2, words(20) + " edited")
    reflect(student_client, course, 2, words(12))
    student.refresh_from_db()
    assert student.depth_points == 15
    assert PointsEntry.objects.filter(user=student).count() == 1
    assert Reflection.objects.get(user=student, step=course.patterns).text == words(12)
    page = student_client.get("/depth-points/").content.decode()
    assert "Reflection: Notice patterns" in page and "+15" in page


def test_a_reflection_over_ten_thousand_characters_is_refused(student_client, student, course):
    response = reflect(student_client, course, 2, "a" * 10_001)
    assert response.status_code == 400
    assert "under 10,000 characters" in response.content.decode()
    assert not Reflection.objects.exists()


def test_an_empty_reflection_is_refused(student_client, course):
    response = reflect(student_client, course, 2, "   ")
    assert response.status_code == 400
    assert "Write your reflection" in response.content.decode()


def test_html_in_a_reflection_is_shown_as_text(student_client, course):
    reflect(student_client, course, 2, "<script>alert(1)</script> " + words(12))
    page = student_client.get(turn_url(course)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_rate_step_is_not_a_reflection_and_unknown_steps_are_404(student_client, course):
    assert reflect(student_client, course, 1, words(20)).status_code == 404
    assert reflect(student_client, course, 9, words(20)).status_code == 404


def test_complete_needs_a_snapshot_first(student_client, student, course):
    response = student_client.post(turn_url(course, "complete/"), follow=True)
    assert "Rate yourself (step 1) before marking this Turn complete." in response.content.decode()
    assert not TurnCompletion.objects.exists()


def test_complete_is_idempotent_and_marks_the_lesson_done(student_client, student, course):
    rate(student_client, course, **ratings())
    student_client.post(turn_url(course, "complete/"))
    student_client.post(turn_url(course, "complete/"))
    assert TurnCompletion.objects.filter(user=student).count() == 1
    assert LessonProgress.objects.get(user=student, lesson=course.lesson).completed_at is not None
    track_page = student_client.get("/tracks/core-track/").content.decode()
    assert "lesson-list__item--done" in track_page
    dashboard = student_client.get("/").content.decode()
    assert "1 of 1 lessons done" in dashboard


def test_reaching_the_threshold_unlocks_the_extension_and_says_so_once(student_client, student, course):
    assert student_client.get(f"/lessons/{course.ext_lesson.slug}/").status_code == 403
    reflect(student_client, course, 2, words(12))
    reflect(student_client, course, 3, words(12, "goal"))
    assert TrackUnlock.objects.filter(user=student, track=course.extension).exists()
    first = student_client.get("/").content.decode()
    assert "You unlocked Studio Culture" in first
    second = student_client.get("/").content.decode()
    assert "You unlocked Studio Culture" not in second
    assert student_client.get(f"/lessons/{course.ext_lesson.slug}/").status_code == 200


def test_the_cached_balance_equals_the_ledger(student, course):
    services.reflection_save(user=student, step=course.patterns, text=words(12))
    services.reflection_save(user=student, step=course.goals, text=words(12, "goal"))
    services.reflection_save(user=student, step=course.goals, text=words(30, "goal"))
    student.refresh_from_db()
    total = PointsEntry.objects.filter(user=student).aggregate(total=Sum("amount"))["total"]
    assert student.depth_points == total == 30


def test_goals_step_shows_priorities_and_a_mismatch(student_client, student, course):
    student.producer_path = "client"
    student.definition_of_success = "Mixing records for bands I love."
    student.save()
    rate(student_client, course, **ratings())
    page = student_client.get(turn_url(course)).content.decode()
    assert "Mixing records for bands I love." in page
    assert "For your path, Interpersonal, Business and Technical matter most." in page
    assert "Mismatch: Interpersonal and Business are priorities" in page


def test_definition_of_success_can_be_written_on_the_goals_step(student_client, student, course):
    page = student_client.get(turn_url(course)).content.decode()
    assert "You have not written one yet" in page
    student_client.post(turn_url(course, "success/"), {"definition_of_success": "Release an EP a year."})
    student.refresh_from_db()
    assert student.definition_of_success == "Release an EP a year."


def test_a_success_step_saves_the_reflection_to_the_profile(student, course):
    from assessments.models import TurnStep
    from tests.factories import LessonFactory, TurnFactory, TurnStepFactory

    lesson_1 = LessonFactory(module=course.module, number=1, slug="success")
    step = TurnStepFactory(turn=TurnFactory(lesson=lesson_1, framework=None), number=1, kind=TurnStep.Kind.SUCCESS)
    services.reflection_save(user=student, step=step, text="Finishing one song a month and loving it.")
    student.refresh_from_db()
    assert student.definition_of_success == "Finishing one song a month and loving it."


def test_locked_lessons_turn_is_refused(student_client, course):
    assert student_client.get(f"/lessons/{course.ext_lesson.slug}/your-turn/").status_code == 403


def test_turn_page_query_count_does_not_grow_with_snapshots(student_client, student, course, django_assert_max_num_queries):
    services.snapshot_record(user=student, turn=course.turn, ratings=ratings())
    with django_assert_max_num_queries(24) as one:
        student_client.get(turn_url(course))
    for _ in range(49):
        services.snapshot_record(user=student, turn=course.turn, ratings=ratings())
    with django_assert_max_num_queries(len(one.captured_queries)):
        student_client.get(turn_url(course))
