"""A small Lesson 3: warm-up prompt, recall, a Turn with rate / reflection / goals steps."""

from types import SimpleNamespace

import pytest

from assessments.models import TurnStep
from lessons.models import Section
from tests.assessments.doors import DOORS
from tests.factories import (
    SPECTRUM,
    CategoryFactory,
    ExtensionTrackFactory,
    FrameworkFactory,
    LessonFactory,
    ModuleFactory,
    SectionFactory,
    TrackFactory,
    TurnFactory,
    TurnStepFactory,
)


@pytest.fixture
def course(db):
    track = TrackFactory(title="Core Track", slug="core-track")
    module = ModuleFactory(track=track, title="Why Learn Anything?", slug="why-learn-anything")
    lesson = LessonFactory(module=module, number=3, title="What Skills Does a Music Producer Need?", slug="skills")
    prompt = SectionFactory(lesson=lesson, kind=Section.Kind.WARMUP_PROMPT, heading="Warm-up", position=1, answer_count=3)
    recall = SectionFactory(lesson=lesson, kind=Section.Kind.RECALL, heading="Where your attention went", position=2,
                            recall_of=prompt)
    framework = FrameworkFactory(name="Producer skill spectrum", slug="producer-skill-spectrum")
    categories = [
        CategoryFactory(framework=framework, slug=slug, name=name, cluster=cluster, position=i)
        for i, (slug, name, cluster) in enumerate(SPECTRUM)
    ]
    turn = TurnFactory(lesson=lesson, framework=framework, title="Mapping Your Skill Focus")
    rate = TurnStepFactory(turn=turn, number=1, kind=TurnStep.Kind.RATE, title="Rate yourself", points=0, min_words=0)
    patterns = TurnStepFactory(turn=turn, number=2, kind=TurnStep.Kind.REFLECTION, title="Notice patterns",
                               points=15, min_words=10)
    goals = TurnStepFactory(turn=turn, number=3, kind=TurnStep.Kind.GOALS, title="Connect to your goals",
                            points=15, min_words=10)
    extension = ExtensionTrackFactory(title="Studio Culture", slug="studio-culture", unlock_threshold=30)
    ext_module = ModuleFactory(track=extension, title="In the room", slug="in-the-room")
    ext_lesson = LessonFactory(module=ext_module, number=1, title="Working with artists", slug="working-with-artists")
    return SimpleNamespace(
        track=track, module=module, lesson=lesson, prompt=prompt, recall=recall, framework=framework,
        categories=categories, turn=turn, rate=rate, patterns=patterns, goals=goals,
        extension=extension, ext_lesson=ext_lesson,
    )


def ratings(**overrides) -> dict[str, int]:
    base = {"technical": 8, "creative": 7, "interpersonal": 4, "business": 3, "personal": 6}
    base.update(overrides)
    return base


def words(n: int, topic: str = "idea") -> str:
    """`n` different words: a reflection that meets the depth rule. Another `topic` gives another text."""
    return " ".join(f"{topic}{i}" for i in range(1, n + 1))


@pytest.fixture(params=list(DOORS))
def door(request, student):
    """The student at one door, the web forms or the API (tests/assessments/doors.py): a test runs at each."""
    return DOORS[request.param](student)
