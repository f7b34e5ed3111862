"""The derived cache (DESIGN §5): a file ledger's claims with their verdicts, so that a
listing of an unchanged ledger need not parse and weigh every claim again.

It is never the truth. A cache file is used only when

* its key equals the ledger's state now: the file's real path, device, inode, size,
  modification and change times (every write replaces the file, so each changes), and
  the size and time of every module of this package (new rules, new verdicts); and
* its content hashes (SHA-256) to what its header says: a truncated or edited cache is
  ignored and rebuilt, never trusted.

Anything else (missing, stale, unreadable, another format) reads the ledger, as if there
were no cache. A write to a ledger of :data:`WORTH_CACHING` claims or more, and a read
that weighed one, start ``python -m ledger.cache LEDGER`` in the background, which
weighs it again and writes the cache, so that nobody waits for the cache to be written
(one builder a ledger at a time, and one waiting: :func:`main`). It lives in the user
cache folder, one file a ledger, written atomically and readable by its owner only;
``$CLAIM_LEDGER_CACHE`` names another folder, or ``off`` for none. A file is a header
line, an index of claims (a line each: what tab completion offers, in parts with hashes
of their own, so a Tab reads a few hundred kB: :mod:`ledger.cachefile`), a SQLite image,
loaded with
``sqlite3.deserialize``: data, never code (no pickle), and every claim's ``--json``
record as written, with a hash of its own (read only by a ``--json`` listing).

The listings read it (``list``, ``unconfirmed``, ``disputed``, ``figures``): they select
on the few facts a filter reads, then build just the claims they show; ``figures``
groups on each claim's figure facts, kept apart, and ``source list`` counts each
claim's (source, status). ``show`` and ``history`` read one claim and its history
entries (``HistoryEntry.concerned``); ``source show`` a source's claims and entries.
A ``--json`` listing writes the records it selects as they are kept.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from . import analysis
from .cachefile import (
    CACHE,
    FINDINGS,
    MAGIC,
    NAME,
    checked,
    described,
    file_of,
    folder,
    fresh,
    header_of,
    index_of,
    key_of,
)
from .errors import missing_claim
from .model import Claim, Figure, HistoryEntry, Link, Source, Status

if TYPE_CHECKING:
    import sqlite3  # imported when a cache is read or written: a small ledger never needs it

    from .analysis import Assessment, Finding
    from .analysis.figures import Facts, Groups
    from .report import Filters, LinksByClaim, Report

WORTH_CACHING = 2000  # claims: below this, a cache saves nothing (bench, docs/performance.md)
_SCHEMA = """
CREATE TABLE claims (id INTEGER PRIMARY KEY, source TEXT, event TEXT, status TEXT, tags BLOB,
                     date TEXT, claim BLOB, assessment BLOB, facts BLOB);
CREATE TABLE sources (id TEXT PRIMARY KEY, doc BLOB);
CREATE TABLE links (id INTEGER PRIMARY KEY, src INTEGER, dst INTEGER, doc BLOB);
CREATE INDEX links_src ON links (src);
CREATE INDEX links_dst ON links (dst);
CREATE TABLE kept (name TEXT PRIMARY KEY, doc BLOB);
CREATE TABLE history (id INTEGER PRIMARY KEY, source TEXT, doc BLOB);
CREATE INDEX history_source ON history (source);
CREATE TABLE concerns (claim INTEGER, entry INTEGER, PRIMARY KEY (claim, entry)) WITHOUT ROWID;
"""


class Cached:
    """What the cache holds of a ledger: the report, and each claim's history."""

    def __init__(self, con: sqlite3.Connection, ledger: Path, image_sha256: str) -> None:
        self._con = con
        self.report = _report(con, lambda ids, per: _kept_records(ledger, con, image_sha256, ids, per))

    def claim(self, claim_id: int) -> Claim:
        """One claim (as ``Store.claim``), NotFound if the ledger does not hold it."""
        try:
            return self.report.claims[claim_id]
        except KeyError:
            raise missing_claim(claim_id) from None

    def history_of_source(self, source_id: str) -> list[HistoryEntry]:
        """The entries about a source (its adding and editing), as ``source show`` lists them."""
        rows = self._con.execute("SELECT doc FROM history WHERE source = ? ORDER BY id", (source_id,))
        return [HistoryEntry.from_dict(orjson.loads(doc)) for (doc,) in rows]

    def history_of(self, claim_id: int) -> list[HistoryEntry]:
        """As ``ops.history_of``: the entries HistoryEntry.concerned puts with the claim, or
        NotFound for a claim the ledger does not hold."""
        rows = self._con.execute(
            "SELECT h.doc FROM concerns c JOIN history h ON h.id = c.entry WHERE c.claim = ? ORDER BY h.id",
            (claim_id,),
        )
        entries = [HistoryEntry.from_dict(orjson.loads(doc)) for (doc,) in rows]
        if not entries and claim_id not in self.report.claims:
            raise missing_claim(claim_id)
        return entries


def load(ledger: Path) -> Cached | None:
    """What is cached for ``ledger`` as it is now, or None (no cache, stale or damaged)."""
    try:
        with fresh(ledger) as opened:
            if opened is None:
                return None
            handle, sections, _ = opened
            handle.seek(sections["index"][0], os.SEEK_CUR)  # completion's, not needed here
            image = handle.read(sections["image"][0])  # not the records after it: --json's
    except OSError:
        return None  # a ledger too small for a cache stops here, at one failed open
    con = _verified(image, sections["image"])
    return None if con is None else Cached(con, ledger, sections["image"][1])


def _kept_records(
    ledger: Path, con: sqlite3.Connection, image_sha256: str, ids: Sequence[int], per: int
) -> Iterator[bytes] | None:
    """The --json records of the claims ``ids`` as the cache keeps them written, ``per`` a
    part (Report.records), from the same build as the image read, checked by their own hash.
    None for a few claims (building them is cheaper than reading all), or if the cache no
    longer holds what was read (a write or a build since) or the records do not check."""
    if len(ids) < ONE_BY_ONE:
        return None
    try:
        with fresh(ledger) as opened:
            if opened is None or opened.sections["image"][1] != image_sha256:
                return None
            handle, sections, _ = opened
            handle.seek(sections["index"][0] + sections["image"][0], os.SEEK_CUR)
            # one byte more: the records end the file, and a longer file is not the one written
            kept = checked(handle.read(sections["records"][0] + 1), sections["records"])
    except OSError:
        return None
    if kept is None:
        return None
    row = con.execute("SELECT doc FROM kept WHERE name = 'record spans'").fetchone()
    if row is None:
        return None  # not an image this code writes
    # where each record is, as one document: 100k rows of a table took 0.1 s to read
    held, sizes = orjson.loads(row[0])
    starts = [0, *accumulate(sizes)]  # the records follow one another, in the order held
    place = dict(zip(held, range(len(held)), strict=True))
    view = memoryview(kept)
    return (
        b",\n".join(
            [view[starts[i] : starts[i + 1]] for i in map(place.__getitem__, ids[start : start + per])]
        )
        for start in range(0, len(ids), per)
    )


def _verified(image: bytes, section: tuple[int, str]) -> sqlite3.Connection | None:
    """The cache's database if the image is as the header describes it."""
    import sqlite3

    if checked(image, section) is None:
        return None
    try:
        con = sqlite3.connect(":memory:")
        con.deserialize(image)
        con.execute(
            "SELECT id, source, event, status, tags, date, claim, assessment, facts FROM claims LIMIT 1"
        )
        kept = con.execute("SELECT 1 FROM kept WHERE name = 'figure groups'").fetchone()  # not read
    except sqlite3.Error:
        return None
    return con if kept is not None else None  # not an image this code writes


def save(ledger: Path, report: Report, history: Sequence[HistoryEntry], key: list[Any] | None) -> None:
    """Cache ``report``, read from ``ledger`` when its state was ``key``: nothing if the ledger
    changed since (another writer), or if the cache cannot be written (it is only a cache)."""
    where = folder()
    if where is None or key is None or key_of(ledger) != key:
        return
    records, places = _records(report)  # 120 MB at 100k claims: written in parts, never joined
    image, (index, described_index) = _image(report, history, places), index_of(report.claims)
    header = orjson.dumps(
        {
            "key": key,
            "index": described_index,
            "image": described((image,)),
            "records": described(records),
        }
    )
    _write(where, file_of(where, key[0]), [MAGIC, header, b"\n", *index, image, *records])


def _write(where: Path, path: Path, payload: list[bytes]) -> None:
    """Write a derived file atomically, readable by its owner only; nothing if it cannot be
    written (a read-only or full cache folder: the next read weighs the ledger again)."""
    from . import storage
    from .errors import LedgerError

    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        storage.atomic_write(path, payload, "cache", derived=True)
    except (OSError, LedgerError):
        pass


def _records(report: Report) -> tuple[list[bytes], list[list[int]]]:
    """Every claim's --json record as written (export.listing.record_items), in id order, and
    where each is in the section they make, one after another: [their ids, their sizes]."""
    from .export.listing import record_items

    ids = sorted(report.claims)
    items = [record_items(report, (n,)) for n in ids]
    return items, [ids, [len(item) for item in items]]


def _image(report: Report, history: Sequence[HistoryEntry], places: list[list[int]]) -> bytes:
    import sqlite3

    con = sqlite3.connect(":memory:")
    con.executescript(_SCHEMA)
    dumps, a = orjson.dumps, report.assessments
    # what figures groups by, once: kept by claim (a filter's) and grouped (every metric's)
    facts = {n: analysis.figure_facts(c, a[n].story) for n, c in report.claims.items() if c.figures}
    con.executemany(
        "INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (_row(c, a[c.id], facts.get(c.id), dumps) for c in report.claims.values()),
    )
    con.executemany(
        "INSERT INTO sources VALUES (?, ?)", ((s.id, dumps(s.to_dict())) for s in report.sources.values())
    )
    con.executemany(
        "INSERT INTO links VALUES (?, ?, ?, ?)",
        ((lk.id, lk.src, lk.dst, dumps(lk.to_dict())) for lk in report.links),
    )
    con.executemany(
        "INSERT INTO history VALUES (?, ?, ?)", ((h.id, h.source, dumps(h.to_dict())) for h in history)
    )
    concerns = ((n, h.id) for h in history for n in set(h.concerned()))
    con.executemany("INSERT INTO concerns VALUES (?, ?)", concerns)
    con.execute("INSERT INTO kept VALUES ('record spans', ?)", (dumps(places),))
    groups = [[*key, stating] for key, stating in analysis.figure_groups(facts.values())]
    con.execute("INSERT INTO kept VALUES ('figure groups', ?)", (dumps(groups),))
    con.commit()
    return con.serialize()


def _row(c: Claim, a: Assessment, facts: Facts | None, dumps: Any) -> tuple[Any, ...]:
    """A claim's row: what a filter reads, then the claim's fields after its id in order
    (Claim.from_doc's keys would cost a third more), then its assessment and figure facts."""
    figures = [(f.metric, f.low, f.high, f.qualifier) for f in c.figures] if c.figures else None
    stated = (c.text, c.source, c.date, c.event, figures, c.url, c.archive_url, c.retrieved_at, c.quote)
    rest = (c.tags, c.location, c.recorded_at, c.retracted_at, c.retraction_note)
    tags = dumps(c.tags) if c.tags else None
    return (
        c.id,
        c.source,
        c.event,
        a.status.value,
        tags,
        c.date,
        dumps((*stated, *rest)),
        dumps(_assessed(a)),
        dumps(facts) if facts is not None else None,  # what figures groups by
    )


def _claim(n: int, stated: bytes) -> Claim:
    v = orjson.loads(stated)
    figures = tuple(Figure(*f) for f in v[4]) if v[4] else ()
    return Claim(n, *v[:4], figures, *v[5:9], tuple(v[9]), *v[10:])


def _assessed(a: Assessment) -> list[Any]:
    """An assessment as JSON values, its reason written out, in field order."""
    return [
        a.claim,
        a.status.value,
        a.reason,
        a.credibility,
        a.story,
        a.origin,
        a.confirmed_by,
        a.contradicted_by,
        [[n, s.value] for n, s in a.supported_by],
        a.superseded_by,
        a.relay,
        a.partly_by,
    ]


def _assessment(v: list[Any]) -> Assessment:
    support = analysis.Support
    return analysis.Assessment(
        v[0],
        _STATUS[v[1]],
        v[2],
        v[3],
        v[4],
        tuple(v[5]),
        tuple(v[6]) if v[6] else (),
        tuple(v[7]) if v[7] else (),
        tuple([(n, support(s)) for n, s in v[8]]) if v[8] else (),
        v[9],
        v[10],
        tuple(v[11]) if v[11] else (),
    )


_STATUS = {s.value: s for s in Status}  # Status(value) by a look-up: 90k of them in a --json


def _report(
    con: sqlite3.Connection, records: Callable[[Sequence[int], int], Iterator[bytes] | None]
) -> Report:
    from .report import Report  # with what it weighs by: a write to a small ledger needs none of it

    sources = {
        (s := Source.from_dict(orjson.loads(d))).id: s for (d,) in con.execute("SELECT doc FROM sources")
    }
    links = _Links(con)
    return Report(
        sources,
        _Rows(con, "claim", _claim),
        links,
        _Rows(con, "assessment", lambda _n, v: _assessment(orjson.loads(v))),
        links,  # type: ignore[arg-type]  # answers links_of as LinksByClaim does
        _NotCached(),
        selector=lambda filters, among: _select(con, sources, filters, among),
        facts=lambda: _facts(con),
        figure_groups=lambda: _figure_groups(con),
        said=lambda: (
            (source, _STATUS[status]) for source, status in con.execute("SELECT source, status FROM claims")
        ),
        records=records,
    )


def _facts(con: sqlite3.Connection) -> dict[int, Facts]:
    """Every claim's figure facts (analysis.figures.Facts), for the claims that state figures."""
    facts = {}
    for n, stored in con.execute("SELECT id, facts FROM claims WHERE facts IS NOT NULL"):
        _, event, metrics, retracted, story = orjson.loads(stored)
        facts[n] = (n, event, tuple(metrics), retracted, story)
    return facts


def _figure_groups(con: sqlite3.Connection) -> Groups:
    """Every claim's figure facts grouped (analysis.figure_groups), as the build kept them: a
    table of every event's metrics need not group 70k claims' facts again."""
    (doc,) = con.execute("SELECT doc FROM kept WHERE name = 'figure groups'").fetchone()
    return [((event, metric), stating) for event, metric, stating in orjson.loads(doc)]


def _select(
    con: sqlite3.Connection,
    sources: Mapping[str, Source],
    filters: Filters,
    among: frozenset[Status] | None,
) -> list[int]:
    """:meth:`Report.select_ids` on the cached facts: the same rule (Filters.admits_facts)."""
    from .report import Filters

    wanted = None if among is None else {s.value for s in among}
    if filters == Filters():  # SQLite picks them and hands them over as one document: 0.07 s less
        chosen = "" if wanted is None else f"WHERE status IN ({', '.join('?' * len(wanted))})"
        query = f"SELECT json_group_array(id) FROM claims {chosen}"
        return sorted(orjson.loads(con.execute(query, sorted(wanted or ())).fetchone()[0]))
    text = "claim" if filters.search else "NULL"  # the text is the claim's first field
    rows = con.execute(f"SELECT id, source, event, status, tags, date, {text} FROM claims ORDER BY id")
    loads, get = orjson.loads, sources.get
    return [
        n
        for n, source, event, status, tags, date, stated in rows
        if (wanted is None or status in wanted)
        and filters.admits_facts(
            source,
            get(source),
            event,
            Status(status),
            loads(tags) if tags else (),
            date,
            loads(stated)[0] if stated else "",
        )
    ]


# Reads of single rows before a whole column is read in one scan: a table of 100 rows asks
# for a few hundred, a --json of 90k claims would otherwise ask 90k times.
ONE_BY_ONE = 500


class _Rows(Mapping[int, Any]):
    """Claims or assessments by id, each built from the cache when first asked for."""

    def __init__(self, con: sqlite3.Connection, column: str, build: Any) -> None:
        self._con, self._column, self._build = con, column, build
        self._built: dict[int, Any] = {}
        self._column_read: dict[int, bytes] | None = None
        self._asked = 0

    def __getitem__(self, n: int) -> Any:
        built = self._built.get(n)  # never None: a claim or an assessment
        if built is None:
            built = self._built[n] = self._build(n, self._stored(n))
        return built

    def _stored(self, n: int) -> bytes:
        if self._column_read is None:
            self._asked += 1
            if self._asked <= ONE_BY_ONE:
                row = self._con.execute(f"SELECT {self._column} FROM claims WHERE id = ?", (n,)).fetchone()
                if row is None:
                    raise KeyError(n)
                return row[0]
            self._column_read = dict(self._con.execute(f"SELECT id, {self._column} FROM claims"))
        return self._column_read[n]

    def __iter__(self) -> Iterator[int]:
        return (n for (n,) in self._con.execute("SELECT id FROM claims ORDER BY id"))

    def __len__(self) -> int:
        return self._con.execute("SELECT count(*) FROM claims").fetchone()[0]


class _Links(Sequence[Link]):
    """Every link, read whole when first iterated; a claim's own links (``of``) by index."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self._con = con
        self._all: list[Link] | None = None
        self._by_claim: LinksByClaim | None = None
        self._asked = 0

    def of(self, claim_id: int) -> Sequence[Link]:
        if self._by_claim is None:
            self._asked += 1
            if self._asked <= ONE_BY_ONE:
                rows = self._con.execute(
                    "SELECT id, doc FROM links WHERE src = ?1 OR dst = ?1 ORDER BY id", (claim_id,)
                )
                return [Link.from_doc(n, orjson.loads(d)) for n, d in rows]
            from .report import LinksByClaim

            self._by_claim = LinksByClaim(self._whole())
        return self._by_claim.of(claim_id)

    def _whole(self) -> list[Link]:
        if self._all is None:
            rows = self._con.execute("SELECT id, doc FROM links ORDER BY id")
            self._all = [Link.from_doc(n, orjson.loads(d)) for n, d in rows]
        return self._all

    def __getitem__(self, i: Any) -> Any:
        return self._whole()[i]

    def __iter__(self) -> Iterator[Link]:
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())


class _NotCached(Mapping[int, Any]):
    """What the cache does not hold (each story's figures): a listing never reads it, and a
    writer that did would fail loudly here rather than print a report without them."""

    def _refuse(self, *_: Any) -> Any:
        raise RuntimeError("a cached report holds no story figures: build the report from the ledger")

    __getitem__ = __iter__ = __len__ = _refuse


def build(ledger: Path) -> None:
    """Weigh ``ledger`` and cache the report, then ``check``'s findings, unless a fresh cache
    of each is there already. The report first: every listing waits for it, and the findings
    take a third as long again (the history replayed, relays compared)."""
    has_report, has_findings = load(ledger) is not None, load_findings(ledger) is not None
    if has_report and has_findings:
        return
    from . import ops
    from .store import open_ledger

    key = key_of(ledger)  # taken before reading: a write after it leaves this cache stale
    with open_ledger(ledger) as store:  # a snapshot, read whole: it outlives the block
        report = ops.report(store)
    if not has_report:
        save(ledger, report, store.history(), key)
    save_findings(ledger, ops.findings(store, weighed=(report.assessments, report.numbers)), key)


# --------------------------------------------------------------------------- check's findings
# ``check`` without --seal, as it finds them in a file ledger (whose reader withholds nothing),
# in a file of its own beside the cache: a header line (the key, the body's size and hash),
# then the findings as a JSON array of check --json's objects.


def save_findings(ledger: Path, found: Sequence[Finding], key: list[Any] | None) -> None:
    """Keep ``found``, ``check``'s findings in ``ledger`` when its state was ``key``: nothing if
    the ledger changed since (another writer), or if the file cannot be written."""
    where = folder()
    if where is None or key is None or key_of(ledger) != key:
        return
    body = orjson.dumps([f.to_dict() for f in found])
    header = orjson.dumps({"key": key, "findings": described((body,))})
    _write(where, file_of(where, key[0], FINDINGS), [FINDINGS.magic, header, b"\n", body])


def load_findings(ledger: Path) -> list[Finding] | None:
    """``check``'s findings (without --seal) in ``ledger`` as it is now, or None: no such file,
    or it is stale, damaged or of another layout."""
    try:
        with fresh(ledger, FINDINGS) as opened:
            if opened is None:
                return None
            section = opened.sections["findings"]
            # one byte more: the findings end the file, and a longer file is not the one written
            body = checked(opened.handle.read(section[0] + 1), section)
    except OSError:
        return None
    if body is None:
        return None
    try:
        return [analysis.Finding.from_dict(d) for d in orjson.loads(body)]
    except (ValueError, TypeError, KeyError):
        return None  # hashed as written, yet not findings: another version's, or written by hand


def build_later(ledger: Path) -> None:
    """Start :func:`build` in a process of its own, which outlives this command and prints
    nothing: the next read finds the cache, and this one waits for none of it.

    It runs this Python and this very package: ``-m`` looks first in the folder it starts
    in, so it starts in the one that holds this package. Started where the user is, a
    checkout of the project beside a ``pip install .`` ran the checkout's code, whose
    caches the installed command found stale, every one."""
    if folder() is None:
        return
    import subprocess
    import sys

    with contextlib.suppress(OSError):
        subprocess.Popen(
            [sys.executable, "-m", "ledger.cache", str(ledger.absolute())],
            cwd=Path(__file__).parent.parent,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C at the terminal is for the command, not for this
            close_fds=True,
        )


# How long a builder waits for the one before it (which weighs the ledger as it was): longer
# than any build takes, and it then finds the cache fresh or builds it for the ledger as it is.
WAIT_FOR_BUILDER = 600.0


def main(argv: list[str]) -> int:
    """``python -m ledger.cache LEDGER``: cache it at low priority; any failure leaves no cache,
    quietly. One builder a ledger at a time, and one waiting: a write while a build runs makes
    that build stale, so the one waiting builds after it (or finds the cache fresh and leaves);
    any more leave at once, since the one waiting will see what they would have seen."""
    import gc

    from filelock import FileLock, Timeout

    gc.disable()  # as the CLI: a short-lived process that builds 100k objects needs no cycle collector
    if hasattr(os, "nice"):  # POSIX: the user's commands come first
        with contextlib.suppress(OSError):
            os.nice(10)
    ledger, where = Path(argv[0]), folder()
    key = key_of(ledger)
    if where is None or key is None:
        return 0
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock = f"{file_of(where, key[0])}.lock"
        building = FileLock(lock, timeout=WAIT_FOR_BUILDER, mode=0o600)
        with FileLock(f"{lock}.next", timeout=0, mode=0o600):
            building.acquire()  # then the next to come may wait
        try:
            build(ledger)
        finally:
            building.release()
        prune(where)
    except Timeout:
        return 0  # one is waiting already, or the one building took too long
    except Exception:  # any failure: no cache, and the next read weighs the ledger
        return 1
    return 0


def prune(where: Path) -> list[Path]:
    """Remove the caches of ledgers that are gone (deleted, moved), and the findings kept
    beside them: nothing else would, and each may be as big as its ledger. Only our own
    files: a name this module gives and a first line it writes (``$CLAIM_LEDGER_CACHE`` may
    name a folder that holds others)."""
    removed = []
    for kind in (CACHE, FINDINGS):
        for cached in where.glob(f"*.cache{kind.suffix}"):
            if not NAME.fullmatch(cached.name.removesuffix(kind.suffix)):
                continue
            if not _of_a_gone_ledger(cached, kind.magic):
                continue
            beside = () if kind.suffix else (".lock", ".lock.next")  # a builder's, of the cache
            for gone in (cached, *(Path(f"{cached}{suffix}") for suffix in beside)):
                with contextlib.suppress(OSError):
                    gone.unlink()
            removed.append(cached)
    return removed


def _of_a_gone_ledger(cached: Path, magic: bytes) -> bool:
    """Whether a file of ours caches a ledger that is gone, or its header cannot be read. A
    file that is not ours after all (another first line) or cannot be opened is left alone."""
    try:
        with cached.open("rb") as handle:
            if handle.read(len(magic)) != magic:
                return False
            header = header_of(handle.readline(1 << 16))
    except OSError:
        return False
    key = header.get("key") if header is not None else None  # None: ours, and damaged
    ledger = key[0] if isinstance(key, list) and key else None
    return not isinstance(ledger, str) or not Path(ledger).exists()


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
