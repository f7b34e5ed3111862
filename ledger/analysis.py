"""Pure analysis: stories, origins, independence, status, reason and credibility.

Everything here is a function of plain values (sources, claims, links) and is
linear in claims + links: one union-find pass over ``repeats`` links builds the
stories, one pass over the other links classifies each piece of support or
dispute, and one pass over the claims writes the verdicts.

The rule (DESIGN §2) in one place:

    X independently confirms C when X corroborates C, or any claim of C's story,
    and X is not retracted and not in C's story, X's origin shares no source with
    C's origin, and no party is common to both origins.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from .errors import Conflict
from .model import Claim, Figure, HistoryEntry, Link, Relation, Source, Status, chain_hash

# How many ids a reason names before it says "and N more".
_REASON_IDS = 3


class Support(StrEnum):
    """How a corroboration counts for the claim it supports."""

    independent = "independent"
    same_party = "same_party"  # a different source of the same party: not independent
    circular = "circular"  # runs back to the claim's own origin, or inside its story
    retracted = "retracted"  # the corroborating claim was withdrawn


@dataclass(slots=True)  # not frozen: one per claim at worst, built on every command; never mutated
class Story:
    """Claims joined by ``repeats``: the original assertion(s) and their relays."""

    id: int  # the lowest root id: how the story is named ("same story as #6")
    relays: tuple[int, ...]  # members that repeat something (none if repeats form a cycle)
    origin: tuple[str, ...]  # the roots' sources
    parties: frozenset[str]  # the origin's parties, casefolded


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


# --------------------------------------------------------------------------- stories


def build_stories(
    claims: Mapping[int, Claim], links: Iterable[Link], sources: Mapping[str, Source] | None = None
) -> dict[int, Story]:
    """Map each claim id to its story (union-find over ``repeats``; dangling ends ignored).

    With ``sources``, each story also carries its origin's parties. Only claims
    touched by a ``repeats`` link go through the union-find; every other claim
    is a story of its own.
    """
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    repeats_something: set[int] = set()
    for link in links:
        if link.relation is Relation.repeats and link.src in claims and link.dst in claims:
            if link.src != link.dst:
                repeats_something.add(link.src)
            parent.setdefault(link.src, link.src)
            parent.setdefault(link.dst, link.dst)
            a, b = find(link.src), find(link.dst)
            if a != b:
                parent[max(a, b)] = min(a, b)

    party_sets: dict[str, frozenset[str]] = {}

    def parties_of(source_id: str) -> frozenset[str]:
        found = party_sets.get(source_id)
        if found is None:
            party = _party(sources, source_id) if sources else None
            found = party_sets[source_id] = frozenset((party.casefold(),)) if party else frozenset()
        return found

    by_claim: dict[int, Story] = {}
    for cid, claim in claims.items():
        if cid not in parent:
            by_claim[cid] = Story(cid, (), (claim.source,), parties_of(claim.source))

    groups: dict[int, list[int]] = defaultdict(list)
    for cid in parent:
        groups[find(cid)].append(cid)
    for members in groups.values():
        members.sort()
        roots = [m for m in members if m not in repeats_something] or members
        root_set = set(roots)
        relays = tuple(m for m in members if m not in root_set)
        origin = tuple(sorted({claims[r].source for r in roots}))
        parties = frozenset().union(*(parties_of(o) for o in origin))
        story = Story(id=roots[0], relays=relays, origin=origin, parties=parties)
        for m in members:
            by_claim[m] = story
    return by_claim


def _party(sources: Mapping[str, Source], source_id: str) -> str | None:
    source = sources.get(source_id)
    return source.party if source else None


def classify_support(supporter: Claim, s_story: Story, target: Story) -> Support:
    """How ``supporter`` (of story ``s_story``) counts as corroboration for ``target``."""
    if supporter.retracted:
        return Support.retracted
    if s_story.id == target.id or set(s_story.origin) & set(target.origin):
        return Support.circular
    if s_story.parties & target.parties:
        return Support.same_party
    return Support.independent


# --------------------------------------------------------------------------- analysis


def analyze(
    sources: Mapping[str, Source],
    claims: Mapping[int, Claim],
    links: Sequence[Link],
) -> dict[int, Assessment]:
    """Status, reason and credibility for every claim, in one pass over claims and links."""
    story_of = build_stories(claims, links, sources)
    relay_ids = {r for story in story_of.values() if story.relays for r in story.relays}

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

    confirmed_stories = {
        sid for sid, f in facts.items() if any(k is Support.independent for _, k in f.support)
    }
    empty = _StoryFacts()
    summaries: dict[int, _Summary] = {}
    quiet: dict[tuple[str, ...], _Summary] = {}  # one voice, no relays, nothing said about it: by origin
    result: dict[int, Assessment] = {}
    for cid, claim in claims.items():
        story = story_of[cid]
        summary = summaries.get(story.id)
        if summary is None:
            story_facts = facts.get(story.id)
            if story_facts is None and not story.relays:
                summary = quiet.get(story.origin)
                if summary is None:
                    summary = quiet[story.origin] = _summarise(
                        story, empty, claims, sources, story_of, confirmed_stories
                    )
            else:
                summary = _summarise(
                    story, story_facts or empty, claims, sources, story_of, confirmed_stories
                )
            summaries[story.id] = summary
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


def _summarise(
    story: Story,
    f: _StoryFacts,
    claims: Mapping[int, Claim],
    sources: Mapping[str, Source],
    story_of: Mapping[int, Story],
    confirmed_stories: set[int],
) -> _Summary:
    if not f.support and not f.contradictions:  # most stories: one voice, nothing said about it
        credibility = credibility_for(False, False, False, False)
        return _Summary(
            Status.unconfirmed, *_unconfirmed(story, [], claims, sources), credibility, (), (), ()
        )
    confirmers = _unique(x for x, k in f.support if k is Support.independent)
    contradictors = _unique(f.contradictions)
    same_party_support = _unique(x for x, k in f.support if k is Support.same_party)
    contradictor_confirmed = [x for x in contradictors if story_of[x].id in confirmed_stories]
    credibility = credibility_for(
        bool(confirmers), bool(contradictors), bool(same_party_support), bool(contradictor_confirmed)
    )
    supported_by = tuple(sorted(set(f.support)))

    def who(ids: Iterable[int]) -> str:
        return _name_claims(ids, claims, sources)

    def summary(status: Status, reason: str, root_reason: str | None = None) -> _Summary:
        return _Summary(status, reason, root_reason, credibility, confirmers, contradictors, supported_by)

    if contradictors:
        reason = f"contradicted by {who(contradictors)}"
        if contradictor_confirmed:
            reason += f", which {'is' if len(contradictor_confirmed) == 1 else 'are'}"
            reason += " independently confirmed"
        if confirmers:
            reason += f"; yet independently confirmed by {who(confirmers)}"
        return summary(Status.disputed, reason)
    if confirmers:
        return summary(Status.confirmed, f"confirmed by {who(confirmers)}")

    parts = []
    if same_party_support:
        parties = sorted({p for x in same_party_support if (p := _party(sources, claims[x].source))})
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
    return summary(Status.unconfirmed, *_unconfirmed(story, parts, claims, sources))


def _unconfirmed(
    story: Story, parts: list[str], claims: Mapping[int, Claim], sources: Mapping[str, Source]
) -> tuple[str, str | None]:
    """The reason an unconfirmed story's members share, and the one its first claim gives."""
    origin = _single_origin(story)
    reason = "; ".join([origin, *parts])
    if not story.relays:
        return reason, None
    relayed = f"only relayed, by {_name_claims(story.relays, claims, sources)}"
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


def voice(source_id: str, sources: Mapping[str, Source]) -> str:
    """How a reason or a table names who spoke: ``ru-mod, RU`` or ``press, unaligned``."""
    source = sources.get(source_id)
    return f"{source_id}, {source.party_label}" if source else source_id


def _bounded(named: Sequence[str], total: int) -> str:
    more = total - len(named)
    return ", ".join(named) + (f" and {more} more" if more > 0 else "")


def _ids(ids: Sequence[int]) -> str:
    return _bounded([f"#{i}" for i in ids[:_REASON_IDS]], len(ids))


def _name_claims(ids: Iterable[int], claims: Mapping[int, Claim], sources: Mapping[str, Source]) -> str:
    ids = list(ids)
    named = [f"#{i} ({voice(claims[i].source, sources)})" for i in ids[:_REASON_IDS]]
    return _bounded(named, len(ids))


# --------------------------------------------------------------------------- figures

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
    grouped: dict[tuple[str, str], dict[int, list[tuple[Claim, Figure]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for claim in claims:
        if claim.event is None or not claim.figures or claim.retracted:
            continue
        story = assessments[claim.id].story
        for figure in claim.figures:
            grouped[(claim.event, figure.metric)][story].append((claim, figure))
    return _Figures(sorted(grouped.items()), assessments)


class _Figures(Sequence[MetricFigures]):
    """The metrics of :func:`figures`, each computed on first access."""

    def __init__(
        self,
        keyed: list[tuple[tuple[str, str], dict[int, list[tuple[Claim, Figure]]]]],
        assessments: Mapping[int, Assessment],
    ) -> None:
        self._keyed = keyed
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
            for story_id, stated in sorted(stories.items()):
                values.extend(_story_values(story_id, stated, self._assessments))
            found = self._done[index] = _metric(event, metric, values)
        return found


def _story_values(
    story_id: int, stated: list[tuple[Claim, Figure]], assessments: Mapping[int, Assessment]
) -> list[FigureValue]:
    """One story's values: each original value, with the relays that repeat it folded in."""

    def value(
        claim: Claim, figure: Figure, relayed_by: tuple[int, ...] = (), error: bool = False
    ) -> FigureValue:
        a = assessments[claim.id]
        current = a.status is not Status.superseded
        return FigureValue(claim.id, claim.source, figure, story_id, a.origin, current, relayed_by, error)

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
        same = next((c for c, f in originals if f == figure), None)
        if same is not None:
            relays[same.id].append(claim.id)
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


# --------------------------------------------------------------------------- link rules


def may_update(newer: Claim, older: Claim) -> bool:
    """``newer updates older`` only within one source: a later statement of the same voice."""
    return newer.source == older.source


class LinkIndex:
    """The link rules over an index built once, so a batch of links is checked in linear time.

    One link joins any two claims at most (unlink first to change it); a claim
    cannot link to itself; ``repeats`` may not close a cycle; ``updates`` is a
    newer statement by the same source.
    """

    def __init__(self, links: Iterable[Link] = ()) -> None:
        self._pairs: dict[frozenset[int], Link] = {}
        self._repeats: dict[int, list[int]] = defaultdict(list)
        for link in links:
            self.add(link)

    def add(self, link: Link) -> None:
        self._pairs[frozenset((link.src, link.dst))] = link
        if link.relation is Relation.repeats:
            self._repeats[link.src].append(link.dst)

    def check(self, src: Claim, relation: Relation, dst: Claim) -> None:
        """Raise :class:`Conflict` unless ``src relation dst`` may be added."""
        if src.id == dst.id:
            raise Conflict(f"claim #{src.id} cannot be linked to itself")
        if relation is Relation.updates and not may_update(src, dst):
            raise Conflict(
                f"#{src.id} ({src.source}) cannot update #{dst.id} ({dst.source}): an update is a "
                "newer statement by the same source; use corroborates or contradicts"
            )
        existing = self._pairs.get(frozenset((src.id, dst.id)))
        if existing is not None:
            raise Conflict(
                f"#{existing.src} already {existing.relation.value} #{existing.dst}: "
                f"two claims have one link at most (run 'claim-ledger unlink {existing.src} "
                f"{existing.dst}' first to change it)"
            )
        if relation is Relation.repeats and _reaches(self._repeats, dst.id, src.id):
            raise Conflict(
                f"#{src.id} repeats #{dst.id} would close a loop: #{dst.id} already relays "
                f"#{src.id}, directly or through other claims"
            )


def check_new_link(src: Claim, relation: Relation, dst: Claim, links: Iterable[Link]) -> None:
    """Raise :class:`Conflict` unless ``src relation dst`` may be added to ``links``."""
    LinkIndex(links).check(src, relation, dst)


def _reaches(edges: Mapping[int, list[int]], start: int, goal: int) -> bool:
    seen, stack = {start}, [start]
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        for nxt in edges.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


# --------------------------------------------------------------------------- check


@dataclass(frozen=True, slots=True)
class Finding:
    """Something wrong in a ledger (usually edited by hand), with the records and the remedy."""

    code: str
    message: str
    remedy: str
    claims: tuple[int, ...] = ()
    links: tuple[int, ...] = ()


def findings(
    sources: Mapping[str, Source],
    claims: Mapping[int, Claim],
    links: Sequence[Link],
    history: Sequence[HistoryEntry] = (),
    head: tuple[int, str | None] | None = None,
) -> list[Finding]:
    """Every finding in the ledger, in one pass over claims and links (plus the figures).

    The link rules refuse all of these when a link is made; a hand-edited file
    or an older version may still hold them, and the analysis ignores what it
    cannot use, so ``check`` is where they come to light.
    """
    found: list[Finding] = []
    for claim in claims.values():
        if claim.source not in sources:
            found.append(
                Finding(
                    "unknown-source",
                    f"claim #{claim.id} names source {claim.source!r}, which the ledger does not have",
                    f"add it: claim-ledger source add {claim.source} --name ... --kind ...",
                    (claim.id,),
                )
            )
    assessments = analyze(sources, claims, links)
    pairs: dict[frozenset[int], Link] = {}
    repeats: dict[int, list[int]] = defaultdict(list)
    for lk in links:
        a, b = claims.get(lk.src), claims.get(lk.dst)
        unlink = f"claim-ledger unlink {lk.src} {lk.dst}"
        if a is None or b is None:
            missing = lk.src if a is None else lk.dst
            found.append(
                Finding(
                    "dangling-link",
                    f"link {lk.id} (#{lk.src} {lk.relation.value} #{lk.dst}) points to claim #{missing}, "
                    "which does not exist",
                    "remove the link from the file, or restore the claim from a backup",
                    links=(lk.id,),
                )
            )
            continue
        if lk.src == lk.dst:
            found.append(
                Finding(
                    "self-link", f"claim #{lk.src} {lk.relation.value} itself", unlink, (lk.src,), (lk.id,)
                )
            )
            continue
        earlier = pairs.get(frozenset((lk.src, lk.dst)))
        if earlier is not None:
            found.append(
                Finding(
                    "duplicate-link",
                    f"#{lk.src} and #{lk.dst} are linked twice (links {earlier.id} and {lk.id})",
                    f"keep one: {unlink}, then link them again",
                    (lk.src, lk.dst),
                    (earlier.id, lk.id),
                )
            )
        pairs[frozenset((lk.src, lk.dst))] = lk
        story = assessments[lk.src].story
        same_story = story == assessments[lk.dst].story
        if lk.relation is Relation.repeats:
            repeats[lk.src].append(lk.dst)
        elif lk.relation is Relation.corroborates and same_story:
            found.append(
                Finding(
                    "circular-corroboration",
                    f"#{lk.src} corroborates #{lk.dst}, but both are one story (#{story}): "
                    "a relay cannot confirm what it relays",
                    f"{unlink}; corroboration must come from outside the story",
                    (lk.src, lk.dst),
                    (lk.id,),
                )
            )
        elif lk.relation is Relation.contradicts and same_story:
            found.append(
                Finding(
                    "contradiction-in-story",
                    f"#{lk.src} contradicts #{lk.dst}, but one relays the other (story #{story})",
                    f"{unlink}; if the relay changed the claim, it is not a repeat: link it otherwise",
                    (lk.src, lk.dst),
                    (lk.id,),
                )
            )
        elif lk.relation is Relation.updates and not may_update(a, b):
            found.append(
                Finding(
                    "update-across-sources",
                    f"#{lk.src} ({a.source}) updates #{lk.dst} ({b.source}): an update is a newer "
                    "statement by the same source",
                    f"{unlink}, then link them with corroborates or contradicts",
                    (lk.src, lk.dst),
                    (lk.id,),
                )
            )
    found.extend(_repeat_cycles(repeats))
    found.extend(_broken_chain(history, head))
    for metric in figures(claims.values(), assessments):
        for value in metric.values:
            if value.relay_error:
                found.append(
                    Finding(
                        "relay-error",
                        f"#{value.claim} relays story #{value.story} but gives {metric.metric} as "
                        f"{value.figure.value}, which is not what its origin ({', '.join(value.origin)}) "
                        "says",
                        "check the relay against its origin; if it reports something else, it is not "
                        "a repeat",
                        (value.claim, value.story),
                    )
                )
    return found


def _broken_chain(history: Sequence[HistoryEntry], head: tuple[int, str | None] | None) -> list[Finding]:
    """The first history entry whose hash does not follow (later ones follow from it)."""
    remedy = (
        "the file was edited by hand: compare it with a backup (export json), and restore the backup "
        "if the change was not yours"
    )
    prev = None
    for entry in sorted(history, key=lambda e: e.id):
        if entry.prev != prev or entry.hash != chain_hash(entry, entry.prev):
            what = "was changed" if entry.prev == prev else "does not follow the entry before it"
            return [Finding("history-chain", f"history entry {entry.id} ({entry.action}) {what}", remedy)]
        prev = entry.hash
    last = max((e.id for e in history), default=0)
    if head is not None and head != (last, prev):
        return [
            Finding(
                "history-chain",
                f"the ledger's history ends at entry {last}, but its last recorded entry is {head[0]}: "
                "entries were removed",
                remedy,
            )
        ]
    return []


def _repeat_cycles(repeats: Mapping[int, list[int]]) -> list[Finding]:
    """Each loop of ``repeats`` once (iterative depth-first search: linear, no recursion limit)."""
    state: dict[int, int] = {}  # 1: on the current path, 2: done
    found = []
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
                    loop = path[path.index(nxt) :]
                    found.append(
                        Finding(
                            "repeats-cycle",
                            "claims "
                            + " -> ".join(f"#{c}" for c in [*loop, nxt])
                            + " repeat each other in a loop",
                            f"a relay repeats something earlier: claim-ledger unlink {loop[-1]} {nxt}",
                            tuple(loop),
                        )
                    )
                elif not state.get(nxt):
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()
    return found


# --------------------------------------------------------------------------- selection


@dataclass(frozen=True, slots=True)
class Filters:
    """What a listing shows. Empty fields match everything; several values of one field OR."""

    sources: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    parties: frozenset[str] = frozenset()  # casefolded; "none" selects unaligned sources
    events: frozenset[str] = frozenset()
    statuses: frozenset[Status] = frozenset()
    tags: frozenset[str] = frozenset()
    since: str | None = None
    until: str | None = None
    search: str | None = None

    def describe(self) -> list[str]:
        """The filters in words, for report headers."""
        words = []
        for name, values in (
            ("source", self.sources),
            ("kind", self.kinds),
            ("party", self.parties),
            ("event", self.events),
            ("status", {s.value for s in self.statuses}),
            ("tag", self.tags),
        ):
            if values:
                words.append(f"{name}: {', '.join(sorted(values))}")
        if self.since:
            words.append(f"since {self.since}")
        if self.until:
            words.append(f"until {self.until}")
        if self.search:
            words.append(f"text contains {self.search!r}")
        return words


_NO_FILTERS = Filters()


def statuses_by_source(
    claims: Iterable[Claim], assessments: Mapping[int, Assessment]
) -> dict[str, dict[Status, int]]:
    """How many of each source's claims have each status."""
    counts: dict[str, dict[Status, int]] = defaultdict(lambda: dict.fromkeys(Status, 0))
    for claim in claims:
        counts[claim.source][assessments[claim.id].status] += 1
    return dict(counts)


def select(
    claims: Iterable[Claim],
    assessments: Mapping[int, Assessment],
    sources: Mapping[str, Source],
    filters: Filters,
) -> list[Claim]:
    """The claims that pass ``filters``, in id order."""
    if filters == _NO_FILTERS:
        return sorted(claims, key=_by_id)
    needle = filters.search.casefold() if filters.search else None
    chosen = []
    for claim in claims:
        source = sources.get(claim.source)
        if filters.sources and claim.source not in filters.sources:
            continue
        if filters.kinds and (source is None or source.kind.value not in filters.kinds):
            continue
        if filters.parties:
            party = source.party.casefold() if source and source.party else "none"
            if party not in filters.parties:
                continue
        if filters.events and claim.event not in filters.events:
            continue
        if filters.statuses and assessments[claim.id].status not in filters.statuses:
            continue
        if filters.tags and not filters.tags.intersection(claim.tags):
            continue
        if filters.since and (claim.date is None or claim.date < filters.since):
            continue
        if filters.until and (claim.date is None or claim.date > filters.until):
            continue
        if needle and needle not in claim.text.casefold():
            continue
        chosen.append(claim)
    chosen.sort(key=_by_id)
    return chosen


def _by_id(claim: Claim) -> int:
    return claim.id


def lacking_confirmation(claims: Iterable[Claim], assessments: Mapping[int, Assessment]) -> list[Claim]:
    """Every claim that is not confirmed, retracted and superseded ones aside (DESIGN §2)."""
    return [c for c in claims if assessments[c.id].lacks_independent_confirmation]


def disputed(claims: Iterable[Claim], assessments: Mapping[int, Assessment]) -> list[Claim]:
    return [c for c in claims if assessments[c.id].status is Status.disputed]
