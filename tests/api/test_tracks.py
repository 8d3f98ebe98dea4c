"""GET /api/v1/tracks/ and /api/v1/tracks/<slug>/: lock state and my progress."""

from lessons.services import progress_mark_done, progress_record, track_unlock
from tests.api.conftest import error_of


def test_tracks_list_shows_lock_state_points_needed_and_my_done_count(api_client, student, course):
    progress_mark_done(user=student, lesson=course.lesson)

    response = api_client.get("/api/v1/tracks/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and body["next"] is None
    cards = {card["slug"]: card for card in body["results"]}
    core = cards[course.track.slug]
    assert (core["is_open"], core["lesson_count"], core["done_count"], core["percent_done"]) == (True, 2, 1, 50)
    extension = cards["studio-culture"]
    assert (extension["kind"], extension["is_open"], extension["points_needed"]) == ("extension", False, 30)


def test_a_track_outline_lists_modules_and_lessons_with_my_state(api_client, student, course):
    progress_record(user=student, lesson=course.lesson)

    response = api_client.get(f"/api/v1/tracks/{course.track.slug}/")

    assert response.status_code == 200
    body = response.json()
    assert body["is_open"] is True
    lessons = body["modules"][0]["lessons"]
    assert [(row["slug"], row["state"]) for row in lessons] == [("skills", "in_progress"), ("skills-next", "not_started")]
    assert "draft-lesson" not in [row["slug"] for row in lessons]


def test_a_locked_track_shows_its_lock_state_but_no_outline(api_client, course):
    body = api_client.get("/api/v1/tracks/studio-culture/").json()

    assert (body["is_open"], body["points_needed"], body["modules"]) == (False, 30, [])


def test_an_unlocked_track_shows_its_outline(api_client, student, course):
    track_unlock(user=student, track=course.extension)

    body = api_client.get("/api/v1/tracks/studio-culture/").json()

    assert body["is_open"] is True
    assert body["modules"][0]["lessons"][0]["slug"] == "working-with-artists"


def test_an_unknown_track_is_404(api_client, course):
    response = api_client.get("/api/v1/tracks/nope/")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_page_past_the_end_is_404(api_client, course):
    response = api_client.get("/api/v1/tracks/?page=9")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
