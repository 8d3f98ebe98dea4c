"""/mentor/: a mentor sees their own cohorts' members, nudges, skills, funnel and what awaits feedback."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments import services as turn_services
from assessments.models import SkillSnapshot
from lessons.models import LessonProgress
from lessons.services import progress_record
from mentoring import services
from tests.api.conftest import ratings, words
from tests.factories import UserFactory

# Queries for the whole page (session and user included), whatever the number of members.
MENTOR_PAGE_MAX_QUERIES = 14


def add_members(world, n: int, *, start: int = 0) -> list:
    people = []
    for i in range(start, start + n):
        person = UserFactory(display_name=f"Member {i:02d}")
        services.cohort_join(user=person, code="tuesday-code")
        turn_services.snapshot_record(user=person, turn=world.course.turn,
                                      ratings=ratings(business=1 + i % 10, technical=10 - i % 10))
        turn_services.reflection_save(user=person, step=world.course.patterns, text=words(12, f"m{i}x"))
        services.share_set(user=person, attempt=person.snapshots.get().attempt, with_mentors=True, with_peers=False)
        progress_record(user=person, lesson=world.course.lesson, finished=True)
        people.append(person)
    return people


def test_mentor_page_lists_members_with_progress_and_what_awaits_feedback(client, world):
    client.force_login(world.mentor)

    response = client.get("/mentor/", follow=True)

    assert response.redirect_chain == [(f"/mentor/cohorts/{world.cohort.pk}/", 302)]
    html = response.content.decode()
    assert "Sam Student" in html and "Pia Peer" in html
    assert "Olli Outsider" not in html  # another cohort's member
    assert f'href="/shared/{world.attempt.pk}/"' in html  # awaiting feedback
    assert "/cohorts/join/tuesday-code/" in html


def test_feedback_takes_an_attempt_off_the_waiting_list_until_the_student_writes_again(client, world):
    client.force_login(world.mentor)
    services.feedback_give(author=world.mentor, attempt_id=world.attempt.pk, text="Good start.")

    assert f'href="/shared/{world.attempt.pk}/"' not in client.get(f"/mentor/cohorts/{world.cohort.pk}/").content.decode()

    turn_services.reflection_save(user=world.student, step=world.course.goals, text=words(12, "later"))
    assert f'href="/shared/{world.attempt.pk}/"' in client.get(f"/mentor/cohorts/{world.cohort.pk}/").content.decode()


def test_nudges_name_the_inactive_and_those_due_a_retake(client, world):
    SkillSnapshot.objects.filter(user=world.student).update(created_at=timezone.now() - timedelta(days=200))
    world.student.reflections.update(updated_at=timezone.now() - timedelta(days=200))
    progress_record(user=world.peer, lesson=world.course.lesson)
    client.force_login(world.mentor)

    rows = client.get(f"/mentor/cohorts/{world.cohort.pk}/members.csv").content.decode().splitlines()

    by_name = {row.split(",")[0]: row for row in rows[1:]}
    assert by_name["Sam Student"].endswith("inactive retake")
    assert by_name["Pia Peer"].endswith(",")  # active today, never rated: no nudge


def test_another_mentor_student_or_staff_cannot_open_the_cohort(client, world):
    for user, status in ((world.other_mentor, 404), (world.student, 403), (world.staff, 403)):
        client.force_login(user)
        assert client.get(f"/mentor/cohorts/{world.cohort.pk}/").status_code == status
        assert client.get(f"/mentor/cohorts/{world.cohort.pk}/members.csv").status_code == status


def test_aggregates_appear_from_three_people_and_count_blind_spots(client, world):
    client.force_login(world.mentor)
    assert "Fewer than 3 people have rated this yet" in client.get(f"/mentor/cohorts/{world.cohort.pk}/").content.decode()

    add_members(world, 2)  # business 1 and 2: their lowest

    html = client.get(f"/mentor/cohorts/{world.cohort.pk}/").content.decode()
    assert "Fewer than 3" not in html
    skills = client.get(f"/mentor/cohorts/{world.cohort.pk}/skills.csv").content.decode().splitlines()
    assert skills[0] == "framework,category,people,median,lower_quartile,upper_quartile,lowest,highest,lowest_category_for"
    business = next(r for r in skills if ",Business," in r)
    # Ratings 3 (Sam), 1 and 2: median 2, quartiles 1.5 and 2.5, all three lowest in business.
    assert business.endswith("Business,3,2.0,1.5,2.5,1,3,3")


def test_csv_cells_cannot_start_a_formula(client, world):
    world.student.display_name = "=HYPERLINK(1)"
    world.student.save()
    client.force_login(world.mentor)

    body = client.get(f"/mentor/cohorts/{world.cohort.pk}/members.csv").content.decode()
    awaiting = client.get(f"/mentor/cohorts/{world.cohort.pk}/awaiting.csv").content.decode()

    assert "'=HYPERLINK(1)" in body and "\n=HYPERLINK" not in body
    assert "'=HYPERLINK(1)" in awaiting


@pytest.mark.parametrize("extra", [3, 12])
def test_the_mentor_pages_query_count_does_not_grow_with_members(client, world, extra, django_assert_max_num_queries):
    add_members(world, extra)
    client.force_login(world.mentor)

    with django_assert_max_num_queries(MENTOR_PAGE_MAX_QUERIES):
        response = client.get(f"/mentor/cohorts/{world.cohort.pk}/")

    assert response.status_code == 200
    assert LessonProgress.objects.count() >= extra


def test_a_category_fewer_than_three_people_rated_is_left_out_of_the_aggregates(world):
    from assessments.models import SkillSnapshot, SnapshotRating
    from mentoring.selectors import Scope, member_ids, skill_stats

    add_members(world, 3)
    # One member's snapshot also rated a category the others never saw (added later by an author).
    snapshot = SkillSnapshot.objects.filter(user__display_name="Member 00").get()
    SnapshotRating.objects.create(snapshot=snapshot, category_slug="listening", category_name="Listening", value=2)
    from tests.factories import CategoryFactory

    CategoryFactory(framework=world.course.framework, slug="listening", name="Listening", position=9)

    stats = skill_stats(scope=Scope(users=member_ids(world.cohort)))

    assert [c.slug for c in stats[0].categories] == ["technical", "creative", "interpersonal", "business", "personal"]
