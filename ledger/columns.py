"""The CSV and JSON Lines columns: one contract shared by ``export csv`` and ``import``.

A row is one claim. Export writes every column below; import reads the
*input* columns and ignores the *computed* ones (a verdict is recomputed from
the links, never taken from a file).
"""

from __future__ import annotations

# What a claim is made of, in the order export writes them.
CLAIM = (
    "text",
    "source",
    "date",
    "event",
    "figures",  # killed=3;injured>=28
    "tags",  # needs-geolocation;video
    "url",
    "archive_url",
    "retrieved_at",
    "quote",
    "location",
    "retracted_at",
    "retraction_note",
)
# How to create the claim's source when it is new (import --create-sources).
SOURCE = ("source_name", "source_kind", "source_party", "source_reliability")
# Links to other rows, by their `id` (or row number), or to ledger claims as #N.
RELATIONS = ("repeats", "corroborates", "contradicts", "updates")
# Written by export for a reader of the spreadsheet; skipped by import.
COMPUTED = ("status", "credibility", "grade", "reason")
FIGURE_PREFIX = "figure:"  # one computed column per metric, e.g. figure:killed

EXPORT = ("id", *CLAIM, *SOURCE, *RELATIONS, *COMPUTED)
INPUT = frozenset(("id", *CLAIM, *SOURCE, *RELATIONS))
REQUIRED = ("text", "source")

# Separators inside one cell. Figures only split on ';' because '2,600' is one number.
LIST_SEPARATOR = ";"

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_GUARD = "'"
_GUARDED = frozenset((*_FORMULA_START, _GUARD))  # each one character: a cell's first is looked up


def neutralise(cell: str) -> str:
    """Make a cell inert in a spreadsheet: prefix a quote when it could run as a formula.

    A cell that already starts with the quote gets one too, so :func:`restore`
    gives back exactly what was written.
    """
    return neutralise_row([cell])[0]


def neutralise_row(cells: list[str]) -> list[str]:
    """:func:`neutralise` of each cell of a row (2.8M cells in an export of 100k claims)."""
    guarded, guard = _GUARDED, _GUARD
    return [guard + cell if cell[:1] in guarded else cell for cell in cells]


def restore(cell: str) -> str:
    """Undo :func:`neutralise`: drop the guard quote in front of a formula start or a quote."""
    if cell[:1] == _GUARD and cell[1:2] in _GUARDED:
        return cell[1:]
    return cell


def is_computed(column: str) -> bool:
    return column in COMPUTED or column.startswith(FIGURE_PREFIX)
