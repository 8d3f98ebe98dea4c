"""Lesson 1's Your Turn: the definition of success has a box, is kept on the profile, pays
its 10 points, has a stated limit enforced alike on the web and the API, and is required."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from assessments.models import PointsEntry, Reflection, TurnCompletion, TurnStep
from tests.assessments.conftest import words

LESSON_1 = "what-does-success-mean-to-you"
TURN = f"/lessons/{LESSON_1}/your-turn/"
LIMIT = 2_000


@pytest.fixture
def lesson_1(db):
    call_command("load_demo", stdout=StringIO())
    return TurnStep.objects.get(turn__lesson__slug=LESSON_1, kind=TurnStep.Kind.SUCCESS)


def exactly(length: int) -> str:
    """Real words, `length` characters in all (nothing to strip at either end)."""
    text = words(length // 3 + 1, "w")[: length - 1] + "z"
    assert len(text) == length and text == text.strip()
    return text


def errors_beside(page: str, box: str) -> list[str]:
    """The error messages the field whose id is `box` points to (aria-describedby), as a screen reader reads them."""
    field = re.search(rf'<textarea[^>]*\bid="{box}"[^>]*>', page)
    described = re.search(r'aria-invalid="true" aria-describedby="([^"]+)"', field.group(0)) if field else None
    if described is None:
        return []
    found = re.search(rf'<ul class="errorlist[^"]*" id="{described.group(1)}">(.*?)</ul>', page, re.S)
    return re.findall(r"<li>(.*?)</li>", found.group(1), re.S) if found else []


def test_lesson_1s_turn_shows_a_labelled_box_for_the_definition_of_success(student_client, lesson_1):
    page = student_client.get(TURN).content.decode()

    assert lesson_1.points == 10
    assert '<label for="id_step1-text">Your definition of success</label>' in page
    assert re.search(r'<textarea[^>]*id="id_step1-text"', page)
    assert "Save my definition of success" in page
    assert "At most 2,000 characters." in page


def test_saving_it_keeps_it_on_the_profile_and_pays_10_points(door, student, lesson_1):
    text = words(30, "success")

    outcome = door.reflect(LESSON_1, 1, text)

    assert outcome.accepted
    assert outcome.points == 10
    student.refresh_from_db()
    assert student.definition_of_success == text
    assert PointsEntry.objects.get(user=student).amount == 10
    # Editing it later moves the profile with it, and never pays again.
    assert door.reflect(LESSON_1, 1, words(35, "later")).points == 0
    student.refresh_from_db()
    assert student.definition_of_success == words(35, "later")


def test_exactly_2000_characters_is_accepted_whole(door, student, lesson_1):
    text = exactly(LIMIT)

    assert door.reflect(LESSON_1, 1, text).accepted

    student.refresh_from_db()
    assert student.definition_of_success == text
    assert Reflection.objects.get(user=student).text == text


def test_2001_characters_is_refused_with_a_message_and_nothing_is_cut_or_saved(door, student, lesson_1):
    student.definition_of_success = "What I wrote on my profile."
    student.save()

    outcome = door.reflect(LESSON_1, 1, exactly(LIMIT + 1))

    assert outcome.status == 400
    assert "Keep this under 2,000 characters (it has 2,001); nothing was cut or saved." in outcome.words
    if door.name == "api":
        assert list(outcome.fields) == ["text"]
    student.refresh_from_db()
    assert student.definition_of_success == "What I wrote on my profile."
    assert not Reflection.objects.filter(user=student).exists()
    assert not PointsEntry.objects.filter(user=student).exists()


def test_on_the_web_the_refusal_stands_beside_the_box_which_keeps_the_text(student_client, lesson_1):
    text = exactly(LIMIT + 1)

    response = student_client.post(f"{TURN}reflections/1/", {"step1-text": text})

    page = response.content.decode()
    assert response.status_code == 400
    assert errors_beside(page, "id_step1-text") == [
        "Keep this under 2,000 characters (it has 2,001); nothing was cut or saved."
    ]
    assert re.search(r'id="id_step1-text">\s*' + re.escape(text) + "</textarea>", page)
    assert "text:" not in page and "steps.1" not in page


def test_completing_without_writing_it_is_refused(door, student, lesson_1):
    outcome = door.complete(LESSON_1)

    assert "Write “Your definition of success” (step 1) before marking this Turn complete." in outcome.words
    if door.name == "api":
        assert outcome.status == 400
        assert list(outcome.fields) == ["steps.1"]
    assert "Your definition of success is saved" not in outcome.words
    assert not TurnCompletion.objects.filter(user=student).exists()

    door.reflect(LESSON_1, 1, words(30, "success"))
    assert door.complete(LESSON_1).accepted
    assert TurnCompletion.objects.filter(user=student).exists()


def test_the_web_page_asks_for_it_before_completion(student_client, lesson_1):
    page = student_client.get(TURN).content.decode()

    assert "Do step 1 (“Your definition of success”) first; then you can mark this Turn complete." in (
        page.replace("&ldquo;", "“").replace("&rdquo;", "”")
    )
