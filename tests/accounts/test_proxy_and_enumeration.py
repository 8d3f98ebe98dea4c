"""Behind a proxy, rate limits count the real client; sign-up does not reveal who has an account.

The attacks in issue 10: behind a load balancer every client shared one address, so ten failed
logins by anyone locked out every login; and signing up with a taken address said so.
"""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from tests.api.conftest import SIGNUP_URL
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.test_settings import PRODUCTION, a_secret_key, clean_env, setting

User = get_user_model()

pytestmark = pytest.mark.django_db

DEV = "courseplatform.settings.dev"
CLIENT_A, CLIENT_B = "198.51.100.7", "203.0.113.9"


def login(client, email: str, password: str, forwarded_for: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def ten_failed_logins(client, forwarded_for) -> list[int]:
    """Ten wrong passwords for ten different accounts: the per-address limit, not the per-account one."""
    return [login(client, f"nobody{n}@example.com", "wrong", forwarded_for(n)).status_code for n in range(10)]


# --- TRUSTED_PROXY_COUNT ----------------------------------------------------------------------


def test_behind_one_trusted_proxy_one_client_failing_does_not_lock_out_another(client, student, settings, rate_limits):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    # The proxy appends the address it saw; what the client wrote before it is not believed.
    assert ten_failed_logins(client, lambda n: f"10.9.9.{n}, {CLIENT_A}") == [200] * 10
    assert login(client, "nobody@example.com", "wrong", f"10.0.0.1, {CLIENT_A}").status_code == 429, \
        "client A is locked out, however it rewrites X-Forwarded-For"

    other = login(client, student.email, DEFAULT_PASSWORD, CLIENT_B)

    assert other.status_code == 302
    assert client.session["_auth_user_id"] == str(student.pk)


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored_so_it_cannot_be_spoofed(client, student, settings,
                                                                                   rate_limits):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0

    assert ten_failed_logins(client, lambda n: f"192.0.2.{n}") == [200] * 10

    # Every request came from the same peer (REMOTE_ADDR), whatever the header said.
    assert login(client, student.email, DEFAULT_PASSWORD, CLIENT_B).status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_forwarded_for_shorter_than_the_trusted_proxies_is_not_a_500(client, student, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2

    response = login(client, student.email, "wrong", CLIENT_A)

    assert response.status_code == 200
    assert 'class="form-errors"' in response.content.decode()


@pytest.mark.parametrize(("count", "header"), [
    ("0", "None"), ("1", "('HTTP_X_FORWARDED_PROTO', 'https')"), ("2", "('HTTP_X_FORWARDED_PROTO', 'https')"),
])
def test_x_forwarded_proto_is_believed_only_with_a_trusted_proxy(count, header):
    for env in (clean_env(DJANGO_SETTINGS_MODULE=DEV, TRUSTED_PROXY_COUNT=count),
                clean_env(DJANGO_SETTINGS_MODULE=PRODUCTION, DJANGO_SECRET_KEY=a_secret_key(),
                          TRUSTED_PROXY_COUNT=count)):
        assert setting("settings.SECURE_PROXY_SSL_HEADER", env) == header
        assert setting("settings.ALLAUTH_TRUSTED_PROXY_COUNT", env) == count


def test_no_proxy_is_trusted_by_default():
    env = clean_env(DJANGO_SETTINGS_MODULE=PRODUCTION, DJANGO_SECRET_KEY=a_secret_key())
    env.pop("TRUSTED_PROXY_COUNT", None)

    assert setting("(settings.ALLAUTH_TRUSTED_PROXY_COUNT, settings.SECURE_PROXY_SSL_HEADER)", env) == "(0, None)"


# --- Sign-up does not reveal existing accounts --------------------------------------------------


@pytest.fixture
def verification(settings):
    """The default (settings/base.py): mandatory confirmation, which enumeration prevention needs."""
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"


def web_signup(client, email: str):
    return client.post(reverse("account_signup"), {"email": email, "password1": "a-long-mixdown-42",
                                                   "password2": "a-long-mixdown-42"})


def test_web_sign_up_answers_the_same_for_a_taken_and_a_free_address(client, student, verification):
    taken = web_signup(client, student.email)
    free = web_signup(client, "brand-new@example.com")

    assert (taken.status_code, taken["Location"]) == (free.status_code, free["Location"]) == (
        302, reverse("account_email_verification_sent"))
    page = client.get(taken["Location"]).content.decode()
    assert "check your e-mail" in page
    assert "_auth_user_id" not in client.session


def test_signing_up_with_a_taken_address_e_mails_its_owner_and_changes_nothing(client, student, verification):
    web_signup(client, student.email)

    assert User.objects.filter(email__iexact=student.email).count() == 1
    student.refresh_from_db()
    assert student.check_password(DEFAULT_PASSWORD), "the existing account keeps its password"
    [notice] = mail.outbox
    assert notice.to == [student.email]
    assert "already" in (notice.subject + notice.body).lower()
    assert "/accounts/password/reset/" in notice.body


def test_a_free_address_gets_a_confirmation_link(client, verification):
    web_signup(client, "brand-new@example.com")

    [confirmation] = mail.outbox
    assert confirmation.to == ["brand-new@example.com"]
    assert "/accounts/confirm-email/" in confirmation.body


def test_headless_sign_up_answers_the_same_for_a_taken_and_a_free_address(student, verification):
    body = {"password": "a-long-producer-pass"}
    taken = APIClient().post(SIGNUP_URL, {**body, "email": student.email}, format="json")
    free = APIClient().post(SIGNUP_URL, {**body, "email": "brand-new@example.com"}, format="json")

    assert taken.status_code == free.status_code == 401
    pending = [[f["id"] for f in r.json()["data"]["flows"] if f.get("is_pending")] for r in (taken, free)]
    assert pending[0] == pending[1] == ["verify_email"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([student.email, "brand-new@example.com"])
    assert User.objects.filter(email__iexact=student.email).count() == 1


def test_the_demo_accounts_are_confirmed_so_they_log_in_with_mandatory_verification(client, verification):
    call_command("load_demo", verbosity=0)

    response = login(client, "student@example.com", "producer-demo-1")
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_load_demo_confirms_the_address_of_a_demo_account_made_before_verification_was_mandatory(client, verification):
    older = UserFactory(email="student@example.com")
    older.set_password("producer-demo-1")
    older.save()
    EmailAddress.objects.create(user=older, email=older.email, verified=False, primary=True)

    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)  # idempotent

    assert list(EmailAddress.objects.filter(user=older).values_list("verified", "primary")) == [(True, True)]
    assert login(client, "student@example.com", "producer-demo-1").status_code == 302
