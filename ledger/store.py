"""The ledger's tables on TinyDB: the only module that imports tinydb.

One command is one unit of work (DESIGN §5): :func:`open_ledger` reads the file
once into memory, TinyDB works on that in-memory copy, and on success the whole
file is written back once, atomically, while the writer's lock is held. A
command that fails leaves the file as it was.

The file is an ordinary TinyDB JSON database with the tables ``sources``,
``claims``, ``links``, ``history`` and ``meta``; claim and link ids are TinyDB
document ids, so ``TinyDB(path).table("claims").get(doc_id=7)`` is claim #7.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from . import storage
from .errors import (
    Conflict,
    Corrupt,
    InvalidInput,
    LedgerExists,
    NoLedger,
    StorageError,
    missing_claim,
)
from .model import SCHEMA_VERSION, Claim, HistoryEntry, Link, Metric, Party, Source, parties_in_use, source_in
from .paths import LedgerPath

TABLES = ("sources", "claims", "links", "history", "meta", "parties", "metrics")
APP = "claim-ledger"


class _MemoryStorage(Storage):
    """TinyDB storage over a dict that was read once; writes only mark it dirty, and each
    table's rows that a write touched are noted (_Table): what a store that keeps rows one by
    one (PostgreSQL) has to send."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.dirty = False
        self.touched: dict[str, set[str]] = {}  # table -> keys inserted, changed or removed

    def read(self) -> dict[str, Any]:
        return self.data

    def write(self, data: dict[str, Any]) -> None:
        self.data = data
        self.dirty = True


class _Table(Table):
    """TinyDB's table, changed in place: TinyDB copies a whole table into a dict keyed by int
    around every insert, update or remove (30 ms a write at 100k claims), and a PostgreSQL
    ledger's big tables are read only as far as a command needs (ledger.pgstore.Rows)."""

    def _update_table(self, updater: Callable[[dict[int, Mapping[str, Any]]], None]) -> None:
        tables = self._storage.read()
        if self.name not in tables:
            tables[self.name] = {}
        touched = self._storage.touched.setdefault(self.name, set())  # type: ignore[attr-defined]
        updater(_ByInt(tables[self.name], touched))  # type: ignore[arg-type]
        self._storage.write(tables)
        self.clear_cache()


class _ByInt(MutableMapping[int, Any]):
    """A table's rows (keyed by text, as JSON keeps them) as TinyDB's updates see them. Each
    row an update reads, sets or deletes is noted as touched: TinyDB's updates with ids read
    only the rows they change (and change them in place)."""

    def __init__(self, rows: MutableMapping[str, Any], touched: set[str]) -> None:
        self.rows = rows
        self.touched = touched

    def __getitem__(self, key: int) -> Any:
        doc = self.rows[str(key)]
        self.touched.add(str(key))
        return doc

    def __setitem__(self, key: int, doc: Any) -> None:
        self.rows[str(key)] = doc
        self.touched.add(str(key))

    def __delitem__(self, key: int) -> None:
        del self.rows[str(key)]
        self.touched.add(str(key))

    def __contains__(self, key: object) -> bool:
        return str(key) in self.rows

    def __iter__(self) -> Iterator[int]:
        return (int(key) for key in self.rows)

    def __len__(self) -> int:
        return len(self.rows)


class Store:
    """The ledger in memory for one command. Build it with :func:`open_ledger`."""

    def __init__(
        self,
        path: Path | None,
        data: dict[str, Any],
        *,
        label: str | None = None,
        stem: str | None = None,
        withheld: bool = False,
    ) -> None:
        self.path = path  # the file; None for a ledger in PostgreSQL
        # read without the confidential level (a team ledger): its confidential sources' rows
        # are as anyone may see them (ledger.privacy.public_rows)
        self.withheld = withheld
        self.label = label or str(path)  # what messages name it by (a URL's password hidden)
        self.stem = stem or (path.stem if path is not None else "ledger")  # its short name, for titles
        self._db = TinyDB(data, storage=_MemoryStorage)
        self._db.table_class = _Table
        self._cache: dict[str, Any] = {}

    # ----------------------------------------------------------------- reading

    def _raw(self, table: str) -> Mapping[str, Mapping[str, Any]]:
        return self._db.storage.read().get(table, {})

    def _load(self, table: str, build: Any) -> Any:
        if table not in self._cache:
            self._cache[table] = self._parse(table, build, self._raw(table))
        return self._cache[table]

    def _parse(self, table: str, build: Any, raw: Any) -> Any:
        """``build(raw)``, with a damaged record reported as :class:`Corrupt`, not a crash."""
        try:
            return build(raw)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise Corrupt(
                f"ledger {self.label} has a malformed {table!r} table ({type(exc).__name__}: "
                f"{exc}); it was left untouched"
            ) from None

    def sources(self) -> dict[str, Source]:
        """Every source, its party as the registry names it (an alias reads as its party's id)."""
        return self._load("sources", self._sources)

    def _sources(self, raw: Mapping[str, Any]) -> dict[str, Source]:
        sources = {(s := Source.from_dict(doc)).id: s for doc in raw.values()}
        names = {n.casefold(): p.id for p in self.parties().values() for n in p.names()}
        for sid, s in sources.items():
            canonical = names.get(s.party.casefold()) if s.party else None
            if canonical is not None and canonical != s.party:
                sources[sid] = replace(s, party=canonical)
        return sources

    def parties(self) -> dict[str, Party]:
        return self._load("parties", lambda raw: {(p := Party.from_dict(d)).id: p for d in raw.values()})

    def metrics(self) -> dict[str, Metric]:
        return self._load("metrics", lambda raw: {(m := Metric.from_dict(d)).name: m for d in raw.values()})

    def levels(self) -> frozenset[str]:
        """The metrics declared levels; every other metric is cumulative."""
        return frozenset(name for name, m in self.metrics().items() if m.level)

    def put_party(self, party: Party) -> None:
        """Add a party, or replace the one with its id."""
        self._put("parties", "id", party.id, party.to_dict())

    def put_metric(self, metric: Metric) -> None:
        self._put("metrics", "name", metric.name, metric.to_dict())

    def _put(self, table: str, key: str, value: str, doc: dict[str, Any]) -> None:
        found = [int(k) for k, d in self._raw(table).items() if d.get(key) == value]
        if found:
            self._db.table(table).update(lambda d: (d.clear(), d.update(doc)), doc_ids=found[:1])
        else:
            self._db.table(table).insert(doc)
        self._invalidate(table, "sources")

    def claims(self) -> dict[int, Claim]:
        return self._load(
            "claims",
            lambda raw: {(n := int(k)): Claim.from_doc(n, doc) for k, doc in raw.items()},
        )

    def links(self) -> list[Link]:
        return self._load(
            "links",
            lambda raw: [Link.from_doc(int(k), doc) for k, doc in raw.items()],
        )

    def history(self) -> list[HistoryEntry]:
        return self._load(
            "history",
            lambda raw: [HistoryEntry.from_dict({**doc, "id": int(k)}) for k, doc in raw.items()],
        )

    def source(self, source_id: str) -> Source:
        return source_in(self.sources(), source_id)

    def near_duplicate_texts(self, text: str) -> Iterable[tuple[int, str]]:
        """(id, text) of the claims that may be near duplicates of ``text``: every claim, or,
        where the ledger keeps an index of its claims' words (PostgreSQL), only those holding
        a word every near duplicate holds (ledger.similar.must_share: the same answer). The
        claims are not built: their texts are all the comparison reads."""
        if "claims" in self._cache:
            return [(c.id, c.text) for c in self._cache["claims"].values()]
        raw = self._raw("claims")
        docs = raw
        holding_any = getattr(raw, "holding_any", None)
        if holding_any is not None:
            from . import similar  # the rule's module, loaded by the one command that asks

            needs = similar.must_share(text, raw.word_counts)  # type: ignore[attr-defined]
            docs = holding_any(needs, similar.index_words) if needs.any_of else {}
        return self._parse("claims", lambda d: [(int(k), doc["text"]) for k, doc in d.items()], docs)

    def claim_ids(self) -> list[int]:
        """Every claim's id, newest first, without building the claims (shell completion)."""
        if "claims" in self._cache:
            return sorted(self._cache["claims"], reverse=True)
        return sorted(map(int, self._raw("claims")), reverse=True)

    def claim_count(self) -> int:
        return len(self._raw("claims"))

    def claim(self, claim_id: int) -> Claim:
        found = self.find_claim(claim_id)
        if found is None:
            raise missing_claim(claim_id)
        return found

    def find_claim(self, claim_id: int) -> Claim | None:
        """One claim, built alone (not every claim, as :meth:`claims` builds them); None if the
        ledger does not hold it."""
        doc = self._raw("claims").get(str(claim_id))
        return None if doc is None else self._parse("claims", lambda d: Claim.from_doc(claim_id, d), doc)

    # ----------------------------------------------------------------- writing

    def _next_id(self, table: str) -> int:
        """Ids are never reused: the counter in ``meta`` outlives deleted records."""
        first = self.first_free_id(table)
        self._set_last_ids({table: first})
        return first

    def first_free_id(self, table: str) -> int:
        """The id the next ``claims`` or ``links`` record gets."""
        counters = self._meta().get("last_ids") or {}
        rows = self._raw(table)
        top = rows.max_key() if hasattr(rows, "max_key") else max(map(int, rows), default=0)
        return max(counters.get(table, 0), top) + 1

    def _set_last_ids(self, last: Mapping[str, int]) -> None:
        self._update_meta(last_ids={**(self._meta().get("last_ids") or {}), **last})

    def _update_meta(self, **fields: Any) -> None:
        self._db.table("meta").update(fields, doc_ids=[self._meta_id()])

    def _meta(self) -> Mapping[str, Any]:
        return self._raw("meta")[str(self._meta_id())]

    def _meta_id(self) -> int:
        return int(next(iter(self._raw("meta"))))

    def _invalidate(self, *tables: str) -> None:
        for table in tables:
            self._cache.pop(table, None)

    def insert_source(self, source: Source) -> None:
        if source.id in self.sources():
            raise Conflict(f"source {source.id!r} already exists: 'claim-ledger source show {source.id}'")
        self._db.table("sources").insert(source.to_dict())
        self._invalidate("sources")

    def replace_source(self, source: Source) -> None:
        self.source(source.id)  # raises NotFound
        doc_id = next(int(k) for k, doc in self._raw("sources").items() if doc.get("id") == source.id)
        new = source.to_dict()

        def replace_doc(doc: dict[str, Any]) -> None:  # update() merges; a cleared pseudonym must go
            doc.clear()
            doc.update(new)

        self._db.table("sources").update(replace_doc, doc_ids=[doc_id])
        self._invalidate("sources")

    def insert_claim(self, claim: Claim) -> Claim:
        """Store ``claim`` under the next free id and return it with that id."""
        return self._insert_new("claims", claim)

    def _insert_new(self, table: str, record: Any) -> Any:
        record = replace(record, id=self._next_id(table))
        self._db.table(table).insert(Document(_doc(record), doc_id=record.id))
        # what was read of the table gains the record, as a new read gives it (the newest last),
        # rather than all of it being built again (`link` reads the links again: 51k twice)
        held = self._cache.get(table)
        if isinstance(held, list):
            self._cache[table] = [*held, record]
        elif isinstance(held, dict):
            self._cache[table] = {**held, record.id: record}
        return record

    def replace_claim(self, claim: Claim) -> None:
        self.claim(claim.id)  # raises NotFound
        self._db.table("claims").update(_doc(claim), doc_ids=[claim.id])
        self._invalidate("claims")

    def insert_link(self, link: Link) -> Link:
        """Store ``link`` under the next free id and return it with that id."""
        return self._insert_new("links", link)

    def remove_claim(self, claim_id: int, link_ids: Iterable[int] = ()) -> None:
        """Remove a claim and the given links (its own); ids are never given out again."""
        self.claim(claim_id)  # raises NotFound
        self._db.table("claims").remove(doc_ids=[claim_id])
        links = list(link_ids)
        if links:
            self._db.table("links").remove(doc_ids=links)
        self._invalidate("claims", "links")

    def remove_link(self, link_id: int) -> None:
        self._db.table("links").remove(doc_ids=[link_id])
        self._invalidate("links")

    def record(
        self,
        at: str,
        action: str,
        *,
        claim: int | None = None,
        source: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        head_id, head_hash = self.history_head()
        entry = HistoryEntry(head_id + 1, at, action, claim, source, dict(detail or {})).chained(head_hash)
        self._db.table("history").insert(Document(_doc(entry), doc_id=entry.id))
        self._update_meta(history_head={"id": entry.id, "hash": entry.hash})
        self._invalidate("history")

    def history_head(self) -> tuple[int, str | None]:
        """The last history entry's id and hash, as the ledger's ``meta`` records them."""
        head = self._meta().get("history_head")
        if isinstance(head, Mapping):
            return int(head["id"]), head.get("hash")
        return _head_of(self._raw("history"))

    def insert_bulk(
        self,
        sources: Iterable[Source],
        claims: Iterable[Claim],
        links: Iterable[Link],
        history: Iterable[HistoryEntry] = (),
        last_ids: Mapping[str, int] | None = None,
    ) -> None:
        """Store whole records keeping their ids: one batch insert per table.

        The id counters move past every id now in use, or to ``last_ids`` (a
        restored backup's) where that is higher, so ids stay unique forever.
        """
        self._db.table("sources").insert_multiple(s.to_dict() for s in sources)
        for table, records in (("claims", claims), ("links", links), ("history", history)):
            self._db.table(table).insert_multiple(Document(_doc(r), doc_id=r.id) for r in records)
        given = last_ids or {}
        self._set_last_ids({t: max(self.first_free_id(t) - 1, given.get(t, 0)) for t in ("claims", "links")})
        head_id, head_hash = _head_of(self._raw("history"))
        self._update_meta(history_head={"id": head_id, "hash": head_hash})
        self._invalidate("sources", "claims", "links", "history")

    def last_ids(self) -> dict[str, int]:
        return {t: self.first_free_id(t) - 1 for t in ("claims", "links")}

    @property
    def dirty(self) -> bool:
        return self._db.storage.dirty

    def written(self) -> dict[str, set[str]]:
        """The keys of each table this command inserted, changed or removed: all a store that
        keeps records one by one has to write."""
        return {table: set(keys) for table, keys in self._db.storage.touched.items() if keys}

    def data(self) -> dict[str, Any]:
        return self._db.storage.read()


def _head_of(history: Mapping[str, Any]) -> tuple[int, str | None]:
    """The newest entry of a raw history table: its id and hash (0, None when empty)."""
    if not history:
        return 0, None
    last = max(history, key=int)
    return int(last), history[last].get("hash")


def _doc(record: Claim | Link | HistoryEntry) -> dict[str, Any]:
    doc = record.to_dict()
    del doc["id"]  # the TinyDB document id is the record id
    return doc


def _schema_of(data: Mapping[str, Any], path: Path) -> int:
    meta = data.get("meta")
    if not isinstance(meta, dict) or not meta:
        raise Corrupt(
            f"{path} is not a claim-ledger ledger (it has no 'meta' table); pass --db with the right file"
        )
    doc = next(iter(meta.values()))
    schema = doc.get("schema") if isinstance(doc, dict) else None
    if not isinstance(schema, int) or doc.get("app") != APP:
        raise Corrupt(f"{path} is not a claim-ledger ledger (its 'meta' table is not ours)")
    return schema


def _migrate(data: dict[str, Any]) -> bool:
    """Bring an older ledger up to this schema in memory; True if anything changed.

    1 -> 2: hash-chain the history (each entry holds the previous entry's hash
    and its own), and record the head in ``meta``.
    2 -> 3: register the parties the sources name (labels that differ only in case are
    one party, the others its aliases), and start a table of declared metrics.
    """
    meta = next(iter(data["meta"].values()))
    if meta["schema"] >= SCHEMA_VERSION:
        return False
    history = data.get("history", {})
    chained = any(isinstance(e, dict) and e.get("hash") for e in history.values())
    if meta["schema"] < 2 and not chained:  # a hashed history is never re-chained, whatever meta says
        _chain_history(data, meta)
    labels = [d.get("party") for d in data.get("sources", {}).values() if isinstance(d, dict)]
    parties = data.setdefault("parties", {})
    if not parties:
        for n, party in enumerate(parties_in_use(p for p in labels if isinstance(p, str)), start=1):
            parties[str(n)] = party.to_dict()
    data.setdefault("metrics", {})
    meta["schema"] = SCHEMA_VERSION
    return True


def _chain_history(data: dict[str, Any], meta: dict[str, Any]) -> None:
    history = data.get("history", {})
    prev = None
    try:
        for key in sorted(history, key=int):
            entry = HistoryEntry.from_dict({**history[key], "id": int(key)}).chained(prev)
            history[key] = _doc(entry)
            prev = entry.hash
    except (KeyError, TypeError, ValueError) as exc:
        raise Corrupt(
            f"ledger has a malformed 'history' table ({type(exc).__name__}: {exc}); it was left untouched"
        ) from None
    meta["history_head"] = {"id": _head_of(history)[0], "hash": prev}


def _check(data: dict[str, Any], path: Path | str) -> None:
    schema = _schema_of(data, path)
    if schema > SCHEMA_VERSION:
        raise Corrupt(
            f"ledger {path} was written by a newer claim-ledger (schema {schema}; this one "
            f"reads up to {SCHEMA_VERSION}): upgrade claim-ledger; the file was left untouched"
        )
    for table in TABLES:
        if not isinstance(data.get(table, {}), Mapping):
            raise Corrupt(f"ledger {path} has a malformed {table!r} table; it was left untouched")


def empty_ledger() -> dict[str, Any]:
    return {
        "sources": {},
        "claims": {},
        "links": {},
        "history": {},
        "parties": {},
        "metrics": {},
        "meta": {
            "1": {
                "app": APP,
                "schema": SCHEMA_VERSION,
                "last_ids": {},
                "history_head": {"id": 0, "hash": None},
            }
        },
    }


@contextlib.contextmanager
def open_ledger(
    path: Path,
    *,
    write: bool = False,
    create: bool = False,
    lock_timeout: float = storage.DEFAULT_LOCK_TIMEOUT,
    make_dirs: bool = False,
) -> Iterator[Store]:
    """The ledger at ``path`` for one command.

    Readers get a snapshot and take no lock. Writers (``write`` or ``create``)
    hold the lock, and the file is written once, atomically, when the block
    ends without an exception. ``create`` makes a new ledger and refuses to
    overwrite one.
    """
    if path.is_symlink():  # a link's target is the ledger: written beside it, locked as itself
        path = path.resolve()
    if not (write or create):
        data = storage.read_json(path)
        _check(data, path)
        _migrate(data)  # readers see the current schema; the file changes on the next write
        yield Store(path, data)
        return
    if create and not path.parent.is_dir():
        if not make_dirs:
            raise StorageError(
                f"cannot create ledger {path}: folder {path.parent} does not exist; create it first"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot create folder {path.parent}: {exc.strerror}") from None
    with storage.write_lock(path, lock_timeout) as lock:
        storage.remove_stale_temps(path)
        read_as = storage.identity(path)  # taken before reading: a change after it is caught
        if create:
            if path.exists():
                raise LedgerExists(path)
            data = empty_ledger()
        else:
            storage.ensure_writable(path)
            data = storage.read_json(path)
            _check(data, path)
        old_schema = next(iter(data["meta"].values()))["schema"]
        migrated = _migrate(data)
        store = Store(path, data)
        yield store
        if create or store.dirty or migrated:
            lock.confirm()  # held still, or held again: then no writer is between check and write
            if storage.identity(path) != read_as:
                raise Conflict(
                    f"ledger {path} was replaced while this command ran (another writer got in: was its "
                    "lock file removed?); nothing was written: run the command again"
                )
            if migrated:  # keep the file as it was, beside it, before the first write in the new schema
                backup = path.with_name(f"{path.name}.schema{old_schema}.bak")
                storage.atomic_write(backup, path.read_bytes(), what="backup")
            storage.atomic_write(path, storage.dump_json(store.data()))


@contextlib.contextmanager
def open_location(
    where: LedgerPath,
    *,
    write: bool = False,
    create: bool = False,
    lock_timeout: float = storage.DEFAULT_LOCK_TIMEOUT,
) -> Iterator[Store]:
    """The ledger ``where`` names, in either home: a file, or a schema in PostgreSQL."""
    if where.url is None:
        assert where.path is not None
        make_dirs = where.why == "default"
        with open_ledger(
            where.path, write=write, create=create, lock_timeout=lock_timeout, make_dirs=make_dirs
        ) as store:
            yield store
        return
    with _open_postgres(where.url, write=write or create, create=create, lock_timeout=lock_timeout) as store:
        yield store


def ledger_exists(where: LedgerPath) -> bool:
    """Whether the ledger ``where`` names is there (asking the server, for PostgreSQL)."""
    if where.url is None:
        assert where.path is not None
        return where.path.exists()
    from . import pgstore

    place = pgstore.parse(where.url)
    with pgstore.connect(place, write=False, lock_timeout=0) as conn, conn.cursor() as cur:
        return pgstore.exists(cur, place)


@contextlib.contextmanager
def team(where: LedgerPath, lock_timeout: float = storage.DEFAULT_LOCK_TIMEOUT) -> Iterator[tuple[Any, Any]]:
    """A PostgreSQL ledger's roles, in one transaction holding the ledger's lock: yields
    (cursor, location) for :mod:`ledger.pgstore`'s ``grant``, ``revoke`` and ``members``."""
    if where.url is None:
        raise InvalidInput(
            f"ledger {where.shown} is a file: who may read or write it is its file permissions; "
            "roles are for a ledger in PostgreSQL"
        )
    from . import pgstore

    place = pgstore.parse(where.url)
    with pgstore.connect(place, write=True, lock_timeout=lock_timeout) as conn, conn.cursor() as cur:
        if not pgstore.exists(cur, place):
            raise NoLedger(f"no ledger {place.shown}: create it first with init")
        pgstore.upgrade(cur, place)
        yield cur, place


@contextlib.contextmanager
def _open_postgres(url: str, *, write: bool, create: bool, lock_timeout: float) -> Iterator[Store]:
    """The PostgreSQL ledger for one command: its snapshot (a reader), or, for a writer, the
    ledger's lock held and, at the end, only the changed records written, in one transaction."""
    from . import pgstore

    where = pgstore.parse(url)
    with pgstore.connect(where, write=write, lock_timeout=lock_timeout) as conn, conn.cursor() as cur:
        if create:
            if pgstore.exists(cur, where):
                raise Conflict(
                    f"a ledger already exists at {where.shown}: nothing was changed; "
                    "choose another name with ?ledger=NAME"
                )
            pgstore.create(cur, where)
            loaded = pgstore.Loaded(empty_ledger(), withheld=False, secret=set())
        else:
            if write and pgstore.exists(cur, where):
                pgstore.upgrade(cur, where)
            loaded = pgstore.load(cur, where, lazy=write)
            _check(loaded.data, where.shown)
        migrated = _migrate(loaded.data)
        store = Store(None, loaded.data, label=where.shown, stem=where.ledger, withheld=loaded.withheld)
        yield store
        if write and (create or migrated):
            pgstore.save(cur, where, loaded, whole=True)
        elif write and store.dirty:
            pgstore.save(cur, where, loaded, store.written())


def memory_store(data: dict[str, Any] | None = None, path: Path | None = None) -> Store:
    """A store that lives only in memory (the demo, and tests)."""
    return Store(path or Path("<memory>"), data if data is not None else empty_ledger())
