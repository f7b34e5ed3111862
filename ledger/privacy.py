"""Confidential sources: what an export may say about them.

A source marked confidential keeps its kind and party (a reader needs them to
judge independence) but is named by its pseudonym, and its name, URL and
notes are left out. So are the provenance fields of its claims (url,
archive_url, retrieved_at, quote) and their retraction notes, which usually point
straight at it, the notes of links that touch them, and the filters an export
names (``--source informant-k`` reads as its pseudonym). Pure: records in, records out.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

from .model import WITHHELD_DETAIL, Claim, HistoryEntry, Link, Source
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
            shown[s.pseudonym] = public_source(s)
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
            kept[cid] = public_claim(claim, pseudonym)
    quiet = [public_link(lk, touched) for lk in links]
    return shown, kept, quiet


def public_source(source: Source) -> Source:
    """A confidential source as anyone may see it: its pseudonym, kind, party and grade."""
    p = source.pseudonym or source.id
    return Source(p, p, source.kind, source.party, source.reliability, pseudonym=p)


def public_claim(claim: Claim, pseudonym: str) -> Claim:
    """A confidential source's claim without what points at the source."""
    note = WITHHELD if claim.retraction_note else None  # "withdrawn by Maj K on Signal"
    return replace(
        claim,
        source=pseudonym,
        url=None,
        archive_url=None,
        retrieved_at=None,
        quote=None,
        retraction_note=note,
    )


def public_link(link: Link, touched: set[int]) -> Link:
    """A link without its note when it touches a confidential source's claim."""
    return replace(link, note=None) if link.note and {link.src, link.dst} & touched else link


def public_rows(data: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """The stored rows a reader without the confidential level gets instead, table by table
    (``sources``, ``claims``, ``links``, ``history``, keyed as stored): the ledger as
    :func:`redact` shows it, and each history entry that concerns a confidential source or
    its claims reduced to its place in the chain (:func:`withheld`). Rows not listed are the
    same for everyone; an empty answer: nothing to withhold."""
    raw_sources = data.get("sources", {})
    hidden = {d["id"]: d["pseudonym"] for d in raw_sources.values() if d.get("pseudonym")}
    if not hidden:
        return {}
    rows: dict[str, dict[str, dict[str, Any]]] = {"sources": {}, "claims": {}, "links": {}, "history": {}}
    for key, doc in raw_sources.items():
        if doc.get("pseudonym"):
            rows["sources"][key] = public_source(Source.from_dict(doc)).to_dict()
    touched: set[int] = set()
    for key, doc in data.get("claims", {}).items():
        if doc.get("source") in hidden:
            touched.add(int(key))
            claim = public_claim(Claim.from_doc(int(key), doc), hidden[doc["source"]])
            rows["claims"][key] = _stored(claim.to_dict())
    for key, doc in data.get("links", {}).items():
        if doc.get("note"):
            link = Link.from_doc(int(key), doc)
            if {link.src, link.dst} & touched:
                rows["links"][key] = _stored(public_link(link, touched).to_dict())
    for key, doc in data.get("history", {}).items():
        entry = HistoryEntry.from_dict({**doc, "id": int(key)})
        if _concerns(entry, hidden, touched):
            rows["history"][key] = _stored(withheld(entry, hidden.get(entry.source or "")).to_dict())
    return {table: found for table, found in rows.items() if found}


def withheld(entry: HistoryEntry, pseudonym: str | None) -> HistoryEntry:
    """A history entry kept in the chain (its id, time, action, claim and hashes) with what it
    says of a confidential source left out."""
    return replace(entry, source=pseudonym or entry.source, detail=dict(WITHHELD_DETAIL))


def _concerns(entry: HistoryEntry, hidden: Mapping[str, str], touched: set[int]) -> bool:
    """Whether a history entry names a confidential source or records one of its claims."""
    if entry.source in hidden or entry.claim in touched:
        return True
    link = entry.detail.get("link")  # a link's or an unlink's: the link as stored
    if isinstance(link, Mapping) and {link.get("from"), link.get("to")} & touched:
        return True
    span = entry.detail.get("claims")  # an import's: the first and the last id it gave
    if isinstance(span, list) and len(span) == 2 and all(isinstance(n, int) for n in span):
        return any(span[0] <= n <= span[1] for n in touched) or _names(entry, hidden)
    return _names(entry, hidden)


def _names(entry: HistoryEntry, hidden: Mapping[str, str]) -> bool:
    """Whether any text in the entry's detail is a confidential source's id."""
    return any(text in hidden for text in _strings(entry.detail))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _stored(doc: dict[str, Any]) -> dict[str, Any]:
    """A record as a table keeps it: its id is the row's key."""
    return {k: v for k, v in doc.items() if k != "id"}


def redact_filters(filters: Filters, sources: Mapping[str, Source]) -> Filters:
    """``--source informant`` still selects the informant's claims once they are pseudonymous."""
    hidden = {s.id: s.pseudonym for s in sources.values() if s.pseudonym}
    if not hidden or not filters.sources:
        return filters
    return replace(filters, sources=frozenset(hidden.get(s, s) for s in filters.sources))


def has_confidential(sources: Mapping[str, Source]) -> bool:
    return any(s.pseudonym for s in sources.values())
