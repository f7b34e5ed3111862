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

from .. import __version__
from ..errors import LedgerError
from .coerce import install as _read_values_without_pydantic
from .context import Env, done
from .helpfmt import PlainHelpGroup
from .lazy import install as _build_only_the_command_that_runs


class LedgerGroup(PlainHelpGroup):
    """Turns failures into one clean stderr line; keeps commands in the order written."""

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
        storage = sys.modules.get("ledger.storage")
        if storage is not None:
            storage.SAVED.clear()  # one command's writes at a time (tests run many in one process)
        garbled = _not_text(argv)
        if garbled is not None:
            code = _fail([garbled], 2)
            if standalone_mode:
                sys.exit(code)
            return code
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
            code = _interrupted()
        except Exception as exc:
            if debug:
                raise
            if _was_interrupted(exc):
                sys.stderr.write("\n")
                code = _interrupted()
            else:
                code = _help_asked(exc) if _is_help_asked(exc) else _fail(*_describe(exc))
        else:
            code = rv if isinstance(rv, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


def _interrupted() -> int:
    """Ctrl-C: before anything was written, nothing was changed (exit 130); after, the change
    is in place, and saying otherwise would have the user run the command again."""
    storage = sys.modules.get("ledger.storage")
    saved = getattr(storage, "SAVED", [])
    if saved:
        done(f"Interrupted after the change was saved to {saved[-1]}: it is in the ledger.")
        return 0
    return _fail(["interrupted: nothing was changed"], 130)


def _was_interrupted(exc: BaseException) -> bool:
    """Whether Ctrl-C caused this failure: Python wraps an interrupt that lands in some places
    (a class being built while a library loads: ``RuntimeError: Error calling __set_name__``)
    in another exception, with the interrupt as its cause."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


def _not_text(argv: list[str]) -> str | None:
    """Which argument is not valid text: the shell passed bytes that are not UTF-8 (Python
    keeps them as lone surrogates, which no file, table or report can hold)."""
    for n, arg in enumerate(argv, start=1):
        if any("\udc80" <= ch <= "\udcff" for ch in arg):
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            return f"argument {n} ({shown!r}) is not valid UTF-8 text: nothing was changed"
    return None


def _is_help_asked(exc: Exception) -> bool:
    """Click's answer to a group run with nothing to do (bare ``claim-ledger``): its help.

    Known by name, as Typer itself does: Typer ships its own copy of Click's exceptions.
    """
    return type(exc).__name__ == "NoArgsIsHelpError"


def _help_asked(exc: Exception) -> int:
    """The help, as it is (it is ours, not user text): on stderr, exit 2, as Click does."""
    sys.stderr.write(getattr(exc, "format_message", lambda: "")().rstrip("\n") + "\n")
    return int(getattr(exc, "exit_code", 2))


def _describe(exc: Exception) -> tuple[list[str], int]:
    """The lines to print and an exit code for any failure: ours, a usage error, or a bug."""
    if isinstance(exc, LedgerError):
        from .remedies import message

        return message(exc), exc.exit_code
    if isinstance(exc, OSError):  # the output: a full disk, a closed pipe, a device that refuses
        where = f"{exc.filename}: " if exc.filename else "the output: "
        return [f"cannot write {where}{exc.strerror or exc}"], 1
    if isinstance(exc, typer.TyperException):  # usage: unknown option, missing argument...
        usage = getattr(exc, "ctx", None)
        hint = f" (see '{usage.command_path} --help')" if usage is not None else ""
        # Click lays some out on several lines ("Choose from:\n\tmarkdown,\n\tjson"): one line here
        return [" ".join(exc.format_message().split()) + hint], exc.exit_code
    return (
        [
            f"internal error: {type(exc).__name__}: {exc} (run again with --debug for the traceback, "
            "and please report it)"
        ],
        70,
    )


def _fail(lines: list[str], code: int) -> int:
    """``Error: …`` on stderr: one line, or a first line and the details below it.

    Each line is made inert on its own (user text in it cannot break the line or
    move the cursor); the breaks between them are ours.
    """
    done(f"Error: {lines[0]}")
    for line in lines[1:]:
        done(line)
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
    from . import checks, claims, corrections, registry, reports, setup, sources, team

    setup.register(app)
    app.add_typer(registry.parties, name="party")
    app.add_typer(registry.metrics, name="metric")
    app.add_typer(sources.app, name="source")
    app.add_typer(team.app, name="team")
    claims.register(app)
    corrections.register(app)
    reports.register(app)
    checks.register(app)


_register()
_read_values_without_pydantic()
_build_only_the_command_that_runs(app)


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
    except KeyboardInterrupt:  # before LedgerGroup.main took over: Typer building the commands
        sys.stderr.write("\n")
        code = _interrupted()
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
            try:
                stream.flush()
            except OSError as exc:  # the last of the output did not fit (a full disk)
                os.write(2, f"Error: cannot write the output: {exc.strerror or exc}\n".encode())
                status = status or 1
    os._exit(status)
