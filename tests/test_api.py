"""The public API for scripts: every name ledger/__init__.py promises resolves, lazily."""

from __future__ import annotations

import subprocess
import sys

import pytest

import ledger


@pytest.mark.parametrize("name", [n for n in ledger.__all__ if n != "__version__"])
def test_every_public_name_resolves(name):
    assert getattr(ledger, name) is not None


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        ledger.nope  # noqa: B018


def test_importing_ledger_loads_no_tinydb_rich_or_typer():
    code = "import sys, ledger; print(sorted(m for m in ('tinydb', 'rich', 'typer') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
