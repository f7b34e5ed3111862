"""``check``: what is wrong in a ledger, as a list of checks returning findings as values.

The link rules refuse most of these when a link is made; a hand-edited file or
an older version may still hold them, and the analysis ignores what it cannot
use, so ``check`` is where they come to light. Each check is a function of the
ledger (or of one link) returning its findings; :func:`findings` runs them all,
the way beancount's ``ops/validation.py`` does. Remedies name the command that
mends the record: ``check`` exists to be read by a person at the command line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from ..model import Claim, HistoryEntry, Link, Relation, Source, chain_hash
from . import links as rules
from .figures import figures
from .verdicts import Assessment, analyze


@dataclass(frozen=True, slots=True)
class Finding:
    """Something wrong in a ledger (usually edited by hand), with the records and the remedy."""

    code: str
    message: str
    remedy: str
    claims: tuple[int, ...] = ()
    links: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """The shape of ``check --json``."""
        return {
            "code": self.code,
            "message": self.message,
            "remedy": self.remedy,
            "claims": list(self.claims),
            "links": list(self.links),
        }


@dataclass
class Ledger:
    """What the checks read: the records, the verdicts, and indexes built once."""

    sources: Mapping[str, Source]
    claims: Mapping[int, Claim]
    links: Sequence[Link]
    history: Sequence[HistoryEntry]
    head: tuple[int, str | None] | None
    assessments: Mapping[int, Assessment]
    first_link: dict[frozenset[int], Link] = field(default_factory=dict)  # of each pair of claims

    def __post_init__(self) -> None:
        for lk in self.links:
            if lk.src in self.claims and lk.dst in self.claims and lk.src != lk.dst:
                self.first_link.setdefault(frozenset((lk.src, lk.dst)), lk)

    def ends(self, lk: Link) -> tuple[Claim, Claim] | None:
        """The two claims a link joins, or None if it is dangling or joins a claim to itself."""
        a, b = self.claims.get(lk.src), self.claims.get(lk.dst)
        return (a, b) if a is not None and b is not None and a.id != b.id else None


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
    prev = None
    for entry in sorted(ledger.history, key=lambda e: e.id):
        if entry.prev != prev or entry.hash != chain_hash(entry, entry.prev):
            what = "was changed" if entry.prev == prev else "does not follow the entry before it"
            yield Finding("history-chain", f"history entry {entry.id} ({entry.action}) {what}", _CHAIN_REMEDY)
            return
        prev = entry.hash
    last = max((e.id for e in ledger.history), default=0)
    if ledger.head is not None and ledger.head != (last, prev):
        yield Finding(
            "history-chain",
            f"the ledger's history ends at entry {last}, but its last recorded entry is {ledger.head[0]}: "
            "entries were removed",
            _CHAIN_REMEDY,
        )


def relay_errors(ledger: Ledger) -> Iterator[Finding]:
    for metric in figures(ledger.claims.values(), ledger.assessments):
        for value in metric.values:
            if value.relay_error:
                yield Finding(
                    "relay-error",
                    f"#{value.claim} relays story #{value.story} but gives {metric.metric} as "
                    f"{value.figure.value}, which is not what its origin ({', '.join(value.origin)}) says",
                    "check the relay against its origin; if it reports something else, it is not a repeat",
                    (value.claim, value.story),
                )


CLAIM_CHECKS: tuple[Callable[[Claim, Ledger], Iterator[Finding]], ...] = (unknown_source,)
LINK_CHECKS: tuple[Callable[[Link, Ledger], Iterator[Finding]], ...] = (
    dangling_link,
    self_link,
    duplicate_link,
    in_one_story,
    update_across_sources,
)
LEDGER_CHECKS: tuple[Callable[[Ledger], Iterator[Finding]], ...] = (
    repeats_cycles,
    history_chain,
    relay_errors,
)


def findings(
    sources: Mapping[str, Source],
    claims: Mapping[int, Claim],
    links: Sequence[Link],
    history: Sequence[HistoryEntry] = (),
    head: tuple[int, str | None] | None = None,
) -> list[Finding]:
    """Every finding in the ledger: each claim's, then each link's, then the whole ledger's."""
    ledger = Ledger(sources, claims, links, history, head, analyze(sources, claims, links))
    found = [f for claim in claims.values() for check in CLAIM_CHECKS for f in check(claim, ledger)]
    found += [f for lk in links for check in LINK_CHECKS for f in check(lk, ledger)]
    found += [f for check in LEDGER_CHECKS for f in check(ledger)]
    return found
