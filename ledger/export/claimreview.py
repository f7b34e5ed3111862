"""``export claimreview``: schema.org `ClaimReview`_ JSON-LD, one review per assessed claim,
as fact-checkers publish them for search engines and the Duke Reporters' Lab database.

The rating is the claim's Admiralty credibility: ``ratingValue`` 1 (confirmed,
``bestRating``) to 6 (cannot be judged, ``worstRating``), its name as
``alternateName`` and the ledger's reason as ``ratingExplanation``.

.. _ClaimReview: https://schema.org/ClaimReview
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..jsonio import dumps_pretty
from ..model import CREDIBILITY_NAMES, Claim, Kind, Source
from ..report import Report

SCHEMA_ORG = "https://schema.org"
BEST, WORST = 1, 6  # Admiralty credibility: 1 confirmed ... 6 cannot be judged


def claimreview(report: Report, claims: Sequence[Claim], *, published: str, author: str | None = None) -> str:
    """ClaimReview JSON-LD for every claim that has a credibility (retracted ones have none)."""
    reviews = [
        _review(report, claim, credibility, published, author)
        for claim in claims
        if (credibility := report.assessments[claim.id].credibility) is not None
    ]
    return dumps_pretty({"@context": SCHEMA_ORG, "@graph": reviews})


def _review(
    report: Report, claim: Claim, credibility: int, published: str, author: str | None
) -> dict[str, Any]:
    a = report.assessments[claim.id]
    item: dict[str, Any] = {"@type": "Claim", "author": _speaker(report.sources.get(claim.source), claim)}
    if claim.date:
        item["datePublished"] = claim.date
    seen = [url for url in (claim.url, claim.archive_url) if url]
    if seen:
        item["appearance"] = [{"@type": "CreativeWork", "url": url} for url in seen]
    review: dict[str, Any] = {
        "@type": "ClaimReview",
        "claimReviewed": claim.text,
        "datePublished": published,
        "itemReviewed": item,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": credibility,
            "bestRating": BEST,
            "worstRating": WORST,
            "alternateName": CREDIBILITY_NAMES[credibility],
            "ratingExplanation": f"{a.status.value}: {a.reason}",
        },
    }
    if author:
        review["author"] = {"@type": "Organization", "name": author}
    return review


def _speaker(source: Source | None, claim: Claim) -> dict[str, Any]:
    if source is None:  # a claim whose source record is missing: name what the claim says
        return {"@type": "Organization", "name": claim.source}
    kind = "Person" if source.kind is Kind.eyewitness else "Organization"
    speaker: dict[str, Any] = {"@type": kind, "name": source.name, "identifier": source.id}
    if source.url:
        speaker["url"] = source.url
    return speaker
