"""The command-line reference (docs/cli.md), made from the commands' own ``--help``.

docs/cli.md holds a cog block that calls :func:`markdown`; CI runs
``cog --check docs/cli.md``, so the page fails the build the moment a command's
help and the page disagree. Regenerate with ``cog -r docs/cli.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import typer

WIDTH = 100  # help is laid out at this width, whatever the terminal


def _walk(command: Any, ctx: typer.Context) -> Iterator[tuple[Any, typer.Context]]:
    """Each command with a context to render its help in; groups before their commands."""
    yield command, ctx
    if hasattr(command, "list_commands"):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from _walk(sub, typer.Context(sub, info_name=name, parent=ctx, **_layout()))


def _layout() -> dict[str, Any]:
    return {"terminal_width": WIDTH, "max_content_width": WIDTH, "help_option_names": ["-h", "--help"]}


def markdown() -> str:
    """Every command's help, in the order ``--help`` lists them, as Markdown."""
    from . import app

    root = typer.main.get_command(app)
    ctx = typer.Context(root, info_name="claim-ledger", **_layout())
    pages = [(here.command_path, command.get_help(here).rstrip()) for command, here in _walk(root, ctx)]
    contents = "".join(f"- [`{path}`](#{_anchor(path)})\n" for path, _ in pages)
    sections = "\n".join(f"## `{path}`\n\n```text\n{text}\n```\n" for path, text in pages)
    return f"{contents}\n{sections}"


def _anchor(heading: str) -> str:
    """The id GitHub gives the heading ``## `claim-ledger source add` ``."""
    return heading.casefold().replace(" ", "-")
