"""Every Your Turn step kind has its own template and API representation; every text step
shows a labelled box, saves and pays its points on the web and the API, in every demo Turn."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template.loader import get_template

from accounts.models import User
from assessments.api import presenters
from assessments.api.serializers import StepSerializer
from assessments.models import PointsEntry, Reflection, Turn, TurnCompletion, TurnStep
from lessons.models import Track
from lessons.services import track_unlock
from tests.assessments.conftest import words
from tests.assessments.doors import DOORS
from tests.factories import LessonFactory, TurnFactory, TurnStepFactory, UserFactory

# The kind-specific objects of a step's API representation, by kind. A new kind
# fails the first test until it is added here, with its template and presenter.
DETAIL_OBJECTS = {
    TurnStep.Kind.RATE: {"rate"},
    TurnStep.Kind.REFLECTION: {"text"},
    TurnStep.Kind.GOALS: {"text", "goals"},
    TurnStep.Kind.SUCCESS: {"text", "success"},
}
DETAIL_KEYS = {"rate", "text", "goals", "success"}


def step_html(page: str, number: int) -> str:
    """The part of the Turn page that shows step `number`."""
    start = page.index(f'id="step-{number}"')
    following = re.compile(r'id="step-\d+"|id="complete"').search(page, start + 1)
    return page[start:following.start() if following else len(page)]


def has_labelled_box(html: str, number: int) -> bool:
    """The step's own text box is a <textarea> that a <label for=...> names."""
    box = f"id_step{number}-text"
    return bool(re.search(rf'<textarea[^>]*\bid="{box}"', html)) and f'<label for="{box}"' in html


def textarea_text(html: str, number: int) -> str:
    found = re.search(rf'<textarea[^>]*\bid="id_step{number}-text"[^>]*>(.*?)</textarea>', html, re.S)
    return found.group(1).strip() if found else ""


@pytest.fixture
def every_kind(course):
    """Lesson 3's Turn with one more step of each kind it lacks (a success step here)."""
    present = {s.kind for s in (course.rate, course.patterns, course.goals)}
    number = 4
    for kind in TurnStep.Kind:
        if kind not in present:
            TurnStepFactory(turn=course.turn, number=number, kind=kind, title=f"A {kind} step", points=7, min_words=6)
            number += 1
    return course


def test_the_kind_list_of_this_test_and_the_presenters_cover_every_kind():
    assert set(DETAIL_OBJECTS) == set(TurnStep.Kind)
    assert set(presenters.STEP_DETAILS) == set(TurnStep.Kind)
    assert TurnStep.TEXT_KINDS | {TurnStep.Kind.RATE} == set(TurnStep.Kind)


@pytest.mark.parametrize("kind", list(TurnStep.Kind))
def test_each_kind_has_its_own_template_file(kind):
    path = Path(settings.BASE_DIR) / "templates" / "assessments" / "steps" / f"{kind}.html"
    assert path.is_file()
    assert TurnStep(kind=kind).template_name == f"assessments/steps/{kind}.html"
    assert Path(get_template(f"assessments/steps/{kind}.html").origin.name) == path


def test_the_turn_page_renders_each_step_through_its_kinds_template(student_client, every_kind):
    response = student_client.get(f"/lessons/{every_kind.lesson.slug}/your-turn/")

    rendered = {t.name for t in response.templates}
    page = response.content.decode()
    for step in every_kind.turn.steps.all():
        assert step.template_name in rendered
        assert f'class="turn-step card turn-step--{step.kind}" id="step-{step.number}"' in page


def test_the_api_gives_each_step_its_kinds_own_object(api_client, every_kind):
    steps = api_client.get(f"/api/v1/lessons/{every_kind.lesson.slug}/").json()["turn"]["steps"]

    assert {s["kind"] for s in steps} == set(TurnStep.Kind)
    for step in steps:
        present = {key for key in DETAIL_KEYS if step[key] is not None}
        assert present == DETAIL_OBJECTS[step["kind"]], step["kind"]
        assert StepSerializer(step).data == step  # the schema's serializer renders it unchanged
        if step["takes_reflection"]:
            assert step["text"]["max_chars"] >= 2_000 and step["text"]["min_words"] == step["min_words"]


def test_every_text_step_shows_a_labelled_box_that_saves_on_the_web_and_pays_its_points(
    student_client, student, every_kind
):
    url = f"/lessons/{every_kind.lesson.slug}/your-turn/"
    for step in every_kind.turn.steps.all():
        html = step_html(student_client.get(url).content.decode(), step.number)
        if not step.takes_reflection:
            assert "<textarea" not in html
            continue
        assert has_labelled_box(html, step.number), step.kind
        text = words(max(step.min_words, 1), f"kind{step.number}x")

        response = student_client.post(f"{url}reflections/{step.number}/", {f"step{step.number}-text": text})

        assert response.status_code == 302
        assert Reflection.objects.get(user=student, step=step).text == text
        assert PointsEntry.objects.get(user=student, step=step).amount == step.points
        assert textarea_text(step_html(student_client.get(url).content.decode(), step.number), step.number) == text


def test_every_text_step_saves_through_the_api_and_pays_its_points(api_client, student, every_kind):
    for step in every_kind.turn.steps.all():
        url = f"/api/v1/lessons/{every_kind.lesson.slug}/your-turn/reflections/{step.number}/"
        text = words(max(step.min_words, 1), f"kind{step.number}x")

        response = api_client.put(url, {"text": text}, format="json")

        if not step.takes_reflection:
            assert response.status_code == 404
            continue
        assert response.status_code == 200
        assert response.json()["points_awarded"] == step.points
        assert response.json()["reflection"]["text"] == text
    student.refresh_from_db()
    assert student.depth_points == sum(s.points for s in every_kind.turn.steps.all() if s.takes_reflection)


def test_a_success_step_is_the_definition_of_success_on_both_doors(every_kind):
    success = every_kind.turn.steps.get(kind=TurnStep.Kind.SUCCESS)
    for name, door_class in DOORS.items():
        user = UserFactory()
        text = f"Finishing one song a month, written through the {name}."
        assert door_class(user).reflect(every_kind.lesson.slug, success.number, text).accepted
        user.refresh_from_db()
        assert user.definition_of_success == text


# --- Every Turn of the demo course ---------------------------------------------------------


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())
    return list(Turn.objects.select_related("lesson__module__track").order_by("lesson__module__track__position",
                                                                              "lesson__position"))


def test_the_demo_course_has_turns_that_use_every_kind(demo):
    assert len(demo) >= 5
    assert {s.kind for turn in demo for s in turn.steps.active()} == set(TurnStep.Kind)


def test_every_demo_turn_can_be_done_and_completed_through_each_door(demo, door):
    user = door.user
    for track in Track.objects.filter(kind=Track.Kind.EXTENSION):
        track_unlock(user=user, track=track)
    paid = 0
    for turn in demo:
        slug = turn.lesson.slug
        for step in turn.steps.active():
            if step.kind == TurnStep.Kind.RATE:
                values = {c.slug: 6 for c in turn.framework.categories.active()}
                assert door.rate(slug, values).accepted, (slug, step.number)
                continue
            assert step.takes_reflection
            text = words(step.min_words, f"{door.name}t{turn.pk}s{step.number}w")

            outcome = door.reflect(slug, step.number, text)

            assert outcome.accepted, (slug, step.number, outcome.words)
            assert outcome.points == step.points, (slug, step.number)
            paid += step.points
        assert door.complete(slug).accepted, slug
        assert TurnCompletion.objects.filter(user=user, turn=turn).exists(), slug
    assert User.objects.get(pk=user.pk).depth_points == paid
    assert PointsEntry.objects.filter(user=user).count() == sum(
        1 for turn in demo for s in turn.steps.active() if s.takes_reflection and s.points
    )


def test_every_demo_turn_page_shows_a_labelled_box_for_each_text_step(demo, student_client, student):
    for track in Track.objects.filter(kind=Track.Kind.EXTENSION):
        track_unlock(user=student, track=track)
    for turn in demo:
        response = student_client.get(f"/lessons/{turn.lesson.slug}/your-turn/")
        assert response.status_code == 200
        page = response.content.decode()
        for step in turn.steps.active():
            html = step_html(page, step.number)
            assert step.template_name in {t.name for t in response.templates}
            if step.takes_reflection:
                assert has_labelled_box(html, step.number), (turn.lesson.slug, step.number)
                # The box never cuts text in the browser: the limit is stated and the server refuses.
                assert "maxlength" not in html


def test_every_demo_turn_in_the_api_gives_each_step_its_kinds_object(demo, api_client, student):
    for track in Track.objects.filter(kind=Track.Kind.EXTENSION):
        track_unlock(user=student, track=track)
    for turn in demo:
        steps = api_client.get(f"/api/v1/lessons/{turn.lesson.slug}/").json()["turn"]["steps"]
        assert [s["number"] for s in steps] == [s.number for s in turn.steps.active()]
        for step in steps:
            assert {k for k in DETAIL_KEYS if step[k] is not None} == DETAIL_OBJECTS[step["kind"]]


def test_a_lesson_without_a_framework_still_takes_a_success_step(api_client, student, course):
    lesson = LessonFactory(module=course.module, number=1, slug="success-only")
    step = TurnStepFactory(turn=TurnFactory(lesson=lesson, framework=None), number=1, kind=TurnStep.Kind.SUCCESS,
                           points=10, min_words=5)

    body = api_client.put(f"/api/v1/lessons/{lesson.slug}/your-turn/reflections/1/",
                          {"text": words(5, "mine")}, format="json").json()

    assert body["points_awarded"] == step.points == 10
    assert body["reflection"]["text"] == words(5, "mine")
