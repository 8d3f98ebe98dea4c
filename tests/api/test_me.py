"""GET/PATCH /api/v1/me/: the profile fields a student may read and change."""

from tests.api.conftest import error_of

URL = "/api/v1/me/"


def test_me_shows_my_profile(api_client, student):
    response = api_client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "learner@example.com"
    assert body["display_name"] == "Learner"
    assert body["producer_path"] == ""
    assert body["depth_points"] == 0
    assert body["reminders_opt_in"] is False


def test_patch_changes_definition_of_success_path_and_reminders(api_client, student):
    response = api_client.patch(URL, {
        "definition_of_success": "  Finishing an EP people want to hear.  ",
        "producer_path": "collaboration",
        "reminders_opt_in": True,
    }, format="json")

    assert response.status_code == 200
    assert response.json()["producer_path"] == "collaboration"
    student.refresh_from_db()
    assert student.definition_of_success == "Finishing an EP people want to hear."
    assert student.producer_path == "collaboration"
    assert student.reminders_opt_in is True
    assert student.display_name == "Learner"  # not sent, not changed


def test_patch_ignores_fields_a_student_may_not_set(api_client, student):
    response = api_client.patch(URL, {
        "depth_points": 999, "is_staff": True, "is_superuser": True, "email": "boss@example.com", "id": 1,
    }, format="json")

    assert response.status_code == 200
    student.refresh_from_db()
    assert (student.depth_points, student.is_staff, student.is_superuser, student.email) == (
        0, False, False, "learner@example.com",
    )


def test_an_unknown_path_is_a_400_naming_producer_path(api_client):
    response = api_client.patch(URL, {"producer_path": "astronaut"}, format="json")

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert "astronaut" in error["fields"]["producer_path"][0]


def test_too_long_fields_are_named_and_nothing_is_saved(api_client, student):
    response = api_client.patch(URL, {"display_name": "x" * 81, "definition_of_success": "y" * 2001,
                                      "producer_path": "solo"}, format="json")

    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"display_name", "definition_of_success"}
    student.refresh_from_db()
    assert student.producer_path == ""


def test_wrong_types_are_400(api_client):
    response = api_client.patch(URL, {"reminders_opt_in": "perhaps", "display_name": None}, format="json")

    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"reminders_opt_in", "display_name"}
