"""/reports/: staff see the same aggregates over every student or one track, in SQL, cached for an hour."""

import pytest
from django.core.cache import cache

from assessments import services as turn_services
from lessons.services import progress_record
from mentoring.selectors import staff_report
from tests.api.conftest import ratings
from tests.factories import AuthorFactory, UserFactory

# The whole page, cold cache (session and user included), whatever the number of students;
# 3 of them are the staff idle timeout's first stamp on the session (a write, once a minute at most).
REPORT_PAGE_MAX_QUERIES = 12


def students(course, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        person = UserFactory()
        turn_services.snapshot_record(user=person, turn=course.turn, ratings=ratings(creative=1 + i % 10))
        progress_record(user=person, lesson=course.lesson, finished=i % 2 == 0)
        turn_services.turn_complete(user=person, turn=course.turn)


@pytest.fixture
def staff_client(client, db):
    client.force_login(AuthorFactory())
    return client


def test_students_and_mentors_cannot_open_reports(client, world):
    for user in (world.student, world.mentor):
        client.force_login(user)
        assert client.get("/reports/").status_code == 403
        assert client.get("/reports/skills.csv").status_code == 403


def test_the_report_shows_medians_the_funnel_and_how_fresh_it_is(staff_client, world):
    students(world.course, 4)

    html = staff_client.get("/reports/").content.decode()

    assert "As of" in html and "UTC" in html
    assert "All students: 9." in html  # the world's 5 accounts that are not staff and 4 more; staff are not counted
    funnel = staff_client.get("/reports/funnel.csv").content.decode().splitlines()
    lesson_row = next(r for r in funnel if "What Skills Does a Music Producer Need?" in r)
    assert lesson_row.endswith(",4,4,4")  # completing the Turn finishes the Guide too
    skills = staff_client.get("/reports/skills.csv").content.decode()
    assert "Creative,5," in skills  # Sam and four students


def test_the_report_is_cached_for_an_hour_and_a_new_student_shows_after(staff_client, world):
    students(world.course, 3)
    first = staff_report()
    students(world.course, 1, start=3)

    assert staff_report().as_of == first.as_of
    assert staff_report().funnel == first.funnel
    cache.clear()
    assert sum(r.turn_complete for r in staff_report().funnel) == 4


def test_one_tracks_report_covers_that_tracks_students(staff_client, world):
    from tests.api.conftest import add_lesson3

    other = add_lesson3(slug="other")
    students(world.course, 3)
    students(other, 2)

    skills = staff_client.get(f"/reports/skills.csv?track={other.track.slug}").content.decode()
    funnel = staff_client.get(f"/reports/funnel.csv?track={other.track.slug}").content.decode()

    assert "Fewer" not in skills
    assert skills.count("\n") == 1  # only the header: 2 people are too few to show
    assert len(funnel.splitlines()) == 3  # the header and the other track's two lessons
    assert staff_client.get("/reports/?track=nope").status_code == 404


@pytest.mark.parametrize("n", [3, 15])
def test_the_reports_query_count_does_not_grow_with_students(staff_client, world, n, django_assert_max_num_queries):
    students(world.course, n)
    cache.clear()

    with django_assert_max_num_queries(REPORT_PAGE_MAX_QUERIES):
        response = staff_client.get("/reports/")

    assert response.status_code == 200
    assert "Each person&#x27;s latest rating" in response.content.decode() or "latest rating" in response.content.decode()
