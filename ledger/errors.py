"""Errors as values a user can act on.

Every failure that a user can cause is a :class:`LedgerError`: one line of text
that says what is wrong and, where it helps, what to do. The CLI prints it on
stderr and exits with ``exit_code``; nothing else in the package prints.
"""

from __future__ import annotations


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


class ImportRejected(InvalidInput):
    """An import with problems: every one of them, each naming its row; nothing was imported."""

    def __init__(self, what: str, problems: list[str]) -> None:
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        self.summary = f"{what} was not imported: {count}; nothing was changed"
        super().__init__(f"{self.summary}: {problems[0]}")
        self.problems = problems


class NotFound(LedgerError):
    """A source or claim the user named does not exist."""


class Conflict(LedgerError):
    """The change would contradict what the ledger already holds (duplicate link, cycle...)."""


class NearDuplicate(Conflict):
    """The new claim says what a recorded one says; ``matches`` holds them (similar.Match)."""

    def __init__(self, message: str, matches: list) -> None:  # type: ignore[type-arg]
        super().__init__(message)
        self.matches = matches


class NoLedger(LedgerError):
    """There is no ledger file where one was expected."""


class LedgerExists(LedgerError):
    """``init`` would overwrite an existing ledger."""


class Corrupt(LedgerError):
    """The ledger file cannot be read as a claim-ledger ledger."""


class Locked(LedgerError):
    """Another writer holds the ledger for longer than we may wait."""


class StorageError(LedgerError):
    """The operating system refused to read or write the ledger."""


class UsageError(LedgerError):
    """The command line itself is wrong (missing argument, unknown option)."""

    exit_code = 2
