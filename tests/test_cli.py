"""The command line, in-process through typer.testing.CliRunner."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import pytest
import typer
from filelock import FileLock

from ledger.storage import lock_path

from . import worked_example as wx


def make_worked_example(cli) -> None:
    cli("init")
    for party in wx.PARTIES:
        cli("party", "add", party)
    for sid, name, kind, party in wx.SOURCES:
        cli("source", "add", sid, "--name", name, "--kind", kind, *(["--party", party] if party else []))
    for source, text, figures in wx.CLAIMS:
        cli("add", text, "--source", source, *[a for f in figures for a in ("--figure", f)])
    for a, rel, b in wx.LINKS:
        cli("link", str(a), rel, str(b))


def as_json(result) -> list[dict]:
    return json.loads(result.stdout)


# --------------------------------------------------------------------------- the walkthrough


def test_the_issue_walkthrough(cli, db):
    cli("init")
    assert db.exists()
    cli("party", "add", "RU", "--alias", "Russia")
    cli("party", "add", "UA", "--alias", "Ukraine")
    cli(
        "source",
        "add",
        "ru-mod",
        "--name",
        "Ministry of Defence of Russia",
        "--kind",
        "defence_ministry",
        "--party",
        "RU",
    )
    cli(
        "source",
        "add",
        "kharkiv-rma",
        "--name",
        "Kharkiv Regional Military Administration",
        "--kind",
        "regional_administration",
        "--party",
        "UA",
    )
    cli("source", "add", "press", "--name", "Wire report", "--kind", "press")
    r = cli(
        "add",
        "Two HIMARS launchers were destroyed",
        "--source",
        "ru-mod",
        "--date",
        "2023-12-30",
        "--event",
        "kharkiv-2023-12-30",
        "--figure",
        "himars_destroyed=2",
    )
    assert "Added claim #1 (ru-mod)." in r.stderr and r.stdout == "1\n"  # the id, for scripts
    cli(
        "add",
        "Bodies of two men and a woman were recovered in Borova",
        "--source",
        "kharkiv-rma",
        "--figure",
        "killed=3",
    )
    cli(
        "add",
        "Strikes on Kharkiv killed three and injured 28",
        "--source",
        "press",
        "--figure",
        "killed=3",
        "--figure",
        "injured=28",
    )
    r = cli("link", "3", "repeats", "2")
    assert "Linked: #3 repeats #2." in r.stderr

    listing = cli("list").stdout
    assert "Two HIMARS launchers were destroyed" in listing
    assert "defence ministry, RU" in listing and "unconfirmed" in listing  # kinds as words: they wrap

    shown = cli("show", "2").stdout
    assert "single source: kharkiv-rma; only relayed, by #3 (press, unaligned)" in " ".join(
        shown.replace("│", " ").split()
    )
    assert "repeated by #3" in shown and "History" in shown

    unconfirmed = cli("unconfirmed").stdout
    assert "Lacking independent confirmation" in unconfirmed and "3 claims" in unconfirmed
    assert "Disputed claims" in cli("disputed").stdout

    records = as_json(cli("list", "--json"))
    assert [r["id"] for r in records] == [1, 2, 3]
    assert records[2]["story"] == 2 and records[2]["origin"] == ["kharkiv-rma"]
    assert records[0]["figures"] == [
        {"metric": "himars_destroyed", "low": 2, "high": 2, "qualifier": None, "text": "himars_destroyed=2"}
    ]


def test_worked_example_through_the_cli(cli, home):
    make_worked_example(cli)
    records = {r["id"]: r for r in as_json(cli("list", "--json"))}
    for cid, (status, credibility, words) in wx.EXPECTED.items():
        record = records[cid]
        assert (record["status"], record["credibility"]) == (status, credibility), record
        assert record["grade"] == f"F{credibility}"
        for w in words:
            assert w in record["reason"]
    unconfirmed = {r["id"] for r in as_json(cli("unconfirmed", "--json"))}
    assert unconfirmed == {1, 3, 4, 5, 6, 7, 8}  # everything not confirmed
    disputed = {r["id"]: r for r in as_json(cli("disputed", "--json"))}
    assert set(disputed) == {1, 8}
    assert disputed[1]["contradicted_by"] == [8] and disputed[8]["confirmed_by"] == [2]


def test_json_shape_is_stable(cli, home):
    make_worked_example(cli)
    record = as_json(cli("unconfirmed", "--json"))[0]
    assert set(record) == {
        "id",
        "text",
        "source",
        "kind",
        "party",
        "reliability",
        "status",
        "reason",
        "credibility",
        "grade",
        "date",
        "event",
        "figures",
        "tags",
        "url",
        "archive_url",
        "retrieved_at",
        "quote",
        "location",
        "story",
        "origin",
        "confirmed_by",
        "contradicted_by",
        "superseded_by",
        "retracted_at",
        "retraction_note",
        "links",
    }
    assert record["links"] == [{"id": 2, "from": 8, "relation": "contradicts", "to": 1, "note": None}]


def test_demo_shows_both_tables_and_writes_nothing(cli, db, tmp_path):
    r = cli("demo")
    assert "Lacking independent confirmation" in r.stdout and "Disputed claims" in r.stdout
    assert "19 claims" in r.stdout and "2 claims" in r.stdout
    assert not db.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_init_sample_then_explore(cli, home):
    r = cli("init", "--sample")
    assert "4 sources, 20 claims, 5 links" in r.stderr
    assert len(as_json(cli("list", "--json"))) == 20
    assert "ru-officials" in cli("source", "list").stdout
    shown = cli("source", "show", "press").stdout
    assert "Claims by press" in shown and "unaligned" in shown


def test_retract_keeps_the_claim_and_records_history(cli, home):
    make_worked_example(cli)
    cli("retract", "8", "--note", "outlet corrected its report")
    record = as_json(cli("show", "8", "--json"))[0]
    assert record["status"] == "retracted" and record["credibility"] is None
    assert record["retraction_note"] == "outlet corrected its report"
    # #8 confirmed #2 and disputed #1: it does neither now.
    again = {r["id"]: r for r in as_json(cli("list", "--json"))}
    assert again[2]["status"] == "unconfirmed" and again[1]["status"] == "unconfirmed"
    assert "retract" in cli("show", "8").stdout


def test_unlink_removes_either_direction(cli, home):
    make_worked_example(cli)
    r = cli("unlink", "6", "7")
    assert "Removed link: #7 repeats #6." in r.stderr
    record = as_json(cli("show", "7", "--json"))[0]
    assert record["links"] == [] and record["reason"] == "single source: press"


# --------------------------------------------------------------------------- filters


def test_filters(cli, home):
    cli("init", "--sample")

    def ids(*args: str) -> set[int]:
        return {r["id"] for r in as_json(cli("list", "--json", *args))}

    assert ids("--source", "ru-officials") == {5, 14}
    assert ids("--party", "none") == {7, 8, 15, 16, 17, 18, 19, 20}
    assert ids("--party", "ua") == {6, 9}
    assert ids("--kind", "government") == {5, 14}
    assert ids("--event", "belgorod-2023-12-30") == {5, 14, 16}
    assert ids("--status", "confirmed") == {2}
    assert ids("--status", "disputed", "--status", "confirmed") == {1, 2, 8}
    assert ids("--tag", "motive") == {13, 15}
    assert ids("--search", "HIMARS") == {4}
    assert ids("--since", "2024-01-01") == set()
    assert ids("--until", "2023-12-31") == set(range(1, 21))
    unconfirmed_ru = {r["id"] for r in as_json(cli("unconfirmed", "--json", "--party", "RU"))}
    assert unconfirmed_ru == {1, 3, 4, 5, 10, 11, 12, 13, 14}


# --------------------------------------------------------------------------- errors


ERRORS = [
    (["add", "x", "--source", "nobody"], 1, "unknown source 'nobody'"),
    (["add", "x", "--source", "press", "--repeats", "99"], 1, "no claim #99"),
    (["link", "3", "corroborates", "3"], 1, "cannot be linked to itself"),
    (["link", "7", "repeats", "6"], 1, "#7 already repeats #6"),
    (["link", "6", "corroborates", "7"], 1, "#7 already repeats #6"),
    (["link", "6", "repeats", "7"], 1, "#7 already repeats #6"),
    (["link", "1", "supports", "2"], 1, "unknown relation 'supports'"),
    (["link", "1", "updates", "6"], 1, "an update is a newer statement by the same source"),
    (["add", "x", "--source", "press", "--date", "31/12/2023"], 1, "bad date '31/12/2023'"),
    (["add", "x", "--source", "press", "--figure", "killed=-3"], 1, "cannot be negative"),
    (["add", "x", "--source", "press", "--figure", "killed=many"], 1, "bad figure"),
    (["add", "   ", "--source", "press"], 1, "claim text is empty"),
    (["add", "x", "--source", "press", "--url", "javascript:alert(1)"], 1, "bad url"),
    (["add", "--source", "press"], 2, "missing TEXT"),
    (["add", "x"], 2, "missing --source"),
    (["source", "add", "press", "--name", "P", "--kind", "press"], 1, "already exists"),
    (["source", "add", "x", "--name", "X", "--kind", "ministry"], 1, "unknown kind"),
    (["source", "add", "x y", "--name", "X", "--kind", "press"], 1, "bad source id"),
    (["source", "show", "nobody"], 1, "unknown source"),
    (["show", "99"], 1, "no claim #99"),
    (["unlink", "1", "2"], 1, "not linked"),
    (["retract", "99", "--note", "n"], 1, "no claim #99"),
    (["retract", "1", "--note", " "], 1, "retraction note is empty"),
    (["list", "--status", "maybe"], 1, "unknown status"),
    (["list", "--since", "last week"], 1, "bad --since date"),
    (["init"], 1, "already exists"),
    (["link", "one", "repeats", "2"], 2, "Invalid value for 'A'"),
    (["--bogus", "list"], 2, "No such option: --bogus"),
    (["frobnicate"], 2, "No such command 'frobnicate'"),
]


@pytest.mark.parametrize(("args", "code", "words"), ERRORS, ids=[" ".join(e[0]) for e in ERRORS])
def test_each_error_is_one_line_and_changes_nothing(cli, home, args, code, words):
    make_worked_example(cli)
    before = home.state()
    r = cli(*args, ok=False)
    assert r.exit_code == code, (r.stdout, r.stderr)
    assert r.stderr.startswith("Error: ") and words in r.stderr
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert home.state() == before


def test_missing_ledger(cli, db):
    for args in (["list"], ["add", "x", "--source", "s"], ["source", "list"]):
        r = cli(*args, ok=False)
        assert r.exit_code == 1
        assert r.stderr == f"Error: no ledger at {db}: run 'claim-ledger init' to create one, or pass --db\n"
    assert not db.exists()


def test_a_writer_that_cannot_get_the_lock_fails_cleanly(cli, db):
    make_worked_example(cli)
    before = db.read_bytes()
    with FileLock(str(lock_path(db))):
        r = cli("--lock-timeout", "0.2", "add", "x", "--source", "press", ok=False)
        assert r.exit_code == 1
        assert f"ledger {db} is busy" in r.stderr and "--lock-timeout" in r.stderr
        assert cli("list").exit_code == 0  # readers need no lock
    assert db.read_bytes() == before


def test_an_unexpected_failure_is_one_line_and_debug_shows_the_traceback(cli, monkeypatch):
    make_worked_example(cli)

    def boom(store):
        raise RuntimeError("kaput")

    monkeypatch.setattr("ledger.ops.report", boom)
    r = cli("list", ok=False)
    assert r.exit_code == 70
    assert r.stderr.startswith("Error: internal error: RuntimeError: kaput") and r.stderr.count("\n") == 1
    r = cli("--debug", "list", ok=False)
    assert isinstance(r.exception, RuntimeError)


def test_db_option_wins_over_the_environment(cli, tmp_path, db):
    other = tmp_path / "other.json"
    cli("--db", str(other), "init")
    assert other.exists() and not db.exists()


# --------------------------------------------------------------------------- hostile text


HOSTILE = "[bold]x[/] [/] [link=https://evil.example]click[/link] \x1b[2J\x1b]0;pwned\x07 \u202eevil"


def test_markup_and_escapes_are_shown_literally(cli, db, monkeypatch):
    make_worked_example(cli)
    cli(
        "source",
        "add",
        "мо-рф",
        "--name",
        "Міноборони [red]РФ[/red]",
        "--kind",
        "defence_ministry",
        "--party",
        "RU",
    )
    cli("add", HOSTILE, "--source", "мо-рф", "--tag", "тест")
    cli("add", "Харків: удари по житлових будинках 🏚️", "--source", "мо-рф")
    # With colour forced on, Rich writes its own styles: the user's text must still be inert.
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    for args in (["list"], ["show", "9"], ["unconfirmed"], ["source", "show", "мо-рф"], ["source", "list"]):
        out = cli(*args).stdout
        assert "\x1b[2J" not in out and "\x1b]0;" not in out and "\x07" not in out, args
        assert "\u202e" not in out, args
        plain = _strip_sgr(out)
        if args != ["source", "list"]:
            assert "[bold]x[/] [/]" in plain, args
            assert "\\x1b[2J\\x1b]0;pwned\\x07" in plain, args
            assert "\\u202eevil" in plain, args
        assert "мо-рф" in plain, args
    assert "Міноборони [red]РФ[/red]" in _strip_sgr(cli("source", "list").stdout)
    assert "Харків: удари по житлових будинках 🏚️" in _strip_sgr(cli("list").stdout)
    stored = {r["id"]: r for r in as_json(cli("list", "--json"))}
    assert stored[9]["text"] == HOSTILE and stored[10]["text"].startswith("Харків")


def test_error_messages_make_user_text_inert(cli):
    make_worked_example(cli)
    r = cli("add", "x", "--source", "press", "--figure", "k\x1b[2J=1", ok=False)
    assert "\x1b" not in r.stderr and "\\x1b[2J" in r.stderr and r.stderr.count("\n") == 1


def _strip_sgr(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


# --------------------------------------------------------------------------- prompts and help


def test_add_prompts_for_text_and_source_at_a_terminal(cli, monkeypatch):
    make_worked_example(cli)
    monkeypatch.setattr("ledger.cli.claims.stdin_is_tty", lambda: True)
    monkeypatch.setattr("ledger.cli.claims.local_today", lambda: date(2024, 1, 5))
    # text, source, then Enter for date, event, figures, url, links, and "Save this claim?"
    r = cli("add", input="A school was hit in Saltivka\npress\n" + "\n" * 6)
    assert "kharkiv-rma, press, ru-mod, ru-officials" in r.stderr  # the known ids are offered
    assert "Date (YYYY-MM-DD) [2024-01-05]" in r.stderr
    record = as_json(cli("show", "9", "--json"))[0]
    assert (record["text"], record["source"], record["date"]) == (
        "A school was hit in Saltivka",
        "press",
        "2024-01-05",
    )


def test_the_questions_skip_what_the_command_line_gave(cli, monkeypatch):
    make_worked_example(cli)
    monkeypatch.setattr("ledger.cli.claims.stdin_is_tty", lambda: True)
    monkeypatch.setattr("ledger.cli.claims.local_today", lambda: date(2024, 1, 5))
    # asked: text, date, event ('-': none), figures, url, and Save; not the source, not the links
    r = cli(
        "add",
        "--source",
        "press",
        "--repeats",
        "6",
        "--tag",
        "t1",
        input="Homes burned in Saltivka\n\n-\n\n\ny\n",
    )
    assert "Source (" not in r.stderr and "Links to earlier" not in r.stdout
    assert "Link:    it repeats #6" in r.stderr
    record = as_json(cli("show", "9", "--json"))[0]
    assert (record["source"], record["date"], record["event"], record["tags"]) == (
        "press",
        "2024-01-05",
        None,
        ["t1"],
    )


def test_the_questions_do_not_flag_a_claim_the_command_line_links_to(cli, monkeypatch):
    make_worked_example(cli)
    monkeypatch.setattr("ledger.cli.claims.stdin_is_tty", lambda: True)
    six = as_json(cli("show", "6", "--json"))[0]["text"]
    r = cli("add", "--source", "press", "--repeats", "6", input=f"{six}\n" + "\n" * 5)
    assert "nearly repeats" not in r.stderr and "Linked: #9 repeats #6." in r.stderr


def test_add_with_text_but_no_source_asks_only_for_the_source(cli, monkeypatch):
    make_worked_example(cli)
    monkeypatch.setattr("ledger.cli.claims.stdin_is_tty", lambda: True)
    r = cli("add", "A school was hit in Saltivka", "--date", "2024-01-01", input="press\n")
    assert "Date (" not in r.stderr
    record = as_json(cli("show", "9", "--json"))[0]
    assert (record["source"], record["date"]) == ("press", "2024-01-01")


def _commands(group, path=()):
    for name, command in group.commands.items():
        yield (*path, name), command
        if hasattr(command, "commands"):
            yield from _commands(command, (*path, name))


def test_every_command_and_option_has_help_and_an_example(cli):
    from ledger.cli import app

    root = typer.main.get_command(app)
    seen = set()
    for path, command in _commands(root):
        seen.add(" ".join(path))
        r = cli(*path, "--help")
        assert "Usage:" in r.stdout
        if hasattr(command, "commands"):
            assert command.help, path
            continue
        assert "Example: claim-ledger" in (command.help or ""), path
        for param in command.params:
            if param.name != "help" and param.param_type_name == "option":
                assert getattr(param, "help", None), (path, param.name)
            if param.param_type_name == "argument":
                assert getattr(param, "help", None), (path, param.name)
    assert {
        "demo",
        "init",
        "add",
        "link",
        "unlink",
        "retract",
        "list",
        "show",
        "unconfirmed",
        "disputed",
        "source add",
        "source list",
        "source show",
        "figures",
        "export",
        "import",
        "check",
        "edit",
        "history",
        "delete",
    } <= seen


def test_version_and_help(cli):
    from ledger import __version__

    assert cli("--version").stdout == f"claim-ledger {__version__}\n"
    assert "demo" in cli("--help").stdout


def test_figures_and_provenance_are_stored(cli, db):
    make_worked_example(cli)
    cli(
        "add",
        "Toll rises",
        "--source",
        "kharkiv-rma",
        "--figure",
        "killed=20..30",
        "--url",
        "https://t.me/synegubov/1",
        "--archive-url",
        "https://archive.ph/abc",
        "--retrieved-at",
        "2024-01-02T09:30",
        "--quote",
        "«загинули»",
        "--location",
        "Borova",
        "--date",
        "2023-12-31",
        "--event",
        "Kharkiv-2023-12-31",
        "--tag",
        "toll",
        "--tag",
        "toll",
    )
    record = as_json(cli("show", "9", "--json"))[0]
    assert record["figures"][0]["text"] == "killed=20..30"
    assert record["event"] == "kharkiv-2023-12-31" and record["tags"] == ["toll"]
    assert record["retrieved_at"] == "2024-01-02T09:30:00" and record["quote"] == "«загинули»"


def test_python_dash_m_runs_the_same_program(tmp_path: Path):
    import subprocess
    import sys

    r = subprocess.run(
        [sys.executable, "-m", "ledger", "--version"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert r.stdout.startswith("claim-ledger ")


def test_tables_fit_80_columns(cli, monkeypatch):
    cli("init", "--sample")
    monkeypatch.setenv("COLUMNS", "80")
    for args in (["list"], ["unconfirmed"], ["disputed"], ["show", "8"], ["source", "list"]):
        out = cli(*args).stdout
        assert max(len(line) for line in out.splitlines()) <= 80, args
    rows = cli("unconfirmed").stdout
    for cid in (1, 3, 4, 5, 6, 7, 8, 9, 20):
        assert f"\n {cid:>2} " in rows or f"\n{cid:>3} " in rows, cid


def test_without_db_or_env_the_ledger_lives_in_the_user_data_dir(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("CLAIM_LEDGER_DB")
    r = cli("init")
    expected = tmp_path / "xdg-data" / "claim-ledger" / "ledger.json"
    assert expected.exists() and str(expected) in r.stderr


def test_db_accepts_home_relative_paths(cli, tmp_path, monkeypatch):
    (tmp_path / "home").mkdir()
    cli("--db", "~/desk.json", "init")
    assert (tmp_path / "home" / "desk.json").exists()


def test_leaving_the_prompt_changes_nothing(cli, db, monkeypatch):
    make_worked_example(cli)
    before = db.read_bytes()
    monkeypatch.setattr("ledger.cli.claims.stdin_is_tty", lambda: True)
    r = cli("add", input="")  # Ctrl-D at the first prompt: leaving on purpose, not an error
    assert r.exit_code == 0 and "Error" not in r.stderr
    assert r.stderr.strip().endswith("Not saved: the ledger is as it was.")
    assert db.read_bytes() == before


def test_an_empty_ledger_says_what_to_do_next(cli):
    cli("init")
    r = cli("list")
    assert "0 claims" in r.stdout and "claim-ledger add" in r.stderr
    assert "claim-ledger source add" in cli("source", "list").stderr
    assert as_json(cli("unconfirmed", "--json")) == []


def test_the_guide_lists_every_command(cli):
    """The guide's command list stays true as commands are added."""
    from ledger.cli import app

    readme = (Path(__file__).parents[1] / "docs" / "guide.md").read_text(encoding="utf-8")
    block = readme.split("## Commands at a glance", 1)[1].split("```", 2)[1]
    listed = {
        " ".join(line.split()[:2])
        if line.split()[0] in ("source", "party", "metric", "team")
        else line.split()[0]
        for line in block.splitlines()[1:]
        if line.startswith("  ") and not line.startswith("    ")
    }
    root = typer.main.get_command(app)
    commands = {" ".join(path) for path, command in _commands(root) if not hasattr(command, "commands")}
    assert commands == listed


def test_progress_is_drawn_only_for_work_that_outlasts_a_second(monkeypatch):
    """A quick command at a terminal never flickers a bar; a long one gets it after SHOW_AFTER."""
    from ledger.cli import context, progress

    monkeypatch.setattr(context, "stderr_is_tty", lambda: True)
    started = []
    monkeypatch.setattr("rich.progress.Progress.start", lambda self: started.append(self))
    with progress.progress() as bar:
        bar.stage("Checking 3 rows", total=3)
        bar.advance(3)
    assert started == []  # done before SHOW_AFTER: never shown
    monkeypatch.setattr(progress, "SHOW_AFTER", 0.01)
    with progress.progress() as bar:
        bar.stage("Writing the ledger")
        deadline = time.monotonic() + 10
        while not started and time.monotonic() < deadline:
            time.sleep(0.01)
    assert len(started) == 1


def test_only_the_command_that_runs_is_built(cli, db):
    """Typer builds every command's parameters from its signature at each start; ours builds
    the one that runs (ledger/cli/lazy.py). If a Typer upgrade moved the hook, this fails
    (pyproject pins Typer < 0.30)."""
    from ledger.cli import app
    from ledger.cli.lazy import Deferred

    cli("init")
    root = typer.main.get_command(app)
    built = lambda group: {n for n in group.commands if not isinstance(dict.get(group.commands, n), Deferred)}  # noqa: E731
    assert built(root) == {"party", "metric", "source", "team"}  # groups: their commands wait too
    assert root.main(["--db", str(db), "path"], standalone_mode=False) == 0
    assert built(root) == {"path", "party", "metric", "source", "team"}
    source = root.commands["source"]
    assert built(source) == set()
    assert root.main(["--db", str(db), "source", "list"], standalone_mode=False) == 0
    assert built(source) == {"list"}
    assert [name for name, command in root.commands.items() if isinstance(command, Deferred)] == []
    assert root.get_command(typer.Context(root), "add").params  # looked up: built whole
