"""Warm-up prompt answers and their recall on the Guide page."""

import pytest

from assessments.models import PromptAnswer


def post_answers(client, course, *pairs):
    data = {}
    for n, (text, category) in enumerate(pairs, start=1):
        data[f"answer_{n}"] = text
        data[f"category_{n}"] = category
    return client.post(f"/lessons/{course.lesson.slug}/prompts/{course.prompt.pk}/", data)


def test_answers_are_saved_and_recalled_with_their_cluster(student_client, student, course):
    """Two Technical answers out of three show up later as 'Two of your three answers are Technical'."""
    response = post_answers(
        student_client, course, ("Gain staging", "technical"), ("Sound design", "technical"), ("Patience", "personal")
    )
    assert response.status_code == 302
    page = student_client.get(f"/lessons/{course.lesson.slug}/").content.decode()
    assert "Gain staging" in page and "Sound design" in page and "Patience" in page
    assert "Two of your three answers are Technical." in page
    assert PromptAnswer.objects.filter(user=student).count() == 3


def test_answers_are_editable_and_clearing_one_removes_it(student_client, student, course):
    post_answers(student_client, course, ("EQ", "technical"), ("Mixing", ""), ("Networking", "business"))
    post_answers(student_client, course, ("EQ on vocals", "technical"), ("", ""), ("Networking", "interpersonal"))
    answers = {a.position: (a.text, a.category.slug if a.category else "") for a in PromptAnswer.objects.filter(user=student)}
    assert answers == {1: ("EQ on vocals", "technical"), 3: ("Networking", "interpersonal")}


def test_recall_invites_a_student_who_skipped_the_warmup(student_client, course):
    page = student_client.get(f"/lessons/{course.lesson.slug}/").content.decode()
    assert "You skipped the warm-up" in page
    assert f'href="#{course.prompt.anchor}"' in page


def test_html_in_an_answer_is_shown_as_text(student_client, course):
    post_answers(student_client, course, ("<b>bold</b><script>x()</script>", "technical"))
    page = student_client.get(f"/lessons/{course.lesson.slug}/").content.decode()
    assert "<script>x()</script>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


@pytest.mark.parametrize(
    ("pairs", "field"),
    [
        ((("x" * 501, "technical"),), "answers.1.text"),
        ((("EQ", "no-such-category"),), "answers.1.category"),
    ],
)
def test_bad_answers_are_refused_with_the_field_named_and_nothing_saved(student_client, student, course, pairs, field):
    response = post_answers(student_client, course, *pairs)
    page = student_client.get(response.url).content.decode()
    assert field in page
    assert not PromptAnswer.objects.filter(user=student).exists()


def test_another_lessons_section_id_is_404(student_client, course):
    from tests.factories import LessonFactory, SectionFactory

    other = SectionFactory(lesson=LessonFactory(module=course.module), kind="warmup_prompt", heading="Other")
    response = student_client.post(f"/lessons/{course.lesson.slug}/prompts/{other.pk}/", {"answer_1": "x"})
    assert response.status_code == 404
