"""Whatever is typed on the command line: never a traceback, exit 0, 1 or 2, ledger unchanged on error."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

COMMANDS = [
    ["add"],
    ["link"],
    ["unlink"],
    ["retract"],
    ["list"],
    ["show"],
    ["unconfirmed"],
    ["disputed"],
    ["figures"],
    ["export"],
    ["import"],
    ["check"],
    ["source", "add"],
    ["source", "show"],
    ["source", "list"],
    ["init"],
    ["edit"],
    ["history"],
    ["delete"],
]
OPTIONS = [
    "--source",
    "--date",
    "--event",
    "--figure",
    "--url",
    "--tag",
    "--repeats",
    "--corroborates",
    "--contradicts",
    "--note",
    "--json",
    "--limit",
    "--status",
    "--party",
    "--kind",
    "--since",
    "--until",
    "--search",
    "--name",
    "--reliability",
    "--format",
    "--dry-run",
    "--create-sources",
    "-o",
    "--graph",
    "--quote",
    "--archive-url",
    "--retrieved-at",
    "--location",
    "--sample",
]
VALUES = st.one_of(
    st.sampled_from(
        [
            "1",
            "2",
            "20",
            "0",
            "-1",
            "99999999999",
            "ru-mod",
            "press",
            "killed=3",
            "killed=-1",
            "killed>=",
            "2023-12-31",
            "2023-02-30",
            "corroborates",
            "repeats",
            "updates",
            "nonsense",
            "markdown",
            "csv",
            "json",
            "out.md",
            "missing.csv",
            "https://example.org/x",
            "javascript:alert(1)",
            "",
            " ",
            "[bold]x[/]",
            "\x1b[31mred",
            "Харків 🚀",
            "a|b\nc",
            "UA",
            "none",
            "disputed",
            "F",
            "Z",
        ]
    ),
    st.text(max_size=12),
)
argument = st.one_of(st.sampled_from(OPTIONS), VALUES)


@pytest.fixture
def sample_ledger(cli, db, tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)  # -o, --db and import paths stay in the test's folder
    cli("init", "--sample")
    return db


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.sampled_from(COMMANDS), st.lists(argument, max_size=6))
def test_any_command_line_ends_cleanly(cli, sample_ledger, command, args):
    before = sample_ledger.read_bytes()
    result = cli(*command, *args, ok=False)
    assert result.exit_code in (0, 1, 2), (command, args, result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    if result.exit_code != 0:
        assert sample_ledger.read_bytes() == before, (command, args)
        assert result.stderr.startswith("Error: "), (command, args, result.stderr)


def test_a_100_kb_hostile_claim_is_stored_exactly_and_shown_inert(cli, db, tmp_path, monkeypatch):
    import json

    from .test_markdown import column, expected_cell, parse

    monkeypatch.chdir(tmp_path)
    piece = (
        "[bold]x[/] [link=https://evil.example]y[/link] \x1b]0;title\x07 \x1b[2J \u202e \u200b "
        "Харків 🚀 | `a` "
    )
    text = (piece * (100_000 // len(piece) + 1))[:100_000]
    cli("init")
    cli("source", "add", "s", "--name", piece, "--kind", "press")
    cli("add", text, "--source", "s", "--quote", piece)
    (record,) = json.loads(cli("list", "--json").stdout)
    assert record["text"] == text and record["quote"] == piece
    shown = cli("show", "1").stdout + cli("list").stdout + cli("source", "show", "s").stdout
    assert "\x1b" not in shown and "\u202e" not in shown and "\x07" not in shown
    assert "[bold]x[/]" in shown and "\\x1b" in shown
    doc = parse(cli("export", "markdown").stdout)
    (lacking,) = doc.sections["Claims lacking independent confirmation"]
    assert column(lacking, "Claim") == [expected_cell(text)]
