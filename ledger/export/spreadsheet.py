"""``export csv``: one row per claim for a spreadsheet (columns in :mod:`ledger.columns`),
every cell safe from formula injection; ``import`` reads it back."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from operator import attrgetter
from typing import Any

from .. import columns
from ..model import Claim, Link, grade
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
    said_by: dict[str, list[str]] = {}  # each source's cells, worked out once
    relations = _relations(report.links, chosen)
    writer.writerows(
        columns.neutralise_row(_csv_row(report, claim, relations, metrics, said_by))
        for claim in sorted(claims, key=lambda c: c.id)
    )
    return out.getvalue()


def _csv_row(
    report: Report,
    claim: Claim,
    relations: Mapping[int, list[str]],
    metrics: list[str],
    said_by: dict[str, list[str]],
) -> list[str]:
    """The cells in :data:`columns.EXPORT`'s order (:data:`_LAYOUT` holds the order to it),
    written as a list: a dict of named cells per claim was a third of a 100k-row export."""
    a = report.assessments[claim.id]
    source = report.sources.get(claim.source)
    by = said_by.get(claim.source)
    if by is None:
        by = said_by[claim.source] = (
            [_cell(v) for v in (source.name, source.kind.value, source.party, source.reliability)]
            if source
            else ["", "", "", ""]
        )
    written = [str(f) for f in claim.figures]
    credibility = a.credibility
    row = [
        str(claim.id),
        *[_cell(v) for v in _BEFORE_FIGURES(claim)],
        columns.LIST_SEPARATOR.join(written),
        columns.LIST_SEPARATOR.join(claim.tags),
        *[_cell(v) for v in _AFTER_TAGS(claim)],
        *by,
        *relations.get(claim.id, _NO_RELATIONS),
        a.status.value,
        "" if credibility is None else str(credibility),
        grade(source, credibility),
        a.reason,
    ]
    if metrics:
        values = {f.metric: f.value_in(text) for f, text in zip(claim.figures, written, strict=True)}
        row += [values.get(m, "") for m in metrics]
    return row


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


_FIGURES_AT = columns.CLAIM.index("figures")
_BEFORE_FIGURES = attrgetter(*columns.CLAIM[:_FIGURES_AT])
_AFTER_TAGS = attrgetter(*columns.CLAIM[_FIGURES_AT + 2 :])
_LAYOUT = (
    "id",
    *columns.CLAIM[:_FIGURES_AT],
    "figures",
    "tags",
    *columns.CLAIM[_FIGURES_AT + 2 :],
    *columns.SOURCE,
    *columns.RELATIONS,
    "status",
    "credibility",
    "grade",
    "reason",
)
assert _LAYOUT == columns.EXPORT, "_csv_row writes its cells in another order than columns.EXPORT"
_NO_RELATIONS = [""] * len(columns.RELATIONS)  # most claims start no link


def _relations(links: Sequence[Link], chosen: set[int]) -> dict[int, list[str]]:
    """Each exported claim's relation cells (one per relation, in :data:`columns.RELATIONS`'s
    order): the ids of the exported claims its links go to. One pass over the links, not a
    look-up of each claim's own (0.4 s of a 100k-row export); most claims start none."""
    targets: dict[int, dict[str, list[int]]] = {}
    for lk in links:
        if lk.src in chosen and lk.dst in chosen:
            targets.setdefault(lk.src, {}).setdefault(lk.relation.value, []).append(lk.dst)
    sep = columns.LIST_SEPARATOR
    return {
        src: [sep.join(map(str, sorted(ids.get(r, ())))) for r in columns.RELATIONS]
        for src, ids in targets.items()
    }
