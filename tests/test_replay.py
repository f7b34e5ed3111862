"""``check`` replays the history: the records must be exactly what it accounts for.

The hash chain catches an edited history; these are the records edited *beside* it,
which the chain alone never saw (the reliability issue's list: a claim's text, an
un-retraction, a deleted claim, a raised reliability, a lowered id counter).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.jsonio import dumps_pretty
from ledger.model import Claim, parse_figure


def _busy_ledger(cli, tmp_path):
    """A ledger that went through every kind of write the history records."""
    cli("init", "--sample")
    cli("party", "add", "XX")
    cli("metric", "set", "sheltered", "--level")
    cli("source", "add", "ngo", "--name", "An NGO", "--kind", "ngo", "--party", "XX")
    cli(
        "add",
        "About 300 killed",
        "--source",
        "ngo",
        "--figure",
        "killed=~300",
        "--event",
        "e",
        "--date",
        "2024-01-02",
    )
    cli("add", "More than 20 injured", "--source", "press", "--figure", "injured>20")
    cli("edit", "21", "--text", "About 300 were killed", "--figure", "killed=~310", "--tag", "verify")
    cli("link", "22", "corroborates", "21")
    cli("link", "22", "contradicts", "1")
    cli("unlink", "22", "1")
    cli("retract", "3", "--note", "withdrawn on Telegram", "--date", "2024-01-05")
    cli("delete", "20", "--yes")
    cli("source", "edit", "press", "--reliability", "B")
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "text,source,repeats\nA relay of the NGO,press,#21\nAnother line,press,\n", encoding="utf-8"
    )
    cli("import", str(rows))
    return json.loads((tmp_path / "ledger.json").read_bytes())


def _check(cli, db, data):
    db.write_text(dumps_pretty(data), encoding="utf-8")
    return json.loads(cli("check", "--json", ok=False).stdout)


def test_a_ledger_written_only_by_claim_ledger_replays_clean(cli, db, tmp_path):
    _busy_ledger(cli, tmp_path)
    assert cli("check").stdout == ""
    backup = tmp_path / "backup.json"
    cli("export", "json", "-o", str(backup))
    copy = tmp_path / "copy.json"
    cli("--db", str(copy), "import", str(backup))  # a backup restored: its own history
    assert cli("--db", str(copy), "check").stdout == ""


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: d["claims"]["21"].update(text="A forged text"),
            "history entry {edit}: claim #21 does not have the values it set: text changed without an entry",
        ),
        (
            lambda d: d["claims"]["3"].update(retracted_at=None, retraction_note=None),
            "history entry {retract}: claim #3 does not have the values it set: retracted_at, "
            "retraction_note changed without an entry",
        ),
        (
            lambda d: d["claims"].pop("22"),
            "history entry {add22}: claim #22 it added is gone, and no history entry deleted it",
        ),
        (
            lambda d: next(s for s in d["sources"].values() if s["id"] == "ngo").update(reliability="A"),
            "history entry {ngo}: source 'ngo' is not as added: reliability changed without an entry",
        ),
        (
            lambda d: d["claims"]["5"].update(text="Changed after import"),
            "history entry 1: what it imported was changed since without an entry (its digest differs)",
        ),
        (
            lambda d: d["claims"].update({"99": {**d["claims"]["5"], "text": "Slipped in"}}),
            "claim #99 is in the ledger, but no history entry added it",
        ),
    ],
)
def test_a_record_edited_beside_the_history_is_a_finding_naming_it(cli, db, tmp_path, edit, expected):
    data = _busy_ledger(cli, tmp_path)
    entries = {(e["action"], e.get("claim"), e.get("source")): int(k) for k, e in data["history"].items()}
    where = {
        "edit": entries[("edit", 21, None)],
        "retract": entries[("retract", 3, None)],
        "add22": entries[("add", 22, None)],
        "ngo": entries[("source-add", None, "ngo")],
    }
    edit(data)
    found = _check(cli, db, data)
    replayed = [f["message"] for f in found if f["code"] == "history-replay"]
    assert replayed == [expected.format(**where)]  # one edit, one finding (a gone claim: also dangling links)


def test_a_lowered_id_counter_that_would_reuse_an_id_is_a_finding(cli, db, tmp_path):
    data = _busy_ledger(cli, tmp_path)
    meta = next(iter(data["meta"].values()))
    assert meta["last_ids"]["claims"] == 24  # 20 was deleted; 23 and 24 were imported
    data["claims"].pop("24")
    data["claims"].pop("23")
    meta["last_ids"]["claims"] = 22
    found = _check(cli, db, data)
    messages = [f["message"] for f in found if f["code"] == "history-replay"]
    counter = "the claims id counter is 22, below 24, an id the history gave out: " + (
        "the next new record would reuse it"
    )
    assert messages[-1] == counter  # after the import's own finding: the claims it added are gone
    assert "claims it imported are gone, with no entry that deleted them: #23, #24" in messages[0]


def test_a_deleted_claim_that_reappears_is_a_finding(cli, db, tmp_path):
    data = _busy_ledger(cli, tmp_path)
    deleted = next(e for e in data["history"].values() if e["action"] == "delete")["detail"]["claim"]
    data["claims"]["20"] = {k: v for k, v in deleted.items() if k != "id"}
    found = _check(cli, db, data)
    assert any(f["message"].endswith("claim #20 it deleted is in the ledger again") for f in found)


_FIELD_VALUES = st.one_of(
    st.none(),
    st.text(max_size=5),
    st.integers(),
    st.booleans(),
    st.floats(allow_nan=False),
    st.lists(st.text(max_size=3), max_size=2),
    st.tuples(st.text(max_size=3)),
    st.just(()),
)


@given(
    st.dictionaries(
        st.sampled_from(["text", "source", "id", "tags", "date", "src", "reliability"]), _FIELD_VALUES
    ),
    st.lists(st.sampled_from(["killed=~300", "tanks>20", "injured=5"]), max_size=3).map(
        lambda figures: figures or None
    ),
)
def test_a_record_compares_as_each_of_its_values_does(record, figures):
    """The replay's comparable form of a record (``_doc``, which takes the common values a
    quicker way) is each field's own comparable value, absences left out."""
    from ledger.analysis.replay import _doc, _value

    record = {**record, "figures": figures}
    expected = {name: _value(name, value) for name, value in record.items()}
    assert _doc(record) == {name: value for name, value in expected.items() if value is not None}


_maybe_text = st.none() | st.text(max_size=6)


@given(
    st.builds(
        Claim,
        id=st.integers(1, 10**6),
        text=st.text(max_size=6),
        source=st.text(max_size=6),
        date=_maybe_text,
        event=_maybe_text,
        figures=st.lists(
            st.sampled_from(["killed=3", "killed>=45", "injured=~20", "tank<=10", "x=20..30", "y>5"]),
            max_size=3,
        ).map(lambda fs: tuple(parse_figure(f) for f in fs)),
        url=_maybe_text,
        quote=_maybe_text,
        tags=st.lists(st.text(max_size=4), max_size=3).map(tuple),
        location=_maybe_text,
        recorded_at=_maybe_text,
        retracted_at=_maybe_text,
        retraction_note=_maybe_text,
    )
)
def test_a_claim_is_compared_as_its_record_reads_whichever_way_it_is_built(claim):
    """``check`` reads each claim's fields off the claim (100k at every run): the same record
    as its dict, the way an entry's old and new values are read."""
    from ledger.analysis.replay import _doc, claim_doc

    assert claim_doc(claim) == _doc(claim.to_dict())
