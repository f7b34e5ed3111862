"""``claim-ledger party add|list`` and ``claim-ledger metric set|list``: the sides sources speak
for, and how each metric counts."""

from __future__ import annotations

from typing import Annotated

import typer

from .context import console, done, echo_json, env
from .helpfmt import PlainHelpGroup

parties = typer.Typer(
    cls=PlainHelpGroup,
    help="The sides sources speak for: add and list parties and their other names.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
metrics = typer.Typer(
    cls=PlainHelpGroup,
    help="How each metric counts: cumulative (the default) or a level.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print them as a JSON array.")]


@parties.command("add")
def party_add(
    ctx: typer.Context,
    party_id: Annotated[str, typer.Argument(metavar="ID", help="The party's short id, e.g. UA or RU.")],
    alias: Annotated[
        list[str] | None,
        typer.Option(
            "--alias", metavar="NAME", help="Another name it is typed by, e.g. Ukraine (repeatable)."
        ),
    ] = None,
) -> None:
    """Register a party, or give a registered one more names.

    Sources name their party by its id or any alias, in any case: one side typed two
    ways is still one side, and never confirms itself.

    \b
    Example: claim-ledger party add UA --alias Ukraine --alias "Ukrainian government"
    """
    from .. import ops

    e = env(ctx)
    with e.writing() as store:
        party = ops.add_party(store, party_id, aliases=alias or (), now=e.now())
    also = f" (also: {', '.join(party.aliases)})" if party.aliases else ""
    done(f"Party {party.id}{also}.")


@parties.command("list")
def party_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List the parties, their other names, and how many sources speak for each.

    \b
    Example: claim-ledger party list
    """
    from .. import render
    from ..jsonio import dumps_pretty

    with env(ctx).reading() as store:
        registered = sorted(store.parties().values(), key=lambda p: p.id)
        speaking = [s.party for s in store.sources().values()]
    counts = {p.id: speaking.count(p.id) for p in registered}
    if as_json:
        echo_json(dumps_pretty([{**p.to_dict(), "sources": counts[p.id]} for p in registered]))
        return
    if not registered:
        done("No parties yet: register one with 'claim-ledger party add ID --alias NAME'.")
    console().print(render.parties_table(registered, counts))


@metrics.command("set")
def metric_set(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The metric, e.g. sheltered.")],
    level: Annotated[
        bool,
        typer.Option(
            "--level/--cumulative",
            help="A level may go down and is compared only at one moment (people in shelters now); "
            "a cumulative metric (a toll, losses to date) can only grow.",
        ),
    ] = True,
) -> None:
    """Declare how a metric counts: a level, or cumulative (every metric is, unless declared).

    \b
    Example: claim-ledger metric set sheltered --level
    """
    from .. import ops

    e = env(ctx)
    with e.writing() as store:
        metric = ops.set_metric(store, name, level=level, now=e.now())
    how = "a level: figures are compared only at one moment" if metric.level else "cumulative"
    done(f"Metric {metric.name} is {how}.")


@metrics.command("list")
def metric_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List the metrics the figures use, and how each counts.

    \b
    Example: claim-ledger metric list
    """
    from ..jsonio import dumps_pretty

    with env(ctx).reading() as store:
        declared = store.metrics()
        used = {f.metric for c in store.claims().values() for f in c.figures}
    names = sorted(used | set(declared))
    rows = [
        {"name": n, "level": n in declared and declared[n].level, "declared": n in declared} for n in names
    ]
    if as_json:
        echo_json(dumps_pretty(rows))
        return
    for row in rows:
        echo_json(f"{row['name']}\t{'level' if row['level'] else 'cumulative'}\n")
