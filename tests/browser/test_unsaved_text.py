"""Nothing a student writes is lost: a save after the session ended, autosaved drafts, offline typing,
and a live word count that counts exactly as the server does."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict

import pytest
from django.conf import settings
from playwright.sync_api import BrowserContext, Page, expect

from accounts.models import Session
from assessments.depth import word_stats
from assessments.models import Draft, Reflection, TurnStep
from tests.browser.conftest import Problems
from tests.browser.steps import LESSON_3, NOTICE_PATTERNS, expect_message
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

TURN = f"/lessons/{LESSON_3}/your-turn/"
NOTICE_STEP = 2  # Lesson 3's "Notice patterns" reflection, 15 points
DRAFT_API = f"/api/v1/lessons/{LESSON_3}/your-turn/reflections/{NOTICE_STEP}/draft/"
SIGNED_OUT_WARNING = "You were signed out before this was saved. Your text is back in its box: press Save to keep it."


def notice_box(page: Page):
    return page.locator(f"#step-{NOTICE_STEP}").get_by_role("textbox", name="Your reflection")


def draft_status(page: Page):
    return page.locator(f"#step-{NOTICE_STEP} [data-draft-status]")


def notice_step() -> TurnStep:
    return TurnStep.objects.get(turn__lesson__slug=LESSON_3, number=NOTICE_STEP)


def end_session(context: BrowserContext, student, how: str) -> None:
    """The session ends under the student: the browser lost its cookie, or the server forgot the session."""
    if how == "cookie":
        context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    else:
        Session.objects.filter(user=student).delete()


# --- (a) A save sent after the session ended ------------------------------------------


@pytest.mark.parametrize("how", ["cookie", "session-row"])
def test_a_save_after_the_session_ended_comes_back_after_logging_in(open_page, browser_problems, demo, make_student, how):
    student = make_student()
    page = open_page(user=student)
    # On a slow machine the autosave may fire after the session ended; it is refused, and says so on the page.
    browser_problems.expect(DRAFT_API, 401)
    browser_problems.expect(DRAFT_API, 403)
    statuses: list[tuple[int, str]] = []
    page.on("response", lambda response: statuses.append((response.status, response.url)))

    page.goto(TURN)
    notice_box(page).fill(NOTICE_PATTERNS)
    # Before the autosave pause is over, the session ends and the student presses Save.
    end_session(page.context, student, how)
    page.locator(f"#step-{NOTICE_STEP}").get_by_role("button", name="Save reflection").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to Soft Synced")
    assert not Reflection.objects.filter(user=student).exists()
    # What comes back below comes from the server, not from this browser's own copy.
    page.evaluate("() => localStorage.clear()")
    page.get_by_label("Email").fill(student.email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(re.compile(re.escape(TURN) + f"#step-{NOTICE_STEP}$"))
    expect_message(page, SIGNED_OUT_WARNING)
    expect(notice_box(page)).to_have_value(NOTICE_PATTERNS)
    expect(draft_status(page)).to_contain_text("Unsaved draft from")
    assert not [s for s in statuses if s[0] == 405], f"a 405 on the way back: {statuses}"

    # One click saves it, and it pays as any reflection does.
    page.locator(f"#step-{NOTICE_STEP}").get_by_role("button", name="Save reflection").click()
    expect_message(page, "You earned 15 Depth points")
    expect(notice_box(page)).to_have_value(NOTICE_PATTERNS)
    assert list(Reflection.objects.filter(user=student).values_list("text", flat=True)) == [NOTICE_PATTERNS]
    assert not Draft.objects.filter(user=student).exists(), "saving discards the draft"
    assert not [s for s in statuses if s[0] == 405], f"a 405 on the way back: {statuses}"


# --- (b) Autosave: the draft follows the student to another device --------------------


def test_an_autosaved_draft_is_restored_on_another_device(open_page, demo, make_student):
    student = make_student()
    laptop = open_page(user=student)
    laptop.goto(TURN)
    draft = NOTICE_PATTERNS[:200]
    notice_box(laptop).press_sequentially(draft)
    expect(draft_status(laptop)).to_contain_text("Draft saved at")
    expect(draft_status(laptop)).to_contain_text("Press Save to keep it for good.")

    phone = open_page(user=student)  # another browser: no cookies or storage shared with the laptop
    phone.goto(TURN)
    expect(notice_box(phone)).to_have_value(draft)
    expect(draft_status(phone)).to_contain_text(re.compile(r"Unsaved draft from .+, restored\. Press Save to keep it\."))
    assert not Reflection.objects.filter(user=student).exists(), "a draft is not a saved reflection"


# --- (c) Offline: kept on the device, sent when back online --------------------------


def forget_offline_failures(problems: Problems) -> None:
    """Requests the page makes while the test holds it offline fail on purpose; nothing else may."""
    problems.found[:] = [p for p in problems.found if "ERR_INTERNET_DISCONNECTED" not in p]


def test_text_typed_offline_reaches_the_server_when_the_browser_is_back_online(open_page, browser_problems, demo, make_student):
    student = make_student()
    page = open_page(user=student)
    page.goto(TURN)
    wait_offline_ready(page)

    page.context.set_offline(True)
    notice_box(page).fill(NOTICE_PATTERNS)
    expect(draft_status(page)).to_contain_text("Offline: what you typed is kept on this device")
    assert not Draft.objects.filter(user=student).exists()

    with page.expect_response(lambda r: r.url.endswith(DRAFT_API) and r.request.method == "PUT") as sent:
        page.context.set_offline(False)
    assert sent.value.ok
    expect(draft_status(page)).to_contain_text("Draft saved at")
    assert Draft.objects.get(user=student, target=f"reflection:{notice_step().pk}").data == {"text": NOTICE_PATTERNS}
    forget_offline_failures(browser_problems)


def test_text_typed_offline_is_restored_from_the_device_when_the_page_is_opened_again(open_page, browser_problems, demo, make_student):
    student = make_student()
    page = open_page(user=student)
    page.goto(TURN)
    wait_offline_ready(page)
    context = page.context

    context.set_offline(True)
    notice_box(page).fill(NOTICE_PATTERNS)
    expect(draft_status(page)).to_contain_text("Offline: what you typed is kept on this device")
    page.close()  # the tab is closed before the connection comes back
    context.set_offline(False)
    assert not Draft.objects.filter(user=student).exists()

    again = context.new_page()
    with again.expect_response(lambda r: r.url.endswith(DRAFT_API) and r.request.method == "PUT"):
        again.goto(TURN)
        expect(notice_box(again)).to_have_value(NOTICE_PATTERNS)
        expect(draft_status(again)).to_contain_text("Restored what you typed on this device at")
    # Restored on the device, and sent on to the server as a draft.
    expect(draft_status(again)).to_contain_text("Draft saved at")
    assert Draft.objects.get(user=student, target=f"reflection:{notice_step().pk}").data == {"text": NOTICE_PATTERNS}
    forget_offline_failures(browser_problems)


def wait_offline_ready(page: Page) -> None:
    """drafts.js has set up the box (it exposes the word count when it has run)."""
    page.wait_for_function("() => !!(window.softSynced && window.softSynced.wordStats)")


# --- (d) The live word count counts exactly as the server ----------------------------

TRICKY = [
    "",
    "   \n\t  ",
    "Mixing is fun",
    "Café café CAFÉ cafe",  # precomposed é
    "Cafe\u0301 caf\u00e9 CAFE\u0301",  # decomposed é: the same word after NFC
    "don't don’t DON'T dont",  # straight and curly apostrophes
    "'quoted' ‘single’ “double” -- - ' ’",  # quotes and lone marks
    "well-known well‐known well–known well—known",  # hyphen-minus vs U+2010, en and em dashes
    "re-re-re-record -- --- -x x-",
    "🎹 piano 🎛️ mixing 👩🏽‍🎤 singer 🎚🎚🎚",  # emoji are not words
    "808 909 303 1st 2nd 3rd 4x4 10,000 3.5 ½ ¾ x² Ⅻ ١٢٣ １２３",  # digits in many forms
    "音楽制作は楽しい 音楽 音楽 音楽 音楽 ミックス 믹싱 混音",  # CJK, kana, Hangul
    "\u1100\u1161\u11a8 각 각",  # Hangul jamo that NFC composes
    "snake_case __init__ _ __ a_b_c",  # underscores
    "loop loop loop loop loop Loop LOOP",  # more than three repeats
    "the the the the a a a a an an an an",
    "ΟΔΟΣ οδός ΣΑΣ Σ σ ς",  # Greek, final sigma
    "Straße STRASSE ẞ İstanbul istanbul ǅemal ǆemal",  # special case mappings
    "संगीत निर्माण ดนตรี مزج الصوت",  # scripts with combining vowel signs
    "q\u0307 e\u0301\u0301 o\u0308\u0304",  # marks that do not compose away
    "𝐁𝐨𝐥𝐝 𝐁𝐨𝐥𝐝 𝐛𝐨𝐥𝐝 𝔉𝔯𝔞𝔨",  # letters outside the BMP
    "zero\u200bwidth joiner\u200dword non\u00a0breaking narrow\u202fspace",  # invisible separators
    "ʼokina ʻokina Hawaiʻi",  # modifier letters
    "It's the producer's producer's producers' job — isn't it?",
    NOTICE_PATTERNS,
    " ".join(["word"] * 2000),
]


def test_the_live_word_count_counts_exactly_as_the_server(open_page, demo, make_student):
    page = open_page(user=make_student())
    page.goto(TURN)
    wait_offline_ready(page)

    browser = page.evaluate("texts => texts.map(t => window.softSynced.wordStats(t, 3))", TRICKY)
    server = [asdict(word_stats(text)) for text in TRICKY]
    mismatches = [(text[:60], b, s) for text, b, s in zip(TRICKY, browser, server, strict=True) if b != s]
    assert not mismatches, "the browser and the server count differently:\n" + "\n".join(map(str, mismatches))
    # The list is not trivially equal: it exercises repeats, NFC and non-words.
    assert word_stats(TRICKY[4]) == word_stats("café café café") and word_stats(TRICKY[14]).counted == 3

    # The page shows that count while typing.
    form = page.locator(f"#step-{NOTICE_STEP} form.reflection-form")
    form.get_by_role("textbox").fill(TRICKY[14])
    expect(form.locator("[data-word-count]")).to_have_text("3 words count of the 40 needed · 7 written, 1 different.")


# For every code point (surrogates skipped): is it a word on its own, and for each that is,
# the lower case of the code point inside a word and alone (final sigma and friends).
EVERY_CHARACTER = """() => {
  const words = [], lower = [];
  for (let cp = 0; cp <= 0x10FFFF; cp++) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    const ch = String.fromCodePoint(cp);
    const isWord = window.softSynced.wordStats(ch, 3).words > 0;
    words.push(isWord ? "1" : "0");
    if (isWord) lower.push(`x${ch}x ${ch}`.normalize("NFC").toLowerCase());
  }
  return JSON.stringify({words: words.join(""), lower: lower});
}"""


def test_browser_and_server_agree_on_every_character_of_a_word(open_page, demo, make_student):
    """Exhaustively: which characters belong to a word, and their lower case, for every assigned code point.

    Code points that Python's Unicode database (the server's) has not assigned yet are left
    out (a newer browser may already know them), and so are private-use ones.
    """
    page = open_page(user=make_student())
    page.goto(TURN)
    wait_offline_ready(page)
    browser = json.loads(page.evaluate(EVERY_CHARACTER))
    lower_of = iter(browser["lower"])
    browser_lower = {cp: next(lower_of) for cp in range(0x110000) if _in_browser_list(cp) and browser["words"][_position(cp)] == "1"}

    assigned = [cp for cp in range(0x110000) if unicodedata.category(chr(cp)) not in ("Cn", "Cs", "Co")]
    differ, lower_differ = [], []
    for cp in assigned:
        is_word = word_stats(chr(cp)).words > 0
        if is_word != (browser["words"][_position(cp)] == "1"):
            differ.append(f"U+{cp:04X} {unicodedata.name(chr(cp), '?')}")
        elif is_word and unicodedata.normalize("NFC", f"x{chr(cp)}x {chr(cp)}").lower() != browser_lower[cp]:
            lower_differ.append(f"U+{cp:04X} {unicodedata.name(chr(cp), '?')}")
    assert not differ, f"{len(differ)} characters are words on one side only: {differ[:20]}"
    assert not lower_differ, f"{len(lower_differ)} characters lower-case differently: {lower_differ[:20]}"


def _in_browser_list(cp: int) -> bool:
    return not 0xD800 <= cp <= 0xDFFF


def _position(cp: int) -> int:
    """Where a code point sits in EVERY_CHARACTER's list, which skips the 2,048 surrogates."""
    return cp if cp < 0xD800 else cp - 0x800


# --- Too long: refused with a message, never cut -------------------------------------


def test_a_reflection_over_the_limit_is_refused_with_a_message_and_kept_whole(open_page, browser_problems, demo, make_student):
    student = make_student()
    page = open_page(user=student)
    page.goto(TURN)
    limit = 10_000
    text = (NOTICE_PATTERNS + " ") * (limit // len(NOTICE_PATTERNS) + 1)
    text = text[: limit + 5].strip() + " end"
    assert len(text) > limit
    box = notice_box(page)
    expect(box).not_to_have_attribute("maxlength", re.compile(".*"))
    count = page.locator(f"#step-{NOTICE_STEP} [data-word-count]")
    # Exactly the limit is allowed, counted in characters as the server counts them (an emoji is one).
    box.fill(("🎧 " + NOTICE_PATTERNS) * (limit // (len(NOTICE_PATTERNS) + 2)) + "x" * (limit % (len(NOTICE_PATTERNS) + 2)))
    at_limit = box.input_value()
    assert len(at_limit) == limit
    expect(count).to_contain_text(f"{word_stats(at_limit).counted} words count of the 40 needed")
    expect(count).not_to_contain_text("too long")
    box.fill(text)
    expect(page.locator(f"#step-{NOTICE_STEP}-rule")).to_contain_text(f"At most {limit:,} characters.")
    expect(count).to_contain_text(f"too long: {len(text):,} characters of {limit:,} allowed")

    browser_problems.expect(f"/lessons/{LESSON_3}/your-turn/reflections/{NOTICE_STEP}/", 400)
    page.locator(f"#step-{NOTICE_STEP}").get_by_role("button", name="Save reflection").click()
    expect(page.locator(f"#step-{NOTICE_STEP} .errorlist")).to_contain_text(
        f"Keep this under {limit:,} characters (it has {len(text):,}); nothing was cut or saved."
    )
    expect(notice_box(page)).to_have_value(text)
    assert not Reflection.objects.filter(user=student).exists()
