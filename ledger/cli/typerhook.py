"""Replacing a function Typer does not publish, once: how ``coerce`` and ``lazy`` hook in.

pyproject pins Typer below 0.30, and ``tests/test_cli.py`` fails if a hook is gone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def replace_once(module: Any, name: str, make: Callable[[Any], Any]) -> bool:
    """Put ``make(original)`` in place of ``module.name``, unless it is ours already; False if
    this Typer has no such function (then it goes on as it is)."""
    original = getattr(module, name, None)
    if original is None:
        return False
    if not getattr(original, "ours", False):
        replacement = make(original)
        replacement.ours = True
        setattr(module, name, replacement)
    return True
