"""``claim-ledger path``: which ledger is in use, and why; ``--db`` takes ``~`` and relative paths."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_the_default_is_the_user_data_folder(cli, monkeypatch, tmp_path):
    monkeypatch.delenv("CLAIM_LEDGER_DB")
    result = cli("path")
    shown = Path(result.stdout.strip())
    assert shown.name == "ledger.json" and shown.is_absolute()
    assert shown.is_relative_to(tmp_path)  # XDG_DATA_HOME / HOME point into tmp_path
    assert "the default" in result.stderr and "does not exist yet" in result.stderr


def test_the_environment_variable_beats_the_default(cli, db):
    result = cli("path")
    assert result.stdout == f"{db}\n"
    assert "from $CLAIM_LEDGER_DB" in result.stderr
    cli("init")
    assert "it exists" in cli("path").stderr


def test_db_beats_the_environment_and_takes_home_and_relative_paths(cli, monkeypatch, tmp_path):
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    assert cli("--db", "~/desk/l.json", "path").stdout == f"{home / 'desk' / 'l.json'}\n"
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = cli("--db", "l.json", "path")
    assert result.stdout == f"{work / 'l.json'}\n" and "chosen with --db" in result.stderr


@pytest.mark.parametrize("spelling", ["~/l.json", "./l.json", "l.json"])
def test_every_command_uses_the_path_that_path_prints(cli, monkeypatch, tmp_path, spelling):
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(home)
    cli("--db", spelling, "init", "--sample")
    printed = Path(cli("--db", spelling, "path").stdout.strip())
    assert printed == home / "l.json" and printed.is_file()
    assert "kharkiv-rma" in cli("--db", str(printed), "source", "list").stdout
