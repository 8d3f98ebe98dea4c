"""Students join a cohort with the invite link or code and leave it; mentor is a role, not staff."""

from django.contrib.auth.models import Group

from mentoring.models import MENTORS_GROUP, Cohort, Membership
from tests.factories import UserFactory


def test_the_mentors_group_holds_the_mentor_permission(db):
    group = Group.objects.get(name=MENTORS_GROUP)

    assert list(group.permissions.values_list("codename", flat=True)) == ["mentor_cohorts"]


def test_the_invite_link_names_the_cohort_and_joining_is_a_button(client, db):
    cohort = Cohort.objects.create(name="Evening producers", invite_code="eve-123")
    student = UserFactory()
    client.force_login(student)

    page = client.get("/cohorts/join/eve-123/")

    assert page.status_code == 200
    assert "Join Evening producers" in page.content.decode()
    assert not Membership.objects.exists()  # opening the link joins nobody

    response = client.post("/cohorts/join/eve-123/")

    assert response.status_code == 302 and response["Location"] == f"/cohorts/{cohort.pk}/"
    assert Membership.objects.active().filter(cohort=cohort, user=student).count() == 1
    client.post("/cohorts/join/eve-123/")
    assert Membership.objects.filter(cohort=cohort, user=student).count() == 1


def test_the_invite_link_asks_a_signed_out_visitor_to_log_in_first(client, db):
    Cohort.objects.create(name="Evening producers", invite_code="eve-123")

    response = client.get("/cohorts/join/eve-123/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/cohorts/join/eve-123/")


def test_an_unknown_code_is_refused_in_words(client, db):
    client.force_login(UserFactory())

    link = client.get("/cohorts/join/nope/")
    form = client.post("/cohorts/join/", {"code": "nope"})

    assert link.status_code == 404 and "No cohort has this invite code" in link.content.decode()
    assert form.status_code == 400 and "No cohort has this invite code" in form.content.decode()
    assert not Membership.objects.exists()


def test_the_code_form_joins_and_leaving_keeps_the_row_with_its_time(client, db):
    cohort = Cohort.objects.create(name="Evening producers", invite_code="eve-123")
    student = UserFactory()
    client.force_login(student)

    client.post("/cohorts/join/", {"code": " eve-123 "})
    assert "Evening producers" in client.get("/cohorts/").content.decode()
    response = client.post(f"/cohorts/{cohort.pk}/leave/")

    assert response.status_code == 302
    membership = Membership.objects.get()
    assert membership.left_at is not None
    assert client.get(f"/cohorts/{cohort.pk}/").status_code == 404
    client.post("/cohorts/join/", {"code": "eve-123"})
    assert Membership.objects.active().count() == 1 and Membership.objects.count() == 2


def test_a_member_sees_the_cohort_radar_only_from_three_people(client, world):
    from assessments import services as turn_services
    from tests.api.conftest import ratings

    client.force_login(world.peer)
    html = client.get(f"/cohorts/{world.cohort.pk}/").content.decode()
    assert "Fewer than 3 people have rated this yet" in html
    assert "data-radar" not in html

    turn_services.snapshot_record(user=world.peer, turn=world.course.turn, ratings=ratings(business=5))
    third = UserFactory()
    from mentoring import services

    services.cohort_join(user=third, code="tuesday-code")
    turn_services.snapshot_record(user=third, turn=world.course.turn, ratings=ratings(business=9))

    html = client.get(f"/cohorts/{world.cohort.pk}/").content.decode()
    assert "Fewer than 3" not in html
    assert "data-radar" in html and "<td>5.0</td>" in html  # the median of 3, 5 and 9 for business


def test_staff_create_a_cohort_and_assign_a_mentor_in_the_admin(client, world):
    client.force_login(world.superuser)

    form = client.get("/admin/mentoring/cohort/add/").content.decode()
    response = client.post("/admin/mentoring/cohort/add/", {
        "name": "Saturday group", "mentors": [world.mentor.pk], "invite_code": "sat-code",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
    })

    assert "mentor@school.example" in form and "sam@example.com" not in form  # only people with the role
    assert response.status_code == 302
    cohort = Cohort.objects.get(name="Saturday group")
    assert list(cohort.mentors.all()) == [world.mentor]
    change = client.get(f"/admin/mentoring/cohort/{cohort.pk}/change/").content.decode()
    assert "/cohorts/join/sat-code/" in change
