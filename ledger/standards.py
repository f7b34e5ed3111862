"""Exports in other people's formats: schema.org ClaimReview and MISP. Values in, text out.

* :func:`claimreview` — schema.org `ClaimReview`_ JSON-LD, one review per
  assessed claim, as fact-checkers publish them for search engines and the
  Duke Reporters' Lab database. The rating is the claim's Admiralty
  credibility: ``ratingValue`` 1 (confirmed, ``bestRating``) to 6 (cannot be
  judged, ``worstRating``), its name as ``alternateName`` and the ledger's
  reason as ``ratingExplanation``.
* :func:`misp_event` — a MISP event (the JSON that MISP's "Add event from
  JSON" and PyMISP read): one ``text`` attribute per claim, tagged with the
  `admiralty-scale`_ taxonomy (``source-reliability="b"``,
  ``information-credibility="2"``), and a ``link`` attribute for each place
  the claim was seen.

.. _ClaimReview: https://schema.org/ClaimReview
.. _admiralty-scale: https://www.misp-project.org/taxonomies.html#_admiralty_scale
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .model import CREDIBILITY_NAMES, Claim, Kind, Source
from .ops import Report
from .storage import dumps_pretty

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


def misp_event(report: Report, claims: Sequence[Claim], *, info: str, date: str) -> str:
    """A MISP event holding the claims, each tagged with its Admiralty grades."""
    attributes: list[dict[str, Any]] = []
    for claim in claims:
        a = report.assessments[claim.id]
        source = report.sources.get(claim.source)
        reliability = (source.reliability if source else "F").lower()
        tags = [{"name": f'admiralty-scale:source-reliability="{reliability}"'}]
        if a.credibility is not None:
            tags.append({"name": f'admiralty-scale:information-credibility="{a.credibility}"'})
        who = f"{claim.source} ({source.kind.value}, {source.party_label})" if source else claim.source
        comment = f"claim #{claim.id} by {who}: {a.status.value}: {a.reason}"
        attributes.append(
            {
                "type": "text",
                "category": "Other",
                "value": claim.text,
                "comment": comment,
                "to_ids": False,
                **({"first_seen": f"{claim.date}T00:00:00Z"} if claim.date else {}),
                "Tag": tags,
            }
        )
        for url in (claim.url, claim.archive_url):
            if url:
                attributes.append(
                    {
                        "type": "link",
                        "category": "External analysis",
                        "value": url,
                        "comment": f"where claim #{claim.id} was seen",
                        "to_ids": False,
                    }
                )
    event = {
        "info": info,
        "date": date,
        "threat_level_id": "4",  # undefined: these are claims, not indicators
        "analysis": "1",  # ongoing
        "distribution": "0",  # your organisation only, until you choose otherwise
        "Attribute": attributes,
    }
    return dumps_pretty({"Event": event})
