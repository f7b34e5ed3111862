"""The ledger's operations: what each command does, as one function over a Store.

This is the public API a script uses (see ``ledger/__init__.py``). Each
function validates through :mod:`ledger.model` and :mod:`ledger.analysis`,
changes the in-memory store, and records what it changed in ``history``.
Nothing here prints, reads the clock or parses a command line: ``now`` is
passed in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from . import analysis
from .analysis import Assessment, Filters
from .errors import Conflict, Corrupt, InvalidInput, LedgerError, NotFound
from .model import (
    SCHEMA_VERSION,
    Claim,
    Figure,
    HistoryEntry,
    Link,
    Relation,
    Source,
    new_claim,
    new_source,
    parse_relation,
    parse_source_id,
    parse_text,
)
from .store import Store

DOCUMENT_FORMAT = "claim-ledger"


# --------------------------------------------------------------------------- sources


def add_source(store: Store, source_id: str, *, now: str, **fields: Any) -> Source:
    """Validate and store a new source (``name``, ``kind``, ``party``, ``reliability``...)."""
    source = new_source(source_id, created_at=now, **fields)
    store.insert_source(source)
    store.record(now, "source-add", source=source.id, detail={"new": source.to_dict()})
    return source


# --------------------------------------------------------------------------- claims


@dataclass(frozen=True, slots=True)
class Added:
    claim: Claim
    links: tuple[Link, ...]


def add_claim(
    store: Store,
    text: str | None,
    *,
    source: str,
    now: str,
    repeats: Sequence[int] = (),
    corroborates: Sequence[int] = (),
    contradicts: Sequence[int] = (),
    **fields: Any,
) -> Added:
    """Validate and store a new claim, with links from it to earlier claims."""
    draft = new_claim(text, source=source, recorded_at=now, **fields)
    store.source(draft.source)  # NotFound names the remedy
    wanted = (
        [(Relation.repeats, n) for n in repeats]
        + [(Relation.corroborates, n) for n in corroborates]
        + [(Relation.contradicts, n) for n in contradicts]
    )
    targets = {n: store.claim(n) for _, n in wanted}  # every target exists, or nothing changes
    claim = store.insert_claim(draft)
    store.record(now, "add", claim=claim.id, detail={"new": _public(claim)})
    links = tuple(_link(store, claim, rel, targets[n], None, now) for rel, n in wanted)
    return Added(claim, links)


def link(
    store: Store,
    src: int,
    relation: str | Relation,
    dst: int,
    *,
    now: str,
    note: str | None = None,
) -> Link:
    """Add ``src relation dst`` (e.g. ``7 repeats 6``) after checking the link rules."""
    rel = relation if isinstance(relation, Relation) else parse_relation(relation)
    return _link(store, store.claim(src), rel, store.claim(dst), note, now)


def _link(store: Store, a: Claim, rel: Relation, b: Claim, note: str | None, now: str) -> Link:
    analysis.check_new_link(a, rel, b, store.links())
    made = store.insert_link(Link(0, a.id, rel, b.id, note or None, now))
    store.record(now, "link", claim=a.id, detail={"link": made.to_dict()})
    return made


def unlink(store: Store, a: int, b: int, *, now: str) -> Link:
    """Remove the link between claims ``a`` and ``b``, whichever way it points."""
    store.claim(a)
    store.claim(b)
    for existing in store.links():
        if {existing.src, existing.dst} == {a, b}:
            store.remove_link(existing.id)
            store.record(now, "unlink", claim=existing.src, detail={"link": existing.to_dict()})
            return existing
    raise NotFound(f"claims #{a} and #{b} are not linked: 'claim-ledger show {a}' shows its links")


def retract(store: Store, claim_id: int, *, note: str, now: str) -> Claim:
    """Mark a claim withdrawn by its source. It stays in the ledger, marked retracted."""
    note = parse_text(note, "retraction note")
    claim = store.claim(claim_id)
    if claim.retracted:
        raise Conflict(f"claim #{claim_id} was already retracted on {claim.retracted_at}")
    changed = claim.retract(now, note)
    store.replace_claim(changed)
    store.record(
        now,
        "retract",
        claim=claim_id,
        detail={
            "old": {"retracted_at": None, "retraction_note": None},
            "new": {"retracted_at": now, "retraction_note": note},
        },
    )
    return changed


def _public(claim: Claim) -> dict[str, Any]:
    doc = claim.to_dict()
    return {k: v for k, v in doc.items() if v not in (None, [], ())}


# --------------------------------------------------------------------------- reports


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a listing shows: the ledger's records and the verdict on each claim."""

    sources: Mapping[str, Source]
    claims: Mapping[int, Claim]
    links: Sequence[Link]
    assessments: Mapping[int, Assessment]
    by_claim: Mapping[int, Sequence[Link]]  # every link touching a claim, built once by report()

    def select(self, filters: Filters = Filters()) -> list[Claim]:
        return analysis.select(self.claims.values(), self.assessments, self.sources, filters)

    def links_of(self, claim_id: int) -> Sequence[Link]:
        return self.by_claim.get(claim_id, ())


def report(store: Store) -> Report:
    sources, claims, links = store.sources(), store.claims(), store.links()
    by_claim: dict[int, list[Link]] = {}
    for lk in links:
        by_claim.setdefault(lk.src, []).append(lk)
        if lk.dst != lk.src:
            by_claim.setdefault(lk.dst, []).append(lk)
    return Report(sources, claims, links, analysis.analyze(sources, claims, links), by_claim)


def history_of(store: Store, claim_id: int) -> list[HistoryEntry]:
    store.claim(claim_id)
    return [h for h in store.history() if h.claim == claim_id or _touches(h, claim_id)]


def _touches(entry: HistoryEntry, claim_id: int) -> bool:
    linked = entry.detail.get("link") if isinstance(entry.detail, Mapping) else None
    return isinstance(linked, Mapping) and claim_id in (linked.get("from"), linked.get("to"))


# --------------------------------------------------------------------------- documents


def read_document(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise Corrupt(f"cannot read {path}: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != DOCUMENT_FORMAT:
        raise Corrupt(f'{path} is not a claim-ledger document (no "format": "claim-ledger")')
    if doc.get("schema", 0) > SCHEMA_VERSION:
        raise Corrupt(f"{path} was written by a newer claim-ledger (schema {doc['schema']})")
    return doc


def load_document(store: Store, doc: Mapping[str, Any], *, now: str) -> tuple[int, int, int]:
    """Load a claim-ledger document (sources, claims, links) into an empty ledger, ids kept.

    Every record is validated as if typed by hand; all problems are collected and
    reported together, and nothing is stored unless all are fine.
    """
    if store.claims() or store.sources():
        raise Conflict(f"ledger {store.path} is not empty: load a document into a new ledger")
    problems: list[str] = []
    sources = _records(
        doc,
        "sources",
        problems,
        lambda d: new_source(
            d["id"],
            name=d["name"],
            kind=d["kind"],
            party=d.get("party"),
            reliability=d.get("reliability"),
            url=d.get("url"),
            notes=d.get("notes"),
            created_at=d.get("created_at") or now,
        ),
    )
    claims = _records(doc, "claims", problems, lambda d: _claim_record(d, now))
    known_sources = {s.id for s in sources}
    by_id: dict[int, Claim] = {}
    for claim in claims:
        if claim.id in by_id:
            problems.append(f"claims: id {claim.id} is used twice")
        if claim.source not in known_sources:
            problems.append(f"claim #{claim.id}: unknown source {claim.source!r}")
        by_id[claim.id] = claim
    links: list[Link] = []
    index = analysis.LinkIndex()
    for i, d in enumerate(doc.get("links") or (), start=1):
        try:
            lk = Link(
                int(d.get("id", i)),
                int(d["from"]),
                parse_relation(d["relation"]),
                int(d["to"]),
                d.get("note"),
                d.get("created_at") or now,
            )
            if lk.src not in by_id or lk.dst not in by_id:
                raise NotFound(f"claim #{lk.src if lk.src not in by_id else lk.dst} is missing")
            index.check(by_id[lk.src], lk.relation, by_id[lk.dst])
            index.add(lk)
            links.append(lk)
        except (LedgerError, KeyError, TypeError, ValueError) as exc:
            problems.append(f"links[{i}]: {_problem(exc)}")
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise InvalidInput("; ".join(problems[:5]) + more)
    store.insert_bulk(sources, claims, links)
    store.record(
        now,
        "load",
        detail={
            "sources": len(sources),
            "claims": len(claims),
            "links": len(links),
        },
    )
    return len(sources), len(claims), len(links)


def _claim_record(d: Mapping[str, Any], now: str) -> Claim:
    figures = [f if isinstance(f, str) else str(Figure.from_dict(f)) for f in d.get("figures") or ()]
    draft = new_claim(
        d["text"],
        source=d["source"],
        date=d.get("date"),
        event=d.get("event"),
        figures=figures,
        url=d.get("url"),
        archive_url=d.get("archive_url"),
        retrieved_at=d.get("retrieved_at"),
        quote=d.get("quote"),
        tags=d.get("tags") or (),
        location=d.get("location"),
        recorded_at=d.get("recorded_at") or now,
    )
    claim = replace(draft, id=int(d["id"]))
    if d.get("retracted_at"):
        claim = claim.retract(d["retracted_at"], parse_text(d.get("retraction_note"), "retraction note"))
    return claim


def _records(doc: Mapping[str, Any], table: str, problems: list[str], build: Any) -> list[Any]:
    out = []
    for i, d in enumerate(doc.get(table) or (), start=1):
        try:
            out.append(build(d))
        except (LedgerError, KeyError, TypeError, ValueError) as exc:
            problems.append(f"{table}[{i}]: {_problem(exc)}")
    return out


def _problem(exc: Exception) -> str:
    return f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)


def source_ids(values: Iterable[str]) -> frozenset[str]:
    return frozenset(parse_source_id(v) for v in values)
