"""Concurrent saves and completes pay and record exactly once (PostgreSQL pass of CI)."""

import threading

import pytest
from django.db import connection, connections

from assessments import services
from assessments.models import PointsEntry, Reflection, TurnCompletion
from tests.assessments.conftest import ratings, words

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
]


def run_concurrently(count, target):
    barrier = threading.Barrier(count)
    errors = []

    def worker(i):
        try:
            barrier.wait(timeout=10)
            target(i)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent transactions: runs in CI's PostgreSQL pass")


def test_ten_concurrent_reflection_saves_award_points_once(student, course):
    run_concurrently(10, lambda i: services.reflection_save(user=student, step=course.patterns, text=words(12 + i)))
    student.refresh_from_db()
    assert student.depth_points == 15
    assert PointsEntry.objects.filter(user=student).count() == 1
    assert Reflection.objects.filter(user=student).count() == 1


def test_ten_concurrent_completes_record_one_completion(student, course):
    services.snapshot_record(user=student, turn=course.turn, ratings=ratings())
    run_concurrently(10, lambda i: services.turn_complete(user=student, turn=course.turn))
    assert TurnCompletion.objects.filter(user=student).count() == 1


def test_concurrent_reflections_on_two_steps_unlock_once(student, course):
    steps = [course.patterns, course.goals]
    # A different text per step: the same text on both would be a copy of the other reflection, which never pays.
    run_concurrently(10, lambda i: services.reflection_save(
        user=student, step=steps[i % 2], text=words(15, topic=("patterns", "goals")[i % 2])))
    student.refresh_from_db()
    assert student.depth_points == 30
    assert student.track_unlocks.count() == 1
