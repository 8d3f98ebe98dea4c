"""The numbers the mentoring pages' charts draw, as JSON for data attributes.

Every chart also has a table with the same numbers on the page; these only
shape data for static/js/radar.js (radars) and static/js/bar-charts.js (bars).
"""

import json
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .selectors import AttemptView, FrameworkStats, FunnelRow


@dataclass
class Chart:
    labels: str  # JSON list
    series: str  # JSON list of {"label", "values"}


@dataclass
class FrameworkChart:
    stats: FrameworkStats
    radar: Chart
    blind_spots: Chart


def _chart(labels: list[str], series: list[tuple[str, list[float]]]) -> Chart:
    return Chart(labels=json.dumps(labels), series=json.dumps([{"label": n, "values": v} for n, v in series]))


def framework_chart(stats: FrameworkStats) -> FrameworkChart:
    cats = stats.categories
    radar = _chart(stats.labels, [
        (_("Median"), [c.median for c in cats]),
        (_("Lower quartile"), [c.q1 for c in cats]),
        (_("Upper quartile"), [c.q3 for c in cats]),
    ])
    blind = _chart(stats.labels, [(_("People whose lowest rating this is"), [c.lowest_for for c in cats])])
    return FrameworkChart(stats=stats, radar=radar, blind_spots=blind)


def funnel_chart(rows: list[FunnelRow]) -> Chart:
    return _chart([f"{r.lesson.number}. {r.lesson.title}" for r in rows], [
        (_("Opened"), [r.opened for r in rows]),
        (_("Guide finished"), [r.guide_finished for r in rows]),
        (_("Turn complete"), [r.turn_complete for r in rows]),
    ])


def attempt_chart(view: AttemptView) -> Chart | None:
    if not view.ratings:
        return None
    return _chart([r.name for r in view.ratings], [(view.attempt.user.name, [r.value for r in view.ratings])])
