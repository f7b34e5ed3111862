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

from ..lazyapi import install

# Each name comes from its module when first used: `link` loads the link rules, not
# the verdicts, figures or checks (ledger.lazyapi).
_API = {
    "Finding": "check",
    "findings": "check",
    "withheld_entries": "check",
    "StoryNumbers": "evidence",
    "FigureValue": "figures",
    "MetricFigures": "figures",
    "figures": "figures",
    "figure_facts": "figures",
    "figure_groups": "figures",
    "Broken": "links",
    "LinkIndex": "links",
    "check_new_link": "links",
    "may_update": "links",
    "Series": "series",
    "series": "series",
    "series_of": "series",
    "Story": "stories",
    "Support": "stories",
    "build_stories": "stories",
    "classify_support": "stories",
    "Assessment": "verdicts",
    "analyze": "verdicts",
    "credibility_for": "verdicts",
    "weigh_all": "verdicts",
}

__all__ = sorted(_API)

__getattr__ = install(__name__, _API)
