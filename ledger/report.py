"""The pure read side: a ledger's records with the verdict on every claim, and the selections
every listing, table and export is made from.

Writers (``render``, ``export``) take a :class:`Report` and return text; they
never open a store. ``ops.report(store)`` builds one from a store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from .analysis import Assessment, StoryNumbers, weigh_all
from .analysis.figures import Facts, Groups, MetricFigures, figure_groups, figures, figures_of
from .model import LACKING_CONFIRMATION, Claim, Link, Source, Status, party_key


@dataclass(frozen=True, slots=True)
class Filters:
    """What a listing shows. Empty fields match everything; several values of one field OR."""

    sources: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    parties: frozenset[str] = frozenset()  # as party_key gives them; "none" selects unaligned sources
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

    def admits(self, claim: Claim, source: Source | None, status: Status | None) -> bool:
        """Whether ``claim`` (by ``source``, with ``status``) passes every filter; ``status``
        may be None (not worked out) when no status filter is set."""
        return self.admits_facts(
            claim.source, source, claim.event, status, claim.tags, claim.date, claim.text
        )

    def admits_facts(
        self,
        source_id: str,
        source: Source | None,
        event: str | None,
        status: Status | None,
        tags: Sequence[str],
        date: str | None,
        text: str,
    ) -> bool:
        """:meth:`admits` on what a filter reads of a claim, for a reader that holds those
        facts and not the claim (the derived cache)."""
        return (
            (not self.sources or source_id in self.sources)
            and (not self.kinds or (source is not None and source.kind.value in self.kinds))
            and (not self.parties or (party_key(source.party if source else None) or "none") in self.parties)
            and (not self.events or event in self.events)
            and (not self.statuses or status in self.statuses)
            and (not self.tags or not self.tags.isdisjoint(tags))
            and (not self.since or (date is not None and date >= self.since))
            and (not self.until or (date is not None and date <= self.until))
            and (not self.search or self.search.casefold() in text.casefold())
        )


NO_FILTERS = Filters()


def select(
    claims: Iterable[Claim],
    assessments: Mapping[int, Assessment],
    sources: Mapping[str, Source],
    filters: Filters,
) -> list[Claim]:
    """The claims that pass ``filters``, in id order."""
    if filters == NO_FILTERS:
        return sorted(claims, key=_by_id)
    weighed = bool(filters.statuses)  # a verdict is looked up only for a filter that reads it
    chosen = [
        c
        for c in claims
        if filters.admits(c, sources.get(c.source), assessments[c.id].status if weighed else None)
    ]
    chosen.sort(key=_by_id)
    return chosen


def _by_id(claim: Claim) -> int:
    return claim.id


def lacking_confirmation(claims: Iterable[Claim], assessments: Mapping[int, Assessment]) -> list[Claim]:
    """Every claim that is not confirmed, retracted and superseded ones aside (DESIGN §2)."""
    return [c for c in claims if assessments[c.id].status in LACKING_CONFIRMATION]


DISPUTED = frozenset({Status.disputed})


def disputed(claims: Iterable[Claim], assessments: Mapping[int, Assessment]) -> list[Claim]:
    return [c for c in claims if assessments[c.id].status in DISPUTED]


def confirmed(claims: Iterable[Claim], assessments: Mapping[int, Assessment]) -> list[Claim]:
    return [c for c in claims if assessments[c.id].status is Status.confirmed]


def statuses_by_source(said: Iterable[tuple[str, Status]]) -> dict[str, dict[Status, int]]:
    """How many of each source's claims have each status, from each claim's (source, status)."""
    counts: dict[str, dict[Status, int]] = defaultdict(lambda: dict.fromkeys(Status, 0))
    for source, status in said:
        counts[source][status] += 1
    return dict(counts)


class LinksByClaim:
    """The links touching each claim, indexed on first use: a table of 100 rows never needs it."""

    def __init__(self, links: Sequence[Link]) -> None:
        self._links = links
        self._index: dict[int, list[Link]] | None = None

    def of(self, claim_id: int) -> Sequence[Link]:
        if self._index is None:
            self._index = {}
            for lk in self._links:
                self._index.setdefault(lk.src, []).append(lk)
                if lk.dst != lk.src:
                    self._index.setdefault(lk.dst, []).append(lk)
        return self._index.get(claim_id, ())


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a listing shows: the ledger's records and the verdict on each claim."""

    sources: Mapping[str, Source]
    claims: Mapping[int, Claim]
    links: Sequence[Link]
    assessments: Mapping[int, Assessment]
    by_claim: LinksByClaim  # every link touching a claim
    numbers: Mapping[int, StoryNumbers] = field(default_factory=dict)  # what each story's figures say
    # the ids a selection gives, for a report that does not hold its claims built (the cache)
    selector: Callable[[Filters, frozenset[Status] | None], list[int]] | None = None
    # each claim's figure facts (analysis.figures.Facts) by id, for a report that keeps them apart
    facts: Callable[[], Mapping[int, Facts]] | None = None
    # every claim's facts grouped (analysis.figures.figure_groups), for a report that keeps them so
    figure_groups: Callable[[], Groups] | None = None
    # each claim's (source, status), for a report that keeps them apart from the claims
    said: Callable[[], Iterable[tuple[str, Status]]] | None = None
    # the claims' --json records as written (export.listing.record_items), ``per`` claims a
    # part, for a report that keeps them written; None from it when it cannot give them
    records: Callable[[Sequence[int], int], Iterator[bytes] | None] | None = None

    def statuses_by_source(self) -> dict[str, dict[Status, int]]:
        """How many of each source's claims have each status (without building the claims,
        from a report that keeps who said what apart: the cache)."""
        if self.said is not None:
            return statuses_by_source(self.said())
        a = self.assessments
        return statuses_by_source((c.source, a[c.id].status) for c in self.claims.values())

    def figures(self, filters: Filters = NO_FILTERS) -> Sequence[MetricFigures]:
        """The figures of the claims that pass ``filters`` (analysis.figures), building only the
        claims of the metrics that are read when the report keeps their facts apart (the
        cache). With no filter every claim counts, and none is selected first (100k ids in
        order: a tenth of a warm ``figures`` at 100k claims)."""
        whole = filters == NO_FILTERS
        if whole and self.figure_groups is not None:
            return figures_of(self.figure_groups(), self.claims.__getitem__, self.assessments)
        if self.facts is None:
            chosen = self.claims.values() if whole else [self.claims[n] for n in self.select_ids(filters)]
            return figures(chosen, self.assessments)
        kept = self.facts()  # a claim with no figures has no facts
        facts = (kept[n] for n in self.select_ids(filters) if n in kept)
        return figures_of(figure_groups(facts), self.claims.__getitem__, self.assessments)

    def select(self, filters: Filters = NO_FILTERS) -> list[Claim]:
        return select(self.claims.values(), self.assessments, self.sources, filters)

    def select_ids(self, filters: Filters = NO_FILTERS, among: frozenset[Status] | None = None) -> list[int]:
        """The ids of the claims that pass ``filters`` and, if given, have a status ``among``
        these, in id order: what a listing shows, before it is cut to its limit."""
        if self.selector is not None:
            return self.selector(filters, among)
        a = self.assessments
        return [c.id for c in self.select(filters) if among is None or a[c.id].status in among]

    def links_of(self, claim_id: int) -> Sequence[Link]:
        return self.by_claim.of(claim_id)


def report_of(
    sources: Mapping[str, Source],
    claims: Mapping[int, Claim],
    links: Sequence[Link],
    levels: frozenset[str] = frozenset(),
) -> Report:
    """The verdict on every claim of these records, ready for any writer."""
    assessments, numbers = weigh_all(sources, claims, links, levels)
    return Report(sources, claims, links, assessments, LinksByClaim(links), numbers)


def unweighed(sources: Mapping[str, Source], claims: Mapping[int, Claim], links: Sequence[Link]) -> Report:
    """These records with no verdict worked out, for a writer that shows none (``export json``):
    it selects by every filter but status (that one needs :func:`report_of`)."""
    return Report(sources, claims, links, {}, LinksByClaim(links))
