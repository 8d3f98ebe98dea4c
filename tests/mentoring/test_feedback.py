"""Mentors and peers comment on a shared attempt; the student reads, replies once and reports; nothing is lost."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import Http404

from mentoring import services
from mentoring.models import Feedback, FeedbackReport, FeedbackVersion

MENTOR_NOTE = "Your business score is honest. Try pricing one small job this month."
PEER_NOTE = "Same here with business. Writing the price down first helped me."


def post_feedback(client, user, attempt, text):
    client.force_login(user)
    return client.post(f"/shared/{attempt.pk}/", {"text": text})


def test_a_mentor_writes_feedback_and_the_student_is_emailed_and_reads_it(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_feedback(client, world.mentor, world.attempt, MENTOR_NOTE)

    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.role, feedback.author, feedback.text) == ("mentor", world.mentor, MENTOR_NOTE)
    assert [m.to for m in mail.outbox] == [["sam@example.com"]]
    assert "Mara Mentor" in mail.outbox[0].body and MENTOR_NOTE not in mail.outbox[0].body
    assert "/lessons/skills/your-turn/#feedback" in mail.outbox[0].body

    client.force_login(world.student)
    for path in ("/lessons/skills/your-turn/", "/skills/"):
        html = client.get(path).content.decode()
        assert MENTOR_NOTE in html, path
        assert "Mara Mentor" in html, path


def test_no_email_when_the_student_opted_out(client, world, django_capture_on_commit_callbacks):
    world.student.feedback_email_opt_in = False
    world.student.save()

    with django_capture_on_commit_callbacks(execute=True):
        post_feedback(client, world.mentor, world.attempt, MENTOR_NOTE)

    assert Feedback.objects.count() == 1
    assert mail.outbox == []


def test_the_profile_turns_feedback_emails_off(client, world):
    client.force_login(world.student)

    response = client.post("/profile/", {"display_name": "Sam", "producer_path": "", "feedback_email_opt_in": ""})

    assert response.status_code == 302
    world.student.refresh_from_db()
    assert world.student.feedback_email_opt_in is False


def test_editing_feedback_keeps_every_version(client, world):
    post_feedback(client, world.mentor, world.attempt, MENTOR_NOTE)
    post_feedback(client, world.mentor, world.attempt, MENTOR_NOTE + " Tell me how it went.")

    feedback = Feedback.objects.get()
    assert feedback.text.endswith("Tell me how it went.")
    assert list(FeedbackVersion.objects.filter(feedback=feedback).values_list("text", flat=True)) == [
        MENTOR_NOTE, MENTOR_NOTE + " Tell me how it went.",
    ]


def test_the_student_replies_once_per_comment_and_a_second_reply_edits_it(client, world):
    comment = services.feedback_give(author=world.mentor, attempt_id=world.attempt.pk, text=MENTOR_NOTE)
    client.force_login(world.student)
    field = f"c{comment.pk}-text"

    client.post(f"/feedback/{comment.pk}/reply/", {field: "Thanks, I will.", "next": "/skills/"})
    client.post(f"/feedback/{comment.pk}/reply/", {field: "Thanks, I will, on Friday."})

    replies = Feedback.objects.filter(reply_to=comment)
    assert [(r.role, r.text) for r in replies] == [("student", "Thanks, I will, on Friday.")]
    assert FeedbackVersion.objects.filter(feedback=replies[0]).count() == 2
    client.force_login(world.mentor)
    assert "Thanks, I will, on Friday." in client.get(f"/shared/{world.attempt.pk}/").content.decode()


def test_only_the_attempts_owner_can_reply(world):
    comment = services.feedback_give(author=world.mentor, attempt_id=world.attempt.pk, text=MENTOR_NOTE)

    for user in (world.peer, world.other_mentor, world.outsider, world.mentor):
        with pytest.raises(Http404):
            services.feedback_reply(user=user, feedback_id=comment.pk, text="Not mine to answer")
    assert not Feedback.objects.filter(reply_to=comment).exists()


def test_a_peer_comments_with_the_lessons_guidance_beside_the_box(client, world):
    services.share_set(user=world.student, attempt=world.attempt, with_mentors=True, with_peers=True)
    client.force_login(world.peer)

    html = client.get(f"/shared/{world.attempt.pk}/").content.decode()
    assert "Giving feedback that helps" in html
    client.post(f"/shared/{world.attempt.pk}/", {"text": PEER_NOTE})

    assert Feedback.objects.get().role == "peer"


def test_a_mentor_hides_a_peer_comment_and_the_student_no_longer_sees_it(client, world):
    services.share_set(user=world.student, attempt=world.attempt, with_mentors=True, with_peers=True)
    comment = services.feedback_give(author=world.peer, attempt_id=world.attempt.pk, text=PEER_NOTE)
    client.force_login(world.mentor)

    response = client.post(f"/feedback/{comment.pk}/hide/", {"hidden": "1"})

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_by == world.mentor
    mentor_view = client.get(f"/shared/{world.attempt.pk}/").content.decode()
    assert PEER_NOTE in mentor_view and "Hidden from the student and peers" in mentor_view
    for user in (world.student, world.peer):
        client.force_login(user)
        assert PEER_NOTE not in client.get("/lessons/skills/your-turn/").content.decode()
        assert PEER_NOTE not in client.get("/skills/").content.decode()
    client.force_login(world.peer)
    assert PEER_NOTE not in client.get(f"/shared/{world.attempt.pk}/").content.decode()


def test_a_mentor_cannot_hide_another_mentors_feedback_and_a_peer_cannot_hide_anything(world):
    services.share_set(user=world.student, attempt=world.attempt, with_mentors=True, with_peers=True)
    note = services.feedback_give(author=world.mentor, attempt_id=world.attempt.pk, text=MENTOR_NOTE)
    peer_note = services.feedback_give(author=world.peer, attempt_id=world.attempt.pk, text=PEER_NOTE)

    with pytest.raises(ValidationError):
        services.feedback_hide(mentor=world.mentor, feedback_id=note.pk)
    with pytest.raises(Http404):
        services.feedback_hide(mentor=world.peer, feedback_id=peer_note.pk)
    with pytest.raises(Http404):
        services.feedback_hide(mentor=world.other_mentor, feedback_id=peer_note.pk)


def test_the_student_reports_a_peer_comment_once_and_the_mentor_sees_the_report(client, world):
    services.share_set(user=world.student, attempt=world.attempt, with_mentors=True, with_peers=True)
    comment = services.feedback_give(author=world.peer, attempt_id=world.attempt.pk, text=PEER_NOTE)
    client.force_login(world.student)

    client.post(f"/feedback/{comment.pk}/report/", {"reason": "Not kind"})
    client.post(f"/feedback/{comment.pk}/report/", {"reason": "Again"})

    assert list(FeedbackReport.objects.values_list("reason", flat=True)) == ["Not kind"]
    client.force_login(world.mentor)
    assert "The student reported this comment." in client.get(f"/shared/{world.attempt.pk}/").content.decode()


def test_the_owner_cannot_comment_on_their_own_attempt_and_empty_feedback_is_refused(world):
    with pytest.raises(ValidationError):
        services.feedback_give(author=world.student, attempt_id=world.attempt.pk, text="Self praise")
    with pytest.raises(ValidationError) as error:
        services.feedback_give(author=world.mentor, attempt_id=world.attempt.pk, text="   ")
    assert "text" in error.value.message_dict


def test_feedback_over_the_limit_is_refused_whole(world):
    with pytest.raises(ValidationError):
        services.feedback_give(author=world.mentor, attempt_id=world.attempt.pk, text="x" * 4001)
    services.feedback_give(author=world.mentor, attempt_id=world.attempt.pk, text="x" * 4000)
    assert Feedback.objects.get().text == "x" * 4000


def test_peers_see_the_peer_conversation_but_not_the_mentors_feedback(client, world):
    services.share_set(user=world.student, attempt=world.attempt, with_mentors=True, with_peers=True)
    note = services.feedback_give(author=world.mentor, attempt_id=world.attempt.pk, text=MENTOR_NOTE)
    services.feedback_reply(user=world.student, feedback_id=note.pk, text="Private answer to my mentor")
    peer_note = services.feedback_give(author=world.peer, attempt_id=world.attempt.pk, text=PEER_NOTE)
    services.feedback_reply(user=world.student, feedback_id=peer_note.pk, text="Thanks, peer")
    client.force_login(world.peer)

    html = client.get(f"/shared/{world.attempt.pk}/").content.decode()

    assert PEER_NOTE in html and "Thanks, peer" in html
    assert MENTOR_NOTE not in html and "Private answer to my mentor" not in html
