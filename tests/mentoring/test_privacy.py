"""Only the people a student shared an attempt with read it: everyone else, staff included, gets a 404."""

import pytest

from assessments import services as turn_services
from assessments.models import PromptAnswer, Reflection
from mentoring import services
from tests.mentoring.conftest import PATTERNS_TEXT


def page(client, user, path):
    client.force_login(user)
    return client.get(path)


def test_the_cohorts_mentor_reads_the_shared_attempt_beside_its_radar(client, world):
    response = page(client, world.mentor, f"/shared/{world.attempt.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert PATTERNS_TEXT in html
    assert 'data-radar' in html and "Ratings in this attempt" in html
    assert "<td>8 / 10</td>" in html


@pytest.mark.parametrize("who", ["other_mentor", "peer", "outsider", "staff", "superuser"])
def test_nobody_else_gets_the_text(client, world, who):
    """A mentor of another cohort, a peer it was not shared with, an outsider, staff: 404."""
    response = page(client, getattr(world, who), f"/shared/{world.attempt.pk}/")

    assert response.status_code == 404
    assert PATTERNS_TEXT not in response.content.decode()


def test_sharing_with_peers_lets_cohort_members_read_it_and_unsharing_takes_it_back(client, world):
    services.share_set(user=world.student, attempt=world.attempt, with_mentors=False, with_peers=True)

    assert page(client, world.peer, f"/shared/{world.attempt.pk}/").status_code == 200
    assert page(client, world.mentor, f"/shared/{world.attempt.pk}/").status_code == 404

    services.share_set(user=world.student, attempt=world.attempt, with_mentors=False, with_peers=False)

    assert page(client, world.peer, f"/shared/{world.attempt.pk}/").status_code == 404


def test_leaving_the_cohort_ends_what_its_mentor_sees(client, world):
    services.cohort_leave(user=world.student, cohort=world.cohort)

    assert page(client, world.mentor, f"/shared/{world.attempt.pk}/").status_code == 404


def test_a_mentor_without_the_mentor_role_sees_nothing(client, world):
    world.mentor.groups.clear()

    assert page(client, world.mentor, f"/shared/{world.attempt.pk}/").status_code == 404
    assert page(client, world.mentor, "/mentor/").status_code == 403


def test_a_later_attempt_is_private_until_shared_too(client, world):
    second = turn_services.snapshot_record(user=world.student, turn=world.course.turn,
                                           ratings={"technical": 5, "creative": 5, "interpersonal": 5,
                                                    "business": 5, "personal": 5})

    assert page(client, world.mentor, f"/shared/{second.attempt_id}/").status_code == 404
    assert page(client, world.mentor, f"/shared/{world.attempt.pk}/").status_code == 200


def test_the_admin_shows_staff_no_reflection_or_answer_text(client, world):
    turn_services.prompt_answers_save(user=world.student, section=world.course.prompt,
                                      answers=[{"text": "Secret warm-up words", "category": ""}])
    reflection = Reflection.objects.get(user=world.student)
    answer = PromptAnswer.objects.get(user=world.student)
    client.force_login(world.superuser)

    for path in ("/admin/assessments/reflection/", f"/admin/assessments/reflection/{reflection.pk}/change/",
                 "/admin/assessments/promptanswer/", f"/admin/assessments/promptanswer/{answer.pk}/change/"):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert PATTERNS_TEXT not in html and "pattern1 pattern2" not in html, path
        assert "Secret warm-up words" not in html, path
    assert client.get("/admin/assessments/reflectionversion/").status_code == 404


def test_the_turn_page_says_who_can_see_the_attempt(client, world):
    response = page(client, world.student, "/lessons/skills/your-turn/")

    html = response.content.decode()
    assert "Who can see this attempt" in html
    assert "Mentors of Tuesday group (Mara Mentor): your ratings and reflections in this attempt" in html
    assert "other member" not in html  # not shared with peers
    assert "authors never see your reflections" in html


def test_a_mentor_is_not_staff_and_cannot_open_the_admin(client, world):
    client.force_login(world.mentor)

    response = client.get("/admin/")

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
