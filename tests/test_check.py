"""``check``: the problems a hand-edited ledger can hold, each named with its records and remedy."""

from __future__ import annotations

import json

import pytest

from ledger.analysis import findings
from ledger.model import SCHEMA_VERSION, Claim, Kind, Link, Relation, Source, parse_figure
from ledger.storage import dump_json

SOURCES = {
    "ua": Source("ua", "UA", Kind.military, "UA"),
    "wire": Source("wire", "Wire", Kind.news_agency),
}


def claims(*rows):
    return {
        i: Claim(i, f"claim {i}", source, figures=tuple(map(parse_figure, figs)), event="e")
        for i, (source, *figs) in enumerate(rows, start=1)
    }


def links(*rows):
    return [Link(n, a, Relation(rel), b) for n, (a, rel, b) in enumerate(rows, start=1)]


def codes(found):
    return sorted(f.code for f in found)


def test_a_clean_ledger_has_no_findings(sample_report):
    assert findings(sample_report.sources, sample_report.claims, sample_report.links) == []


def test_each_kind_of_damage_is_found_with_its_records():
    cl = claims(("ua", "killed=3"), ("wire", "killed=30"), ("wire",), ("ua",), ("ghost",), ("wire",))
    lk = links(
        (2, "repeats", 1),  # a relay that changed the figure
        (3, "repeats", 4),
        (4, "repeats", 3),  # a loop
        (2, "corroborates", 1),  # inside one story (and a second link between 2 and 1)
        (6, "contradicts", 6),  # a self-link
        (1, "updates", 3),  # across sources
        (1, "corroborates", 99),  # dangling
    )
    found = findings(SOURCES, cl, lk)
    assert codes(found) == sorted(
        [
            "relay-error",
            "repeats-cycle",
            "circular-corroboration",
            "corroboration-conflict",  # 2 corroborates 1, yet gives killed=30 where 1 says 3
            "duplicate-link",  # 2 and 1: repeats, then corroborates
            "duplicate-link",  # 3 and 4 repeat each other: two links
            "self-link",
            "update-across-sources",
            "dangling-link",
            "unknown-source",
        ]
    )
    by_code = {f.code: f for f in found if f.code != "duplicate-link"}
    assert by_code["repeats-cycle"].claims == (3, 4)
    assert by_code["repeats-cycle"].message == "claims #3 -> #4 -> #3 repeat each other in a loop"
    assert by_code["dangling-link"].links == (7,)
    assert by_code["unknown-source"].remedy == "add it: claim-ledger source add ghost --name ... --kind ..."
    assert by_code["relay-error"].claims == (2, 1)
    assert by_code["update-across-sources"].remedy == (
        "claim-ledger unlink 1 3, then link them with corroborates or contradicts"
    )


def test_a_contradiction_inside_a_story_is_found():
    found = findings(SOURCES, claims(("ua",), ("wire",)), links((2, "repeats", 1), (1, "contradicts", 2)))
    assert codes(found) == ["contradiction-in-story", "duplicate-link"]


def test_a_long_repeats_chain_is_no_loop_and_a_long_loop_is_one_finding():
    n = 5000
    cl = claims(*[("wire",)] * n)
    chain = links(*[(i + 1, "repeats", i) for i in range(1, n)])
    assert findings(SOURCES, cl, chain) == []
    loop = findings(SOURCES, cl, [*chain, Link(n, 1, Relation.repeats, n)])
    assert codes(loop) == ["repeats-cycle"] and len(loop[0].claims) == n


def test_check_exits_0_silently_when_clean_and_1_with_findings(cli, db, sample_report):
    cli("init", "--sample")
    r = cli("check")
    assert (r.exit_code, r.stdout, r.stderr) == (0, "", "")
    data = json.loads(db.read_bytes())
    data["links"]["9"] = {"from": 7, "relation": "corroborates", "to": 6, "note": None, "created_at": None}
    data["links"]["10"] = {"from": 3, "relation": "repeats", "to": 404, "note": None, "created_at": None}
    db.write_bytes(dump_json(data))
    before = db.read_bytes()
    r = cli("check", "--json", ok=False)
    assert r.exit_code == 1 and r.stderr == ""
    assert [(f["code"], f["claims"], f["links"]) for f in json.loads(r.stdout)] == [
        ("duplicate-link", [7, 6], [1, 9]),
        ("circular-corroboration", [7, 6], [9]),
        ("dangling-link", [], [10]),
        ("history-replay", [], [9]),  # and no history entry made either link: added by hand
        ("history-replay", [], [10]),
    ]
    r = cli("check", ok=False)
    assert r.exit_code == 1 and "circular-corroboration" in r.stdout and "5 findings" in r.stdout
    assert db.read_bytes() == before


def test_many_findings_to_a_pipe_come_as_a_line_each(cli, db, monkeypatch):
    """As a long listing does: more than a screenful of findings to a pipe or a file are
    tab-separated lines (Rich took 5 s to lay out 13,677 of them), a screenful the table."""
    from ledger import render

    cli("init", "--sample")
    data = json.loads(db.read_bytes())
    for n in range(20, 24):  # links to claims that do not exist, made by hand
        data["links"][str(n)] = {
            "from": 3,
            "relation": "repeats",
            "to": 400 + n,
            "note": None,
            "created_at": None,
        }
    db.write_bytes(dump_json(data))
    found = json.loads(cli("check", "--json", ok=False).stdout)
    monkeypatch.setattr(render, "STREAM_ABOVE", len(found) - 1)
    r = cli("check", ok=False)
    lines = r.stdout.splitlines()
    assert r.exit_code == 1 and lines[0] == "finding\twhat\tremedy" and len(lines) == 1 + len(found)
    assert [line.split("\t") for line in lines[1:]] == [
        [f["code"], " ".join(f["message"].split()), " ".join(f["remedy"].split())] for f in found
    ]
    monkeypatch.setattr(render, "STREAM_ABOVE", len(found))
    assert f"{len(found)} findings" in cli("check", ok=False).stdout  # a screenful: the table


def _edit(db, change):
    data = json.loads(db.read_bytes())
    change(data)
    db.write_bytes(dump_json(data))


@pytest.mark.parametrize(
    ("change", "message", "replayed"),
    [
        (
            lambda d: d["history"]["3"]["detail"].update(new={"text": "forged"}),
            "history entry 3 (add) was changed",
            "history entry 3: claim #2 is not as added: id, recorded_at, source, text changed without an "
            "entry",
        ),
        (
            lambda d: d["history"].pop("2"),
            "history entry 3 (add) does not follow the entry before it",
            "claim #1 is in the ledger, but no history entry added it",
        ),
        (
            lambda d: d["history"].pop(max(d["history"], key=int)),
            "the ledger's history ends at entry 4, but its last recorded entry is 5: entries were removed",
            "history entry 3: claim #2 is not as added: retracted_at, retraction_note changed without "
            "an entry",
        ),
    ],
)
def test_a_history_edited_by_hand_breaks_the_chain(cli, db, change, message, replayed):
    """The chain shows the history was edited; the replay, what it no longer accounts for."""
    cli("init")
    cli("source", "add", "a", "--name", "A", "--kind", "press")
    cli("add", "one", "--source", "a")
    cli("add", "two", "--source", "a")
    cli("link", "2", "corroborates", "1")
    cli("retract", "2", "--note", "withdrawn")
    assert cli("check").stdout == ""
    _edit(db, change)
    r = cli("check", "--json", ok=False)
    assert [(f["code"], f["message"]) for f in json.loads(r.stdout)] == [
        ("history-chain", message),
        ("history-replay", replayed),
    ]


def test_a_schema_1_ledger_is_migrated_on_first_write_after_a_backup(cli, db):
    cli("init")
    cli("source", "add", "a", "--name", "A", "--kind", "press")
    cli("add", "one", "--source", "a")

    def to_schema_1(data):
        meta = data["meta"]["1"]
        meta["schema"] = 1
        del meta["history_head"]
        for entry in data["history"].values():
            del entry["prev"], entry["hash"]

    _edit(db, to_schema_1)
    old = db.read_bytes()
    backup = db.with_name("ledger.json.schema1.bak")
    assert cli("check").exit_code == 0 and json.loads(cli("list", "--json").stdout)[0]["text"] == "one"
    assert db.read_bytes() == old and not backup.exists()  # reading changes nothing
    cli("add", "two", "--source", "a")
    assert backup.read_bytes() == old
    data = json.loads(db.read_bytes())
    assert data["meta"]["1"]["schema"] == SCHEMA_VERSION and all(e["hash"] for e in data["history"].values())
    assert cli("check").stdout == ""


# --------------------------------------------------------------------------- tamper evidence


def test_a_chained_history_is_never_rechained_whatever_meta_says(cli, db):
    cli("init", "--sample")
    cli("add", "Something recorded", "--source", "press")
    data = json.loads(db.read_bytes())
    last = max(data["history"], key=int)
    data["history"][last]["detail"]["new"]["text"] = "Something else, forged"
    data["meta"]["1"]["schema"] = 1  # the lie that used to make the migration re-chain the forgery
    db.write_bytes(dump_json(data))
    r = cli("check", "--json", ok=False)
    # the chain shows the entry was edited; the replay, that the claim is not as it says
    assert [f["code"] for f in json.loads(r.stdout)] == ["history-chain", "history-replay"]
    cli("add", "Another, after the lie", "--source", "press")  # the first write migrates the lie away
    assert "history-chain" in cli("check", ok=False).stdout  # and the forgery stays visible


def test_a_backup_with_a_broken_chain_is_refused_unless_asked_and_then_recorded(cli, tmp_path):
    cli("init", "--sample")
    backup = tmp_path / "b.json"
    cli("export", "json", "-o", str(backup))
    doc = json.loads(backup.read_text())
    doc["history"][0]["hash"] = None  # one hash nulled: not a schema-1 backup, a damaged one
    backup.write_text(json.dumps(doc))
    fresh = tmp_path / "fresh.json"
    r = cli("--db", str(fresh), "import", str(backup), ok=False)
    assert (
        r.exit_code == 1
        and "history entry 1 (import) was changed" in r.stderr
        and "--rechain-history" in r.stderr
    )
    assert not fresh.exists()
    cli("--db", str(fresh), "import", str(backup), "--rechain-history")
    entries = json.loads(cli("--db", str(fresh), "export", "json").stdout)["history"]
    assert entries[-1]["action"] == "rechain" and entries[-1]["detail"] == {"file": "b.json"}
    assert cli("--db", str(fresh), "check").stdout == ""


def test_a_seal_proves_the_history_up_to_it_and_catches_a_rewrite(cli, db):
    cli("init", "--sample")
    seal = cli("seal").stdout.strip()
    assert len(seal) == 64
    cli("add", "After the seal", "--source", "press")
    assert cli("check", "--seal", seal).stdout == ""  # later entries do not disturb it
    data = json.loads(db.read_bytes())
    # a careful forger rewrites the first entry and re-hashes the whole chain, head included
    from ledger.model import HistoryEntry

    prev = None
    for key in sorted(data["history"], key=int):
        entry = HistoryEntry.from_dict({**data["history"][key], "id": int(key)})
        if key == "1":  # what the import was called: nothing the records can contradict
            entry = HistoryEntry(
                1, entry.at, entry.action, entry.claim, entry.source, {**entry.detail, "file": "forged"}
            )
        entry = entry.chained(prev)
        data["history"][key] = {k: v for k, v in entry.to_dict().items() if k != "id"}
        prev = entry.hash
    data["meta"]["1"]["history_head"] = {"id": int(max(data["history"], key=int)), "hash": prev}
    db.write_bytes(dump_json(data))
    assert cli("check").stdout == ""  # without a seal, a rewrite re-hashed throughout passes
    r = cli("check", "--seal", seal, "--json", ok=False)
    assert [f["code"] for f in json.loads(r.stdout)] == ["seal"]
