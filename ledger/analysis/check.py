"""``check``: what is wrong in a ledger, as a list of checks returning findings as values.

The link rules refuse most of these when a link is made; a hand-edited file or
an older version may still hold them, and the analysis ignores what it cannot
use, so ``check`` is where they come to light. Each check is a function of the
ledger (or of one link) returning its findings; :func:`findings` runs them all,
the way beancount's ``ops/validation.py`` does. Remedies name the command that
mends the record: ``check`` exists to be read by a person at the command line.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..model import (
    Claim,
    Figure,
    HistoryEntry,
    Link,
    Relation,
    Source,
    chain_break,
    is_withheld,
    moment_order,
)
from ..words import amount
from . import links as rules
from .evidence import Stated, StoryNumbers, conflict
from .figures import FigureValue, figures
from .replay import REMEDY as REPLAY_REMEDY
from .replay import replay
from .verdicts import Assessment, weigh_all


@dataclass(frozen=True, slots=True)
class Finding:
    """Something wrong in a ledger (usually edited by hand), with the records and the remedy."""

    code: str
    message: str
    remedy: str
    claims: tuple[int, ...] = ()
    links: tuple[int, ...] = ()
    metric: str | None = None  # the metric a finding about figures is about

    def to_dict(self) -> dict[str, object]:
        """The shape of ``check --json``."""
        return {
            "code": self.code,
            "message": self.message,
            "remedy": self.remedy,
            "claims": list(self.claims),
            "links": list(self.links),
            "metric": self.metric,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Finding:
        """A finding from :meth:`to_dict`'s shape (the derived cache keeps ``check``'s that way)."""
        return cls(d["code"], d["message"], d["remedy"], tuple(d["claims"]), tuple(d["links"]), d["metric"])


@dataclass
class Ledger:
    """What the checks read: the records, the verdicts, and indexes built once."""

    sources: Mapping[str, Source]
    claims: Mapping[int, Claim]
    links: Sequence[Link]
    history: Sequence[HistoryEntry]
    head: tuple[int, str | None] | None
    assessments: Mapping[int, Assessment]
    levels: frozenset[str]
    numbers: Mapping[int, StoryNumbers]
    last_ids: Mapping[str, int] | None = None  # the id counters, when the store gives them
    withheld: bool = False  # read without the confidential level: see model.chain_break
    first_link: dict[frozenset[int], Link] = field(default_factory=dict)  # of each pair of claims

    def __post_init__(self) -> None:
        self._ends: dict[int, tuple[Claim, Claim] | None] = {}
        for lk in self.links:
            a, b = self.claims.get(lk.src), self.claims.get(lk.dst)
            ends = (a, b) if a is not None and b is not None and a.id != b.id else None
            self._ends[id(lk)] = ends
            if ends is not None:
                self.first_link.setdefault(frozenset((lk.src, lk.dst)), lk)

    def ends(self, lk: Link) -> tuple[Claim, Claim] | None:
        """The two claims a link joins, or None if it is dangling or joins a claim to itself."""
        return self._ends[id(lk)]


def _unlink(lk: Link) -> str:
    return f"claim-ledger unlink {lk.src} {lk.dst}"


# --------------------------------------------------------------------------- one claim


def unknown_source(claim: Claim, ledger: Ledger) -> Iterator[Finding]:
    if claim.source not in ledger.sources:
        yield Finding(
            "unknown-source",
            f"claim #{claim.id} names source {claim.source!r}, which the ledger does not have",
            f"add it: claim-ledger source add {claim.source} --name ... --kind ...",
            (claim.id,),
        )


# --------------------------------------------------------------------------- one link


def dangling_link(lk: Link, ledger: Ledger) -> Iterator[Finding]:
    missing = [end for end in (lk.src, lk.dst) if end not in ledger.claims]
    if missing:
        yield Finding(
            "dangling-link",
            f"link {lk.id} (#{lk.src} {lk.relation.value} #{lk.dst}) points to claim #{missing[0]}, "
            "which does not exist",
            "remove the link from the file, or restore the claim from a backup",
            links=(lk.id,),
        )


def self_link(lk: Link, ledger: Ledger) -> Iterator[Finding]:
    broken = rules.self_link(lk.src, lk.relation, lk.dst)
    if broken is not None and lk.src in ledger.claims:
        yield Finding(broken.rule, broken.message, _unlink(lk), (lk.src,), (lk.id,))


def duplicate_link(lk: Link, ledger: Ledger) -> Iterator[Finding]:
    if ledger.ends(lk) is None:
        return
    first = ledger.first_link[frozenset((lk.src, lk.dst))]
    broken = rules.duplicate_link(lk.src, lk.dst, first if first.id != lk.id else None)
    if broken is not None:
        remedy = f"keep one: {_unlink(lk)}, then link them again"
        yield Finding(broken.rule, broken.message, remedy, (lk.src, lk.dst), (first.id, lk.id))


def in_one_story(lk: Link, ledger: Ledger) -> Iterator[Finding]:
    """Corroboration or contradiction between two claims of one story."""
    if ledger.ends(lk) is None:
        return
    story = ledger.assessments[lk.src].story
    if story != ledger.assessments[lk.dst].story:
        return
    if lk.relation is Relation.corroborates:
        yield Finding(
            "circular-corroboration",
            f"#{lk.src} corroborates #{lk.dst}, but both are one story (#{story}): "
            "a relay cannot confirm what it relays",
            f"{_unlink(lk)}; corroboration must come from outside the story",
            (lk.src, lk.dst),
            (lk.id,),
        )
    elif lk.relation is Relation.contradicts:
        yield Finding(
            "contradiction-in-story",
            f"#{lk.src} contradicts #{lk.dst}, but one relays the other (story #{story})",
            f"{_unlink(lk)}; if the relay changed the claim, it is not a repeat: link it otherwise",
            (lk.src, lk.dst),
            (lk.id,),
        )


def update_across_sources(lk: Link, ledger: Ledger) -> Iterator[Finding]:
    ends = ledger.ends(lk)
    broken = ends and rules.update_across_sources(ends[0], lk.relation, ends[1])
    if broken:
        remedy = f"{_unlink(lk)}, then link them with corroborates or contradicts"
        yield Finding(broken.rule, broken.message, remedy, (lk.src, lk.dst), (lk.id,))


# --------------------------------------------------------------------------- the whole ledger


def repeats_cycles(ledger: Ledger) -> Iterator[Finding]:
    """Each loop of ``repeats`` once (iterative depth-first search: linear, no recursion limit)."""
    repeats: dict[int, list[int]] = defaultdict(list)
    for lk in ledger.links:
        if lk.relation is Relation.repeats and ledger.ends(lk) is not None:
            repeats[lk.src].append(lk.dst)
    for loop in _loops(repeats):
        yield Finding(
            "repeats-cycle",
            "claims " + " -> ".join(f"#{c}" for c in [*loop, loop[0]]) + " repeat each other in a loop",
            f"a relay repeats something earlier: claim-ledger unlink {loop[-1]} {loop[0]}",
            tuple(loop),
        )


def _loops(repeats: Mapping[int, list[int]]) -> Iterator[list[int]]:
    state: dict[int, int] = {}  # 1: on the current path, 2: done
    for start in sorted(repeats):
        if state.get(start):
            continue
        path: list[int] = []
        stack: list[tuple[int, int]] = [(start, 0)]
        while stack:
            node, i = stack.pop()
            if i == 0:
                state[node] = 1
                path.append(node)
            targets = repeats.get(node, [])
            if i < len(targets):
                stack.append((node, i + 1))
                nxt = targets[i]
                if state.get(nxt) == 1:
                    yield path[path.index(nxt) :]
                elif not state.get(nxt):
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()


_CHAIN_REMEDY = (
    "the file was edited by hand: compare it with a backup (export json), and restore the backup "
    "if the change was not yours"
)


def history_chain(ledger: Ledger) -> Iterator[Finding]:
    """The first history entry whose hash does not follow (later ones follow from it)."""
    broken = chain_break(ledger.history, withheld=ledger.withheld)
    if broken is not None:
        entry, what = broken
        yield Finding("history-chain", f"history entry {entry.id} ({entry.action}) {what}", _CHAIN_REMEDY)
        return
    ordered = sorted(ledger.history, key=lambda e: e.id)
    prev = ordered[-1].hash if ordered else None
    last = max((e.id for e in ledger.history), default=0)
    if ledger.head is not None and ledger.head != (last, prev):
        yield Finding(
            "history-chain",
            f"the ledger's history ends at entry {last}, but its last recorded entry is {ledger.head[0]}: "
            "entries were removed",
            _CHAIN_REMEDY,
        )


def history_replay(ledger: Ledger) -> Iterator[Finding]:
    """The records as the history says they should be: every difference (see :mod:`.replay`)."""
    if not ledger.history:
        return  # a ledger with no history at all (an old or a built one) has nothing to replay
    if ledger.withheld and any(is_withheld(e) for e in ledger.history):
        return  # what those entries did is not known here: withheld_entries says so
    found = replay(ledger.history, ledger.sources, ledger.claims, ledger.links, ledger.last_ids)
    for message, claims, links in found:
        yield Finding("history-replay", message, REPLAY_REMEDY, claims, links)


def withheld_entries(history: Sequence[HistoryEntry], withheld: bool) -> int:
    """How many history entries ``check`` could not read (confidential: see chain_break)."""
    return sum(1 for e in history if is_withheld(e)) if withheld else 0


def sealed(history: Sequence[HistoryEntry], seal: str, withheld: bool = False) -> Finding | None:
    """Whether the history still holds, intact, the entry a seal (its hash, kept elsewhere) names."""
    seal = seal.strip().casefold()
    upto = next((e for e in history if e.hash == seal), None)
    remedy = "restore the ledger from a backup you trust; the seal names what was there"
    if upto is None:
        return Finding(
            "seal",
            f"no history entry has the hash {seal[:16]}…: the history this seal was taken of was "
            "rewritten or cut",
            remedy,
        )
    broken = chain_break([e for e in history if e.id <= upto.id], withheld=withheld)
    if broken is not None:
        entry, what = broken
        return Finding("seal", f"history entry {entry.id} ({entry.action}), before the seal, {what}", remedy)
    return None


def relay_errors(ledger: Ledger) -> Iterator[Finding]:
    """Relays that change their origin's figure, or only its hedge ("about", "more than"), a run
    of them on consecutive days as one finding."""
    runs: dict[tuple[str, str, str, str, str], list[tuple[FigureValue, FigureValue]]] = defaultdict(list)
    # a story of one claim relays nothing: its values are not worked out (most of a ledger)
    size = Counter(a.story for a in ledger.assessments.values())
    told = [c for c in ledger.claims.values() if size[ledger.assessments[c.id].story] > 1]
    for metric in figures(told, ledger.assessments):
        originals = {v.story: v for v in metric.values if not v.relay_error}
        for value in metric.values:
            origin = originals.get(value.story)
            if value.relay_error and origin is not None:
                runs[("relay-error", metric.event, metric.metric, value.source, origin.source)].append(
                    (value, origin)
                )
            for relay in value.requalified:
                claim = ledger.claims[relay]
                said = FigureValue(
                    relay, claim.source, _figure_of(claim, metric.metric), value.story, (), True
                )
                key = ("relay-qualifier", metric.event, metric.metric, claim.source, value.source)
                runs[key].append((said, value))
    for (code, _, metric, relay_source, origin_source), errors in runs.items():
        errors.sort(key=lambda pair: (ledger.claims[pair[0].claim].date or "", pair[0].claim))
        for run in _consecutive(errors, ledger):
            yield _relay_finding(code, metric, relay_source, origin_source, run, ledger)


def _figure_of(claim: Claim, metric: str) -> Figure:
    return next(f for f in claim.figures if f.metric == metric)


def _consecutive(
    errors: list[tuple[FigureValue, FigureValue]], ledger: Ledger
) -> Iterator[list[tuple[FigureValue, FigureValue]]]:
    """Runs of errors on consecutive days (undated ones alone)."""
    run: list[tuple[FigureValue, FigureValue]] = []
    for pair in errors:
        day = _day(ledger.claims[pair[0].claim].date)
        last = _day(ledger.claims[run[-1][0].claim].date) if run else None
        if run and (day is None or last is None or (day - last).days > 1):
            yield run
            run = []
        run.append(pair)
    if run:
        yield run


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _relay_finding(
    code: str,
    metric: str,
    relay_source: str,
    origin_source: str,
    run: list[tuple[FigureValue, FigureValue]],
    ledger: Ledger,
) -> Finding:
    if code == "relay-qualifier":
        remedy = 'check the relay against its origin: a number said with "about" or "more than" is a hedge'
        changed = "the same number with another hedge"
    else:
        remedy = "check the relay against its origin; if it reports something else, it is not a repeat"
        changed = "other than their origin"
    relay, origin = run[0]

    def said(value: FigureValue) -> str:
        when = ledger.claims[value.claim].date
        return amount(value.figure) + (f" as of {when}" if when else "")

    one = (
        f"#{relay.claim} ({relay_source}) relays #{origin.claim} ({origin_source}) but gives {metric} as "
        f"{said(relay)}, where its origin says {said(origin)}"
    )
    if len(run) == 1:
        return Finding(code, one, remedy, (relay.claim, relay.story), metric=metric)
    first, last = ledger.claims[run[0][0].claim].date, ledger.claims[run[-1][0].claim].date
    message = (
        f"{len(run)} relays by {relay_source} of {origin_source} give {metric} {changed}, "
        f"on every day from {first} to {last}; the first: {one}"
    )
    return Finding(code, message, remedy, tuple(r.claim for r, _ in run), metric=metric)


def corroboration_conflicts(lk: Link, ledger: Ledger) -> Iterator[Finding]:
    """A ``corroborates`` link between two claims whose figures cannot both hold."""
    ends = ledger.ends(lk)
    if lk.relation is not Relation.corroborates or ends is None:
        return
    a, b = ends
    if a.event is None or a.event != b.event:
        return
    theirs = {f.metric: f for f in b.figures}
    for mine in a.figures:
        other = theirs.get(mine.metric)
        order = moment_order(b.date, a.date)
        if (
            other is not None
            and not (mine.metric in ledger.levels and order)
            and conflict(mine, other, order)
        ):
            yield Finding(
                "corroboration-conflict",
                f"#{a.id} corroborates #{b.id}, but their figures cannot both hold: {mine}"
                f"{_as_of(a)} and {other}{_as_of(b)}",
                f"{_unlink(lk)}, then link them with contradicts if one disputes the other",
                (a.id, b.id),
                (lk.id,),
            )


def _as_of(claim: Claim) -> str:
    return f" as of {claim.date}" if claim.date else ""


def self_corrections(ledger: Ledger) -> Iterator[Finding]:
    """One source's own figures that fall (a cumulative metric) or differ at one moment."""
    # one finding per claim that falls (or differs), against the highest earlier figure
    worst: dict[tuple[str, int], tuple[Stated, Stated]] = {}
    for numbers in ledger.numbers.values():
        for clash in numbers.own:
            early, late = sorted((clash.own, clash.other), key=lambda s: (s.date or "", s.claim))
            key = (late.figure.metric, late.claim)
            held = worst.get(key)
            if held is None or (early.figure.low, -early.claim) > (held[0].figure.low, -held[0].claim):
                worst[key] = (early, late)
    for early, late in worst.values():
        yield _self_finding(early, late, ledger)
    for lk in ledger.links:
        ends = ledger.ends(lk)
        if lk.relation is Relation.updates and ends is not None:
            yield from _fallen(ends[0], ends[1], lk, ledger)


def _self_finding(early: Stated, late: Stated, ledger: Ledger) -> Finding:
    source = ledger.claims[late.claim].source
    same_moment = moment_order(early.date, late.date) == 0
    what = "differ at the same moment" if same_moment else "fall, for a figure that can only grow"
    if not same_moment and not conflict(late.figure, early.figure, -1):
        what = "fall: the later floor is lower (both may hold, but the count was lowered)"
    return Finding(
        "self-correction",
        f"{source} gives {early.figure}{_as_of(ledger.claims[early.claim])} (#{early.claim}) and "
        f"{late.figure}{_as_of(ledger.claims[late.claim])} (#{late.claim}): its own figures {what}",
        f"if #{late.claim} corrects #{early.claim}: claim-ledger link {late.claim} updates {early.claim}; "
        "if the metric can go down, declare it: claim-ledger metric set "
        f"{early.figure.metric} --level",
        (early.claim, late.claim),
        metric=early.figure.metric,
    )


def _fallen(newer: Claim, older: Claim, lk: Link, ledger: Ledger) -> Iterator[Finding]:
    earlier = {f.metric: f for f in older.figures}
    for figure in newer.figures:
        before = earlier.get(figure.metric)
        if before is not None and figure.metric not in ledger.levels and conflict(figure, before, -1):
            yield Finding(
                "self-correction",
                f"#{newer.id} updates #{older.id} and gives {figure}{_as_of(newer)} where #{older.id} gave "
                f"{before}{_as_of(older)}: a figure that can only grow fell",
                "nothing to do if the source corrected its own figure; if the metric can go down: "
                f"claim-ledger metric set {figure.metric} --level",
                (newer.id, older.id),
                (lk.id,),
                metric=figure.metric,
            )


CLAIM_CHECKS: tuple[Callable[[Claim, Ledger], Iterator[Finding]], ...] = (unknown_source,)
LINK_CHECKS: tuple[Callable[[Link, Ledger], Iterator[Finding]], ...] = (
    dangling_link,
    self_link,
    duplicate_link,
    in_one_story,
    update_across_sources,
    corroboration_conflicts,
)
LEDGER_CHECKS: tuple[Callable[[Ledger], Iterator[Finding]], ...] = (
    repeats_cycles,
    history_chain,
    history_replay,
    relay_errors,
    self_corrections,
)


def findings(
    sources: Mapping[str, Source],
    claims: Mapping[int, Claim],
    links: Sequence[Link],
    history: Sequence[HistoryEntry] = (),
    head: tuple[int, str | None] | None = None,
    levels: frozenset[str] = frozenset(),
    seal: str | None = None,
    weighed: tuple[Mapping[int, Assessment], Mapping[int, StoryNumbers]] | None = None,
    last_ids: Mapping[str, int] | None = None,
    withheld: bool = False,
) -> list[Finding]:
    """Every finding in the ledger: each claim's, then each link's, then the whole ledger's.
    ``weighed``: the verdicts and figures' evidence already worked out for these records.
    ``withheld``: the records were read without the confidential level (a team ledger)."""
    assessments, numbers = weighed or weigh_all(sources, claims, links, levels)
    ledger = Ledger(sources, claims, links, history, head, assessments, levels, numbers, last_ids, withheld)
    found = [f for claim in claims.values() for check in CLAIM_CHECKS for f in check(claim, ledger)]
    found += [f for lk in links for check in LINK_CHECKS for f in check(lk, ledger)]
    found += [f for check in LEDGER_CHECKS for f in check(ledger)]
    broken_seal = sealed(history, seal, withheld) if seal else None
    return [*found, broken_seal] if broken_seal else found
