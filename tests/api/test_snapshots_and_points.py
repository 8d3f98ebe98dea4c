"""GET /api/v1/snapshots/…, compare, and /api/v1/depth-points/."""

import pytest

from assessments import services
from tests.api.conftest import error_of, ratings, words


@pytest.fixture
def two_snapshots(student, course):
    first = services.snapshot_record(user=student, turn=course.turn, ratings=ratings())
    second = services.snapshot_record(user=student, turn=course.turn, ratings=ratings(business=7, technical=6))
    return first, second


def test_the_snapshot_list_is_mine_newest_first_and_paginated(api_client, two_snapshots):
    first, second = two_snapshots

    body = api_client.get("/api/v1/snapshots/").json()

    assert body["count"] == 2
    assert [s["id"] for s in body["results"]] == [second.pk, first.pk]
    assert {r["slug"]: r["value"] for r in body["results"][0]["ratings"]}["business"] == 7


def test_the_snapshot_list_pages_by_20(api_client, student, course):
    for _ in range(21):
        services.snapshot_record(user=student, turn=course.turn, ratings=ratings())

    first_page = api_client.get("/api/v1/snapshots/").json()
    second_page = api_client.get(first_page["next"]).json()

    assert (first_page["count"], len(first_page["results"]), len(second_page["results"])) == (21, 20, 1)


def test_a_snapshot_detail_carries_its_insights(api_client, student, two_snapshots):
    student.producer_path = "client"
    student.save()
    first, _ = two_snapshots

    body = api_client.get(f"/api/v1/snapshots/{first.pk}/").json()

    assert body["id"] == first.pk
    goals = body["insights"]["goals_insight"]
    assert goals["priorities"] == []  # the test framework's slug has no path table
    assert body["insights"]["pattern_summary"]["lowest"] == ["business"]


def test_an_unknown_snapshot_is_404(api_client, course):
    response = api_client.get("/api/v1/snapshots/12345/")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_compare_lists_the_change_per_category(api_client, two_snapshots):
    first, second = two_snapshots

    response = api_client.get(f"/api/v1/snapshots/compare/?from={first.pk}&to={second.pk}")

    assert response.status_code == 200
    body = response.json()
    assert (body["before"]["id"], body["after"]["id"]) == (first.pk, second.pk)
    changes = {c["slug"]: (c["before"], c["after"], c["delta"]) for c in body["changes"]}
    assert changes["business"] == (3, 7, 4)
    assert changes["technical"] == (8, 6, -2)
    assert changes["creative"] == (7, 7, 0)


@pytest.mark.parametrize("query", ["", "?from=1", "?to=1", "?from=abc&to=1", "?from=0&to=1"])
def test_compare_without_two_whole_ids_is_400_naming_the_parameter(api_client, course, query):
    response = api_client.get(f"/api/v1/snapshots/compare/{query}")

    assert response.status_code == 400
    assert set(error_of(response)["fields"]) <= {"from", "to"}


def test_compare_with_an_unknown_id_is_404(api_client, two_snapshots):
    first, _ = two_snapshots

    assert api_client.get(f"/api/v1/snapshots/compare/?from={first.pk}&to=999999").status_code == 404


def test_depth_points_show_balance_ledger_and_next_unlock(api_client, student, course):
    services.reflection_save(user=student, step=course.patterns, text=words(12))

    response = api_client.get("/api/v1/depth-points/")

    assert response.status_code == 200
    body = response.json()
    assert body["balance"] == 15
    assert body["count"] == 1
    assert body["results"][0]["amount"] == 15
    assert body["results"][0]["reason"] == "Reflection: Notice patterns"
    assert body["next_unlock"] == {"track": {"slug": "studio-culture", "title": "Studio Culture"},
                                   "threshold": 30, "needed": 15}


def test_depth_points_when_everything_is_unlocked(api_client, student, course):
    services.reflection_save(user=student, step=course.patterns, text=words(12))
    services.reflection_save(user=student, step=course.goals, text=words(12, "goal"))

    body = api_client.get("/api/v1/depth-points/").json()

    assert (body["balance"], body["count"], body["next_unlock"]) == (30, 2, None)


def test_depth_points_past_the_last_page_is_404(api_client, course):
    assert api_client.get("/api/v1/depth-points/?page=2").status_code == 404


def test_the_next_unlock_is_each_students_own_whoever_filled_the_cache(course, student, other_student):
    """The Extension Courses are cached for everyone; which of them a student unlocked is never in that copy."""
    from django.core.cache import cache

    from assessments.selectors import next_unlock

    for n in range(2):
        services.points_award(user=student, amount=20, reason="Bonus", source_key=f"bonus:{n}")
    assert services.unlocks_grant(user=student)
    cache.clear()

    assert next_unlock(user=student, balance=40) is None  # cold: the courses read with this student's unlocks
    warm = next_unlock(user=other_student, balance=0)  # warm: the other student's own unlocks
    assert warm is not None and warm.track.slug == course.extension.slug and warm.needed == 30
    cache.clear()
    assert next_unlock(user=other_student, balance=10).needed == 20  # cold, for the other student
    assert next_unlock(user=student, balance=40) is None  # warm, for the first
