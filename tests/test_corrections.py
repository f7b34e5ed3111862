"""edit, history and delete: corrections leave a trace, and a deletion needs confirmation."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def desk(cli, home):
    """A small desk's ledger, once in a file and once in PostgreSQL (conftest's ``home``)."""
    cli("init")
    cli("party", "add", "UA")
    cli("source", "add", "a", "--name", "A", "--kind", "press")
    cli("source", "add", "b", "--name", "B", "--kind", "military", "--party", "UA")
    cli("add", "Toll is 21", "--source", "a", "--date", "2023-12-30", "--figure", "killed=21", "--tag", "x")
    cli("add", "Toll is 24", "--source", "b", "--corroborates", "1")
    return home


def test_edit_changes_only_what_is_given_and_history_keeps_old_and_new(cli, desk):
    r = cli("edit", "1", "--text", "Toll is 25", "--figure", "killed=25", "--date", "")
    assert r.stderr == "Edited #1: text, date, figures. 'claim-ledger history 1' shows the old values.\n"
    (record,) = [c for c in json.loads(cli("list", "--json").stdout) if c["id"] == 1]
    assert (record["text"], record["date"], record["tags"]) == ("Toll is 25", None, ["x"])
    assert [f["text"] for f in record["figures"]] == ["killed=25"]
    entries = json.loads(cli("history", "1", "--json").stdout)
    assert [e["action"] for e in entries] == ["add", "link", "edit"]
    assert entries[-1]["detail"] == {
        "old": {"text": "Toll is 21", "date": "2023-12-30", "figures": ["killed=21"]},
        "new": {"text": "Toll is 25", "date": None, "figures": ["killed=25"]},
    }
    assert "text: Toll is 21 → Toll is 25" in cli("history", "1").stdout
    assert cli("check").stdout == ""  # the history chain still holds


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["edit", "1", "--date", "2023-12-30"], 1, "Error: nothing to change: claim #1 already says that\n"),
        (["edit", "1", "--date", "30/12/2023"], 1, "Error: bad date '30/12/2023': use YYYY-MM-DD"),
        (["edit", "1", "--source", "ghost"], 1, "Error: unknown source 'ghost'"),
        (["edit", "9", "--text", "x"], 1, "Error: no claim #9"),
        (["edit", "1", "--no-tags", "--tag", "y"], 2, "Error: --tag and --no-tags contradict each other"),
        (["delete", "1"], 2, "Error: deleting claim #1 needs confirmation: pass --yes\n"),
    ],
)
def test_corrections_that_cannot_be_made_change_nothing(cli, desk, args, code, message):
    before = desk.state()
    r = cli(*args, ok=False)
    assert r.exit_code == code and r.stderr.startswith(message)
    assert desk.state() == before


def test_an_update_binds_the_source(cli, desk):
    cli("add", "Toll is 22", "--source", "a", "--event", "e", "--updates", "1")
    r = cli("edit", "3", "--source", "b", ok=False)
    assert r.exit_code == 1 and "unlink them first ('claim-ledger unlink 3 1')" in r.stderr


def test_delete_removes_the_claim_and_its_links_and_history_keeps_them(cli, desk):
    r = cli("delete", "1", "--yes")
    assert r.stderr == "Deleted claim #1 and 1 link(s); 'claim-ledger history 1' keeps what it said.\n"
    assert [c["id"] for c in json.loads(cli("list", "--json").stdout)] == [2]
    entries = json.loads(cli("history", "1", "--json").stdout)
    assert entries[-1]["action"] == "delete"
    assert entries[-1]["detail"]["claim"]["text"] == "Toll is 21"
    assert entries[-1]["detail"]["links"][0]["relation"] == "corroborates"
    assert "deleted: 'Toll is 21' (a) and 1 link(s)" in cli("history", "1").stdout
    assert cli("check").stdout == ""


def test_deleted_ids_are_never_given_again(cli, desk):
    cli("delete", "2", "--yes")
    r = cli("add", "another", "--source", "a")
    assert r.stderr.startswith("Added claim #3 ")


def test_delete_asks_at_a_terminal(cli, desk, monkeypatch):
    monkeypatch.setattr("ledger.cli.corrections.stdin_is_tty", lambda: True)
    before = desk.state()
    r = cli("delete", "1", input="n\n", ok=False)
    assert r.exit_code == 1 and 'Delete claim #1 "Toll is 21" and its 1 link(s)? [y/N]' in r.stdout
    assert r.stderr == "Kept claim #1: nothing was deleted.\n"
    assert desk.state() == before
    cli("delete", "1", input="y\n")
    assert [c["id"] for c in json.loads(cli("list", "--json").stdout)] == [2]


DAMAGED = [
    ("truncated", b'{"sources": {}, "claims": {"1": {"text": "cut', "is not valid JSON"),
    ("empty", b"", "is empty"),
    ("not json", b"hello", "is not valid JSON"),
    ("wrong shape", b"[]", "is not a claim-ledger file"),
    ("foreign", b'{"_default": {"1": {"a": 1}}}', "is not a claim-ledger ledger"),
    ("newer", b'{"meta": {"1": {"app": "claim-ledger", "schema": 99}}}', "written by a newer claim-ledger"),
]


@pytest.mark.parametrize(("what", "content", "words"), DAMAGED, ids=[d[0] for d in DAMAGED])
def test_a_damaged_or_foreign_ledger_gets_one_line_naming_it_and_stays_as_it_was(
    cli, db, what, content, words
):
    db.write_bytes(content)
    for args in (["list"], ["add", "x", "--source", "a"], ["check"], ["export", "json"]):
        r = cli(*args, ok=False)
        assert r.exit_code == 1 and r.stdout == "", (what, args)
        assert r.stderr.startswith("Error: ") and r.stderr.count("\n") == 1 and str(db) in r.stderr
        assert words in r.stderr, r.stderr
        assert db.read_bytes() == content


def test_a_missing_folder_and_a_read_only_ledger_are_refused_and_untouched(cli, db, tmp_path):
    r = cli("--db", str(tmp_path / "nowhere" / "ledger.json"), "init", ok=False)
    assert r.exit_code == 1 and "folder" in r.stderr and "does not exist" in r.stderr
    assert not (tmp_path / "nowhere").exists()
    cli("init")
    db.chmod(0o400)
    before = db.read_bytes()
    r = cli("source", "add", "a", "--name", "A", "--kind", "press", ok=False)
    assert r.exit_code == 1 and "read-only" in r.stderr and db.read_bytes() == before
