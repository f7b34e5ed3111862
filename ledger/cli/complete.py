"""Shell completion (bash, zsh, fish, through Typer): values from the ledger in use.

Each function gets what is typed so far and returns ``(value, help)`` pairs:
claim ids with their text, source ids with their name, the ledger's events,
and the fixed words (relations, kinds, statuses). The ledger is the one the
command line names (``--db``, else ``$CLAIM_LEDGER_DB``, else the default).
A completion never fails loudly: with no ledger, or a damaged one, it offers
nothing, and the shell carries on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from ..store import Store

CLAIMS_OFFERED = 50  # newest first: a shell lists them all, and 100k helps nobody
HELP_WIDTH = 60

Items = list[tuple[str, str]]


def _ledger(ctx: typer.Context | None) -> Store | None:
    from ..errors import LedgerError
    from ..paths import resolve
    from ..store import open_location

    try:
        with open_location(resolve(_db(ctx))) as store:
            store.sources()  # the rest is in memory already: a file is read whole when opened
            return store
    except (LedgerError, OSError):
        return None


def _help(text: str) -> str:
    from ..terminal import printable

    line = printable(" ".join(text.split()), single_line=True)
    return line if len(line) <= HELP_WIDTH else line[: HELP_WIDTH - 1] + "…"


def _quiet(find: Callable[..., Items]) -> Callable[..., Items]:
    """A completion that fails offers nothing rather than a traceback in the user's shell."""

    def complete(ctx: typer.Context, incomplete: str) -> Items:
        try:
            return find(ctx, incomplete)
        except Exception:
            return []

    complete.__name__ = find.__name__
    complete.__doc__ = find.__doc__
    return complete


@_quiet
def claim_ids(ctx: typer.Context, incomplete: str) -> Items:
    """Claim ids starting with what is typed (``#`` optional), newest first, each with its text:
    from the derived cache's index of claims when it holds the ledger as it is (a Tab at 100k
    claims reads a few MB instead of the ledger), else from the ledger."""
    typed = incomplete.removeprefix("#")
    shown = _cached(ctx, typed)
    if shown is None:
        store = _ledger(ctx)
        if store is None:
            return []
        found = (n for n in store.claim_ids() if str(n).startswith(typed))  # the 50 built, not 100k
        claims = [store.claim(n) for _, n in zip(range(CLAIMS_OFFERED), found, strict=False)]
        shown = [(c.id, c.text, c.source) for c in claims]
    return [(str(n), _help(f"{text} ({source})")) for n, text, source in shown]


def _cached(ctx: typer.Context | None, typed: str) -> list[tuple[int, str, str]] | None:
    from .. import cachefile
    from .context import Env

    where = Env(db=_db(ctx)).location()
    return None if where.path is None else cachefile.offered(where.path, typed, CLAIMS_OFFERED)


def _db(ctx: typer.Context | None) -> str | None:
    """``--db`` as given on the line being completed, if it was."""
    return ctx.find_root().params.get("db") if ctx is not None else None


@_quiet
def source_ids(ctx: typer.Context, incomplete: str) -> Items:
    """Source ids starting with what is typed (any case), each with its name."""
    store = _ledger(ctx)
    if store is None:
        return []
    typed = incomplete.casefold()
    return [
        (s.id, _help(s.name))
        for s in sorted(store.sources().values(), key=lambda s: s.id)
        if s.id.startswith(typed)
    ]


@_quiet
def events(ctx: typer.Context, incomplete: str) -> Items:
    """The ledger's events starting with what is typed, each with its number of claims."""
    store = _ledger(ctx)
    if store is None:
        return []
    counts: dict[str, int] = {}
    for claim in store.claims().values():
        if claim.event:
            counts[claim.event] = counts.get(claim.event, 0) + 1
    typed = incomplete.casefold()
    return [
        (e, f"{n} claim{'s' if n != 1 else ''}") for e, n in sorted(counts.items()) if e.startswith(typed)
    ]


def _words(values: Callable[[], Iterable[tuple[str, str]]]) -> Callable[..., Items]:
    """Completion from a fixed list of words, built only when a shell asks."""

    def complete(incomplete: str) -> Items:
        typed = incomplete.casefold()
        return [(value, help_) for value, help_ in values() if value.startswith(typed)]

    return complete


def _relations() -> Iterable[tuple[str, str]]:
    return [
        ("corroborates", "supports it on its own account"),
        ("contradicts", "disputes it"),
        ("repeats", "relays it: one voice, not two"),
        ("updates", "a newer statement by the same source"),
    ]


def _kinds() -> Iterable[tuple[str, str]]:
    from ..model import Kind

    return [(k.value, "kind of source") for k in Kind]


def _statuses() -> Iterable[tuple[str, str]]:
    from ..model import Status

    return [(s.value, "status") for s in Status]


relations = _words(_relations)
kinds = _words(_kinds)
statuses = _words(_statuses)
