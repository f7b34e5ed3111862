"""Verdicts: each claim's status, the reason for it, and its credibility (DESIGN §2).

Linear in claims + links: one pass over the links classifies each piece of
support or dispute by story, and one pass over the claims writes the verdicts,
each story's worked out once.

The rule in one place:

    X independently confirms C when X corroborates C, or any claim of C's story,
    and X is not retracted and not in C's story, X's origin shares no source with
    C's origin, and no party is common to both origins.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

from ..model import LACKING_CONFIRMATION, Claim, Link, Relation, Source, Status
from ..words import amount, and_more, grouped, voice
from .evidence import Backing, Clash, StoryNumbers, Weighed, share
from .stories import Story, Support, build_stories, classify_support, party_of

# How many ids a reason names before it says "and N more".
_REASON_IDS = 3


class Words:
    """A story's reasons, written when first read: a listing of 100 rows reads 100 of them, not
    the 100k a big ledger has. ``make`` gives the reason its members share, and the one its first
    claim gives (naming its relays) where that differs."""

    __slots__ = ("_made", "_make")

    def __init__(self, make: Callable[[], tuple[str, str | None]]) -> None:
        self._make = make
        self._made: tuple[str, str | None] | None = None

    def _words(self) -> tuple[str, str | None]:
        if self._made is None:
            self._made = self._make()
        return self._made

    def shared(self) -> str:
        return self._words()[0]

    def first(self) -> str:
        shared, first = self._words()
        return shared if first is None else first


@dataclass(slots=True, eq=False)  # not frozen, for speed (one per claim); never mutated
class Assessment:
    """The verdict on one claim, with everything the reason is made of.

    ``reason`` is written when first read (see :class:`Words`); it compares as the text it is.
    """

    claim: int
    status: Status
    _reason: str | Callable[[], str]
    credibility: int | None
    story: int
    origin: tuple[str, ...]
    confirmed_by: tuple[int, ...] = ()  # independent support: corroborations, figures that confirm
    contradicted_by: tuple[int, ...] = ()  # contradictions and conflicting figures
    supported_by: tuple[tuple[int, Support], ...] = ()  # every corroboration, and how it counts
    superseded_by: int | None = None
    relay: bool = False  # this claim repeats another claim of its story
    partly_by: tuple[int, ...] = ()  # independent figures that confirm only part of one

    @property
    def reason(self) -> str:
        reason = self._reason
        if not isinstance(reason, str):
            reason = self._reason = reason()
        return reason

    @property
    def lacks_independent_confirmation(self) -> bool:
        return self.status in LACKING_CONFIRMATION

    def _values(self) -> tuple[object, ...]:
        return tuple(self.reason if f == "_reason" else getattr(self, f) for f in _ASSESSED)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Assessment) and self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = ", ".join(f"{f.lstrip('_')}={v!r}" for f, v in zip(_ASSESSED, self._values(), strict=True))
        return f"Assessment({fields})"


_ASSESSED = tuple(Assessment.__dataclass_fields__)


@dataclass(slots=True)
class _StoryFacts:
    support: list[tuple[int, Support]] = field(default_factory=list)
    contradictions: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Summary:
    """The verdict every current member of one story shares, computed once per story."""

    status: Status
    words: Words  # the reason, written when read; the story's first claim also names its relays
    credibility: int
    confirmers: tuple[int, ...]
    contradictors: tuple[int, ...]
    supported_by: tuple[tuple[int, Support], ...]
    partly_by: tuple[int, ...] = ()


@dataclass(slots=True)
class _Ledger:
    """What every verdict reads: the records, the stories, and which stories are confirmed."""

    sources: Mapping[str, Source]
    claims: Mapping[int, Claim]
    story_of: Mapping[int, Story]
    confirmed_stories: Container[int]  # worked out when asked (_Confirmed), or all at once
    numbers: Mapping[int, StoryNumbers]


_NO_NUMBERS = StoryNumbers()


def analyze(
    sources: Mapping[str, Source],
    claims: Mapping[int, Claim],
    links: Sequence[Link],
    levels: frozenset[str] = frozenset(),
) -> dict[int, Assessment]:
    """Status, reason and credibility for every claim, in one pass over claims and links and
    one over each event's figures. ``levels``: the metrics declared levels, not cumulative."""
    return weigh_all(sources, claims, links, levels)[0]


def weigh_all(
    sources: Mapping[str, Source],
    claims: Mapping[int, Claim],
    links: Sequence[Link],
    levels: frozenset[str] = frozenset(),
) -> tuple[dict[int, Assessment], Mapping[int, StoryNumbers]]:
    """:func:`analyze`, and what each story's figures say (``check`` reads both)."""
    story_of = build_stories(claims, links, sources)
    relay_ids = relays_of(story_of)
    facts, superseded_by = _evidence(claims, links, story_of)
    numbers = _numbers(claims, story_of, relay_ids, superseded_by, levels)
    ledger = _Ledger(sources, claims, story_of, _Confirmed(facts, numbers), numbers)
    summary_of = _summaries(ledger, facts)

    def assess(cid: int) -> Assessment:
        claim, story = claims[cid], story_of[cid]
        summary = summary_of(story)
        status, credibility = summary.status, summary.credibility
        reason: str | Callable[[], str]
        if claim.retracted:
            when = (claim.retracted_at or "")[:10]
            note = f": {claim.retraction_note}" if claim.retraction_note else ""
            status, reason, credibility = Status.retracted, f"retracted {when}{note}", None
        elif cid in superseded_by:
            status, reason = Status.superseded, f"superseded by #{superseded_by[cid]}"
        elif cid != story.id:
            reason = partial(_same_story, story.id, summary.words)
        else:
            reason = summary.words.first
        return Assessment(
            cid,
            status,
            reason,
            credibility,
            story.id,
            story.origin,
            summary.confirmers,
            summary.contradictors,
            summary.supported_by,
            superseded_by.get(cid),
            cid in relay_ids,
            summary.partly_by,
        )

    def settle() -> None:
        """Every verdict is wanted: every group weighed at once, and which stories are
        confirmed worked out in one pass (the answers the lazy reads gave, sooner)."""
        every = ledger.numbers = numbers.everything()
        ledger.confirmed_stories = {
            s for s in facts.keys() | every.keys() if _wholly_confirmed(facts.get(s), every.get(s))
        }

    return _Assessed(claims, assess, settle), numbers


# Assessments read one by one before the rest are worked out in one pass: a listing of 100
# claims reads a few hundred, a status filter reads them all.
ONE_BY_ONE = 1000


class _Assessed(Mapping[int, Assessment]):
    """Each claim's assessment, worked out when first read: a listing of 100 claims weighs
    their stories and their events' figures, not every claim's. Past :data:`ONE_BY_ONE`
    reads, ``settle`` readies every verdict's inputs and the rest are worked out at once."""

    def __init__(
        self, claims: Mapping[int, Claim], assess: Callable[[int], Assessment], settle: Callable[[], None]
    ) -> None:
        self._claims, self._assess, self._settle = claims, assess, settle
        self._done: dict[int, Assessment] = {}
        self._whole = False

    def __getitem__(self, cid: int) -> Assessment:
        found = self._done.get(cid)
        if found is None:
            if cid not in self._claims:
                raise KeyError(cid)
            if not self._whole and len(self._done) >= ONE_BY_ONE:
                self._every()
                return self._done[cid]
            found = self._done[cid] = self._assess(cid)
        return found

    def _every(self) -> None:
        self._whole = True
        self._settle()
        done, assess = self._done, self._assess
        for cid in self._claims:
            if cid not in done:
                done[cid] = assess(cid)

    def __iter__(self) -> Iterator[int]:
        return iter(self._claims)

    def __len__(self) -> int:
        return len(self._claims)

    def __contains__(self, cid: object) -> bool:
        return cid in self._claims


class _Confirmed:
    """Which stories are wholly confirmed (:func:`_wholly_confirmed`), each worked out when
    first asked: a story's figures are weighed only when a verdict reads them."""

    def __init__(self, facts: Mapping[int, _StoryFacts], numbers: Mapping[int, StoryNumbers]) -> None:
        self._facts, self._numbers = facts, numbers
        self._known: dict[int, bool] = {}

    def __contains__(self, story: int) -> bool:
        known = self._known.get(story)
        if known is None:
            known = self._known[story] = _wholly_confirmed(self._facts.get(story), self._numbers.get(story))
        return known


def relays_of(story_of: Mapping[int, Story]) -> set[int]:
    return {r for story in story_of.values() if story.relays for r in story.relays}


def _numbers(
    claims: Mapping[int, Claim],
    story_of: Mapping[int, Story],
    relays: set[int],
    superseded_by: Mapping[int, int],
    levels: frozenset[str],
    metric: str | None = None,
) -> Mapping[int, StoryNumbers]:
    """What the current claims' figures (of ``metric`` only, if given) say of each story."""
    return Weighed(claims, story_of, relays, superseded_by, levels, metric)


def figure_evidence(
    sources: Mapping[str, Source],
    claims: Mapping[int, Claim],
    links: Sequence[Link],
    metric: str,
    levels: frozenset[str] = frozenset(),
) -> tuple[Mapping[int, Story], set[int], Mapping[int, StoryNumbers]]:
    """The stories, the relays, and what one metric's figures say of each story: what a series
    of that metric reads, without weighing every other metric or writing any reason."""
    story_of = build_stories(claims, links, sources)
    superseded_by: dict[int, int] = {}
    for link in links:
        a, b = claims.get(link.src), claims.get(link.dst)
        if link.relation is Relation.updates and a is not None and b is not None and a.id != b.id:
            _supersede(superseded_by, a, b)
    relays = relays_of(story_of)
    return story_of, relays, _numbers(claims, story_of, relays, superseded_by, levels, metric)


def _same_story(story: int, words: Words) -> str:
    return f"same story as #{story}: {words.shared()}"


def _wholly_confirmed(facts: _StoryFacts | None, numbers: StoryNumbers | None) -> bool:
    """Independent support, and every figure the story states confirmed (DESIGN §2)."""
    numbers = numbers or _NO_NUMBERS
    linked = facts is not None and any(k is Support.independent for _, k in facts.support)
    bests = [numbers.best(metric) for metric in numbers.stated]
    supported = linked or any(bests)
    return supported and all(b is not None and b.full for b in bests)


def _evidence(
    claims: Mapping[int, Claim], links: Sequence[Link], story_of: Mapping[int, Story]
) -> tuple[dict[int, _StoryFacts], dict[int, int]]:
    """One pass over the links: each story's support and contradictions, and what is superseded."""
    facts: dict[int, _StoryFacts] = defaultdict(_StoryFacts)
    superseded_by: dict[int, int] = {}
    for link in links:
        a, b = claims.get(link.src), claims.get(link.dst)
        if a is None or b is None or a.id == b.id:
            continue  # dangling or self-links are `check` findings, not evidence
        sa, sb = story_of[a.id], story_of[b.id]
        if link.relation is Relation.corroborates:
            facts[sb.id].support.append((a.id, classify_support(a, sa, sb)))
            facts[sa.id].support.append((b.id, classify_support(b, sb, sa)))
        elif link.relation is Relation.contradicts:
            if sa.id != sb.id:
                if not a.retracted:
                    facts[sb.id].contradictions.append(a.id)
                if not b.retracted:
                    facts[sa.id].contradictions.append(b.id)
        elif link.relation is Relation.updates:
            _supersede(superseded_by, a, b)
    _carry_forward(facts, superseded_by, claims, story_of)
    return facts, superseded_by


def _supersede(superseded_by: dict[int, int], newer: Claim, older: Claim) -> None:
    """``newer`` updates ``older``: the latest of its updates supersedes it (a retracted one
    supersedes nothing)."""
    if not newer.retracted:
        superseded_by[older.id] = max(superseded_by.get(older.id, newer.id), newer.id)


def _carry_forward(
    facts: dict[int, _StoryFacts],
    superseded_by: Mapping[int, int],
    claims: Mapping[int, Claim],
    story_of: Mapping[int, Story],
) -> None:
    """An independent corroboration of a superseded statement carries to the statement that
    updates it, the latest of its chain (its figures are judged again, by the figure rule)."""
    for old, new in superseded_by.items():
        seen = {old}
        while new in superseded_by and new not in seen:  # the latest; a loop of updates stops
            seen.add(new)
            new = superseded_by[new]
        old_facts, target = facts.get(story_of[old].id), story_of[new]
        if old_facts is None or target.id == story_of[old].id:
            continue
        for supporter, kind in list(old_facts.support):
            if kind is Support.independent:
                x = claims[supporter]
                facts[target.id].support.append((supporter, classify_support(x, story_of[x.id], target)))


def _summaries(ledger: _Ledger, facts: Mapping[int, _StoryFacts]):  # type: ignore[no-untyped-def]
    """story -> its summary, each worked out once; quiet single voices share one per origin."""
    empty = _StoryFacts()
    summaries: dict[int, _Summary] = {}
    quiet: dict[tuple[str, ...], _Summary] = {}  # one voice, no relays, nothing said about it

    def summary_of(story: Story) -> _Summary:
        summary = summaries.get(story.id)
        if summary is None:
            story_facts = facts.get(story.id)
            numbers = ledger.numbers.get(story.id)
            said = numbers is not None and (numbers.backing or numbers.clashes)
            if story_facts is None and not story.relays and not said:
                summary = quiet.get(story.origin)
                if summary is None:
                    summary = quiet[story.origin] = _summarise(story, empty, ledger)
            else:
                summary = _summarise(story, story_facts or empty, ledger)
            summaries[story.id] = summary
        return summary

    return summary_of


def _summarise(story: Story, f: _StoryFacts, ledger: _Ledger) -> _Summary:
    numbers = ledger.numbers.get(story.id, _NO_NUMBERS)
    if not f.support and not f.contradictions and not numbers.backing and not numbers.clashes:
        credibility = credibility_for(False, False, False, False)  # most stories: one voice, alone
        words = Words(lambda: _unconfirmed(story, [], ledger))
        return _Summary(Status.unconfirmed, words, credibility, (), (), ())
    if f.support:
        linked = _unique(x for x, k in f.support if k is Support.independent)
        same_party_support = _unique(x for x, k in f.support if k is Support.same_party)
    else:  # most stories a figure backs: no link supports them
        linked = same_party_support = ()
    bests = {metric: numbers.best(metric) for metric in numbers.stated}
    wholly = _unique(numbers.wholly)
    partly = _unique(b.by for b in bests.values() if b is not None and not b.full)
    confirmers = _unique([*linked, *wholly]) if linked else wholly
    contradictors = _unique([*f.contradictions, *(c.other.claim for c in numbers.clashes)])
    contradictor_confirmed = [x for x in contradictors if ledger.story_of[x].id in ledger.confirmed_stories]
    confirmed = story.id in ledger.confirmed_stories
    supported = bool(confirmers or partly)
    credibility = credibility_for(
        confirmed,
        bool(contradictors),
        bool(same_party_support) or (supported and not confirmed),
        bool(contradictor_confirmed),
    )
    supported_by = tuple(sorted(set(f.support)))

    def summary(status: Status, make: Callable[[], tuple[str, str | None]]) -> _Summary:
        return _Summary(status, Words(make), credibility, confirmers, contradictors, supported_by, partly)

    if contradictors:
        return summary(
            Status.disputed, lambda: (_disputed(f, numbers, contradictor_confirmed, confirmers, ledger), None)
        )
    if confirmed:
        return summary(Status.confirmed, lambda: (f"confirmed by {_name_claims(confirmers, ledger)}", None))
    if supported:
        return summary(Status.partly_confirmed, lambda: (_partly(linked, bests, numbers, ledger), None))
    return summary(
        Status.unconfirmed,
        lambda: _unconfirmed(story, _weak_support(story, f, same_party_support, ledger), ledger),
    )


def _partly(
    linked: Sequence[int], bests: Mapping[str, Backing | None], numbers: StoryNumbers, ledger: _Ledger
) -> str:
    """Which figures are confirmed, how much, and by whom; and which are not."""
    parts = [f"corroborated by {_name_claims(linked, ledger)}"] if linked else []
    for metric, best in bests.items():
        claimed = numbers.stated[metric].figure
        if best is None:
            parts.append(f"{metric}: no independent figure")
        elif best.full:
            parts.append(f"{metric}: confirmed by {_name_claims([best.by], ledger)}")
        else:
            pct = share(best.part, claimed)
            shown = f"at least {grouped(best.part)} of {amount(claimed)}"
            shown += f" ({pct}%)" if pct is not None else ""
            parts.append(f"{metric}: {shown} confirmed by {_name_claims([best.by], ledger)}")
    return "; ".join(parts)


def _disputed(
    f: _StoryFacts,
    numbers: StoryNumbers,
    confirmed: Sequence[int],
    confirmers: Sequence[int],
    ledger: _Ledger,
) -> str:
    linked = _unique(f.contradictions)
    parts = [f"contradicted by {_name_claims(linked, ledger)}"] if linked else []
    parts += [_clash_words(clash, ledger) for clash in numbers.clashes[:_REASON_IDS]]
    if len(numbers.clashes) > _REASON_IDS:
        parts[-1] += f" and {len(numbers.clashes) - _REASON_IDS} more"
    reason = "; ".join(parts)
    if confirmed:
        reason += f", which {'is' if len(confirmed) == 1 else 'are'} independently confirmed"
    if confirmers:
        reason += f"; yet independently confirmed by {_name_claims(confirmers, ledger)}"
    return reason


def _clash_words(clash: Clash, ledger: _Ledger) -> str:
    """``killed=39 conflicts with killed>=45 (#12, press, unaligned) as of 2023-12-29``."""
    own, other = clash.own, clash.other
    own_when = f" as of {own.date}" if own.date and own.date != other.date else ""
    their_when = f" as of {other.date}" if other.date else ""
    who = f"#{other.claim}, {voice(ledger.claims[other.claim].source, ledger.sources)}"
    return f"{own.figure}{own_when} conflicts with {other.figure} ({who}){their_when}"


def _weak_support(
    story: Story, f: _StoryFacts, same_party_support: Sequence[int], ledger: _Ledger
) -> list[str]:
    """What an unconfirmed story's support amounts to, and why it does not count."""
    parts = []
    if same_party_support:
        claims, sources = ledger.claims, ledger.sources
        parties = sorted({p for x in same_party_support if (p := party_of(sources, claims[x].source))})
        parts.append(
            f"corroborated only by {_ids(same_party_support)} of the same party ({', '.join(parties)})"
        )
    circular = _unique(x for x, k in f.support if k is Support.circular)
    if circular:
        parts.append(
            f"corroboration by {_ids(circular)} runs back to the same origin "
            f"({', '.join(story.origin)}): circular reporting"
        )
    withdrawn = _unique(x for x, k in f.support if k is Support.retracted)
    if withdrawn:
        parts.append(f"corroboration by {_ids(withdrawn)} was retracted")
    return parts


def _unconfirmed(story: Story, parts: list[str], ledger: _Ledger) -> tuple[str, str | None]:
    """The reason an unconfirmed story's members share, and the one its first claim gives."""
    origin = _single_origin(story)
    reason = "; ".join([origin, *parts])
    if not story.relays:
        return reason, None
    relayed = f"only relayed, by {_name_claims(story.relays, ledger)}"
    return reason, "; ".join([origin, relayed, *parts])


def credibility_for(
    confirmed: bool, disputed: bool, has_dependent_support: bool, contradictor_confirmed: bool
) -> int:
    """The Admiralty credibility 1-6 of DESIGN §2, from the four facts that decide it."""
    if disputed:
        if confirmed:
            return 6 if contradictor_confirmed else 2
        return 5 if contradictor_confirmed else 4
    if confirmed:
        return 1
    return 2 if has_dependent_support else 3


def _single_origin(story: Story) -> str:
    if len(story.origin) == 1:
        return f"single source: {story.origin[0]}"
    return f"one story from {', '.join(story.origin)}"


def _unique(ids: Iterable[int]) -> tuple[int, ...]:
    return tuple(sorted(set(ids)))


def _ids(ids: Sequence[int]) -> str:
    return and_more([f"#{i}" for i in ids[:_REASON_IDS]], len(ids))


def _name_claims(ids: Iterable[int], ledger: _Ledger) -> str:
    ids = list(ids)
    named = [f"#{i} ({voice(ledger.claims[i].source, ledger.sources)})" for i in ids[:_REASON_IDS]]
    return and_more(named, len(ids))
