"""Confidential sources: what an export may say about them.

A source marked confidential keeps its kind and party (a reader needs them to
judge independence) but is named by its pseudonym, and its name, URL and
notes are left out. So are the provenance fields of its claims (url,
archive_url, retrieved_at, quote) and their retraction notes, which usually point
straight at it, the notes of links that touch them, and the filters an export
names (``--source informant-k`` reads as its pseudonym). Pure: records in, records out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from .model import Claim, Link, Source
from .report import Filters

# What a redacted export says of a confidential source's retraction note, which often names it.
WITHHELD = "withdrawn; the note is withheld (confidential source)"


def redact(
    sources: Mapping[str, Source], claims: Mapping[int, Claim], links: Sequence[Link]
) -> tuple[dict[str, Source], dict[int, Claim], list[Link]]:
    """The ledger as an export shows it: every confidential source under its pseudonym."""
    hidden = {s.id: s.pseudonym for s in sources.values() if s.pseudonym}
    if not hidden:
        return dict(sources), dict(claims), list(links)
    shown = {}
    for s in sources.values():
        if s.pseudonym:
            shown[s.pseudonym] = Source(
                s.pseudonym, s.pseudonym, s.kind, s.party, s.reliability, pseudonym=s.pseudonym
            )
        else:
            shown[s.id] = s
    touched: set[int] = set()
    kept: dict[int, Claim] = {}
    for cid, claim in claims.items():
        pseudonym = hidden.get(claim.source)
        if pseudonym is None:
            kept[cid] = claim
        else:
            touched.add(cid)
            note = WITHHELD if claim.retraction_note else None  # "withdrawn by Maj K on Signal"
            kept[cid] = replace(
                claim,
                source=pseudonym,
                url=None,
                archive_url=None,
                retrieved_at=None,
                quote=None,
                retraction_note=note,
            )
    quiet = [replace(lk, note=None) if lk.note and {lk.src, lk.dst} & touched else lk for lk in links]
    return shown, kept, quiet


def redact_filters(filters: Filters, sources: Mapping[str, Source]) -> Filters:
    """``--source informant`` still selects the informant's claims once they are pseudonymous."""
    hidden = {s.id: s.pseudonym for s in sources.values() if s.pseudonym}
    if not hidden or not filters.sources:
        return filters
    return replace(filters, sources=frozenset(hidden.get(s, s) for s in filters.sources))


def has_confidential(sources: Mapping[str, Source]) -> bool:
    return any(s.pseudonym for s in sources.values())
