"""``export json``: the ledger as a claim-ledger document, lossless; ``import`` reads it back
into the same ledger, byte for byte."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..jsonio import DOCUMENT_FORMAT, dumps_pretty
from ..model import SCHEMA_VERSION, Claim, HistoryEntry, Metric, Party
from ..report import NO_FILTERS, Filters, Report


def ledger_json(
    report: Report,
    claims: Sequence[Claim],
    history: Sequence[HistoryEntry],
    last_ids: Mapping[str, int],
    filters: Filters = NO_FILTERS,
    *,
    redacted: bool = False,
    registry: tuple[Sequence[Party], Sequence[Metric]] = ((), ()),
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
    parties, metrics = registry
    if parties or metrics:  # since schema 3: the sides and how each metric counts
        doc["parties"] = [p.to_dict() for p in sorted(parties, key=lambda p: p.id)]
        doc["metrics"] = [m.to_dict() for m in sorted(metrics, key=lambda m: m.name)]
    if whole:
        doc["history"] = [h.to_dict() for h in sorted(history, key=lambda h: h.id)]
        doc["last_ids"] = dict(sorted(last_ids.items()))
    return dumps_pretty(doc)
