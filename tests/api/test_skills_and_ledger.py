"""Skills history per framework with chart data, the CSV for token clients (the web's rows), ledger rows
that name their lesson and step, and `page_size` on every list."""

import csv
import io

import pytest

from assessments import services
from tests.api.conftest import error_of, ratings, words


def test_skills_history_groups_snapshots_by_framework_with_the_radars_data(api_client, student, course):
    first = services.snapshot_record(user=student, turn=course.turn, ratings=ratings())
    second = services.snapshot_record(user=student, turn=course.turn, ratings=ratings(business=6))

    body = api_client.get("/api/v1/skills/").json()

    [group] = body["frameworks"]
    assert group["slug"] == course.framework.slug and group["name"] == "Producer skill spectrum"
    assert [s["id"] for s in group["snapshots"]] == [second.pk, first.pk]
    assert group["latest"]["id"] == second.pk
    chart = group["chart"]
    assert chart["categories"] == ["technical", "creative", "interpersonal", "business", "personal"]
    assert chart["labels"] == [r["name"] for r in group["latest"]["ratings"]]
    assert [(s["snapshot"], s["values"]) for s in chart["series"]] == [
        (second.pk, [8, 7, 4, 6, 6]), (first.pk, [8, 7, 4, 3, 6]),
    ]
    assert body["retake_due"] is not None


def test_the_csv_for_a_token_client_is_the_web_download(token_client, student, student_client, course):
    course.framework.name = "=HYPERLINK(evil)"
    course.framework.save()
    services.snapshot_record(user=student, turn=course.turn, ratings=ratings())

    api = token_client.get("/api/v1/skills/export.csv")
    web = student_client.get("/skills/export.csv")

    assert api.status_code == 200
    assert api["Content-Type"].startswith("text/csv")
    assert "attachment" in api["Content-Disposition"]
    assert api.content == web.content
    rows = list(csv.reader(io.StringIO(api.content.decode())))
    assert rows[0] == ["snapshot_id", "taken_at", "framework", "category", "rating"]
    assert len(rows) == 1 + 5
    assert {row[2] for row in rows[1:]} == {"'=HYPERLINK(evil)"}, "a formula is never a formula in a spreadsheet"


def test_the_csv_needs_a_session(db):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/skills/export.csv")

    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_ledger_rows_name_the_lesson_and_step_that_paid(api_client, student, course):
    services.reflection_save(user=student, step=course.patterns, text=words(12))

    [row] = api_client.get("/api/v1/depth-points/").json()["results"]

    assert row["amount"] == 15
    assert row["lesson"] == {"slug": "skills", "number": 3, "title": "What Skills Does a Music Producer Need?"}
    assert row["step"] == {"number": 2, "key": course.patterns.key, "title": "Notice patterns"}


@pytest.mark.parametrize("url", ["/api/v1/snapshots/", "/api/v1/depth-points/", "/api/v1/tracks/"])
def test_every_list_takes_a_bounded_page_size(api_client, student, course, url):
    for n in range(3):
        services.snapshot_record(user=student, turn=course.turn, ratings=ratings())
        services.points_award(user=student, amount=1, reason="test", source_key=f"test:{n}")

    one = api_client.get(url, {"page_size": 1}).json()
    assert len(one["results"]) == 1 and one["next"] is not None and "page_size=1" in one["next"]
    assert len(api_client.get(url, {"page_size": 100}).json()["results"]) >= 2
    for bad in (0, 101, "x"):
        refused = api_client.get(url, {"page_size": bad})
        assert refused.status_code == 400, bad
        assert list(error_of(refused)["fields"]) == ["page_size"]
