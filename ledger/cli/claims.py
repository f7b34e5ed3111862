"""Claims: ``add``, ``link``, ``unlink``, ``retract``, ``list``, ``show``, ``unconfirmed``, ``disputed``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import NearDuplicate, UsageError
from . import complete
from .context import (
    Env,
    as_lines,
    console,
    done,
    echo_json,
    echo_lines,
    env,
    limited,
    listing,
    local_today,
    stdin_is_tty,
)
from .options import (
    ArchiveOpt,
    ClaimA,
    ClaimB,
    ClaimId,
    ContradictsOpt,
    CorroboratesOpt,
    DateOpt,
    EventOpt,
    FigureOpt,
    ForceOpt,
    LocationOpt,
    QuoteOpt,
    RepeatsOpt,
    RetrievedOpt,
    SourceOpt,
    TagOpt,
    TextArg,
    UpdatesOpt,
    UrlOpt,
    claim_fields,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import RenderableType

    from ..model import Claim, Relation, Status
    from ..ops import Added
    from ..report import Filters, Report
    from .entry import Entry


def register(app: typer.Typer) -> None:
    for command in (add, link, unlink, retract):
        app.command()(command)
    app.command("list")(list_)
    for command in (show, unconfirmed, disputed):
        app.command()(command)


def add(
    ctx: typer.Context,
    text: TextArg = None,
    source: SourceOpt = None,
    date: DateOpt = None,
    event: EventOpt = None,
    figure: FigureOpt = None,
    url: UrlOpt = None,
    archive_url: ArchiveOpt = None,
    retrieved_at: RetrievedOpt = None,
    quote: QuoteOpt = None,
    location: LocationOpt = None,
    tag: TagOpt = None,
    repeats: RepeatsOpt = None,
    corroborates: CorroboratesOpt = None,
    contradicts: ContradictsOpt = None,
    updates: UpdatesOpt = None,
    force: ForceOpt = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the new claim as JSON (as 'show --json') instead of its id.")
    ] = False,
) -> None:
    """Record a claim: one assertion by one source. Prints its id on standard output.

    \b
    Example: claim-ledger add "Two HIMARS launchers were destroyed" --source ru-mod
    --date 2023-12-30 --event kharkiv-2023-12-30 --figure himars_destroyed=2
    """
    e = env(ctx)
    fields = claim_fields(locals(), figures=figure or (), tags=tag or ())
    links = _links_given(repeats, corroborates, contradicts, updates)
    from .entry import Entry, Left, session  # here: start-up of other commands stays lean (bench/)

    try:
        if text is None and stdin_is_tty():  # the questions, as hledger add asks them
            entry = session(e, {**fields, "source": source, "links": links, "force": force}, local_today())
        else:
            new_source = None
            if text is None or source is None:
                text, source, new_source = _ask_source(e, text)
            entry = Entry(text, source, fields, links, checked=force, new_source=new_source)
        added, record = _add(e, entry, as_json)
    except Left:
        done("Not saved: the ledger is as it was.")
        return
    echo_json(record if as_json else f"{added.claim.id}\n")  # stdout: for a script to capture
    if entry.new_source is not None:
        done(f"Added source {entry.source}.")
    done(f"Added claim #{added.claim.id} ({added.claim.source}).")
    for lk in added.links:
        done(f"Linked: #{lk.src} {lk.relation.value} #{lk.dst}.")
    done(f"See it with: claim-ledger show {added.claim.id}")


def _links_given(*given: list[int] | None) -> list[tuple[Relation, int]]:
    """--repeats, --corroborates, --contradicts and --updates, in that order, as (relation, N)."""
    from ..model import Relation

    order = (Relation.repeats, Relation.corroborates, Relation.contradicts, Relation.updates)
    return [(relation, n) for relation, ids in zip(order, given, strict=True) for n in ids or ()]


def _add(e: Env, entry: Entry, as_json: bool) -> tuple[Added, str]:
    """Store the claim; at a terminal, a near duplicate is shown and the user says how they relate.

    With ``as_json``, also the new claim as ``show --json`` prints it, from the ledger as written.
    """
    from .. import ops
    from .entry import resolve_duplicates

    while True:
        try:
            with e.writing() as store:
                if entry.new_source is not None:
                    ops.add_source(store, entry.source, now=e.now(), **entry.new_source)
                added = ops.add_claim(
                    store, entry.text, source=entry.source, now=e.now(), **entry.arguments()
                )
                record = _record(ops.report(store), added.claim) if as_json else ""
            return added, record
        except NearDuplicate as dup:
            if not stdin_is_tty():
                raise
            entry.links.extend(resolve_duplicates(dup.matches, entry.source))
            entry.checked = True


def _record(report: Report, claim: Claim) -> str:
    """The claim as ``show --json`` prints it (the exports load only for --json)."""
    from ..export.listing import claim_record
    from ..jsonio import dumps_pretty

    return dumps_pretty(claim_record(report, claim))


def _ask_source(e: Env, text: str | None) -> tuple[str, str, dict[str, Any] | None]:
    """TEXT given, --source left out: ask for it at a terminal; elsewhere say what to pass."""
    if text is None or not stdin_is_tty():
        missing = "TEXT" if text is None else "--source ID"
        raise UsageError(
            f'missing {missing}: claim-ledger add "what was asserted" --source ID '
            "(it is asked for only at a terminal)"
        )
    from .entry import ask_source

    with e.reading() as store:
        sources, parties = store.sources(), store.parties()
    return (text, *ask_source(sources, None, parties))


def link(
    ctx: typer.Context,
    a: ClaimA,
    relation: Annotated[
        str,
        typer.Argument(
            metavar="RELATION",
            help="corroborates, contradicts, repeats or updates.",
            autocompletion=complete.relations,
        ),
    ],
    b: ClaimB,
    note: Annotated[str | None, typer.Option("--note", help="Why you drew the link.")] = None,
) -> None:
    """Link two claims: A corroborates|contradicts|repeats|updates B.

    \b
    Example: claim-ledger link 7 repeats 6
    """
    from .. import ops
    from ..analysis.links import superseding
    from ..model import Relation

    e = env(ctx)
    with e.writing() as store:
        made = ops.link(store, a, relation, b, note=note, now=e.now())
        later = superseding(made.dst, store.links(), store.find_claim)
    done(f"Linked: #{made.src} {made.relation.value} #{made.dst}.")
    if later is not None:
        carried = (
            "the corroboration carries to it" if made.relation is Relation.corroborates else "it is current"
        )
        done(f"Note: #{made.dst} is superseded by #{later}, a newer statement of its source; {carried}.")


def unlink(ctx: typer.Context, a: ClaimA, b: ClaimB) -> None:
    """Remove the link between two claims (whichever way it points); history keeps it.

    \b
    Example: claim-ledger unlink 7 6
    """
    from .. import ops

    e = env(ctx)
    with e.writing() as store:
        gone = ops.unlink(store, a, b, now=e.now())
    done(f"Removed link: #{gone.src} {gone.relation.value} #{gone.dst}.")


def retract(
    ctx: typer.Context,
    n: ClaimId,
    note: Annotated[
        str,
        typer.Option(
            "--note", help="Who withdrew it and where, e.g. 'withdrawn by the ministry on Telegram'."
        ),
    ],
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="When the source withdrew it (a time may follow: T09:30). Default: now.",
        ),
    ] = None,
) -> None:
    """Mark a claim as withdrawn by its source. It stays in the ledger, marked retracted.

    \b
    Example: claim-ledger retract 4 --date 2024-01-02 --note "ministry withdrew the figure"
    """
    from .. import ops

    e = env(ctx)
    with e.writing() as store:
        ops.retract(store, n, note=note, now=e.now(), date=date)
    done(f"Retracted #{n}: it stays in the ledger, marked retracted, and confirms or disputes nothing.")


@listing
def list_(ctx: typer.Context, filters: Filters, as_json: bool = False, limit: int | None = None) -> None:
    """List claims with their source, status and grade.

    \b
    Example: claim-ledger list --event kharkiv-2023-12-31 --status unconfirmed
    """
    from .. import render

    _listing(ctx, filters, as_json, limit, render.claims_table)


def show(
    ctx: typer.Context,
    n: ClaimId,
    as_json: Annotated[bool, typer.Option("--json", help="Print the claim as JSON.")] = False,
) -> None:
    """Show a claim: its status and the reason, its links as a tree, its history.

    \b
    Example: claim-ledger show 7
    """
    from .. import ops, render

    e = env(ctx)
    cached = e.cached()
    if cached is not None:
        report, claim, history = cached.report, cached.claim(n), cached.history_of(n)
    else:
        with e.reading() as store:
            claim = store.claim(n)
            report = ops.report(store)
            history = ops.history_of(store, n)
        e.cache_later(store.path, len(report.claims))
    if as_json:
        _print_json(report, [claim.id])
    else:
        console().print(render.claim_view(report, claim, history))


@listing
def unconfirmed(
    ctx: typer.Context, filters: Filters, as_json: bool = False, limit: int | None = None
) -> None:
    """Statements lacking independent confirmation (unconfirmed or disputed), with the reason.

    \b
    Example: claim-ledger unconfirmed --party RU
    """
    from .. import render
    from ..model import LACKING_CONFIRMATION

    _listing(ctx, filters, as_json, limit, render.unconfirmed_table, LACKING_CONFIRMATION, "unconfirmed")


@listing
def disputed(ctx: typer.Context, filters: Filters, as_json: bool = False, limit: int | None = None) -> None:
    """Each disputed claim beside what contradicts it.

    \b
    Example: claim-ledger disputed --event kharkiv-2023-12-31
    """
    from .. import render
    from ..report import DISPUTED

    _listing(ctx, filters, as_json, limit, render.disputed_table, DISPUTED, "disputed")


def _listing(
    ctx: typer.Context,
    filters: Filters,
    as_json: bool,
    limit: int | None,
    table: Callable[[Report, list[Claim]], RenderableType],
    among: frozenset[Status] | None = None,
    kind: str = "claims",
) -> None:
    """Read the report once (from the derived cache when it is fresh), select the claims with a
    status ``among`` these, build only those the limit keeps (none for JSON the cache keeps
    written), then render by output format: a table, JSON, or, for more than a screenful to a
    pipe or file, lines (render.listing_lines)."""
    from .. import render

    report = env(ctx).report()
    if not report.claims:
        done("No claims yet: record one with 'claim-ledger add \"what was asserted\" --source ID'.")
    ids = limited(report.select_ids(filters, among), limit, as_json, "claims")
    if as_json:
        _print_json(report, ids)
        return
    claims = [report.claims[n] for n in ids]
    if as_lines(len(claims)):
        echo_lines(render.listing_lines(kind, report, claims))
    else:
        console().print(table(report, claims))


def _print_json(report: Report, ids: list[int]) -> None:
    from ..export.listing import claims_json_parts

    for part in claims_json_parts(report, ids):
        echo_json(part)
