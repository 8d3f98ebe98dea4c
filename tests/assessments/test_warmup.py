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


def saved(student):
    return {a.position: (a.text, a.category.slug if a.category else "") for a in PromptAnswer.objects.filter(user=student)}


def test_answers_are_editable_and_an_empty_box_keeps_its_saved_answer(student_client, student, course):
    post_answers(student_client, course, ("EQ", "technical"), ("Mixing", "creative"), ("Networking", "business"))
    post_answers(student_client, course, ("EQ on vocals", "technical"), ("", ""), ("Networking", "interpersonal"))
    assert saved(student) == {
        1: ("EQ on vocals", "technical"), 2: ("Mixing", "creative"), 3: ("Networking", "interpersonal"),
    }


def test_empty_boxes_never_wipe_saved_answers_but_clear_does(student_client, student, course):
    post_answers(student_client, course, ("EQ", "technical"), ("Mixing", "creative"))
    response = post_answers(student_client, course, ("", ""), ("", ""), ("", ""))
    assert response.status_code == 302
    assert saved(student) == {1: ("EQ", "technical"), 2: ("Mixing", "creative")}

    response = student_client.post(
        f"/lessons/{course.lesson.slug}/prompts/{course.prompt.pk}/",
        {"answer_1": "", "answer_2": "", "answer_3": "", "clear": "1"},
    )
    assert response.status_code == 302
    assert saved(student) == {}
    assert "Your warm-up answers are cleared." in student_client.get(response.url).content.decode()


def test_sending_nothing_at_all_asks_for_an_answer(student_client, student, course):
    response = post_answers(student_client, course, ("", ""), ("  ", ""))
    assert response.status_code == 400
    assert "Write at least one answer before saving." in response.content.decode()


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
    ("pairs", "path", "words"),
    [
        ((("x" * 501, "technical"),), "answers.1.text", "Keep each answer under 500 characters (this one has 501)."),
        ((("EQ", "no-such-category"),), "answers.1.category", "Unknown skill category: no-such-category."),
        ((("EQ\x00on vocals", "technical"),), "answers.1.text", "control characters"),
    ],
)
def test_bad_answers_are_refused_in_words_beside_the_box_keeping_the_text(student_client, student, course, pairs, path, words):
    response = post_answers(student_client, course, *pairs)
    page = response.content.decode()
    assert response.status_code == 400
    assert words in page
    assert path not in page  # the service's field path never reaches a person
    assert 'aria-invalid="true"' in page or "Unknown skill category" in page
    assert f'value="{pairs[0][0][:20]}' in page or "\x00" in pairs[0][0]  # what was typed stays in the box
    assert not PromptAnswer.objects.filter(user=student).exists()


def test_another_lessons_section_id_is_404(student_client, course):
    from tests.factories import LessonFactory, SectionFactory

    other = SectionFactory(lesson=LessonFactory(module=course.module), kind="warmup_prompt", heading="Other")
    response = student_client.post(f"/lessons/{course.lesson.slug}/prompts/{other.pk}/", {"answer_1": "x"})
    assert response.status_code == 404
