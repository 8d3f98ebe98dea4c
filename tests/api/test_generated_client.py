"""A real client: Python clients generated with openapi-python-client from the two schemas the site
serves (ours at /api/schema/, allauth headless's at /_allauth/openapi.json) run a student's whole
journey against a live server, the way a mobile team would.

Every answer the generated clients receive is also checked against our schema (openapi_check).
"""

import csv
import importlib
import io
import json
import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests.api.openapi_check import check_response

LESSON = "what-skills-does-a-music-producer-need"
VENV_BIN = Path(sys.executable).parent


class _Answer:
    """An httpx response, read the way openapi_check reads a Django one."""

    def __init__(self, response: httpx.Response):
        self.status_code = response.status_code
        self.content = response.read()
        self._headers = response.headers

    def has_header(self, name: str) -> bool:
        return name in self._headers

    def __getitem__(self, name: str) -> str:
        return self._headers[name]

    def get(self, name: str, default: str = "") -> str:
        return self._headers.get(name, default)


def _check(response: httpx.Response) -> None:
    check_response(response.request.method, response.request.url.path, _Answer(response))


def _generate(schema_url: str, package: str, into: Path):
    """Fetch a served schema and generate an importable client package from it."""
    document = httpx.get(schema_url).raise_for_status().json()
    source = into / f"{package}.json"
    source.write_text(json.dumps(document))
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}  # its ruff post-hooks
    subprocess.run(
        [str(VENV_BIN / "openapi-python-client"), "generate", "--path", str(source), "--output-path",
         str(into / package), "--meta", "none", "--overwrite"],
        check=True, capture_output=True, env=env, timeout=120,
    )
    return importlib.import_module(package)


@pytest.fixture
def clients(live_server, tmp_path, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"  # production's: verified by a code
    settings.ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
    call_command("load_demo", stdout=io.StringIO())
    sys.path.insert(0, str(tmp_path))
    try:
        ours = _generate(f"{live_server.url}/api/schema/?format=json", "softsynced_client", tmp_path)
        accounts = _generate(f"{live_server.url}/_allauth/openapi.json", "allauth_client", tmp_path)
        yield ours, accounts
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.split(".")[0] in ("softsynced_client", "allauth_client")]:
            del sys.modules[name]


def _api(module: str):
    return importlib.import_module(f"softsynced_client.api.{module}")


def _auth(module: str):
    return importlib.import_module(f"allauth_client.api.{module}")


def test_a_student_journey_through_generated_clients(clients, live_server):
    ours, accounts = clients
    from allauth_client.models import Signup, VerifyEmail
    from softsynced_client.models import (
        AnswerWriteRequest,
        NoticesReadRequest,
        ProgressUpdateRequest,
        PromptResponseWriteRequest,
        ReflectionWriteRequest,
        SnapshotWriteRequest,
        SnapshotWriteRequestRatings,
    )
    hooks = {"event_hooks": {"response": [_check]}}
    anonymous = accounts.Client(base_url=live_server.url, httpx_args=hooks, raise_on_unexpected_status=True)

    # Sign up: 401 with a pending verify_email flow and a session token for it; the code comes by e-mail.
    signup = _auth("authentication_account.post_allauth_app_v1_auth_signup").sync_detailed(
        client=anonymous, body=Signup.from_dict({"email": "phone@example.com", "password": "a-long-producer-pass"}),
    )
    assert signup.status_code == 401
    pending = json.loads(signup.content)
    assert [f["id"] for f in pending["data"]["flows"] if f.get("is_pending")] == ["verify_email"]
    code = next(line.strip() for line in mail.outbox[-1].body.splitlines() if len(line.strip()) == 9 and "-" in line)
    verified = _auth("authentication_account.post_allauth_app_v1_auth_email_verify").sync_detailed(
        client=anonymous, body=VerifyEmail(key=code), x_session_token=pending["meta"]["session_token"],
    )
    assert verified.status_code == 200
    token = verified.parsed.meta.session_token

    me = ours.AuthenticatedClient(base_url=live_server.url, token=token, prefix="", auth_header_name="X-Session-Token",
                                  httpx_args=hooks, raise_on_unexpected_status=True)

    # The dashboard sends a new student to the first Core Track lesson.
    board = _api("dashboard.dashboard_retrieve").sync(client=me)
    assert board.returning is False and board.continue_point.started is False
    assert board.core_tracks[0].done_count == 0

    # Lesson 3: read it, progress, the warm-up.
    lesson = _api("lessons.lessons_retrieve").sync(slug=LESSON, client=me)
    assert lesson.number == 3 and lesson.breadcrumb.label == "Lesson 3"
    sections = lesson.sections
    progress = _api("lessons.lessons_progress_update")
    progress.sync(slug=LESSON, client=me, body=ProgressUpdateRequest())
    reached = progress.sync(slug=LESSON, client=me, body=ProgressUpdateRequest(section=sections[-1].id))
    assert reached.furthest_section == sections[-1].id
    done_reading = progress.sync(slug=LESSON, client=me, body=ProgressUpdateRequest(finished=True))
    assert done_reading.guide_finished is True
    prompt = next(s for s in sections if s.prompt is not None)
    categories = [c.slug for c in prompt.prompt.categories]
    warmup = _api("lessons.lessons_prompt_response_update").sync(slug=LESSON, client=me, body=PromptResponseWriteRequest(
        section=prompt.id,
        answers=[AnswerWriteRequest(text="Mixing vocals so they sit", category=categories[0]),
                 AnswerWriteRequest(text="Sound design for leads"),
                 AnswerWriteRequest(text="Keeping a session relaxed", category=categories[2])],
    ))
    assert [a.position for a in warmup.answers] == [1, 2, 3]

    # Your Turn: a snapshot made offline yesterday, synced twice: recorded once.
    turn = _api("lessons.lessons_retrieve").sync(slug=LESSON, client=me).turn
    keys = [c.slug for c in turn.framework.categories]
    create = _api("your_turn.lessons_your_turn_snapshots_create")
    offline = SnapshotWriteRequest(
        ratings=SnapshotWriteRequestRatings.from_dict({k: 4 + i for i, k in enumerate(keys)}),
        client_id=uuid.uuid4(), taken_at=timezone.now() - timedelta(days=1),
    )
    first = create.sync_detailed(slug=LESSON, client=me, body=offline)
    replay = create.sync_detailed(slug=LESSON, client=me, body=offline)
    assert (first.status_code, replay.status_code) == (201, 200)
    assert first.headers["Location"] == f"/api/v1/snapshots/{first.parsed.id}/"
    assert replay.parsed.id == first.parsed.id

    # Reflections: different words, long enough; the points unlock an Extension Course.
    reflect = _api("your_turn.lessons_your_turn_reflections_update")
    unlocked = []
    for step in (s for s in turn.steps if s.takes_reflection and s.points):
        base = ("mixing vocals sound design arrangement business contacts artists sessions listening feedback "
                "deadlines budgets mentoring patience curiosity routines habits goals charts priorities").split()
        # Enough different words: the rule counts each word at most 3 times and refuses copies.
        text = " ".join(f"{word}{step.number}{round_}" for round_ in "abc" for word in base)[: 10_000]
        result = reflect.sync(slug=LESSON, step=step.number, client=me, body=ReflectionWriteRequest(text=text))
        assert result.depth.pays is True and result.points_awarded == step.points
        unlocked += [t.slug for t in result.unlocked]
    assert unlocked, "Lesson 3's reflections earn an Extension Course"

    completed = _api("your_turn.lessons_your_turn_complete").sync(slug=LESSON, client=me)
    assert completed.completed is True and completed.lesson_state.value == "done"

    board = _api("dashboard.dashboard_retrieve").sync(client=me)
    assert [n.track.slug for n in board.unlock_notices] == unlocked
    marked = _api("dashboard.dashboard_notices_read").sync(client=me, body=NoticesReadRequest())
    assert [t.slug for t in marked.marked] == unlocked and marked.unlock_notices == []

    # A second snapshot, and the comparison.
    second = create.sync(slug=LESSON, client=me, body=SnapshotWriteRequest(
        ratings=SnapshotWriteRequestRatings.from_dict({k: 6 for k in keys})))
    comparison = _api("snapshots.snapshots_compare").sync(client=me, from_=first.parsed.id, to=second.id)
    assert [c.delta for c in comparison.changes] == [6 - (4 + i) for i in range(len(keys))]

    # The ledger names the lesson and step that paid; skills history draws two series.
    ledger = _api("depth_points.depth_points_retrieve").sync(client=me, page_size=10)
    assert ledger.balance == sum(row.amount for row in ledger.results) > 0
    assert {row.lesson.slug for row in ledger.results} == {LESSON}
    skills = _api("snapshots.skills_retrieve").sync(client=me)
    assert [len(f.chart.series) for f in skills.frameworks] == [2]

    # Conditional GET: unchanged → 304 with no body.
    detail = _api("lessons.lessons_retrieve")
    fresh = detail.sync_detailed(slug=LESSON, client=me)
    again = detail.sync_detailed(slug=LESSON, client=me, if_none_match=fresh.headers["ETag"])
    assert fresh.status_code == 200 and again.status_code == 304 and again.content == b""

    # The CSV export with the token.
    export = _api("snapshots.skills_export_csv").sync_detailed(client=me)
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0] == ["snapshot_id", "taken_at", "framework", "category", "rating"]
    assert len(rows) == 1 + 2 * len(keys)

    # Log out: the token stops working at once.
    out = _auth("authentication_current_session.delete_allauth_app_v1_auth_session").sync_detailed(
        client=anonymous, x_session_token=token)
    assert out.status_code == 401
    after = _api("me.me_retrieve").sync_detailed(client=me)
    assert after.status_code == 401 and after.parsed.error.code.value == "not_authenticated"
