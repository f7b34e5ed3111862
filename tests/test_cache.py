"""The derived cache (ledger.cache, DESIGN §5): never the truth, so it changes no output;
a stale, tampered or truncated one is ignored; a read of a big ledger builds it in the
background and a later read uses it."""

from __future__ import annotations

import importlib
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import analysis, cache, cachefile, ops
from ledger.export import listing
from ledger.model import LACKING_CONFIRMATION, Status
from ledger.paths import example_mappings
from ledger.report import DISPUTED, Filters
from ledger.store import open_ledger

from .conftest import installed_command

# Every command the cache serves, with each filter a listing takes: outputs it must not change.
COMMANDS = [
    ["list"],
    ["list", "--limit", "0"],
    ["list", "--json"],
    ["unconfirmed"],
    ["unconfirmed", "--party", "RU", "--limit", "0"],
    ["unconfirmed", "--json", "--since", "2023-01-01", "--until", "2023-06-30"],
    ["disputed"],
    ["disputed", "--json"],
    ["list", "--status", "partly confirmed", "--kind", "military", "--limit", "5"],
    ["list", "--status", "superseded", "--status", "retracted"],
    ["list", "--source", "genstaff-ua", "--until", "2022-03-31", "--json"],
    ["list", "--event", "kharkiv-2023-12-31", "--tag", "targeting"],
    ["list", "--search", "KHARKIV"],
    ["list", "--party", "none", "--json"],
    ["unconfirmed", "--status", "confirmed"],
    ["figures"],
    ["figures", "--json", "--source", "genstaff-ua", "--since", "2023-01-01"],
    ["figures", "--event", "kharkiv-2024-01-02", "--limit", "0"],
    ["show", "1"],
    ["show", "3712"],
    ["show", "3712", "--json"],
    ["history", "3712"],
    ["history", "3713", "--json"],  # deleted: its history stays
    ["source", "list"],
    ["source", "list", "--json"],
    ["source", "show", "genstaff-ua"],
    ["source", "show", "press", "--json"],
    ["export", "csv"],
    ["export", "csv", "--party", "UA", "--status", "confirmed", "--status", "disputed"],
    ["export", "claimreview", "--event", "kharkiv-2024-01-02"],
    ["export", "misp", "--source", "press"],
    ["show", "3713"],  # deleted: not found
    ["show", "99999"],
    ["history", "99999"],
]


@pytest.fixture(scope="module")
def ledger_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample and the real ua-losses tables in one ledger: every status, figures
    with qualifiers, relays, tags, Cyrillic, 3,700 claims (built once, copied per test)."""
    folder = tmp_path_factory.mktemp("cache-ledger")
    env = {**os.environ, "CLAIM_LEDGER_DB": str(folder / "ledger.json"), "CLAIM_LEDGER_CACHE": "off"}
    exe = installed_command()
    subprocess.run([exe, "init", "--sample"], env=env, check=True, capture_output=True)
    for mapping in example_mappings("ua-losses"):
        subprocess.run([exe, "import", str(mapping)], env=env, check=True, capture_output=True)
    said = ["Харків: 3 загиблих, близько 10 поранених", "--source", "kharkiv-rma", "--date", "2024-01-02"]
    figures = ["--figure", "killed=3", "--figure", "injured=~10", "--tag", "targeting", "--tag", "удар"]
    subprocess.run([exe, "add", *said, *figures, "--event", "kharkiv-2024-01-02"], env=env, check=True)
    mistaken = ["a claim entered by mistake", "--source", "press", "--corroborates", "3712"]
    subprocess.run([exe, "add", *mistaken], env=env, check=True, capture_output=True)
    subprocess.run([exe, "delete", "3713", "--yes"], env=env, check=True, capture_output=True)
    withdrawn = ["Харків: 5 загиблих", "--source", "press", "--date", "2024-01-02", "--figure", "killed=5"]
    subprocess.run([exe, "add", *withdrawn, "--event", "kharkiv-2024-01-02", "--force"], env=env, check=True)
    retract = [exe, "retract", "3714", "--note", "withdrawn"]
    subprocess.run(retract, env=env, check=True, capture_output=True)  # states nothing now
    edit = [exe, "source", "edit", "press", "--reliability", "C"]  # a source with a history
    subprocess.run(edit, env=env, check=True, capture_output=True)
    return folder / "ledger.json"


@pytest.fixture
def ledger(ledger_file: Path, db: Path) -> Path:
    db.write_bytes(ledger_file.read_bytes())
    return db


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Each background build a command in this process asks for, instead of starting it."""
    asked: list[Path] = []
    monkeypatch.setattr(cache, "build_later", asked.append)
    return asked


# A few of them, for the cases that only need to show the cache was not believed.
SOME = [COMMANDS[0], COMMANDS[5], COMMANDS[8]]


def _outputs(cli, commands: list[list[str]] = COMMANDS) -> list[tuple[int, str, str]]:
    results = [cli(*args, ok=False) for args in commands]
    return [(r.exit_code, r.stdout, r.stderr) for r in results]


def _without_cache(cli, monkeypatch: pytest.MonkeyPatch, commands: list[list[str]] = COMMANDS):
    with monkeypatch.context() as m:
        m.setenv("CLAIM_LEDGER_CACHE", "off")
        return _outputs(cli, commands)


def _weighing_forbidden(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on a command that weighs the ledger fails: its output came from the cache."""

    def refuse(*args):
        raise AssertionError("weighed the ledger although the cache was fresh")

    monkeypatch.setattr(ops, "report", refuse)
    monkeypatch.setattr(importlib.import_module("ledger.report"), "weigh_all", refuse)  # exports


def test_a_warm_cache_changes_no_output_and_is_what_answers(cli, ledger, monkeypatch, builds):
    cold = _outputs(cli)
    assert builds == [ledger] * (len(COMMANDS) - 3)  # each read of a big ledger asks for a cache
    assert cache.load(ledger) is None
    cache.build(ledger)
    assert cache.load(ledger) is not None
    with monkeypatch.context() as m:
        _weighing_forbidden(m)
        warm = _outputs(cli)
    assert warm == cold
    assert [code for code, *_ in cold] == [0] * (len(COMMANDS) - 3) + [
        1,
        1,
        1,
    ]  # the last three: no such claim
    assert all(out for _, out, _ in cold[:-3])  # each printed something
    assert all(
        err == f"Error: no claim #{c[1]}: 'claim-ledger list' shows the ids\n"
        for c, (_, _, err) in zip(COMMANDS[-3:], cold[-3:], strict=True)
    )
    cache_file = next(cache.folder().glob("*.cache"))
    cache_file.unlink()
    assert _outputs(cli, SOME) == [cold[COMMANDS.index(c)] for c in SOME]  # deleted: the same answers


def test_an_unknown_source_is_named_alike_from_the_cache(cli, ledger, monkeypatch, builds):
    cold = cli("source", "show", "nobody", ok=False)
    cache.build(ledger)
    with monkeypatch.context() as m:
        _weighing_forbidden(m)
        warm = cli("source", "show", "nobody", ok=False)
    assert cold.exit_code == warm.exit_code == 1 and cold.stdout == warm.stdout == ""
    assert warm.stderr == cold.stderr and cold.stderr.startswith("Error: unknown source 'nobody'")


def test_the_cache_file_is_its_owners_alone(ledger):
    cache.build(ledger)
    folder = cache.folder()
    (cache_file,) = folder.glob("*.cache")
    assert stat.S_IMODE(cache_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert cache_file.read_bytes().startswith(cache.MAGIC)


def _sections(blob: bytes) -> tuple[int, int, int]:
    """Where a cache file's image starts, its size, and where its --json records start."""
    body = blob.index(b"\n", len(cache.MAGIC)) + 1
    header = orjson.loads(blob[len(cache.MAGIC) : body])
    image = body + header["index"]["size"]
    return image, header["image"]["size"], image + header["image"]["size"]


def _flipped(blob: bytes, at: int) -> bytes:
    return blob[:at] + bytes([blob[at] ^ 0x01]) + blob[at + 1 :]


def _damaged(blob: bytes, how: str) -> bytes:
    body = blob.index(b"\n", len(cache.MAGIC)) + 1
    image, size, _ = _sections(blob)
    if how == "truncated":
        return blob[: image + size // 2]
    if how == "empty":
        return b""
    if how == "a verdict edited":  # the same length, so only the hash can tell
        at = blob.index(b"unconfirmed", image)
        return blob[:at] + b"confirmed  " + blob[at + len(b"unconfirmed") :]
    if how == "a byte flipped":
        return _flipped(blob, image + size // 3)
    if how == "another format":
        return b"claim-ledger cache 0\n" + blob[len(cache.MAGIC) :]
    if how == "an image this code does not write":  # hashed anew: only what it holds can tell
        return _without_kept(blob)
    assert how == "not a database"
    header = blob[:body]
    return header + b"x" * (len(blob) - body)


def _without_kept(blob: bytes, *names: str) -> bytes:
    """The cache with the image's kept documents ``names`` (every one if none is named)
    deleted, and the header's image size and hash made to match: a cache another version
    could have written, whole and consistent."""
    import sqlite3

    body = blob.index(b"\n", len(cache.MAGIC)) + 1
    image, size, records = _sections(blob)
    con = sqlite3.connect(":memory:")
    con.deserialize(blob[image : image + size])
    gone = f"WHERE name IN ({', '.join('?' * len(names))})" if names else ""
    assert con.execute(f"DELETE FROM kept {gone}", names).rowcount >= max(len(names), 1)
    con.commit()
    new = con.serialize()
    header = orjson.loads(blob[len(cache.MAGIC) : body])
    header["image"] = cachefile.described((new,))
    return cache.MAGIC + orjson.dumps(header) + b"\n" + blob[body:image] + new + blob[records:]


@pytest.mark.parametrize(
    "how",
    [
        "truncated",
        "empty",
        "a verdict edited",
        "a byte flipped",
        "another format",
        "not a database",
        "an image this code does not write",
    ],
)
def test_a_damaged_or_tampered_cache_is_ignored_not_trusted(cli, ledger, how, monkeypatch, builds):
    without = _without_cache(cli, monkeypatch, SOME)
    cache.build(ledger)
    (cache_file,) = cache.folder().glob("*.cache")
    cache_file.write_bytes(_damaged(cache_file.read_bytes(), how))
    assert cache.load(ledger) is None
    builds.clear()
    assert _outputs(cli, SOME) == without
    assert builds == [ledger] * len(SOME)  # and a new one is asked for


def test_an_export_from_the_cache_still_hides_a_confidential_source(cli, ledger, monkeypatch, builds):
    cli("source", "edit", "press", "--confidential")
    exports = [["export", "csv"], ["export", "misp", "--source", "press"]]
    cold = _without_cache(cli, monkeypatch, exports)
    assert all(code == 0 and "source-1" in out for code, out, _ in cold)  # its pseudonym
    cache.build(ledger)
    assert cache.load(ledger) is not None
    assert _outputs(cli, exports) == cold  # the records are read and redacted, as without it
    assert _outputs(cli, [[*exports[0], "--include-confidential"]])[0][1].count("press") > 1


JSON_LISTINGS = [  # each of more claims than are built one by one
    ["list", "--json"],
    ["unconfirmed", "--json"],  # chosen by status alone: SQLite picks them
    ["unconfirmed", "--json", "--party", "UA"],
    ["list", "--party", "none", "--since", "2023-01-01", "--json"],
]


def _records_forbidden(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on a command that builds a --json record fails: its records were kept."""

    def refuse(report, claim):
        raise AssertionError("built a --json record although the cache keeps them written")

    monkeypatch.setattr(listing, "claim_record", refuse)


def test_a_json_listing_writes_the_records_the_cache_keeps(cli, ledger, monkeypatch, builds):
    cold = _outputs(cli, JSON_LISTINGS)
    assert all(len(orjson.loads(out)) >= cache.ONE_BY_ONE for _, out, _ in cold)  # enough to read them
    cache.build(ledger)
    with monkeypatch.context() as m:
        _weighing_forbidden(m)
        _records_forbidden(m)
        assert _outputs(cli, JSON_LISTINGS) == cold


@pytest.mark.parametrize("how", ["a byte flipped", "truncated", "a byte more", "their places not kept"])
def test_damaged_records_are_not_written_and_the_rest_of_the_cache_still_serves(
    cli, ledger, how, monkeypatch, builds
):
    """Records that do not check, or an image that does not say where each is (another
    version's), are built again, not cut from the section; the image still serves."""
    cold = _outputs(cli, JSON_LISTINGS)
    cache.build(ledger)
    (cache_file,) = cache.folder().glob("*.cache")
    blob = cache_file.read_bytes()
    _, _, records = _sections(blob)
    at = records + (len(blob) - records) // 2  # inside a record: its text or a verdict
    damaged = {
        "a byte flipped": _flipped(blob, at),
        "truncated": blob[:at],
        "a byte more": blob + b" ",
        "their places not kept": _without_kept(blob, "record spans"),
    }
    cache_file.write_bytes(damaged[how])
    assert cache.load(ledger) is not None  # the image is whole: the listings still use it
    with monkeypatch.context() as m:
        _weighing_forbidden(m)
        assert _outputs(cli, JSON_LISTINGS) == cold  # the records built again, not the damaged ones
        _records_forbidden(m)
        assert all(code != 0 for code, *_ in _outputs(cli, JSON_LISTINGS))


# check as a person and a script run it: the findings as lines to a pipe, and as JSON
CHECKS = [["check"], ["check", "--json"]]


def _checking_forbidden(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on a command that reads the ledger or works findings out fails."""

    def refuse(*args, **kwargs):
        raise AssertionError("read the ledger although the cache keeps check's findings")

    monkeypatch.setattr(importlib.import_module("ledger.analysis"), "findings", refuse)
    monkeypatch.setattr(importlib.import_module("ledger.store"), "open_location", refuse)


def test_check_answers_from_the_cache_as_from_the_ledger(cli, ledger, monkeypatch, builds):
    cold = _outputs(cli, CHECKS)
    assert [code for code, *_ in cold] == [1, 1]  # the real tables' relays: findings to show
    assert len(orjson.loads(cold[1][1])) > 10 and cold[0][1].count("\n") > 10
    assert builds == [ledger] * len(CHECKS)  # a check of a big ledger has the cache built
    cache.build(ledger)
    assert cache.load_findings(ledger) is not None
    with monkeypatch.context() as m:
        _checking_forbidden(m)
        assert _outputs(cli, CHECKS) == cold
    # a seal is checked against the history itself: the ledger is read for it
    head, worked_out = cli("seal").stdout.strip(), []
    with monkeypatch.context() as m:
        m.setattr(
            analysis, "findings", lambda *a, **k: worked_out.append(a) or analysis.check.findings(*a, **k)
        )
        assert cli("check", "--seal", head, ok=False).stdout == cold[0][1]
    assert len(worked_out) == 1
    findings_file = next(cache.folder().glob("*.findings"))
    findings_file.unlink()
    assert _outputs(cli, CHECKS) == cold  # deleted: the same answers


def _damaged_findings(blob: bytes, how: str) -> bytes:
    end = blob.index(b"\n", len(cachefile.FINDINGS.magic)) + 1
    header = orjson.loads(blob[len(cachefile.FINDINGS.magic) : end])
    if how == "truncated":
        return blob[: (end + len(blob)) // 2]
    if how == "a byte flipped":
        return _flipped(blob, (end + len(blob)) // 2)
    if how == "another format":
        return b"claim-ledger findings 0\n" + blob[len(cachefile.FINDINGS.magic) :]
    if how == "no header line":
        return blob[: end - 1]
    if how == "a finding removed, hashed anew":  # whole and consistent, but of another state
        body = orjson.dumps(orjson.loads(blob[end:])[1:])
        header = {**header, "key": [*header["key"][:-2], header["key"][-2] + 1, header["key"][-1]]}
    else:
        assert how == "not findings, hashed anew"  # another version's, or written by hand
        body = orjson.dumps([{"code": "x"}])
    header["findings"] = cachefile.described((body,))
    return cachefile.FINDINGS.magic + orjson.dumps(header) + b"\n" + body


@pytest.mark.parametrize(
    "how",
    [
        "truncated",
        "a byte flipped",
        "another format",
        "no header line",
        "a finding removed, hashed anew",
        "not findings, hashed anew",
    ],
)
def test_damaged_or_stale_findings_are_ignored_not_trusted(cli, ledger, how, monkeypatch, builds):
    cold = _without_cache(cli, monkeypatch, CHECKS)
    cache.build(ledger)
    (findings_file,) = cache.folder().glob("*.findings")
    findings_file.write_bytes(_damaged_findings(findings_file.read_bytes(), how))
    assert cache.load_findings(ledger) is None
    assert cache.load(ledger) is not None  # the verdicts' cache is whole: the listings still use it
    builds.clear()
    assert _outputs(cli, CHECKS) == cold
    assert builds == [ledger] * len(CHECKS)  # and the findings are asked for again


def test_a_build_writes_the_findings_a_cache_lacks_and_leaves_its_verdicts(ledger):
    """A cache an earlier version wrote has no findings: the next build adds them."""
    cache.build(ledger)
    (cache_file,) = cache.folder().glob("*.cache")
    (findings_file,) = cache.folder().glob("*.findings")
    findings_file.unlink()
    before = cache_file.stat()
    cache.build(ledger)
    with open_ledger(ledger) as store:
        assert cache.load_findings(ledger) == ops.findings(store)
    after = cache_file.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_cache_of_the_ledger_before_a_write_is_stale(cli, ledger, builds):
    cache.build(ledger)
    cli("add", "Бердянськ: 12 поранених", "--source", "genstaff-ua", "--date", "2024-02-01")
    assert cache.load(ledger) is None
    assert cache.load_findings(ledger) is None
    shown = cli("list", "--search", "Бердянськ").stdout
    assert "Бердянськ" in shown
    # a ledger put back byte for byte is still another file: its cache is rebuilt, not reused
    cache.build(ledger)
    ledger.write_bytes(ledger.read_bytes())
    assert cache.load(ledger) is None


def test_a_cache_built_by_other_rules_is_stale(ledger, monkeypatch):
    cache.build(ledger)
    assert cache.load(ledger) is not None
    monkeypatch.setattr(cachefile, "_CODE", ["another version of the package"])
    assert cache.load(ledger) is None


def test_a_cache_is_written_only_for_the_ledger_it_read(ledger):
    key = cache.key_of(ledger)
    with open_ledger(ledger) as store:
        report = ops.report(store)
    ledger.write_bytes(ledger.read_bytes())  # another writer came between
    cache.save(ledger, report, [], key)
    assert not list(cache.folder().glob("*.cache"))


def test_off_means_no_cache_and_an_unwritable_folder_is_only_slower(
    cli, ledger, monkeypatch, tmp_path, builds
):
    monkeypatch.setenv("CLAIM_LEDGER_CACHE", "off")
    assert cache.folder() is None
    cache.build(ledger)
    assert cache.load(ledger) is None
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("CLAIM_LEDGER_CACHE", str(blocked / "cache"))
    cache.build(ledger)  # no error: it is only a cache
    assert cache.load(ledger) is None
    assert cli("list", "--limit", "1").exit_code == 0


def test_one_builder_at_a_time_and_one_waiting(ledger, monkeypatch):
    import threading

    from filelock import FileLock

    waits = threading.Event()  # set when a builder holds its place in the queue
    acquire = FileLock.acquire

    def noted(self, *args, **kwargs):
        held = acquire(self, *args, **kwargs)
        if self.lock_file.endswith(".next"):
            waits.set()
        return held

    monkeypatch.setattr(FileLock, "acquire", noted)
    monkeypatch.setattr(cache, "WAIT_FOR_BUILDER", 60.0)
    cache.folder().mkdir(parents=True)
    results: list[int] = []
    with FileLock(f"{cachefile.file_of(cache.folder(), cache.key_of(ledger)[0])}.lock"):  # one at work
        waiting = threading.Thread(target=lambda: results.append(cache.main([str(ledger)])))
        waiting.start()
        assert waits.wait(30)
        assert cache.main([str(ledger)]) == 0  # one is waiting already: leave at once
        waiting.join(0.3)
        assert waiting.is_alive() and cache.load(ledger) is None  # it waits its turn
    waiting.join(60)
    assert results == [0]
    assert cache.load(ledger) is not None  # built once the one before it was done


def test_a_write_has_the_cache_weighed_again(cli, ledger, builds, tmp_path):
    cli("link", "3", "corroborates", "1")
    assert builds == [ledger]  # now, not at the next read
    assert cli("link", "3", "corroborates", "1", ok=False).exit_code != 0
    assert builds == [ledger]  # refused: nothing written, nothing to weigh
    small = tmp_path / "small.json"
    cli("--db", str(small), "init")
    cli("--db", str(small), "source", "add", "press", "--name", "Press", "--kind", "press")
    assert builds == [ledger]  # too small to need a cache


@pytest.fixture(scope="module")
def both(ledger_file: Path, tmp_path_factory: pytest.TempPathFactory):
    """The module's ledger as the cache gives it, and as weighed from the ledger."""
    with pytest.MonkeyPatch.context() as m:
        m.setenv("CLAIM_LEDGER_CACHE", str(tmp_path_factory.mktemp("cache")))
        cache.build(ledger_file)
        cached = cache.load(ledger_file)
    assert cached is not None
    with open_ledger(ledger_file) as store:
        return cached, ops.report(store)


def _statuses() -> st.SearchStrategy[frozenset[Status]]:
    return st.frozensets(st.sampled_from(list(Status)), max_size=2)


@settings(max_examples=150, deadline=None)
@given(
    sources=st.frozensets(
        st.sampled_from(["genstaff-ua", "oryx", "lod-db", "press", "ru-mod", "nobody"]), max_size=2
    ),
    kinds=st.frozensets(st.sampled_from(["osint", "military", "press", "defence_ministry"]), max_size=2),
    events=st.frozensets(
        st.sampled_from(["russia-losses", "kharkiv-2023-12-31", "kharkiv-2024-01-02"]), max_size=2
    ),
    parties=st.frozensets(st.sampled_from(["ua", "ru", "none"]), max_size=1),
    statuses=_statuses(),
    tags=st.frozensets(
        st.sampled_from(["targeting", "motive", "characterisation", "удар", "none"]), max_size=2
    ),
    since=st.sampled_from([None, "2022-03-01", "2023-12-31"]),
    until=st.sampled_from([None, "2022-06-30", "2024-01-02"]),
    search=st.sampled_from([None, "tank", "KHARKIV", "belgorod", "Oryx", "ХАРКІВ"]),
    among=st.sampled_from([None, LACKING_CONFIRMATION, DISPUTED]),
)
def test_the_cache_selects_what_the_ledger_selects(
    both, sources, kinds, events, parties, statuses, tags, since, until, search, among
):
    cached, weighed = both[0].report, both[1]
    filters = Filters(sources, kinds, parties, events, statuses, tags, since, until, search)
    ids = weighed.select_ids(filters, among)
    assert cached.select_ids(filters, among) == ids
    for n in ids[:40]:
        assert cached.claims[n] == weighed.claims[n]
        assert cached.assessments[n] == weighed.assessments[n]
        assert list(cached.links_of(n)) == list(weighed.links_of(n))
    # figures: grouped on the cached facts, only the metrics read are built from cached claims
    kept, shown = cached.figures(filters), weighed.figures(filters)
    assert len(kept) == len(shown)
    assert kept[:5] == shown[:5] and kept[-3:] == shown[-3:]
    every = cached.figures()  # no filter: every claim's facts, none selected first
    assert len(every) == len(weighed.figures()) and every[:5] == weighed.figures()[:5]


def test_every_metric_comes_from_the_groups_the_build_kept(both, monkeypatch):
    """``figures`` with no filter reads the facts grouped when the cache was built, not each
    claim's facts; every metric is what weighing the ledger gives."""
    cached, weighed = both[0].report, both[1]
    monkeypatch.setattr(cache, "_facts", lambda con: pytest.fail("grouped the facts again"))
    kept = cached.figures()
    assert len(kept) == len(weighed.figures()) > 20
    assert list(kept) == list(weighed.figures())


def test_every_cached_claim_verdict_and_history_entry_is_the_ledgers(both, ledger_file):
    cached, weighed = both[0].report, both[1]
    with open_ledger(ledger_file) as store:
        for n in [*weighed.claims, 3713]:
            assert both[0].history_of(n) == ops.history_of(store, n)
    assert [h.action for h in both[0].history_of(3712)] == ["add", "link"]  # and #3713 linked to it
    assert len(cached.claims) == len(weighed.claims) > 3000
    assert dict(cached.claims) == dict(weighed.claims)
    assert all(cached.assessments[n] == a for n, a in weighed.assessments.items())
    assert dict(cached.sources) == dict(weighed.sources)
    assert list(cached.links) == list(weighed.links)
    with pytest.raises(RuntimeError, match="no story figures"):
        cached.numbers[1]


def test_a_big_ledger_read_builds_the_cache_in_the_background(ledger):
    """As a user runs it: the first read weighs the ledger (over WORTH_CACHING claims), starts
    the builder and returns without waiting for it; a later read gives the same table from
    the cache."""
    exe = installed_command()
    env = {**os.environ, "COLUMNS": "120"}
    first = subprocess.run([exe, "unconfirmed", "--party", "UA"], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    deadline = time.monotonic() + 120
    while cache.load(ledger) is None:
        assert time.monotonic() < deadline, "the background builder wrote no cache in 2 minutes"
        time.sleep(0.2)
    again = subprocess.run([exe, "unconfirmed", "--party", "UA"], env=env, capture_output=True, text=True)
    assert (again.returncode, again.stdout, again.stderr) == (0, first.stdout, first.stderr)
    assert "partly confirmed" in again.stdout


def test_the_builder_is_this_python_and_this_package():
    probe = subprocess.run(
        [sys.executable, "-m", "ledger.cache", "/nonexistent/ledger.json"], capture_output=True, text=True
    )
    assert (probe.returncode, probe.stdout, probe.stderr) == (0, "", "")


def test_the_builder_runs_this_package_whatever_folder_the_user_is_in(ledger, tmp_path, monkeypatch):
    """A user in a checkout of the project, with the command installed from it (``pip
    install .``): the builder a read starts is the installed package, not the checkout's."""
    elsewhere = tmp_path / "checkout" / "ledger"
    elsewhere.mkdir(parents=True)
    (elsewhere / "__init__.py").write_text("")
    ran = tmp_path / "the checkout's builder ran"
    (elsewhere / "cache.py").write_text(f"open({str(ran)!r}, 'w').close()\n")
    monkeypatch.chdir(elsewhere.parent)
    cache.build_later(Path(os.path.relpath(ledger)))  # as typed: relative to where the user is
    deadline = time.monotonic() + 120
    while cache.load(ledger) is None:
        assert not ran.exists(), "the builder imported the package of the folder it started in"
        assert time.monotonic() < deadline, "the background builder wrote no cache in 2 minutes"
        time.sleep(0.2)
    assert not ran.exists()


def test_the_caches_of_ledgers_that_are_gone_are_removed(ledger, tmp_path):
    """A builder tidies the cache folder: a ledger deleted or moved leaves no 76 MB behind,
    nor does a cache of ours that cannot be read; the caches of ledgers still there stay, and
    a file that is not ours is never touched."""
    other = tmp_path / "other.json"
    other.write_bytes(ledger.read_bytes())
    cache.build(ledger)
    cache.build(other)
    folder = cache.folder()
    assert len(list(folder.glob("*.cache"))) == 2
    theirs = folder / "notes.cache"  # not a name of ours: another program's, left alone
    theirs.write_bytes(b"someone else's file")
    damaged = folder / ("0" * 32 + ".cache")  # ours, its header unreadable
    damaged.write_bytes(cache.MAGIC + b"{not json\n")
    alone = folder / ("1" * 32 + ".cache.findings")  # the findings of a gone ledger, its cache gone
    alone.write_bytes(
        (folder / f"{cachefile.file_of(folder, str(other.resolve())).name}.findings").read_bytes()
    )
    other.unlink()
    assert cache.main([str(ledger)]) == 0  # its cache is fresh: it builds nothing, and prunes
    kept = sorted(p.name for p in folder.iterdir() if not p.name.endswith((".lock", ".next")))
    mine = cachefile.file_of(folder, cache.key_of(ledger)[0]).name
    assert kept == sorted([mine, f"{mine}.findings", "notes.cache"])
    assert theirs.read_bytes() == b"someone else's file"
    assert cache.load(ledger) is not None
