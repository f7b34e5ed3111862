"""The link rules: one function a rule, each saying what is wrong as a value.

``link`` (and ``add``, ``import``, the questions of ``add``, ``edit``) refuses a
link that breaks one; ``check`` reports a link in the file that breaks one.
Both call the functions below, so each rule has one wording. What to do about
it is the caller's to say: the library names no command-line flag.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ..errors import LinkRefused
from ..model import Claim, Link, Relation


@dataclass(frozen=True, slots=True)
class Broken:
    """A link that breaks a rule: the rule (``check``'s code for it), its wording, the claims."""

    rule: str
    message: str
    src: int
    dst: int
    existing: Link | None = None  # the link already joining the two claims (duplicate-link)


def self_link(src: int, relation: Relation, dst: int) -> Broken | None:
    """A claim cannot be linked to itself."""
    if src != dst:
        return None
    return Broken("self-link", f"claim #{src} cannot be linked to itself", src, dst)


def duplicate_link(src: int, dst: int, existing: Link | None) -> Broken | None:
    """Two claims have one link at most: ``existing`` is the one already joining them."""
    if existing is None:
        return None
    message = (
        f"#{existing.src} already {existing.relation.value} #{existing.dst}: two claims have one link at most"
    )
    return Broken("duplicate-link", message, src, dst, existing)


def update_across_sources(src: Claim, relation: Relation, dst: Claim) -> Broken | None:
    """``A updates B`` only within one source: a later statement of the same voice."""
    if relation is not Relation.updates or may_update(src, dst):
        return None
    message = (
        f"#{src.id} ({src.source}) cannot update #{dst.id} ({dst.source}): an update is a newer "
        "statement by the same source; use corroborates or contradicts"
    )
    return Broken("update-across-sources", message, src.id, dst.id)


def repeats_loop(src: int, relation: Relation, dst: int, repeats: Mapping[int, list[int]]) -> Broken | None:
    """``repeats`` may not close a loop: a relay repeats something said before it."""
    if relation is not Relation.repeats or not _reaches(repeats, dst, src):
        return None
    message = (
        f"#{src} repeats #{dst} would close a loop: #{dst} already relays #{src}, directly or through "
        "other claims"
    )
    return Broken("repeats-cycle", message, src, dst)


def superseding(claim_id: int, links: Iterable[Link], claim_of: Callable[[int], Claim | None]) -> int | None:
    """The latest statement that updates ``claim_id``, following the chain; None if it is current.
    ``claim_of`` gives a claim by id (None if there is none): only updates' sources are read."""
    newer: dict[int, int] = {}
    for lk in links:
        if lk.relation is not Relation.updates:
            continue
        src = claim_of(lk.src)
        if src is not None and not src.retracted:
            newer[lk.dst] = max(newer.get(lk.dst, 0), lk.src)
    latest, seen = newer.get(claim_id), {claim_id}
    while latest is not None and latest in newer and latest not in seen:
        seen.add(latest)
        latest = newer[latest]
    return latest


def may_update(newer: Claim, older: Claim) -> bool:
    """``newer updates older`` only within one source: a later statement of the same voice."""
    return newer.source == older.source


class LinkIndex:
    """The link rules over an index built once, so a batch of links is checked in linear time."""

    def __init__(self, links: Iterable[Link] = ()) -> None:
        self._pairs: dict[frozenset[int], Link] = {}
        self._repeats: dict[int, list[int]] = defaultdict(list)
        for link in links:
            self.add(link)

    def add(self, link: Link) -> None:
        self._pairs[frozenset((link.src, link.dst))] = link
        if link.relation is Relation.repeats:
            self._repeats[link.src].append(link.dst)

    def holds(self, src: int, relation: Relation, dst: int) -> bool:
        """Whether exactly this link is in the index already."""
        found = self._pairs.get(frozenset((src, dst)))
        return found is not None and (found.src, found.relation, found.dst) == (src, relation, dst)

    def broken(self, src: Claim, relation: Relation, dst: Claim) -> Broken | None:
        """The first rule ``src relation dst`` would break, or None if it may be added."""
        return (
            self_link(src.id, relation, dst.id)
            or update_across_sources(src, relation, dst)
            or duplicate_link(src.id, dst.id, self._pairs.get(frozenset((src.id, dst.id))))
            or repeats_loop(src.id, relation, dst.id, self._repeats)
        )

    def check(self, src: Claim, relation: Relation, dst: Claim) -> None:
        """Raise :class:`~ledger.errors.LinkRefused` unless ``src relation dst`` may be added."""
        found = self.broken(src, relation, dst)
        if found is not None:
            raise LinkRefused(found.message, found.rule, found.src, found.dst, found.existing)


def check_new_link(src: Claim, relation: Relation, dst: Claim, links: Iterable[Link]) -> None:
    """Raise :class:`~ledger.errors.LinkRefused` unless ``src relation dst`` may join ``links``."""
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
