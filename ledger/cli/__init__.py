"""The Typer application: global options, error handling, and the commands' modules.

No rules live here: a command opens the store, calls one function of
:mod:`ledger.ops`, and hands the result to a renderer. Every
:class:`~ledger.errors.LedgerError` and every usage error becomes one line on
stderr and a non-zero exit, with no traceback (``--debug`` shows one).
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from .. import __version__
from ..errors import LedgerError
from .context import Env, done


class LedgerGroup(TyperGroup):
    """Turns failures into one clean stderr line; keeps commands in the order written."""

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return list(self.commands)

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # Ctrl-C: say so, and say the ledger is as it was
            raise typer.Abort() from None

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in argv[: argv.index("--")] if "--" in argv else "--debug" in argv
        try:
            rv = super().main(
                args=argv,
                prog_name=prog_name or "claim-ledger",
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
        except typer.Abort:
            sys.stderr.write("\n")  # the cursor is still on the interrupted prompt's line
            code = _fail("interrupted: nothing was changed", 130)
        except Exception as exc:
            if debug:
                raise
            code = _fail(*_describe(exc))
        else:
            code = rv if isinstance(rv, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


def _describe(exc: Exception) -> tuple[str, int]:
    """One line and an exit code for any failure: ours, a usage error, or a bug."""
    if isinstance(exc, LedgerError):
        return str(exc), exc.exit_code
    if isinstance(exc, typer.TyperException):  # usage: unknown option, missing argument...
        usage = getattr(exc, "ctx", None)
        hint = f" (see '{usage.command_path} --help')" if usage is not None else ""
        return exc.format_message() + hint, exc.exit_code
    return (
        f"internal error: {type(exc).__name__}: {exc} (run again with --debug for the traceback, "
        "and please report it)",
        70,
    )


def _fail(message: str, code: int) -> int:
    done(f"Error: {message}")
    sys.stderr.flush()
    return code


app = typer.Typer(
    cls=LedgerGroup,
    name="claim-ledger",
    help=(
        "A ledger of claims versus reports: record who asserted what, link claims that "
        "corroborate, contradict or merely repeat each other, and see which statements "
        "lack independent confirmation.\n\n"
        "Start with: claim-ledger demo"
    ),
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion: bash, zsh, fish
    # Plain help, as git and hledger print it: Rich's boxed help costs 80 ms of imports (bench/).
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"claim-ledger {__version__}\n")
        raise typer.Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="PATH",
            show_default=False,
            help="Ledger file to use. Default: $CLAIM_LEDGER_DB, else the user data folder.",
        ),
    ] = None,
    lock_timeout: Annotated[
        float,
        typer.Option(
            "--lock-timeout",
            metavar="SECONDS",
            min=0,
            help="How long a write waits for another writer before giving up.",
        ),
    ] = 5.0,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            help="Show a traceback when a command fails.",
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    # --debug is acted on by LedgerGroup.main, which must know it before parsing can fail.
    ctx.obj = Env(db=db, lock_timeout=lock_timeout)


def _register() -> None:
    from . import checks, claims, corrections, reports, setup, sources

    setup.register(app)
    app.add_typer(sources.app, name="source")
    claims.register(app)
    corrections.register(app)
    reports.register(app)
    checks.register(app)


_register()


def main() -> None:
    """Entry point of the ``claim-ledger`` console script (and of ``python -m ledger``).

    A command is one short process. Loading a big ledger creates millions of
    objects, and the cyclic garbage collector would walk all of them again and
    again while they are made (a third of a read's time at 100k claims, see
    bench/). Reference counting still frees everything; nothing here builds
    cycles worth collecting before the process ends.
    """
    gc.disable()
    try:
        app()
    except SystemExit as exit_:
        code = exit_.code
    else:
        code = 0
    _exit_now(code)


def _exit_now(code: object) -> None:
    """End the process without tearing down a heap of a million objects one by one.

    Everything a command does is finished by now (a write is fsynced and its
    lock released before the command returns); only buffered output is left,
    so flush it and leave. Saves ~0.06 s at 100k claims (bench/).
    """
    status = code if isinstance(code, int) else (0 if code is None else 1)
    if not isinstance(code, (int, type(None))):
        sys.stderr.write(f"{code}\n")
    for stream in (sys.stdout, sys.stderr):
        # a reader that stopped early (| head), or a closed stream: nothing more to say
        with contextlib.suppress(BrokenPipeError, ValueError):
            stream.flush()
    os._exit(status)
