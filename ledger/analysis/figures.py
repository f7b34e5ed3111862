"""Figures: each origin's value of an event's metric, the range, and conflicts (DESIGN §2)."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..model import Claim, Figure, Status
from .verdicts import Assessment

# How many conflicting pairs one event's metric lists before it only counts them.
_CONFLICT_PAIRS = 20


@dataclass(slots=True)  # not frozen: one per figure stated, built on every report; never mutated
class FigureValue:
    """One value of a metric as one story states it; equal relays are folded into it."""

    claim: int
    source: str
    figure: Figure
    story: int
    origin: tuple[str, ...]
    current: bool  # False when a later claim of the same source updates it
    relayed_by: tuple[int, ...] = ()  # relays in the story that repeat the same value
    relay_error: bool = False  # a relay whose value differs from its origin's (a `check` finding)
    requalified: tuple[int, ...] = ()  # relays that give the value but drop or add "about"/"more"


@dataclass(frozen=True, slots=True)
class MetricFigures:
    """Every value one event's metric is given, the low-high range, and the conflicts."""

    event: str
    metric: str
    values: tuple[FigureValue, ...]
    low: int | float | None  # over the current values of the origins; None if there are none
    high: int | float | None  # the highest number stated, a lower bound included
    open_ended: bool  # some current value has no upper bound ("at least 45")
    conflicts: tuple[tuple[int, int], ...]  # pairs of claims from different origins that cannot both hold
    more_conflicts: bool = False  # there are conflicting pairs beyond those listed

    @property
    def spread(self) -> int | float | None:
        return None if self.low is None or self.high is None else self.high - self.low

    @property
    def conflict(self) -> bool:
        return bool(self.conflicts)

    def conflict_words(self) -> str:
        """``#4 vs #19, #4 vs #22``, and "and more" past the listed pairs; empty if none."""
        pairs = ", ".join(f"#{a} vs #{b}" for a, b in self.conflicts)
        return pairs + (" and more" if self.more_conflicts else "")


def figures(claims: Iterable[Claim], assessments: Mapping[int, Assessment]) -> Sequence[MetricFigures]:
    """Per event and metric, each origin's value, the range and the conflicts (DESIGN §2).

    Retracted claims state nothing. A relay that repeats its origin's value adds no
    value of its own (it is listed as relaying it); one that differs is a relay
    error, shown but not counted. A value superseded by an ``updates`` claim is
    shown but not current. Two current values conflict when they come from
    different origins and their intervals do not overlap.

    The result is sorted by event and metric, and each metric is worked out when
    it is first read, so a table of the first 25 costs 25 metrics, not all.
    """
    by_id = {c.id: c for c in claims}
    facts = (figure_facts(c, assessments[c.id].story) for c in by_id.values())
    return figures_of(figure_groups(facts), by_id.__getitem__, assessments)


# What grouping a claim's figures reads of it: (id, event, each figure's metric, retracted, story).
Facts = tuple[int, str | None, tuple[str, ...], bool, int]


def figure_facts(claim: Claim, story: int) -> Facts:
    return claim.id, claim.event, tuple(f.metric for f in claim.figures), claim.retracted, story


# Per (event, metric), in order, each story and its claims stating it: (claim id, which of its
# figures). Pairs, not a mapping: a cache keeps them as they are (JSON).
Stating = Sequence[tuple[int, Sequence[tuple[int, int]]]]
Groups = list[tuple[tuple[str, str], Stating]]


def figure_groups(facts: Iterable[Facts]) -> Groups:
    """What :func:`figures` groups on, from each claim's :data:`Facts`: retracted claims, and
    claims of no event, state nothing."""
    grouped: dict[tuple[str, str], dict[int, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for claim_id, event, metrics, retracted, story in facts:
        if event is None or not metrics or retracted:
            continue
        for at, metric in enumerate(metrics):
            grouped[(event, metric)][story].append((claim_id, at))
    return [(key, list(stating.items())) for key, stating in sorted(grouped.items())]


def figures_of(
    groups: Groups, claim_of: Callable[[int], Claim], assessments: Mapping[int, Assessment]
) -> Sequence[MetricFigures]:
    """:func:`figures` from the claims' :func:`figure_groups` (a cache keeps them, and the
    facts they are made of, without the claims): ``claim_of`` builds the claims of only the
    metrics that are read."""
    return _Figures(groups, claim_of, assessments)


class _Figures(Sequence[MetricFigures]):
    """The metrics of :func:`figures`, each computed on first access."""

    def __init__(
        self,
        keyed: Groups,
        claim_of: Callable[[int], Claim],
        assessments: Mapping[int, Assessment],
    ) -> None:
        self._keyed = keyed
        self._claim_of = claim_of
        self._assessments = assessments
        self._done: dict[int, MetricFigures] = {}

    def __len__(self) -> int:
        return len(self._keyed)

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        index = range(len(self))[index]  # negative indexes, and IndexError
        found = self._done.get(index)
        if found is None:
            (event, metric), stories = self._keyed[index]
            values: list[FigureValue] = []
            for story_id, stated in sorted(stories):
                pairs = [(c, c.figures[at]) for c, at in ((self._claim_of(n), at) for n, at in stated)]
                values.extend(_story_values(story_id, pairs, self._assessments))
            found = self._done[index] = _metric(event, metric, values)
        return found


def _story_values(
    story_id: int, stated: list[tuple[Claim, Figure]], assessments: Mapping[int, Assessment]
) -> list[FigureValue]:
    """One story's values: each original value, with the relays that repeat it folded in."""
    requalified: set[int] = set()  # relays of the same number with another hedge

    def value(
        claim: Claim, figure: Figure, relayed_by: tuple[int, ...] = (), error: bool = False
    ) -> FigureValue:
        a = assessments[claim.id]
        current = a.status is not Status.superseded
        hedged = tuple(r for r in relayed_by if r in requalified)
        return FigureValue(
            claim.id, claim.source, figure, story_id, a.origin, current, relayed_by, error, hedged
        )

    if len(stated) == 1:  # most stories: one claim gives the value
        return [value(*stated[0])]
    stated.sort(key=lambda cf: (assessments[cf[0].id].relay, cf[0].id))
    originals: list[tuple[Claim, Figure]] = []
    relays: dict[int, list[int]] = defaultdict(list)
    errors: list[FigureValue] = []
    for claim, figure in stated:
        if not assessments[claim.id].relay or not originals:
            originals.append((claim, figure))
            continue
        same = next(((c, f) for c, f in originals if f.same_number(figure)), None)
        if same is not None:  # the same number; a relay that changes its hedge is its own finding
            relays[same[0].id].append(claim.id)
            if same[1].qualifier != figure.qualifier:
                requalified.add(claim.id)
        else:
            errors.append(value(claim, figure, error=True))
    return [value(c, f, tuple(relays.get(c.id, ()))) for c, f in originals] + errors


def _metric(event: str, metric: str, values: list[FigureValue]) -> MetricFigures:
    counted = [v for v in values if v.current and not v.relay_error]
    if not counted:
        return MetricFigures(event, metric, tuple(values), None, None, False, ())
    low = min(v.figure.low for v in counted)
    high = max(v.figure.low if v.figure.high is None else v.figure.high for v in counted)
    open_ended = any(v.figure.high is None for v in counted)
    pairs, more = _conflicts(counted)
    return MetricFigures(event, metric, tuple(values), low, high, open_ended, pairs, more)


def _conflicts(values: list[FigureValue]) -> tuple[tuple[tuple[int, int], ...], bool]:
    """Pairs of values from different origins whose intervals do not overlap.

    Sorted by upper bound, the values entirely below a value's low are a prefix,
    so the work is ``n log n`` plus the pairs looked at; past ``_CONFLICT_PAIRS``
    the search stops and says there are more.
    """
    by_high = sorted(values, key=lambda v: (_upper(v.figure), v.claim))
    uppers = [_upper(v.figure) for v in by_high]
    pairs: list[tuple[int, int]] = []
    for upper_value in sorted(values, key=lambda v: (v.figure.low, v.claim)):
        for lower_value in by_high[: bisect_left(uppers, upper_value.figure.low)]:
            if set(lower_value.origin) & set(upper_value.origin):
                continue  # one origin's values cannot conflict with each other
            if len(pairs) == _CONFLICT_PAIRS:
                return tuple(sorted(pairs)), True
            a, b = sorted((lower_value.claim, upper_value.claim))
            pairs.append((a, b))
    return tuple(sorted(pairs)), False


def _upper(figure: Figure) -> float:
    return math.inf if figure.high is None else figure.high
