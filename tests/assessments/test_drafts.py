"""Nothing a student writes is lost: server drafts for reflections and warm-up answers (API
autosave, shown again on the web and in the API), and a save sent after the session ended
comes back after login, in its box, never as a 405."""

import re

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from assessments.models import Draft, PromptAnswer, Reflection, TurnStep
from tests.assessments.conftest import words
from tests.assessments.doors import page_text
from tests.factories import DEFAULT_PASSWORD, LessonFactory, TurnFactory, TurnStepFactory

SLUG = "skills"
STEP_DRAFT = "/api/v1/lessons/skills/your-turn/reflections/{}/draft/"
PROMPT_DRAFT = "/api/v1/lessons/skills/prompt-response/draft/"
LESSON = "/api/v1/lessons/skills/"
TURN = "/lessons/skills/your-turn/"
RESTORED = "You were signed out before this was saved. Your text is back in its box: press Save to keep it."


def fields_of(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["error"]["fields"]


def box(page: str, number: int) -> str:
    found = re.search(rf'<textarea[^>]*id="id_step{number}-text"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, f"no box for step {number}"
    return found.group(1).strip()


@pytest.fixture
def other_api(other_student):
    client = APIClient()
    client.force_authenticate(other_student)
    return client


# --- Reflection drafts through the API -------------------------------------------------------


def test_a_reflection_draft_is_kept_and_shown_in_the_api_and_in_the_web_box(api_client, student_client, student,
                                                                             course):
    response = api_client.put(STEP_DRAFT.format(2), {"text": "Half a thought about my chart"}, format="json")

    assert response.status_code == 200
    assert response.json()["text"] == "Half a thought about my chart" and response.json()["saved_at"]
    steps = api_client.get(LESSON).json()["turn"]["steps"]
    assert steps[1]["draft"]["text"] == "Half a thought about my chart"
    assert steps[1]["reflection"] is None
    page = student_client.get(TURN).content.decode()
    assert box(page, 2) == "Half a thought about my chart"
    assert "Press Save to keep it." in page_text(page.encode())
    assert not Reflection.objects.exists()


def test_a_draft_is_replaced_by_the_next_autosave(api_client, student, course):
    api_client.put(STEP_DRAFT.format(2), {"text": "first"}, format="json")
    api_client.put(STEP_DRAFT.format(2), {"text": "first and second"}, format="json")

    assert [d.data for d in Draft.objects.filter(user=student)] == [{"text": "first and second"}]


def test_deleting_a_reflection_draft_discards_it(api_client, student, course):
    api_client.put(STEP_DRAFT.format(2), {"text": "discard me"}, format="json")

    assert api_client.delete(STEP_DRAFT.format(2)).status_code == 204

    assert not Draft.objects.exists()
    assert api_client.get(LESSON).json()["turn"]["steps"][1]["draft"] is None


def test_another_students_drafts_are_invisible_and_untouchable(api_client, other_api, other_student, student_client,
                                                              course):
    api_client.put(STEP_DRAFT.format(2), {"text": "mine alone"}, format="json")
    api_client.put(PROMPT_DRAFT, {"answers": [{"text": "my warm-up", "category": ""}]}, format="json")

    theirs = other_api.get(LESSON).json()
    assert theirs["turn"]["steps"][1]["draft"] is None
    assert theirs["sections"][0]["prompt"]["draft"] is None
    assert other_api.delete(STEP_DRAFT.format(2)).status_code == 204
    assert other_api.delete(f"{PROMPT_DRAFT}?section={course.prompt.pk}").status_code == 204
    assert Draft.objects.count() == 2
    other_page = Client()
    other_page.force_login(other_student)
    assert "mine alone" not in other_page.get(TURN).content.decode()


def test_a_draft_over_the_limit_is_400_naming_text(api_client, course):
    assert list(fields_of(api_client.put(STEP_DRAFT.format(2), {"text": "x" * 10_001}, format="json"))) == ["text"]
    assert api_client.put(STEP_DRAFT.format(2), {"text": "x" * 10_000}, format="json").status_code == 200


def test_a_definition_of_success_draft_has_the_profiles_limit(api_client, course):
    lesson = LessonFactory(module=course.module, number=1, slug="success")
    TurnStepFactory(turn=TurnFactory(lesson=lesson, framework=None), number=1, kind=TurnStep.Kind.SUCCESS)
    url = "/api/v1/lessons/success/your-turn/reflections/1/draft/"

    assert "2,000" in fields_of(api_client.put(url, {"text": "x" * 2_001}, format="json"))["text"][0]
    assert api_client.put(url, {"text": "x" * 2_000}, format="json").status_code == 200


@pytest.mark.parametrize("text", ["before\x00after", 12, None])
def test_a_draft_that_is_not_plain_text_is_refused_naming_text(api_client, course, text):
    assert list(fields_of(api_client.put(STEP_DRAFT.format(2), {"text": text}, format="json"))) == ["text"]
    assert not Draft.objects.exists()


def test_a_rate_step_or_unknown_step_takes_no_draft(api_client, course):
    assert api_client.put(STEP_DRAFT.format(1), {"text": "x"}, format="json").status_code == 404
    assert api_client.put(STEP_DRAFT.format(9), {"text": "x"}, format="json").status_code == 404


@pytest.mark.parametrize("door", ["web", "api"])
def test_a_real_save_deletes_the_draft(api_client, student_client, student, course, door):
    api_client.put(STEP_DRAFT.format(2), {"text": "draft text"}, format="json")

    if door == "web":
        student_client.post(f"{TURN}reflections/2/", {"step2-text": words(12)})
    else:
        api_client.put(f"/api/v1/lessons/{SLUG}/your-turn/reflections/2/", {"text": words(12)}, format="json")

    assert not Draft.objects.filter(user=student).exists()
    assert box(student_client.get(TURN).content.decode(), 2) == words(12)


def test_a_refused_save_keeps_the_draft(api_client, student, course):
    api_client.put(STEP_DRAFT.format(2), {"text": "draft text"}, format="json")

    api_client.put(f"/api/v1/lessons/{SLUG}/your-turn/reflections/2/", {"text": "x" * 10_001}, format="json")

    assert Draft.objects.filter(user=student).exists()


# --- Warm-up drafts through the API ------------------------------------------------------------


def test_a_warm_up_draft_is_kept_and_shown_in_the_api_and_on_the_guide(api_client, student_client, course):
    sent = [{"text": "Gain staging", "category": "technical"}, {"text": "Talking to", "category": ""}]

    response = api_client.put(PROMPT_DRAFT, {"section": course.prompt.pk, "answers": sent}, format="json")

    assert response.status_code == 200
    assert response.json()["answers"] == sent
    prompt = api_client.get(LESSON).json()["sections"][0]["prompt"]
    assert prompt["draft"]["answers"] == sent and prompt["answers"] == []
    page = student_client.get(f"/lessons/{SLUG}/").content.decode()
    assert 'name="answer_1" value="Gain staging"' in page and 'name="answer_2" value="Talking to"' in page
    assert not PromptAnswer.objects.exists()


def test_deleting_a_warm_up_draft_discards_it(api_client, course):
    api_client.put(PROMPT_DRAFT, {"answers": [{"text": "EQ", "category": ""}]}, format="json")

    assert api_client.delete(f"{PROMPT_DRAFT}?section={course.prompt.pk}").status_code == 204

    assert not Draft.objects.exists()


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ([{"text": "x" * 501, "category": ""}], "answers.1.text"),
        ([{"text": "EQ", "category": ""}, {"text": "a\x00b", "category": ""}], "answers.2.text"),
        ([{"text": "EQ", "category": "bad\x00"}], "answers.1.category"),
    ],
)
def test_a_warm_up_draft_over_the_limit_or_with_a_nul_byte_is_400_naming_the_field(api_client, course, answers, field):
    assert list(fields_of(api_client.put(PROMPT_DRAFT, {"answers": answers}, format="json"))) == [field]
    assert not Draft.objects.exists()


def test_saving_the_warm_up_deletes_its_draft(api_client, student_client, student, course):
    api_client.put(PROMPT_DRAFT, {"answers": [{"text": "draft", "category": ""}]}, format="json")

    student_client.post(f"/lessons/{SLUG}/prompts/{course.prompt.pk}/", {"answer_1": "Mixing", "category_1": ""})

    assert not Draft.objects.exists()
    assert PromptAnswer.objects.get(user=student).text == "Mixing"


# --- Signed out while writing ----------------------------------------------------------------------


def session_ends(client: Client, student) -> None:
    """The student was reading the Turn when the session expired (the browser keeps its other cookies)."""
    client.force_login(student)
    client.get(TURN)
    del client.cookies[settings.SESSION_COOKIE_NAME]


def log_in(client: Client, student, next_url: str):
    """Through allauth's login page, as a person does; the session's data carries over."""
    response = client.post("/accounts/login/", {"login": student.email, "password": DEFAULT_PASSWORD,
                                                "next": next_url})
    assert response.status_code == 302, response.content
    return response


def test_a_reflection_sent_after_the_session_ended_comes_back_in_its_box_after_login(client, student, course):
    text = "What I wrote while my session ran out " + words(12)
    save_url = f"{TURN}reflections/2/"
    session_ends(client, student)

    response = client.post(save_url, {"step2-text": text})

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={save_url}"
    assert log_in(client, student, save_url).url == save_url
    back = client.get(save_url)
    assert back.status_code == 302 and back.url == f"{TURN}#step-2"
    page = client.get(TURN).content.decode()
    assert box(page, 2) == text
    assert RESTORED in page_text(page.encode())
    assert not Reflection.objects.exists()  # kept as a draft until the student presses Save
    # One click saves it.
    assert client.post(save_url, {"step2-text": box(page, 2)}).status_code == 302
    assert Reflection.objects.get(user=student).text == text


def test_warm_up_answers_sent_after_the_session_ended_come_back_after_login(client, student, course):
    save_url = f"/lessons/{SLUG}/prompts/{course.prompt.pk}/"
    session_ends(client, student)

    client.post(save_url, {"answer_1": "Gain staging", "category_1": "technical", "answer_2": "Patience"})
    log_in(client, student, save_url)
    back = client.get(save_url)

    assert back.status_code == 302 and back.url == f"/lessons/{SLUG}/#{course.prompt.anchor}"
    page = client.get(f"/lessons/{SLUG}/").content.decode()
    assert 'name="answer_1" value="Gain staging"' in page and 'name="answer_2" value="Patience"' in page
    assert RESTORED in page_text(page.encode())


def test_force_login_keeps_the_kept_text_too(client, student, course):
    session_ends(client, student)
    client.post(f"{TURN}reflections/2/", {"step2-text": "kept across force_login"})
    client.force_login(student)

    client.get(f"{TURN}reflections/2/")

    assert box(client.get(TURN).content.decode(), 2) == "kept across force_login"


def test_the_kept_text_is_only_restored_for_the_url_it_was_sent_to(client, student, course):
    session_ends(client, student)
    client.post(f"{TURN}reflections/2/", {"step2-text": "for step 2"})
    client.force_login(student)

    client.get(f"{TURN}reflections/3/")

    page = client.get(TURN).content.decode()
    assert box(page, 3) == "" and box(page, 2) == ""
    assert not Draft.objects.exists()


def test_kept_text_that_is_not_valid_says_so_instead_of_failing(client, student, course):
    session_ends(client, student)
    client.post(f"{TURN}reflections/2/", {"step2-text": "x" * 10_001})
    client.force_login(student)

    client.get(f"{TURN}reflections/2/")

    assert "What you sent before signing in could not be kept: it was not valid." in page_text(
        client.get(TURN).content)


POST_ONLY = [
    "/lessons/skills/your-turn/snapshot/",
    "/lessons/skills/your-turn/reflections/2/",
    "/lessons/skills/your-turn/success/",
    "/lessons/skills/your-turn/complete/",
    "/lessons/skills/prompts/{prompt}/",
]


@pytest.mark.parametrize("url", POST_ONLY)
def test_a_get_on_a_save_url_is_never_405(client, student, course, url):
    url = url.format(prompt=course.prompt.pk)

    signed_out = client.get(url)
    client.force_login(student)
    signed_in = client.get(url)

    assert signed_out.status_code == 302 and signed_out.url.startswith("/accounts/login/")
    assert signed_in.status_code == 302, f"{url} answered {signed_in.status_code}"
    assert signed_in.url.startswith("/lessons/skills/")


@pytest.mark.parametrize("url", POST_ONLY)
def test_a_save_sent_signed_out_lands_back_on_the_lesson_after_login_never_405(client, student, course, url):
    url = url.format(prompt=course.prompt.pk)
    session_ends(client, student)
    client.post(url, {"definition_of_success": "Release an EP a year.", "finished": "1"})
    log_in(client, student, url)

    response = client.get(url, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/lessons/skills/")


def test_a_definition_of_success_sent_signed_out_from_the_goals_step_comes_back_in_its_box(client, student, course):
    save_url = f"{TURN}success/"
    session_ends(client, student)
    client.post(save_url, {"definition_of_success": "Release an EP a year, with friends."})
    log_in(client, student, save_url)

    back = client.get(save_url)

    assert back.status_code == 302 and back.url == f"{TURN}#step-3"
    page = client.get(TURN).content.decode()
    assert re.search(r'id="id_definition_of_success">\s*Release an EP a year, with friends.</textarea>', page)
    assert RESTORED in page_text(page.encode())
    student.refresh_from_db()
    assert student.definition_of_success == ""  # saved only when the student presses Save
