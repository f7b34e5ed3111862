"""How the ledger says things: counts, lists that stop, cut text, and who spoke.

One helper for each way of saying a thing, shared by the reasons, the tables,
the reports and the messages, so that they cannot drift apart. Pure, and
imports nothing but the model's types.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Figure, Source

ELLIPSIS = "…"


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``1 claim``, ``3 claims``; ``many`` where the plural is not noun + s (``entries``)."""
    return f"{count} {noun if count == 1 else (many or noun + 's')}"


def and_more(named: Sequence[str], total: int, sep: str = ", ") -> str:
    """``#1, #2, #3 and 4 more``: the first items named, the rest counted."""
    more = total - len(named)
    return sep.join(named) + (f" and {more} more" if more > 0 else "")


def cut(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis where it is longer."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + ELLIPSIS


def as_typed(value: object) -> str:
    """A field's value as a person types it on the command line, for history and messages:
    ``killed=52, injured=3`` for a list, ``(none)`` for nothing, an enum by its value."""
    if value is None or value == "" or value == [] or value == ():
        return "(none)"
    if isinstance(value, list | tuple):
        return ", ".join(as_typed(v) for v in value)
    return str(getattr(value, "value", value))


def grouped(value: int | float) -> str:
    """A count as a reader reads it: ``5,977``; a fraction as it was typed."""
    if float(value).is_integer():
        return f"{int(value):,}"
    from .model import number  # (the model's errors speak through this module)

    return number(value)


def amount(figure: Figure) -> str:
    """A figure's value as a reader reads it: ``5,977``, ``at least 2,552``, ``20–30``."""
    return figure.said(grouped)


def spoken(identifier: str) -> str:
    """An identifier as a reader says it: ``defence_ministry`` -> ``defence ministry`` (which
    ``--kind`` also accepts), so that it wraps between words in a narrow column."""
    return identifier.replace("_", " ")


def side(source: Source, *, kind: bool = True) -> str:
    """What a source is and whom it speaks for: ``defence_ministry, RU``; ``unaligned`` alone
    without ``kind``."""
    return f"{source.kind.value}, {source.party_label}" if kind else source.party_label


def who(source_id: str, source: Source | None, *, kind: bool = True) -> str:
    """Who spoke, in a message or a table: ``ru-mod (defence_ministry, RU)``; the id alone when
    the ledger lacks the source."""
    return f"{source_id} ({side(source, kind=kind)})" if source else source_id


def voice(source_id: str, sources: Mapping[str, Source]) -> str:
    """Who spoke, in a reason: ``ru-mod, RU`` or ``press, unaligned``."""
    source = sources.get(source_id)
    return f"{source_id}, {source.party_label}" if source else source_id
