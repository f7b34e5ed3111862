"""Typer options and arguments that several commands share, declared once.

Each is an ``Annotated`` alias: a command names the alias, and every command
that takes a claim id, a date or a figure shows the same flag, metavar and help.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any

import typer

from . import complete

ClaimId = Annotated[
    int,
    typer.Argument(metavar="N", help="A claim id, as 'list' shows it.", autocompletion=complete.claim_ids),
]
ClaimA = Annotated[
    int,
    typer.Argument(metavar="A", help="The claim the link starts from.", autocompletion=complete.claim_ids),
]
ClaimB = Annotated[
    int, typer.Argument(metavar="B", help="The claim the link points to.", autocompletion=complete.claim_ids)
]
SourceIdArg = Annotated[
    str,
    typer.Argument(
        metavar="ID",
        help="Short id used on the command line, e.g. ru-mod or kharkiv-rma.",
        autocompletion=complete.source_ids,
    ),
]

# The fields of a claim, as add sets them and edit changes them.
DateOpt = Annotated[str | None, typer.Option("--date", metavar="YYYY-MM-DD", help="When the source made it.")]
EventOpt = Annotated[
    str | None,
    typer.Option(
        "--event",
        "-e",
        metavar="EVENT",
        help="Slug of the incident, e.g. kharkiv-2023-12-31.",
        autocompletion=complete.events,
    ),
]
FigureOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--figure",
        "-f",
        metavar="K=V",
        help="A number it states: killed=3, killed>=45, killed=20..30 (repeatable).",
    ),
]
UrlOpt = Annotated[str | None, typer.Option("--url", metavar="URL", help="Where it was seen.")]
ArchiveOpt = Annotated[
    str | None, typer.Option("--archive-url", metavar="URL", help="An archived copy of the page.")
]
RetrievedOpt = Annotated[
    str | None,
    typer.Option("--retrieved-at", metavar="WHEN", help="When the page was retrieved (ISO 8601)."),
]
QuoteOpt = Annotated[
    str | None, typer.Option("--quote", metavar="TEXT", help="The source's words, verbatim.")
]
LocationOpt = Annotated[
    str | None, typer.Option("--location", metavar="PLACE", help="Where it happened, in words.")
]
TagOpt = Annotated[
    list[str] | None, typer.Option("--tag", "-t", metavar="TAG", help="A label of your own (repeatable).")
]


def _source(help_: str) -> object:
    return typer.Option(
        "--source", "-s", metavar="ID", autocompletion=complete.source_ids, show_default=False, help=help_
    )


SourceOpt = Annotated[str | None, _source("Who made the claim. Asked for at a terminal if left out.")]
NewSourceOpt = Annotated[str | None, _source("Who really made the claim.")]


TextArg = Annotated[
    str | None,
    typer.Argument(
        metavar="TEXT",
        show_default=False,
        help="The assertion, as atomic as possible. Asked for at a terminal if left out.",
    ),
]


def claim_fields(values: Mapping[str, Any], *, figures: Any, tags: Any) -> dict[str, Any]:
    """What ``add`` and ``edit`` pass on of a claim's options, by the library's names."""
    plain = ("date", "event", "url", "archive_url", "retrieved_at", "quote", "location")
    return {**given(values, plain), "figures": figures, "tags": tags}


def given(values: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The options named ``names`` among a command's parameters (``locals()``), for the library
    function that takes them by the same names."""
    return {name: values[name] for name in names}


def _links_to(flag: str, help_: str) -> object:
    return typer.Option(flag, metavar="N", help=f"{help_} (repeatable).", autocompletion=complete.claim_ids)


RepeatsOpt = Annotated[list[int] | None, _links_to("--repeats", "It relays claim N (one voice, not two)")]
CorroboratesOpt = Annotated[
    list[int] | None, _links_to("--corroborates", "It supports claim N on its own account")
]
ContradictsOpt = Annotated[list[int] | None, _links_to("--contradicts", "It disputes claim N")]
UpdatesOpt = Annotated[
    list[int] | None, _links_to("--updates", "It is a newer statement of claim N by the same source")
]
ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force", help="Add it even if a recorded claim says nearly the same (see 'Near duplicates')."
    ),
]
