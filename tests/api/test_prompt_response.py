"""PUT /api/v1/lessons/<slug>/prompt-response/: the warm-up answers, saved by the web's service."""

from assessments.models import PromptAnswer
from lessons.models import Section
from tests.api.conftest import error_of
from tests.factories import SectionFactory

URL = "/api/v1/lessons/{}/prompt-response/"


def answers(*items):
    return [{"text": text, "category": category} for text, category in items]


def test_answers_are_saved_and_come_back_with_the_cluster_sentence(api_client, student, course):
    response = api_client.put(URL.format("skills"), {"answers": answers(
        ("Mixing", "technical"), ("Sound design", "technical"), ("Talking to artists", "interpersonal"),
    )}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["section"] == course.prompt.pk
    assert [(a["position"], a["category"]) for a in body["answers"]] == [
        (1, "technical"), (2, "technical"), (3, "interpersonal"),
    ]
    assert body["cluster_sentence"] == "Two of your three answers are Technical."
    assert PromptAnswer.objects.filter(user=student).count() == 3


def test_sending_fewer_or_empty_answers_keeps_the_rest_and_clear_empties(api_client, student, course):
    api_client.put(URL.format("skills"), {"answers": answers(("A", ""), ("B", ""), ("C", ""))}, format="json")

    api_client.put(URL.format("skills"), {"answers": answers(("A2", ""))}, format="json")
    api_client.put(URL.format("skills"), {"answers": answers(("", ""), ("", ""))}, format="json")
    assert list(PromptAnswer.objects.filter(user=student).values_list("text", flat=True)) == ["A2", "B", "C"]

    one = api_client.put(URL.format("skills"), {"answers": [{"text": "", "clear": False}, {"text": "", "clear": True}]},
                         format="json")
    assert [a["text"] for a in one.json()["answers"]] == ["A2", "C"]

    everything = api_client.put(URL.format("skills"), {"answers": [], "clear": True}, format="json")
    assert everything.status_code == 200 and everything.json()["answers"] == []
    assert not PromptAnswer.objects.filter(user=student).exists()


def test_an_unknown_category_is_named_by_position(api_client, course):
    response = api_client.put(URL.format("skills"), {"answers": answers(("A", ""), ("B", "astrology"))},
                              format="json")

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["answers.2.category"]


def test_an_answer_too_long_is_named_by_position(api_client, course):
    response = api_client.put(URL.format("skills"), {"answers": answers(("x" * 501, ""))}, format="json")

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["answers.1.text"]


def test_more_answers_than_asked_for_is_400(api_client, course):
    response = api_client.put(URL.format("skills"), {"answers": answers(*[("a", "")] * 4)}, format="json")

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["answers"]


def test_a_malformed_answer_is_named_by_position(api_client, course):
    response = api_client.put(URL.format("skills"), {"answers": [{"text": "ok"}, {"category": "technical"}]},
                              format="json")

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["answers.2.text"]


def test_the_section_is_needed_when_a_lesson_has_two_prompts(api_client, course):
    second = SectionFactory(lesson=course.lesson, kind=Section.Kind.WARMUP_PROMPT, heading="Second", position=5)

    missing = api_client.put(URL.format("skills"), {"answers": answers(("A", ""))}, format="json")
    named = api_client.put(URL.format("skills"), {"section": second.pk, "answers": answers(("A", ""))},
                           format="json")

    assert missing.status_code == 400 and list(error_of(missing)["fields"]) == ["section"]
    assert named.status_code == 200 and named.json()["section"] == second.pk


def test_a_section_that_is_not_a_prompt_of_this_lesson_is_400(api_client, course):
    response = api_client.put(URL.format("skills"), {"section": course.recall.pk, "answers": []}, format="json")

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["section"]


def test_a_lesson_without_a_prompt_is_400(api_client, course):
    response = api_client.put(URL.format("skills-next"), {"answers": []}, format="json")

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["section"]
