"""What a new user tripped over, each fixed and held here (issue "House in order")."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from .conftest import installed_command
from .test_cli import make_worked_example


def _commands(group, path=()):
    for name, command in group.commands.items():
        yield (*path, name), command
        if hasattr(command, "commands"):
            yield from _commands(command, (*path, name))


# --------------------------------------------------------------------------- help


@pytest.mark.parametrize("args", [[], ["source"]])
def test_a_group_with_nothing_to_do_prints_its_help_as_help(cli, args):
    r = cli(*args, ok=False)
    assert r.exit_code == 2
    assert "\\x0a" not in r.stderr and "Error" not in r.stderr
    lines = r.stderr.splitlines()
    assert lines[0].startswith("Usage: claim-ledger") and "Commands:" in lines


def test_a_missing_argument_is_one_readable_line(cli):
    r = cli("export", ok=False)
    assert r.exit_code == 2 and r.stderr.count("\n") == 1
    assert "\\x0a" not in r.stderr and "\\x09" not in r.stderr
    assert "Missing argument 'FORMAT'" in r.stderr and "markdown, json, csv, claimreview, misp" in r.stderr


def _help(cli, path, width):
    from typer.testing import CliRunner

    from ledger.cli import app

    r = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": str(width)})
    assert r.exit_code == 0, r.output
    return r.stdout


@pytest.mark.parametrize("width", [80, 100])
def test_help_at_any_width_cuts_no_summary_and_names_values_plainly(width):
    from ledger.cli import app, helpfmt

    group = app_group(app)
    for path, _ in [((), None), *_commands(group)]:
        shown = _help(None, list(path), width)
        assert "<str>" not in shown and "<int>" not in shown, (path, shown)
        assert not re.search(r"\{[A-Z]+\}", shown), (path, shown)  # {N} in the usage line
        commands = shown.split("Commands:\n", 1)
        if len(commands) == 2:  # a group: every command's summary whole, none cut with "..."
            listed = [line for line in commands[1].splitlines() if line.strip()]
            assert listed and not [line for line in listed if line.rstrip().endswith("...")], listed
            assert all(len(line) <= width for line in listed)
    assert all(len(summary) <= 60 for summary in helpfmt.SUMMARIES.values())


def app_group(app):
    import typer.main

    return typer.main.get_command(app)


def test_figures_help_says_what_its_json_holds():
    shown = _help(None, ["figures"], 100)
    assert "JSON array of metrics" in shown and "array of claims" not in shown


# --------------------------------------------------------------------------- output for scripts


def test_add_prints_the_new_id_on_stdout_and_json_on_request(cli):
    make_worked_example(cli)
    r = cli("add", "A new claim about the strike", "--source", "press")
    assert r.stdout == "9\n" and "Added claim #9 (press)." in r.stderr
    r = cli("add", "Another claim about the strike", "--source", "press", "--json")
    record = json.loads(r.stdout)
    assert (record["id"], record["text"], record["status"]) == (
        10,
        "Another claim about the strike",
        "unconfirmed",
    )
    assert record == json.loads(cli("show", "10", "--json").stdout)[0]


def test_source_list_and_show_speak_json(cli):
    make_worked_example(cli)
    listed = json.loads(cli("source", "list", "--json").stdout)
    assert [s["id"] for s in listed] == ["kharkiv-rma", "press", "ru-mod", "ru-officials"]
    ru_mod = next(s for s in listed if s["id"] == "ru-mod")
    assert (ru_mod["kind"], ru_mod["party"], ru_mod["claim_count"]) == ("defence_ministry", "RU", 4)
    assert sum(ru_mod["statuses"].values()) == 4 and ru_mod["statuses"]["confirmed"] == 1
    shown = json.loads(cli("source", "show", "ru-mod", "--json").stdout)
    assert [c["id"] for c in shown["claims"]] == [1, 2, 3, 4]
    assert shown["claims"][1]["status"] == "confirmed" and shown["history"][0]["action"] == "source-add"


def test_dash_means_standard_output(cli, tmp_path, monkeypatch):
    make_worked_example(cli)
    monkeypatch.chdir(tmp_path)
    r = cli("export", "csv", "-o", "-")
    assert r.stdout.startswith("id,text,source") and not (tmp_path / "-").exists()
    assert r.stdout == cli("export", "csv").stdout


def test_history_shows_values_as_they_are_typed(cli):
    make_worked_example(cli)
    cli("edit", "5", "--figure", "killed=25", "--tag", "belgorod")
    cli("retract", "5", "--note", "withdrawn")
    shown = cli("history", "5").stdout
    assert "figures: killed=24, children_killed=3, injured=108 → killed=25" in shown
    assert "tags: (none) → belgorod" in shown and "retraction_note: (none) → withdrawn" in shown
    assert "None" not in shown and "[" not in shown and "'" not in shown


def test_piped_tables_carry_no_trailing_spaces(cli):
    make_worked_example(cli)
    for args in (["list"], ["unconfirmed"], ["disputed"], ["figures"], ["show", "8"], ["source", "list"]):
        out = cli(*args).stdout
        assert out and not [line for line in out.splitlines() if line != line.rstrip()], args


def test_source_list_breaks_no_word_at_80_columns(cli, monkeypatch):
    cli("init", "--sample")
    monkeypatch.setenv("COLUMNS", "80")
    out = cli("source", "list").stdout
    assert max(len(line) for line in out.splitlines()) <= 80
    words = {w for line in out.splitlines() for w in line.split()}
    assert {"regional", "administration", "Administration", "ministry"} <= words  # whole words


# --------------------------------------------------------------------------- typing a claim in


@pytest.fixture
def at_a_terminal(monkeypatch):
    monkeypatch.setattr("ledger.cli.claims.stdin_is_tty", lambda: True)


def test_an_unknown_source_is_created_while_adding(cli, db, at_a_terminal):
    make_worked_example(cli)
    # text, a new source id, yes, name, kind, party, then Enter for the rest, and Save
    answers = ["Police counted three impacts", "ua-police", "y", "National Police", "government", "UA"]
    r = cli("add", input="\n".join(answers) + "\n" * 7)
    assert r.stdout.endswith("9\n") and "Added source ua-police." in r.stderr
    source = json.loads(cli("source", "show", "ua-police", "--json").stdout)
    assert (source["name"], source["kind"], source["party"]) == ("National Police", "government", "UA")
    assert [c["id"] for c in source["claims"]] == [9]
    entries = json.loads(db.read_bytes())["history"]
    assert [e["action"] for e in entries.values()][-2:] == ["source-add", "add"]


def test_a_new_source_declined_is_asked_again_and_nothing_is_created(cli, db, at_a_terminal):
    make_worked_example(cli)
    r = cli("add", "A claim typed with a source", input="nobody\nn\npress\n")
    assert r.stdout == "9\n" and "no source 'nobody' yet" in r.stderr
    assert "nobody" not in db.read_text()


@pytest.mark.parametrize(
    ("answers", "why"),
    [("The former Kharkiv Palace hotel was hit\npress\nq\n", "q at a near duplicate"), ("", "Ctrl-D")],
)
def test_leaving_the_questions_on_purpose_is_not_an_error(cli, db, at_a_terminal, answers, why):
    cli("init", "--sample")
    before = db.read_bytes()
    r = cli("add", input=answers)
    assert r.exit_code == 0, why
    assert "Error" not in r.stderr and r.stderr.rstrip().endswith("Not saved: the ledger is as it was.")
    assert db.read_bytes() == before


def test_init_sample_beside_a_ledger_says_how(cli, db):
    cli("init")
    r = cli("init", "--sample", ok=False)
    assert r.exit_code == 1
    assert f"claim-ledger --db {db.with_name('sample.json')} init --sample" in r.stderr
    r = cli("--db", str(db.with_name("sample.json")), "init", "--sample")
    assert "with the sample" in r.stderr


@pytest.mark.e2e
def test_bare_command_in_a_real_process(tmp_path):
    done = subprocess.run([installed_command()], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.startswith("Usage: claim-ledger")
    assert "\\x0a" not in done.stderr and "Traceback" not in done.stderr


@pytest.mark.e2e
def test_an_argument_that_is_not_utf8_is_a_usage_error(tmp_path):
    env = {**__import__("os").environ, "CLAIM_LEDGER_DB": str(tmp_path / "l.json")}
    subprocess.run([installed_command(), "init", "--sample"], env=env, check=True, capture_output=True)
    before = (tmp_path / "l.json").read_bytes()
    for args in ([b"add", b"caf\xe9", b"--source", b"press"], [b"list", b"--search", b"\xff"]):
        done = subprocess.run([installed_command().encode(), *args], env=env, capture_output=True, timeout=60)
        err = done.stderr.decode("utf-8")
        assert done.returncode == 2 and err.count("\n") == 1 and "is not valid UTF-8 text" in err, err
        assert "internal error" not in err and "Traceback" not in err
    assert (tmp_path / "l.json").read_bytes() == before


def test_ctrl_c_after_the_ledger_is_saved_says_it_is_saved(cli, db, monkeypatch):
    """An interrupt once the new ledger is in place must not say "nothing was changed": the user
    would run the command again and record the claim twice."""
    from ledger import storage

    cli("init", "--sample")
    write = storage.atomic_write

    def then_ctrl_c(*args, **kwargs):
        write(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(storage, "atomic_write", then_ctrl_c)
    r = cli("add", "Saved just before Ctrl-C", "--source", "press")
    assert r.exit_code == 0 and "Interrupted after the change was saved" in r.stderr
    assert "nothing was changed" not in r.stderr
    monkeypatch.setattr(storage, "atomic_write", write)
    assert "Saved just before Ctrl-C" in cli("list", "--search", "Ctrl-C").stdout


def test_ctrl_c_wrapped_by_python_is_still_an_interrupt(cli, db, monkeypatch):
    """Ctrl-C landing while a library builds a class reaches us as ``RuntimeError: Error calling
    __set_name__`` with the interrupt as its cause (seen in CI, in Typer loading pydantic): the
    user pressed Ctrl-C, so it is the interrupt's one line and exit 130, not an internal error."""
    from ledger import storage

    cli("init", "--sample")
    before = db.read_bytes()

    def wrapped_ctrl_c(*args, **kwargs):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as interrupt:
            raise RuntimeError("Error calling __set_name__ on 'cached_property'") from interrupt

    monkeypatch.setattr(storage, "atomic_write", wrapped_ctrl_c)
    r = cli("add", "Never saved", "--source", "press", ok=False)
    assert r.exit_code == 130 and r.stderr.strip() == "Error: interrupted: nothing was changed", r.stderr
    assert db.read_bytes() == before


def test_an_interrupt_python_could_not_raise_is_raised_after_the_hook_returns():
    """Ctrl-C landing in an import lock's callback reaches sys.unraisablehook; sent again from
    inside the hook, it was raised there and Python printed a traceback (seen in CI). It is
    raised a moment later, where the program can take it."""
    script = """
import sys, time
from ledger import launch
class Unraisable:
    exc_value = KeyboardInterrupt()
launch._interrupt_again(Unraisable())
print("hook returned", flush=True)
try:
    time.sleep(2)
except KeyboardInterrupt:
    print("interrupted after", flush=True)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines() == ["hook returned", "interrupted after"] and done.stderr == ""


@pytest.mark.e2e
def test_ctrl_c_while_starting_up_prints_no_traceback(tmp_path):
    """From the moment our code runs (the interpreter's own first milliseconds, its site
    import, are CPython's: a signal there is its to report), Ctrl-C is one line, never a
    traceback: while loading the command line, parsing it, reading the ledger."""
    import os
    import signal
    import statistics
    import sys
    import time

    def python_starts() -> float:
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        return time.perf_counter() - began

    ours = statistics.median(python_starts() for _ in range(5))
    env = {**os.environ, "CLAIM_LEDGER_DB": str(tmp_path / "l.json")}
    for n in range(30):
        proc = subprocess.Popen([installed_command(), "list"], env=env, stderr=subprocess.PIPE, text=True)
        time.sleep(1.3 * ours + 0.01 + 0.003 * n)  # past the interpreter's start, 90 ms on
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert "Traceback" not in err and proc.returncode in (1, 130), (n, proc.returncode, err)
