"""Pure analysis, one module a job (DESIGN §6):

* :mod:`.stories` — stories, origins and whose support is independent;
* :mod:`.verdicts` — each claim's status, reason and credibility;
* :mod:`.figures` — each event's metrics: values by origin, range, conflicts;
* :mod:`.evidence` — figures as evidence: what each story's figures confirm or dispute;
* :mod:`.series` — a metric over time: each source's value, the floor and its share;
* :mod:`.links` — the link rules, which ``link`` enforces and ``check`` reports;
* :mod:`.check` — ``check``: a list of checks returning findings as values.

Everything here is a function of plain values (sources, claims, links) and is
linear in claims + links. Nothing here reads a file, a clock or a terminal.
"""

from __future__ import annotations

from .check import Finding, findings, withheld_entries
from .evidence import StoryNumbers
from .figures import FigureValue, MetricFigures, figures
from .links import Broken, LinkIndex, check_new_link, may_update
from .series import Series, series, series_of
from .stories import Story, Support, build_stories, classify_support
from .verdicts import Assessment, analyze, credibility_for, weigh_all

__all__ = [
    "Assessment",
    "Broken",
    "FigureValue",
    "Finding",
    "LinkIndex",
    "MetricFigures",
    "Series",
    "Story",
    "StoryNumbers",
    "Support",
    "analyze",
    "build_stories",
    "check_new_link",
    "classify_support",
    "credibility_for",
    "figures",
    "findings",
    "may_update",
    "series",
    "series_of",
    "weigh_all",
    "withheld_entries",
]
