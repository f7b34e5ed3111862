"""``claim-ledger check``: lint the ledger."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ..words import plural
from .context import Env, as_lines, console, done, echo_json, echo_lines, env

if TYPE_CHECKING:
    from ..analysis import Finding


def register(app: typer.Typer) -> None:
    app.command()(check)
    app.command()(seal)


def check(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as a JSON array.")] = False,
    seal_: Annotated[
        str | None,
        typer.Option(
            "--seal",
            metavar="HASH",
            help="A hash 'claim-ledger seal' printed: prove nothing in the history before it changed.",
        ),
    ] = None,
) -> None:
    """Lint the ledger: dangling links, self-links, loops of repeats, circular corroboration,
    contradictions inside a story, updates across sources, figures that cannot hold, relay
    errors, and a history that was edited by hand (its entries are hash-chained).

    Prints nothing and exits 0 when the ledger is clean; lists each finding with the
    records involved and the remedy, and exits 1, when it is not.

    \b
    Example: claim-ledger check --json
    """
    from .. import render

    found = None if seal_ else env(ctx).cached_findings()  # a seal needs the history itself
    unread = 0
    if found is None:
        found, unread = _findings(env(ctx), seal_)
    if unread:
        done(
            f"Note: {plural(unread, 'history entry', 'history entries')} about confidential sources "
            "your role may not read were checked for their place in the chain, not for their content, "
            "and the history was not replayed; a member of the confidential level can check it all."
        )
    if as_json:
        if found:
            from ..export.listing import findings_json

            echo_json(findings_json(found))
    elif as_lines(len(found)):
        echo_lines(render.findings_lines(found))
    elif found:
        console().print(render.findings_table(found))
    if found:
        raise typer.Exit(1)


def _findings(ledger: Env, seal_: str | None) -> tuple[list[Finding], int]:
    """Every finding in the ledger, worked out from it, and how many history entries the
    reader's role withholds (checked for their place in the chain only)."""
    from .. import analysis, ops
    from .progress import progress

    with progress() as bar, ledger.reading() as store:
        bar.stage("Checking the ledger")
        found = ops.findings(store, seal_)
        unread = analysis.withheld_entries(store.history(), store.withheld)
    ledger.cache_later(store.path, store.claim_count())  # the findings are kept with the verdicts
    return found, unread


def seal(ctx: typer.Context) -> None:
    """Print the history's head hash, to keep somewhere else (a notebook, an e-mail to yourself).

    'claim-ledger check --seal HASH' later proves that nothing in the history up to that
    point was changed, removed or rewritten, even by someone who re-hashed the chain.

    \b
    Example: claim-ledger seal
    """
    with env(ctx).reading() as store:
        entry_id, head = store.history_head()
    if head is None:
        done("The history is empty: there is nothing to seal yet.")
        raise typer.Exit(1)
    echo_json(f"{head}\n")
    done(f"Seal of history entry {entry_id}: keep it elsewhere; 'claim-ledger check --seal HASH' proves")
    done("later that nothing in the history up to it changed.")
