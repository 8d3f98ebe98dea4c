"""A small course for the API tests, modelled on Lesson 3, and API clients for two students.

`api_client` (from tests/conftest.py) is the student forced in; `token_client`
uses a real allauth session token, the way the mobile client does.
"""

from types import SimpleNamespace

import pytest
from django.test.client import Client
from rest_framework.test import APIClient

from assessments.models import TurnStep
from lessons.models import Lesson, Section
from tests.api.openapi_check import check_response
from tests.factories import (
    DEFAULT_PASSWORD,
    SPECTRUM,
    CategoryFactory,
    ExtensionTrackFactory,
    FAQFactory,
    FrameworkFactory,
    LessonFactory,
    ModuleFactory,
    QuickReferenceFactory,
    SectionFactory,
    TrackFactory,
    TurnFactory,
    TurnStepFactory,
)


@pytest.fixture(autouse=True)
def _every_answer_matches_the_schema(monkeypatch):
    """Every answer an API test receives is checked against the served schema (tests/api/openapi_check.py)."""
    original = Client.request

    def request(self, **environ):
        response = original(self, **environ)
        check_response(environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", ""), response)
        return response

    monkeypatch.setattr(Client, "request", request)


LOGIN_URL = "/_allauth/app/v1/auth/login"
SIGNUP_URL = "/_allauth/app/v1/auth/signup"
SESSION_URL = "/_allauth/app/v1/auth/session"


def ratings(**overrides) -> dict[str, int]:
    base = {"technical": 8, "creative": 7, "interpersonal": 4, "business": 3, "personal": 6}
    base.update(overrides)
    return base


def words(n: int, topic: str = "idea") -> str:
    """`n` different words: a reflection that meets the depth rule. Another `topic` gives another text."""
    return " ".join(f"{topic}{i}" for i in range(1, n + 1))


def error_of(response) -> dict:
    """The `error` object of the one error shape (asserting the shape on the way)."""
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert error["status"] == response.status_code
    assert isinstance(error["code"], str) and isinstance(error["message"], str) and error["message"]
    return error


def add_lesson3(*, sections: int = 0, slug: str = "skills", track=None, module=None) -> SimpleNamespace:
    """Lesson 3 with a warm-up prompt, its recall, `sections` extra prose sections, FAQs,
    quick reference, a next lesson, and a Your Turn with rate / reflection / goals steps."""
    track = track or TrackFactory(title="Core Track", slug=f"core-{slug}")
    module = module or ModuleFactory(track=track, title="Why Learn Anything?", slug=f"why-{slug}", position=1)
    lesson = LessonFactory(module=module, number=3, title="What Skills Does a Music Producer Need?", slug=slug,
                           position=3, next_steps_md="Lesson 4 asks whether creativity can be learned.")
    prompt = SectionFactory(lesson=lesson, kind=Section.Kind.WARMUP_PROMPT, heading="Warm-up", position=1,
                            answer_count=3, body_md="Write down three skills a producer needs.")
    recall = SectionFactory(lesson=lesson, kind=Section.Kind.RECALL, heading="Where your attention went",
                            position=2, recall_of=prompt)
    extra = [SectionFactory(lesson=lesson, heading=f"Part {n}", position=10 + n) for n in range(sections)]
    faqs = [FAQFactory(lesson=lesson, position=n) for n in range(2)]
    cards = [QuickReferenceFactory(lesson=lesson, position=n) for n in range(3)]
    framework = FrameworkFactory(name="Producer skill spectrum", slug=f"producer-skill-spectrum-{slug}")
    categories = [
        CategoryFactory(framework=framework, slug=key, name=name, cluster=cluster, position=i)
        for i, (key, name, cluster) in enumerate(SPECTRUM)
    ]
    turn = TurnFactory(lesson=lesson, framework=framework, title="Mapping Your Skill Focus",
                       completion_message="Come back in six months.")
    rate = TurnStepFactory(turn=turn, number=1, kind=TurnStep.Kind.RATE, title="Rate yourself", points=0, min_words=0)
    patterns = TurnStepFactory(turn=turn, number=2, kind=TurnStep.Kind.REFLECTION, title="Notice patterns",
                               points=15, min_words=10)
    goals = TurnStepFactory(turn=turn, number=3, kind=TurnStep.Kind.GOALS, title="Connect to your goals",
                            points=15, min_words=10)
    next_lesson = LessonFactory(module=module, number=4, title="Can Creativity Be Learned?", slug=f"{slug}-next",
                                position=4)
    return SimpleNamespace(
        track=track, module=module, lesson=lesson, prompt=prompt, recall=recall, extra=extra, faqs=faqs,
        cards=cards, framework=framework, categories=categories, turn=turn, rate=rate, patterns=patterns,
        goals=goals, next_lesson=next_lesson,
    )


@pytest.fixture
def course(db):
    """Lesson 3 in a Core Track, a draft lesson, and a locked Extension Course with a Turn."""
    c = add_lesson3()
    c.draft = LessonFactory(module=c.module, number=9, slug="draft-lesson", status=Lesson.Status.DRAFT, position=9)
    c.extension = ExtensionTrackFactory(title="Studio Culture", slug="studio-culture", unlock_threshold=30)
    ext_module = ModuleFactory(track=c.extension, title="In the room", slug="in-the-room")
    c.ext_lesson = LessonFactory(module=ext_module, number=1, title="Working with artists", slug="working-with-artists")
    ext_turn = TurnFactory(lesson=c.ext_lesson, framework=c.framework)
    TurnStepFactory(turn=ext_turn, number=1, kind=TurnStep.Kind.REFLECTION, points=5, min_words=1)
    return c


@pytest.fixture
def other_client(other_student):
    client = APIClient()
    client.force_authenticate(other_student)
    return client


def login_token(client: APIClient, email: str, password: str = DEFAULT_PASSWORD) -> str:
    response = client.post(LOGIN_URL, {"email": email, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


@pytest.fixture
def token_client(student):
    """The student signed in through allauth headless, sending X-Session-Token like the app."""
    client = APIClient()
    token = login_token(client, student.email)
    client.credentials(HTTP_X_SESSION_TOKEN=token)
    client.token = token
    return client


# Midnight UTC of a day, plus 30 seconds: as far into a minute as into an hour and a day.
THROTTLE_CLOCK_START = 20_000 * 86_400 + 30


@pytest.fixture
def throttle_clock(monkeypatch) -> SimpleNamespace:
    """The throttles' clock, stopped 30 seconds into a window; a test moves it with `clock.now += …`.

    The windows are fixed (a new count every minute for a rate per minute), so a
    test that counts up to a limit on the real clock could straddle a window's edge.
    """
    from courseplatform.api.throttling import _StudentRateThrottle

    clock = SimpleNamespace(now=float(THROTTLE_CLOCK_START))
    monkeypatch.setattr(_StudentRateThrottle, "timer", staticmethod(lambda: clock.now))
    return clock
