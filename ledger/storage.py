"""Bytes on disk: read a JSON file whole, write it atomically, hold the writer's lock.

Knows nothing of claims. The guarantees (DESIGN §5):

* a write goes to a temporary file in the same folder, is flushed and fsynced,
  then ``os.replace``-d over the ledger, and the folder is fsynced: a crash or
  ``kill -9`` leaves the old file or the new one, never a torn one;
* writers hold an exclusive ``filelock`` lock beside the file for the whole
  command; a second writer waits ``timeout`` seconds, then fails cleanly;
* readers take no lock: thanks to the atomic replace they always see a whole file.
"""

from __future__ import annotations

import codecs
import contextlib
import glob
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator, Sequence
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

import orjson

from .errors import Corrupt, LedgerError, Locked, NoLedger, StorageError
from .jsonio import loads

DEFAULT_LOCK_TIMEOUT = 5.0


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


class WriterLock:
    """The ledger's exclusive writer lock, held for one command (see :func:`write_lock`)."""

    def __init__(self, path: Path, timeout: float) -> None:
        self.path, self.timeout = path, timeout
        self._held: list[Any] = []

    def take(self) -> None:
        """Lock the file the lock path names now, retaking it if that file goes meanwhile."""
        from filelock import FileLock

        deadline = time.monotonic() + self.timeout
        while True:
            lock = FileLock(str(lock_path(self.path)), timeout=max(0.0, deadline - time.monotonic()))
            lock.acquire()
            if _still_named(lock, lock_path(self.path)):
                self._held.append(lock)
                return
            lock.release()

    def confirm(self) -> None:
        """Before a write: the lock path must still name the file held. A lock file removed
        meanwhile (a sync tool's tidy-up) excludes no one: lock the one there now."""
        if not self._held or not _still_named(self._held[-1], lock_path(self.path)):
            self.take()

    def release(self) -> None:
        while self._held:
            self._held.pop().release()


@contextlib.contextmanager
def write_lock(path: Path, timeout: float = DEFAULT_LOCK_TIMEOUT) -> Iterator[WriterLock]:
    """Hold the ledger's exclusive writer lock, or raise :class:`Locked` after ``timeout`` s.

    A lock file removed while held (a sync tool tidying "stale" locks) no longer excludes
    anyone: once locked, the lock path must still name the very file locked, or the lock
    is taken again on the file that is there now; :meth:`WriterLock.confirm` checks again
    before a write.
    """
    from filelock import Timeout

    held = WriterLock(path, timeout)
    try:
        held.take()
        try:
            yield held
        finally:
            held.release()
    except Timeout:
        raise Locked(path, timeout) from None
    except OSError as exc:  # a read-only folder, a lock file that is a dangling link...
        raise StorageError(
            f"cannot lock ledger {path}: {exc.strerror or exc} ({lock_path(path).name}); nothing was changed"
        ) from None


def _still_named(lock: object, path: Path) -> bool:
    """Whether ``path`` still names the file whose descriptor ``lock`` holds."""
    fd = getattr(getattr(lock, "_context", None), "lock_file_fd", None)
    if fd is None:
        return True  # a lock kept some other way: nothing to compare
    try:
        held, named = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino)


def identity(path: Path) -> tuple[int, int, int, int] | None:
    """Which file ``path`` names now (device, inode, size, change time); None if none.

    Every write replaces the ledger with a new file, so a writer that finds the
    ledger's identity changed since it read it knows another writer came between.
    """
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def read_bytes(path: Path, *, missing: LedgerError, folder: LedgerError, what: str = "") -> bytes:
    """A whole file; ``missing`` or ``folder`` is raised when it is absent or a folder."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise missing from None
    except IsADirectoryError:
        raise folder from None
    except OSError as exc:
        raise StorageError(f"cannot read {what}{path}: {exc.strerror or exc}") from None


def read_json(path: Path) -> dict[str, Any]:
    """The parsed top-level object of ``path``; errors name the file and what to do."""
    refuse_special(path, "ledger")
    raw = read_bytes(
        path,
        missing=NoLedger(f"no ledger at {path}: run 'claim-ledger init' to create one, or pass --db"),
        folder=StorageError(f"{path} is a folder, not a ledger file: pass --db FILE"),
        what="ledger ",
    )
    if not raw.strip():
        raise Corrupt(
            f"ledger {path} is empty: restore it from a backup, or move it aside and run 'claim-ledger init'"
        )
    try:
        data = loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Corrupt(
            f"ledger {path} is not valid JSON ({exc}): it was left untouched; restore it from a backup"
        ) from None
    if not isinstance(data, dict):
        raise Corrupt(f"ledger {path} is not a claim-ledger file (its top level is not an object)")
    return data


def refuse_special(path: Path, what: str) -> None:
    """A FIFO, a device or a socket is no ledger: reading one could wait forever."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return  # missing or unreadable: the reader says which
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise StorageError(
            f"{path} is not a regular file (a FIFO, a device or a socket): no {what} is read from it"
        )


def ensure_writable(path: Path) -> None:
    """Refuse to replace a ledger its owner made read-only (a rename would ignore the mode)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return  # read_json gives the right message for a missing or unreadable file
    if stat.S_ISREG(mode) and not mode & stat.S_IWUSR:
        raise StorageError(
            f"ledger {path} is read-only: nothing was changed; make it writable (chmod u+w) to record changes"
        )


def dump_json(data: Any) -> bytes:
    """The ledger file's bytes: compact JSON, ASCII only.

    ASCII keeps the file readable by plain tinydb under any platform encoding.
    orjson writes UTF-8; non-ASCII text is then escaped as ``\\uXXXX`` (the
    standard library's ``ensure_ascii`` form), which costs nothing for
    ASCII-only ledgers.
    """
    raw = orjson.dumps(data)
    return raw if raw.isascii() else raw.decode("utf-8").encode("ascii", _JSON_ESCAPE)


_JSON_ESCAPE = "claim-ledger-json-escape"


def _escape(error: UnicodeError) -> tuple[str, int]:
    """``\\uXXXX`` escapes (surrogate pairs beyond the BMP) for a run of non-ASCII characters,
    written by the standard library's C encoder in one call per run. The run goes on to the
    end of its JSON string, over the printable ASCII the encoder leaves as it is: one call per
    Cyrillic text instead of one per word (bench/: add at 100k claims)."""
    assert isinstance(error, UnicodeEncodeError)
    end = _KEPT_AS_IS.match(error.object, error.end).end()  # type: ignore[union-attr]
    return encode_basestring_ascii(error.object[error.start : end])[1:-1], end


# What encode_basestring_ascii writes unchanged, and orjson too: printable ASCII but '"' and '\\'
# (which orjson has already escaped), and any non-ASCII (escaped either way)
_KEPT_AS_IS = re.compile(r'[^"\\\x00-\x1f\x7f]*')


codecs.register_error(_JSON_ESCAPE, _escape)


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def remove_stale_temps(path: Path) -> None:
    """Delete temporary files a killed writer left beside ``path``. Call with the lock held.

    Only the lock holder writes temporary files, so any found now are a dead writer's
    (or, were the lock bypassed, a live writer's, which then fails saying so and writes
    nothing): never the ledger, never read by anyone.
    """
    for stale in path.parent.glob(f"{glob.escape(_temp_prefix(path))}*{_TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            stale.unlink()


_TEMP_SUFFIX = ".tmp"


def write_output(path: Path, payload: bytes, what: str = "export") -> None:
    """Write an export: a regular file (or none yet) is replaced atomically; a link is followed to
    what it names; anything else (``/dev/null``, a FIFO, a terminal) is written into as it is."""
    target = path.resolve() if path.is_symlink() else path
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = stat.S_IFREG
    except OSError as exc:
        raise StorageError(f"cannot write {what} {path}: {exc.strerror or exc}") from None
    if stat.S_ISREG(mode):
        atomic_write(target, payload, what)
        return
    try:
        with open(target, "wb") as handle:
            handle.write(payload)
    except OSError as exc:
        raise StorageError(f"cannot write {what} {path}: {exc.strerror or exc}") from None


# Every file this process has put in place: an interrupt after a write must not say "nothing
# was changed" (the user would run the command again, and add the claim twice).
SAVED: list[Path] = []


def atomic_write(
    path: Path, payload: bytes | Sequence[bytes], what: str = "ledger", *, derived: bool = False
) -> None:
    """Replace ``path`` with ``payload`` (bytes, or parts written one after another, never
    joined) so that readers and crashes see old or new, never half.

    A new file is readable by its owner only; an existing one keeps its mode. A ``derived``
    file (the cache) is not fsynced, since a reader rebuilds one a crash left empty, and is
    not counted among the files this command saved.
    """
    folder = path.parent
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o600
    except OSError as exc:
        raise StorageError(f"cannot write {what} {path}: {exc.strerror or exc}") from None
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=_TEMP_SUFFIX, dir=folder)
        with os.fdopen(fd, "wb") as handle:
            if isinstance(payload, bytes):
                handle.write(payload)
            else:
                handle.writelines(payload)
            handle.flush()
            if not derived:
                os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
        tmp_name = None
        if not derived:
            SAVED.append(path)
            _fsync_dir(folder)
    except FileNotFoundError:
        if folder.is_dir():
            raise StorageError(
                f"cannot write {what} {path}: its temporary file was removed by another program before "
                "it was put in place; nothing was changed"
            ) from None
        raise StorageError(f"cannot write {what} {path}: folder {folder} does not exist") from None
    except OSError as exc:
        raise StorageError(f"cannot write {what} {path}: {exc.strerror or exc}") from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not every platform can open a folder; the replace itself is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
