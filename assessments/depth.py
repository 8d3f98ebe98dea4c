"""When a reflection is deep enough to earn Depth points: pure functions, no database.

The rule, as the Your Turn page states it:

- Words are runs of letters, digits, underscores, apostrophes and hyphens,
  after Unicode NFC normalisation; case does not matter.
- Repeating a word does not make a reflection longer: each different word
  counts at most `MAX_REPEATS` (3) times. The counted words must reach the
  step's minimum (exactly the minimum pays).
- A reflection mostly copied from the step's instructions, or from another of
  the student's own reflections, does not pay: when at least half of its
  three-word sequences appear in one such text, it is a copy.

`static/js/drafts.js` counts words exactly as `word_stats` does; a test
feeds the same strings to both.
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Python's \w is letters, digits and underscore (str.isalnum() or "_"); the
# browser uses [\p{L}\p{N}_] for the same set.
WORD = re.compile(r"[\w'’-]+", re.UNICODE)
MAX_REPEATS = 3
SHINGLE = 3
COPY_SHARE = 0.5


@dataclass(frozen=True)
class WordStats:
    words: int  # every word written
    different: int  # different words, case folded
    counted: int  # words that count towards the minimum


@dataclass(frozen=True)
class Verdict:
    """Whether a reflection pays; `reason` is "" when it does, else too_short or copied."""

    pays: bool
    reason: str
    message: str
    stats: WordStats


def words_of(text: str) -> list[str]:
    return [word.lower() for word in WORD.findall(unicodedata.normalize("NFC", text))]


def word_stats(text: str) -> WordStats:
    words = words_of(text)
    counts = Counter(words)
    return WordStats(
        words=len(words),
        different=len(counts),
        counted=sum(min(n, MAX_REPEATS) for n in counts.values()),
    )


def _shingles(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def is_copy(text: str, sources: Iterable[str]) -> bool:
    """True when at least half of the text's three-word sequences appear in one of `sources`."""
    mine = _shingles(words_of(text))
    if not mine:
        return False
    for source in sources:
        theirs = _shingles(words_of(source))
        if theirs and len(mine & theirs) / len(mine) >= COPY_SHARE:
            return True
    return False


def rule_sentence(min_words: int) -> str:
    """The rule in plain words, for the page and the API."""
    return ngettext(
        "at least %(n)d word, where a word counts at most %(repeats)d times, written in your own words "
        "(not copied from the instructions or from your other reflections)",
        "at least %(n)d words, where a word counts at most %(repeats)d times, written in your own words "
        "(not copied from the instructions or from your other reflections)",
        min_words,
    ) % {"n": min_words, "repeats": MAX_REPEATS}


def judge(text: str, *, min_words: int, instructions: str, others: Iterable[str]) -> Verdict:
    """Does `text` earn a step's points? `others` are the student's other reflections."""
    stats = word_stats(text)
    if stats.counted < min_words:
        if stats.words >= min_words:
            message = _(
                "It has %(words)d words, but only %(counted)d count: a word counts at most %(repeats)d times. "
                "%(min)d are needed for the points."
            ) % {"words": stats.words, "counted": stats.counted, "repeats": MAX_REPEATS, "min": min_words}
        else:
            message = _("It has %(counted)d words; %(min)d are needed for the points.") % {
                "counted": stats.counted, "min": min_words,
            }
        return Verdict(pays=False, reason="too_short", message=message, stats=stats)
    if is_copy(text, [instructions, *others]):
        return Verdict(
            pays=False, reason="copied", stats=stats,
            message=_("Most of it repeats the instructions or another of your reflections; write it in your own words "
                      "for the points."),
        )
    return Verdict(pays=True, reason="", message="", stats=stats)
