"""The depth rule for points, through the web and the API alike: enough counted words
(a word counts at most 3 times), in the student's own words, paid once per step."""

import pytest

from assessments import depth
from assessments.models import PointsEntry, Reflection
from tests.assessments.conftest import words
from tests.assessments.doors import ApiDoor, WebDoor, page_text
from tests.factories import UserFactory

SLUG = "skills"
INSTRUCTIONS = (
    "Look at your chart and write down which categories scored highest and which lowest. Do they cluster, "
    "technical and creative against interpersonal and business? Is one far below the rest? Write a short "
    "paragraph about what you notice and why it might be so."
)
TOO_SHORT = "It has 9 words; 10 are needed for the points."
REPEATED = "It has 2000 words, but only 3 count: a word counts at most 3 times. 10 are needed for the points."
COPIED = ("Most of it repeats the instructions or another of your reflections; write it in your own words "
          "for the points.")


@pytest.fixture
def lesson(course):
    """Lesson 3: step 2 pays 15 points for 10 words, step 3 (goals) 15 for 10; step 2 has instructions."""
    course.patterns.body_md = INSTRUCTIONS
    course.patterns.save()
    return course


def test_exactly_the_minimum_of_different_words_pays(door, student, lesson):
    outcome = door.reflect(SLUG, 2, words(10))

    assert outcome.accepted and outcome.points == 15
    assert PointsEntry.objects.get(user=student).amount == 15
    if door.name == "api":
        assert outcome.body["depth"] | {"rule": ""} == {
            "pays": True, "reason": "", "message": "", "words": 10, "different_words": 10, "counted_words": 10,
            "min_words": 10, "rule": "",
        }
    else:
        assert "Saved. You earned 15 Depth points." in outcome.words


def test_one_word_short_of_the_minimum_is_saved_without_points_and_says_why(door, student, lesson):
    outcome = door.reflect(SLUG, 2, words(9))

    assert outcome.accepted and outcome.points == 0
    assert TOO_SHORT in outcome.words
    assert Reflection.objects.get(user=student).text == words(9)
    assert not PointsEntry.objects.exists()


def test_word_repeated_2000_times_does_not_pay_and_the_message_says_a_word_counts_three_times(door, lesson):
    outcome = door.reflect(SLUG, 2, "word " * 2000)

    assert outcome.accepted and outcome.points == 0
    assert REPEATED in outcome.words
    if door.name == "api":
        assert (outcome.body["depth"]["words"], outcome.body["depth"]["counted_words"]) == (2000, 3)
        assert outcome.body["depth"]["reason"] == "too_short"


@pytest.mark.parametrize(
    ("text", "pays"),
    [
        ("one one one two two two three three three four", True),  # 3 + 3 + 3 + 1 = 10 counted
        ("one one one one two two two three three three", False),  # the fourth "one" does not count: 9
        ("One ONE one two Two two three three THREE four", True),  # case does not make a word new
        ("one ONE one One two two two three three three", False),
    ],
)
def test_a_word_counts_at_most_three_times_whatever_its_case(door, lesson, text, pays):
    assert (door.reflect(SLUG, 2, text).points == 15) is pays


def test_a_copy_of_the_steps_instructions_does_not_pay(door, lesson):
    outcome = door.reflect(SLUG, 2, INSTRUCTIONS)

    assert outcome.accepted and outcome.points == 0
    assert COPIED in outcome.words
    if door.name == "api":
        assert outcome.body["depth"]["reason"] == "copied"


def test_the_instructions_with_a_few_words_changed_are_still_a_copy(door, lesson):
    edited = INSTRUCTIONS.replace("chart", "radar").replace("short", "brief") + " I am not sure yet."

    assert door.reflect(SLUG, 2, edited).points == 0


def test_a_copy_of_the_students_other_reflection_does_not_pay(door, student, lesson):
    mine = words(12, "goal")
    assert door.reflect(SLUG, 3, mine).points == 15

    outcome = door.reflect(SLUG, 2, mine)

    assert outcome.accepted and outcome.points == 0
    assert COPIED in outcome.words
    assert PointsEntry.objects.filter(user=student).count() == 1


def test_another_students_identical_text_is_no_copy_of_mine(lesson, other_student):
    text = words(12, "shared")

    assert WebDoor(other_student).reflect(SLUG, 2, text).points == 15
    assert ApiDoor(UserFactory()).reflect(SLUG, 2, text).points == 15


def test_an_edit_of_a_paid_reflection_never_pays_again(door, student, lesson):
    assert door.reflect(SLUG, 2, words(10)).points == 15

    for n, topic in enumerate(["again", "better", "longer"], start=1):
        outcome = door.reflect(SLUG, 2, words(10 + 10 * n, topic))
        assert outcome.accepted and outcome.points == 0

    student.refresh_from_db()
    assert student.depth_points == 15
    assert PointsEntry.objects.filter(user=student).count() == 1
    assert Reflection.objects.get(user=student, step=lesson.patterns).versions.count() == 4


def test_a_short_first_save_then_a_real_one_pays_once(door, lesson):
    assert door.reflect(SLUG, 2, words(3)).points == 0
    assert door.reflect(SLUG, 2, words(10)).points == 15
    assert door.reflect(SLUG, 2, words(10, "other")).points == 0


def test_the_turn_page_states_the_rule_in_plain_words(student_client, lesson):
    page = student_client.get(f"/lessons/{SLUG}/your-turn/").content.decode()

    assert "a reflection in “Notice patterns” of at least 10 words earns 15 points" in page
    assert ("A word counts at most 3 times, and a reflection copied from the instructions or from another of your "
            "reflections earns nothing: write it in your own words.") in page
    assert "10 words or more in your own words earns 15 Depth points, once; a word counts at most 3 times." in page
    assert 'data-min-words="10"' in page and 'data-max-repeats="3"' in page


def test_the_api_states_the_same_rule(api_client, lesson):
    steps = api_client.get(f"/api/v1/lessons/{SLUG}/").json()["turn"]["steps"]
    rule = depth.rule_sentence(10)

    assert rule == ("at least 10 words, where a word counts at most 3 times, written in your own words "
                    "(not copied from the instructions or from your other reflections)")
    assert [s["text"]["rule"] for s in steps if s["text"]] == [rule, rule]
    body = api_client.put(f"/api/v1/lessons/{SLUG}/your-turn/reflections/2/", {"text": words(3)}, format="json").json()
    assert body["depth"]["rule"] == rule


def test_after_paying_the_page_says_editing_never_pays_again(student_client, lesson):
    student_client.post(f"/lessons/{SLUG}/your-turn/reflections/2/", {"step2-text": words(10)})

    page = student_client.get(f"/lessons/{SLUG}/your-turn/").content.decode()

    assert "You earned this step's 15 Depth points; editing never costs or pays points." in page_text(page.encode())


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("", 0),
        ("don't stop—keep going", 4),  # an apostrophe joins a word, an em dash separates two
        ("cafe\u0301 café CAFÉ café", 3),  # NFD and NFC are the same word, case folded, at most 3
        ("mix, mix; mix. mix! MIX?", 3),
        ("well-known well-known", 2),
    ],
)
def test_words_are_counted_as_the_rule_says(text, counted):
    assert depth.word_stats(text).counted == counted
