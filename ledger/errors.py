"""Errors as values a user can act on.

Every failure that a user can cause is a :class:`LedgerError`: one line of text
that says what is wrong and, where it helps, what to do. The CLI prints it on
stderr and exits with ``exit_code``; nothing else in the package prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .words import plural

if TYPE_CHECKING:
    from .model import Link


class LedgerError(Exception):
    """Base class: a user-facing failure with an exit code."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInput(LedgerError):
    """A value the user gave is malformed (bad date, bad figure, empty text...)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a file being imported, and where: ``row 7: bad date '31/12'``.

    ``row`` is the number a person looks for (the spreadsheet's row, the line, the
    record's place in its list); 0 for a problem of the file as a whole.
    """

    where: str
    row: int
    message: str
    code: str = ""  # "conflict": a row that states a held claim otherwise

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class ImportRejected(InvalidInput):
    """An import with problems: every one of them, each naming its row; nothing was imported."""

    def __init__(self, what: str, problems: Sequence[Problem]) -> None:
        self.summary = f"{what} was not imported: {plural(len(problems), 'problem')}; nothing was changed"
        super().__init__(f"{self.summary}: {problems[0]}")
        self.problems = list(problems)


class NotFound(LedgerError):
    """A source or claim the user named does not exist."""


def missing_claim(claim_id: int) -> NotFound:
    return NotFound(f"no claim #{claim_id}: 'claim-ledger list' shows the ids")


class Unknown(NotFound):
    """A name (``what``: a source id, a party) the ledger does not have; ``known`` holds some it has."""

    what = "name"

    def __init__(self, name: str, known: Sequence[str]) -> None:
        super().__init__(f"unknown {self.what} {name!r} (known: {', '.join(known) or 'none yet'})")
        self.name = name
        self.known = tuple(known)


class UnknownSource(Unknown):
    what = "source"


class UnknownParty(Unknown):
    """A party label that no registered party has as its id or an alias."""

    what = "party"


class Conflict(LedgerError):
    """The change would contradict what the ledger already holds (duplicate link, cycle...)."""


class LinkRefused(Conflict):
    """A link that breaks a link rule (``rule``: check's code for it), between ``src`` and ``dst``.

    ``existing`` is the link already joining the two claims, where there is one.
    """

    def __init__(self, message: str, rule: str, src: int, dst: int, existing: Link | None = None) -> None:
        super().__init__(message)
        self.rule, self.src, self.dst, self.existing = rule, src, dst, existing


class NearDuplicate(Conflict):
    """The new claim says what a recorded one says; ``matches`` holds them (similar.Match),
    best first, and ``source`` is who would be saying it again."""

    def __init__(self, message: str, matches: Sequence[Any], source: str) -> None:
        super().__init__(message)
        self.matches = list(matches)
        self.source = source


class NoLedger(LedgerError):
    """There is no ledger file where one was expected."""


class LedgerExists(LedgerError):
    """``init`` would overwrite the existing ledger at ``path``."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"a ledger already exists at {path}: nothing was changed")
        self.path = path


class Corrupt(LedgerError):
    """The ledger file cannot be read as a claim-ledger ledger."""


class Locked(LedgerError):
    """Another writer holds the ledger at ``path`` for longer than ``timeout`` seconds."""

    def __init__(self, path: Path | str, timeout: float) -> None:
        super().__init__(
            f"ledger {path} is busy: another claim-ledger command has been writing it for {timeout:g}s; "
            "try again"
        )
        self.path, self.timeout = path, timeout


class StorageError(LedgerError):
    """The operating system refused to read or write the ledger."""


class UsageError(LedgerError):
    """The command line itself is wrong (missing argument, unknown option)."""

    exit_code = 2
