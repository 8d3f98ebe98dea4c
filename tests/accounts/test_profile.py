"""The profile page and the `profile_update` service behind it (the API uses it too)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import ProducerPath
from accounts.services import profile_update

pytestmark = pytest.mark.django_db


def profile_data(**overrides):
    data = {
        "display_name": "Beat Maker",
        "definition_of_success": "Finishing one track a month that I'm proud of.",
        "producer_path": ProducerPath.COLLABORATION,
        "reminders_opt_in": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- The page ----------------------------------------------------------------


def test_profile_page_requires_login(client):
    response = client.get(reverse("profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_page_shows_the_email_and_account_links(student_client, student):
    response = student_client.get(reverse("profile"))

    html = response.content.decode()
    assert response.status_code == 200
    assert student.email in html
    assert reverse("account_change_password") in html
    assert reverse("account_email") in html
    assert "Lesson 1" in html
    for choice in ProducerPath:
        assert str(choice.label) in html


def test_profile_page_labels_every_field(student_client):
    html = student_client.get(reverse("profile")).content.decode()

    for field_id in ["id_display_name", "id_definition_of_success", "id_reminders_opt_in"]:
        assert f'<label for="{field_id}">' in html
    for index in range(len(ProducerPath.choices) + 1):
        assert f'<label for="id_producer_path_{index}">' in html
    assert "<legend>Your producer path</legend>" in html


def test_saving_the_profile_updates_every_field_and_says_so(student_client, student):
    response = student_client.post(reverse("profile"), profile_data(), follow=True)

    assert response.redirect_chain == [(reverse("profile"), 302)]
    assert "Your profile is saved." in response.content.decode()
    student.refresh_from_db()
    assert student.display_name == "Beat Maker"
    assert student.definition_of_success == "Finishing one track a month that I'm proud of."
    assert student.producer_path == ProducerPath.COLLABORATION
    assert student.reminders_opt_in is True


def test_unticking_reminders_and_clearing_the_path_saves_them(student_client, student):
    student.reminders_opt_in = True
    student.producer_path = ProducerPath.SOLO
    student.save()

    student_client.post(reverse("profile"), profile_data(reminders_opt_in=None, producer_path=""))

    student.refresh_from_db()
    assert student.reminders_opt_in is False
    assert student.producer_path == ""


def test_unknown_producer_path_is_rejected_and_nothing_is_saved(student_client, student):
    response = student_client.post(reverse("profile"), profile_data(producer_path="rockstar"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_producer_path_0">Your producer path</a>' in html
    assert "Producer path" in html and "rockstar" in html
    student.refresh_from_db()
    assert student.display_name == "Learner"
    assert student.producer_path == ""


def test_too_long_definition_of_success_is_rejected_and_nothing_is_saved(student_client, student):
    response = student_client.post(reverse("profile"), profile_data(definition_of_success="x" * 2001))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_definition_of_success">Your definition of success</a>' in html
    assert 'aria-invalid="true"' in html
    student.refresh_from_db()
    assert student.definition_of_success == ""
    assert student.display_name == "Learner"


# --- The service ---------------------------------------------------------------


def test_service_updates_only_the_fields_it_is_given(student):
    student.definition_of_success = "Old words."
    student.save()

    profile_update(user=student, producer_path=ProducerPath.AUDIENCE)

    student.refresh_from_db()
    assert student.producer_path == ProducerPath.AUDIENCE
    assert student.definition_of_success == "Old words."
    assert student.display_name == "Learner"


def test_service_strips_the_definition_of_success(student):
    profile_update(user=student, definition_of_success="  Make music people dance to.\n ")

    student.refresh_from_db()
    assert student.definition_of_success == "Make music people dance to."


def test_service_accepts_exactly_the_limits(student):
    profile_update(user=student, display_name="n" * 80, definition_of_success="d" * 2000)

    student.refresh_from_db()
    assert len(student.display_name) == 80
    assert len(student.definition_of_success) == 2000


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"display_name": "n" * 81}, "display_name"),
        ({"definition_of_success": "d" * 2001}, "definition_of_success"),
        ({"producer_path": "rockstar"}, "producer_path"),
    ],
)
def test_service_rejects_bad_values_naming_the_field(student, changes, field):
    with pytest.raises(ValidationError) as excinfo:
        profile_update(user=student, reminders_opt_in=True, **changes)

    assert set(excinfo.value.message_dict) == {field}
    student.refresh_from_db()
    assert student.reminders_opt_in is False, "nothing is saved when any field is wrong"


def writes(queries) -> list[str]:
    """The SQL statements that change rows (savepoints are transaction plumbing)."""
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]


def test_service_saves_only_the_changed_columns(student):
    with CaptureQueriesContext(connection) as captured:
        profile_update(user=student, reminders_opt_in=True)

    [update] = writes(captured.captured_queries)
    assert "reminders_opt_in" in update
    assert "display_name" not in update


def test_service_with_nothing_to_change_writes_nothing(student):
    with CaptureQueriesContext(connection) as captured:
        assert profile_update(user=student) is student

    assert writes(captured.captured_queries) == []
