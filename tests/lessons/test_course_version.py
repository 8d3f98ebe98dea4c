"""The course-structure version: moved by the content service, and by a scheduled publication coming due."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from lessons.models import CourseVersion, Lesson
from lessons.services import content_changed, course_cache_seconds, course_version, lessons_publish

pytestmark = pytest.mark.django_db


def test_the_version_starts_at_one_and_moves_only_when_told():
    assert course_version() == 1
    content_changed(structure=True)
    content_changed(structure=True)
    assert course_version() == 3
    content_changed(lesson_ids=[])  # a content-only change with nothing in it
    assert course_version() == 3


def test_a_cache_of_the_structure_never_outlives_the_next_scheduled_publication(make_lesson):
    lesson = make_lesson(sections=0, faqs=0, cards=0)
    assert course_cache_seconds(3600) == 3600
    Lesson.objects.filter(pk=lesson.pk).update(publish_at=timezone.now() + timedelta(minutes=10))
    content_changed(lessons=[lesson], structure=True)

    assert 590 <= course_cache_seconds(3600) <= 601
    assert not Lesson.objects.get(pk=lesson.pk).is_published
    assert Lesson.objects.published().filter(pk=lesson.pk).count() == 0


def test_publishing_now_clears_a_schedule(make_lesson):
    lesson = make_lesson(sections=0, faqs=0, cards=0)
    Lesson.objects.filter(pk=lesson.pk).update(publish_at=timezone.now() + timedelta(days=1))
    before = course_version()

    assert lessons_publish(lessons=Lesson.objects.filter(pk=lesson.pk), publish=True) == 1

    assert Lesson.objects.get(pk=lesson.pk).is_published
    assert course_version() == before + 1
    assert lessons_publish(lessons=Lesson.objects.filter(pk=lesson.pk), publish=True) == 0  # nothing to change


def test_load_demo_moves_the_versions_once_and_an_unchanged_rerun_moves_nothing():
    call_command("load_demo", stdout=io.StringIO())
    first = course_version()
    versions = dict(Lesson.objects.values_list("slug", "content_version"))
    assert first > 1

    call_command("load_demo", stdout=io.StringIO())

    assert course_version() == first
    assert dict(Lesson.objects.values_list("slug", "content_version")) == versions
    assert CourseVersion.objects.count() == 1
