"""Exports: one module a format, values in, text out (DESIGN §6).

* :mod:`.markdown` — the report a newsroom pastes;
* :mod:`.document` — ``json``: the whole ledger, lossless;
* :mod:`.spreadsheet` — ``csv``: one row per claim;
* :mod:`.claimreview` — schema.org ClaimReview JSON-LD;
* :mod:`.misp` — a MISP event, Admiralty-tagged;
* :mod:`.listing` — the ``--json`` shapes of the listings.

:func:`write` is the one way in: it decides, with :mod:`ledger.privacy`,
whether confidential sources appear under their pseudonyms, picks the writer
for the format, and returns the text. It never opens a store: the caller hands
it the records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from .. import privacy
from ..model import Claim, HistoryEntry, Link, Metric, Party, Source
from ..report import NO_FILTERS, Filters, Report, report_of, unweighed

# Each writer loads its module when its format is asked for: `add --json` or a `--json`
# listing (which take .listing) need none of them, nor the checks markdown reports.

FORMATS = ("markdown", "json", "csv", "claimreview", "misp")


@dataclass(frozen=True)
class Request:
    """What an export is asked for, beyond the ledger's records."""

    name: str  # the ledger's name, for titles
    now: str  # ISO 8601: dates of publication
    now_words: str  # the same time for a reader: ``2026-11-25 17:04 UTC``
    filters: Filters = NO_FILTERS
    include_confidential: bool = False
    graph: bool = False  # markdown: a Mermaid diagram of the links
    full: bool = False  # markdown: the claim tables of a large ledger too
    author: str | None = None  # claimreview: who publishes the reviews
    history: Sequence[HistoryEntry] = ()
    last_ids: Mapping[str, int] = field(default_factory=dict)
    parties: Sequence[Party] = ()  # json: the registry, for a backup
    metrics: Sequence[Metric] = ()
    levels: frozenset[str] = frozenset()  # the metrics declared levels


@dataclass(frozen=True)
class Exported:
    text: str
    claims: int  # how many claims it holds


def write(
    fmt: str,
    sources: Mapping[str, Source],
    claims: Mapping[int, Claim],
    links: Sequence[Link],
    request: Request,
) -> Exported:
    """The export in ``fmt`` (one of :data:`FORMATS`) of the claims ``request.filters`` selects."""
    redacted = _redacts(sources, request)
    if redacted:
        request = replace(request, filters=privacy.redact_filters(request.filters, sources))
        sources, claims, links = privacy.redact(sources, claims, links)
    if fmt in _NO_VERDICTS and not request.filters.statuses:
        report = unweighed(sources, claims, links)  # a third of the time at 100k claims
    else:
        report = report_of(sources, claims, links, request.levels)
    chosen = report.select(request.filters)
    return Exported(_WRITERS[fmt](report, chosen, request, redacted), len(chosen))


# The formats that show no verdict: the records as they are (a backup), weighed only when a
# --status filter chooses the claims.
_NO_VERDICTS = frozenset({"json"})
# The formats made of each chosen claim's verdict alone, which a report already weighed (the
# derived cache) can give: not markdown (check's findings weigh the records again), not json.
FROM_REPORT = frozenset({"csv", "claimreview", "misp"})


def write_weighed(fmt: str, report: Report, request: Request) -> Exported | None:
    """:func:`write` from a report already weighed (the derived cache) for a format of
    :data:`FROM_REPORT`; None where it cannot serve (another format, or a confidential
    source to show under its pseudonym: that takes the records, to redact them)."""
    if fmt not in FROM_REPORT or _redacts(report.sources, request):
        return None
    chosen = [report.claims[n] for n in report.select_ids(request.filters)]
    return Exported(_WRITERS[fmt](report, chosen, request, False), len(chosen))


def _redacts(sources: Mapping[str, Source], request: Request) -> bool:
    """Whether the export shows confidential sources under their pseudonyms."""
    return privacy.has_confidential(sources) and not request.include_confidential


def _markdown(report: Report, claims: Sequence[Claim], r: Request, redacted: bool) -> str:
    from ..analysis import findings
    from . import markdown

    found = findings(
        report.sources,
        report.claims,
        report.links,
        levels=r.levels,
        weighed=(report.assessments, report.numbers),
    )
    if r.filters.describe():  # a filtered report: the findings about its claims
        chosen = {c.id for c in claims}
        found = [f for f in found if chosen.intersection(f.claims)]
    return markdown.report(
        report,
        name=r.name,
        now=r.now_words,
        filters=r.filters,
        graph=r.graph,
        claims=claims,
        full=r.full,
        found=found,
    )


def _json(report: Report, claims: Sequence[Claim], r: Request, redacted: bool) -> str:
    from . import document

    history = () if redacted else r.history
    registry = (r.parties, r.metrics)
    return document.ledger_json(
        report, claims, history, r.last_ids, r.filters, redacted=redacted, registry=registry
    )


def _csv(report: Report, claims: Sequence[Claim], r: Request, redacted: bool) -> str:
    from . import spreadsheet

    return spreadsheet.claims_csv(report, claims)


def _claimreview(report: Report, claims: Sequence[Claim], r: Request, redacted: bool) -> str:
    from . import claimreview

    return claimreview.claimreview(report, claims, published=r.now[:10], author=r.author)


def _misp(report: Report, claims: Sequence[Claim], r: Request, redacted: bool) -> str:
    from . import misp

    return misp.misp_event(report, claims, info=f"claim-ledger: {r.name}", date=r.now[:10])


_WRITERS: dict[str, Callable[[Report, Sequence[Claim], Request, bool], str]] = {
    "markdown": _markdown,
    "json": _json,
    "csv": _csv,
    "claimreview": _claimreview,
    "misp": _misp,
}
