"""Pure functions that read a self-assessment: no database, no request.

They take plain `Rating` values so the web page, the API and the tests all get
the same sentences from the same numbers.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import mean

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# How far below the mean of the others a category must sit to be called out.
FAR_BELOW = 3.0
# How far apart the craft and people averages must be to call it a cluster.
CLUSTER_GAP = 2.0

CRAFT = "craft"
PEOPLE = "people"

# Which categories matter most for each producer path, per framework (a rule
# table that follows the Guide's section on strategic development). Keys are
# category slugs; frameworks without an entry get no suggestions.
PATH_PRIORITIES: dict[str, dict[str, tuple[str, ...]]] = {
    "producer-skill-spectrum": {
        "solo": ("technical", "creative", "personal"),
        "collaboration": ("interpersonal", "creative", "personal"),
        "client": ("interpersonal", "business", "technical"),
        "audience": ("business", "creative", "personal"),
    },
    "studio-soft-skills": {
        "solo": ("problem-solving", "adaptability"),
        "collaboration": ("communication", "emotional-intelligence", "session-management"),
        "client": ("communication", "session-management", "problem-solving"),
        "audience": ("communication", "adaptability"),
    },
}


@dataclass(frozen=True)
class Rating:
    slug: str
    name: str
    value: int
    cluster: str = ""


@dataclass(frozen=True)
class PatternSummary:
    highest: tuple[Rating, ...]
    lowest: tuple[Rating, ...]
    cluster: str | None  # CRAFT, PEOPLE or None
    craft_mean: float | None
    people_mean: float | None
    far_below: tuple[Rating, ...]
    sentences: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class GoalsInsight:
    priorities: tuple[Rating, ...]
    mismatched: tuple[Rating, ...]
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    slug: str
    name: str
    before: int | None
    after: int | None

    @property
    def delta(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def _names(ratings: Sequence[Rating]) -> str:
    names = [r.name for r in ratings]
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def pattern_summary(
    ratings: Sequence[Rating], *, far_below: float = FAR_BELOW, cluster_gap: float = CLUSTER_GAP
) -> PatternSummary:
    """Highest and lowest categories, any craft/people cluster, and outliers."""
    if not ratings:
        return PatternSummary((), (), None, None, None, (), (_("There are no ratings to read yet."),))
    top = max(r.value for r in ratings)
    bottom = min(r.value for r in ratings)
    highest = tuple(r for r in ratings if r.value == top)
    lowest = tuple(r for r in ratings if r.value == bottom)
    sentences: list[str] = []
    if top == bottom:
        sentences.append(
            _("You rated every category %(value)s: no area stands out yet. Look again for small differences.")
            % {"value": top}
        )
        highest = lowest = ()
    else:
        sentences.append(
            ngettext(
                "Your highest score is %(names)s (%(value)s).",
                "Your highest scores are %(names)s (%(value)s).",
                len(highest),
            )
            % {"names": _names(highest), "value": top}
        )
        sentences.append(
            ngettext(
                "Your lowest score is %(names)s (%(value)s).",
                "Your lowest scores are %(names)s (%(value)s).",
                len(lowest),
            )
            % {"names": _names(lowest), "value": bottom}
        )

    craft = [r.value for r in ratings if r.cluster == CRAFT]
    people = [r.value for r in ratings if r.cluster == PEOPLE]
    craft_mean = mean(craft) if craft else None
    people_mean = mean(people) if people else None
    cluster = None
    if craft_mean is not None and people_mean is not None:
        if craft_mean - people_mean >= cluster_gap:
            cluster = CRAFT
            sentences.append(
                _(
                    "Your scores cluster on craft: technical and creative average %(craft)s, "
                    "interpersonal and business %(people)s."
                )
                % {"craft": _fmt(craft_mean), "people": _fmt(people_mean)}
            )
        elif people_mean - craft_mean >= cluster_gap:
            cluster = PEOPLE
            sentences.append(
                _(
                    "Your scores cluster on people skills: interpersonal and business average %(people)s, "
                    "technical and creative %(craft)s."
                )
                % {"craft": _fmt(craft_mean), "people": _fmt(people_mean)}
            )
        else:
            sentences.append(
                _("Craft skills (%(craft)s) and people skills (%(people)s) are roughly in balance.")
                % {"craft": _fmt(craft_mean), "people": _fmt(people_mean)}
            )

    outliers: list[Rating] = []
    if len(ratings) >= 3:
        for rating in ratings:
            others = [r.value for r in ratings if r is not rating]
            if mean(others) - rating.value >= far_below:
                outliers.append(rating)
    for rating in outliers:
        others_mean = mean(r.value for r in ratings if r is not rating)
        sentences.append(
            _("%(name)s (%(value)s) sits far below the rest, which average %(mean)s: a possible blind spot.")
            % {"name": rating.name, "value": rating.value, "mean": _fmt(others_mean)}
        )
    return PatternSummary(highest, lowest, cluster, craft_mean, people_mean, tuple(outliers), tuple(sentences))


def priorities_for(framework_slug: str, path: str) -> tuple[str, ...]:
    """The category slugs that matter most for a producer path, or ()."""
    return PATH_PRIORITIES.get(framework_slug, {}).get(path, ())


def bottom_ratings(ratings: Sequence[Rating], count: int = 2) -> tuple[Rating, ...]:
    """The `count` lowest ratings, plus any tied with the last of them; () if all equal."""
    if not ratings or min(r.value for r in ratings) == max(r.value for r in ratings):
        return ()
    ordered = sorted(ratings, key=lambda r: r.value)
    cut = ordered[min(count, len(ordered)) - 1].value
    return tuple(r for r in ordered if r.value <= cut)


def goals_insight(ratings: Sequence[Rating], *, framework_slug: str, path: str) -> GoalsInsight:
    """Suggested priorities for the student's path, and any mismatch with their lowest scores."""
    wanted = priorities_for(framework_slug, path)
    by_slug = {r.slug: r for r in ratings}
    priorities = tuple(by_slug[slug] for slug in wanted if slug in by_slug)
    if not path:
        return GoalsInsight((), (), (_("Choose your producer path to see which categories matter most for it."),))
    if not priorities:
        return GoalsInsight((), (), ())
    low = {r.slug for r in bottom_ratings(ratings)}
    mismatched = tuple(r for r in priorities if r.slug in low)
    sentences = [_("For your path, %(names)s matter most.") % {"names": _names(priorities)}]
    if mismatched:
        sentences.append(
            ngettext(
                "Mismatch: %(names)s is a priority but among your lowest scores. That is where to focus.",
                "Mismatch: %(names)s are priorities but among your lowest scores. That is where to focus.",
                len(mismatched),
            )
            % {"names": _names(mismatched)}
        )
    else:
        sentences.append(_("None of your priorities is among your lowest scores: your strengths fit your path."))
    return GoalsInsight(priorities, mismatched, tuple(sentences))


def compare(before: Sequence[Rating], after: Sequence[Rating]) -> tuple[Change, ...]:
    """Per-category change between two snapshots, matched by category key.

    Categories present in only one snapshot (added or removed by an author in
    between) are kept with `None` on the other side.
    """
    old = {r.slug: r for r in before}
    new = {r.slug: r for r in after}
    changes = [
        Change(slug=r.slug, name=r.name, before=old[r.slug].value if r.slug in old else None, after=r.value)
        for r in after
    ]
    changes += [Change(slug=r.slug, name=r.name, before=r.value, after=None) for r in before if r.slug not in new]
    return tuple(changes)
