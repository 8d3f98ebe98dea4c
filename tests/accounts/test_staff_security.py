"""Staff accounts: one rate-limited door into the admin, a second factor, security events, idle timeout.

The attack in issue 10: 30 wrong passwords for the staff account on /admin/login/, then the right
one, logged in. Now /admin/login/ sends everyone to allauth's login, whose rate limits lock the
account out (429 with Retry-After), and with STAFF_REQUIRE_MFA the admin needs TOTP.
"""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.middleware import LAST_SEEN_KEY
from lessons.models import Track
from tests.api.conftest import LOGIN_URL
from tests.factories import DEFAULT_PASSWORD, AuthorFactory
from tests.test_settings import PRODUCTION, a_secret_key, clean_env, setting

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"


@pytest.fixture
def staff(db):
    user = AuthorFactory(email="staff@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def reauthenticate(client, password: str = DEFAULT_PASSWORD) -> None:
    """allauth asks for the password again before second-factor changes."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content.decode()[:1000]


def web_login(client, email: str, password: str = DEFAULT_PASSWORD, next_url: str = ADMIN):
    return client.post(f"{reverse('account_login')}?next={next_url}", {"login": email, "password": password})


# --- One door in: /admin/login/ goes through allauth ---------------------------------------


def test_the_admin_login_page_sends_you_to_the_site_login_with_next(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2F"


def test_posting_a_password_to_the_admin_login_logs_nobody_in(client, staff):
    response = client.post("/admin/login/?next=/admin/", {"username": staff.email, "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_a_signed_in_student_gets_403_from_the_admin_login(student_client):
    assert student_client.get("/admin/login/").status_code == 403


def test_thirty_wrong_passwords_then_the_right_one_is_locked_out_with_429(client, staff, rate_limits, security_log):
    """The attack from issue 10, through the only login the admin now has."""
    answers = [web_login(client, staff.email, f"guess-{n}").status_code for n in range(30)]
    right = web_login(client, staff.email, DEFAULT_PASSWORD)

    assert answers[:5] == [200] * 5, "the first wrong passwords are form errors"
    assert set(answers[5:]) == {429}
    assert right.status_code == 429
    assert int(right["Retry-After"]) >= 300
    assert "Too many attempts" in right.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN).status_code == 302
    assert len(security_log.named("login_failed")) == 5
    locked = security_log.named("login_locked_out")
    assert len(locked) == 25 and locked[0]["login"] == staff.email and locked[0]["ip"] == "127.0.0.1"
    # The 31st request from one address met allauth's per-address login limit (30/m) first.
    assert [e["path"] for e in security_log.named("rate_limited")] == [reverse("account_login")]


def test_the_headless_login_locks_out_with_429_and_retry_after(staff, rate_limits):
    client = APIClient()
    for n in range(5):
        assert client.post(LOGIN_URL, {"email": staff.email, "password": f"guess-{n}"}, format="json").status_code == 400

    response = client.post(LOGIN_URL, {"email": staff.email, "password": DEFAULT_PASSWORD}, format="json")

    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 300
    assert response.json()["status"] == 429


def test_a_right_password_within_the_limit_still_logs_in(client, staff, rate_limits):
    for n in range(4):
        web_login(client, staff.email, f"guess-{n}")

    response = web_login(client, staff.email)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_the_admin_password_change_goes_to_the_rate_limited_page(client, staff):
    client.force_login(staff)

    response = client.get("/admin/password_change/")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_change_password")


# --- Second factor for staff --------------------------------------------------------------


def test_without_the_setting_the_demo_author_opens_the_admin_with_a_password(client, staff, settings):
    settings.STAFF_REQUIRE_MFA = False
    web_login(client, staff.email)

    assert client.get(ADMIN).status_code == 200


def test_staff_without_totp_are_sent_to_set_it_up_before_the_admin(client, staff, settings):
    settings.STAFF_REQUIRE_MFA = True
    web_login(client, staff.email)

    response = client.get(ADMIN)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa_activate_totp')}?next=%2Fadmin%2F"
    assert client.get("/admin/lessons/track/").status_code == 302, "every admin page, not only the index"


def test_a_student_is_not_asked_for_a_second_factor(student_client, settings):
    settings.STAFF_REQUIRE_MFA = True

    assert student_client.get(reverse("dashboard")).status_code == 200


def test_staff_set_up_totp_then_log_in_with_password_and_code(client, staff, settings, security_log,
                                                             django_capture_on_commit_callbacks):
    settings.STAFF_REQUIRE_MFA = True
    web_login(client, staff.email)
    reauthenticate(client)
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200
    assert "Soft Synced" in setup.content.decode() and "Skip to content" in setup.content.decode()
    secret = client.session[SECRET_SESSION_KEY]

    with django_capture_on_commit_callbacks(execute=True):
        activated = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.RECOVERY_CODES).exists()
    assert client.get(ADMIN).status_code == 200
    assert [e["authenticator"] for e in security_log.named("mfa_authenticator_added")] == ["totp", "recovery_codes"]

    # A new browser: the password alone is not enough any more.
    client.logout()
    password_only = web_login(client, staff.email)
    assert password_only.status_code == 302
    assert password_only["Location"].startswith(reverse("mfa_authenticate"))
    assert client.get(ADMIN).status_code == 302
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000" if totp_code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert security_log.named("mfa_failed")
    with_code = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert with_code.status_code == 302
    assert client.get(ADMIN).status_code == 200


def test_using_a_recovery_code_and_removing_totp_are_security_events(client, staff, security_log,
                                                                    django_capture_on_commit_callbacks):
    web_login(client, staff.email)
    reauthenticate(client)
    client.get(reverse("mfa_activate_totp"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_activate_totp"), {"code": totp_code(client.session[SECRET_SESSION_KEY])})
    codes = Authenticator.objects.get(user=staff, type=Authenticator.Type.RECOVERY_CODES).wrap().get_unused_codes()
    client.logout()

    web_login(client, staff.email)
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    reauthenticate(client)
    deactivate = client.post(reverse("mfa_deactivate_totp"))

    assert deactivate.status_code == 302
    assert not Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    used = security_log.named("mfa_recovery_code_used")
    assert len(used) == 1 and used[0]["user_id"] == staff.pk
    assert [e["authenticator"] for e in security_log.named("mfa_authenticator_removed")] == ["totp", "recovery_codes"]
    assert codes[0] not in "\n".join(security_log.lines), "codes are never logged"


def test_production_requires_mfa_for_staff_by_default_and_development_does_not():
    production = clean_env(DJANGO_SETTINGS_MODULE=PRODUCTION, DJANGO_SECRET_KEY=a_secret_key())

    assert setting("settings.STAFF_REQUIRE_MFA", production) == "True"
    assert setting("settings.STAFF_REQUIRE_MFA", {**production, "STAFF_REQUIRE_MFA": "0"}) == "False"
    assert setting("settings.STAFF_REQUIRE_MFA", clean_env(DJANGO_SETTINGS_MODULE="courseplatform.settings.dev")) == "False"


# --- Security events: one JSON line each ----------------------------------------------------


def test_a_failed_login_is_one_json_line_without_the_password(client, staff, security_log):
    web_login(client, staff.email, "a-wrong-secret-guess")

    [line] = [line for line in security_log.lines if '"login_failed"' in line]
    assert "\n" not in line
    [event] = security_log.named("login_failed")
    assert event["login"] == staff.email and event["ip"] == "127.0.0.1" and event["at"]
    assert "a-wrong-secret-guess" not in line


def test_a_headless_failed_login_is_logged_too(staff, security_log):
    APIClient().post(LOGIN_URL, {"email": staff.email, "password": "nope"}, format="json")

    assert [e["login"] for e in security_log.named("login_failed")] == [staff.email]


def test_admin_writes_are_security_events(client, staff, security_log):
    client.force_login(staff)

    response = client.post("/admin/lessons/track/add/", {
        "title": "Audit Track", "slug": "audit-track", "kind": "core", "unlock_threshold": 0, "position": 9,
        "modules-TOTAL_FORMS": 0, "modules-INITIAL_FORMS": 0,
    })

    assert response.status_code == 302, response.content.decode()[:2000]
    track = Track.objects.get(slug="audit-track")
    [event] = security_log.named("admin_write")
    assert event["user_id"] == staff.pk and event["action"] == "add"
    assert event["content_type"] == "lessons.track" and event["object_id"] == str(track.pk)


# --- Idle staff sessions end ---------------------------------------------------------------


def idle(client, minutes: int) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - minutes * 60
    session.save()


def test_a_staff_session_idle_for_more_than_30_minutes_is_logged_out(client, staff, security_log):
    client.force_login(staff)
    assert client.get(ADMIN).status_code == 200
    idle(client, 31)

    response = client.get(ADMIN)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2F"
    assert "_auth_user_id" not in client.session
    assert security_log.named("staff_session_idle_timeout")[0]["user_id"] == staff.pk


def test_a_staff_session_used_within_30_minutes_stays(client, staff):
    client.force_login(staff)
    client.get(ADMIN)
    idle(client, 29)

    assert client.get(ADMIN).status_code == 200
    assert client.session[LAST_SEEN_KEY] >= int(time.time()) - 5, "activity moves the clock on"


def test_a_student_session_is_not_timed_out(student_client):
    student_client.get(reverse("dashboard"))
    idle(student_client, 24 * 60)

    assert student_client.get(reverse("dashboard")).status_code == 200


def test_every_security_event_line_is_json_with_event_and_time(client, staff, security_log, rate_limits):
    for n in range(7):
        web_login(client, staff.email, f"guess-{n}")

    assert security_log.lines
    for event in security_log.events:
        assert set(event) >= {"event", "at"}
        assert re.match(r"\d{4}-\d\d-\d\dT", event["at"])


def test_deleting_several_objects_at_once_in_the_admin_is_a_security_event(client, staff, security_log):
    """Django writes those LogEntries with bulk_create, which sends no signal; the action logs them."""
    tracks = [Track.objects.create(title=f"Old {n}", slug=f"old-{n}", position=n) for n in range(3)]
    client.force_login(staff)

    response = client.post("/admin/lessons/track/", {
        "action": "delete_selected", "_selected_action": [t.pk for t in tracks], "post": "yes",
    })

    assert response.status_code == 302
    assert not Track.objects.filter(slug__startswith="old-").exists()
    [event] = [e for e in security_log.named("admin_write") if e.get("count")]
    assert event == {**event, "action": "delete", "content_type": "lessons.track", "count": 3, "user_id": staff.pk}
