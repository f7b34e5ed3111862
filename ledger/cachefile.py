"""A derived cache file (DESIGN §5, :mod:`ledger.cache`): where it is, the key it is valid
for, its header and sections, and its index of claims (what tab completion reads).

Kept apart from what the cache holds (the SQLite image, built from a report) so that a Tab
imports this small module and none of the model: a Tab at 100k claims should take about
what Python's start-up does.

A file is ``MAGIC``, a header line (JSON: the key, and each section's size and SHA-256),
then the sections of :data:`SECTIONS` in order. The index of claims is a line a claim,
newest first, in parts of :data:`INDEX_PART` lines, each part with its own id range, size
and hash in the header: a Tab reads and checks the parts that can hold the ids typed
(a few hundred kB), not the whole index (13 MB at 100k claims).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple, Protocol

import orjson

from .paths import APP_NAME

ENV_VAR = "CLAIM_LEDGER_CACHE"
MAGIC = b"claim-ledger cache 1\n"  # the key (with the code's) tells an older layout stale
# The sections of a cache file after its header, in order: the index of claims (tab
# completion's), the SQLite image (every read's) and the --json records (a --json listing's).
SECTIONS = ("index", "image", "records")
INDEX_PART = 1024  # lines (claims) a part of the index of claims: about 130 kB


def folder(environ: Mapping[str, str] | None = None) -> Path | None:
    """Where cache files go: ``$CLAIM_LEDGER_CACHE``, else the user cache folder; None if off."""
    setting = (os.environ if environ is None else environ).get(ENV_VAR, "").strip()
    if setting.casefold() == "off":
        return None
    if setting:
        return Path(os.path.expanduser(setting)).absolute()
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False)


def key_of(ledger: Path) -> list[Any] | None:
    """The state a cache of ``ledger`` is valid for; None when there is no such file."""
    try:
        real = ledger.resolve()
        st = real.stat()
    except OSError:
        return None
    return [str(real), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, _code()]


_CODE: list[str] = []


def _code() -> str:
    """This package's modules by size and time: a changed rule makes every cache stale."""
    if not _CODE:
        here = Path(__file__).parent
        digest = hashlib.sha256()
        for module in sorted(here.rglob("*.py")):
            st = module.stat()
            digest.update(f"{module.relative_to(here)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        _CODE.append(digest.hexdigest())
    return _CODE[0]


NAME = re.compile(r"[0-9a-f]{32}\.cache")


class Kind(NamedTuple):
    """A kind of file in the cache folder: its first line, the sections its header announces
    (each with its size and hash), and what its name adds to its ledger's cache file's."""

    magic: bytes
    sections: tuple[str, ...]
    suffix: str = ""


CACHE = Kind(MAGIC, SECTIONS)
# check's findings (ledger.cache.build), beside the cache: a JSON array of check --json's objects
FINDINGS = Kind(b"claim-ledger findings 1\n", ("findings",), ".findings")


def file_of(where: Path, real: str, kind: Kind = CACHE) -> Path:
    """The file of ``kind`` of the ledger at ``real`` (its real path, a key's first part)."""
    return where / f"{hashlib.sha256(real.encode()).hexdigest()[:32]}.cache{kind.suffix}"


class Opened(NamedTuple):
    """A fresh cache file open after its header: each section's size and hash, and the header."""

    handle: BinaryIO
    sections: dict[str, tuple[int, str]]
    header: dict[str, Any]


@contextlib.contextmanager
def fresh(ledger: Path, kind: Kind = CACHE) -> Iterator[Opened | None]:
    """The file of ``kind`` of ``ledger`` open after its header (:class:`Opened`), if its key
    is the ledger's state now and it announces every section; else None. A stale file is
    known by its first lines, not read whole. OSError if there is no such file."""
    where = folder()
    if where is None:
        yield None
        return
    with file_of(where, str(ledger.resolve()), kind).open("rb") as handle:
        ours = handle.read(len(kind.magic)) == kind.magic
        header = header_of(handle.readline(1 << 16)) if ours else None
        key = key_of(ledger)
        fresh = header is not None and key is not None and header.get("key") == key
        sections = {name: _section(header, name) for name in kind.sections} if fresh else {}
        whole = header is not None and fresh and None not in sections.values()
        yield Opened(handle, sections, header) if whole else None  # type: ignore[arg-type]


def _section(header: Mapping[str, Any], name: str) -> tuple[int, str] | None:
    """The size and hash of a section the header announces; None if it does not."""
    section = header.get(name)
    size = section.get("size") if isinstance(section, dict) else None
    digest = section.get("sha256") if isinstance(section, dict) else None
    if isinstance(size, int) and size >= 0 and isinstance(digest, str):
        return size, digest
    return None


def checked(body: bytes, section: tuple[int, str]) -> bytes | None:
    """A section's bytes if they are as many as, and hash to, what the header says."""
    size, digest = section
    return body if len(body) == size and hashlib.sha256(body).hexdigest() == digest else None


def described(parts: Iterable[bytes]) -> dict[str, Any]:
    """A section's size and hash, as the header gives them, from its parts."""
    digest, size = hashlib.sha256(), 0
    for part in parts:
        digest.update(part)
        size += len(part)
    return {"size": size, "sha256": digest.hexdigest()}


def header_of(line: bytes) -> dict[str, Any] | None:
    """A cache file's header (the line after MAGIC); None if it does not parse as one."""
    try:
        header = orjson.loads(line)
    except ValueError:
        return None
    return header if isinstance(header, dict) else None


# --------------------------------------------------------------------------- index of claims


class _Said(Protocol):
    text: str
    source: str


Part = tuple[int, int, int, str]  # newest id, oldest id, size, SHA-256


def index_of(claims: Mapping[int, _Said], per: int | None = None) -> tuple[list[bytes], dict[str, Any]]:
    """The index of claims in parts of ``per`` lines, and how the header describes it (its
    size, its hash, and each part's :data:`Part`). A line a claim, newest first: its id, a
    tab, and its text and source as a JSON array (JSON escapes every line break, so a line
    is a claim)."""
    ids, dumps, per = sorted(claims, reverse=True), orjson.dumps, per or INDEX_PART
    parts, table = [], []
    for start in range(0, len(ids), per):
        some = ids[start : start + per]
        part = b"".join(b"%d\t%b\n" % (n, dumps([claims[n].text, claims[n].source])) for n in some)
        parts.append(part)
        table.append([some[0], some[-1], len(part), hashlib.sha256(part).hexdigest()])
    return parts, {**described(parts), "parts": table}


def offered(ledger: Path, typed: str, limit: int) -> list[tuple[int, str, str]] | None:
    """Shell completion's claims: (id, text, source) of those whose id starts with ``typed``,
    newest first, at most ``limit``. Read from the cache's index of claims, the parts that
    can hold such ids, each checked by its own hash. None when no cache holds the ledger as
    it is now, or a part read does not check (then the ledger answers)."""
    try:
        with fresh(ledger) as opened:
            if opened is None:
                return None
            parts = _parts(opened.header, opened.sections["index"][0])
            if parts is None:
                return None
            if not re.fullmatch("[0-9]*", typed):
                return []  # no claim id has anything but digits
            start, handle = opened.handle.tell(), opened.handle

            def read(at: int, size: int) -> bytes:
                handle.seek(start + at)
                return handle.read(size)

            found = search(parts, read, typed, limit)
    except OSError:
        return None
    return None if found is None else [(n, *orjson.loads(said)) for n, said in found]


def _parts(header: Mapping[str, Any], size: int) -> list[Part] | None:
    """The index's parts as the header lists them, if they are well formed and make up its size."""
    table = header["index"].get("parts")
    if not isinstance(table, list):
        return None
    parts = []
    for row in table:
        if not (isinstance(row, list) and len(row) == 4 and all(isinstance(x, int) for x in row[:3])):
            return None
        if not isinstance(row[3], str) or row[2] < 0:
            return None
        parts.append((row[0], row[1], row[2], row[3]))
    return parts if sum(p[2] for p in parts) == size else None


def search(
    parts: Sequence[Part], read: Callable[[int, int], bytes], typed: str, limit: int
) -> list[tuple[int, bytes]] | None:
    """(id, rest of its line) of the first ``limit`` lines whose id starts with ``typed``
    (digits), newest first, reading (``read(offset, size)``) only the parts whose id range can
    hold such an id; None if a part read is not what its hash says."""
    found: list[tuple[int, bytes]] = []
    at = 0
    for newest, oldest, size, digest in parts:
        if len(found) >= limit:
            break
        if _may_hold(typed, oldest, newest):
            body = checked(read(at, size), (size, digest))
            if body is None:
                return None
            found.extend(_lines_starting(body, typed.encode(), limit - len(found)))
        at += size
    return found


def _may_hold(typed: str, low: int, high: int) -> bool:
    """Whether a number from ``low`` to ``high`` can be written starting with ``typed``."""
    if not typed:
        return True
    if typed[0] == "0":  # a number is written without leading zeros: only 0 starts so
        return typed == "0" and low <= 0 <= high
    head = int(typed)
    for more in range(len(str(high)) - len(typed) + 1):
        first, last = head * 10**more, (head + 1) * 10**more - 1
        if first <= high and last >= low:
            return True
    return False


def _lines_starting(index: bytes, typed: bytes, limit: int) -> Iterator[tuple[int, bytes]]:
    """(id, rest) of the first ``limit`` lines of (a part of) the index whose id starts with
    ``typed``: found by ``bytes.find`` of a line break and the digits (a line break is only
    ever a line's end: JSON escapes those in a text), not by a pattern tried at every line."""
    text = b"\n" + index  # every line, the first too, comes after a line break
    needle, at = b"\n" + typed, 0
    for _ in range(limit):
        at = text.find(needle, at)
        tab = text.find(b"\t", at) if at >= 0 else -1
        if tab < 0:  # no more, or only the index's last line break
            return
        end = text.find(b"\n", tab)
        yield int(text[at + 1 : tab]), text[tab + 1 : end]
        at = end
