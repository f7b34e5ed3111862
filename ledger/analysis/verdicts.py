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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..model import Claim, Link, Relation, Source, Status
from ..words import and_more, voice
from .stories import Story, Support, build_stories, classify_support, party_of

# How many ids a reason names before it says "and N more".
_REASON_IDS = 3


@dataclass(slots=True)  # not frozen, for speed (one per claim); never mutated
class Assessment:
    """The verdict on one claim, with everything the reason is made of."""

    claim: int
    status: Status
    reason: str
    credibility: int | None
    story: int
    origin: tuple[str, ...]
    confirmed_by: tuple[int, ...] = ()
    contradicted_by: tuple[int, ...] = ()
    supported_by: tuple[tuple[int, Support], ...] = ()
    superseded_by: int | None = None
    relay: bool = False  # this claim repeats another claim of its story

    @property
    def lacks_independent_confirmation(self) -> bool:
        return self.status in (Status.unconfirmed, Status.disputed)


@dataclass(slots=True)
class _StoryFacts:
    support: list[tuple[int, Support]] = field(default_factory=list)
    contradictions: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Summary:
    """The verdict every current member of one story shares, computed once per story."""

    status: Status
    reason: str
    root_reason: str | None  # the story's first claim also names its relays
    credibility: int
    confirmers: tuple[int, ...]
    contradictors: tuple[int, ...]
    supported_by: tuple[tuple[int, Support], ...]


@dataclass(slots=True)
class _Ledger:
    """What every verdict reads: the records, the stories, and which stories are confirmed."""

    sources: Mapping[str, Source]
    claims: Mapping[int, Claim]
    story_of: Mapping[int, Story]
    confirmed_stories: set[int]


def analyze(
    sources: Mapping[str, Source],
    claims: Mapping[int, Claim],
    links: Sequence[Link],
) -> dict[int, Assessment]:
    """Status, reason and credibility for every claim, in one pass over claims and links."""
    story_of = build_stories(claims, links, sources)
    relay_ids = {r for story in story_of.values() if story.relays for r in story.relays}
    facts, superseded_by = _evidence(claims, links, story_of)
    confirmed = {sid for sid, f in facts.items() if any(k is Support.independent for _, k in f.support)}
    ledger = _Ledger(sources, claims, story_of, confirmed)
    summary_of = _summaries(ledger, facts)
    result: dict[int, Assessment] = {}
    for cid, claim in claims.items():
        story = story_of[cid]
        summary = summary_of(story)
        status, reason, credibility = summary.status, summary.reason, summary.credibility
        if claim.retracted:
            when = (claim.retracted_at or "")[:10]
            note = f": {claim.retraction_note}" if claim.retraction_note else ""
            status, reason, credibility = Status.retracted, f"retracted {when}{note}", None
        elif cid in superseded_by:
            status, reason = Status.superseded, f"superseded by #{superseded_by[cid]}"
        elif cid != story.id:
            reason = f"same story as #{story.id}: {reason}"
        elif summary.root_reason is not None:
            reason = summary.root_reason
        result[cid] = Assessment(
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
        )
    return result


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
        elif link.relation is Relation.updates and not a.retracted:
            current = superseded_by.get(b.id)
            superseded_by[b.id] = a.id if current is None else max(current, a.id)
    return facts, superseded_by


def _summaries(ledger: _Ledger, facts: Mapping[int, _StoryFacts]):  # type: ignore[no-untyped-def]
    """story -> its summary, each worked out once; quiet single voices share one per origin."""
    empty = _StoryFacts()
    summaries: dict[int, _Summary] = {}
    quiet: dict[tuple[str, ...], _Summary] = {}  # one voice, no relays, nothing said about it

    def summary_of(story: Story) -> _Summary:
        summary = summaries.get(story.id)
        if summary is None:
            story_facts = facts.get(story.id)
            if story_facts is None and not story.relays:
                summary = quiet.get(story.origin)
                if summary is None:
                    summary = quiet[story.origin] = _summarise(story, empty, ledger)
            else:
                summary = _summarise(story, story_facts or empty, ledger)
            summaries[story.id] = summary
        return summary

    return summary_of


def _summarise(story: Story, f: _StoryFacts, ledger: _Ledger) -> _Summary:
    if not f.support and not f.contradictions:  # most stories: one voice, nothing said about it
        credibility = credibility_for(False, False, False, False)
        return _Summary(Status.unconfirmed, *_unconfirmed(story, [], ledger), credibility, (), (), ())
    confirmers = _unique(x for x, k in f.support if k is Support.independent)
    contradictors = _unique(f.contradictions)
    same_party_support = _unique(x for x, k in f.support if k is Support.same_party)
    contradictor_confirmed = [x for x in contradictors if ledger.story_of[x].id in ledger.confirmed_stories]
    credibility = credibility_for(
        bool(confirmers), bool(contradictors), bool(same_party_support), bool(contradictor_confirmed)
    )
    supported_by = tuple(sorted(set(f.support)))

    def summary(status: Status, reason: str, root_reason: str | None = None) -> _Summary:
        return _Summary(status, reason, root_reason, credibility, confirmers, contradictors, supported_by)

    if contradictors:
        return summary(Status.disputed, _disputed(contradictors, contradictor_confirmed, confirmers, ledger))
    if confirmers:
        return summary(Status.confirmed, f"confirmed by {_name_claims(confirmers, ledger)}")
    parts = _weak_support(story, f, same_party_support, ledger)
    return summary(Status.unconfirmed, *_unconfirmed(story, parts, ledger))


def _disputed(
    contradictors: Sequence[int], confirmed: Sequence[int], confirmers: Sequence[int], ledger: _Ledger
) -> str:
    reason = f"contradicted by {_name_claims(contradictors, ledger)}"
    if confirmed:
        reason += f", which {'is' if len(confirmed) == 1 else 'are'} independently confirmed"
    if confirmers:
        reason += f"; yet independently confirmed by {_name_claims(confirmers, ledger)}"
    return reason


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
