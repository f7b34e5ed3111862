"""Shared fixtures. No test touches a file outside its tmp folder: the ledger
path and the platform data and cache dirs all point into ``tmp_path``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ledger import ops
from ledger.paths import sample_file
from ledger.report import Report
from ledger.store import memory_store

NOW = "2024-01-01T12:00:00+00:00"


def installed_command() -> str:
    """The installed ``claim-ledger`` script: beside this Python (a venv), else on PATH."""
    beside = Path(sys.executable).with_name("claim-ledger")
    found = str(beside) if beside.exists() else shutil.which("claim-ledger")
    assert found, "claim-ledger is not installed: pip install -e '.[test]' first"
    return found


# `claim-ledger ARGS` as the console script runs it, then, as the process ends (os._exit), the
# modules it loaded on stderr's last line. Not -X importtime: that misses what
# importlib.import_module loads, which is how the lazy APIs load (ledger.lazyapi).
_SAY_MODULES_AT_EXIT = """
import os, sys
leave = os._exit
def say_and_leave(status):
    sys.stderr.write(chr(10) + " ".join(sorted(sys.modules)) + chr(10))
    sys.stderr.flush()
    leave(status)
os._exit = say_and_leave
sys.argv[0] = "claim-ledger"
from ledger.launch import main
main()
"""


def modules_loaded(
    args: list[str], env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run ``claim-ledger ARGS`` as a real process: what it did, and every module it loaded."""
    done = subprocess.run(
        [sys.executable, "-c", _SAY_MODULES_AT_EXIT, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    said = done.stderr.splitlines()
    return done, set(said[-1].split()) if said else set()


def wire_ledger(env: dict[str, str], rows: Path) -> None:
    """A new ledger (the one ``env`` names) with a 'wire' source and the claims of ``rows``
    (JSON Lines) imported, by the installed command: the start of the real-process tests."""
    exe = installed_command()
    subprocess.run([exe, "init"], env=env, check=True, capture_output=True)
    wire = ["source", "add", "wire", "--name", "Wire", "--kind", "news_agency"]
    subprocess.run([exe, *wire], env=env, check=True, capture_output=True)
    subprocess.run([exe, "import", str(rows)], env=env, check=True, capture_output=True)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIM_LEDGER_DB", str(tmp_path / "ledger.json"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))  # the derived cache (ledger.cache)
    monkeypatch.delenv("CLAIM_LEDGER_CACHE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "ledger.json"


@pytest.fixture(scope="session")
def pg_server():
    """A database of this run's own on the PostgreSQL server (tests/pg.py), dropped after."""
    from . import pg

    yield from pg.database()


class Home:
    """Where the ledger of a test lives (``$CLAIM_LEDGER_DB``), and what it holds."""

    def __init__(self, url: str) -> None:
        self.url = url

    def state(self) -> bytes:
        """Everything the ledger holds, to show a command changed nothing."""
        if not self.url.startswith("postgresql://"):
            path = Path(self.url)
            return path.read_bytes() if path.exists() else b""
        import json

        from ledger import pgstore

        place = pgstore.parse(self.url)
        with pgstore.connect(place, write=False, lock_timeout=1) as conn, conn.cursor() as cur:
            if not pgstore.exists(cur, place):
                return b""
            loaded = pgstore.load(cur, place)
        return json.dumps(loaded.data, sort_keys=True).encode()


@pytest.fixture(params=["file", pytest.param("postgres", marks=pytest.mark.postgres)])
def home(request: pytest.FixtureRequest, db: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    """The test once with its ledger in a file, once in PostgreSQL: the same answers from both."""
    if request.param == "file":
        return Home(str(db))
    import uuid

    url = f"{request.getfixturevalue('pg_server')}?ledger=t{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("CLAIM_LEDGER_DB", url)
    return Home(url)


class Cli:
    """Runs the Typer app in-process, as ``claim-ledger ARGS``."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, ok: bool = True):
        from ledger.cli import app

        result = self.runner.invoke(app, list(args), input=input)
        if ok:
            assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
        return result


@pytest.fixture
def cli() -> Cli:
    return Cli()


@pytest.fixture
def sample_report() -> Report:
    store = memory_store()
    ops.load_document(store, ops.read_document(sample_file()), now=NOW)
    return ops.report(store)
