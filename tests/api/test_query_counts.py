"""Every endpoint runs a pinned number of queries, and it does not grow with the data:
a lesson with 3 or 30 sections, a student with 1 or 50 snapshots or ledger rows.

Counts include authentication: the X-Session-Token's session and its user, read
in one query (accounts.sessions). Savepoints of atomic services count too, and so
does moving the student's versions (accounts.state). The lesson's content
(sections, FAQs, cards), its Turn definition (turn, steps, framework categories)
and the Extension Courses are cached per version, and so is each student's read
answer (courseplatform.answers); counts here are for cold caches, the most a
request costs, except the "(warm)" ones: what every later request costs until
the lesson or the student's state changes: 1, the session with its user, the
course versions and, for a lesson, the student's version of that lesson.
"""

import pytest
from django.core.cache import caches

from assessments import services
from tests.api import openapi_check
from tests.api.conftest import add_lesson3, ratings, words
from tests.factories import LessonFactory, ModuleFactory, TrackFactory

PINNED = {
    "GET /me/": 1,
    "PATCH /me/": 4,
    "GET /tracks/": 4,
    "GET /tracks/<slug>/": 5,
    "GET /tracks/<slug>/ (warm)": 1,
    "GET /lessons/<slug>/": 20,
    "GET /lessons/<slug>/ (warm)": 1,
    "PUT /lessons/<slug>/progress/": 15,
    # Answers, reflections and completions each read the lesson's latest revision (+1), which they keep.
    "PUT /lessons/<slug>/prompt-response/": 26,
    "POST /lessons/<slug>/your-turn/snapshots/": 15,
    "PUT /lessons/<slug>/your-turn/reflections/<step>/": 30,
    "POST /lessons/<slug>/your-turn/complete/": 21,
    "GET /snapshots/": 5,
    "GET /snapshots/<id>/": 4,
    "GET /snapshots/compare/": 7,
    "GET /depth-points/": 4,
    "GET /depth-points/ (warm)": 1,
}


@pytest.fixture
def count(django_assert_max_num_queries):
    """count(endpoint, request) → the number of queries, failing above the pinned number."""

    openapi_check.spec()  # built once per process, outside any count (its generation runs views' get_queryset)

    def run(endpoint: str, request) -> int:
        if endpoint.endswith("(warm)"):
            request()  # caches this lesson version's content and Turn, and the student's answer
        else:
            for each in caches.all():
                each.clear()  # a cold cache: the most a request costs
        with django_assert_max_num_queries(PINNED[endpoint]) as captured:
            response = request()
        assert response.status_code < 300, response.content[:500]
        return len(captured.captured_queries)

    return run


def snapshots(user, turn, n: int) -> list:
    return [services.snapshot_record(user=user, turn=turn, ratings=ratings()) for _ in range(n)]


def ledger_rows(user, n: int) -> None:
    for i in range(n):
        services.points_award(user=user, amount=1, reason=f"Row {i}", source_key=f"test:{i}")


def test_me(api_client, count):
    count("GET /me/", lambda: api_client.get("/api/v1/me/"))
    count("PATCH /me/", lambda: api_client.patch("/api/v1/me/", {"producer_path": "solo"}, format="json"))


def test_tracks_list_does_not_grow_with_tracks(api_client, count):
    TrackFactory()
    few = count("GET /tracks/", lambda: api_client.get("/api/v1/tracks/"))
    for _ in range(12):
        LessonFactory(module=ModuleFactory(track=TrackFactory()))
    many = count("GET /tracks/", lambda: api_client.get("/api/v1/tracks/"))

    assert few == many


def test_track_outline_does_not_grow_with_lessons(api_client, count):
    module = ModuleFactory(track=TrackFactory(slug="core"))
    LessonFactory(module=module)
    few = count("GET /tracks/<slug>/", lambda: api_client.get("/api/v1/tracks/core/"))
    for _ in range(20):
        LessonFactory(module=ModuleFactory(track=module.track))
    many = count("GET /tracks/<slug>/", lambda: api_client.get("/api/v1/tracks/core/"))
    warm = count("GET /tracks/<slug>/ (warm)", lambda: api_client.get("/api/v1/tracks/core/"))

    assert few == many
    assert warm == PINNED["GET /tracks/<slug>/ (warm)"]


def test_lesson_detail_is_the_same_for_3_and_30_sections(api_client, student, count):
    small = add_lesson3(sections=1, slug="small")
    large = add_lesson3(sections=28, slug="large")
    for course in (small, large):
        services.prompt_answers_save(user=student, section=course.prompt,
                                     answers=[{"text": "Mixing", "category": "technical"}])
        snapshots(student, course.turn, 1)
        services.reflection_save(user=student, step=course.patterns, text=words(12))
    assert len(small.lesson.sections.all()) == 3 and len(large.lesson.sections.all()) == 30

    three = count("GET /lessons/<slug>/", lambda: api_client.get("/api/v1/lessons/small/"))
    thirty = count("GET /lessons/<slug>/", lambda: api_client.get("/api/v1/lessons/large/"))
    warm_three = count("GET /lessons/<slug>/ (warm)", lambda: api_client.get("/api/v1/lessons/small/"))
    warm_thirty = count("GET /lessons/<slug>/ (warm)", lambda: api_client.get("/api/v1/lessons/large/"))

    assert three == thirty == PINNED["GET /lessons/<slug>/"]
    assert warm_three == warm_thirty == PINNED["GET /lessons/<slug>/ (warm)"]


def test_lesson_detail_does_not_grow_with_snapshots(api_client, student, course, count):
    snapshots(student, course.turn, 1)
    one = count("GET /lessons/<slug>/", lambda: api_client.get("/api/v1/lessons/skills/"))
    warm_one = count("GET /lessons/<slug>/ (warm)", lambda: api_client.get("/api/v1/lessons/skills/"))
    snapshots(student, course.turn, 49)
    fifty = count("GET /lessons/<slug>/", lambda: api_client.get("/api/v1/lessons/skills/"))
    warm_fifty = count("GET /lessons/<slug>/ (warm)", lambda: api_client.get("/api/v1/lessons/skills/"))

    assert one == fifty
    assert warm_one == warm_fifty


def test_writes_are_pinned(api_client, course, count):
    assert count("PUT /lessons/<slug>/progress/", lambda: api_client.put(
        "/api/v1/lessons/skills/progress/", {"section": course.recall.pk}, format="json"))
    assert count("PUT /lessons/<slug>/prompt-response/", lambda: api_client.put(
        "/api/v1/lessons/skills/prompt-response/",
        {"answers": [{"text": "A", "category": "technical"}, {"text": "B", "category": ""}, {"text": "C"}]},
        format="json"))
    assert count("POST /lessons/<slug>/your-turn/snapshots/", lambda: api_client.post(
        "/api/v1/lessons/skills/your-turn/snapshots/", {"ratings": ratings()}, format="json"))
    assert count("PUT /lessons/<slug>/your-turn/reflections/<step>/", lambda: api_client.put(
        "/api/v1/lessons/skills/your-turn/reflections/2/", {"text": words(12)}, format="json"))
    assert count("POST /lessons/<slug>/your-turn/complete/", lambda: api_client.post(
        "/api/v1/lessons/skills/your-turn/complete/", format="json"))


def test_a_write_with_an_idempotency_key_costs_a_fixed_few_queries_more(api_client, course, count,
                                                                       django_assert_max_num_queries):
    for each in caches.all():
        each.clear()
    with django_assert_max_num_queries(PINNED["POST /lessons/<slug>/your-turn/snapshots/"] + 9):
        first = api_client.post("/api/v1/lessons/skills/your-turn/snapshots/", {"ratings": ratings()},
                                format="json", HTTP_IDEMPOTENCY_KEY="k")
    with django_assert_max_num_queries(9):  # the session with its user, then the record
        replay = api_client.post("/api/v1/lessons/skills/your-turn/snapshots/", {"ratings": ratings()},
                                 format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert first.status_code == replay.status_code == 201


def test_snapshot_list_detail_and_compare_do_not_grow_with_snapshots(api_client, student, course, count):
    first, = snapshots(student, course.turn, 1)

    def run() -> tuple[int, ...]:
        return (
            count("GET /snapshots/", lambda: api_client.get("/api/v1/snapshots/")),
            count("GET /snapshots/<id>/", lambda: api_client.get(f"/api/v1/snapshots/{first.pk}/")),
            count("GET /snapshots/compare/",
                  lambda: api_client.get(f"/api/v1/snapshots/compare/?from={first.pk}&to={first.pk}")),
        )

    one = run()
    snapshots(student, course.turn, 49)
    fifty = run()

    assert one == fifty


def test_depth_points_do_not_grow_with_the_ledger(api_client, student, course, count):
    ledger_rows(student, 1)
    one = count("GET /depth-points/", lambda: api_client.get("/api/v1/depth-points/"))
    ledger_rows(student, 50)
    fifty = count("GET /depth-points/", lambda: api_client.get("/api/v1/depth-points/"))
    warm = count("GET /depth-points/ (warm)", lambda: api_client.get("/api/v1/depth-points/"))

    assert one == fifty
    assert warm == PINNED["GET /depth-points/ (warm)"]
