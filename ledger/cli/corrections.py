"""Corrections: ``edit``, ``history``, ``delete``. Nothing is changed without a trace."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import UsageError
from .context import console, done, echo_json, env, stdin_is_tty
from .options import (
    ArchiveOpt,
    ClaimId,
    DateOpt,
    EventOpt,
    FigureOpt,
    LocationOpt,
    NewSourceOpt,
    QuoteOpt,
    RetrievedOpt,
    TagOpt,
    UrlOpt,
    claim_fields,
)


def register(app: typer.Typer) -> None:
    for command in (edit, history, delete):
        app.command()(command)


def edit(
    ctx: typer.Context,
    n: ClaimId,
    text: Annotated[str | None, typer.Option("--text", help="The claim's new wording.")] = None,
    source: NewSourceOpt = None,
    date: DateOpt = None,
    event: EventOpt = None,
    figure: FigureOpt = None,
    url: UrlOpt = None,
    archive_url: ArchiveOpt = None,
    retrieved_at: RetrievedOpt = None,
    quote: QuoteOpt = None,
    location: LocationOpt = None,
    tag: TagOpt = None,
    no_figures: Annotated[bool, typer.Option("--no-figures", help="Remove all its figures.")] = False,
    no_tags: Annotated[bool, typer.Option("--no-tags", help="Remove all its tags.")] = False,
) -> None:
    """Correct a claim: the options given replace those fields; --figure and --tag replace the
    whole list. An empty value ("") clears a field. The history keeps the old and the new values.

    \b
    Example: claim-ledger edit 5 --date 2023-12-30 --figure killed=25 --figure injured=108
    """
    from .. import ops

    if no_figures and figure:
        raise UsageError("--figure and --no-figures contradict each other: give one")
    if no_tags and tag:
        raise UsageError("--tag and --no-tags contradict each other: give one")
    e = env(ctx)
    with e.writing() as store:
        changed = ops.edit_claim(
            store,
            n,
            now=e.now(),
            text=text,
            source=source,
            **claim_fields(locals(), figures=[] if no_figures else figure, tags=[] if no_tags else tag),
        )
    done(f"Edited #{n}: {', '.join(changed)}. 'claim-ledger history {n}' shows the old values.")


def history(
    ctx: typer.Context,
    n: ClaimId,
    as_json: Annotated[bool, typer.Option("--json", help="Print the entries as a JSON array.")] = False,
) -> None:
    """Show everything that happened to a claim: added, linked, edited, retracted, with the
    old and new values.

    \b
    Example: claim-ledger history 5
    """
    from .. import ops, render
    from ..jsonio import dumps_pretty

    e = env(ctx)
    cached = e.cached()
    if cached is not None:
        entries = cached.history_of(n)
    else:
        with e.reading() as store:
            entries = ops.history_of(store, n)
        e.cache_later(store.path, store.claim_count())
    if as_json:
        echo_json(dumps_pretty([h.to_dict() for h in entries]))
    else:
        console().print(render.history_table(entries))


def delete(
    ctx: typer.Context,
    n: ClaimId,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a claim entered by mistake, and its links. To correct a claim, use edit; to record
    that its source withdrew it, use retract. The history keeps the deleted claim whole.

    \b
    Example: claim-ledger delete 12 --yes
    """
    from .. import ops
    from ..terminal import printable

    e = env(ctx)
    if not yes:
        if not stdin_is_tty():
            raise UsageError(f"deleting claim #{n} needs confirmation: pass --yes")
        with e.reading() as store:
            claim = store.claim(n)
            links = sum(1 for lk in store.links() if n in (lk.src, lk.dst))
        preview = printable(claim.text[:60], single_line=True)
        if not typer.confirm(f'Delete claim #{n} "{preview}" and its {links} link(s)?', default=False):
            done(f"Kept claim #{n}: nothing was deleted.")
            raise typer.Exit(1)
    with e.writing() as store:
        _, gone = ops.delete_claim(store, n, now=e.now())
    done(f"Deleted claim #{n} and {len(gone)} link(s); 'claim-ledger history {n}' keeps what it said.")
