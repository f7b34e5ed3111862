"""End to end: the installed ``claim-ledger`` command as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from . import worked_example as wx
from .conftest import installed_command

pytestmark = pytest.mark.e2e


def _installed() -> str:
    return installed_command()


def run(tmp_path: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIM_LEDGER", "FORCE_COLOR"))}
    env.update(
        CLAIM_LEDGER_DB=str(tmp_path / "ledger.json"),
        HOME=str(tmp_path),
        XDG_DATA_HOME=str(tmp_path / "data"),
        NO_COLOR="1",
        COLUMNS="200",
    )
    return subprocess.run(
        [_installed(), *args], capture_output=True, text=True, env=env, input=input, cwd=tmp_path, timeout=60
    )


def test_installed_command_end_to_end(tmp_path):
    steps = [
        ["init"],
        *(["party", "add", party] for party in wx.PARTIES),
        *(
            ["source", "add", sid, "--name", name, "--kind", kind, *(["--party", party] if party else [])]
            for sid, name, kind, party in wx.SOURCES
        ),
        [
            "add",
            "Bodies of two men and a woman were recovered in Borova",
            "--source",
            "kharkiv-rma",
            "--figure",
            "killed=3",
        ],
        ["add", "Strikes on Kharkiv killed three", "--source", "press", "--repeats", "1"],
        ["add", "Only military targets were hit", "--source", "ru-mod"],
        ["add", "Homes were damaged", "--source", "press", "--contradicts", "3"],
    ]
    for args in steps:
        done = run(tmp_path, *args)
        assert done.returncode == 0, (args, done.stderr)
    records = {r["id"]: r for r in json.loads(run(tmp_path, "unconfirmed", "--json").stdout)}
    assert records[2]["reason"] == "same story as #1: single source: kharkiv-rma"
    assert records[3]["status"] == "disputed" and records[3]["credibility"] == 4
    table = run(tmp_path, "disputed").stdout
    assert "Only military targets were hit" in table and "Homes were damaged" in table


def test_installed_command_fails_with_one_line_and_stdin_closed(tmp_path):
    assert run(tmp_path, "init").returncode == 0
    before = (tmp_path / "ledger.json").read_bytes()
    done = run(tmp_path, "add", "--source", "press", input="")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("Error: missing TEXT") and done.stderr.count("\n") == 1
    done = run(tmp_path, "add", "x", "--source", "ghost")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert (tmp_path / "ledger.json").read_bytes() == before


def test_installed_demo(tmp_path):
    done = run(tmp_path, "demo")
    assert done.returncode == 0, done.stderr
    assert "Lacking independent confirmation" in done.stdout and "Disputed claims" in done.stdout
    assert not (tmp_path / "ledger.json").exists()


def test_installed_report_and_round_trip(tmp_path):
    from .test_markdown import parse

    assert run(tmp_path, "init", "--sample").returncode == 0
    done = run(tmp_path, "export", "markdown", "-o", "report.md", "--graph")
    assert done.returncode == 0, done.stderr
    doc = parse((tmp_path / "report.md").read_text(encoding="utf-8"))
    # the summary, check's findings, every claim table (a small ledger), the method, the graph
    assert doc.h2 == [
        "Claims by source and status",
        "Findings",
        "Claims lacking independent confirmation",
        "Disputed claims",
        "Figures",
        "Confirmed claims",
        "Sources",
        "Method",
        "Link graph",
    ]
    assert run(tmp_path, "export", "json", "-o", "backup.json").returncode == 0
    done = run(tmp_path, "--db", "copy.json", "import", "backup.json")
    assert done.returncode == 0, done.stderr
    again = run(tmp_path, "--db", "copy.json", "export", "json")
    assert again.stdout == (tmp_path / "backup.json").read_text(encoding="utf-8")
