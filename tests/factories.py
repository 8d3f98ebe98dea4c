"""factory_boy factories for the whole suite."""

import factory
from django.contrib.auth import get_user_model

from assessments.models import SkillCategory, SkillFramework, Turn, TurnStep
from lessons.models import FAQ, Lesson, Module, QuickReference, Section, Track

DEFAULT_PASSWORD = "correct-horse-battery"

# The producer skill spectrum as (key, name, cluster), in the Guide's order.
SPECTRUM = [
    ("technical", "Technical", "craft"),
    ("creative", "Creative", "craft"),
    ("interpersonal", "Interpersonal", "people"),
    ("business", "Business", "people"),
    ("personal", "Personal qualities", ""),
]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"student{n}@example.com")
    display_name = factory.Sequence(lambda n: f"Student {n}")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class AuthorFactory(UserFactory):
    email = factory.Sequence(lambda n: f"author{n}@example.com")
    is_staff = True
    is_superuser = True


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    title = factory.Sequence(lambda n: f"Track {n}")
    slug = factory.Sequence(lambda n: f"track-{n}")
    kind = Track.Kind.CORE
    unlock_threshold = 0
    position = factory.Sequence(lambda n: n)


class ExtensionTrackFactory(TrackFactory):
    kind = Track.Kind.EXTENSION
    unlock_threshold = 30


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    track = factory.SubFactory(TrackFactory)
    title = factory.Sequence(lambda n: f"Module {n}")
    slug = factory.Sequence(lambda n: f"module-{n}")
    position = factory.Sequence(lambda n: n)


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    module = factory.SubFactory(ModuleFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Lesson title {n}")
    subtitle = "A Soft Synced Companion Guide"
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    status = Lesson.Status.PUBLISHED
    position = factory.Sequence(lambda n: n)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    lesson = factory.SubFactory(LessonFactory)
    kind = Section.Kind.PROSE
    heading = factory.Sequence(lambda n: f"Section heading {n}")
    body_md = "Some **guide** text."
    position = factory.Sequence(lambda n: n)


class FAQFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FAQ

    lesson = factory.SubFactory(LessonFactory)
    question = factory.Sequence(lambda n: f"Question {n}?")
    answer_md = "An answer."
    position = factory.Sequence(lambda n: n)


class QuickReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuickReference

    lesson = factory.SubFactory(LessonFactory)
    term = factory.Sequence(lambda n: f"Term {n}")
    summary = "A one-line summary."
    position = factory.Sequence(lambda n: n)


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SkillFramework

    name = factory.Sequence(lambda n: f"Framework {n}")
    slug = factory.Sequence(lambda n: f"framework-{n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SkillCategory

    framework = factory.SubFactory(FrameworkFactory)
    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    description = "What this category covers."
    position = factory.Sequence(lambda n: n)


class TurnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Turn

    lesson = factory.SubFactory(LessonFactory)
    title = "Mapping Your Skill Focus"
    framework = factory.SubFactory(FrameworkFactory)


class TurnStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TurnStep

    turn = factory.SubFactory(TurnFactory)
    number = factory.Sequence(lambda n: n + 1)
    kind = TurnStep.Kind.REFLECTION
    title = factory.Sequence(lambda n: f"Step {n}")
    points = 10
    min_words = 5
