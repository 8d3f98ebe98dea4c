"""E-mail address changes are all-or-nothing, and only a confirmed address becomes primary.

The attack in issue 10: two students add the same address (unconfirmed) and both make it
primary; the second answered 500 (IntegrityError on the unique login address) with the
address rows already half-changed. Driven through allauth's web page and headless API.
"""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.middleware import EmailChangeGuardMiddleware
from tests.api.conftest import login_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SHARED = "shared@example.com"
HEADLESS_EMAIL = "/_allauth/app/v1/account/email"


def with_address(user, *, verified: bool = False) -> EmailAddress:
    """The user's own login address, as allauth keeps it (unconfirmed, as with optional verification)."""
    return EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)


def state(user) -> tuple:
    user.refresh_from_db()
    rows = sorted(EmailAddress.objects.filter(user=user).values_list("email", "primary", "verified"))
    return user.email, rows


@pytest.fixture
def two_students(db):
    first, second = UserFactory(email="first@example.com"), UserFactory(email="second@example.com")
    for user in (first, second):
        with_address(user)
        EmailAddress.objects.create(user=user, email=SHARED, primary=False, verified=False)
    return first, second


def make_primary_on_the_web(client, email: str):
    return client.post(reverse("account_email"), {"email": email, "action_primary": ""}, follow=True)


def test_two_students_making_the_same_unconfirmed_address_primary_get_a_refusal_not_a_500(client, two_students):
    first, second = two_students
    before = [state(first), state(second)]

    answers = []
    for user in (first, second):
        client.force_login(user)
        answers.append(make_primary_on_the_web(client, SHARED))

    for response in answers:
        assert response.status_code == 200
        assert response.redirect_chain == [(reverse("account_email"), 302)]
        assert f"Confirm {SHARED} first" in response.content.decode()
    assert [state(first), state(second)] == before, "nothing changed"


def test_a_confirmed_address_becomes_primary(client, db):
    user = UserFactory(email="mover@example.com")
    with_address(user, verified=True)
    EmailAddress.objects.create(user=user, email="new-home@example.com", primary=False, verified=True)
    client.force_login(user)

    make_primary_on_the_web(client, "new-home@example.com")

    assert state(user) == ("new-home@example.com", [
        ("mover@example.com", False, True), ("new-home@example.com", True, True),
    ])


def test_an_address_another_account_logs_in_with_never_becomes_primary(client, db):
    """Someone signed up with the address (unconfirmed); its real owner confirmed it on their own account."""
    UserFactory(email=SHARED)
    owner = UserFactory(email="owner@example.com")
    with_address(owner, verified=True)
    EmailAddress.objects.create(user=owner, email=SHARED, primary=False, verified=True)
    before = state(owner)
    client.force_login(owner)

    response = make_primary_on_the_web(client, SHARED)

    assert response.status_code == 200
    assert "in use by another account" in response.content.decode()
    assert state(owner) == before


def test_a_clash_that_slips_past_the_check_rolls_everything_back(client, db, monkeypatch):
    """A race: the address is taken between the check and the write. The unique login address
    refuses it, and the primary flags written before that are rolled back too."""
    UserFactory(email=SHARED)
    owner = UserFactory(email="owner@example.com")
    with_address(owner, verified=True)
    EmailAddress.objects.create(user=owner, email=SHARED, primary=False, verified=True)
    before = state(owner)
    monkeypatch.setattr(EmailChangeGuardMiddleware, "_primary_problem", staticmethod(lambda user, email: None))
    client.force_login(owner)

    response = make_primary_on_the_web(client, SHARED)

    assert response.status_code == 200
    assert "in use by another account" in response.content.decode()
    assert state(owner) == before, "no half-written address rows"


# --- The same through allauth headless (the mobile app) -------------------------------------


def headless_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_SESSION_TOKEN=login_token(client, user.email))
    return client


def test_headless_refuses_an_unconfirmed_primary_naming_the_field(two_students):
    first, second = two_students
    before = [state(first), state(second)]

    for user in (first, second):
        response = headless_client(user).patch(HEADLESS_EMAIL, {"email": SHARED, "primary": True}, format="json")
        assert response.status_code == 400
        [error] = response.json()["errors"]
        assert error["param"] == "email"
    assert [state(first), state(second)] == before


def test_headless_clash_is_a_400_and_rolls_back(db, monkeypatch):
    UserFactory(email=SHARED)
    owner = UserFactory(email="owner@example.com")
    with_address(owner, verified=True)
    EmailAddress.objects.create(user=owner, email=SHARED, primary=False, verified=True)
    before = state(owner)
    client = headless_client(owner)
    monkeypatch.setattr(EmailChangeGuardMiddleware, "_primary_problem", staticmethod(lambda user, email: None))

    response = client.patch(HEADLESS_EMAIL, {"email": SHARED, "primary": True}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "email"
    assert state(owner) == before


def test_headless_makes_a_confirmed_free_address_primary(db):
    user = UserFactory(email="mover@example.com")
    with_address(user, verified=True)
    EmailAddress.objects.create(user=user, email="new-home@example.com", primary=False, verified=True)

    response = headless_client(user).patch(HEADLESS_EMAIL, {"email": "new-home@example.com", "primary": True},
                                           format="json")

    assert response.status_code == 200
    assert state(user)[0] == "new-home@example.com"


def test_headless_adding_an_address_someone_else_has_does_not_say_so(two_students):
    first, _ = two_students

    response = headless_client(first).post(HEADLESS_EMAIL, {"email": "second@example.com"}, format="json")

    assert response.status_code == 200
