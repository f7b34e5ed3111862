"""Getting started: ``demo``, ``init`` and ``path``."""

from __future__ import annotations

import shlex
import sys
from typing import Annotated

import typer

from ..errors import UsageError
from .context import console, done, env


def register(app: typer.Typer) -> None:
    app.command()(demo)
    app.command()(init)
    app.command()(path)


ExampleOpt = Annotated[
    str | None,
    typer.Option(
        "--example",
        metavar="NAME",
        help="A real-world example instead of the seed article: ua-losses (the General Staff of "
        "Ukraine's claimed Russian tank losses against Oryx's visually confirmed count).",
    ),
]


EveryOpt = Annotated[
    str,
    typer.Option("--every", metavar="PERIOD", help="With --example: a row per month, quarter or year."),
]


def demo(ctx: typer.Context, example: ExampleOpt = None, every: EveryOpt = "month") -> None:
    """Show what claim-ledger does, on the bundled seed article: what lacks independent
    confirmation, and what is disputed. Nothing is written.

    \b
    Example: claim-ledger demo
    Example: claim-ledger demo --example ua-losses
    """
    from .. import ops, paths, render
    from ..report import disputed, lacking_confirmation
    from ..store import memory_store

    if example is not None:
        _demo_example(ctx, example.strip().casefold(), every.strip().casefold())
        return
    store = memory_store()
    ops.load_document(store, ops.read_document(paths.sample_file()), now=env(ctx).now())
    report = ops.report(store)
    claims = report.select()
    out = console()
    out.print(render.unconfirmed_table(report, lacking_confirmation(claims, report.assessments)))
    out.print(render.disputed_table(report, disputed(claims, report.assessments)))
    done(
        "This was the bundled sample (a throw-away copy). Keep your own with "
        "'claim-ledger init', or explore this one with 'claim-ledger init --sample'."
    )


def _demo_example(ctx: typer.Context, name: str, every: str) -> None:
    """A bundled real-world series, imported into a throw-away ledger: tanks over time."""
    from .. import analysis, ops, paths, render, wide
    from ..store import memory_store

    if name not in paths.EXAMPLES:
        raise UsageError(f"no example {name!r}: the examples are {', '.join(paths.EXAMPLES)}")
    store = memory_store()
    mappings = paths.example_mappings(name)
    for mapping in mappings:
        ops.import_batch(store, wide.batch(wide.read_mapping(mapping)), now=env(ctx).now())
    found = analysis.series_of(store.sources(), store.claims(), store.links(), "tank", every=every)
    console().print(render.series_view(found, console().width))
    done(
        f"This was {name}, in a throw-away ledger; data, sources, licences: sample_data/{name}/. "
        f"Keep it: claim-ledger import {', then '.join(m.name for m in mappings)}."
    )


def init(
    ctx: typer.Context,
    sample: Annotated[
        bool,
        typer.Option(
            "--sample",
            help="Load the bundled seed-article ledger into the new ledger.",
        ),
    ] = False,
) -> None:
    """Create a new, empty ledger (never overwrites one).

    \b
    Example: claim-ledger --db desk.json init
    """
    from .. import ops, paths

    e = env(ctx)
    with e.writing(create=True) as store:
        path = store.label
        if sample:
            n_sources, n_claims, n_links = ops.load_document(
                store, ops.read_document(paths.sample_file()), now=e.now()
            )
    if not sample:
        done(f"Created ledger {path}.")
        done("Next: claim-ledger source add ID --name NAME --kind KIND [--party PARTY]")
        return
    done(f"Created ledger {path} with the sample: {n_sources} sources, {n_claims} claims, {n_links} links.")
    db = f" --db {shlex.quote(e.db)}" if e.db else ""
    done(f"Next: see what lacks independent confirmation with 'claim-ledger{db} unconfirmed'.")


def path(ctx: typer.Context) -> None:
    """Print the ledger in use (on stdout), and why that one (on stderr).

    --db wins, then $CLAIM_LEDGER_DB, then the user data folder. Both accept ~
    and paths relative to the current folder, or a PostgreSQL URL
    (postgresql://user@host/db?ledger=NAME), printed with its password hidden.

    \b
    Example: claim-ledger path
    A backup: cp "$(claim-ledger path)" ~/backups/ledger-$(date +%F).json
    """
    from ..paths import ENV_VAR
    from ..store import ledger_exists

    where = env(ctx).location()
    sys.stdout.write(f"{where.shown}\n")
    why = {
        "--db": "chosen with --db",
        f"${ENV_VAR}": f"from ${ENV_VAR}",
        "default": f"the default, in your user data folder (--db or ${ENV_VAR} choose another)",
    }[where.why]
    state = "it exists" if ledger_exists(where) else "it does not exist yet: 'claim-ledger init' creates it"
    done(f"{why}; {state}.")
