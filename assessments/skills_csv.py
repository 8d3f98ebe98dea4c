"""The skills history as CSV: one builder for the web download and the API's.

One row per snapshot and category, oldest framework group as `skills_history`
orders them; text cells are guarded so a spreadsheet never runs them as formulas.
"""

import csv
from collections.abc import Iterator

from django.http import HttpResponse

from accounts.models import User

from . import selectors

SKILLS_CSV_HEADER = ["snapshot_id", "taken_at", "framework", "category", "rating"]
SKILLS_CSV_FILENAME = "soft-synced-skills.csv"


def csv_safe(value: str) -> str:
    """Keep spreadsheet programs from reading a cell as a formula (a leading =, +, -, @, tab or return)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def skills_csv_rows(*, user: User) -> Iterator[list[object]]:
    """The header, then every snapshot's ratings (the selector's 5 queries)."""
    yield SKILLS_CSV_HEADER
    for group in selectors.skills_history(user=user):
        for view in group.snapshots:
            for rating in view.ratings:
                yield [
                    view.snapshot.pk, view.snapshot.created_at.isoformat(), csv_safe(group.framework_name),
                    csv_safe(rating.name), rating.value,
                ]


def skills_csv_response(*, user: User) -> HttpResponse:
    """The CSV as a download, for the web page and the API alike."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{SKILLS_CSV_FILENAME}"'
    csv.writer(response).writerows(skills_csv_rows(user=user))
    return response
