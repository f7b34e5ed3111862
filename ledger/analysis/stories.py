"""Stories and independence: who is one voice, and whose support counts (DESIGN §2).

A story is the claims joined by ``repeats`` links: one original assertion and
its relays. Its origin is the sources of its root claims. One union-find pass
over the ``repeats`` links builds every story.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from ..model import Claim, Link, Relation, Source, party_key


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
    parties: frozenset[str]  # the origin's parties, as party_key compares them


def build_stories(
    claims: Mapping[int, Claim], links: Iterable[Link], sources: Mapping[str, Source] | None = None
) -> dict[int, Story]:
    """Map each claim id to its story (union-find over ``repeats``; dangling ends ignored).

    With ``sources``, each story also carries its origin's parties. Only claims
    touched by a ``repeats`` link go through the union-find; every other claim
    is a story of its own.
    """
    parent, repeats_something = _union_repeats(claims, links)
    parties_of = _parties(sources or {})
    by_claim: dict[int, Story] = {}
    alone: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {}  # a source's origin and parties
    for cid, claim in claims.items():
        if cid not in parent:
            voice = alone.get(claim.source)
            if voice is None:
                voice = alone[claim.source] = _voice(claim.source, parties_of)
            by_claim[cid] = Story(cid, (), *voice)

    groups: dict[int, list[int]] = defaultdict(list)
    for cid in parent:
        groups[_find(parent, cid)].append(cid)
    for members in groups.values():
        members.sort()
        roots = [m for m in members if m not in repeats_something] or members
        if len(roots) == 1:  # most stories: one original and its relays
            (root,) = roots
            relays = tuple([m for m in members if m != root])
            origin, parties = alone.get(claims[root].source) or _voice(claims[root].source, parties_of)
        else:
            root_set = set(roots)
            relays = tuple([m for m in members if m not in root_set])
            origin = tuple(sorted({claims[r].source for r in roots}))
            parties = frozenset().union(*(parties_of(o) for o in origin))
        story = Story(roots[0], relays, origin, parties)
        for m in members:
            by_claim[m] = story
    return by_claim


def _voice(
    source: str, parties_of: Callable[[str], frozenset[str]]
) -> tuple[tuple[str, ...], frozenset[str]]:
    """The origin and parties of a story told first by ``source`` alone."""
    return (source,), parties_of(source)


def _union_repeats(claims: Mapping[int, Claim], links: Iterable[Link]) -> tuple[dict[int, int], set[int]]:
    """The union-find forest of ``repeats`` links, and the claims that repeat something."""
    parent: dict[int, int] = {}
    repeats_something: set[int] = set()
    for link in links:
        if link.relation is Relation.repeats and link.src in claims and link.dst in claims:
            if link.src != link.dst:
                repeats_something.add(link.src)
            parent.setdefault(link.src, link.src)
            parent.setdefault(link.dst, link.dst)
            a, b = _find(parent, link.src), _find(parent, link.dst)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return parent, repeats_something


def _find(parent: dict[int, int], x: int) -> int:
    root = x
    while parent[root] != root:
        root = parent[root]
    while parent[x] != root:
        parent[x], x = root, parent[x]
    return root


def _parties(sources: Mapping[str, Source]):  # type: ignore[no-untyped-def]
    """source id -> the parties it speaks for (one at most), memoised: 100k claims, few sources."""
    party_sets: dict[str, frozenset[str]] = {}

    def parties_of(source_id: str) -> frozenset[str]:
        found = party_sets.get(source_id)
        if found is None:
            key = party_key(party_of(sources, source_id))
            found = party_sets[source_id] = frozenset((key,)) if key else frozenset()
        return found

    return parties_of


def party_of(sources: Mapping[str, Source], source_id: str) -> str | None:
    """The party a source speaks for, as the ledger records it; None if unaligned or unknown."""
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
