"""The ledger's operations: what each command does, as one function over a Store.

This is the public API a script uses (see ``ledger/__init__.py``). Each
function validates through :mod:`ledger.model` and :mod:`ledger.analysis`,
changes the in-memory store, and records what it changed in ``history``.
Nothing here prints, reads the clock or parses a command line: ``now`` is
passed in.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .analysis import LinkIndex, check_new_link
from .analysis.links import update_across_sources
from .errors import (
    Conflict,
    ImportRejected,
    InvalidInput,
    LedgerError,
    LinkRefused,
    NearDuplicate,
    NotFound,
    Problem,
)
from .model import (
    STATED,
    Claim,
    Figure,
    HistoryEntry,
    Imported,
    Link,
    Metric,
    Party,
    Relation,
    Source,
    chain_break,
    claim_identity,
    moment_order,
    new_claim,
    new_source,
    parse_date,
    parse_metric,
    parse_party,
    parse_relation,
    parse_source_id,
    parse_text,
    parse_timestamp,
    parties_in_use,
    party_key,
    resolve_party,
    same_content,
)
from .store import Store
from .words import and_more, cut, side

if TYPE_CHECKING:
    from .analysis import Assessment, Finding, StoryNumbers
    from .importer import Batch, ClaimRow
    from .report import Report
    from .similar import Match

# --------------------------------------------------------------------------- sources


def add_source(
    store: Store, source_id: str, *, now: str, confidential: bool = False, **fields: Any
) -> Source:
    """Validate and store a new source (``name``, ``kind``, ``party``, ``reliability``...).

    A ``confidential`` source gets a pseudonym (``source-1``, ``source-2``...) that
    exports use instead of its id, name, URL and notes.
    """
    given = _pseudonyms(store)
    pseudonym = _new_pseudonym(store, given) if confidential else None
    fields["party"] = resolve_party(fields.get("party"), store.parties())
    source = new_source(source_id, created_at=now, pseudonym=pseudonym, **fields)
    if source.id in given:
        raise Conflict(f"{source.id!r} is the pseudonym of a confidential source: choose another id")
    store.insert_source(source)
    store.record(now, "source-add", source=source.id, detail={"new": source.to_dict()})
    return source


# What `source edit` may change. The id is what claims refer to; it stays.
SOURCE_EDITABLE = ("name", "kind", "party", "reliability", "url", "notes")


def edit_source(
    store: Store, source_id: str, *, now: str, confidential: bool | None = None, **changes: Any
) -> dict[str, tuple[Any, Any]]:
    """Change the given fields of a source (None: leave it; "": clear it), validated as on add.

    ``confidential`` True gives the source a pseudonym (its earlier one, if it
    had one: published reports keep meaning the same source), False removes it.
    Returns what changed, as field -> (old, new); the history keeps both.
    """
    _only_editable(changes, SOURCE_EDITABLE)
    old = store.source(parse_source_id(source_id))
    fields: dict[str, Any] = {name: getattr(old, name) for name in SOURCE_EDITABLE}
    fields["kind"] = old.kind.value
    fields.update({k: v for k, v in changes.items() if v is not None})
    if changes.get("party") is not None:
        fields["party"] = resolve_party(changes["party"], store.parties())
    pseudonym = old.pseudonym
    if confidential is False:
        pseudonym = None
    elif confidential and not pseudonym:
        given = _pseudonyms(store)
        earlier = [p for p, owner in given.items() if owner == old.id]
        pseudonym = earlier[-1] if earlier else _new_pseudonym(store, given)
    new = new_source(old.id, created_at=old.created_at, pseudonym=pseudonym, **fields)
    changed = _changes(old, new, (*SOURCE_EDITABLE, "pseudonym"), f"source {old.id}")
    store.replace_source(new)
    store.record(now, "source-edit", source=old.id, detail=_change_detail(changed))
    return changed


# --------------------------------------------------------------------------- parties, metrics


def add_party(store: Store, party_id: str, *, now: str, aliases: Sequence[str] = ()) -> Party:
    """Register a party (``UA``) with the other names it is typed by; for a registered one, add
    the aliases. A name already naming another party is refused: one name, one side."""
    pid = parse_party(party_id)
    if pid is None:
        raise InvalidInput("a party needs an id, such as UA or RU")
    known = store.parties()
    owner = {n.casefold(): p.id for p in known.values() for n in p.names()}
    existing = known.get(owner.get(pid.casefold(), ""))
    if existing is not None and existing.id != pid:
        raise Conflict(f"{pid!r} is already a name of party {existing.id}")
    names = list(existing.aliases if existing else ())
    for alias in aliases:
        name = parse_party(alias)
        if name is None:
            continue
        holder = owner.get(name.casefold())
        if holder is not None and holder != pid:
            raise Conflict(f"{name!r} already names party {holder}: one name, one side")
        if name.casefold() != pid.casefold() and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    party = Party(pid, tuple(names), existing.created_at if existing else now)
    if existing == party:
        raise InvalidInput(f"nothing to change: party {pid} already has those names")
    store.put_party(party)
    store.record(now, "party-add" if existing is None else "party-edit", detail={"new": party.to_dict()})
    return party


def set_metric(store: Store, name: str, *, level: bool, now: str) -> Metric:
    """Declare a metric a level (it may go down; compared only at one moment) or cumulative."""
    metric = Metric(parse_metric(name), level)
    if store.metrics().get(metric.name, Metric(metric.name)) == metric:
        kind = "a level" if level else "cumulative"
        raise InvalidInput(f"nothing to change: {metric.name} is already {kind}")
    store.put_metric(metric)
    store.record(now, "metric-set", detail={"new": metric.to_dict()})
    return metric


def _pseudonyms(store: Store) -> dict[str, str]:
    """Every pseudonym ever given, and to which source.

    The history remembers them: a pseudonym is never handed to another source,
    even after its own source stopped being confidential.
    """
    given: dict[str, str] = {}
    for entry in store.history():
        if entry.action in ("source-add", "source-edit") and isinstance(entry.detail, Mapping):
            for side in ("old", "new"):
                record = entry.detail.get(side)
                if isinstance(record, Mapping) and isinstance(record.get("pseudonym"), str):
                    given[record["pseudonym"]] = entry.source or ""
    given.update({s.pseudonym: s.id for s in store.sources().values() if s.pseudonym})
    return given


def _new_pseudonym(store: Store, given: Mapping[str, str]) -> str:
    taken = set(store.sources()) | set(given)
    return next(f"source-{n}" for n in itertools.count(1) if f"source-{n}" not in taken)


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
    updates: Sequence[int] = (),
    force: bool = False,
    **fields: Any,
) -> Added:
    """Validate and store a new claim, with links from it to earlier claims.

    Unless ``force``, a claim whose text nearly repeats one it is not linked to
    is refused with :class:`NearDuplicate` (the rule: :mod:`ledger.similar`).
    """
    draft = new_claim(text, source=source, recorded_at=now, **fields)
    store.source(draft.source)  # NotFound names the remedy
    wanted = (
        [(Relation.repeats, n) for n in repeats]
        + [(Relation.corroborates, n) for n in corroborates]
        + [(Relation.contradicts, n) for n in contradicts]
        + [(Relation.updates, n) for n in updates]
    )
    targets = {n: store.claim(n) for _, n in wanted}  # every target exists, or nothing changes
    if not force:
        from .similar import Match, scored  # here: no other command loads the rule

        found = scored(draft.text, store.near_duplicate_texts(draft.text), skip=targets)
        matches = [Match(store.claim(n), score, why) for n, score, why in found]
        if matches:
            raise NearDuplicate(_near_duplicate_message(matches), matches, draft.source)
    claim = store.insert_claim(draft)
    store.record(now, "add", claim=claim.id, detail={"new": _public(claim)})
    links = tuple(_link(store, claim, rel, targets[n], None, now) for rel, n in wanted)
    return Added(claim, links)


def _near_duplicate_message(matches: Sequence[Match]) -> str:
    said = ", ".join(f"#{m.claim.id} ({m.claim.source}, {m.why})" for m in matches)
    return f"a near duplicate of {said}: {cut(matches[0].claim.text, 60)!r}"


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
    check_new_link(a, rel, b, store.links())
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


def retract(store: Store, claim_id: int, *, note: str, now: str, date: str | None = None) -> Claim:
    """Mark a claim withdrawn by its source, as of ``date`` (the source's own withdrawal; when
    none is given, ``now``). It stays in the ledger, marked retracted."""
    note = parse_text(note, "retraction note")
    when = parse_date(date, "retraction date") or now
    claim = store.claim(claim_id)
    if claim.retracted:
        raise Conflict(f"claim #{claim_id} was already retracted on {claim.retracted_at}")
    if claim.date and moment_order(when, claim.date) < 0:
        raise InvalidInput(f"retraction date {when} is before claim #{claim_id} was made ({claim.date})")
    changed = claim.retract(when, note)
    store.replace_claim(changed)
    store.record(
        now,
        "retract",
        claim=claim_id,
        detail={
            "old": {"retracted_at": None, "retraction_note": None},
            "new": {"retracted_at": when, "retraction_note": note},
        },
    )
    return changed


# What `edit` may change: everything a claim states. Its id, when it was recorded and
# its retraction are history, changed only by `retract`.
EDITABLE = STATED


def edit_claim(store: Store, claim_id: int, *, now: str, **changes: Any) -> dict[str, tuple[Any, Any]]:
    """Change the given fields of a claim (None: leave it; "" or []: clear it), validated as on add.

    Returns what changed, as field -> (old, new); the history keeps both.
    """
    _only_editable(changes, EDITABLE)
    old = store.claim(claim_id)
    fields: dict[str, Any] = {name: getattr(old, name) for name in EDITABLE}
    fields.update({k: v for k, v in changes.items() if v is not None})
    text = fields.pop("text")
    draft = new_claim(text, id=old.id, recorded_at=old.recorded_at, **fields)
    new = replace(draft, retracted_at=old.retracted_at, retraction_note=old.retraction_note)
    changed = _changes(old, new, EDITABLE, f"claim #{claim_id}")
    if "source" in changed:
        store.source(new.source)
        _updates_still_hold(store, new)
    store.replace_claim(new)
    store.record(now, "edit", claim=claim_id, detail=_change_detail(changed))
    return changed


def _updates_still_hold(store: Store, claim: Claim) -> None:
    """A claim given another source must keep the update rule with the claims it updates, or
    that update it: :class:`LinkRefused` names the link in the way."""
    for lk in store.links():
        if lk.relation is Relation.updates and claim.id in (lk.src, lk.dst):
            src, dst = (claim, store.claim(lk.dst)) if lk.src == claim.id else (store.claim(lk.src), claim)
            broken = update_across_sources(src, lk.relation, dst)
            if broken is not None:
                raise LinkRefused(broken.message, broken.rule, lk.src, lk.dst, lk)


def _only_editable(changes: Mapping[str, Any], editable: Sequence[str]) -> None:
    unknown = set(changes) - set(editable)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")


def _changes(old: Any, new: Any, names: Sequence[str], what: str) -> dict[str, tuple[Any, Any]]:
    """Field -> (old, new) for each of ``names`` that differs; an edit that changes nothing is refused."""
    changed = {n: (getattr(old, n), getattr(new, n)) for n in names if getattr(old, n) != getattr(new, n)}
    if not changed:
        raise InvalidInput(f"nothing to change: {what} already says that")
    return changed


def _change_detail(changed: Mapping[str, tuple[Any, Any]]) -> dict[str, dict[str, Any]]:
    """What the history keeps of an edit: the old and the new value of each changed field."""
    return {
        "old": {n: _plain(before) for n, (before, _) in changed.items()},
        "new": {n: _plain(after) for n, (_, after) in changed.items()},
    }


def delete_claim(store: Store, claim_id: int, *, now: str) -> tuple[Claim, list[Link]]:
    """Remove a claim entered by mistake, and its links. The history keeps both, whole."""
    claim = store.claim(claim_id)
    gone = [lk for lk in store.links() if claim_id in (lk.src, lk.dst)]
    store.remove_claim(claim_id, [lk.id for lk in gone])
    store.record(
        now,
        "delete",
        claim=claim_id,
        detail={"claim": claim.to_dict(), "links": [lk.to_dict() for lk in gone]},
    )
    return claim, gone


def _plain(value: Any) -> Any:
    """A field's value as JSON keeps it: figures as text (killed=3), tuples as lists."""
    if isinstance(value, tuple):
        return [str(v) if isinstance(v, Figure) else v for v in value]
    return value.value if isinstance(value, Enum) else value


def _public(claim: Claim) -> dict[str, Any]:
    doc = claim.to_dict()
    return {k: v for k, v in doc.items() if v not in (None, [], ())}


# --------------------------------------------------------------------------- reports


def report(store: Store) -> Report:
    """The verdict on every claim in the store (:mod:`ledger.report` is the pure read side,
    imported here: a write needs none of it)."""
    from .report import report_of

    return report_of(store.sources(), store.claims(), store.links(), store.levels())


def findings(
    store: Store,
    seal: str | None = None,
    weighed: tuple[Mapping[int, Assessment], Mapping[int, StoryNumbers]] | None = None,
) -> list[Finding]:
    """``check``'s findings in the store: its records, its history and its id counters
    (:func:`ledger.analysis.findings`; ``weighed``: the store's verdicts, if already worked out)."""
    from .analysis import findings

    return findings(
        store.sources(),
        store.claims(),
        store.links(),
        store.history(),
        store.history_head(),
        store.levels(),
        seal,
        weighed=weighed,
        last_ids=store.last_ids(),
        withheld=store.withheld,
    )


def history_of(store: Store, claim_id: int) -> list[HistoryEntry]:
    """Every entry about a claim, a deleted one's included."""
    entries = [h for h in store.history() if claim_id in h.concerned()]
    if not entries:
        store.claim(claim_id)  # NotFound names the remedy; a claim with no history is possible
    return entries


# --------------------------------------------------------------------------- import

PROGRESS_EVERY = 1000  # rows checked between two calls of an import's progress function


class _Import:
    """One import's work in progress: what it will add, and every problem found on the way."""

    def __init__(
        self, store: Store, batch: Batch, now: str, create_sources: bool, on_conflict: str = "refuse"
    ) -> None:
        self.store, self.batch, self.now, self.create_sources = store, batch, now, create_sources
        self.on_conflict = on_conflict  # a row that states a held claim otherwise: refuse, skip or add
        self.rechain = False  # a backup's broken history chain: chain it again, and say so
        self.rechained = False
        self.problems: list[Problem] = list(batch.problems)
        self.known = store.sources()
        self.restore = batch.document and not store.claims() and not self.known
        self.new_sources: dict[str, Source] = {}
        self.named: list[tuple[str, str, int]] = []  # (source, where, row): checked after every row
        self.by_ref: dict[str, Claim] = {}
        self.claims: list[tuple[str, Claim]] = []
        self.present: list[tuple[str, int]] = []
        self.skipped_links = 0
        self.unmatched: list[str] = []  # relays whose origin (source, event, date) no claim states
        self.conflicts: list[tuple[str, int]] = []
        self.existing = store.claims()
        self.by_identity = {} if self.restore else {claim_identity(c): c for c in self.existing.values()}
        self.parties: dict[str, Party] = dict(store.parties())  # the ledger's, and the file's new ones
        self.new_parties: list[Party] = []
        self.new_metrics: list[Metric] = []
        self.described: dict[tuple[Any, ...], Source] = {}  # each source as rows describe it

    def take_registry(self) -> None:
        """A document's parties and metrics; a document from before them (or the sample) has its
        sources' parties registered, as a ledger of schema 2 has on migration."""
        rows = self.batch.parties
        if rows is None and self.batch.document:
            rows = tuple(
                p.to_dict() for p in parties_in_use(r.fields.get("party") or "" for r in self.batch.sources)
            )
        for i, record in enumerate(rows or (), start=1):
            party = self.attempt(f"parties[{i}]", i, lambda r=record: Party.from_dict(r))
            if party is not None and not _names_known(party, self.parties):
                self.parties[party.id] = party
                self.new_parties.append(party)
        metrics = self.store.metrics()
        for i, record in enumerate(self.batch.metrics, start=1):
            metric = self.attempt(f"metrics[{i}]", i, lambda r=record: Metric.from_dict(r))
            if metric is None or metrics.get(metric.name) == metric:
                continue
            if metric.name in metrics:
                self.problem(f"metrics[{i}]", i, f"{metric.name} is counted otherwise in the ledger")
            else:
                self.new_metrics.append(metric)

    def source_row(self, row: ClaimRow, source_id: str) -> Source:
        """The source a row describes, checked once for all the rows that describe it alike
        (100k rows of 300 sources: 300 checks). A description that fails is checked again on
        each row, so that each row's problem is noted."""
        try:
            key = (source_id, *sorted((row.source or {}).items()))
            known = self.described.get(key)
        except TypeError:  # a value a JSON row gave as a list or an object: checked every time
            return _source_row(row, source_id, self.now, self)
        if known is None:
            known = self.described[key] = _source_row(row, source_id, self.now, self)
        return known

    def party(self, label: str | None) -> str | None:
        """A row's party label as the registry names it; an unknown one is the row's problem."""
        try:
            return resolve_party(label, self.parties)
        except LedgerError as exc:
            raise InvalidInput(f"{exc}: register it first with 'claim-ledger party add {label}'") from None

    def problem(self, where: str, row: int, message: str) -> None:
        self.problems.append(Problem(where, row, message))

    def attempt(self, where: str, row: int, build: Callable[[], Any]) -> Any:
        """``build()``, or None with the problem noted under ``where``."""
        try:
            return build()
        except LedgerError as exc:
            self.problem(where, row, str(exc))
        except KeyError as exc:
            self.problem(where, row, f"missing field {exc}")
        except (TypeError, ValueError, AttributeError) as exc:
            self.problem(where, row, f"malformed ({exc})")
        return None

    def admit(self, source: Source, where: str, row: int) -> None:
        """One definition per source: the ledger's, or the first in the file; others must agree."""
        have = self.known.get(source.id) or self.new_sources.get(source.id)
        if have is None:
            self.new_sources[source.id] = source
        elif (have.kind, party_key(have.party)) != (source.kind, party_key(source.party)):
            earlier = "in the ledger" if source.id in self.known else "earlier in the file"
            self.problem(
                where, row, f"source {source.id!r} is {side(have)} {earlier}, but here {side(source)}"
            )

    def take_sources(self) -> None:
        for row in self.batch.sources:
            source = self.attempt(row.where, row.row, lambda r=row: _source_record(r.fields, self.now, self))
            if source is not None:
                self.admit(source, row.where, row.row)

    def take_claims(self, progress: Callable[[int], None] | None = None) -> None:
        """Check every row; ``progress(n)`` after every PROGRESS_EVERY rows checked."""
        next_id = self.store.first_free_id("claims")
        for i, row in enumerate(self.batch.claims, 1):
            claim_id = int(row.ref) if self.restore else next_id
            if self.take_claim(row, claim_id) and not self.restore:
                next_id += 1
            if progress is not None and i % PROGRESS_EVERY == 0:
                progress(PROGRESS_EVERY)

    def already(self, row: ClaimRow, claim: Claim) -> Claim | None:
        """The ledger's record of the claim a row states, if it holds one (by id in our own
        format, else by who said what, when, of which event, with which figures)."""
        if self.restore:
            return None
        identity = claim_identity(claim)
        held = self.existing.get(int(row.ref)) if self.batch.document else None
        if held is not None and claim_identity(held) == identity:
            return held  # our own export: the same id, the same claim
        return self.by_identity.get(identity)

    def take_claim(self, row: ClaimRow, claim_id: int) -> bool:
        """Check one row; True if it is a new claim taking ``claim_id``."""
        claim = self.attempt(row.where, row.row, lambda: _claim_row(row, claim_id, self.now))
        if claim is None:  # its source is still checked: every problem of a row, not the first
            source_id = _source_named(row)
            if source_id and not (self.create_sources and row.source):
                self.named.append((source_id, row.where, row.row))
            return False
        if row.source is not None and (self.create_sources or claim.source in self.known):
            described = self.attempt(row.where, row.row, lambda: self.source_row(row, claim.source))
            if described is None:
                return False  # its problem is noted; "unknown source" would only repeat it
            self.admit(described, row.where, row.row)
        self.named.append((claim.source, row.where, row.row))
        if row.ref in self.by_ref:
            self.problem(row.where, row.row, f"id {row.ref} is used by an earlier row too")
            return False
        held = self.already(row, claim)
        same = held is not None and same_content(held, claim, whole=self.batch.document)
        if held is not None and (same or self.on_conflict == "skip"):
            self.by_ref[row.ref] = held
            (self.present if same else self.conflicts).append((row.where, held.id))
            return False
        if held is not None and self.on_conflict != "add":
            self.conflicts.append((row.where, held.id))
            message = f"the ledger's #{held.id} is this claim, told otherwise"
            self.problems.append(Problem(row.where, row.row, message, "conflict"))
            return False
        self.by_ref[row.ref] = claim
        self.claims.append((row.where, claim))
        return True

    def unknown_sources(self) -> None:
        """Each source no row or ledger defines, once, with the rows that name it."""
        unknown: dict[str, list[tuple[int, str]]] = {}
        for source_id, where, row in self.named:
            if source_id not in self.known and source_id not in self.new_sources:
                unknown.setdefault(source_id, []).append((row, where))
        for source_id, places in unknown.items():
            places.sort()
            where = and_more([w for _, w in places[:5]], len(places))
            message = _unknown_source(source_id, self.create_sources, self.batch.document)
            self.problem(where, places[0][0], message)


def import_batch(
    store: Store,
    batch: Batch,
    *,
    now: str,
    create_sources: bool = False,
    on_conflict: str = "refuse",
    rechain: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Imported:
    """Check every row of ``batch`` against the ledger, then store them all in one batch, or nothing.

    A claim-ledger JSON document (our export) into an empty ledger is restored
    exactly: ids, id counters and history as they were. Anything else is
    appended: claims and links get the next free ids, links between rows are
    mapped to them, and one ``import`` entry is added to the history.
    Sources a document defines are created (or must match the ledger's); rows
    of CSV or JSON Lines name existing sources, or, with ``create_sources``,
    describe new ones in their ``source_*`` columns.

    Importing twice changes nothing: a row the ledger already holds (the same source,
    text, date, event and figures; in our own format, the same id too) is counted as
    present and not added again, nor are links the ledger holds. A row that states a
    held claim otherwise (another URL, tags, quote...) is a conflict: refused, unless
    ``on_conflict`` is "skip" (keep the ledger's) or "add" (add it as a new claim).
    An import that adds nothing writes nothing. ``progress(n)`` is told each time another
    ``n`` rows have been checked (a caller's progress bar).
    """
    if on_conflict not in ("refuse", "skip", "add"):
        raise InvalidInput(f"unknown way with conflicts {on_conflict!r}: use refuse, skip or add")
    work = _Import(store, batch, now, create_sources or batch.mapped, on_conflict)
    work.rechain = rechain
    work.take_registry()
    work.take_sources()
    work.take_claims(progress)
    work.unknown_sources()
    links = _import_links(work)
    carried = work.restore and batch.history is not None  # a backup's history is restored as it was
    history = _history(work) if carried else []
    if work.problems:
        problems = work.problems if batch.document else sorted(work.problems, key=lambda p: p.row)
        raise ImportRejected(batch.name, problems)
    claims = work.claims
    done = Imported(
        tuple(work.new_sources.values()),
        tuple(claims),
        tuple(links),
        len(history),
        work.restore,
        tuple(work.present),
        tuple(work.conflicts),
        work.skipped_links,
        tuple(work.unmatched),
    )
    if done.changes or work.new_parties or work.new_metrics:  # else nothing written, no entry
        _store_import(work, links, history, carried)
    return done


def _store_import(work: _Import, links: list[Link], history: list[HistoryEntry], carried: bool) -> None:
    """Write what an import adds, in one batch, and say so in the history (a restored backup's
    own history says it already)."""
    from .analysis.replay import digest as replay_digest  # only an import needs the replay

    store, claims = work.store, work.claims
    for party in work.new_parties:
        store.put_party(party)
    for metric in work.new_metrics:
        store.put_metric(metric)
    store.insert_bulk(
        work.new_sources.values(),
        [c for _, c in claims],
        links,
        history,
        last_ids=work.batch.last_ids if work.restore else None,
    )
    if not carried:
        detail: dict[str, Any] = {"file": work.batch.name, "sources": sorted(work.new_sources)}
        if claims:
            detail["claims"] = [claims[0][1].id, claims[-1][1].id]
        detail["links"] = len(links)
        if links:
            detail["link_ids"] = [links[0].id, links[-1].id]
        detail["digest"] = replay_digest(work.new_sources.values(), [c for _, c in claims], links)
        if work.present:
            detail["present"] = len(work.present)
        store.record(work.now, "import", detail=detail)
    if work.rechained:  # the history says it was chained again, and from which file
        store.record(work.now, "rechain", detail={"file": work.batch.name})


def _import_links(work: _Import) -> list[Link]:
    """The batch's links, checked against the ledger's and each other in one index."""
    existing = work.store.claims()
    index = LinkIndex(work.store.links())
    first_link = work.store.first_free_id("links")
    links: list[Link] = []

    dated: dict[tuple[str, str | None, str], Claim] | None = None

    def claim_of(source: str, event: str, day: str) -> Claim | None:
        """The claim a source made of an event on a day (the first, if several): in the
        ledger, or new in this batch."""
        nonlocal dated
        if dated is None:
            dated = {}
            for claim in [*existing.values(), *work.by_ref.values()]:
                if claim.date and not claim.retracted:
                    dated.setdefault((claim.source, claim.event, claim.date[:10]), claim)
        return dated.get((source, event, day))

    def claim_for(ref: str, where: str, row: int) -> Claim | None:
        ref = ref.strip()
        if ref.startswith("#") and ref[1:].isdigit() and int(ref[1:]) in existing:
            return existing[int(ref[1:])]
        found = work.by_ref.get(ref)
        if found is None:
            work.problem(where, row, f"link to {ref!r}: {_missing_ref(ref, work.batch.document)}")
        return found

    for row in work.batch.links:
        a = claim_for(row.src, row.where, row.row)
        b = claim_of(*row.to_claim_of) if row.to_claim_of else claim_for(row.dst, row.where, row.row)
        if row.to_claim_of and b is None and a is not None:
            work.unmatched.append(row.where)  # it stands as its source's own claim
        if a is None or b is None:
            continue
        try:
            relation = parse_relation(row.relation)
            if index.holds(a.id, relation, b.id):
                work.skipped_links += 1  # the ledger has it already
                continue
            index.check(a, relation, b)
        except LedgerError as exc:
            work.problem(row.where, row.row, str(exc))
            continue
        link_id = row.id if work.restore and row.id is not None else first_link + len(links)
        made = Link(link_id, a.id, relation, b.id, row.note or None, row.created_at or work.now)
        index.add(made)
        links.append(made)
    if work.restore and len({lk.id for lk in links}) != len(links):
        work.problem("links", 0, "an id is used twice")
    return links


def _missing_ref(ref: str, document: bool) -> str:
    if ref.startswith("#"):
        return "no claim #" + ref[1:] + " in the ledger"
    return f"claim #{ref} is not in the file" if document else f"no row has id {ref}"


def _history(work: _Import) -> list[HistoryEntry]:
    """A backup's history as it was; one from before the hash chain (schema 1) is chained now."""
    entries = []
    for i, record in enumerate(work.batch.history or (), start=1):
        entry = work.attempt(f"history[{i}]", i, lambda r=record: HistoryEntry.from_dict(r))
        if entry is not None:
            entries.append(entry)
    if len({e.id for e in entries}) != len(entries):
        work.problem("history", 0, "an id is used twice")
    # a backup from before the chain (schema 1): no entry hashed, and it says so
    unchained = work.batch.schema < 2 and all(e.hash is None for e in entries)
    broken = None if unchained else chain_break(entries)
    if broken is not None and not work.rechain:
        entry, what = broken
        message = f"history entry {entry.id} ({entry.action}) {what}: the backup's history is not intact"
        work.problems.append(Problem("history", entry.id, message, "broken-history"))
    elif unchained or broken is not None:
        work.rechained = broken is not None
        prev = None
        chained = []
        for entry in sorted(entries, key=lambda e: e.id):
            chained.append(entry.chained(prev))
            prev = chained[-1].hash
        entries = chained
    return entries


def _names_known(party: Party, parties: Mapping[str, Party]) -> bool:
    """Whether the registry already has the party (by its id or any of its names)."""
    names = {n.casefold() for p in parties.values() for n in p.names()}
    return any(n.casefold() in names for n in party.names())


def _source_record(d: Mapping[str, Any], now: str, work: _Import) -> Source:
    _typed(d)
    return new_source(
        d["id"],
        name=d["name"],
        kind=d["kind"],
        party=work.party(d.get("party")),
        reliability=d.get("reliability"),
        url=d.get("url"),
        notes=d.get("notes"),
        created_at=d.get("created_at") or now,
        pseudonym=d.get("pseudonym"),
    )


def _source_row(row: ClaimRow, source_id: str, now: str, work: _Import) -> Source:
    """The source a row describes in its ``source_*`` columns."""
    d = row.source or {}
    if not d.get("kind"):
        raise InvalidInput(
            f"source {source_id!r} needs a source_kind to be created (and a source_party if it "
            "speaks for a side): whether it is independent depends on them"
        )
    return new_source(
        source_id,
        name=d.get("name") or source_id,
        kind=d["kind"],
        party=work.party(d.get("party")),
        reliability=d.get("reliability"),
        created_at=now,
    )


def _typed(record: Mapping[str, Any], lists: tuple[str, ...] = ()) -> None:
    """A record of a JSON file holds what typing would give: text (or nothing) in each field,
    a list in each of ``lists``; ``"tags": "abc"`` is not three tags."""
    for key, value in record.items():
        if key in lists:
            if value is not None and not isinstance(value, list):
                raise InvalidInput(f"{key} must be a list, not {json_type(value)}")
        elif key != "id" and value is not None and not isinstance(value, str):
            raise InvalidInput(f"{key} must be text, not {json_type(value)}")


def json_type(value: Any) -> str:
    return {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "an object"}.get(
        type(value), type(value).__name__
    )


def _claim_row(row: ClaimRow, claim_id: int, now: str) -> Claim:
    d = row.fields
    _typed(d, ("figures", "tags"))
    stated = {name: d.get(name) for name in STATED if name not in ("text", "source", "figures", "tags")}
    claim = new_claim(
        d.get("text"),
        source=_required(d.get("source"), "source"),
        id=claim_id,
        figures=d.get("figures") or (),
        tags=d.get("tags") or (),
        recorded_at=d.get("recorded_at") or now,
        **stated,
    )
    if d.get("retracted_at"):
        at = parse_timestamp(d["retracted_at"], "retracted_at")
        claim = claim.retract(at or now, parse_text(d.get("retraction_note"), "retraction note"))
    elif d.get("retraction_note"):
        raise InvalidInput("a retraction_note needs its retracted_at date")
    return claim


def _source_named(row: ClaimRow) -> str | None:
    """The source id a row gives, if it is a valid one."""
    try:
        return parse_source_id(_required(row.fields.get("source"), "source"))
    except InvalidInput:
        return None


def _required(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{what} is empty")
    return value


def _unknown_source(source_id: str, create_sources: bool, document: bool) -> str:
    if document:
        return f"unknown source {source_id!r}: the file's sources do not define it"
    if create_sources:
        return f"unknown source {source_id!r}: give its source_kind (and source_party) to create it"
    return (
        f"unknown source {source_id!r}: add it with 'claim-ledger source add {source_id} ...', or "
        "pass --create-sources with source_kind (and source_party) columns"
    )


def read_document(path: Path) -> dict[str, Any]:
    """A claim-ledger JSON document such as the bundled sample."""
    from . import importer

    return importer.read_document(path)


def load_document(store: Store, doc: Mapping[str, Any], *, now: str) -> tuple[int, int, int]:
    """Load a claim-ledger document into an empty ledger, ids kept (``init --sample``, the demo)."""
    if store.claims() or store.sources():
        raise Conflict(f"ledger {store.label} is not empty: load a document into a new ledger")
    from . import importer

    done = import_batch(store, importer.from_document(doc, str(doc.get("title") or "document")), now=now)
    return len(done.sources), len(done.claims), len(done.links)
