"""``claim-ledger source add|edit|list|show``."""

from __future__ import annotations

from typing import Annotated

import typer

from ..words import as_typed
from . import complete
from .context import console, done, echo_json, env
from .helpfmt import PlainHelpGroup
from .options import SourceIdArg, given

app = typer.Typer(
    cls=PlainHelpGroup,
    help="Who speaks: add, edit, list and show sources.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


KIND_HELP = (
    "regional_administration, defence_ministry, government, military, press, "
    "news_agency, ngo, international_org, osint, eyewitness or other."
)
PartyOpt = Annotated[
    str | None,
    typer.Option("--party", help="The side it speaks for (RU, UA, any label); leave out if unaligned."),
]
ReliabilityOpt = Annotated[
    str | None,
    typer.Option(
        "--reliability",
        metavar="A-F",
        help="Admiralty source reliability, A (completely reliable) to F (cannot be judged).",
    ),
]
UrlOpt = Annotated[str | None, typer.Option("--url", help="Where the source publishes.")]
NotesOpt = Annotated[str | None, typer.Option("--notes", help="Anything worth knowing.")]
CONFIDENTIAL_HELP = (
    "Protect this source: exports call it by a pseudonym (source-1...) and leave out its name, URL and notes."
)


@app.command("add")
def add(
    ctx: typer.Context,
    source_id: SourceIdArg,
    name: Annotated[str, typer.Option("--name", help="Full name of the source.")],
    kind: Annotated[str, typer.Option("--kind", help=KIND_HELP, autocompletion=complete.kinds)],
    party: PartyOpt = None,
    reliability: ReliabilityOpt = None,
    url: UrlOpt = None,
    notes: NotesOpt = None,
    confidential: Annotated[bool, typer.Option("--confidential", help=CONFIDENTIAL_HELP)] = False,
) -> None:
    """Add a source.

    \b
    Example: claim-ledger source add ru-mod --name "Ministry of Defence of Russia"
    --kind defence_ministry --party RU
    """
    from .. import ops

    e = env(ctx)
    with e.writing() as store:
        fields = given(locals(), ops.SOURCE_EDITABLE)
        source = ops.add_source(store, source_id, confidential=confidential, now=e.now(), **fields)
    secret = f"; exports call it {source.pseudonym}" if source.pseudonym else ""
    done(f"Added source {source.id} ({source.kind.value}, {source.party_label}){secret}.")


@app.command("edit")
def edit(
    ctx: typer.Context,
    source_id: SourceIdArg,
    name: Annotated[str | None, typer.Option("--name", help="Full name of the source.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help=KIND_HELP, autocompletion=complete.kinds)] = None,
    party: Annotated[
        str | None, typer.Option("--party", help="The side it speaks for; '' makes it unaligned.")
    ] = None,
    reliability: ReliabilityOpt = None,
    url: Annotated[
        str | None, typer.Option("--url", help="Where the source publishes; '' clears it.")
    ] = None,
    notes: Annotated[
        str | None, typer.Option("--notes", help="Anything worth knowing; '' clears it.")
    ] = None,
    confidential: Annotated[
        bool | None,
        typer.Option(
            "--confidential/--not-confidential",
            show_default=False,
            help="Protect it (exports use a pseudonym; a source that had one gets it back), or stop.",
        ),
    ] = None,
) -> None:
    """Change a source's details; the history keeps the old ones.

    A new party changes which claims confirm each other: every status is worked
    out again from the links.

    \b
    Example: claim-ledger source edit tass --reliability C --party RU
    """
    from .. import ops

    e = env(ctx)
    with e.writing() as store:
        fields = given(locals(), ops.SOURCE_EDITABLE)
        changed = ops.edit_source(store, source_id, confidential=confidential, now=e.now(), **fields)
    sid = source_id.strip()
    for field, (old, new) in changed.items():
        if field != "pseudonym":
            done(f"Changed {sid} {field}: {as_typed(old)} -> {as_typed(new)}.")
        elif new:
            done(f"{sid} is confidential: exports call it {new}.")
        else:
            done(f"{sid} is no longer confidential: exports name it again (it was {old}).")
    if "party" in changed:  # two sources of one party do not confirm each other
        done("Statuses follow the new party: 'claim-ledger unconfirmed' shows where that leaves the claims.")


@app.command("list")
def list_(
    ctx: typer.Context,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON array of sources (shape in docs/formats.md).")
    ] = False,
) -> None:
    """List sources with their number of claims, by status.

    \b
    Example: claim-ledger source list
    """
    from .. import render

    report = env(ctx).report()  # from the derived cache when it is fresh
    sources = sorted(report.sources.values(), key=lambda s: s.id)
    if not sources:
        done("No sources yet: add one with 'claim-ledger source add ID --name NAME --kind KIND'.")
    counts = report.statuses_by_source()
    if as_json:
        from ..export.listing import sources_json

        echo_json(sources_json(sources, counts))
    else:
        console().print(render.sources_table(sources, counts))


@app.command("show")
def show(
    ctx: typer.Context,
    source_id: Annotated[
        str, typer.Argument(metavar="ID", help="The source's id.", autocompletion=complete.source_ids)
    ],
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print the source, its claims and its history as JSON."),
    ] = False,
) -> None:
    """Show a source, its claims with their status, and the changes made to it.

    \b
    Example: claim-ledger source show ru-mod
    """
    from .. import ops, render
    from ..model import parse_source_id, source_in
    from ..report import Filters

    e, wanted = env(ctx), parse_source_id(source_id)
    cached = e.cached()  # the derived cache, when it holds the ledger as it is now
    if cached is not None:
        report = cached.report
        source = source_in(report.sources, wanted)
        history = cached.history_of_source(source.id)
    else:
        with e.reading() as store:
            source = store.source(wanted)
            report = ops.report(store)
            history = [h for h in store.history() if h.source == source.id]
        e.cache_later(store.path, len(report.claims))
    claims = [report.claims[n] for n in report.select_ids(Filters(sources=frozenset({source.id})))]
    if as_json:
        from ..export.listing import source_json

        echo_json(source_json(source, report, claims, history))
    else:
        console().print(render.source_view(source, report, claims, history))
