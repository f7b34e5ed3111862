"""``check``'s replay: does the history account for every record the ledger holds?

The hash chain proves the history was not edited; this proves the records were
not edited beside it. Starting from the current sources, claims and links, each
history entry is undone, newest first, with the old values it keeps: an ``add``
takes its claim away (which must be as added, after the later entries are undone),
an ``edit`` puts the old values back (the current ones must be the new), a
``delete`` puts the claim back (which must be absent), and so on. At the start of
the history the ledger must be empty. Every difference on the way is a finding
naming the record; it is then set as the history says, so one hand edit is one
finding. The id counters must be above every id the history gave out, or ids would
be reused.

An ``import`` entry keeps which claims (an id range), sources and how many links it
added; since this version it also keeps its links' ids and a digest of them all as
imported, so their contents are proved too. Parties and metrics are not replayed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any

from ..model import Claim, Figure, HistoryEntry, Link, Source, parse_figure

REMEDY = (
    "restore the ledger from a backup you trust; then make the change with claim-ledger, "
    "so the history records it"
)


_UNSEEN = "changed without an entry"


def _value(name: str, value: Any) -> Any:
    """A field's value, compared the same whichever way it was kept (a figure as text or as a
    record, a tuple or a list); nothing and an empty list are the same absence."""
    if value in (None, [], ()):
        return None
    if name == "figures":
        return sorted(str(f if isinstance(f, Figure) else _figure(f)) for f in value)
    if isinstance(value, (list, tuple)):
        return list(value)
    return value


def _figure(value: Any) -> Figure:
    return parse_figure(value) if isinstance(value, str) else Figure.from_dict(value)


def _doc(record: Mapping[str, Any]) -> dict[str, Any]:
    doc = {}
    for name, value in record.items():  # what _value does, sooner for the most common values
        if value is None:
            continue
        if (value.__class__ is str or value.__class__ is int) and name != "figures":
            doc[name] = value
        else:
            value = _value(name, value)
            if value is not None:
                doc[name] = value
    return doc


def claim_doc(claim: Claim) -> dict[str, Any]:
    """``_doc(claim.to_dict())``, read off the claim: 100k claims at every ``check``."""
    doc = {name: value for name, value in zip(_SCALARS, _scalars(claim), strict=True) if value is not None}
    if claim.figures:
        doc["figures"] = sorted([str(f) for f in claim.figures])
    if claim.tags:
        doc["tags"] = list(claim.tags)
    return doc


_SCALARS = tuple(f.name for f in fields(Claim) if f.name not in ("figures", "tags"))
_scalars = attrgetter(*_SCALARS)


def digest(sources: Iterable[Source], claims: Iterable[Claim], links: Iterable[Link]) -> str:
    """What an import entry keeps to prove its records later: a hash of them as imported."""
    return _digest_docs(
        [_doc(s.to_dict()) for s in sources],
        [claim_doc(c) for c in claims],
        [_doc(lk.to_dict()) for lk in links],
    )


@dataclass
class _State:
    sources: dict[str, dict[str, Any]]
    claims: dict[int, dict[str, Any]]
    links: dict[int, dict[str, Any]]
    found: list[tuple[int, str]] = field(default_factory=list)  # (entry id, what differs)

    def differs(self, entry: HistoryEntry, what: str) -> None:
        self.found.append((entry.id, what))


def replay(
    history: Sequence[HistoryEntry],
    sources: Mapping[str, Source],
    claims: Mapping[int, Claim],
    links: Sequence[Link],
    last_ids: Mapping[str, int] | None = None,
) -> Iterator[tuple[str, tuple[int, ...], tuple[int, ...]]]:
    """Each difference between the records and their history: (message, claim ids, link ids)."""
    state = _State(
        {s.id: _doc(s.to_dict()) for s in sources.values()},
        {c.id: claim_doc(c) for c in claims.values()},
        {lk.id: _doc(lk.to_dict()) for lk in links},
    )
    for entry in sorted(history, key=lambda e: e.id, reverse=True):
        _UNDO.get(entry.action, _nothing)(state, entry)
    for entry_id, what in state.found:
        yield f"history entry {entry_id}: {what}", (), ()
    for cid in sorted(state.claims):
        yield f"claim #{cid} is in the ledger, but no history entry added it", (cid,), ()
    for lid in sorted(state.links):
        yield f"link {lid} is in the ledger, but no history entry made it", (), (lid,)
    for sid in sorted(state.sources):
        yield f"source {sid!r} is in the ledger, but no history entry added it", (), ()
    for message in _counters(history, last_ids or {}):
        yield message, (), ()


def _counters(history: Sequence[HistoryEntry], last_ids: Mapping[str, int]) -> Iterator[str]:
    """The id counters must be past every id the history gave out."""
    given = {"claims": 0, "links": 0}
    for entry in history:
        if entry.action in ("add", "delete") and entry.claim is not None:
            given["claims"] = max(given["claims"], entry.claim)
        elif entry.action == "import" and isinstance(entry.detail.get("claims"), list):
            given["claims"] = max(given["claims"], int(entry.detail["claims"][-1]))
        elif entry.action in ("link", "unlink") and isinstance(entry.detail.get("link"), Mapping):
            given["links"] = max(given["links"], int(entry.detail["link"].get("id") or 0))
    for table, top in given.items():
        if table in last_ids and last_ids[table] < top:
            yield (
                f"the {table} id counter is {last_ids[table]}, below {top}, an id the history gave out: "
                "the next new record would reuse it"
            )


def _nothing(state: _State, entry: HistoryEntry) -> None:
    """Entries that change no source, claim or link (parties, metrics, a re-chaining)."""


def _undo_add(state: _State, entry: HistoryEntry) -> None:
    cid = entry.claim
    held = state.claims.pop(cid, None) if cid is not None else None
    added = _doc(entry.detail.get("new") or {})
    if held is None:
        state.differs(entry, f"claim #{cid} it added is gone, and no history entry deleted it")
    elif held != added:
        state.differs(entry, f"claim #{cid} is not as added: {_fields(held, added)} {_UNSEEN}")


def _undo_change(state: _State, entry: HistoryEntry) -> None:
    """An ``edit``, ``retract`` or ``source-edit``: the new values must be there; the old go back."""
    is_source = entry.action == "source-edit"
    key = entry.source if is_source else entry.claim
    table: dict[Any, dict[str, Any]] = state.sources if is_source else state.claims  # type: ignore[assignment]
    what = f"source {key!r}" if is_source else f"claim #{key}"
    held = table.get(key)
    if held is None:
        state.differs(entry, f"{what} it changed is gone, and no history entry removed it")
        return
    old, new = entry.detail.get("old") or {}, entry.detail.get("new") or {}
    wrong = sorted(n for n in new if held.get(n) != _value(n, new[n]))
    if wrong:
        state.differs(entry, f"{what} does not have the values it set: {', '.join(wrong)} {_UNSEEN}")
    for name in new:
        value = _value(name, old.get(name))
        if value is None:
            held.pop(name, None)
        else:
            held[name] = value


def _undo_delete(state: _State, entry: HistoryEntry) -> None:
    claim = _doc(entry.detail.get("claim") or {})
    cid = claim.get("id", entry.claim)
    if cid in state.claims:
        state.differs(entry, f"claim #{cid} it deleted is in the ledger again")
    state.claims[cid] = claim
    for link in entry.detail.get("links") or ():
        state.links[link["id"]] = _doc(link)


def _undo_link(state: _State, entry: HistoryEntry) -> None:
    link = _doc(entry.detail.get("link") or {})
    held = state.links.pop(link.get("id"), None)
    if held is None:
        state.differs(entry, f"link {link.get('id')} it made is gone, and no history entry removed it")
    elif held != link:
        state.differs(entry, f"link {link.get('id')} is not as made: {_fields(held, link)} {_UNSEEN}")


def _undo_unlink(state: _State, entry: HistoryEntry) -> None:
    link = _doc(entry.detail.get("link") or {})
    if link.get("id") in state.links:
        state.differs(entry, f"link {link.get('id')} it removed is in the ledger again")
    state.links[link.get("id")] = link


def _undo_source_add(state: _State, entry: HistoryEntry) -> None:
    added = _doc(entry.detail.get("new") or {})
    held = state.sources.pop(entry.source or added.get("id"), None)
    if held is None:
        state.differs(entry, f"source {entry.source!r} it added is gone")
    elif held != added:
        state.differs(entry, f"source {entry.source!r} is not as added: {_fields(held, added)} {_UNSEEN}")


def _undo_import(state: _State, entry: HistoryEntry) -> None:
    """An import's claims (its id range), sources and links (the newest ones: it made the last)."""
    span = entry.detail.get("claims")
    ids = range(int(span[0]), int(span[-1]) + 1) if isinstance(span, list) and span else range(0)
    claims = [state.claims.pop(cid, None) for cid in ids]
    missing = [cid for cid, held in zip(ids, claims, strict=True) if held is None]
    if missing:
        gone = ", #".join(map(str, missing[:5]))
        state.differs(entry, f"claims it imported are gone, with no entry that deleted them: #{gone}")
    made = entry.detail.get("link_ids")
    if isinstance(made, list) and made:  # since this version: the ids it gave its links
        links = [state.links.pop(lid, None) for lid in range(int(made[0]), int(made[-1]) + 1)]
    else:  # before: as many as it made, the newest (it made the last ones, when it ran)
        count = int(entry.detail.get("links") or 0)
        links = [state.links.pop(lid) for lid in (sorted(state.links)[-count:] if count else [])]
    sources = [state.sources.pop(sid, None) for sid in entry.detail.get("sources") or ()]
    kept = entry.detail.get("digest")
    if kept and not missing and kept != _digest_docs(sources, claims, links):
        state.differs(entry, "what it imported was changed since without an entry (its digest differs)")


def _digest_docs(sources: list[Any], claims: list[Any], links: list[Any]) -> str:
    payload = [
        sorted((d for d in sources if d), key=lambda d: d["id"]),
        sorted((d for d in claims if d), key=lambda d: d["id"]),
        sorted((d for d in links if d), key=lambda d: d["id"]),
    ]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _fields(held: Mapping[str, Any], expected: Mapping[str, Any]) -> str:
    return ", ".join(sorted(k for k in held.keys() | expected.keys() if held.get(k) != expected.get(k)))


_UNDO = {
    "add": _undo_add,
    "edit": _undo_change,
    "retract": _undo_change,
    "source-edit": _undo_change,
    "delete": _undo_delete,
    "link": _undo_link,
    "unlink": _undo_unlink,
    "source-add": _undo_source_add,
    "import": _undo_import,
}
