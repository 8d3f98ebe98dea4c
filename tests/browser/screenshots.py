"""`make screenshots`: pictures of the real pages for the README, taken in Debian's Chromium.

    python -m tests.browser.screenshots [--out docs/images]

Builds the demo course in a throw-away SQLite database, gives the demo student
a few months of history (Lessons 1 and 2 done, Lesson 3's warm-up answered, two
skills snapshots six months apart, a reflection), serves it with `runserver`
on a free port and photographs the pages a student sees. Nothing touches
db.sqlite3 or any DATABASE_URL. Exits non-zero if a page logs a JavaScript
error or a broken asset.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO_EMAIL = "student@example.com"
DEMO_PASSWORD = "producer-demo-1"
LESSON_3 = "what-skills-does-a-music-producer-need"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

SUCCESS = (
    "Success is mixing and producing records for artists in my city, most weeks, and being paid fairly for it. "
    "I want a small room I trust, three or four regular clients who come back, and enough evenings free to keep "
    "finishing my own tracks. I won't give up my hearing or my weekends to get there."
)
PRACTICE = (
    "This week I will practise vocal rides for twenty-five minutes a day on one verse, then compare my version with "
    "a reference track at matched loudness. On Friday I will send the before and after to a friend and ask which one "
    "sits better and why."
)
PATTERNS = (
    "Technical and creative sit clearly above the rest, which is where my hours have always gone. Business is the "
    "low point at three and interpersonal is only a little higher. Six months ago both were lower, so the sessions "
    "with other people are starting to show, but slowly."
)
WARM_UP = [
    ("Making a vocal sit on top of a busy arrangement", "technical"),
    ("Gain staging so the mix bus keeps its headroom", "technical"),
    ("Finishing a track instead of looping eight bars", "creative"),
]
BEFORE = {"technical": 6, "creative": 6, "interpersonal": 3, "business": 2, "personal": 4}
AFTER = {"technical": 8, "creative": 7, "interpersonal": 5, "business": 3, "personal": 6}


def configure_django(database: Path) -> None:
    """The development settings (as `make run`) on a throw-away SQLite file."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "courseplatform.settings.dev"
    os.environ["SQLITE_PATH"] = str(database)
    os.environ["DJANGO_DEBUG"] = "true"
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build_demo_history() -> None:
    """The demo course plus a student who has been at it for six months."""
    import io

    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    from accounts.models import User
    from accounts.services import profile_update
    from assessments.models import SkillSnapshot, TurnStep
    from assessments.services import prompt_answers_save, reflection_save, snapshot_record, turn_complete
    from lessons.models import Lesson
    from lessons.services import progress_record

    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    student = User.objects.get(email=DEMO_EMAIL)
    profile_update(user=student, producer_path="client")

    lessons = {lesson.number: lesson for lesson in Lesson.objects.filter(module__slug="why-learn-anything")}
    for number, text in ((1, SUCCESS), (2, PRACTICE)):
        turn = lessons[number].turn
        reflection_save(user=student, step=turn.steps.get(number=1), text=text)
        turn_complete(user=student, turn=turn)

    lesson_3 = lessons[3]
    warm_up = lesson_3.sections.get(anchor="warm-up")
    prompt_answers_save(user=student, section=warm_up, answers=[{"text": text, "category": slug} for text, slug in WARM_UP])
    progress_record(user=student, lesson=lesson_3, section=lesson_3.sections.get(kind="recall"))
    first = snapshot_record(user=student, turn=lesson_3.turn, ratings=BEFORE)
    SkillSnapshot.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=183))
    snapshot_record(user=student, turn=lesson_3.turn, ratings=AFTER)
    reflection_save(user=student, step=lesson_3.turn.steps.get(kind=TurnStep.Kind.REFLECTION), text=PATTERNS)
    connections.close_all()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def demo_server(port: int):
    """`manage.py runserver` on the throw-away database, stopped on the way out."""
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/accounts/login/", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"runserver did not start:\n{server.stderr.read() if server.stderr else ''}") from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def take_pictures(base_url: str, out: Path) -> list[str]:
    """Photograph the pages; returns the problems the browser reported."""
    from playwright.sync_api import expect, sync_playwright

    from tests.browser.chromium import ensure_chromium, launch

    problem = ensure_chromium()
    if problem:
        raise SystemExit(f"Screenshots need Chromium: {problem}")
    problems: list[str] = []
    out.mkdir(parents=True, exist_ok=True)

    def watch(context) -> None:
        context.on("console", lambda m: m.type == "error" and problems.append(f"{m.page.url if m.page else ''}: {m.text}"))
        context.on("weberror", lambda e: problems.append(f"uncaught: {e.error}"))
        context.on(
            "response",
            lambda r: r.status >= 400 and r.url.startswith(base_url) and problems.append(f"{r.url} answered {r.status}"),
        )

    def log_in(page) -> None:
        # Through the form, landing on the ledger so the "signed in" message is spent there.
        page.goto("/accounts/login/?next=/depth-points/")
        page.get_by_label("Email").fill(DEMO_EMAIL)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Depth points")

    def shoot(page, name: str, *, around=None, top=None, bottom=None, full_page: bool = False) -> None:
        """Save the page: all of it, the area `around` a locator, or the band from the
        `top` locator (or the page's top) to the end of the `bottom` locator."""
        # Debian's Chromium with this Playwright crops full-page and tall clipped
        # shots to the viewport, so grow the viewport to the whole page first;
        # then boxes measured at scroll 0 are page coordinates.
        size = page.viewport_size
        page.set_viewport_size({"width": size["width"], "height": page.evaluate("document.documentElement.scrollHeight")})
        page.evaluate("window.scrollTo(0, 0)")
        if around is not None:
            clip = padded(around.bounding_box(), page)
        elif bottom is not None:
            y = max(top.bounding_box()["y"] - 16, 0) if top is not None else 0
            end = bottom.bounding_box()
            clip = {"x": 0, "y": y, "width": size["width"], "height": end["y"] + end["height"] + 20 - y}
        elif full_page:
            clip = None
        else:
            clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"]}
        path = out / name
        page.screenshot(path=str(path), animations="disabled", caret="hide", clip=clip)
        page.set_viewport_size(size)
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(base_url=base_url, viewport=DESKTOP, reduced_motion="reduce")
        watch(context)
        page = context.new_page()

        log_in(page)
        page.goto("/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome back")
        shoot(page, "dashboard.png", full_page=True)

        # The Guide: from the top to the warm-up the student has answered.
        page.goto(f"/lessons/{LESSON_3}/")
        shoot(page, "lesson.png", bottom=page.locator("#warm-up"))
        shoot(page, "lesson-recall.png", around=page.locator("#where-your-attention-went"))

        # Your Turn: move two sliders so the live radar and the last saved one differ.
        page.goto(f"/lessons/{LESSON_3}/your-turn/")
        page.wait_for_function("() => !!(window.softSynced && window.softSynced.charts['radar-live'])")
        for name, presses in (("Business", 2), ("Interpersonal", 1)):
            control = page.get_by_role("slider", name=name, exact=True)
            control.focus()
            for _ in range(presses):
                control.press("ArrowRight")
        page.evaluate("document.activeElement.blur()")
        shoot(page, "your-turn.png", around=page.locator("#step-1"))

        # The comparison of the two snapshots, six months apart.
        page.goto("/skills/")
        page.get_by_role("button", name="Compare").click()
        page.wait_for_function("() => !!(window.softSynced && window.softSynced.charts['radar-compare'])")
        shoot(page, "skills-comparison.png", around=page.locator(".comparison"))
        context.close()

        # The same Your Turn on a phone.
        phone = browser.new_context(
            base_url=base_url, viewport=PHONE, reduced_motion="reduce", is_mobile=True, has_touch=True, device_scale_factor=2
        )
        watch(phone)
        page = phone.new_page()
        log_in(page)
        page.goto(f"/lessons/{LESSON_3}/your-turn/")
        page.wait_for_function("() => !!(window.softSynced && window.softSynced.charts['radar-live'])")
        shoot(
            page,
            "your-turn-phone.png",
            top=page.locator(".sliders .slider").nth(3),
            bottom=page.locator("#step-1 .rate-form > button"),
        )
        phone.close()
        browser.close()
    return problems


def padded(box: dict | None, page, pad: int = 24) -> dict:
    """A clip around an element, with a margin, kept inside the page."""
    assert box, "element not on the page"
    width = page.evaluate("document.documentElement.scrollWidth")
    x = max(box["x"] - pad, 0)
    return {"x": x, "y": max(box["y"] - pad, 0), "width": min(box["width"] + 2 * pad, width - x), "height": box["height"] + 2 * pad}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images", help="where the PNGs go")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="softsynced-shots-") as workdir:
        configure_django(Path(workdir) / "demo.sqlite3")
        print("Building the demo course and a student's history...")
        build_demo_history()
        with demo_server(free_port()) as url:
            print(f"Taking screenshots of {url} with Chromium:")
            problems = take_pictures(url, args.out.resolve())
    if problems:
        print("The browser reported problems:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
