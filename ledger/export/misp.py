"""``export misp``: a MISP event (the JSON that MISP's "Add event from JSON" and PyMISP read).

One ``text`` attribute per claim, tagged with the `admiralty-scale`_ taxonomy
(``source-reliability="b"``, ``information-credibility="2"``), and a ``link``
attribute for each place the claim was seen.

.. _admiralty-scale: https://www.misp-project.org/taxonomies.html#_admiralty_scale
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..jsonio import dumps_pretty
from ..model import Claim
from ..report import Report
from ..words import who


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
        comment = f"claim #{claim.id} by {who(claim.source, source)}: {a.status.value}: {a.reason}"
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
