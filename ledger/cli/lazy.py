"""Build only the command that runs: 14 ms off every command (bench/startup.py).

Typer turns every command's signature into Click parameters each time the program
starts (``typer.main.get_command_from_info``: ``inspect.signature`` and
``typing.get_type_hints`` for each of 30-odd commands), though one command runs.
:func:`install` defers that for the program's own commands: a group holds a
placeholder for each, built the first time the group is asked for it
(:class:`Commands`, which ``helpfmt.PlainHelpGroup`` keeps), so help, completion
and every command see built commands.
It hooks a function Typer does not publish, as ``coerce`` does: pyproject pins
Typer below 0.30, and ``tests/test_cli.py`` fails if the hook is gone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .typerhook import replace_once


class Deferred:
    """A command not built yet: what Typer would build it from."""

    __slots__ = ("build", "name")

    def __init__(self, name: str, build: Callable[[], Any]) -> None:
        self.name = name
        self.build = build


class Commands(dict[str, Any]):
    """A group's commands by name; a deferred one is built when it is first looked up."""

    def __getitem__(self, name: str) -> Any:
        command = super().__getitem__(name)
        if isinstance(command, Deferred):
            command = command.build()
            super().__setitem__(name, command)
        return command

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        return self[name] if name in self else default  # noqa: SIM401 (self.get is this)

    def values(self) -> list[Any]:  # type: ignore[override]
        return [self[name] for name in self]

    def items(self) -> list[tuple[str, Any]]:  # type: ignore[override]
        return [(name, self[name]) for name in self]


def install(app: Any) -> bool:
    """Defer building ``app``'s own commands (not its sub-groups'); False if this Typer has
    no such hook, and then every command is built at once, as before."""
    try:
        from typer import main
    except ImportError:  # pragma: no cover - Typer always has it
        return False
    name_of = getattr(main, "get_command_name", None)
    if name_of is None:
        return False
    own = {id(info) for info in _commands_of(app)}  # registered by now; the app keeps them alive

    def deferring(build: Any) -> Any:
        def deferred(command_info: Any, **options: Any) -> Any:
            if id(command_info) not in own:
                return build(command_info=command_info, **options)
            name = command_info.name or name_of(command_info.callback.__name__)
            return Deferred(name, lambda: build(command_info=command_info, **options))

        return deferred

    return replace_once(main, "get_command_from_info", deferring)


def _commands_of(app: Any) -> list[Any]:
    """The commands ``app`` registered, and those of its groups (``source add``)."""
    groups = [group.typer_instance for group in app.registered_groups if group.typer_instance]
    return [*app.registered_commands, *(info for group in groups for info in _commands_of(group))]
