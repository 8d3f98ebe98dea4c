"""A cohort around Lesson 3: a mentor, a student who shared an attempt, a peer, and outsiders."""

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from assessments import services as turn_services
from mentoring import services
from mentoring.models import Cohort
from tests.api.conftest import add_lesson3, ratings, words
from tests.factories import UserFactory

PATTERNS_TEXT = words(14, "pattern")


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def mentor(**fields):
    user = UserFactory(**fields)
    services.mentor_role_grant(user=user)
    return user


@pytest.fixture
def world(db):
    """`student` shared attempt 1 with the cohort's mentors (not peers); `peer` is in the cohort;
    `other_mentor` mentors another cohort; `outsider` is in no cohort; `staff` is staff (not superuser)."""
    course = add_lesson3()
    w = SimpleNamespace(course=course)
    w.mentor = mentor(email="mentor@school.example", display_name="Mara Mentor")
    w.other_mentor = mentor(email="other-mentor@school.example", display_name="Otto Other")
    w.cohort = Cohort.objects.create(name="Tuesday group", invite_code="tuesday-code")
    w.cohort.mentors.add(w.mentor)
    w.other_cohort = Cohort.objects.create(name="Thursday group", invite_code="thursday-code")
    w.other_cohort.mentors.add(w.other_mentor)
    w.student = UserFactory(email="sam@example.com", display_name="Sam Student")
    w.peer = UserFactory(email="pia@example.com", display_name="Pia Peer")
    w.outsider = UserFactory(email="olli@example.com", display_name="Olli Outsider")
    w.staff = UserFactory(email="stella@example.com", display_name="Stella Staff", is_staff=True)
    w.superuser = UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    for user in (w.student, w.peer):
        services.cohort_join(user=user, code="tuesday-code")
    services.cohort_join(user=w.outsider, code="thursday-code")
    w.snapshot = turn_services.snapshot_record(user=w.student, turn=course.turn, ratings=ratings())
    w.attempt = w.snapshot.attempt
    turn_services.reflection_save(user=w.student, step=course.patterns, text=PATTERNS_TEXT)
    w.share = services.share_set(user=w.student, attempt=w.attempt, with_mentors=True, with_peers=False)
    return w
