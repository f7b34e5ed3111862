"""What to type next: the command-line words added to a library error.

The library's errors carry facts (which source is unknown, which link is in the
way, how long the lock was waited for); they name no flag, because a script
calling :mod:`ledger.ops` has none to pass. This module turns those facts into
the flag or command a person at the terminal would use.
"""

from __future__ import annotations

import shlex

from ..errors import (
    ImportRejected,
    LedgerError,
    LedgerExists,
    LinkRefused,
    Locked,
    NearDuplicate,
    UnknownParty,
    UnknownSource,
)

# How many problems a rejected import lists before it only counts the rest.
PROBLEMS_SHOWN = 100


def message(exc: LedgerError) -> list[str]:
    """The error as the command line says it: the library's words, then what to type; a
    rejected import lists its problems below that, a line each."""
    if isinstance(exc, ImportRejected):
        return _rejected(exc)
    return [f"{exc}{remedy(exc)}"]


def remedy(exc: LedgerError) -> str:
    if isinstance(exc, Locked):
        return ", or wait longer with --lock-timeout"
    if isinstance(exc, LedgerExists):
        name = "sample.json" if exc.path.name != "sample.json" else "sample-2.json"
        beside = shlex.quote(str(exc.path.with_name(name)))
        return (
            "; pass another --db to start a new one, e.g. to explore the sample beside it: "
            f"claim-ledger --db {beside} init --sample"
        )
    if isinstance(exc, UnknownParty):
        label = shlex.quote(exc.name)
        return (
            f"; register it with 'claim-ledger party add {label}', or as another name of a known "
            f"party: 'claim-ledger party add ID --alias {label}'"
        )
    if isinstance(exc, UnknownSource):
        return f"; add it with 'claim-ledger source add {exc.name} --name ... --kind ...'"
    if isinstance(exc, NearDuplicate):
        return _near_duplicate(exc)
    if isinstance(exc, LinkRefused) and exc.existing is not None:
        unlink = f"claim-ledger unlink {exc.existing.src} {exc.existing.dst}"
        if exc.rule == "duplicate-link":
            return f" (run '{unlink}' first to change it)"
        return f"; to give it another source, unlink them first ('{unlink}')"
    return ""


def _near_duplicate(exc: NearDuplicate) -> str:
    first = exc.matches[0].claim
    how = f"--repeats {first.id} (a relay) or " + (
        f"--updates {first.id} (a newer statement of it)"
        if first.source == exc.source
        else f"--corroborates {first.id} (its own account)"
    )
    return f"; say how they relate with {how}, or add it anyway with --force"


def _rejected(exc: ImportRejected) -> list[str]:
    """The summary, then every problem on a line of its own (the first hundred)."""
    problems = exc.problems
    lines = [exc.summary, *(f"  {p}" for p in problems[:PROBLEMS_SHOWN])]
    if len(problems) > PROBLEMS_SHOWN:
        lines.append(f"  ... and {len(problems) - PROBLEMS_SHOWN} more")
    if any(p.code == "broken-history" for p in problems):
        lines.append("  to import it anyway, its history chained again (and saying so): --rechain-history")
    if any(p.code == "conflict" for p in problems):
        lines.append(
            "  to import them anyway: --conflicts skip (keep the ledger's) or --conflicts add (as new claims)"
        )
    return lines
