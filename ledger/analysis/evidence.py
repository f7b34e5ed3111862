"""Figures as evidence (DESIGN §2): within one event, claims that state the same metric speak
to each other without any link.

A figure is an interval: ``killed=3`` is [3, 3], ``killed>=45`` is [45, ∞). Each
story states, for each metric, the figure of its first original claim that gives
one (a relay that changes it is a relay error, not the story's word). For each
pair of current stories of one event and metric:

* they **conflict** when their intervals cannot both hold as of their dates: for
  a cumulative metric (the default: a toll, losses to date) an earlier figure's
  low must not exceed a later one's high; at the same moment the intervals must
  overlap; a *level* metric is compared only at the same moment. A conflict from
  outside the story whose origin shares no source with it disputes the claim;
* an **independent** story's figure (DESIGN §2's three conditions) **confirms**
  the figure when it lies inside its interval, at the same moment, or, for a
  cumulative metric, as an earlier floor under an open-ended claim; one that is
  consistent but wider **partly confirms** it: "at least its low of the claimed".
  A later figure says nothing of an earlier one.

The work is per event and metric: pairs within a group, so a ledger of many
small events stays linear in its claims.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right, insort
from collections import defaultdict
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass, field

from ..model import Claim, Figure, moment_order
from .stories import Story


@dataclass(frozen=True, slots=True)
class Stated:
    """One story's figure for one metric of its event, and the claim that states it."""

    story: int
    claim: int
    figure: Figure
    date: str | None


@dataclass(frozen=True, slots=True)
class Backing:
    """Independent support for one figure: ``by`` confirms it wholly, or only its first ``part``."""

    by: int  # the claim whose figure it is
    figure: Figure  # that claim's figure
    full: bool
    part: int | float  # what is confirmed at least (the supporting figure's low)


@dataclass(frozen=True, slots=True)
class Clash:
    """A figure of another story that cannot hold together with this one's."""

    own: Stated
    other: Stated


@dataclass(slots=True)
class StoryNumbers:
    """What the figures say of one story: per metric it states, its backing; and its clashes."""

    stated: dict[str, Stated] = field(default_factory=dict)
    backing: dict[str, Backing] = field(default_factory=dict)  # the strongest, per metric
    wholly: set[int] = field(default_factory=set)  # every claim whose figure confirms one wholly
    clashes: list[Clash] = field(default_factory=list)  # disputes: origins share no source
    own: list[Clash] = field(default_factory=list)  # one source's figures that fall or differ: check

    def best(self, metric: str) -> Backing | None:
        """The strongest backing of a metric: a whole confirmation, else the highest floor."""
        return self.backing.get(metric)

    def back(self, metric: str, backing: Backing) -> None:
        if backing.full:
            self.wholly.add(backing.by)
        held = self.backing.get(metric)
        if held is None or (backing.full, backing.part, -backing.by) > (held.full, held.part, -held.by):
            self.backing[metric] = backing


def story_figures(
    claims: Mapping[int, Claim],
    story_of: Mapping[int, Story],
    relays: set[int],
    current: set[int],
    metric: str | None = None,
) -> dict[tuple[str, str], list[Stated]]:
    """Per (event, metric), each current story's figure: its first original claim that states
    the metric, else its first relay that does (``metric``: that metric only)."""
    chosen: dict[tuple[str, str, int], tuple[bool, int, Figure, str | None]] = {}
    for claim in claims.values():
        if claim.event is None or not claim.figures or claim.id not in current:
            continue
        story = story_of[claim.id].id
        rank = (claim.id in relays, claim.id)
        for figure in claim.figures:
            if metric is not None and figure.metric != metric:
                continue
            key = (claim.event, figure.metric, story)
            held = chosen.get(key)
            if held is None or rank < held[:2]:
                chosen[key] = (*rank, figure, claim.date)
    groups: dict[tuple[str, str], list[Stated]] = defaultdict(list)
    for (event, metric, story), (_, claim_id, figure, date) in chosen.items():
        groups[(event, metric)].append(Stated(story, claim_id, figure, date))
    return groups


def weigh(
    groups: Mapping[tuple[str, str], list[Stated]],
    claims: Mapping[int, Claim],
    story_of: Mapping[int, Story],
    levels: frozenset[str] = frozenset(),
    sweep_above: int | None = None,
) -> dict[int, StoryNumbers]:
    """story id -> what the figures of its event say of it (each pair of stories looked at once)."""
    numbers: dict[int, StoryNumbers] = defaultdict(StoryNumbers)
    sweep_above = SWEEP_ABOVE if sweep_above is None else sweep_above
    for (_, metric), stated in groups.items():
        level = metric in levels
        for own in stated:
            numbers[own.story].stated[metric] = own
        if len(stated) <= sweep_above:
            told = [(one, story_of[one.story]) for one in stated]
            for i, (a, sa) in enumerate(told):
                for b, sb in told[i + 1 :]:
                    _pair(a, b, level, numbers, sa, sb)
        else:
            _sweep(stated, level, numbers, story_of)
    return numbers


Key = tuple[str, str]  # (event, metric): a group of figures that speak to each other
# An event's groups, and each story's groups with where each begins: (claim's place, figure's)
EventGroups = tuple[dict[Key, list[Stated]], dict[int, list[tuple[tuple[int, int], Key]]]]


class Weighed(Mapping[int, StoryNumbers]):
    """:func:`weigh` of :func:`story_figures`' groups, each event's groups gathered and each
    group weighed when a story of it is first read: a listing of 100 claims reads their
    events' figures, not the whole ledger's.

    A story stating figures in several groups gets what :func:`weigh` would have built for
    it going through the groups in the order :func:`story_figures` gives them (by the claim,
    in the ledger's order, then the figure that begins each): each group's stated figure
    over the one before, the strongest backing of each metric (the first of equals), every
    clash in order."""

    def __init__(
        self,
        claims: Mapping[int, Claim],
        story_of: Mapping[int, Story],
        relays: set[int],
        superseded: Container[int],
        levels: frozenset[str] = frozenset(),
        metric: str | None = None,
    ) -> None:
        self._claims, self._story_of, self._levels = claims, story_of, levels
        self._relays, self._metric = relays, metric
        # the current claims that state a figure of an event (neither retracted nor superseded),
        # each event's with their place in the ledger's order, and each story's events
        self._current: set[int] = set()
        self._placed: dict[str, list[tuple[int, Claim]]] = defaultdict(list)
        self._events: dict[int, list[str]] = defaultdict(list)
        for at, claim in enumerate(claims.values()):
            event = claim.event
            if event is None or not claim.figures or claim.retracted or claim.id in superseded:
                continue
            self._current.add(claim.id)
            self._placed[event].append((at, claim))
            events = self._events[story_of[claim.id].id]
            if event not in events:
                events.append(event)
        self._of_event: dict[str, EventGroups] = {}
        self._weighed: dict[Key, dict[int, StoryNumbers]] = {}
        self._read: dict[int, StoryNumbers] = {}
        self._groups: dict[Key, list[Stated]] | None = None
        self._all: dict[int, StoryNumbers] | None = None

    def groups(self) -> dict[Key, list[Stated]]:
        """Every group, as :func:`story_figures` gives them."""
        if self._groups is None:
            self._groups = story_figures(
                self._claims, self._story_of, self._relays, self._current, self._metric
            )
        return self._groups

    def everything(self) -> dict[int, StoryNumbers]:
        """Every story's numbers, every group weighed in one pass (:func:`weigh`): what a reader
        of every verdict wants, sooner than group by group."""
        if self._all is None:
            self._all = dict(weigh(self.groups(), self._claims, self._story_of, self._levels))
        return self._all

    def __getitem__(self, story: int) -> StoryNumbers:
        if self._all is not None:
            return self._all[story]
        found = self._read.get(story)
        if found is None:
            keys = self._keys(story)
            if not keys:
                raise KeyError(story)
            parts = [self._group(key)[story] for key in keys]
            found = self._read[story] = parts[0] if len(parts) == 1 else _in_order(parts)
        return found

    def _keys(self, story: int) -> list[Key]:
        """The groups a story states a figure in, in :func:`story_figures`' order."""
        placed = [
            kept for event in self._events.get(story, ()) for kept in self._event(event)[1].get(story, ())
        ]
        return [key for _, key in sorted(placed)]

    def _event(self, event: str) -> EventGroups:
        """An event's groups, and each of its stories' groups with where each group begins."""
        done = self._of_event.get(event)
        if done is None:
            placed = self._placed[event]
            groups = story_figures(
                {c.id: c for _, c in placed}, self._story_of, self._relays, self._current, self._metric
            )
            begins: dict[Key, tuple[int, int]] = {}  # the claim, and its figure, that begins a group
            for at, claim in placed:
                for nth, figure in enumerate(claim.figures):
                    begins.setdefault((event, figure.metric), (at, nth))
            of_story: dict[int, list[tuple[tuple[int, int], Key]]] = defaultdict(list)
            for key, stated in groups.items():
                for one in stated:
                    of_story[one.story].append((begins[key], key))
            done = self._of_event[event] = (groups, of_story)
        return done

    def _group(self, key: Key) -> dict[int, StoryNumbers]:
        done = self._weighed.get(key)
        if done is None:
            stated = self._event(key[0])[0][key]
            done = self._weighed[key] = weigh({key: stated}, self._claims, self._story_of, self._levels)
        return done

    def __iter__(self) -> Iterator[int]:
        return iter(self._all if self._all is not None else _stating(self.groups()))

    def __len__(self) -> int:
        return len(_stating(self.groups()))

    def __contains__(self, story: object) -> bool:
        if self._all is not None:
            return story in self._all
        return isinstance(story, int) and bool(self._keys(story))


def _stating(groups: Mapping[Key, list[Stated]]) -> dict[int, None]:
    """The stories that state a figure, in the order :func:`weigh` meets them."""
    return {one.story: None for stated in groups.values() for one in stated}


def _in_order(parts: list[StoryNumbers]) -> StoryNumbers:
    """One story's numbers from each of its groups', as weighing the groups in order builds them."""
    out = StoryNumbers()
    for part in parts:
        out.stated.update(part.stated)
        for metric, backing in part.backing.items():
            out.back(metric, backing)
        out.wholly |= part.wholly
        out.clashes.extend(part.clashes)
        out.own.extend(part.own)
    return out


# Past this many stories in one event and metric (a daily series), pairs of different days are
# weighed by a sweep over the days instead of one by one.
SWEEP_ABOVE = 64


def _sweep(
    stated: list[Stated], level: bool, numbers: dict[int, StoryNumbers], story_of: Mapping[int, Story]
) -> None:
    """:func:`_pair`'s rule over a long series, in ``n·v·log n`` for ``v`` voices, not ``n²``.

    Pairs of one day (and an undated story with every other) are weighed as :func:`_pair`
    weighs them. Across days, for a cumulative metric, each story looks at each voice
    (stories of one origin and parties) once: of its earlier stories, the highest that
    conflicts and the highest floor that backs it; of its later ones, the lowest that
    conflicts. Each backing is the one :func:`_pair` would keep as the strongest; a clash
    stands for every clash with that voice (the status is the same, fewer are named).
    """
    by_day: dict[str | None, list[Stated]] = defaultdict(list)
    for one in stated:
        by_day[one.date[:10] if one.date else None].append(one)
    undated = by_day.pop(None, [])
    for i, a in enumerate(undated):
        for b in [*undated[i + 1 :], *(x for day in by_day.values() for x in day)]:
            _pair(a, b, level, numbers, story_of[a.story], story_of[b.story])
    for day in by_day.values():
        for i, a in enumerate(day):
            for b in day[i + 1 :]:
                _pair(a, b, level, numbers, story_of[a.story], story_of[b.story])
    if level:
        return  # a level metric is compared only at one moment
    dated = sorted((s for s in stated if s.date), key=_day)  # once, for every voice
    voices: dict[tuple[frozenset[str], frozenset[str]], list[Stated]] = defaultdict(list)
    for one in dated:
        story = story_of[one.story]
        voices[(frozenset(story.origin), frozenset(story.parties))].append(one)
    for (origin, parties), series in voices.items():
        _against_voice(dated, origin, parties, series, numbers, story_of)


def _day(stated: Stated) -> str:
    return stated.date[:10] if stated.date else ""


def _against_voice(
    dated: list[Stated],
    origin: frozenset[str],
    parties: frozenset[str],
    series: list[Stated],
    numbers: dict[int, StoryNumbers],
    story_of: Mapping[int, Story],
) -> None:
    """What one voice's figures on other days say of every dated story of the group (``dated``,
    in day order; ``series``, the voice's own, among them)."""
    series.sort(key=lambda s: (_day(s), s.claim))
    days = [_day(s) for s in series]
    top: list[Stated] = []  # top[i]: the highest low among series[: i + 1]
    for one in series:
        top.append(
            one if not top or (one.figure.low, -one.claim) > (top[-1].figure.low, -top[-1].claim) else top[-1]
        )
    # bottom[i]: the lowest high among series[i:]; least[i]: the lowest low among them
    bottom: list[Stated] = [series[-1]] * len(series)
    least: list[Stated] = [series[-1]] * len(series)
    for i in range(len(series) - 2, -1, -1):
        here, after, under = series[i], bottom[i + 1], least[i + 1]
        bottom[i] = here if (_high(here.figure), here.claim) < (_high(after.figure), after.claim) else after
        least[i] = here if (here.figure.low, here.claim) < (under.figure.low, under.claim) else under
    earlier: list[tuple[int | float, int, int]] = []  # (low, -claim, index) of days passed, sorted
    passed = 0
    for own in dated:
        day, story = _day(own), story_of[own.story]
        mine = numbers[own.story]
        one_source = not origin.isdisjoint(story.origin)
        before, after = bisect_left(days, day), bisect_right(days, day)
        # one source's own count that fell (own.low below an earlier low) is a check finding;
        # another voice's figure that cannot hold with this one disputes it
        above = own.figure.low if one_source else _high(own.figure)
        if before and top[before - 1].figure.low > above:
            (mine.own if one_source else mine.clashes).append(Clash(own, top[before - 1]))
        later = (least if one_source else bottom)[after] if after < len(series) else None
        if later is not None and own.figure.low > (later.figure.low if one_source else _high(later.figure)):
            (mine.own if one_source else mine.clashes).append(Clash(own, later))
        if one_source or not parties.isdisjoint(story.parties):
            continue
        for k in range(passed, before):
            insort(earlier, (series[k].figure.low, -series[k].claim, k))
        passed = max(passed, before)
        # the highest floor that does not conflict: the strongest backing _pair would keep
        at = bisect_right(earlier, (_high(own.figure), math.inf, 0))
        if at:
            _support(own, series[earlier[at - 1][2]], -1, mine)


def _pair(a: Stated, b: Stated, level: bool, numbers: dict[int, StoryNumbers], sa: Story, sb: Story) -> None:
    """What two stories' figures of one metric say of each other, both ways."""
    order = moment_order(b.date, a.date)  # -1: b is earlier than a
    if level and order != 0:
        return  # a level (people in shelters now) is compared only at one moment
    one_source = _shared(sa.origin, sb.origin)
    if conflict(a.figure, b.figure, order):
        # another voice's figure disputes; one source's own figures that cannot both hold are
        # a self-correction (check), not a dispute
        for own, other in ((a, b), (b, a)):
            mine = numbers[own.story]
            (mine.own if one_source else mine.clashes).append(Clash(own, other))
        return
    if one_source:
        # two figures of one moment with no update between, or a floor one source lowers
        # ("at least 4,082", later "at least 4,074": both may hold, but its count fell)
        if (order == 0 and a.figure != b.figure) or (order != 0 and fell(a.figure, b.figure, order)):
            numbers[a.story].own.append(Clash(a, b))
            numbers[b.story].own.append(Clash(b, a))
        return
    if not sa.parties.isdisjoint(sb.parties):
        return  # two voices of one party do not confirm each other
    if order <= 0:
        _support(a, b, order, numbers[a.story])  # b is earlier, or of the same moment
    if order >= 0:
        _support(b, a, -order, numbers[b.story])


def _shared(origin: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Whether two stories' origins share a source (most have one source: no set is built)."""
    return origin[0] in other if len(origin) == 1 else not set(origin).isdisjoint(other)


def _support(own: Stated, other: Stated, order: int, mine: StoryNumbers) -> None:
    """An independent ``other``, earlier (-1) or of the same moment (0), backs ``own``'s figure:
    an earlier value of a cumulative metric is a floor, for it can only have grown since."""
    high = math.inf if order < 0 else _high(other.figure)
    full = other.figure.low >= own.figure.low and high <= _high(own.figure)
    if full or other.figure.low > 0:
        mine.back(own.figure.metric, Backing(other.claim, other.figure, full, other.figure.low))


def fell(own: Figure, other: Figure, order: int) -> bool:
    """Whether the later of two figures, ``other`` being earlier (-1) or later (1), states a
    lower number than the earlier one: for one source's own cumulative count, a correction."""
    return other.low > own.low if order < 0 else own.low > other.low


def conflict(own: Figure, other: Figure, order: int) -> bool:
    """Whether two figures cannot both hold, ``other`` being earlier (-1), later (1) or of the
    same moment (0): a cumulative metric may grow, never fall."""
    if order < 0:
        return other.low > _high(own)
    if order > 0:
        return own.low > _high(other)
    return other.low > _high(own) or own.low > _high(other)


def _high(figure: Figure) -> float:
    return math.inf if figure.high is None else figure.high


def share(part: int | float, claimed: Figure) -> int | None:
    """``part`` as a whole percentage of the claimed figure's low (43 for 2,552 of 5,977);
    never 100 unless it is all of it; None when the claim has no floor to share."""
    if claimed.low <= 0:
        return None
    percent = int(100 * part / claimed.low + 0.5)  # half up, as a reader rounds
    return 99 if percent >= 100 and part < claimed.low else min(percent, 100)
