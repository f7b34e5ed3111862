"""``claim-ledger source add|list|show``."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

import typer

from .context import console, done, env

app = typer.Typer(
    help="Who speaks: add, list and show sources.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command("add")
def add(
    ctx: typer.Context,
    source_id: Annotated[
        str,
        typer.Argument(metavar="ID", help="Short id used on the command line, e.g. ru-mod or kharkiv-rma."),
    ],
    name: Annotated[str, typer.Option("--name", help="Full name of the source.")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="regional_administration, defence_ministry, government, military, press, "
            "news_agency, ngo, international_org, osint, eyewitness or other.",
        ),
    ],
    party: Annotated[
        str | None,
        typer.Option("--party", help="The side it speaks for (RU, UA, any label); leave out if unaligned."),
    ] = None,
    reliability: Annotated[
        str | None,
        typer.Option(
            "--reliability",
            metavar="A-F",
            help="Admiralty source reliability, A (completely reliable) to F (cannot be judged).",
        ),
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="Where the source publishes.")] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="Anything worth knowing.")] = None,
    confidential: Annotated[
        bool,
        typer.Option(
            "--confidential",
            help="Protect this source: exports call it by a pseudonym (source-1...) and leave out its "
            "name, URL and notes.",
        ),
    ] = False,
) -> None:
    """Add a source.

    \b
    Example: claim-ledger source add ru-mod --name "Ministry of Defence of Russia"
    --kind defence_ministry --party RU
    """
    from .. import ops

    e = env(ctx)
    with e.writing() as store:
        source = ops.add_source(
            store,
            source_id,
            name=name,
            kind=kind,
            party=party,
            reliability=reliability,
            url=url,
            notes=notes,
            confidential=confidential,
            now=e.now(),
        )
    secret = f"; exports call it {source.pseudonym}" if source.pseudonym else ""
    done(f"Added source {source.id} ({source.kind.value}, {source.party_label}){secret}.")


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """List sources with their number of claims.

    \b
    Example: claim-ledger source list
    """
    from .. import render

    with env(ctx).reading() as store:
        sources = sorted(store.sources().values(), key=lambda s: s.id)
        counts = Counter(c.source for c in store.claims().values())
    if not sources:
        done("No sources yet: add one with 'claim-ledger source add ID --name NAME --kind KIND'.")
    console().print(render.sources_table(sources, dict(counts)))


@app.command("show")
def show(
    ctx: typer.Context,
    source_id: Annotated[str, typer.Argument(metavar="ID", help="The source's id.")],
) -> None:
    """Show a source and its claims with their status.

    \b
    Example: claim-ledger source show ru-mod
    """
    from .. import ops, render
    from ..model import parse_source_id

    with env(ctx).reading() as store:
        source = store.source(parse_source_id(source_id))
        report = ops.report(store)
    claims = [c for c in report.select() if c.source == source.id]
    console().print(render.source_view(source, report, claims))
