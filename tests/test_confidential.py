"""Confidential sources: exports name them by a stable pseudonym and leave out what identifies them."""

from __future__ import annotations

import csv
import io
import json

import pytest

SECRET = [
    "informant-k",
    "Major K., Kharkiv garrison",
    "https://t.me/secret_channel",
    "met twice in Izium",
    "https://t.me/secret_channel/42",
    "he said: fifteen launchers",
]


@pytest.fixture
def desk(cli, db):
    cli("init")
    cli("party", "add", "UA")
    r = cli(
        "source",
        "add",
        "informant-k",
        "--name",
        "Major K., Kharkiv garrison",
        "--kind",
        "military",
        "--party",
        "UA",
        "--url",
        "https://t.me/secret_channel",
        "--notes",
        "met twice in Izium",
        "--confidential",
    )
    assert r.stderr == "Added source informant-k (military, UA); exports call it source-1.\n"
    cli("source", "add", "wire", "--name", "Wire", "--kind", "news_agency")
    cli(
        "add",
        "Fifteen launchers were hit near Izium",
        "--source",
        "informant-k",
        "--event",
        "izium",
        "--url",
        "https://t.me/secret_channel/42",
        "--quote",
        "he said: fifteen launchers",
        "--figure",
        "launchers=15",
    )
    cli("add", "Launchers were hit near Izium", "--source", "wire", "--event", "izium", "--corroborates", "1")
    return db


@pytest.mark.parametrize("fmt", ["markdown", "csv", "json"])
def test_exports_name_a_confidential_source_only_by_its_pseudonym(cli, desk, fmt):
    out = cli("export", fmt, *(["--graph"] if fmt == "markdown" else [])).stdout
    for secret in SECRET:
        assert secret not in out, (fmt, secret)
    assert "source-1" in out
    assert "Fifteen launchers were hit near Izium" in out  # the claim itself is reported
    shown = cli("export", fmt, "--include-confidential").stdout
    assert all(secret in shown for secret in SECRET[:2])


def test_the_verdict_and_reason_use_the_pseudonym(cli, desk):
    rows = list(csv.DictReader(io.StringIO(cli("export", "csv").stdout)))
    assert [(r["source"], r["source_party"], r["status"], r["url"]) for r in rows] == [
        # the wire corroborates the assertion, but states no figure: the fifteen stay unconfirmed
        ("source-1", "UA", "partly confirmed", ""),
        ("wire", "", "confirmed", ""),
    ]
    assert rows[0]["reason"] == "corroborated by #2 (wire, unaligned); launchers: no independent figure"
    assert rows[1]["reason"] == "confirmed by #1 (source-1, UA)"


def test_a_redacted_json_export_says_it_is_no_backup_and_holds_no_history(cli, desk):
    doc = json.loads(cli("export", "json").stdout)
    assert "not a backup" in doc["confidential"] and "history" not in doc
    assert [s["id"] for s in doc["sources"]] == ["source-1", "wire"]
    full = json.loads(cli("export", "json", "--include-confidential").stdout)
    assert "confidential" not in full and full["history"]
    assert full["sources"][0]["pseudonym"] == "source-1"


def test_filters_still_find_the_source_and_pseudonyms_stay_put(cli, desk):
    rows = list(csv.DictReader(io.StringIO(cli("export", "csv", "--source", "informant-k").stdout)))
    assert [r["source"] for r in rows] == ["source-1"]
    r = cli("source", "add", "handler", "--name", "H", "--kind", "other", "--confidential")
    assert r.stderr.endswith("exports call it source-2.\n")
    rows = list(csv.DictReader(io.StringIO(cli("export", "csv").stdout)))
    assert rows[0]["source"] == "source-1"
    r = cli("source", "add", "source-1", "--name", "X", "--kind", "press", ok=False)
    assert r.exit_code == 1 and "pseudonym of a confidential source" in r.stderr


def test_the_analyst_still_sees_the_real_source_at_the_terminal(cli, desk):
    assert "informant-k" in cli("list").stdout
    shown = cli("source", "show", "informant-k").stdout
    assert "Major K., Kharkiv garrison" in shown and "source-1" in shown


@pytest.mark.parametrize("fmt", ["markdown", "json", "csv", "misp", "claimreview"])
def test_filters_and_retraction_notes_name_no_confidential_source(cli, desk, fmt):
    cli("retract", "1", "--note", "withdrawn by Maj K on Signal")
    out = cli("export", fmt, "--source", "informant-k").stdout
    assert "informant-k" not in out and "Maj K" not in out, fmt
    if fmt == "markdown":
        assert "Filters: source: source-1." in out
    if fmt == "json":
        assert json.loads(out)["filters"] == ["source: source-1"]
    every = cli("export", fmt).stdout
    assert "Maj K" not in every and "Signal" not in every
    assert "Maj K" in cli("export", fmt, "--include-confidential").stdout or fmt in (
        "claimreview",
        "markdown",
    )


def _rows(db) -> dict:
    return json.loads(db.read_text(encoding="utf-8"))


def _as_public(data: dict) -> dict:
    from ledger import privacy

    public = privacy.public_rows(data)
    return {table: {**rows, **public.get(table, {})} for table, rows in data.items()}


def test_a_team_ledger_s_rows_for_readers_hold_nothing_that_identifies(cli, desk):
    """What a PostgreSQL reader without the confidential level is given (ledger.privacy.public_rows,
    the rule pgstore applies): none of the source's secrets in any table, the history still one
    chain, and the rule applied again changes nothing (an editor's refusal relies on it)."""
    from ledger import privacy
    from ledger.model import HistoryEntry, chain_break

    cli("add", "The wire again", "--source", "wire", "--event", "izium")
    cli("link", "3", "repeats", "1", "--note", "the wire had it from Major K.")
    cli("retract", "1", "--note", "Major K., Kharkiv garrison took it back")
    cli("source", "edit", "informant-k", "--notes", "met twice in Izium, once in Balakliia")
    data = _rows(desk)
    public = _as_public(data)
    text = json.dumps(public, ensure_ascii=False)
    assert not [s for s in [*SECRET, "Balakliia", "Major K."] if s in text]
    assert "Launchers were hit near Izium" in text  # another source's claim is as it was
    history = [HistoryEntry.from_dict({**doc, "id": int(k)}) for k, doc in public["history"].items()]
    assert chain_break(history, withheld=True) is None
    broken = chain_break(history)  # in a file, or for a reader who may see it all: a changed entry
    assert broken is not None and broken[1] == "was changed"
    again = privacy.public_rows(public)
    assert all(again[t][k] == public[t][k] for t in again for k in again[t])
    assert set(again["claims"]) == set(privacy.public_rows(data)["claims"]) == {"1"}


def test_a_ledger_without_confidential_sources_has_nothing_to_withhold(cli, db):
    from ledger import privacy

    cli("init", "--sample")
    assert privacy.public_rows(_rows(db)) == {}
