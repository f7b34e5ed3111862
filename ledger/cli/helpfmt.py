"""How ``--help`` reads: as git and hledger print it, at any terminal width.

Typer 0.27 and later write a required argument as ``{N}`` in the usage line, give
every argument its Python type (``N <int>``) and every option without a metavar
its type (``--note <str>``). This help says ``N`` and ``--note NOTE``. Each
command's line in a group's list is a short summary written to fit 80 columns,
so Click never cuts one off mid-phrase ("Link two claims: A...").
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from .lazy import Commands

# A group's list of commands: one line each, at most 60 characters, so that Click never cuts
# one at 80 columns (it leaves 80 - 2 - 6 - the longest name, "unconfirmed").
SUMMARIES = {
    "demo": "Show what it does, on the bundled sample (writes nothing).",
    "init": "Create a new, empty ledger (never overwrites one).",
    "path": "Print the ledger in use (file or URL), and why that one.",
    "add": "Record a claim: one assertion by one source.",
    "link": "Link two claims: A corroborates, contradicts, repeats B.",
    "unlink": "Remove the link between two claims.",
    "retract": "Mark a claim as withdrawn by its source.",
    "list": "List claims with their source, status and grade.",
    "show": "Show a claim: status, reason, links and history.",
    "unconfirmed": "Claims lacking independent confirmation, and why.",
    "disputed": "Each disputed claim beside what contradicts it.",
    "edit": "Correct a claim; the history keeps the old values.",
    "history": "Everything that happened to a claim.",
    "delete": "Delete a claim entered by mistake, and its links.",
    "figures": "Each event's figures: values by origin, range, conflicts.",
    "export": "Write a report, a backup, a spreadsheet or a standard form.",
    "import": "Add claims, sources and links from a file: all or none.",
    "copy": "Copy a whole ledger to a new home: file or PostgreSQL.",
    "check": "Lint the ledger: broken link rules, a tampered history.",
    "seal": "Print the history's head hash, to prove it later.",
    "source": "Who speaks: add, edit, list and show sources.",
    "party": "The sides sources speak for, and their other names.",
    "party add": "Register a party, or give a registered one more names.",
    "party list": "List the parties, their names and their sources.",
    "metric": "How each metric counts: cumulative, or a level.",
    "metric set": "Declare a metric a level, or cumulative.",
    "metric list": "List the metrics, and how each counts.",
    "team": "Who may read or write a ledger in PostgreSQL.",
    "team grant": "Give a login reader, editor or admin; or confidential.",
    "team revoke": "Take every level on the ledger from a login, or only one.",
    "team list": "List the logins given a level on the ledger.",
    "source add": "Add a source.",
    "source edit": "Change a source's details; the history keeps the old ones.",
    "source list": "List sources with their number of claims, by status.",
    "source show": "Show a source, its claims and the changes made to it.",
}


class PlainHelpGroup(TyperGroup):
    """A group whose commands keep the order they were written in and read plainly in help,
    each built when it is first looked up (ledger.cli.lazy)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = Commands(self.commands)

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return list(self.commands)

    def get_command(self, ctx: typer.Context, name: str) -> Any:
        command = super().get_command(ctx, name)
        if command is None:
            return None
        group = ctx.command_path.split()[1:]  # below the program's own name: "source"
        return plain(command, " ".join([*group, name]))


def plain(command: Any, path: str) -> Any:
    """``command`` (``source add``) with help that names values as a person types them."""
    if getattr(command, "_plain_help", False):
        return command
    command.short_help = SUMMARIES.get(path, command.short_help)
    for param in command.params:
        if param.param_type_name == "argument":
            param.display_type_rich = _no_type  # "N  A claim id", not "N <int>  A claim id"
        elif param.metavar is None and not getattr(param, "is_flag", False) and param.name:
            param.metavar = param.name.upper()  # "--note NOTE", not "--note <str>"
    command.collect_usage_pieces = lambda ctx: _usage(command, ctx)
    command._plain_help = True
    return command


def _no_type(ctx: Any = None) -> None:
    return None


def _usage(command: Any, ctx: Any) -> list[str]:
    """``[OPTIONS] N``: arguments by their metavar, optional ones in brackets."""
    pieces = [command.options_metavar] if command.options_metavar else []
    for param in command.get_params(ctx):
        if param.param_type_name == "argument":
            name = param.metavar or param.name.upper()
            name += "..." if param.nargs != 1 else ""
            pieces.append(name if param.required else f"[{name}]")
    if isinstance(command, TyperGroup) or hasattr(command, "commands"):
        pieces.append("COMMAND [ARGS]...")
    return pieces
