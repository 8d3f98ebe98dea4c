"""The demo cohort: a mentor, a dozen students with a history, and the demo student as a member.

Called by `manage.py load_demo` (through `MentoringConfig.load_demo_data`).
Idempotent like the rest of the demo: an account, cohort or membership that
exists is left alone, and a student's history is only built when the student
is created, so a second run writes nothing.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from assessments import services as turn_services
from assessments.models import Reflection, SkillSnapshot, Turn, TurnAttempt, TurnCompletion, TurnStep
from lessons import services as lesson_services
from lessons.models import Lesson, LessonProgress, Track

from .models import Cohort, Feedback, FeedbackGuidance, FeedbackVersion, Membership, Share
from .services import mentors_group

DEMO_PASSWORD = "producer-demo-1"
MENTOR_EMAIL = "mentor@example.com"
STUDENT_EMAIL = "student@example.com"
COHORT_NAME = "Demo cohort: Evening producers"
INVITE_CODE = "demo-evening"
LESSON_3 = "what-skills-does-a-music-producer-need"

STUDENTS = [
    ("Ada Okafor", "ada"), ("Ben Lindqvist", "ben"), ("Chloé Martin", "chloe"), ("Dev Patel", "dev"),
    ("Elif Kaya", "elif"), ("Finn Murphy", "finn"), ("Grace Liu", "grace"), ("Hugo Santos", "hugo"),
    ("Ines Novak", "ines"), ("Jonah Reyes", "jonah"), ("Kemi Adeyemi", "kemi"), ("Luca Bianchi", "luca"),
]

GUIDANCE = """\
Feedback is practice too. Before you write:

- **Start with something specific that works**: name the sentence or the rating that rang true.
- **Offer one thing to try**, not a list. Make it small enough to do this week.
- **Ask before you judge**: "what made you rate business a 3?" opens more than "that is too low".
- **Talk about the work, not the person.** Your peer chose to share this; keep it safe to do so again.
"""

PATTERN_TEXTS = [
    "My highest scores are technical and creative, which fits how I spend my evenings: tutorials, sound design and "
    "finishing loops. Business is far below the rest. I have never sent an invoice or talked about money with an "
    "artist, so the low number is honest. Interpersonal sits in the middle because I am fine in a room once I know "
    "people but freeze with strangers.",
    "The chart leans towards people skills this time. I rated interpersonal and business higher than I expected, "
    "probably because I run the booking for our band and answer every message. Technical is my clear blind spot: "
    "I avoid mixing because it feels slow and I never know when something is finished, so I hand it to others.",
    "Everything sits between five and seven, which surprised me. I think I am spreading attention thinly instead "
    "of building one strength. Personal qualities came out lowest because I keep abandoning projects halfway, and "
    "that habit probably drags the other categories down with it more than any missing technique does.",
    "Creative is the outlier at the top and business the outlier at the bottom. The cluster is clearly craft over "
    "people. When I look at the tracks I finished this year, all of them were solo; every collaboration stalled "
    "because I did not say what I needed or when, and nobody owned the deadline.",
]
GOALS_TEXTS = [
    "Success for me is releasing music that pays for the studio time. That needs business and interpersonal skills "
    "more than another plugin. My high scores do not match it, so for the next three months I will pitch two local "
    "artists, write a simple price list and ask one of them for honest notes on how the session felt.",
    "My definition of success is scoring short films with directors I respect. Communication and reliability "
    "matter as much as writing, and my chart says I undervalue both. I will deliver one small brief on time with "
    "a written plan, and keep a log of every note the director gives me so I can see my own patterns.",
]
MENTOR_NOTES = [
    "Thank you for sharing this. The sentence about freezing with strangers is the most useful line here: it names "
    "a situation you can practise on purpose. Try one short session with someone new this month and write down "
    "what you said in the first five minutes.",
    "Your reading of the chart is honest and specific. I would push back gently on technical being a pure blind "
    "spot: you finish arrangements, which is technical work. Pick one mix to take all the way to a reference track "
    "and tell me what stopped you last time.",
]
PEER_NOTES = [
    "Same here with business being lowest. What helped me was writing the price down before the conversation, so "
    "I was reading rather than inventing it on the spot.",
]


def _account(email: str, name: str, tally: Counter, hashed: list[str]) -> tuple[object, bool]:
    """A demo login, created once; an existing account keeps its password and data.

    The password is hashed once and shared by every demo account made in this run
    (hashing is slow on purpose; thirteen hashes would be most of load_demo's time).
    """
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=email).first()
    if user is not None:
        tally["unchanged"] += 1
        return user, False
    if not hashed:
        hashed.append(make_password(DEMO_PASSWORD))
    user = user_model(email=user_model.objects.normalize_email(email), display_name=name, password=hashed[0])
    user.save()
    tally["created"] += 1
    return user, True


def _ensure(created: bool, tally: Counter) -> None:
    tally["created" if created else "unchanged"] += 1


@transaction.atomic
def load_demo_cohort(*, tally: Counter) -> list[str]:
    """Create what is missing of the demo cohort; return the login lines `load_demo` prints."""
    hashed: list[str] = []
    mentor, _new = _account(MENTOR_EMAIL, "Demo Mentor", tally, hashed)
    group = mentors_group()
    if not mentor.groups.filter(pk=group.pk).exists():
        mentor.groups.add(group)
        tally["updated"] += 1

    cohort, created = Cohort.objects.get_or_create(invite_code=INVITE_CODE, defaults={"name": COHORT_NAME})
    _ensure(created, tally)
    if not cohort.mentors.filter(pk=mentor.pk).exists():
        cohort.mentors.add(mentor)
        tally["updated"] += 1

    turn = Turn.objects.filter(lesson__slug=LESSON_3).select_related("framework", "lesson").first()
    if turn is not None and not FeedbackGuidance.objects.filter(turn=turn).exists():
        FeedbackGuidance.objects.create(turn=turn, guidance_md=GUIDANCE)
        tally["created"] += 1

    members = []
    for index, (name, key) in enumerate(STUDENTS):
        student, new = _account(f"{key}@cohort.example.com", name, tally, hashed)
        members.append(student)
        _join(cohort, student, tally)
        if new and turn is not None:
            _history(student, index=index, turn=turn, mentor=mentor, peers=members[:-1], tally=tally)
    demo_student = get_user_model().objects.filter(email__iexact=STUDENT_EMAIL).first()
    if demo_student is not None:
        _join(cohort, demo_student, tally)
    return [f"  {MENTOR_EMAIL:<20} password {DEMO_PASSWORD}   (mentor of “{COHORT_NAME}”, at /mentor/)"]


def _join(cohort: Cohort, user, tally: Counter) -> None:
    if Membership.objects.active().filter(cohort=cohort, user=user).exists():
        tally["unchanged"] += 1
        return
    Membership.objects.create(cohort=cohort, user=user, joined_at=timezone.now() - timedelta(days=240))
    tally["created"] += 1


def _history(student, *, index: int, turn: Turn, mentor, peers: list, tally: Counter) -> None:
    """Reading progress, one to three ratings months apart, reflections, and some shares and feedback."""
    rng = random.Random(index * 7919 + 17)
    now = timezone.now()
    categories = [c.slug for c in turn.framework.categories.active().order_by("position")] if turn.framework else []
    steps = {s.kind: s for s in TurnStep.objects.active().filter(turn=turn)}
    core = list(Lesson.objects.published().filter(module__track__kind=Track.Kind.CORE).in_reading_order())
    read = core[: rng.randint(1, len(core))] if core else []
    # Two members have gone quiet, so the mentor's view has someone to nudge.
    idle_days = 35 + index if index in (3, 8) else rng.randint(0, 6)
    for number, lesson in enumerate(read):
        lesson_services.progress_record(user=student, lesson=lesson, finished=number < len(read) - 1 or rng.random() < 0.5)

    attempts = rng.choice([1, 2, 2, 3]) if categories else 0
    if index == 5:
        # One member rated once, seven months ago: their six-month retake is due.
        idle_days, attempts = 210, min(attempts, 1)
    base = {slug: rng.randint(2, 8) for slug in categories}
    for attempt_number in range(attempts):
        age = timedelta(days=idle_days + (attempts - 1 - attempt_number) * 190 + rng.randint(0, 20))
        ratings = {slug: max(1, min(10, value + attempt_number * rng.randint(0, 2))) for slug, value in base.items()}
        snapshot = turn_services.snapshot_record(user=student, turn=turn, ratings=ratings)
        attempt = snapshot.attempt
        if "reflection" in steps and rng.random() < 0.8:
            turn_services.reflection_save(user=student, step=steps["reflection"],
                                          text=PATTERN_TEXTS[(index + attempt_number) % len(PATTERN_TEXTS)])
        if "goals" in steps and rng.random() < 0.5:
            turn_services.reflection_save(user=student, step=steps["goals"],
                                          text=GOALS_TEXTS[(index + attempt_number) % len(GOALS_TEXTS)])
        when = now - age
        SkillSnapshot.objects.filter(pk=snapshot.pk).update(created_at=when)
        TurnAttempt.objects.filter(pk=attempt.pk).update(started_at=when)
        Reflection.objects.filter(attempt=attempt).update(created_at=when, updated_at=when)
        latest = attempt_number == attempts - 1
        if latest and Reflection.objects.filter(attempt=attempt).exists() and index % 3 != 2:
            Share.objects.create(attempt=attempt, with_mentors=True, with_peers=index % 2 == 0, updated_at=when)
            tally["created"] += 1
            if index % 4 == 0:
                _comment(attempt, mentor, Feedback.Role.MENTOR, MENTOR_NOTES[index % len(MENTOR_NOTES)], when)
            if index % 2 == 0 and peers:
                _comment(attempt, peers[-1], Feedback.Role.PEER, PEER_NOTES[0], when)
    if attempts:
        turn_services.turn_complete(user=student, turn=turn)
    last = now - timedelta(days=idle_days)
    LessonProgress.objects.filter(user=student).update(updated_at=last, started_at=last - timedelta(days=30))
    TurnCompletion.objects.filter(user=student).update(completed_at=last)
    tally["created"] += 1


def _comment(attempt: TurnAttempt, author, role: str, text: str, when) -> None:
    at = when + timedelta(days=2)
    feedback = Feedback.objects.create(attempt=attempt, author=author, role=role, text=text, created_at=at,
                                       updated_at=at)
    FeedbackVersion.objects.create(feedback=feedback, text=text, created_at=at)
