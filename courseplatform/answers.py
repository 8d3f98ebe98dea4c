"""Cached read answers, keyed by versions (filled in by issue 12's work).

`STATS` counts, per process, how often each named answer was served from the
cache ("<name>:hit") or built ("<name>:miss"); the bench reads it to report the
hit rate it saw.
"""

from collections import Counter

STATS: Counter[str] = Counter()
