"""The warm-up does what it promises: empty boxes never wipe saved answers (only "clear"
does), untagged answers get a suggested category the student can change from the recall
section, the cluster sentence reads the final tags, and boxes are labelled for what they ask."""

import re

import pytest

from assessments.models import PromptAnswer
from lessons.models import Section
from tests.assessments.doors import page_text
from tests.factories import SectionFactory

SLUG = "skills"
KEYWORDS = {
    "technical": "mixing, eq, gain staging, sound design",
    "creative": "melody, songwriting, ideas",
    "interpersonal": "feedback, working with artists",
    "business": "marketing, release, money",
    "personal": "patience, discipline, habits",
}


@pytest.fixture
def tagged(course):
    """Lesson 3 whose skill categories have keywords, as the demo's do."""
    for category in course.categories:
        category.keywords = KEYWORDS[category.slug]
        category.save()
    return course


def saved(user) -> dict[int, tuple[str, str, bool]]:
    return {a.position: (a.text, a.category.slug if a.category else "", a.category_suggested)
            for a in PromptAnswer.objects.filter(user=user)}


def recall_html(page: str) -> str:
    start = page.index('class="recall-form"')
    return page[start:page.index("</form>", start)]


# --- Empty boxes and clear ---------------------------------------------------------------------


def test_empty_boxes_keep_every_saved_answer(door, tagged):
    door.answers(SLUG, tagged.prompt.pk, [("Gain staging", "technical"), ("Patience", "personal"),
                                          ("Marketing", "business")])

    outcome = door.answers(SLUG, tagged.prompt.pk, [("", ""), ("", ""), ("", "")])

    assert outcome.accepted
    assert saved(door.user) == {1: ("Gain staging", "technical", False), 2: ("Patience", "personal", False),
                                3: ("Marketing", "business", False)}


def test_one_filled_box_changes_only_its_own_answer(door, tagged):
    door.answers(SLUG, tagged.prompt.pk, [("Gain staging", "technical"), ("Patience", "personal")])

    door.answers(SLUG, tagged.prompt.pk, [("", ""), ("Discipline", "personal")])

    assert saved(door.user) == {1: ("Gain staging", "technical", False), 2: ("Discipline", "personal", False)}


def test_clear_empties_every_box(door, tagged):
    door.answers(SLUG, tagged.prompt.pk, [("Gain staging", "technical"), ("Patience", "personal"),
                                          ("Marketing", "business")])

    outcome = door.answers(SLUG, tagged.prompt.pk, [("", ""), ("", ""), ("", "")], clear=True)

    assert outcome.accepted
    assert saved(door.user) == {}
    if door.name == "web":
        assert "Your warm-up answers are cleared." in outcome.words


def test_the_api_can_clear_one_slot_and_keep_the_others(api_client, student, tagged):
    url = f"/api/v1/lessons/{SLUG}/prompt-response/"
    api_client.put(url, {"answers": [{"text": "EQ", "category": "technical"},
                                     {"text": "Patience", "category": "personal"}]}, format="json")

    response = api_client.put(url, {"answers": [{"text": ""}, {"text": "", "clear": True}]}, format="json")

    assert response.status_code == 200
    assert [a["text"] for a in response.json()["answers"]] == ["EQ"]
    assert saved(student) == {1: ("EQ", "technical", False)}


def test_the_guide_promises_it_in_words(student_client, tagged):
    student_client.post(f"/lessons/{SLUG}/prompts/{tagged.prompt.pk}/", {"answer_1": "EQ", "category_1": ""})

    page = page_text(student_client.get(f"/lessons/{SLUG}/").content)

    assert "Empty boxes never erase a saved answer; “Clear my answers” does." in page


# --- Suggested categories ------------------------------------------------------------------------------


def test_an_untagged_answer_mentioning_keywords_gets_the_suggested_category(door, tagged):
    outcome = door.answers(SLUG, tagged.prompt.pk, [("Mixing vocals with EQ", ""), ("Writing a melody", ""),
                                                    ("Patience", "technical")])

    assert outcome.accepted
    assert saved(door.user) == {
        1: ("Mixing vocals with EQ", "technical", True),
        2: ("Writing a melody", "creative", True),
        3: ("Patience", "technical", False),  # the student's own tag wins over the keywords
    }
    if door.name == "api":
        assert [a["category_suggested"] for a in outcome.body["answers"]] == [True, True, False]
        assert outcome.body["answers"][0]["category_name"] == "Technical"


@pytest.mark.parametrize(
    "text",
    ["Being kind", "Mixing a melody"],  # no keyword; a tie between Technical and Creative
)
def test_no_keyword_or_a_tie_suggests_nothing(door, tagged, text):
    door.answers(SLUG, tagged.prompt.pk, [(text, "")])

    assert saved(door.user) == {1: (text, "", False)}


def test_keywords_match_whole_words_and_phrases_not_parts_of_words(door, tagged):
    door.answers(SLUG, tagged.prompt.pk, [("Gain staging and more gain staging", ""), ("Equipment", "")])

    assert saved(door.user) == {1: ("Gain staging and more gain staging", "technical", True),
                                2: ("Equipment", "", False)}  # "eq" is not in "equipment"


def test_the_recall_section_marks_a_suggestion_and_lets_the_student_change_it(student_client, student, tagged):
    student_client.post(f"/lessons/{SLUG}/prompts/{tagged.prompt.pk}/",
                        {"answer_1": "Mixing vocals", "category_1": "", "answer_2": "Patience", "category_2": ""})
    recall = recall_html(student_client.get(f"/lessons/{SLUG}/").content.decode())
    assert recall.count('data-testid="suggested"') == 2
    assert re.search(r'name="category_1"[^>]*>.*?<option value="technical" selected>', recall, re.S)

    # The recall form sends every answer back with its tag; the student changes the first.
    response = student_client.post(f"/lessons/{SLUG}/prompts/{tagged.prompt.pk}/", {
        "next_anchor": tagged.recall.anchor,
        "answer_1": "Mixing vocals", "category_1": "creative",
        "answer_2": "Patience", "category_2": "personal",
    })

    assert response.status_code == 302 and response.url.endswith(f"#{tagged.recall.anchor}")
    assert saved(student) == {1: ("Mixing vocals", "creative", False), 2: ("Patience", "personal", False)}
    recall = recall_html(student_client.get(f"/lessons/{SLUG}/").content.decode())
    assert 'data-testid="suggested"' not in recall


def test_the_api_confirms_a_suggestion_when_the_answer_is_sent_with_a_category(api_client, student, tagged):
    url = f"/api/v1/lessons/{SLUG}/prompt-response/"
    api_client.put(url, {"answers": [{"text": "Mixing vocals", "category": ""}]}, format="json")

    body = api_client.put(url, {"answers": [{"text": "Mixing vocals", "category": "technical"}]}, format="json").json()

    assert body["answers"][0] | {"position": 0} == {
        "position": 0, "text": "Mixing vocals", "category": "technical", "category_name": "Technical",
        "category_suggested": False,
    }


def test_the_cluster_sentence_uses_the_final_tags(student_client, student, tagged):
    url = f"/lessons/{SLUG}/prompts/{tagged.prompt.pk}/"
    student_client.post(url, {"answer_1": "Mixing vocals", "category_1": "", "answer_2": "Sound design",
                              "category_2": "", "answer_3": "Patience", "category_3": ""})
    guide = page_text(student_client.get(f"/lessons/{SLUG}/").content)
    assert "Two of your three answers are Technical." in guide  # two suggestions count as tags

    student_client.post(url, {"answer_1": "Mixing vocals", "category_1": "creative", "answer_2": "Sound design",
                              "category_2": "technical", "answer_3": "Patience", "category_3": "personal"})

    guide = page_text(student_client.get(f"/lessons/{SLUG}/").content)
    assert "Your answers are spread across 3 different categories." in guide
    assert "Two of your three answers are Technical." not in guide


def test_the_api_gives_the_same_cluster_sentence_as_the_recall_section(api_client, student_client, tagged):
    body = api_client.put(f"/api/v1/lessons/{SLUG}/prompt-response/", {"answers": [
        {"text": "Mixing vocals", "category": ""}, {"text": "Sound design", "category": ""},
        {"text": "Patience", "category": ""}]}, format="json").json()

    recall = api_client.get(f"/api/v1/lessons/{SLUG}/").json()["sections"][1]["recall"]
    assert body["cluster_sentence"] == recall["cluster_sentence"] == "Two of your three answers are Technical."
    assert body["cluster_sentence"] in page_text(student_client.get(f"/lessons/{SLUG}/").content)


# --- Labels -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer_label", "labels"),
    [("Goal", ["Goal 1", "Goal 2", "Goal 3"]), ("", ["Answer 1", "Answer 2", "Answer 3"])],
)
def test_the_boxes_are_labelled_by_what_the_prompt_asks_never_skill_unless_it_asks_for_skills(
    student_client, api_client, course, answer_label, labels
):
    prompt = SectionFactory(lesson=course.lesson, kind=Section.Kind.WARMUP_PROMPT, heading="Goals first",
                            position=5, answer_count=3, answer_label=answer_label)

    page = student_client.get(f"/lessons/{SLUG}/").content.decode()
    api = next(s for s in api_client.get(f"/api/v1/lessons/{SLUG}/").json()["sections"] if s["id"] == prompt.pk)

    shown = re.findall(rf'<label for="answer-{prompt.pk}-\d+">([^<]*)</label>', page)
    assert shown == labels
    assert api["prompt"]["labels"] == labels
    assert f'<label for="category-{prompt.pk}-1" class="prompt-answer__tag-label">Category of {labels[0].lower()} ' \
           f"(optional)</label>" in page
    form = page[page.index(f'data-section="{prompt.pk}"'):]
    form = form[:form.index("</form>")]
    assert "Skill" not in form


def test_a_prompt_about_skills_says_skill(student_client, course):
    Section.objects.filter(pk=course.prompt.pk).update(answer_label="Skill")

    page = student_client.get(f"/lessons/{SLUG}/").content.decode()

    assert re.findall(rf'<label for="answer-{course.prompt.pk}-\d+">([^<]*)</label>', page) == [
        "Skill 1", "Skill 2", "Skill 3"]
