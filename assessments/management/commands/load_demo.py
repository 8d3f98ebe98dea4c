"""`manage.py load_demo`: the demo course, its skill frameworks and the demo logins.

The content is the content folder `assessments/demo/content/`, imported exactly as
`manage.py import_content` would (see docs/authoring.md): rows are matched by
identity and saved only where a file differs, so a second run writes nothing.
The demo accounts are the only thing this command adds to an import.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessments.content_files import import_content
from lessons.content_files.plan import CHANGE, CREATE, RESTORE
from lessons.content_files.syntax import FormatError

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo" / "content"
DEMO_PASSWORD = "producer-demo-1"
DEMO_URL = "http://127.0.0.1:8000/"

Tally = Counter[str]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    display_name: str
    is_author: bool


DEMO_ACCOUNTS = (
    DemoAccount("student@example.com", "Demo Student", is_author=False),
    DemoAccount("author@example.com", "Demo Author", is_author=True),
)


class Command(BaseCommand):
    help = "Load the demo course, skill frameworks and demo accounts (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        tally: Tally = Counter()
        with transaction.atomic():
            try:
                plan = import_content(DEMO_DIR)
            except FormatError as exc:
                raise CommandError(str(exc)) from exc
            counts = plan.counts
            tally["created"] += counts[CREATE]
            tally["updated"] += counts[CHANGE] + counts[RESTORE]
            tally["unchanged"] += plan.unchanged
            for account in DEMO_ACCOUNTS:
                load_account(account, tally=tally)
            more_logins = load_app_demos(tally=tally)

        self.stdout.write(
            f"Demo content: {tally['created']} created, {tally['updated']} updated, "
            f"{tally['unchanged']} unchanged."
        )
        self.stdout.write(self.style.SUCCESS(f"Demo logins for {DEMO_URL}"))
        for account in DEMO_ACCOUNTS:
            role = "author, edits content at /admin/" if account.is_author else "student"
            self.stdout.write(f"  {account.email:<20} password {DEMO_PASSWORD}   ({role})")
        for line in more_logins:
            self.stdout.write(line)


def load_app_demos(*, tally: Tally) -> list[str]:
    """Demo data of apps that build on this one (mentoring's cohort), without importing them.

    An app config with a `load_demo_data(tally=...)` method adds its rows (idempotently,
    like everything here) and returns login lines to print.
    """
    lines: list[str] = []
    for config in apps.get_app_configs():
        loader = getattr(config, "load_demo_data", None)
        if callable(loader):
            lines.extend(loader(tally=tally))
    return lines


def load_account(account: DemoAccount, *, tally: Tally) -> None:
    """Create a demo login once; an existing account keeps its password and data.

    Two things are enforced on an existing account: the author can still reach
    the admin, since that is what the demo author is for, and the demo address
    is confirmed, so the login works with ACCOUNT_EMAIL_VERIFICATION = "mandatory".
    """
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=account.email).first()
    if user is None:
        user = user_model.objects.create_user(
            email=account.email,
            password=DEMO_PASSWORD,
            display_name=account.display_name,
            is_staff=account.is_author,
            is_superuser=account.is_author,
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        tally["created"] += 1
        return
    changed = False
    if account.is_author and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        changed = True
    if confirm_demo_address(user):
        changed = True
    tally["updated" if changed else "unchanged"] += 1


def confirm_demo_address(user) -> bool:
    """Make sure the demo login's own address is confirmed; True when a row was written."""
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        has_primary = EmailAddress.objects.filter(user=user, primary=True).exists()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=not has_primary)
        return True
    if not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
        return True
    return False
