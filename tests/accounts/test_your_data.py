"""Your data is yours: download everything as one JSON file, or delete the account with the password.

Web (`/profile/export/`, `/profile/delete/`) and API (`GET /api/v1/me/export/`,
`DELETE /api/v1/me/`) call the same services, `account_export` and `account_delete`.
"""

import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.exports import export_sections, register_export_section
from accounts.services import account_export
from assessments import services as assessments
from assessments.models import PointsEntry, PromptAnswer, Reflection, SkillSnapshot, SnapshotRating, TurnCompletion
from lessons import services as lessons
from lessons.models import LessonProgress, TrackUnlock
from tests.api.conftest import add_lesson3, error_of, login_token, ratings, words
from tests.factories import DEFAULT_PASSWORD, AuthorFactory, UserFactory

User = get_user_model()

pytestmark = pytest.mark.django_db

EXPECTED_SECTIONS = {
    "export", "profile", "email_addresses", "two_factor_authenticators", "reading_progress", "track_unlocks",
    "warmup_answers", "snapshots", "reflections", "drafts", "turn_completions", "depth_points_ledger",
    "reminders_sent",
}


def fill(user, course, *, snapshot_count: int = 1, ledger_rows: int = 0) -> None:
    """Give `user` a row of every kind the platform keeps about a student."""
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    lessons.progress_record(user=user, lesson=course.lesson, section=course.prompt)
    assessments.prompt_answers_save(user=user, section=course.prompt, answers=[
        {"text": f"Mixing, by {user.email}", "category": "technical"}, {"text": "Listening", "category": ""},
    ])
    for _ in range(snapshot_count):
        assessments.snapshot_record(user=user, turn=course.turn, ratings=ratings())
    assessments.reflection_save(user=user, step=course.patterns, text=f"{user.email} wrote: " + words(12))
    assessments.turn_complete(user=user, turn=course.turn)
    for i in range(ledger_rows):
        assessments.points_award(user=user, amount=1, reason=f"Row {i}", source_key=f"test:{i}")
    lessons.track_unlock(user=user, track=course.track)


@pytest.fixture
def lesson3(db):
    return add_lesson3()


# --- The export --------------------------------------------------------------------------


def test_the_export_holds_every_kind_of_record_and_only_mine(student, other_student, lesson3):
    fill(student, lesson3)
    fill(other_student, lesson3)

    data = account_export(user=student)

    assert set(data) == EXPECTED_SECTIONS
    assert data["export"]["format"] == "softsynced-account-export"
    assert data["profile"]["email"] == student.email
    assert data["profile"]["display_name"] == "Learner"
    assert data["email_addresses"] == [{"email": student.email, "verified": True, "primary": True}]
    assert [a["text"] for a in data["warmup_answers"]] == [f"Mixing, by {student.email}", "Listening"]
    assert data["warmup_answers"][0]["category"] == "Technical"
    [snapshot] = data["snapshots"]
    assert {r["slug"]: r["value"] for r in snapshot["ratings"]} == ratings()
    [reflection] = data["reflections"]
    assert reflection["text"].startswith(f"{student.email} wrote:")
    assert reflection["step"] == {"number": 2, "title": "Notice patterns"}
    assert reflection["attempt"] == 1
    assert [v["text"] for v in reflection["versions"]] == [reflection["text"]]
    assert [c["lesson"]["slug"] for c in data["turn_completions"]] == ["skills"]
    assert [(e["amount"], e["source"]) for e in data["depth_points_ledger"]] == [(15, lesson3.patterns.points_source_key)]
    assert [p["lesson"]["slug"] for p in data["reading_progress"]] == ["skills"]
    assert [u["track"]["slug"] for u in data["track_unlocks"]] == [lesson3.track.slug]
    assert other_student.email not in json.dumps(data), "another student's data is never in my export"


def test_the_export_has_no_password_hash_or_second_factor_secret(student, lesson3):
    fill(student, lesson3)

    text = json.dumps(account_export(user=student))

    assert student.password not in text
    assert "secret" not in text


def test_the_export_costs_the_same_queries_for_one_row_or_many(student, lesson3, django_assert_max_num_queries):
    """Pinned: one query per kind of record (two for snapshots with their ratings, two for reflections with
    their versions), whatever the row count."""
    fill(student, lesson3, snapshot_count=1, ledger_rows=1)
    with django_assert_max_num_queries(14) as few:
        small = account_export(user=student)

    for _ in range(25):
        assessments.snapshot_record(user=student, turn=lesson3.turn, ratings=ratings())
    for i in range(1, 40):
        assessments.points_award(user=student, amount=1, reason=f"Row {i}", source_key=f"more:{i}")
    with django_assert_max_num_queries(14) as many:
        big = account_export(user=student)

    assert len(big["snapshots"]) == 26 and len(big["depth_points_ledger"]) == len(small["depth_points_ledger"]) + 39
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_section_name_belongs_to_one_provider():
    with pytest.raises(ValueError, match="profile"):
        register_export_section("profile", lambda user: {})
    assert "profile" in export_sections()


def test_the_web_export_downloads_a_json_file(student_client, student, other_student, lesson3):
    fill(student, lesson3)
    fill(other_student, lesson3)

    response = student_client.get(reverse("profile_export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="softsynced-my-data-')
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert set(data) == EXPECTED_SECTIONS
    assert data["profile"]["email"] == student.email
    assert other_student.email not in response.content.decode()


def test_the_web_export_needs_login(client):
    response = client.get(reverse("profile_export"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_profile_page_links_to_export_and_delete(student_client):
    html = student_client.get(reverse("profile")).content.decode()

    assert f'href="{reverse("profile_export")}"' in html
    assert f'href="{reverse("profile_delete")}"' in html


def test_the_api_export_matches_the_web_file(student, lesson3):
    fill(student, lesson3)
    client = APIClient()
    token = login_token(client, student.email)

    response = client.get("/api/v1/me/export/", HTTP_X_SESSION_TOKEN=token)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == EXPECTED_SECTIONS
    assert body["profile"]["id"] == student.pk
    assert len(body["snapshots"]) == 1 and len(body["reflections"]) == 1


def test_the_api_export_needs_a_token():
    response = APIClient().get("/api/v1/me/export/")

    assert response.status_code == 401


# --- Deleting the account ----------------------------------------------------------------


def personal_rows(user_id: int) -> dict[str, int]:
    return {
        "emails": EmailAddress.objects.filter(user_id=user_id).count(),
        "progress": LessonProgress.objects.filter(user_id=user_id).count(),
        "unlocks": TrackUnlock.objects.filter(user_id=user_id).count(),
        "answers": PromptAnswer.objects.filter(user_id=user_id).count(),
        "snapshots": SkillSnapshot.objects.filter(user_id=user_id).count(),
        "ratings": SnapshotRating.objects.filter(snapshot__user_id=user_id).count(),
        "reflections": Reflection.objects.filter(user_id=user_id).count(),
        "completions": TurnCompletion.objects.filter(user_id=user_id).count(),
        "ledger": PointsEntry.objects.filter(user_id=user_id).count(),
    }


def test_the_delete_page_says_what_goes_and_what_is_kept(student_client):
    response = student_client.get(reverse("profile_delete"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "What is deleted" in html and "What is kept" in html
    assert "Nothing personal" in html
    assert '<label for="id_password">' in html
    assert 'autocomplete="current-password"' in html


def test_deleting_on_the_web_removes_every_personal_row_and_logs_out(student_client, student, other_student, lesson3):
    fill(student, lesson3)
    fill(other_student, lesson3)
    user_id = student.pk

    response = student_client.post(reverse("profile_delete"), {"password": DEFAULT_PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("account_login")
    assert "Your account and everything in it are deleted." in response.content.decode()
    assert not User.objects.filter(pk=user_id).exists()
    assert set(personal_rows(user_id).values()) == {0}
    assert "_auth_user_id" not in student_client.session
    assert student_client.get(reverse("profile")).status_code == 302
    assert set(personal_rows(other_student.pk).values()) != {0}, "another student's rows stay"


def test_a_wrong_password_on_the_web_names_the_field_and_deletes_nothing(student_client, student, lesson3):
    fill(student, lesson3)

    response = student_client.post(reverse("profile_delete"), {"password": "not-my-password"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_password">Your password</a>' in html
    assert "That is not your password" in html
    assert User.objects.filter(pk=student.pk).exists()
    assert personal_rows(student.pk)["reflections"] == 1
    assert student_client.get(reverse("profile")).status_code == 200, "still logged in"


def test_a_staff_account_is_not_deleted_from_its_own_profile(author_client, author):
    response = author_client.post(reverse("profile_delete"), {"password": DEFAULT_PASSWORD})

    assert response.status_code == 200
    assert "closed by another administrator" in response.content.decode()
    assert User.objects.filter(pk=author.pk).exists()


def test_deleting_through_the_api_answers_204_and_the_token_stops_working(student, lesson3):
    fill(student, lesson3)
    phone, tablet = APIClient(), APIClient()
    token = login_token(phone, student.email)
    other_device = login_token(tablet, student.email)

    response = phone.delete("/api/v1/me/", {"password": DEFAULT_PASSWORD}, format="json", HTTP_X_SESSION_TOKEN=token)

    assert response.status_code == 204
    assert not User.objects.filter(pk=student.pk).exists()
    assert set(personal_rows(student.pk).values()) == {0}
    for used in (token, other_device):
        after = APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=used)
        assert after.status_code == 401
        assert error_of(after)["code"] == "not_authenticated"
    assert APIClient().post("/_allauth/app/v1/auth/login", {"email": student.email, "password": DEFAULT_PASSWORD},
                            format="json").status_code == 400


@pytest.mark.parametrize("body", [{"password": "not-my-password"}, {"password": ""}, {}], ids=["wrong", "empty", "missing"])
def test_the_api_refuses_without_the_right_password_naming_the_field(student, body):
    client = APIClient()
    token = login_token(client, student.email)

    response = client.delete("/api/v1/me/", body, format="json", HTTP_X_SESSION_TOKEN=token)

    assert response.status_code == 400
    assert "password" in error_of(response)["fields"]
    assert User.objects.filter(pk=student.pk).exists()
    assert client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).status_code == 200


def test_the_api_delete_with_a_browser_session_logs_it_out(student):
    client = APIClient()
    client.force_login(student)

    response = client.delete("/api/v1/me/", {"password": DEFAULT_PASSWORD}, format="json")

    assert response.status_code == 204
    assert client.get("/api/v1/me/").status_code == 401


def test_the_api_refuses_to_delete_a_staff_account():
    author = AuthorFactory()
    client = APIClient()
    token = login_token(client, author.email)

    response = client.delete("/api/v1/me/", {"password": DEFAULT_PASSWORD}, format="json", HTTP_X_SESSION_TOKEN=token)

    assert response.status_code == 400
    assert "closed by another administrator" in error_of(response)["message"]
    assert User.objects.filter(pk=author.pk).exists()


def test_deleting_one_account_leaves_a_namesake_untouched(lesson3):
    keep = UserFactory(email="keep@example.com")
    fill(keep, lesson3)
    leave = UserFactory(email="leave@example.com")
    client = APIClient()
    token = login_token(client, leave.email)

    assert client.delete("/api/v1/me/", {"password": DEFAULT_PASSWORD}, format="json",
                         HTTP_X_SESSION_TOKEN=token).status_code == 204

    assert personal_rows(keep.pk)["snapshots"] == 1


def test_guessing_the_password_on_the_delete_page_is_rate_limited(student_client, student, rate_limits):
    answers = [student_client.post(reverse("profile_delete"), {"password": f"guess-{n}"}).status_code
               for n in range(11)]
    right = student_client.post(reverse("profile_delete"), {"password": DEFAULT_PASSWORD})

    assert answers[:10] == [200] * 10
    assert answers[10] == right.status_code == 429
    assert int(right["Retry-After"]) > 0
    assert User.objects.filter(pk=student.pk).exists()


def test_guessing_the_password_through_the_api_is_rate_limited(student, rate_limits):
    client = APIClient()
    token = login_token(client, student.email)
    for n in range(10):
        assert client.delete("/api/v1/me/", {"password": f"guess-{n}"}, format="json",
                             HTTP_X_SESSION_TOKEN=token).status_code == 400

    response = client.delete("/api/v1/me/", {"password": DEFAULT_PASSWORD}, format="json", HTTP_X_SESSION_TOKEN=token)

    assert response.status_code == 429
    assert error_of(response)["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    assert User.objects.filter(pk=student.pk).exists()
