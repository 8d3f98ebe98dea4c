"""The pure insight functions, as a table of cases."""

import pytest

from assessments import insights
from assessments.insights import Rating


def spectrum(t, c, i, b, p):
    return [
        Rating("technical", "Technical", t, "craft"),
        Rating("creative", "Creative", c, "craft"),
        Rating("interpersonal", "Interpersonal", i, "people"),
        Rating("business", "Business", b, "people"),
        Rating("personal", "Personal qualities", p, ""),
    ]


@pytest.mark.parametrize(
    ("scores", "highest", "lowest", "cluster", "far_below"),
    [
        ((8, 7, 4, 3, 6), ["technical"], ["business"], "craft", ["business"]),
        ((7, 6, 6, 5, 6), ["technical"], ["business"], None, []),
        ((3, 4, 8, 9, 6), ["business"], ["technical"], "people", ["technical"]),
        ((6, 6, 6, 6, 6), [], [], None, []),
        ((7, 7, 7, 7, 2), ["technical", "creative", "interpersonal", "business"], ["personal"], None, ["personal"]),
        ((9, 5, 6, 5, 5), ["technical"], ["creative", "business", "personal"], None, []),
        ((10, 10, 1, 9, 9), ["technical", "creative"], ["interpersonal"], "craft", ["interpersonal"]),
    ],
)
def test_pattern_summary_table(scores, highest, lowest, cluster, far_below):
    """Highest, lowest, craft/people cluster and far-below outliers come out as the Guide describes."""
    summary = insights.pattern_summary(spectrum(*scores))
    assert [r.slug for r in summary.highest] == highest
    assert [r.slug for r in summary.lowest] == lowest
    assert summary.cluster == cluster
    assert [r.slug for r in summary.far_below] == far_below
    assert summary.sentences


def test_pattern_sentences_read_plainly():
    """The sentences name the categories and their scores."""
    sentences = " ".join(insights.pattern_summary(spectrum(8, 7, 4, 3, 6)).sentences)
    assert "Your highest score is Technical (8)." in sentences
    assert "Your lowest score is Business (3)." in sentences
    assert "cluster on craft" in sentences


def test_equal_ratings_say_nothing_stands_out():
    summary = insights.pattern_summary(spectrum(5, 5, 5, 5, 5))
    assert "no area stands out" in summary.sentences[0]


def test_empty_ratings():
    assert insights.pattern_summary([]).sentences


@pytest.mark.parametrize(
    ("path", "scores", "priorities", "mismatched"),
    [
        ("client", (8, 7, 4, 3, 6), ["interpersonal", "business", "technical"], ["interpersonal", "business"]),
        ("solo", (8, 7, 4, 3, 6), ["technical", "creative", "personal"], []),
        ("audience", (8, 7, 4, 3, 6), ["business", "creative", "personal"], ["business"]),
        ("collaboration", (3, 8, 9, 7, 2), ["interpersonal", "creative", "personal"], ["personal"]),
        ("", (8, 7, 4, 3, 6), [], []),
        ("client", (5, 5, 5, 5, 5), ["interpersonal", "business", "technical"], []),
    ],
)
def test_goals_insight_table(path, scores, priorities, mismatched):
    """Priorities follow the path's rule table; a mismatch is a priority among the lowest scores."""
    result = insights.goals_insight(spectrum(*scores), framework_slug="producer-skill-spectrum", path=path)
    assert [r.slug for r in result.priorities] == priorities
    assert [r.slug for r in result.mismatched] == mismatched
    if mismatched:
        assert any(s.startswith("Mismatch") for s in result.sentences)


def test_unknown_framework_has_no_priorities():
    assert insights.goals_insight(spectrum(1, 2, 3, 4, 5), framework_slug="other", path="solo").priorities == ()


def test_compare_matches_by_key_and_keeps_added_and_removed_categories():
    """A renamed category still compares by key; added or removed ones show one side only."""
    before = [Rating("technical", "Technical", 4), Rating("business", "Business", 6), Rating("old", "Old", 3)]
    after = [Rating("technical", "Tech skills", 7), Rating("business", "Business", 5), Rating("new", "New", 8)]
    changes = {c.slug: c for c in insights.compare(before, after)}
    assert (changes["technical"].before, changes["technical"].after, changes["technical"].delta) == (4, 7, 3)
    assert changes["technical"].name == "Tech skills"
    assert changes["business"].delta == -1
    assert changes["new"].before is None and changes["new"].delta is None
    assert changes["old"].after is None
