"""Curating sources: ``source edit`` (recorded in history) and ``source list`` by status."""

from __future__ import annotations

import json

import pytest

from ledger import ops
from ledger.model import Status
from ledger.report import statuses_by_source
from ledger.store import memory_store

from .conftest import NOW


@pytest.fixture
def sample(cli):
    cli("init", "--sample")
    return cli


def _source(cli, source_id: str) -> dict:
    doc = json.loads(cli("export", "json", "--include-confidential").stdout)
    return next(s for s in doc["sources"] if s["id"] == source_id)


def _status(cli, claim_id: int) -> str:
    doc = json.loads(cli("show", str(claim_id), "--json").stdout)
    return doc[0]["status"]


def test_edit_changes_only_the_fields_given_and_history_keeps_the_old_ones(sample, db):
    before = _source(sample, "press")
    result = sample("source", "edit", "press", "--reliability", "b", "--notes", "Kyiv desk")
    assert "Changed press reliability: F -> B." in result.stderr
    after = _source(sample, "press")
    assert after == {**before, "reliability": "B", "notes": "Kyiv desk"}
    history = json.loads(db.read_text())["history"]
    last = history[str(max(map(int, history)))]
    assert last["action"] == "source-edit" and last["source"] == "press"
    assert last["detail"] == {
        "old": {"reliability": "F", "notes": None},
        "new": {"reliability": "B", "notes": "Kyiv desk"},
    }
    shown = sample("source", "show", "press").stdout
    assert "source-edit" in shown and "Kyiv desk" in shown
    assert sample("check", ok=False).exit_code == 0  # the hash chain still holds


def test_a_new_party_changes_which_claims_confirm_each_other(sample):
    # The press (unaligned) confirms ru-mod's "the hotel was hit" (DESIGN §3, claim 2).
    confirmed = json.loads(sample("list", "--status", "confirmed", "--json").stdout)
    hotel = next(c for c in confirmed if c["source"] == "ru-mod")
    result = sample("source", "edit", "press", "--party", "RU")
    assert "Statuses follow the new party" in result.stderr
    assert _status(sample, hotel["id"]) == "unconfirmed"  # two sources of one party
    sample("source", "edit", "press", "--party", "")  # '' makes it unaligned again
    assert _source(sample, "press")["party"] is None
    assert _status(sample, hotel["id"]) == "confirmed"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "--name", "X"], "unknown source 'nope'"),
        (["press", "--kind", "blog"], "kind"),
        (["press", "--reliability", "Z"], "reliability"),
        (["press", "--name", ""], "source name is empty"),
        (["press", "--url", "ftp://x"], "url"),
        (["press", "--reliability", "F"], "nothing to change"),
        (["press"], "nothing to change"),
    ],
)
def test_bad_edits_change_nothing(sample, db, args, message):
    before = db.read_bytes()
    result = sample("source", "edit", *args, ok=False)
    assert result.exit_code != 0
    assert result.stderr.startswith("Error:") and message in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert db.read_bytes() == before


def test_a_source_made_confidential_again_gets_its_old_pseudonym_and_nobody_else_does(sample):
    sample("source", "edit", "press", "--confidential")
    assert _source(sample, "press")["pseudonym"] == "source-1"
    result = sample("source", "edit", "press", "--not-confidential")
    assert "no longer confidential" in result.stderr
    assert "pseudonym" not in _source(sample, "press")
    # source-1 was published for the press: a new confidential source gets another name...
    sample("source", "add", "fixer", "--name", "A fixer", "--kind", "eyewitness", "--confidential")
    assert _source(sample, "fixer")["pseudonym"] == "source-2"
    # ...nobody may take it as an id...
    taken = sample("source", "add", "source-1", "--name", "X", "--kind", "osint", ok=False)
    assert taken.exit_code != 0 and "pseudonym" in taken.stderr
    # ...and the press gets it back, so older reports keep meaning the same source.
    sample("source", "edit", "press", "--confidential")
    assert _source(sample, "press")["pseudonym"] == "source-1"
    report = sample("export", "markdown").stdout
    assert "source-1" in report and "The seed article" not in report


def test_list_counts_each_sources_claims_by_status(sample, sample_report):
    counts = sample_report.statuses_by_source()
    assert counts["ru-mod"][Status.confirmed] == 1 and counts["ru-mod"][Status.disputed] == 1
    assert sum(sum(c.values()) for c in counts.values()) == len(sample_report.claims)
    shown = sample("source", "list").stdout
    ru_mod = shown[shown.index("ru-mod") :].split("ru-officials")[0]
    for status, n in counts["ru-mod"].items():
        assert (f"{n} {status.value}" in ru_mod) == (n > 0)


def test_statuses_by_source_is_pure_and_counts_every_claim():
    store = memory_store()
    ops.add_source(store, "a", name="A", kind="press", now=NOW)
    ops.add_source(store, "b", name="B", kind="press", now=NOW)
    one = ops.add_claim(store, "x", source="a", now=NOW).claim
    ops.add_claim(store, "y", source="b", now=NOW, contradicts=[one.id])
    report = ops.report(store)
    counts = statuses_by_source((c.source, report.assessments[c.id].status) for c in report.claims.values())
    assert counts == report.statuses_by_source()
    assert counts["a"][Status.disputed] == 1 and counts["b"][Status.disputed] == 1
    assert all(n == 0 for st, n in counts["a"].items() if st is not Status.disputed)
