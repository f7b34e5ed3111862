"""The command line's values, read without pydantic (ledger/cli/coerce.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.cli import coerce


def test_no_command_imports_pydantic(tmp_path):
    """Typer reads each parameter through pydantic, 0.1 s of every command's start; our hook
    reads ours. If a Typer upgrade moved the hook, this fails (pyproject pins Typer < 0.30)."""
    script = f"""
import sys
from typer.testing import CliRunner
from ledger.cli import app
runner = CliRunner()
db = {str(tmp_path / "l.json")!r}
for args in (["init", "--sample"], ["list", "--limit", "3"], ["show", "8"], ["--lock-timeout", "2", "add",
             "A new claim", "--source", "press", "--corroborates", "2"], ["export", "markdown"],
             ["figures", "--json"], ["check"], ["source", "list", "--json"], ["show", "x"]):
    runner.invoke(app, ["--db", db, *args])
print("pydantic" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "abc"], "Invalid value for 'N': 'abc' is not a whole number"),
        (["list", "--limit", "1.5"], "Invalid value for '--limit': '1.5' is not a whole number"),
        (["--lock-timeout", "-1", "list"], "Invalid value for '--lock-timeout': -1 is less than 0"),
        (["--lock-timeout", "soon", "list"], "Invalid value for '--lock-timeout': 'soon' is not a number"),
        (["--lock-timeout", "nan", "list"], "Invalid value for '--lock-timeout': 'nan' is not a number"),
        (
            ["export", "pdf"],
            "Invalid value for 'FORMAT': 'pdf' is not one of markdown, json, csv, claimreview, misp",
        ),
        (
            ["add", "x", "--source", "press", "--repeats", "one"],
            "Invalid value for '--repeats': 'one' is not a whole number",
        ),
    ],
)
def test_a_value_that_cannot_be_read_is_one_line_naming_it(cli, args, message):
    cli("init", "--sample")
    r = cli(*args, ok=False)
    assert r.exit_code == 2 and r.stderr.startswith(f"Error: {message} (see 'claim-ledger")
    assert r.stderr.count("\n") == 1


def test_values_are_read_as_typer_would(cli):
    cli("init", "--sample")
    assert cli("--lock-timeout", "0.5", "show", " 8 ").exit_code == 0
    listed = cli("list", "--json", "--limit", "2", "--status", "unconfirmed", "--status", "disputed").stdout
    assert listed.count('"id"') >= 2
    assert cli("export", "json").stdout.startswith("{")


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_a_whole_number_reads_as_itself(n):
    read = coerce.reader(int, object())
    assert read(str(n)) == n and read(f" {n} ") == n


@given(st.text(max_size=12).filter(lambda s: not s.strip().lstrip("+-").isdigit()))
def test_anything_else_is_no_whole_number(text):
    read = coerce.reader(int, object())
    with pytest.raises(ValueError, match="is not a whole number"):
        read(text)


def test_flags_and_unknown_kinds():
    read = coerce.reader(bool, object())
    assert [read(v) for v in (True, "yes", "0", "", "On")] == [True, True, False, False, True]
    with pytest.raises(ValueError, match="is not yes or no"):
        read("maybe")
    assert coerce.reader(complex, object()) is None  # not ours: Typer reads it
    assert coerce.reader(list[int], object())("7") == 7
