"""A ledger in PostgreSQL, for a team: ``--db postgresql://user@host/db?ledger=NAME``.

One schema per ledger (``ledger_NAME``; ``NAME`` defaults to ``main``), one table per
ledger table, each row one record as the file store keeps it (``id``, ``doc``: json,
not jsonb, which would reorder a record's keys and so the order a history entry
lists its changes in), so both homes hold the same documents and ``copy`` carries
them as they are. Every command is one transaction:

* a reader's is ``REPEATABLE READ``: one consistent snapshot, whatever writers do;
* a writer first takes ``pg_advisory_xact_lock`` on the ledger (waiting at most
  the lock timeout), so writers go one at a time, ids stay dense and the history
  chain in order; when the command is done, only the records it changed, added or
  removed are written, and the transaction commits, or nothing at all is written.

The command itself runs on the same in-memory :class:`~ledger.store.Store` as the
file store's: the same code gives the same answers in both homes. This is the
only module that imports psycopg (an optional extra: ``pip install
'claim-ledger[postgres]'``). Passwords never appear in any message.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import orjson

from . import jsonio, privacy, similar
from .errors import InvalidInput, Locked, NoLedger, StorageError

_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
# The tables of a ledger and the type of their keys (every other column is the record).
_KEYS = {
    "meta": "integer",
    "sources": "integer",
    "claims": "integer",
    "links": "integer",
    "history": "integer",
    "parties": "integer",
    "metrics": "integer",
}
MIGRATIONS: tuple[list[Any], ...] = (  # each a version (SQL, or a step in Python); see upgrade
    [f"CREATE TABLE {table} (id {key} PRIMARY KEY, doc json NOT NULL)" for table, key in _KEYS.items()],
    # 2: what confidential sources' rows hold in full, readable by the confidential level only
    [
        "CREATE TABLE secrets (tbl text NOT NULL, id integer NOT NULL, doc json NOT NULL, "
        "PRIMARY KEY (tbl, id))"
    ],
    # 3: each claim's words, and how many claims hold each word, for the near-duplicate check
    [
        "CREATE TABLE claim_words (id integer PRIMARY KEY, words text[] NOT NULL)",
        "CREATE INDEX claim_words_words ON claim_words USING gin (words)",
        "CREATE TABLE word_counts (word text PRIMARY KEY, claims integer NOT NULL)",
        lambda cur: _index_every_claim(cur),
    ],
)


@dataclass(frozen=True, slots=True)
class Location:
    """Where a PostgreSQL ledger is: the server's connection string and the ledger's schema."""

    conninfo: str  # the URL without ``ledger=`` (and as given otherwise: psycopg reads it)
    ledger: str
    shown: str  # the URL with the password hidden: what messages say

    @property
    def schema(self) -> str:
        return f"ledger_{self.ledger}"


def parse(url: str) -> Location:
    """A ``postgresql://`` URL with an optional ``?ledger=NAME`` (a lowercase word; ``main``)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    names = [v for k, v in query if k == "ledger"]
    ledger = names[-1] if names else "main"
    if not _NAME.fullmatch(ledger):
        raise InvalidInput(f"bad ledger name {ledger!r} in the URL: a lowercase word such as kharkiv")
    rest = urlencode([(k, v) for k, v in query if k != "ledger"])
    conninfo = urlunsplit((parts.scheme, parts.netloc, parts.path, rest, ""))
    shown_netloc = parts.netloc
    if parts.password is not None:
        shown_netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    shown = urlunsplit((parts.scheme, shown_netloc, parts.path, urlencode([("ledger", ledger)]), ""))
    return Location(conninfo, ledger, shown)


def _psycopg() -> Any:
    # psycopg logs what it ignores while closing a connection the server cut (a pipeline
    # "[BAD]"); the command says what happened in its own one line, so those stay unprinted
    logging.getLogger("psycopg").addHandler(logging.NullHandler())
    try:
        import psycopg
    except ImportError:
        raise StorageError(
            "a PostgreSQL ledger needs psycopg: pip install 'claim-ledger[postgres]'"
        ) from None
    return psycopg


def _failure(where: Location, exc: Exception) -> StorageError:
    """One line for a server's refusal or a lost connection, never the password."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return StorageError(f"PostgreSQL ledger {where.shown}: {text}; nothing was changed")


@contextlib.contextmanager
def connect(where: Location, *, write: bool, lock_timeout: float) -> Iterator[Any]:
    """One transaction on the server: a snapshot to read, or the ledger's writer lock taken."""
    psycopg = _psycopg()
    try:
        with (
            psycopg.connect(where.conninfo, connect_timeout=10, application_name="claim-ledger") as conn,
            conn.transaction(),
        ):
            with conn.cursor() as cur:
                level = "READ COMMITTED" if write else "REPEATABLE READ"
                cur.execute(f"SET TRANSACTION ISOLATION LEVEL {level}")
                if write:
                    cur.execute(f"SET LOCAL lock_timeout = '{int(lock_timeout * 1000)}ms'")
                    cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (where.schema,))
            yield conn
    except psycopg.errors.LockNotAvailable:
        raise Locked(where.shown, lock_timeout) from None
    except psycopg.errors.InsufficientPrivilege as exc:
        text = str(exc).strip().splitlines()[0]
        raise StorageError(
            f"PostgreSQL ledger {where.shown}: your role may not do this ({text}); nothing was changed; "
            "a ledger admin gives levels with 'claim-ledger team grant'"
        ) from None
    except psycopg.Error as exc:
        raise _failure(where, exc) from None


def exists(cur: Any, where: Location) -> bool:
    """Whether the ledger's schema is on the server (whether or not this role may read it)."""
    cur.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (where.schema,))
    return cur.fetchone() is not None


def create(cur: Any, where: Location) -> None:
    """The ledger's schema and tables, each migration recorded."""
    cur.execute(f'CREATE SCHEMA "{where.schema}"')
    cur.execute(f'CREATE TABLE "{where.schema}".schema_migrations (version integer PRIMARY KEY)')
    upgrade(cur, where)


def upgrade(cur: Any, where: Location) -> None:
    """Run the migrations this ledger has not had yet (a writer does, before anything else)."""
    cur.execute(f'SELECT coalesce(max(version), 0) FROM "{where.schema}".schema_migrations')
    done = cur.fetchone()[0]
    if done >= len(MIGRATIONS):
        return
    cur.execute("SELECT has_schema_privilege(%s, 'CREATE')", (where.schema,))
    if not cur.fetchone()[0]:
        raise StorageError(
            f"PostgreSQL ledger {where.shown} was made by an older claim-ledger and must be brought up "
            "to date by its owner first (any write of theirs does, or 'claim-ledger team list'); "
            "nothing was changed"
        )
    cur.execute(f'SET LOCAL search_path TO "{where.schema}"')
    for version, steps in enumerate(MIGRATIONS[done:], start=done + 1):
        for step in steps:
            if callable(step):
                step(cur)
            else:
                cur.execute(step)
        cur.execute("INSERT INTO schema_migrations VALUES (%s)", (version,))
    cur.execute("SET LOCAL search_path TO DEFAULT")
    _ensure_groups(cur, where, create=False)  # the new tables to the levels given so far


@dataclass
class Loaded:
    """A ledger as this role may read it."""

    data: dict[str, dict[str, Any]]
    withheld: bool  # this role may not read confidential sources' rows in full (``secrets``)
    secret: set[tuple[str, str]]  # (table, key) of the rows read in full from ``secrets``
    stored: dict[tuple[str, str], Any] = field(default_factory=dict)  # those rows as their table has them


LAZY = ("claims", "links", "history")  # a writer reads these only as far as it needs (Rows)
_INDEX = ("claim_words", "word_counts")  # migration 3: the claims' words


def load(cur: Any, where: Location, *, lazy: bool = False) -> Loaded:
    """Every table of the ledger, as the file store's document holds it: each table comes as
    one JSON object the server puts together (``json``, so the records' own text, unparsed
    there), read with one parse, as the file store reads its file; with ``lazy`` (a writer),
    the big tables only as the command reads them (:class:`Rows`). A role with the
    confidential level gets the full rows of confidential sources (``secrets``); any other
    gets them as :func:`ledger.privacy.public_rows` made them."""
    if not exists(cur, where):
        raise NoLedger(f"no ledger {where.shown}: run 'claim-ledger --db URL init' to create it")
    data: dict[str, Any] = {}
    for table in _KEYS:
        if lazy and table in LAZY:
            data[table] = Rows(cur, where, table)
            continue
        data[table] = _whole(cur, f'"{where.schema}".{table}')
    if not _may_read_secrets(cur, where):
        return Loaded(data, withheld=True, secret=set())  # has it any now or not: it may not write one
    cur.execute(f'SELECT tbl, id, doc::text FROM "{where.schema}".secrets')
    found = [(table, str(key), jsonio.loads(doc)) for table, key, doc in cur.fetchall()]
    for table, rows in data.items():
        if isinstance(rows, Rows):
            rows.fetch([key for t, key, _ in found if t == table])
    stored = {(table, key): data.setdefault(table, {}).get(key) for table, key, _ in found}
    for table, key, doc in found:
        data[table][key] = doc  # the full row, over the one anyone may see
    return Loaded(data, False, set(stored), stored)


def _whole(cur: Any, table: str) -> dict[str, Any]:
    """Every row of a table as one JSON object the server puts together, parsed once."""
    cur.execute(f"SELECT json_object_agg(id, doc ORDER BY id)::text FROM {table}")
    text = cur.fetchone()[0]
    return jsonio.loads(text) if text is not None else {}


def _may_read_secrets(cur: Any, where: Location) -> bool:
    cur.execute("SELECT to_regclass(%s)", (f'"{where.schema}".secrets',))
    if cur.fetchone()[0] is None:
        return True  # a ledger from before confidential rows were kept apart: nothing is
    cur.execute("SELECT has_table_privilege(%s, 'SELECT')", (f'"{where.schema}".secrets',))
    return bool(cur.fetchone()[0])


def save(
    cur: Any,
    where: Location,
    loaded: Loaded,
    written: Mapping[str, set[str]] | None = None,
    *,
    whole: bool = False,
) -> int:
    """Write what the command wrote: each key in ``written`` is upserted from the data, or
    deleted where the data no longer has it; ``whole`` rewrites every table (a new or
    migrated ledger). A confidential source's rows go in full to ``secrets`` and as anyone
    may see them to their tables. The number of rows written."""
    data = loaded.data
    public = privacy.public_rows(data)
    if loaded.withheld:
        _refuse_withheld(where, public, written or {})
    count = 0
    for table in _KEYS:
        rows, shown = data.get(table, {}), public.get(table, {})
        if whole:
            cur.execute(f'DELETE FROM "{where.schema}".{table}')
            if not loaded.withheld:
                cur.execute(f'DELETE FROM "{where.schema}".secrets WHERE tbl = %s', (table,))
        keys, secret = _plan(table, loaded, shown, set(rows) if whole else (written or {}).get(table, set()))
        count += _write(cur, f'"{where.schema}".{table}', keys, rows, shown)
        count += _write_secrets(cur, where, table, secret, rows, shown)
        if table == "claims":
            _index_claims(cur, where, keys, rows, whole)
    return count


def _plan(table: str, loaded: Loaded, shown: Mapping[str, Any], wrote: set[str]) -> tuple[set[str], set[str]]:
    """Which keys of a table to write to it (or delete, where the data no longer has them),
    and which to write to ``secrets`` or delete there (:func:`_write_secrets`)."""
    if loaded.withheld:  # only what it wrote, none of it confidential (_refuse_withheld)
        return set(wrote), set()
    was = {key for t, key in loaded.secret if t == table}
    # the rule may have moved (a source made confidential, or no longer): each row it reaches
    keys = set(wrote) | {k for k in shown if shown[k] != loaded.stored.get((table, k))} | (was - set(shown))
    secret = {k for k in shown if k in wrote or k not in was} | (was - set(shown))
    return keys, secret


def _write(cur: Any, into: str, keys: set[str], rows: Mapping[str, Any], shown: Mapping[str, Any]) -> int:
    """Upsert each of ``keys`` into a ledger table as ``shown`` has it, or else as ``rows`` has
    it; delete those ``rows`` no longer has."""
    gone = [int(k) for k in keys if k not in rows]
    kept = [(int(k), _text(shown.get(k, rows[k]))) for k in keys if k in rows]
    if gone:
        cur.execute(f"DELETE FROM {into} WHERE id = ANY(%s)", (gone,))
    if kept:
        cur.executemany(
            f"INSERT INTO {into} (id, doc) VALUES (%s, %s::json) "
            "ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc",
            kept,
        )
    return len(gone) + len(kept)


def _write_secrets(
    cur: Any, where: Location, table: str, keys: set[str], rows: Mapping[str, Any], shown: Mapping[str, Any]
) -> int:
    """Upsert the full row of each of ``keys`` that the ledger table shows otherwise; delete
    the others from ``secrets``."""
    gone = [int(k) for k in keys if k not in rows or k not in shown]
    kept = [(table, int(k), _text(rows[k])) for k in keys if k in rows and k in shown]
    secrets = f'"{where.schema}".secrets'
    if gone:
        cur.execute(f"DELETE FROM {secrets} WHERE tbl = %s AND id = ANY(%s)", (table, gone))
    if kept:
        cur.executemany(
            f"INSERT INTO {secrets} (tbl, id, doc) VALUES (%s, %s, %s::json) "
            "ON CONFLICT (tbl, id) DO UPDATE SET doc = EXCLUDED.doc",
            kept,
        )
    return len(gone) + len(kept)


def _index_claims(cur: Any, where: Location, keys: set[str], rows: Mapping[str, Any], whole: bool) -> None:
    """Keep ``claim_words`` (each claim's words) and ``word_counts`` (claims per word) as the
    claims are: the near-duplicate check reads only the claims holding a rare word of the new
    text (``ledger.similar.must_share``)."""
    schema = f'"{where.schema}"'
    if whole:
        cur.execute(f"DELETE FROM {schema}.claim_words")
        cur.execute(f"DELETE FROM {schema}.word_counts")
        _index_all(cur, schema, ((int(k), _text_of(doc)) for k, doc in rows.items()))
        return
    cur.execute(f"SELECT id, words FROM {schema}.claim_words WHERE id = ANY(%s)", ([int(k) for k in keys],))
    old = dict(cur.fetchall())
    new = {int(k): similar.index_words(_text_of(rows[k])) for k in keys if k in rows}
    delta: Counter[str] = Counter()
    for key in set(old) | set(new):
        delta.update(new.get(key, []))
        delta.subtract(old.get(key, []))
    gone = [key for key in old if key not in new]
    if gone:
        cur.execute(f"DELETE FROM {schema}.claim_words WHERE id = ANY(%s)", (gone,))
    changed = [(key, words) for key, words in new.items() if old.get(key) != words]
    if changed:
        cur.executemany(
            f"INSERT INTO {schema}.claim_words (id, words) VALUES (%s, %s) "
            "ON CONFLICT (id) DO UPDATE SET words = EXCLUDED.words",
            changed,
        )
    moved = [(word, n) for word, n in delta.items() if n]
    if moved:
        cur.executemany(
            f"INSERT INTO {schema}.word_counts (word, claims) VALUES (%s, %s) "
            "ON CONFLICT (word) DO UPDATE SET claims = word_counts.claims + EXCLUDED.claims",
            moved,
        )


def _text_of(doc: Any) -> str:
    text = doc.get("text") if isinstance(doc, Mapping) else None
    return text if isinstance(text, str) else ""


def _index_every_claim(cur: Any) -> None:
    """Migration 3's step: index the claims a ledger already holds (search_path: its schema)."""
    cur.execute("SELECT id, doc::text FROM claims")
    _index_all(cur, "", ((key, _text_of(jsonio.loads(doc))) for key, doc in cur.fetchall()))


def _index_all(cur: Any, schema: str, texts: Iterable[tuple[int, str]]) -> None:
    """Fill the empty index with these claims, in two COPYs."""
    counts: Counter[str] = Counter()
    at = f"{schema}." if schema else ""
    with cur.copy(f"COPY {at}claim_words (id, words) FROM STDIN") as copy:
        for key, text in texts:
            words = similar.index_words(text)
            counts.update(words)
            copy.write_row((key, words))
    with cur.copy(f"COPY {at}word_counts (word, claims) FROM STDIN") as copy:
        for row in counts.items():
            copy.write_row(row)


def _refuse_withheld(
    where: Location, public: Mapping[str, Mapping[str, Any]], written: Mapping[str, set[str]]
) -> None:
    """A role without the confidential level sees a confidential source's rows only as anyone
    may: it must not write them back so (it would erase what it cannot see)."""
    for table, keys in written.items():
        if set(keys) & set(public.get(table, {})):
            raise StorageError(
                f"PostgreSQL ledger {where.shown}: this touches a confidential source or its claims, "
                "which your role may not read; nothing was changed; a ledger admin gives the "
                "confidential level with 'claim-ledger team grant ROLE confidential'"
            )


def _text(doc: Any) -> str:
    return orjson.dumps(doc).decode("utf-8")


class Rows(MutableMapping[str, Any]):
    """A big table of a PostgreSQL ledger (claims, links, history), read from the server only
    as far as the command reads it: one row by its key, the rows holding a word (claims, from
    the index ``claim_words``), or, the first time it is read whole, every row. What the
    command writes is kept here and wins over the server's rows; the transaction's snapshot
    (the writer's lock, or a reader's REPEATABLE READ) keeps those the same meanwhile."""

    def __init__(self, cur: Any, where: Location, table: str) -> None:
        self._cur, self._where, self._table = cur, where, table
        self._rows: dict[str, Any] = {}
        self._written: set[str] = set()  # set by the command
        self._gone: set[str] = set()  # deleted by the command
        self._absent: set[str] = set()  # asked for, not on the server
        self._whole = False

    @property
    def _name(self) -> str:
        return f'"{self._where.schema}".{self._table}'

    def _load(self) -> dict[str, Any]:
        if not self._whole:
            rows = _whole(self._cur, self._name)
            for key in self._gone:
                rows.pop(key, None)
            rows.update((key, self._rows[key]) for key in self._written)
            self._rows, self._whole = rows, True
        return self._rows

    def __getitem__(self, key: str) -> Any:
        if key in self._rows:
            return self._rows[key]
        if self._whole or key in self._gone or key in self._absent or not key.isdigit():
            raise KeyError(key)
        self.fetch([key])
        if key not in self._rows:
            self._absent.add(key)
            raise KeyError(key)
        return self._rows[key]

    def fetch(self, keys: list[str]) -> None:
        """Read these rows (those not read yet) in one query."""
        wanted = [int(k) for k in keys if k not in self._rows and k not in self._gone]
        if wanted:
            self._cur.execute(f"SELECT id, doc::text FROM {self._name} WHERE id = ANY(%s)", (wanted,))
            self._rows.update((str(key), jsonio.loads(doc)) for key, doc in self._cur.fetchall())

    def __contains__(self, key: object) -> bool:
        try:
            self[key]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def __setitem__(self, key: str, doc: Any) -> None:
        self._rows[key] = doc
        self._written.add(key)
        self._gone.discard(key)
        self._absent.discard(key)

    def __delitem__(self, key: str) -> None:
        self[key]  # KeyError if it is not there
        del self._rows[key]
        self._written.discard(key)
        self._gone.add(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def keys(self) -> Any:
        return self._load().keys()

    def values(self) -> Any:
        return self._load().values()

    def items(self) -> Any:
        return self._load().items()

    def max_key(self) -> int:
        """The highest key, without reading every row (unless the command deleted it)."""
        if self._whole:
            return max(map(int, self._rows), default=0)
        self._cur.execute(f"SELECT max(id) FROM {self._name}")
        top = self._cur.fetchone()[0]
        if top is not None and str(top) in self._gone:
            return max(map(int, self._load()), default=0)
        return max([top or 0, *map(int, self._written)])

    def word_counts(self, words: list[str]) -> dict[str, int]:
        """How many claims hold each word (claims only: the index ``claim_words``)."""
        self._cur.execute(
            f'SELECT word, claims FROM "{self._where.schema}".word_counts WHERE word = ANY(%s)', (words,)
        )
        return dict(self._cur.fetchall())

    def holding_any(self, needs: similar.Needs, index: Callable[[str], list[str]]) -> dict[str, Any]:
        """The claims that meet ``needs``: those the index names (the server weighs each one's
        words), and those this command wrote (the index is as the command found it), each
        checked again on its own words by ``index``."""
        if self._whole:
            found = list(self._rows)
        else:
            words, weights = zip(*needs.weights.items(), strict=True)
            self._cur.execute(
                f'SELECT id FROM "{self._where.schema}".claim_words c WHERE c.words && %s::text[] '
                "AND (SELECT sum(w.n) FROM unnest(%s::text[], %s::int[]) AS w(word, n) "
                "WHERE w.word = ANY(c.words)) >= %s",
                (sorted(needs.any_of), list(words), list(weights), needs.needed),
            )
            found = [str(key) for (key,) in self._cur.fetchall()]
            self.fetch(found)
        keys = {k for k in found if k in self._rows} | self._written
        return {k: self._rows[k] for k in sorted(keys, key=int) if _holds(self._rows[k], needs, index)}


def _holds(doc: Any, needs: similar.Needs, index: Callable[[str], list[str]]) -> bool:
    """Whether a claim's text meets ``needs`` (a malformed one: yes, to be reported)."""
    text = _text_of(doc)
    return not text or needs.met_by(index(text))


# --------------------------------------------------------------------------- who may do what

LEVELS = ("reader", "editor", "admin")  # a login has at most one of these on a ledger
CONFIDENTIAL = "confidential"  # and, besides it, may have this one
_PRIVILEGES = {"reader": "SELECT", "editor": "SELECT, INSERT, UPDATE, DELETE"}


def _groups(cur: Any, where: Location) -> dict[str, str]:
    """The ledger's group role of each level: ``cl_<database>_<ledger>_<level>`` (roles are the
    server's, so the database is in the name), at most PostgreSQL's 63 characters."""
    cur.execute("SELECT current_database()")
    database = re.sub(r"[^a-z0-9_]", "_", cur.fetchone()[0].casefold())
    return {
        level: f"cl_{database}_{where.ledger}"[: 63 - len(level) - 1] + f"_{level}"
        for level in (*LEVELS, CONFIDENTIAL)
    }


def _ensure_groups(cur: Any, where: Location, *, create: bool = True) -> dict[str, str]:
    """The ledger's group roles, made if missing, with their privileges: a reader may read
    every table but ``secrets``, an editor also write them (``secrets`` too, without reading
    it), an admin also grant both to others; the confidential level may read ``secrets``, and
    only the ledger's owner (who made the groups) may give it."""
    groups = _groups(cur, where)
    for role in groups.values():
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
        if cur.fetchone() is None:
            if not create:
                return groups  # none given yet: the first grant makes them
            cur.execute(f'CREATE ROLE "{role}" NOLOGIN')
    schema = f'"{where.schema}"'
    tables = ", ".join(f"{schema}.{table}" for table in (*_KEYS, *_INDEX, "schema_migrations"))
    for level in ("reader", "editor", CONFIDENTIAL):
        cur.execute(f'GRANT USAGE ON SCHEMA {schema} TO "{groups[level]}"')
    for level in ("reader", "editor"):
        role = f'"{groups[level]}"'
        cur.execute(f"GRANT {_PRIVILEGES[level]} ON {tables} TO {role}")
        cur.execute(f"REVOKE ALL ON {schema}.secrets FROM {role}")  # a grant on ALL TABLES once
    cur.execute(f'GRANT INSERT, UPDATE, DELETE ON {schema}.secrets TO "{groups["editor"]}"')
    cur.execute(f'GRANT SELECT ON {schema}.secrets TO "{groups[CONFIDENTIAL]}"')
    cur.execute(f'GRANT "{groups["editor"]}" TO "{groups["admin"]}"')
    for level in ("reader", "editor"):
        cur.execute(f'GRANT "{groups[level]}" TO "{groups["admin"]}" WITH ADMIN OPTION')
    return groups


def grant(cur: Any, where: Location, role: str, level: str) -> None:
    """Give ``role`` (a server login) one level on the ledger and no other, or the
    confidential level besides the one it has."""
    if level not in (*LEVELS, CONFIDENTIAL):
        raise InvalidInput(f"unknown level {level!r}: use reader, editor, admin or confidential")
    _known_role(cur, role)
    upgrade(cur, where)
    groups = _ensure_groups(cur, where)
    if level != CONFIDENTIAL:
        for other in LEVELS:
            if other != level:
                cur.execute(f'REVOKE "{groups[other]}" FROM "{role}"')
    option = " WITH ADMIN OPTION" if level == "admin" else ""
    cur.execute(f'GRANT "{groups[level]}" TO "{role}"{option}')


def revoke(cur: Any, where: Location, role: str, level: str | None = None) -> None:
    """Take every level on the ledger from ``role``, or only ``level``."""
    _known_role(cur, role)
    groups = _groups(cur, where)
    if level is not None and level not in groups:
        raise InvalidInput(f"unknown level {level!r}: use reader, editor, admin or confidential")
    for name, group in groups.items():
        if level not in (None, name):
            continue
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (group,))
        if cur.fetchone() is not None:
            cur.execute(f'REVOKE "{group}" FROM "{role}"')


def members(cur: Any, where: Location) -> list[tuple[str, str]]:
    """(role, level) for each login given a level on the ledger, by role."""
    found = []
    for level, group in _groups(cur, where).items():
        cur.execute(
            "SELECT member.rolname FROM pg_auth_members m "
            "JOIN pg_roles grp ON grp.oid = m.roleid JOIN pg_roles member ON member.oid = m.member "
            "WHERE grp.rolname = %s AND member.rolcanlogin ORDER BY member.rolname",
            (group,),
        )
        found += [(name, level) for (name,) in cur.fetchall()]
    return sorted(found)


def _known_role(cur: Any, role: str) -> None:
    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
    if cur.fetchone() is None:
        raise InvalidInput(f"no role {role!r} on this server: the server's administrator creates logins")
