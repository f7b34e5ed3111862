"""The layout of DESIGN §6 holds: the read side is pure, the library speaks no command line,
and a claim's fields are listed once."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from ledger import columns
from ledger.model import RETRACTION, STATED, Claim

from .conftest import modules_loaded

LEDGER = Path(__file__).resolve().parent.parent / "ledger"
WRITERS = [
    "ledger.report",
    "ledger.render",
    "ledger.analysis",
    "ledger.export",
    "ledger.export.markdown",
    "ledger.export.document",
    "ledger.export.spreadsheet",
    "ledger.export.claimreview",
    "ledger.export.misp",
    "ledger.export.listing",
]


@pytest.mark.parametrize("module", WRITERS)
def test_a_writer_loads_neither_the_store_nor_the_cli(module):
    """In a fresh interpreter: importing a writer must not import TinyDB or Typer."""
    code = (
        f"import sys, {module}; "
        "print(sorted(m for m in ('tinydb', 'typer', 'ledger.store', 'ledger.ops') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", f"{module} pulls in {out.stdout.strip()}"


# What an everyday command does not need, and so must not load: each costs a few milliseconds
# of the start-up a person waits for at every command (bench/startup.py).
NOT_FOR_READS = {"ledger.similar", "ledger.analysis.check", "ledger.analysis.series", "ledger.export"}
NOT_FOR_WRITES = {"rich.console", "ledger.analysis.verdicts", "ledger.analysis.check", "ledger.export"}


@pytest.mark.parametrize(
    ("command", "not_loaded"),
    [
        (["list"], NOT_FOR_READS),
        (["unconfirmed"], NOT_FOR_READS),
        (["disputed"], NOT_FOR_READS),
        (["figures"], NOT_FOR_READS),
        (["show", "1"], NOT_FOR_READS),
        (["history", "1"], NOT_FOR_READS),
        (["source", "list"], NOT_FOR_READS),
        (["check"], {"ledger.similar", "ledger.analysis.series", "ledger.export"}),
        (["add", "Shelling of the bridge resumed at dawn", "--source", "ua"], NOT_FOR_WRITES),
        (["link", "2", "contradicts", "1"], NOT_FOR_WRITES | {"ledger.similar"}),
    ],
)
def test_an_everyday_command_loads_only_what_it_uses(cli, tmp_path, command, not_loaded):
    """Run as a real process, a command imports none of the modules its work does not use: the
    near-duplicate rule is add's, the checks check's, the series figures --metric's, the
    exports export's and --json's; a write draws no table and weighs nothing."""
    cli("init")
    cli("source", "add", "ua", "--name", "UA General Staff", "--kind", "military")
    cli("add", "Three drones were shot down over Kharkiv", "--source", "ua", "--figure", "drone=3")
    cli(
        "add",
        "Air defence destroyed five drones near Kharkiv overnight",
        "--source",
        "ua",
        "--figure",
        "drone=5",
    )
    done, loaded = modules_loaded(command)
    assert done.returncode in (0, 1), done.stderr  # 1: check has findings
    assert "ledger.model" in loaded  # the command did its work
    assert not loaded & not_loaded, f"{command[0]} loads {sorted(loaded & not_loaded)}"


def _imports(path: Path) -> set[str]:
    """The ``ledger`` modules a file imports, at any depth (relative imports resolved)."""
    package = ".".join(path.relative_to(LEDGER.parent).parent.parts)  # where `.` points
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize(
    "folder", ["analysis", "export", "report.py", "render.py", "model.py", "words.py", "jsonio.py"]
)
def test_the_pure_side_never_imports_the_writes_or_the_store(folder):
    """Dependencies point one way (DESIGN §6): writers and analysis never reach ops or store."""
    target = LEDGER / folder
    files = sorted(target.rglob("*.py")) if target.is_dir() else [target]
    for path in files:
        bad = {m for m in _imports(path) if m in ("ledger.ops", "ledger.store") or m.startswith("tinydb")}
        assert not bad, f"{path.relative_to(LEDGER)} imports {sorted(bad)}"


def test_the_library_names_no_command_line_flag():
    """Errors carry facts; the CLI adds the flag to use (ledger/cli/remedies.py)."""
    flags = ("--force", "--lock-timeout")
    for path in sorted(LEDGER.rglob("*.py")):
        if "cli" in path.relative_to(LEDGER).parts:
            continue
        text = path.read_text()
        assert not [f for f in flags if f in text], f"{path.relative_to(LEDGER)} names a CLI flag"


def test_a_claims_fields_are_listed_once():
    """What a claim states, plus its retraction, is every field but its id and recording time;
    the CSV columns carry exactly those."""
    fields = set(Claim.__dataclass_fields__) - {"id", "recorded_at"}
    assert set(STATED) | set(RETRACTION) == fields
    assert set(columns.CLAIM) == fields


def test_the_api_reader_and_the_read_side_module_share_a_name_without_hiding_each_other():
    import sys

    import ledger
    import ledger.report  # the pure read side, a module
    from ledger.report import Report

    assert callable(ledger.report) and ledger.report.__module__ == "ledger.ops"  # the API's reader
    assert sys.modules["ledger.report"].Report is Report
