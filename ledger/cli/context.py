"""What every command shares: the ledger path, the clock, the console, listing options."""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from . import complete

if TYPE_CHECKING:
    from pathlib import Path

    from ..analysis import Finding
    from ..cache import Cached
    from ..paths import LedgerPath
    from ..render import Output
    from ..report import Filters, Report
    from ..store import Store


@dataclass
class Env:
    db: str | None = None
    lock_timeout: float = 5.0

    def location(self) -> LedgerPath:
        from ..paths import resolve

        return resolve(self.db)

    @contextmanager
    def reading(self) -> Iterator[Store]:
        from ..store import open_location

        with open_location(self.location()) as store:
            yield store  # not kept: a report keeps what it needs, and the rest is freed before
            # the report is written (a --json listing of 100k claims: 80 MB less at its peak)

    def report(self) -> Report:
        """The verdict on every claim: from the derived cache when it holds this ledger as it is
        now (a file), else weighed from the ledger (ledger.cache)."""
        cached = self.cached()
        if cached is not None:
            return cached.report
        from .. import ops

        with self.reading() as store:
            report = keep(ops.report(store))
        self.cache_later(store.path, len(report.claims))
        return report

    def cached(self) -> Cached | None:
        """The derived cache of a file ledger, if it holds the ledger as it is now."""
        from .. import cache

        where = self.location()
        return None if where.path is None else keep(cache.load(where.path))

    def cached_findings(self) -> list[Finding] | None:
        """``check``'s findings (without --seal) as the derived cache keeps them for a file
        ledger as it is now, or None."""
        from .. import cache

        where = self.location()
        return None if where.path is None else cache.load_findings(where.path)

    @staticmethod
    def cache_later(path: Path | None, claims: int) -> None:
        """Have the cache of a ledger file of ``claims`` claims built in the background, if it is
        big enough to need one."""
        from .. import cache

        if path is not None and claims >= cache.WORTH_CACHING:
            cache.build_later(path)

    @contextmanager
    def writing(self, *, create: bool = False) -> Iterator[Store]:
        from ..store import open_location

        with open_location(
            self.location(), write=True, create=create, lock_timeout=self.lock_timeout
        ) as store:
            yield keep(store)
        if store.dirty and store.path is not None:  # have the cache weighed again now, not at the next read
            self.cache_later(store.path, store.claim_count())

    @staticmethod
    def now() -> str:
        return datetime.now(UTC).isoformat(timespec="seconds")

    @staticmethod
    def now_words() -> str:
        """The time for a reader: ``2026-11-25 17:04 UTC``."""
        return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


_KEPT: list[object] = []
_T = TypeVar("_T")


def keep(held: _T) -> _T:
    """``held``, kept alive until the process ends. A command's ledger and report are a million
    objects at 100k claims, and freeing them one by one when the command returns took a
    tenth of a second; the process then ends without freeing anything (cli._exit_now). Only
    the last few are kept, so that a process running many commands (the tests) frees the rest."""
    _KEPT[:] = [*_KEPT[-3:], held]
    return held


def env(ctx: typer.Context) -> Env:
    obj = ctx.find_object(Env)
    return obj if obj is not None else Env()


def console() -> Output:
    from ..render import Output

    return Output()


def local_today() -> date:
    """Today where the user is: the default date of a claim typed in."""
    return date.today()


def stdin_is_tty() -> bool:
    """Prompts only at a terminal (clig.dev); tests replace this to simulate one."""
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):  # closed or replaced stdin
        return False


def echo_json(text: str | bytes) -> None:
    """JSON to stdout; bytes (UTF-8) go straight to the stream's buffer, not decoded first."""
    buffer = getattr(sys.stdout, "buffer", None)
    if isinstance(text, str) or buffer is None:
        sys.stdout.write(text if isinstance(text, str) else text.decode("utf-8"))
        return
    sys.stdout.flush()
    buffer.write(text)


def stdout_is_tty() -> bool:
    return _is_tty(sys.stdout)


def as_lines(rows: int) -> bool:
    """Whether ``rows`` go out as lines, not a table: more than a screenful (render.STREAM_ABOVE)
    to a pipe or a file, which Rich would lay out whole before the first (minutes at 100k)."""
    from ..render import STREAM_ABOVE

    return rows > STREAM_ABOVE and not stdout_is_tty()


def stderr_is_tty() -> bool:
    """Whether progress may be drawn (ledger.cli.progress); tests replace this."""
    return _is_tty(sys.stderr)


def _is_tty(stream: object) -> bool:
    try:
        return stream.isatty()  # type: ignore[attr-defined]
    except (AttributeError, ValueError):  # closed or replaced
        return False


def echo_lines(lines: Iterable[str], batch: int = 2000, first: int = 100) -> None:
    """Lines to stdout as they come, a batch at a time, the ``first`` of them sent at once (a
    reader sees them before the rest are worked out: the verdicts of a cold listing after the
    first thousand are weighed all at once); a reader that stops early (``| head``) ends the
    output quietly, as it does for any command."""
    out: list[str] = []
    size = first
    try:
        for line in lines:
            out.append(line)
            if len(out) >= size:
                sys.stdout.write("\n".join(out) + "\n")
                out.clear()
                if size < batch:
                    sys.stdout.flush()
                    size = batch
        if out:
            sys.stdout.write("\n".join(out) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        with contextlib.suppress(OSError, ValueError):  # nothing more will be read: stop writing
            sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115


def done(message: str) -> None:
    """A confirmation for a person: on stderr, so stdout stays data."""
    from ..terminal import printable

    sys.stderr.write(printable(message, single_line=True) + "\n")


# --------------------------------------------------------------------------- listing options

# Rows a table shows unless --limit says otherwise: Rich lays out 100k rows for minutes.
DEFAULT_LIMIT = 100
FIGURES_LIMIT = 25  # a metric is several rows: one per origin's value

# name, flag, type, default, metavar, help
_LISTING_OPTIONS: list[tuple[str, str, Any, Any, str | None, str]] = [
    ("source", "--source", list[str] | None, None, "ID", "Only claims by this source (repeatable)."),
    (
        "kind",
        "--kind",
        list[str] | None,
        None,
        "KIND",
        "Only claims whose source is of this kind (repeatable).",
    ),
    (
        "party",
        "--party",
        list[str] | None,
        None,
        "PARTY",
        "Only claims whose source speaks for this party; 'none' for unaligned sources (repeatable).",
    ),
    ("event", "--event", list[str] | None, None, "EVENT", "Only claims about this event (repeatable)."),
    (
        "status",
        "--status",
        list[str] | None,
        None,
        "STATUS",
        "Only claims with this status: confirmed, unconfirmed, disputed, superseded, retracted (repeatable).",
    ),
    ("tag", "--tag", list[str] | None, None, "TAG", "Only claims with this tag (repeatable)."),
    ("since", "--since", str | None, None, "DATE", "Only claims dated on or after DATE (YYYY-MM-DD)."),
    ("until", "--until", str | None, None, "DATE", "Only claims dated on or before DATE (YYYY-MM-DD)."),
    ("search", "--search", str | None, None, "TEXT", "Only claims whose text contains TEXT (any case)."),
    ("as_json", "--json", bool, False, None, "Print a JSON array of {what} (shape in docs/formats.md)."),
]
# What a listing prints: not filters, handed to the command as they are.
_OUTPUT_OPTIONS: list[tuple[str, str, Any, Any, str | None, str]] = [
    (
        "limit",
        "--limit",
        int | None,
        None,
        "N",
        f"Show at most N rows (0: all). Default: {DEFAULT_LIMIT} in a table ({FIGURES_LIMIT} metrics "
        "for figures), all with --json.",
    ),
]
_OUTPUT_NAMES = ("as_json", "limit")
# What the shell offers for a filter's value (see cli/complete.py).
_COMPLETIONS = {
    "source": complete.source_ids,
    "kind": complete.kinds,
    "event": complete.events,
    "status": complete.statuses,
}
_FILTER_NAMES = [name for name, *_ in _LISTING_OPTIONS if name not in _OUTPUT_NAMES]


def listing(func: Callable[..., Any] | None = None, *, what: str = "claims") -> Any:
    """Give a listing command the shared filters and ``--json``; it receives ``filters``.

    One decorator so that ``list``, ``unconfirmed``, ``disputed``, ``figures``
    and ``export`` filter the same way with the same words. ``what`` the JSON
    holds, for its help: ``@listing(what="metrics, one object each")``.
    """
    if func is None:
        return functools.partial(_with_filters, with_json=True, what=what)
    return _with_filters(func, with_json=True, what=what)


def filtered(func: Callable[..., Any]) -> Callable[..., Any]:
    """The listing filters without ``--json`` (``export`` chooses its format itself)."""
    return _with_filters(func, with_json=False)


def _with_filters(func: Callable[..., Any], *, with_json: bool, what: str = "claims") -> Callable[..., Any]:
    signature = inspect.signature(func)
    own = [
        p.replace(annotation=_resolved(p.annotation, func))
        for p in signature.parameters.values()
        if p.name not in ("filters", *_OUTPUT_NAMES)
    ]
    extra = [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=default,
            annotation=Annotated[
                kind,
                typer.Option(
                    flag,
                    metavar=metavar,
                    help=help_.format(what=what),
                    autocompletion=_COMPLETIONS.get(name),
                ),
            ],
        )
        for name, flag, kind, default, metavar, help_ in _LISTING_OPTIONS + _OUTPUT_OPTIONS
        if with_json or name not in _OUTPUT_NAMES
    ]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        options = {n: kwargs.pop(n) for n in _FILTER_NAMES}
        return func(*args, filters=build_filters(**options), **kwargs)

    wrapper.__signature__ = signature.replace(parameters=own + extra)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in own + extra}
    return wrapper


def _resolved(annotation: Any, func: Callable[..., Any]) -> Any:
    """A postponed (string) annotation evaluated where the command was written.

    The wrapper lives here, so Typer would otherwise look the names up in this module.
    """
    return eval(annotation, func.__globals__) if isinstance(annotation, str) else annotation


def limited(
    items: list[Any], limit: int | None, as_json: bool, noun: str, default: int = DEFAULT_LIMIT
) -> list[Any]:
    """The first ``limit`` items (tables default to ``default``), saying on stderr what was left out."""
    if limit is not None and limit < 0:
        from ..errors import UsageError

        raise UsageError(f"--limit {limit}: give a number of rows, or 0 for all")
    cap = (None if as_json else default) if limit is None else (limit or None)
    if cap is None or len(items) <= cap:
        return items
    more = "--limit 0 shows all" + ("" if as_json else ", --json gives them all to a script")
    done(f"Showing the first {cap} of {len(items):,} {noun}: {more}.")
    return items[:cap]


def build_filters(
    *,
    source: list[str] | None,
    kind: list[str] | None,
    party: list[str] | None,
    event: list[str] | None,
    status: list[str] | None,
    tag: list[str] | None,
    since: str | None,
    until: str | None,
    search: str | None,
) -> Filters:
    from ..model import (
        parse_date,
        parse_event,
        parse_kind,
        parse_source_id,
        parse_status,
        parse_tags,
        party_key,
    )
    from ..report import Filters

    return Filters(
        sources=frozenset(parse_source_id(s) for s in source or ()),
        kinds=frozenset(parse_kind(k).value for k in kind or ()),
        parties=frozenset(key for p in party or () if (key := party_key(p.strip()))),
        events=frozenset(e for e in (parse_event(v) for v in event or ()) if e),
        statuses=frozenset(parse_status(s) for s in status or ()),
        tags=frozenset(parse_tags(tag or ())),
        since=parse_date(since, "--since date"),
        until=parse_date(until, "--until date"),
        search=search or None,
    )
