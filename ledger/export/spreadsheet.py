"""``export csv``: one row per claim for a spreadsheet (columns in :mod:`ledger.columns`),
every cell safe from formula injection; ``import`` reads it back."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from .. import columns
from ..model import Claim, Relation, grade
from ..report import Report


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
    said_by: dict[str, dict[str, Any]] = {}  # each source's cells, worked out once
    writer.writerows(
        columns.neutralise_row(_csv_row(report, claim, chosen, metrics, said_by))
        for claim in sorted(claims, key=lambda c: c.id)
    )
    return out.getvalue()


def _csv_row(
    report: Report, claim: Claim, chosen: set[int], metrics: list[str], said_by: dict[str, dict[str, Any]]
) -> list[str]:
    a = report.assessments[claim.id]
    source = report.sources.get(claim.source)
    sep = columns.LIST_SEPARATOR
    figures = {f.metric: f.value for f in claim.figures}
    by = said_by.get(claim.source)
    if by is None:
        by = said_by[claim.source] = {
            "source_name": source.name if source else None,
            "source_kind": source.kind.value if source else None,
            "source_party": source.party if source else None,
            "source_reliability": source.reliability if source else None,
        }
    cells: dict[str, Any] = {
        "id": claim.id,
        **{name: getattr(claim, name) for name in _AS_HELD},
        "figures": sep.join(str(f) for f in claim.figures),
        "tags": sep.join(claim.tags),
        **by,
        **_relations(report, claim.id, chosen),
        "status": a.status.value,
        "credibility": a.credibility,
        "grade": grade(source, a.credibility),
        "reason": a.reason,
    }
    row = ["" if cells[name] is None else str(cells[name]) for name in columns.EXPORT]
    return row + [figures.get(m, "") for m in metrics]


_AS_HELD = tuple(name for name in columns.CLAIM if name not in ("figures", "tags"))  # each its cell
_NO_RELATIONS = {r.value: "" for r in Relation}  # most claims start no link


def _relations(report: Report, claim_id: int, chosen: set[int]) -> dict[str, str]:
    """The relation cells: the ids of the exported claims each of the claim's links goes to."""
    links = report.links_of(claim_id)
    if not links:
        return _NO_RELATIONS
    targets: dict[Relation, list[int]] = {}
    for lk in links:
        if lk.src == claim_id and lk.dst in chosen:
            targets.setdefault(lk.relation, []).append(lk.dst)
    if not targets:
        return _NO_RELATIONS
    cells = dict(_NO_RELATIONS)
    for relation, ids in targets.items():
        cells[relation.value] = columns.LIST_SEPARATOR.join(map(str, sorted(ids)))
    return cells
