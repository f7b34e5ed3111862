"""The Markdown report's summary: what a person reads first, at any size of ledger.

Claims by source and status, each tracked metric over time at month ends (the
claim, the independent floor, its share) with a Mermaid ``xychart-beta`` chart
GitHub draws, the largest gaps between claimed and confirmed, and the ``check``
findings by kind. Its size grows with sources, metrics and months, never with
claims: the summary of 3,700 daily claims is a few tens of kB.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from ..analysis import Series, series
from ..analysis.check import Finding
from ..model import Claim, Status
from ..report import Report
from ..words import grouped
from .markdown import code, table, text

TRACKED_DATES = 3  # a metric stated on this many dates (of one event) is tracked over time
GAPS = 10  # rows of the largest-gaps table


def tracked(rep: Report, claims: Sequence[Claim]) -> list[Series]:
    """Each (event, metric) stated on at least :data:`TRACKED_DATES` dates, by month."""
    dates: dict[tuple[str, str], set[str]] = {}
    stating: dict[tuple[str, str], list[Claim]] = {}  # each series reads only its own claims
    for claim in claims:
        if claim.event and claim.date and not claim.retracted:
            for figure in claim.figures:
                key = (claim.event, figure.metric)
                dates.setdefault(key, set()).add(claim.date[:10])
                stating.setdefault(key, []).append(claim)
    keys = sorted(key for key, days in dates.items() if len(days) >= TRACKED_DATES)
    return [
        series(stating[(event, metric)], rep.assessments, rep.numbers, metric, event=event, every="month")
        for event, metric in keys
    ]


def by_source(rep: Report, claims: Sequence[Claim]) -> list[str]:
    """A table: each source's claims by status."""
    counts: dict[str, Counter[Status]] = {}
    for claim in claims:
        counts.setdefault(claim.source, Counter())[rep.assessments[claim.id].status] += 1
    statuses = [s for s in Status if any(c[s] for c in counts.values())]
    rows = [
        [code(source), *(str(counts[source][s]) for s in statuses), str(sum(counts[source].values()))]
        for source in sorted(counts)
    ]
    return table(["Source", *(s.value for s in statuses), "All"], rows, right=range(1, len(statuses) + 2))


def metric_section(s: Series) -> list[str]:
    """One tracked metric: its month ends as a table, then the chart."""
    claimant = s.claimant or "—"
    lead = (
        f"{code(s.metric)} of {code(s.event or '')}: {code(claimant)}'s figure at each month end "
        "against the strongest independent floor under it."
    )
    rows = []
    for row in s.rows:
        claimed = s.claimed(row)
        rows.append(
            [
                row.date,
                text(claimed.figure.said(grouped)) if claimed else "—",
                grouped(row.floor.part) if row.floor else "—",
                f"{row.share}%" if row.share is not None else "—",
            ]
        )
    return [
        lead,
        "",
        *table(["Month end", f"Claimed ({claimant})", "Confirmed floor", "Share"], rows, right=[1, 2, 3]),
        "",
        *chart(s),
    ]


def chart(s: Series) -> list[str]:
    """A Mermaid ``xychart-beta``: the claim (upper line) and the confirmed floor (lower)."""
    points = [(row.date[:7], s.claimed(row), row.floor.part if row.floor else 0) for row in s.rows]
    points = [(month, claimed.figure.low, floor) for month, claimed, floor in points if claimed]
    if len(points) < 2:
        return []
    top = max(max(c, f) for _, c, f in points)
    labels = ", ".join(f'"{month}"' for month, _, _ in points)
    return [
        "```mermaid",
        "xychart-beta",
        f'    title "{s.metric}: claimed by {s.claimant} (upper) and independently confirmed (lower)"',
        f"    x-axis [{labels}]",
        f'    y-axis "{s.metric}" 0 --> {_number(top)}',
        f"    line [{', '.join(_number(c) for _, c, _ in points)}]",
        f"    line [{', '.join(_number(f) for _, _, f in points)}]",
        "```",
    ]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def gaps(tracked_series: Iterable[Series]) -> list[str]:
    """The tracked metrics whose latest claim has the least independent confirmation."""
    rows = []
    for s in tracked_series:
        last = s.rows[-1] if s.rows else None
        claimed = s.claimed(last) if last else None
        if last is None or claimed is None:
            continue
        floor = last.floor.part if last.floor else 0
        unconfirmed = max(claimed.figure.low - floor, 0)
        rows.append((-(100 - (last.share or 0)), -unconfirmed, s, last, claimed.figure, floor))
    rows.sort(key=lambda r: (r[0], r[1], r[2].metric))
    return table(
        ["Metric", "As of", "Claimed", "Confirmed floor", "Share", "Not confirmed"],
        (
            [
                code(s.metric),
                s.claimed(last).date[:10],  # type: ignore[union-attr]
                text(figure.said(grouped)) + f" ({code(s.claimant or '')})",
                grouped(floor),
                f"{last.share or 0}%",
                grouped(max(figure.low - floor, 0)),
            ]
            for _, _, s, last, figure, floor in rows[:GAPS]
        ),
        right=[3, 4, 5],
    )


def findings_by_kind(found: Sequence[Finding]) -> list[str]:
    """``check``'s findings counted by kind, with the first of each as an example."""
    if not found:
        return ["No findings: `claim-ledger check` finds nothing wrong."]
    counts = Counter(f.code for f in found)
    first = {}
    for f in found:
        first.setdefault(f.code, f)
    return table(
        ["Finding", "Count", "The first"],
        ([code(kind), str(n), text(first[kind].message)] for kind, n in counts.most_common()),
        right=[1],
    )
