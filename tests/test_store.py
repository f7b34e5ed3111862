"""Storage: the file format, atomic writes, one read per command, damaged files left alone."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import threading
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tinydb import TinyDB

from ledger import jsonio, ops, storage
from ledger.errors import (
    Corrupt,
    ImportRejected,
    LedgerExists,
    NoLedger,
    NotFound,
    StorageError,
)
from ledger.model import SCHEMA_VERSION, Kind
from ledger.store import open_ledger

from .conftest import NOW


def _new(db: Path) -> None:
    with open_ledger(db, create=True) as store:
        ops.add_party(store, "UA", now=NOW)
        ops.add_source(
            store, "kharkiv-rma", name="Харківська ОВА", kind="regional_administration", party="UA", now=NOW
        )
        ops.add_claim(
            store, "Тіла двох чоловіків і жінки 🕯️", source="kharkiv-rma", figures=["killed=3"], now=NOW
        )


def test_the_file_is_a_plain_tinydb_database(db):
    _new(db)
    plain = TinyDB(db)
    assert set(plain.tables()) >= {"sources", "claims", "history", "meta"}
    claim = plain.table("claims").get(doc_id=1)
    assert claim["text"] == "Тіла двох чоловіків і жінки 🕯️"  # Cyrillic and emoji survive
    assert claim["figures"] == [{"metric": "killed", "low": 3, "high": 3}]
    assert plain.table("meta").all()[0]["schema"] == SCHEMA_VERSION
    plain.close()


def test_new_ledgers_are_private_and_writes_leave_no_temp_file(db):
    _new(db)
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    with open_ledger(db, write=True) as store:
        ops.add_claim(store, "second", source="kharkiv-rma", now=NOW)
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert sorted(p.name for p in db.parent.iterdir() if p.name.startswith(".")) == []


def test_a_failed_command_writes_nothing(db):
    _new(db)
    before = db.read_bytes()
    with pytest.raises(NotFound), open_ledger(db, write=True) as store:
        ops.add_claim(store, "ok so far", source="kharkiv-rma", now=NOW)
        ops.link(store, 2, "repeats", 99, now=NOW)
    assert db.read_bytes() == before


def test_a_command_reads_the_file_once_and_writes_it_once(db, monkeypatch):
    _new(db)
    reads, writes = [], []
    real_read, real_write = storage.read_json, storage.atomic_write
    monkeypatch.setattr(storage, "read_json", lambda p: reads.append(p) or real_read(p))
    monkeypatch.setattr(storage, "atomic_write", lambda p, b: writes.append(p) or real_write(p, b))
    with open_ledger(db, write=True) as store:
        for n in range(5):
            ops.add_claim(store, f"claim {n}", source="kharkiv-rma", now=NOW)
        ops.link(store, 3, "repeats", 2, now=NOW)
        ops.report(store)
    assert (len(reads), len(writes)) == (1, 1)


def test_ids_are_never_reused(db):
    _new(db)
    with open_ledger(db, write=True) as store:
        first = ops.add_claim(store, "b", source="kharkiv-rma", now=NOW).claim
        ops.add_claim(store, "c", source="kharkiv-rma", now=NOW)
        made = ops.link(store, 3, "repeats", 2, now=NOW)
        ops.unlink(store, 3, 2, now=NOW)
        again = ops.link(store, 3, "corroborates", 2, now=NOW)
    assert first.id == 2
    assert again.id == made.id + 1


def test_init_never_overwrites(db):
    _new(db)
    before = db.read_bytes()
    with pytest.raises(LedgerExists), open_ledger(db, create=True):
        pass
    assert db.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "is empty"),
        (b'{"claims": {', "not valid JSON"),
        (b"[1, 2]", "top level is not an object"),
        (b'{"_default": {}}', "no 'meta' table"),
        (
            json.dumps({"meta": {"1": {"app": "claim-ledger", "schema": SCHEMA_VERSION + 1}}}).encode(),
            "newer claim-ledger",
        ),
        (
            json.dumps({"meta": {"1": {"app": "claim-ledger", "schema": 1}}, "claims": []}).encode(),
            "malformed 'claims'",
        ),
        (b"\xff\xfe garbage", "not valid JSON"),
    ],
)
def test_damaged_or_foreign_files_are_refused_and_untouched(db, content, words):
    db.write_bytes(content)
    for write in (False, True):
        with pytest.raises(Corrupt, match=words), open_ledger(db, write=write) as store:
            ops.report(store)
        assert db.read_bytes() == content


def test_a_malformed_record_is_reported_not_crashed_on(db):
    _new(db)
    data = json.loads(db.read_bytes())
    data["claims"]["1"].pop("source")
    db.write_text(json.dumps(data))
    with pytest.raises(Corrupt, match="malformed 'claims' table"), open_ledger(db) as store:
        ops.report(store)


def test_missing_ledger_says_how_to_create_one(db):
    with pytest.raises(NoLedger, match="claim-ledger init"), open_ledger(db):
        pass
    assert not db.exists()


def test_atomic_write_replaces_in_one_step(tmp_path, monkeypatch):
    target = tmp_path / "f.json"
    target.write_bytes(b"old")
    seen = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append(Path(src).read_bytes())
        assert target.read_bytes() == b"old"  # the old file is whole until the replace
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    storage.atomic_write(target, b"new")
    assert seen == [b"new"] and target.read_bytes() == b"new"


def test_a_document_with_problems_loads_nothing_and_lists_them(db):
    doc = {
        "format": "claim-ledger",
        "schema": 1,
        "sources": [{"id": "a", "name": "A", "kind": "press"}, {"id": "b", "name": "B", "kind": "spy"}],
        "claims": [
            {"id": 1, "text": "one", "source": "a"},
            {"id": 2, "text": "two", "source": "a", "date": "yesterday"},
            {"id": 3, "text": "three", "source": "ghost"},
        ],
        "links": [
            {"from": 3, "relation": "repeats", "to": 1},
            {"from": 1, "relation": "corroborates", "to": 3},
            {"from": 1, "relation": "repeats", "to": 9},
        ],
    }
    with open_ledger(db, create=True):
        pass
    before = db.read_bytes()
    with pytest.raises(ImportRejected) as caught, open_ledger(db, write=True) as store:
        ops.load_document(store, doc, now=NOW)
    assert [str(p) for p in caught.value.problems] == [
        "sources[2]: unknown kind 'spy': use one of " + ", ".join(k.value for k in Kind),
        "claims[2] (#2): bad date 'yesterday': use YYYY-MM-DD, e.g. 2023-12-31",
        "claims[3] (#3): unknown source 'ghost': the file's sources do not define it",
        "links[2]: #3 already repeats #1: two claims have one link at most",
        "links[3]: link to '9': claim #9 is not in the file",
    ]
    assert str(caught.value).startswith("document was not imported: 5 problems; nothing was changed")
    assert db.read_bytes() == before


def test_a_read_only_ledger_is_never_replaced(db):
    _new(db)
    db.chmod(0o400)
    before = db.read_bytes()
    with pytest.raises(StorageError, match="read-only"), open_ledger(db, write=True) as store:
        ops.add_claim(store, "x", source="kharkiv-rma", now=NOW)
    assert db.read_bytes() == before and stat.S_IMODE(db.stat().st_mode) == 0o400
    with open_ledger(db) as store:  # reading is fine
        assert len(store.claims()) == 1


def test_a_malformed_record_read_by_id_is_reported_not_crashed_on(db):
    _new(db)
    data = json.loads(db.read_bytes())
    data["claims"]["1"]["figures"] = [{"metric": "killed"}]
    db.write_text(json.dumps(data))
    with pytest.raises(Corrupt, match="malformed 'claims' table"), open_ledger(db) as store:
        store.claim(1)


@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers(-(2**63), 2**63 - 1)
        | st.text()
        | st.floats(allow_nan=False, allow_infinity=False),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=12,
    )
)
def test_the_ledger_file_is_ascii_json_that_reads_back_exactly(value):
    """orjson writes UTF-8; the file stays ASCII (\\u escapes, surrogate pairs for emoji)."""
    raw = storage.dump_json({"v": value})
    assert raw.isascii()
    assert jsonio.loads(raw) == json.loads(raw) == {"v": value}


@given(st.text(st.characters(codec="utf-8", min_codepoint=0x20, exclude_characters="\x7f")))
def test_text_in_the_ledger_file_is_escaped_exactly_as_the_standard_library_does(text):
    """Text of any characters a ledger can hold (valid UTF-8) mixing ASCII and runs of non-ASCII:
    the runs are escaped (one C call per run: 2.8x faster on Cyrillic) as ``json.dumps`` with
    ``ensure_ascii`` escapes them, byte for byte. (Control characters and DEL are orjson's to
    write: still ASCII, still the same text, as the test above shows.)"""
    assert storage.dump_json({"v": text}) == json.dumps({"v": text}, separators=(",", ":")).encode()


@given(st.dictionaries(st.text(max_size=4), st.text(st.characters(codec="utf-8")), max_size=4))
def test_only_non_ascii_characters_are_escaped_even_beside_control_characters(value):
    """An escape runs from a non-ASCII character to the end of its JSON string (one call per
    Cyrillic text): the ASCII on the way, quotes, backslashes, control characters and DEL
    among it, is left exactly as orjson wrote it."""
    written = orjson.dumps(value).decode()
    expected = "".join(c if c.isascii() else json.dumps(c)[1:-1] for c in written)
    assert storage.dump_json(value) == expected.encode()


# --------------------------------------------------------------------------- special files


def test_a_ledger_behind_a_symlink_is_written_where_the_link_points(cli, tmp_path):
    real, link = tmp_path / "real.json", tmp_path / "link.json"
    cli("--db", str(real), "init", "--sample")
    link.symlink_to(real)
    before = real.read_bytes()
    cli("--db", str(link), "add", "A claim through the link", "--source", "press")
    assert link.is_symlink() and link.resolve() == real  # the link is still a link
    assert real.read_bytes() != before and "A claim through the link" in real.read_text()
    assert not (tmp_path / "link.json.lock").exists()  # one lock: the target's


def test_a_fifo_is_no_ledger_and_nothing_waits_on_it(cli, tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    for args in (["list"], ["add", "x", "--source", "press"]):
        r = cli("--db", str(fifo), *args, ok=False)
        assert r.exit_code == 1 and "is not a regular file" in r.stderr, args
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_export_writes_into_special_files_and_through_links(cli, tmp_path):
    cli("init", "--sample")
    cli("export", "csv", "-o", "/dev/null")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)  # still the device
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    cli("export", "csv", "-o", str(fifo))
    reader.join(10)
    assert got and got[0].startswith(b"id,text,source") and stat.S_ISFIFO(fifo.stat().st_mode)
    target, link = tmp_path / "target.csv", tmp_path / "link.csv"
    target.write_text("old")
    link.symlink_to(target)
    cli("export", "csv", "-o", str(link))
    assert link.is_symlink() and target.read_text().startswith("id,text,source")


def test_a_csv_cell_of_any_size_comes_back(cli, tmp_path):
    cli("init", "--sample")
    long = "Харків " * 40_000  # 280,000 characters: over the csv module's default limit
    cli("add", long, "--source", "press", "--force")
    out = tmp_path / "all.csv"
    cli("export", "csv", "-o", str(out))
    again = tmp_path / "again.json"
    cli("--db", str(again), "init")
    cli("--db", str(again), "party", "add", "UA")
    cli("--db", str(again), "party", "add", "RU")
    cli("--db", str(again), "import", str(out), "--create-sources")
    texts = [c["text"] for c in json.loads(cli("--db", str(again), "list", "--json").stdout)]
    assert long.strip() in [t.strip() for t in texts]


@pytest.mark.e2e
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_to_a_full_disk_is_one_line_and_exit_1(tmp_path):
    from .conftest import installed_command

    env = {**os.environ, "CLAIM_LEDGER_DB": str(tmp_path / "l.json")}
    exe = installed_command()
    subprocess.run([exe, "init", "--sample"], env=env, check=True, capture_output=True)
    for args in (["list", "--json"], ["show", "1"], ["source", "list"], ["export", "csv"]):
        with open("/dev/full", "w") as full:
            done = subprocess.run(
                [exe, *args], env=env, stdout=full, stderr=subprocess.PIPE, text=True, timeout=60
            )
        assert done.returncode == 1, (args, done.stderr)
        assert done.stderr == "Error: cannot write the output: No space left on device\n", args


def test_a_lock_file_that_is_a_dangling_link_is_one_line(cli, db, tmp_path):
    cli("init", "--sample")
    before = db.read_bytes()
    Path(f"{db}.lock").unlink(missing_ok=True)
    Path(f"{db}.lock").symlink_to(tmp_path / "nowhere" / "lock")
    r = cli("add", "A claim that cannot be saved", "--source", "press", ok=False)
    assert r.exit_code == 1 and r.stderr.count("\n") == 1 and "cannot lock ledger" in r.stderr
    assert db.read_bytes() == before


def test_a_new_link_joins_the_links_already_read_as_a_new_read_lists_them(cli, home, monkeypatch):
    """``link`` reads the links to check the new one, then again to say whether its target is
    superseded: the second read is the first list and the new link (51k links built once, not
    twice, at 100k claims), as a fresh read of the ledger lists them, in either home. A new
    claim joins the claims read the same way."""
    from ledger.model import Claim, Link, Relation
    from ledger.paths import resolve
    from ledger.store import open_location

    cli("init", "--sample")
    with open_location(resolve(home.url), write=True) as store:
        before, claims = store.links(), store.claims()
        made = store.insert_link(Link(0, 1, Relation.corroborates, 3, "seen", "2026-01-01T00:00:00Z"))
        added = store.insert_claim(Claim(0, "A new claim", "press", recorded_at="2026-01-01T00:00:00Z"))
        with monkeypatch.context() as m:
            m.setattr(Link, "from_doc", classmethod(lambda *_: pytest.fail("the links were built again")))
            m.setattr(Claim, "from_doc", classmethod(lambda *_: pytest.fail("the claims were built again")))
            kept, kept_claims = store.links(), store.claims()
    with open_location(resolve(home.url)) as store:
        assert kept == [*before, made] == store.links()
        assert kept_claims == {**claims, added.id: added} == store.claims()
        assert list(kept_claims) == list(store.claims())
