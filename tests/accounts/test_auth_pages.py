"""The allauth pages wear the site's look and the sign-up / log-in / log-out / reset flows work."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD

User = get_user_model()

pytestmark = pytest.mark.django_db


def labelled_ids(html: str) -> set[str]:
    return set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))


def visible_input_ids(html: str) -> set[str]:
    ids = set()
    for tag in re.findall(r"<(?:input|textarea|select)\b[^>]*>", html):
        if re.search(r'type="(?:hidden|submit)"', tag):
            continue
        match = re.search(r'\bid="([^"]+)"', tag)
        if match:
            ids.add(match.group(1))
    return ids


@pytest.mark.parametrize(
    "url_name",
    ["account_login", "account_signup", "account_reset_password"],
)
def test_entrance_pages_use_the_site_layout_and_label_every_field(client, url_name):
    response = client.get(reverse(url_name))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Soft Synced" in html
    assert "Skip to content" in html
    assert '<main id="main"' in html
    assert "css/site.css" in html
    inputs = visible_input_ids(html)
    assert inputs, "the page should have a form"
    assert inputs <= labelled_ids(html), f"fields without a label: {inputs - labelled_ids(html)}"


def test_login_page_links_to_sign_up_and_password_reset(client):
    html = client.get(reverse("account_login")).content.decode()

    assert reverse("account_signup") in html
    assert reverse("account_reset_password") in html


def test_signup_page_links_to_log_in_and_password_reset(client):
    html = client.get(reverse("account_signup")).content.decode()

    assert reverse("account_login") in html
    assert reverse("account_reset_password") in html


def test_signing_up_creates_a_user_and_logs_them_in(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new.producer@example.com", "password1": "a-long-mixdown-42", "password2": "a-long-mixdown-42"},
    )

    assert response.status_code == 302
    user = User.objects.get(email="new.producer@example.com")
    assert user.check_password("a-long-mixdown-42")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_with_mismatched_passwords_names_the_field(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new.producer@example.com", "password1": "a-long-mixdown-42", "password2": "something-else-43"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert not User.objects.filter(email="new.producer@example.com").exists()
    assert 'class="form-errors"' in html
    assert 'href="#id_password2">Password (again)</a>' in html


def test_logging_in_with_email_and_password(client, student):
    response = client.post(reverse("account_login"), {"login": student.email, "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(student.pk)


def test_wrong_password_shows_an_error_and_does_not_log_in(client, student):
    response = client.post(reverse("account_login"), {"login": student.email, "password": "not-it"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert 'class="form-errors"' in response.content.decode()


def test_logout_is_a_post(student_client):
    page = student_client.get(reverse("account_logout"))
    assert page.status_code == 200
    assert "_auth_user_id" in student_client.session, "a GET only asks for confirmation"

    response = student_client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in student_client.session


def test_header_log_out_button_posts_to_logout(student_client):
    html = student_client.get(reverse("profile")).content.decode()

    logout_url = reverse("account_logout")
    assert f'<form method="post" action="{logout_url}"' in html


def test_password_reset_sends_a_code_and_asks_for_it(client, student):
    response = client.post(reverse("account_reset_password"), {"email": student.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [student.email]
    assert re.search(r"^\s*[A-Z0-9]{4}-[A-Z0-9]{4}\s*$", mail.outbox[0].body, re.M), mail.outbox[0].body
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'name="code"' in page.content.decode()


def test_the_reset_code_lets_you_choose_a_new_password(client, student):
    """The same code a phone types in (allauth headless) works on the web."""
    sent = client.post(reverse("account_reset_password"), {"email": student.email})
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[0].body, re.M).group(1)

    confirmed = client.post(sent["Location"], {"code": code})
    assert confirmed.status_code == 302
    response = client.post(confirmed["Location"], {"password1": "brand-new-groove-77", "password2": "brand-new-groove-77"})

    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password("brand-new-groove-77")


@pytest.mark.parametrize("url_name", ["account_change_password", "account_email", "mfa_index"])
def test_account_management_pages_use_the_site_layout(student_client, url_name):
    response = student_client.get(reverse(url_name))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Skip to content" in html
    assert 'class="sub-nav"' in html
    inputs = visible_input_ids(html)
    assert inputs <= labelled_ids(html)


def test_active_nav_link_is_marked_current(student_client):
    html = student_client.get(reverse("profile")).content.decode()

    profile_url = reverse("profile")
    assert f'href="{profile_url}" aria-current="page"' in html
