"""The ``--json`` shapes of the listings (documented in docs/formats.md): ``list``,
``unconfirmed``, ``disputed`` and ``show`` print one object per claim, ``figures`` one per
event and metric, ``check`` one per finding. Stable: scripts read them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..jsonio import dumps_pretty, pretty_bytes
from ..model import Claim, HistoryEntry, Source, Status, grade
from ..report import Report

if TYPE_CHECKING:  # for annotations only: a --json listing need not load the checks or series
    from ..analysis import Finding, MetricFigures, Series
    from ..analysis.series import Said


def claim_record(report: Report, claim: Claim) -> dict[str, Any]:
    a = report.assessments[claim.id]
    source = report.sources.get(claim.source)
    return {
        "id": claim.id,
        "text": claim.text,
        "source": claim.source,
        "kind": source.kind.value if source else None,
        "party": source.party if source else None,
        "reliability": source.reliability if source else None,
        "status": a.status.value,
        "reason": a.reason,
        "credibility": a.credibility,
        "grade": grade(source, a.credibility),
        "date": claim.date,
        "event": claim.event,
        "figures": [
            {"metric": f.metric, "low": f.low, "high": f.high, "qualifier": f.qualifier, "text": str(f)}
            for f in claim.figures
        ],
        "tags": list(claim.tags),
        "url": claim.url,
        "archive_url": claim.archive_url,
        "retrieved_at": claim.retrieved_at,
        "quote": claim.quote,
        "location": claim.location,
        "story": a.story,
        "origin": list(a.origin),
        "confirmed_by": list(a.confirmed_by),
        "contradicted_by": list(a.contradicted_by),
        "superseded_by": a.superseded_by,
        "retracted_at": claim.retracted_at,
        "retraction_note": claim.retraction_note,
        "links": [
            {"id": lk.id, "from": lk.src, "relation": lk.relation.value, "to": lk.dst, "note": lk.note}
            for lk in report.links_of(claim.id)
        ],
    }


def claims_json_parts(report: Report, ids: Sequence[int], per: int = 1000) -> Iterator[bytes]:
    """The records of the claims ``ids`` as a pretty JSON list, in parts of ``per`` claims that
    join to the list whole: 90k claims are never all records at once (a third of the memory,
    and the first bytes sooner). A report that keeps its records written (the cache) gives
    them as kept; the claims are then never built."""
    if not ids:
        yield pretty_bytes([])
        return
    kept = report.records(ids, per) if report.records is not None else None
    parts = (
        kept
        if kept is not None
        else (record_items(report, ids[i : i + per]) for i in range(0, len(ids), per))
    )
    yield b"["
    for start, part in enumerate(parts):
        yield (b",\n" if start else b"\n") + part
    yield b"\n]\n"


def record_items(report: Report, ids: Sequence[int]) -> bytes:
    """The records of these claims as the items of a pretty JSON list: the list's bytes
    without its "[" and "]" lines, so that items written apart join with ",\\n"."""
    claims = report.claims
    return pretty_bytes([claim_record(report, claims[n]) for n in ids])[2:-3]


def figures_json(groups: Sequence[MetricFigures]) -> str:
    return dumps_pretty(
        [
            {
                "event": g.event,
                "metric": g.metric,
                "low": g.low,
                "high": g.high,
                "open_ended": g.open_ended,
                "spread": g.spread,
                "conflict": g.conflict,
                "conflicts": [list(pair) for pair in g.conflicts],
                "more_conflicts": g.more_conflicts,
                "values": [
                    {
                        "claim": v.claim,
                        "source": v.source,
                        "value": v.figure.value,
                        "low": v.figure.low,
                        "high": v.figure.high,
                        "qualifier": v.figure.qualifier,
                        "origin": list(v.origin),
                        "story": v.story,
                        "current": v.current,
                        "relayed_by": list(v.relayed_by),
                        "relay_error": v.relay_error,
                    }
                    for v in g.values
                ],
            }
            for g in groups
        ]
    )


def source_record(source: Source, counts: Mapping[Status, int]) -> dict[str, Any]:
    """A source as the ledger holds it, with how many of its claims have each status."""
    return {
        **source.to_dict(),
        "claim_count": sum(counts.values()),
        "statuses": {status.value: counts.get(status, 0) for status in Status},
    }


def sources_json(sources: Iterable[Source], counts: Mapping[str, Mapping[Status, int]]) -> str:
    return dumps_pretty([source_record(s, counts.get(s.id, {})) for s in sources])


def source_json(
    source: Source, report: Report, claims: Sequence[Claim], history: Sequence[HistoryEntry]
) -> str:
    """``source show --json``: the source, its claims as ``list --json`` gives them, its history."""
    counts = {status: 0 for status in Status}
    for claim in claims:
        counts[report.assessments[claim.id].status] += 1
    return dumps_pretty(
        {
            **source_record(source, counts),
            "claims": [claim_record(report, c) for c in claims],
            "history": [h.to_dict() for h in history],
        }
    )


def findings_json(found: Sequence[Finding]) -> str:
    return dumps_pretty([f.to_dict() for f in found])


def series_json(series: Series) -> str:
    """``figures --metric --json``: the rows of :func:`ledger.analysis.series`."""

    def said(value: Said) -> dict[str, object]:
        f = value.figure
        return {
            "claim": value.claim,
            "date": value.date,
            "value": f.value,
            "low": f.low,
            "high": f.high,
            "qualifier": f.qualifier,
        }

    return dumps_pretty(
        {
            "metric": series.metric,
            "event": series.event,
            "every": series.every,
            "claimant": series.claimant,
            "sources": list(series.sources),
            "rows": [
                {
                    "date": row.date,
                    "values": {source: said(v) for source, v in row.values.items()},
                    "floor": row.floor.part if row.floor else None,
                    "floor_claim": row.floor.by if row.floor else None,
                    "share": row.share,
                }
                for row in series.rows
            ],
        }
    )
