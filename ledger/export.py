"""Writers: values in, text out.

* ``claims_json``: the stable machine shape behind every ``--json`` listing
  (documented in the README): a JSON array with one object per claim.
* ``ledger_json``: the whole ledger as a claim-ledger document, lossless;
  ``import`` reads it back into the same ledger, byte for byte.
* ``claims_csv``: one row per claim for a spreadsheet (columns in
  :mod:`ledger.columns`), every cell safe from formula injection.
* ``markdown_report``: the report a newsroom pastes (see :mod:`ledger.markdown`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from . import columns
from .analysis import Filters, MetricFigures
from .importer import DOCUMENT_FORMAT
from .model import SCHEMA_VERSION, Claim, HistoryEntry, Relation, grade
from .ops import Report
from .storage import dumps_pretty


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
            {"metric": f.metric, "low": f.low, "high": f.high, "text": str(f)} for f in claim.figures
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


def claims_json(report: Report, claims: Iterable[Claim]) -> str:
    return dumps_pretty([claim_record(report, c) for c in claims])


# --------------------------------------------------------------------------- figures


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


# --------------------------------------------------------------------------- the whole ledger


def ledger_json(
    report: Report,
    claims: Sequence[Claim],
    history: Sequence[HistoryEntry],
    last_ids: Mapping[str, int],
    filters: Filters = Filters(),
    *,
    redacted: bool = False,
) -> str:
    """The ledger as a claim-ledger document: ``import`` into an empty ledger gives it back.

    Unfiltered, it is everything: sources, claims, links, history and the id
    counters. With filters it holds the chosen claims, the sources they cite
    and the links between them, without history (that belongs to the whole).
    ``redacted`` (confidential sources under pseudonyms) is not a backup: it
    says so, and leaves out the history, which names every source.
    """
    chosen = {c.id for c in claims}
    applied = filters.describe()
    whole = not applied and not redacted
    cited = {c.source for c in claims}
    doc: dict[str, Any] = {"format": DOCUMENT_FORMAT, "schema": SCHEMA_VERSION}
    if applied:
        doc["filters"] = applied
    if redacted:
        doc["confidential"] = (
            "sources marked confidential appear under pseudonyms, without name, URL or notes; "
            "this is not a backup (export json --include-confidential makes one)"
        )
    doc["sources"] = [
        s.to_dict() for s in sorted(report.sources.values(), key=lambda s: s.id) if whole or s.id in cited
    ]
    doc["claims"] = [c.to_dict() for c in sorted(claims, key=lambda c: c.id)]
    doc["links"] = [
        lk.to_dict()
        for lk in sorted(report.links, key=lambda lk: lk.id)
        if lk.src in chosen and lk.dst in chosen
    ]
    if whole:
        doc["history"] = [h.to_dict() for h in sorted(history, key=lambda h: h.id)]
        doc["last_ids"] = dict(sorted(last_ids.items()))
    return dumps_pretty(doc)


# --------------------------------------------------------------------------- CSV


def claims_csv(report: Report, claims: Sequence[Claim]) -> str:
    """One row per claim: the input columns, then the verdict and one column per figure metric.

    Links are written in the relation columns of the claim they start from, as
    ids of other rows; a link to a claim outside the export is left out.
    """
    chosen = {c.id for c in claims}
    metrics = sorted({f.metric for c in claims for f in c.figures})
    header = [*columns.EXPORT, *(columns.FIGURE_PREFIX + m for m in metrics)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for claim in sorted(claims, key=lambda c: c.id):
        writer.writerow([columns.neutralise(cell) for cell in _csv_row(report, claim, chosen, metrics)])
    return out.getvalue()


def _csv_row(report: Report, claim: Claim, chosen: set[int], metrics: list[str]) -> list[str]:
    a = report.assessments[claim.id]
    source = report.sources.get(claim.source)
    sep = columns.LIST_SEPARATOR
    targets: dict[Relation, list[int]] = {r: [] for r in Relation}
    for lk in report.links_of(claim.id):
        if lk.src == claim.id and lk.dst in chosen:
            targets[lk.relation].append(lk.dst)
    figures = {f.metric: f.value for f in claim.figures}
    cells: dict[str, Any] = {
        "id": claim.id,
        **{name: getattr(claim, name) for name in columns.CLAIM if name not in ("figures", "tags")},
        "figures": sep.join(str(f) for f in claim.figures),
        "tags": sep.join(claim.tags),
        "source_name": source.name if source else None,
        "source_kind": source.kind.value if source else None,
        "source_party": source.party if source else None,
        "source_reliability": source.reliability if source else None,
        **{r.value: sep.join(map(str, sorted(targets[r]))) for r in Relation},
        "status": a.status.value,
        "credibility": a.credibility,
        "grade": grade(source, a.credibility),
        "reason": a.reason,
    }
    row = ["" if cells[name] is None else str(cells[name]) for name in columns.EXPORT]
    return row + [figures.get(m, "") for m in metrics]
