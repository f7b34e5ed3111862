"""``claim-ledger check``: lint the ledger."""

from __future__ import annotations

from typing import Annotated

import typer

from .context import console, echo_json, env


def register(app: typer.Typer) -> None:
    app.command()(check)


def check(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as a JSON array.")] = False,
) -> None:
    """Lint the ledger: dangling links, self-links, loops of repeats, circular corroboration,
    contradictions inside a story, updates across sources, relay errors in figures, and a
    history that was edited by hand (its entries are hash-chained).

    Prints nothing and exits 0 when the ledger is clean; lists each finding with the
    records involved and the remedy, and exits 1, when it is not.

    \b
    Example: claim-ledger check --json
    """
    from .. import analysis, render
    from ..export.listing import findings_json

    with env(ctx).reading() as store:
        found = analysis.findings(
            store.sources(),
            store.claims(),
            store.links(),
            store.history(),
            store.history_head(),
            store.levels(),
        )
    if as_json:
        if found:
            echo_json(findings_json(found))
    elif found:
        console().print(render.findings_table(found))
    if found:
        raise typer.Exit(1)
