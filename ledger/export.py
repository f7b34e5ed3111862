"""Writers: values in, text out.

``claims_json`` is the stable machine shape behind every ``--json`` listing
(documented in the README): a JSON array with one object per claim.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .model import Claim, grade
from .ops import Report


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
    return json.dumps([claim_record(report, c) for c in claims], ensure_ascii=False, indent=2) + "\n"
