"""The student side of mentoring in the API: join, leave, share, read feedback, reply, report; scoped to me."""

import uuid

import yaml
from django.test import Client

from mentoring import services
from mentoring.models import Feedback, FeedbackReport, Membership, Share
from tests.api.conftest import error_of
from tests.factories import UserFactory
from tests.mentoring.conftest import api_for

MENTOR_NOTE = "Good honest ratings. Try pricing one small job this month."


def test_join_list_and_leave_a_cohort(world):
    newcomer = UserFactory(display_name="Nia New")
    api = api_for(newcomer)

    joined = api.post("/api/v1/cohorts/join/", {"code": "tuesday-code"}, format="json")

    assert joined.status_code == 200
    body = joined.json()
    assert (body["name"], body["members"], body["mentors"]) == ("Tuesday group", 3, [{"name": "Mara Mentor"}])
    assert [c["name"] for c in api.get("/api/v1/cohorts/").json()] == ["Tuesday group"]

    left = api.post(f"/api/v1/cohorts/{world.cohort.pk}/leave/")

    assert left.status_code == 204
    assert api.get("/api/v1/cohorts/").json() == []
    assert Membership.objects.get(user=newcomer).left_at is not None


def test_an_unknown_code_names_the_field(world):
    response = api_for(world.outsider).post("/api/v1/cohorts/join/", {"code": "no-such"}, format="json")

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["code"]


def test_a_repeated_join_with_the_same_idempotency_key_is_replayed(world):
    api = api_for(UserFactory())
    key = str(uuid.uuid4())

    first = api.post("/api/v1/cohorts/join/", {"code": "tuesday-code"}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    again = api.post("/api/v1/cohorts/join/", {"code": "tuesday-code"}, format="json", HTTP_IDEMPOTENCY_KEY=key)

    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert Membership.objects.filter(cohort=world.cohort).count() == 3


def test_share_and_unshare_an_attempt(world):
    api = api_for(world.student)

    attempts = api.get("/api/v1/cohorts/attempts/").json()["results"]
    assert [(a["id"], a["lesson"], a["share"]) for a in attempts] == [
        (world.attempt.pk, "skills", {"with_mentors": True, "with_peers": False})
    ]
    shared = api.put(f"/api/v1/cohorts/attempts/{world.attempt.pk}/share/",
                     {"with_mentors": True, "with_peers": True}, format="json")
    assert shared.json() == {"with_mentors": True, "with_peers": True}
    private = api.put(f"/api/v1/cohorts/attempts/{world.attempt.pk}/share/",
                      {"with_mentors": False, "with_peers": False}, format="json")
    assert private.json() == {"with_mentors": False, "with_peers": False}
    assert api.get(f"/api/v1/cohorts/attempts/{world.attempt.pk}/share/").json() == private.json()
    missing = api.put(f"/api/v1/cohorts/attempts/{world.attempt.pk}/share/", {"with_mentors": True}, format="json")
    assert missing.status_code == 400 and "with_peers" in error_of(missing)["fields"]


def test_feedback_is_listed_with_my_reply_and_i_can_report_a_peer(world):
    services.share_set(user=world.student, attempt=world.attempt, with_mentors=True, with_peers=True)
    note = services.feedback_give(author=world.mentor, attempt_id=world.attempt.pk, text=MENTOR_NOTE)
    peer_note = services.feedback_give(author=world.peer, attempt_id=world.attempt.pk, text="Meh.")
    api = api_for(world.student)

    reply = api.post(f"/api/v1/feedback/{note.pk}/reply/", {"text": "Thanks, will do."}, format="json")
    report = api.post(f"/api/v1/feedback/{peer_note.pk}/report/", {"reason": "Not helpful"}, format="json")
    listed = api.get("/api/v1/feedback/").json()["results"]

    assert reply.status_code == 200 and reply.json()["reply"]["text"] == "Thanks, will do."
    assert report.status_code == 200 and FeedbackReport.objects.get().reason == "Not helpful"
    assert [(f["role"], f["author"]["name"], f["text"], (f["reply"] or {}).get("text")) for f in listed] == [
        ("peer", "Pia Peer", "Meh.", None),
        ("mentor", "Mara Mentor", MENTOR_NOTE, "Thanks, will do."),
    ]
    services.feedback_hide(mentor=world.mentor, feedback_id=peer_note.pk)
    assert [f["role"] for f in api.get("/api/v1/feedback/").json()["results"]] == ["mentor"]
    reporting_a_mentor = api.post(f"/api/v1/feedback/{note.pk}/report/", {}, format="json")
    assert reporting_a_mentor.status_code == 404


def mentoring_operations() -> set[tuple[str, str]]:
    doc = yaml.safe_load(Client().get("/api/schema/").content)
    return {
        (method, path) for path, item in doc["paths"].items() for method in item
        if path.startswith(("/api/v1/cohorts/", "/api/v1/feedback/"))
    }


def test_a_non_member_walks_every_endpoint_and_reads_nothing_that_was_not_shared_with_them(world):
    """The outsider is in another cohort; every mentoring endpoint is tried on the student's objects."""
    services.share_set(user=world.student, attempt=world.attempt, with_mentors=True, with_peers=True)
    note = services.feedback_give(author=world.mentor, attempt_id=world.attempt.pk, text=MENTOR_NOTE)
    services.feedback_reply(user=world.student, feedback_id=note.pk, text="My private answer")
    attempt, cohort = world.attempt.pk, world.cohort.pk
    walk = {
        ("get", "/api/v1/cohorts/"): lambda api: api.get("/api/v1/cohorts/"),
        ("post", "/api/v1/cohorts/join/"): lambda api: api.post("/api/v1/cohorts/join/", {"code": "guess"}, format="json"),
        ("post", "/api/v1/cohorts/{id}/leave/"): lambda api: api.post(f"/api/v1/cohorts/{cohort}/leave/"),
        ("get", "/api/v1/cohorts/attempts/"): lambda api: api.get("/api/v1/cohorts/attempts/"),
        ("get", "/api/v1/cohorts/attempts/{id}/share/"): lambda api: api.get(f"/api/v1/cohorts/attempts/{attempt}/share/"),
        ("put", "/api/v1/cohorts/attempts/{id}/share/"): lambda api: api.put(
            f"/api/v1/cohorts/attempts/{attempt}/share/", {"with_mentors": False, "with_peers": False}, format="json"),
        ("get", "/api/v1/feedback/"): lambda api: api.get("/api/v1/feedback/"),
        ("post", "/api/v1/feedback/{id}/reply/"): lambda api: api.post(
            f"/api/v1/feedback/{note.pk}/reply/", {"text": "Hijack"}, format="json"),
        ("post", "/api/v1/feedback/{id}/report/"): lambda api: api.post(f"/api/v1/feedback/{note.pk}/report/", {}, format="json"),
    }
    assert set(walk) == mentoring_operations()  # a new endpoint must be walked here too

    for who in (world.outsider, world.other_mentor, world.staff, world.superuser, UserFactory()):
        api = api_for(who)
        for operation, call in walk.items():
            response = call(api)
            body = response.content.decode()
            assert MENTOR_NOTE not in body and "My private answer" not in body, (who, operation)
            if operation[0] != "get" or "{id}" in operation[1]:
                assert response.status_code in (400, 404), (who, operation, response.status_code)
            else:
                assert response.status_code == 200
                assert "Tuesday group" not in body, (who, operation)  # their own cohorts only
                data = response.json()
                if isinstance(data, dict):
                    assert data["results"] == [], (who, operation)

    assert Share.objects.get(attempt=world.attempt).with_mentors is True
    assert Feedback.objects.get(reply_to=note).text == "My private answer"
    assert not FeedbackReport.objects.exists()
    assert Membership.objects.active().filter(cohort=world.cohort).count() == 2


def test_signed_out_clients_get_401_everywhere(world):
    from rest_framework.test import APIClient

    client = APIClient()
    for path in ("/api/v1/cohorts/", "/api/v1/feedback/", "/api/v1/cohorts/attempts/"):
        assert client.get(path).status_code == 401
    assert client.post("/api/v1/cohorts/join/", {"code": "tuesday-code"}, format="json").status_code == 401
