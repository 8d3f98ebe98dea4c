"""Text kept from a signed-out save goes back only to the student who wrote it."""

import pytest
from django.conf import settings

from assessments.models import Draft, Reflection
from tests.assessments.conftest import words

pytestmark = pytest.mark.django_db


def reflection_url(course) -> str:
    return f"/lessons/{course.lesson.slug}/your-turn/reflections/2/"


def session_ends(client) -> None:
    """The session expires (the browser keeps its other cookies)."""
    del client.cookies[settings.SESSION_COOKIE_NAME]


def test_the_writer_gets_the_text_back_after_logging_in_again(client, student, course):
    client.force_login(student)
    client.get(f"/lessons/{course.lesson.slug}/your-turn/")
    session_ends(client)

    sent = client.post(reflection_url(course), {"step2-text": words(12)})
    assert sent.status_code == 302 and "/accounts/login/" in sent.url
    client.force_login(student)
    back = client.get(reflection_url(course))

    assert back.status_code == 302 and back.url.endswith("#step-2")
    assert Draft.objects.get(user=student).data == {"text": words(12)}
    page = client.get(back.url).content.decode()
    assert "Your text is back in its box" in page and words(12) in page
    assert not Reflection.objects.exists()  # nothing saved until the student presses Save


def test_another_student_logging_in_on_the_same_browser_never_sees_it(client, student, other_student, course):
    client.force_login(student)
    client.get(f"/lessons/{course.lesson.slug}/your-turn/")
    session_ends(client)
    client.post(reflection_url(course), {"step2-text": "private thoughts " + words(12)})

    client.force_login(other_student)
    client.get(reflection_url(course))

    assert not Draft.objects.exists()
    assert "private thoughts" not in client.get(f"/lessons/{course.lesson.slug}/your-turn/").content.decode()


def test_after_an_explicit_logout_a_stale_tab_keeps_nothing_for_the_next_person(client, student, other_student, course):
    client.force_login(student)
    client.get(f"/lessons/{course.lesson.slug}/your-turn/")
    client.post("/accounts/logout/")
    client.post(reflection_url(course), {"step2-text": words(12)})

    client.force_login(student)
    client.get(reflection_url(course))

    assert not Draft.objects.exists()
