"""A metric over time: what each source said as of each date, and how much of the claim an
independent floor covers (``figures --metric``, the report's summary and its charts).

A row is the last day with a figure in each period (a day, an ISO week, a month).
Each source's value is its latest figure as of that day; the *claimant* is the
source whose figures the series is about (by default the one whose values are
most often only partly confirmed); its **floor** is the strongest independent
backing of its figure as of that day (DESIGN §2: for a cumulative metric an
earlier floor still holds), and the **share** is how much of the claim the floor
covers. Nothing here is a new rule: the floors are the verdicts' own backings.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from ..errors import InvalidInput
from ..model import Claim, Figure, Link, Source
from .evidence import Backing, StoryNumbers, share
from .verdicts import figure_evidence

EVERY = ("day", "week", "month", "quarter", "year")
AUTO_DAYS = 62  # up to this many days a series is shown day by day, else by month


class Member(Protocol):
    """What a series reads of a claim's place in its story (an Assessment has both)."""

    @property
    def story(self) -> int: ...

    @property
    def relay(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Membership:
    story: int
    relay: bool


@dataclass(frozen=True, slots=True)
class Said:
    """One source's latest figure as of a row's day."""

    claim: int
    date: str
    figure: Figure


@dataclass(frozen=True, slots=True)
class Row:
    date: str  # the last day of its period with a figure
    values: Mapping[str, Said]  # source -> its latest figure as of that day
    floor: Backing | None  # the claimant's strongest independent backing then
    share: int | None  # the floor as a percentage of the claimant's figure


@dataclass(frozen=True, slots=True)
class Series:
    metric: str
    event: str | None
    every: str
    claimant: str | None
    sources: tuple[str, ...]
    rows: tuple[Row, ...]

    def claimed(self, row: Row) -> Said | None:
        return row.values.get(self.claimant) if self.claimant else None

    def peak(self) -> float:
        """The highest number in the series, for a chart's scale (0 if there is none)."""
        return max(
            (said.figure.low for row in self.rows for said in row.values.values()),
            default=0,
        )


def series(
    claims: Iterable[Claim],
    members: Mapping[int, Member],
    numbers: Mapping[int, StoryNumbers],
    metric: str,
    *,
    event: str | None = None,
    every: str | None = None,
    claimant: str | None = None,
) -> Series:
    """The series of ``metric`` (of ``event``, which must be named when several state it)."""
    if every is not None and every not in EVERY:
        raise InvalidInput(f"unknown period {every!r}: use {', '.join(EVERY)}")
    stating = [
        (c, f)
        for c in claims
        if c.date and not c.retracted and (event is None or c.event == event)
        for f in c.figures
        if f.metric == metric
    ]
    events = sorted({c.event or "" for c, _ in stating})
    if len(events) > 1:
        raise InvalidInput(
            f"{metric} is stated of {len(events)} events: name one with --event ({', '.join(events[:5])})"
        )
    by_source: dict[str, list[Said]] = defaultdict(list)
    for claim, figure in stating:
        by_source[claim.source].append(Said(claim.id, claim.date or "", figure))
    for values in by_source.values():
        values.sort(key=lambda s: (s.date, s.claim))
    who = claimant or _claimant(stating, members, numbers, metric)
    if claimant is not None and claimant not in by_source:
        raise InvalidInput(
            f"{claimant} states no {metric}: the sources that do are {', '.join(sorted(by_source))}"
        )
    days = sorted({s.date[:10] for values in by_source.values() for s in values})
    every = every or ("day" if len(days) <= AUTO_DAYS else "month")
    dated = {source: [s.date[:10] for s in said] for source, said in by_source.items()}
    rows = tuple(
        _row(day, by_source, dated, who, members, numbers, metric) for day in _period_ends(days, every)
    )
    order = sorted(by_source, key=lambda s: (s != who, s))
    return Series(metric, events[0] if events else event, every, who, tuple(order), rows)


def series_of(
    sources: Mapping[str, Source],
    claims: Mapping[int, Claim],
    links: Sequence[Link],
    metric: str,
    *,
    chosen: Iterable[Claim] | None = None,
    levels: frozenset[str] = frozenset(),
    event: str | None = None,
    every: str | None = None,
    claimant: str | None = None,
) -> Series:
    """:func:`series` straight from the records, weighing only ``metric``'s figures (what
    ``figures --metric`` needs, without every verdict of the ledger): ``chosen`` the claims
    shown (a filter's), all by default."""
    story_of, relays, numbers = figure_evidence(sources, claims, links, metric, levels)
    members = {cid: Membership(story.id, cid in relays) for cid, story in story_of.items()}
    shown = claims.values() if chosen is None else chosen
    return series(shown, members, numbers, metric, event=event, every=every, claimant=claimant)


def _claimant(
    stating: Sequence[tuple[Claim, Figure]],
    members: Mapping[int, Member],
    numbers: Mapping[int, StoryNumbers],
    metric: str,
) -> str | None:
    """The source whose own figures are most often only partly backed (then: the most stated)."""
    partly: Counter[str] = Counter()
    stated: Counter[str] = Counter()
    for claim, _ in stating:
        a = members[claim.id]
        if a.relay:
            continue
        stated[claim.source] += 1
        best = numbers.get(a.story, _NONE).best(metric)
        if best is None or not best.full:
            partly[claim.source] += 1
    if not stated:
        return None
    return max(stated, key=lambda s: (partly[s], stated[s], [-ord(ch) for ch in s]))


_NONE = StoryNumbers()


def _period_ends(days: Sequence[str], every: str) -> list[str]:
    """The last day with a figure of each period."""
    if every == "day":
        return list(days)
    ends: dict[tuple[int, int], str] = {}
    for day in days:
        d = date.fromisoformat(day)
        key = {
            "week": d.isocalendar()[:2],
            "month": (d.year, d.month),
            "quarter": (d.year, (d.month - 1) // 3),
            "year": (d.year, 0),
        }[every]
        ends[key] = day
    return sorted(ends.values())


def _row(
    day: str,
    by_source: Mapping[str, list[Said]],
    dated: Mapping[str, list[str]],
    claimant: str | None,
    members: Mapping[int, Member],
    numbers: Mapping[int, StoryNumbers],
    metric: str,
) -> Row:
    values = {}
    for source, said in by_source.items():
        at = bisect_right(dated[source], day)
        if at:
            values[source] = said[at - 1]
    claimed = values.get(claimant) if claimant else None
    if claimed is None:
        return Row(day, values, None, None)
    floor = numbers.get(members[claimed.claim].story, _NONE).best(metric)
    if floor is None:
        return Row(day, values, None, None)
    return Row(day, values, floor, 100 if floor.full else share(floor.part, claimed.figure))
