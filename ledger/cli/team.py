"""``claim-ledger team grant|revoke|list``: who may read or write a ledger in PostgreSQL.

The database decides: each level is a group role on the server with the privileges
of its level on the ledger's schema, and ``grant`` makes a login a member of one.
A reader's write is refused by the server itself, whatever program it comes from.
"""

from __future__ import annotations

from typing import Annotated

import typer

from .context import console, done, echo_json, env
from .helpfmt import PlainHelpGroup

app = typer.Typer(
    cls=PlainHelpGroup,
    help="Who may read or write a ledger in PostgreSQL: grant, revoke and list roles.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
RoleArg = Annotated[str, typer.Argument(metavar="ROLE", help="A login on the PostgreSQL server, e.g. alice.")]


@app.command("grant")
def grant(
    ctx: typer.Context,
    role: RoleArg,
    level: Annotated[
        str,
        typer.Argument(
            metavar="LEVEL",
            help="reader (read all but confidential sources' details), editor (also write), admin (also "
            "grant both), or confidential (besides any of those: read confidential sources in full).",
        ),
    ],
) -> None:
    """Give a server login one level on the ledger (and no other), or the confidential level.

    The ledger's group roles are made on the first grant, which needs a role that may
    create roles; an admin of the ledger may then grant reader and editor. Only the
    ledger's owner may grant confidential: without it, the name, URL and notes of a
    confidential source, its claims' provenance and its history stay on the server.

    \b
    Example: claim-ledger team grant alice editor
    """
    from .. import pgstore
    from ..store import team

    e = env(ctx)
    with team(e.location(), e.lock_timeout) as (cur, where):
        pgstore.grant(cur, where, role, level.strip().casefold())
    done(f"{role} is now {level.strip().casefold()} of {where.shown}.")


@app.command("revoke")
def revoke(
    ctx: typer.Context,
    role: RoleArg,
    level: Annotated[
        str | None,
        typer.Argument(metavar="LEVEL", help="Only this level (e.g. confidential); without it, every level."),
    ] = None,
) -> None:
    """Take every level on the ledger from a server login, or only one.

    \b
    Example: claim-ledger team revoke alice confidential
    """
    from .. import pgstore
    from ..store import team

    e = env(ctx)
    only = level.strip().casefold() if level else None
    with team(e.location(), e.lock_timeout) as (cur, where):
        pgstore.revoke(cur, where, role, only)
    if only:
        done(f"{role} is no longer {only} of {where.shown}.")
    else:
        done(f"{role} may no longer read or write {where.shown}.")


@app.command("list")
def list_(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="As a JSON array.")] = False
) -> None:
    """List the logins given a level on the ledger.

    \b
    Example: claim-ledger team list
    """
    from .. import pgstore
    from ..jsonio import dumps_pretty
    from ..render import txt
    from ..store import team

    e = env(ctx)
    with team(e.location(), e.lock_timeout) as (cur, where):
        found = pgstore.members(cur, where)
    if as_json:
        echo_json(dumps_pretty([{"role": role, "level": level} for role, level in found]))
        return
    if not found:
        done(f"Nobody has been given a level on {where.shown} yet: claim-ledger team grant ROLE LEVEL")
        return
    from rich.table import Table

    table = Table(title="Team", box=None)
    table.add_column("Role")
    table.add_column("Level")
    for role, level in found:
        table.add_row(txt(role), txt(level))
    console().print(table)
