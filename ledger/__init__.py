"""claim-ledger: a ledger of claims versus reports.

The public API, for scripts (imported lazily so that ``claim-ledger --version``
stays fast)::

    from pathlib import Path
    import ledger

    with ledger.open_ledger(Path("ledger.json"), write=True) as store:
        ledger.add_claim(store, "A hotel was hit", source="ru-mod", now="2024-01-01T00:00:00+00:00")
    with ledger.open_ledger(Path("ledger.json")) as store:
        report = ledger.report(store)
        for claim in report.select(ledger.Filters()):
            print(claim.id, report.assessments[claim.id].status.value)
"""

from __future__ import annotations

from .lazyapi import install

__version__ = "0.1.0"

_API = {
    "open_ledger": "store",
    "memory_store": "store",
    "Store": "store",
    "add_source": "ops",
    "add_party": "ops",
    "set_metric": "ops",
    "edit_source": "ops",
    "add_claim": "ops",
    "edit_claim": "ops",
    "delete_claim": "ops",
    "link": "ops",
    "unlink": "ops",
    "retract": "ops",
    "report": "ops",
    "Report": "report",
    "history_of": "ops",
    "load_document": "ops",
    "read_document": "ops",
    "analyze": "analysis",
    "near_duplicates": "similar",
    "Assessment": "analysis",
    "Filters": "report",
    "Support": "analysis",
    "Source": "model",
    "Claim": "model",
    "Link": "model",
    "Figure": "model",
    "Kind": "model",
    "Relation": "model",
    "Status": "model",
    "LedgerError": "errors",
}

__all__ = ["__version__", *_API]


__getattr__ = install(__name__, _API)
