"""Web forms refuse NUL bytes and other control characters with a 400 page naming the field; nothing is saved."""

import pytest
from django.apps import apps

from accounts.models import User
from assessments.models import PromptAnswer

BAD = ["before\x00after", "bell\x07"]


def row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()
            if m._meta.app_label in ("accounts", "lessons", "assessments", "sessions", "account")}


@pytest.mark.parametrize("bad", BAD, ids=["nul", "bell"])
def test_a_control_character_in_the_warmup_form_is_a_400_naming_the_answer(student_client, course, bad):
    before = row_counts()
    data = {"answer_1": "EQ on vocals", "category_1": "technical", "answer_2": bad, "category_2": ""}

    response = student_client.post(f"/lessons/{course.lesson.slug}/prompts/{course.prompt.pk}/", data)

    assert response.status_code == 400
    assert "answer_2" in response.content.decode()
    assert "control character" in response.content.decode()
    assert not PromptAnswer.objects.exists()
    assert row_counts() == before


def test_a_nul_in_the_profile_form_changes_nothing(student_client, student):
    response = student_client.post("/profile/", {"display_name": "New\x00name", "definition_of_success": "Finishing"})

    assert response.status_code == 400
    assert "display_name" in response.content.decode()
    assert User.objects.get(pk=student.pk).display_name == student.display_name


def test_a_nul_in_the_reflection_form_saves_nothing(student_client, course):
    before = row_counts()

    response = student_client.post(f"/lessons/{course.lesson.slug}/your-turn/reflections/2/",
                                   {"text": "I lean towards craft\x00 and away from business."})

    assert response.status_code == 400 and "text" in response.content.decode()
    assert row_counts() == before


def test_a_nul_on_the_login_page_is_a_400_not_a_database_error(client, student):
    response = client.post("/accounts/login/", {"login": "learner@example.com\x00", "password": "x"})

    assert response.status_code == 400 and "login" in response.content.decode()


def test_tabs_and_newlines_are_welcome_in_forms(student_client, course):
    data = {"answer_1": "EQ\ton vocals", "category_1": "technical", "answer_2": "Line one\r\nline two", "category_2": ""}

    response = student_client.post(f"/lessons/{course.lesson.slug}/prompts/{course.prompt.pk}/", data)

    assert response.status_code in (200, 302)
    assert PromptAnswer.objects.count() == 2
