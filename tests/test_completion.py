"""Shell completion: values from the ledger, Cyrillic included, in bash, zsh and fish."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ledger.cli import complete

from .conftest import installed_command, modules_loaded


@pytest.fixture
def desk(cli, db):
    cli("init")
    cli("party", "add", "UA")
    cli("source", "add", "минобороны", "--name", "Министерство обороны России", "--kind", "defence_ministry")
    cli("source", "add", "mil-ua", "--name", "Збройні сили України", "--kind", "military", "--party", "UA")
    cli("add", "Уничтожены две установки HIMARS", "--source", "минобороны", "--event", "харьков-2023-12-30")
    cli("add", "Збито 12 дронів над Харковом", "--source", "mil-ua", "--event", "харьков-2023-12-30")
    for n in range(3, 13):
        cli(
            "add",
            f"Claim number {n} about drone {n * 7}",
            "--source",
            "mil-ua",
            "--event",
            f"e-{n}",
            "--force",
        )
    return db


def test_claim_ids_come_newest_first_with_their_text(desk):
    offered = complete.claim_ids(None, "")
    assert [value for value, _ in offered] == [str(n) for n in range(12, 0, -1)]
    assert dict(offered)["1"] == "Уничтожены две установки HIMARS (минобороны)"
    assert [value for value, _ in complete.claim_ids(None, "1")] == ["12", "11", "10", "1"]
    assert [value for value, _ in complete.claim_ids(None, "#2")] == ["2"]


def test_claim_ids_build_only_the_claims_they_offer(desk, monkeypatch):
    """A Tab reads the ledger but builds only the claims it lists, not every one (at 100k
    claims: 0.57 s, from 0.76 s)."""
    from ledger.store import Store

    def every_claim(self):
        raise AssertionError("every claim built")

    monkeypatch.setattr(Store, "claims", every_claim)
    assert [value for value, _ in complete.claim_ids(None, "1")] == ["12", "11", "10", "1"]


def test_claim_ids_come_from_a_fresh_cache_without_reading_the_ledger(desk, monkeypatch):
    """The same offers from the derived cache (ledger.cache), and a stale one is not used."""
    from ledger import cache, store

    typed = ["", "1", "#2", "9", "13", "x", "١", "1.", "#"]
    expected = [complete.claim_ids(None, t) for t in typed]
    cache.build(desk)

    def refuse(*args, **kwargs):
        raise AssertionError("read the ledger, or the whole cache, although its index was fresh")

    with monkeypatch.context() as m:
        m.setattr(store, "open_location", refuse)
        m.setattr(cache, "_verified", refuse)  # the cache's image: a Tab reads only its index
        assert [complete.claim_ids(None, t) for t in typed] == expected
    desk.write_bytes(desk.read_bytes())  # another file now: the cache is stale, the ledger answers
    assert cache.load(desk) is None
    assert [complete.claim_ids(None, t) for t in typed] == expected


def test_source_ids_match_cyrillic_in_any_case(desk):
    assert complete.source_ids(None, "МИН") == [("минобороны", "Министерство обороны России")]
    assert [v for v, _ in complete.source_ids(None, "")] == ["mil-ua", "минобороны"]


def test_events_come_with_their_claim_counts(desk):
    assert complete.events(None, "ха") == [("харьков-2023-12-30", "2 claims")]
    assert ("e-3", "1 claim") in complete.events(None, "e")


def test_fixed_words_relations_kinds_statuses():
    assert [v for v, _ in complete.relations("co")] == ["corroborates", "contradicts"]
    assert [v for v, _ in complete.kinds("def")] == ["defence_ministry"]
    assert [v for v, _ in complete.statuses("UN")] == ["unconfirmed"]


def test_long_or_hostile_text_is_one_short_inert_line(cli, db):
    cli("init")
    cli("source", "add", "s", "--name", "S\x1b[31m", "--kind", "press")
    cli("add", "line one\nline two \x1b]8;;http://x\x07" + "word " * 40, "--source", "s")
    [(value, help_)] = complete.claim_ids(None, "")
    assert value == "1" and len(help_) <= complete.HELP_WIDTH
    assert "\n" not in help_ and "\x1b" not in help_ and "\x07" not in help_
    assert "\x1b" not in complete.source_ids(None, "s")[0][1]


def test_no_ledger_or_a_damaged_one_offers_nothing(db):
    assert complete.claim_ids(None, "") == []
    db.write_text("{not json", encoding="utf-8")
    assert complete.source_ids(None, "") == [] and complete.events(None, "") == []


def _complete(shell: str, line: str, db: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIM_LEDGER")}
    env["_CLAIM_LEDGER_COMPLETE"] = f"complete_{shell}"
    if shell == "bash":
        words = line.split(" ")
        env.update(COMP_WORDS=line, COMP_CWORD=str(len(words) - 1))
    else:
        env["_TYPER_COMPLETE_ARGS"] = line
        env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    done = subprocess.run(
        [installed_command()], env=env, capture_output=True, text=True, encoding="utf-8", timeout=60
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return done.stdout


@pytest.mark.e2e
def test_the_installed_command_completes_in_bash_zsh_and_fish(desk):
    db = str(desk)
    assert _complete("bash", f"claim-ledger --db {db} show 1", desk).split() == ["12", "11", "10", "1"]
    fish = _complete("fish", f"claim-ledger --db {db} list --source ми", desk)
    assert fish.splitlines() == ["минобороны\tМинистерство обороны России"]
    zsh = _complete("zsh", f"claim-ledger --db {db} link 2 rep", desk)
    assert '"repeats":"relays it' in zsh
    assert "харьков-2023-12-30" in _complete("bash", f"claim-ledger --db {db} add --event ха", desk)


def test_the_guide_says_how_to_turn_completion_on():
    readme = (Path(__file__).parents[1] / "docs" / "guide.md").read_text(encoding="utf-8")
    section = readme.split("## Shell completion", 1)[1].split("\n## ", 1)[0]
    for shell in ("bash", "zsh", "fish"):
        assert shell in section
    assert "claim-ledger --install-completion" in section


def test_a_damaged_index_of_claims_is_not_believed(desk, monkeypatch):
    """A byte changed in the cache's index of claims (a text's letter): the ledger answers."""
    from ledger import cache, cachefile

    expected = complete.claim_ids(None, "1")
    cache.build(desk)
    cached = next(cache.folder().glob("*.cache"))
    data = cached.read_bytes()
    # the first time the text appears is in the index, ahead of the image; same length
    cached.write_bytes(data.replace("установки".encode(), "устоновки".encode(), 1))
    assert cachefile.offered(desk, "1", 50) is None
    assert cache.load(desk) is not None  # the image is intact: the listings still use it
    assert complete.claim_ids(None, "1") == expected


def test_a_tab_reads_only_the_parts_of_the_index_that_can_hold_what_is_typed(desk, monkeypatch):
    """In parts of four claims (#12-#9, #8-#5, #4-#1), a damaged part that cannot hold an id
    starting with what is typed is not read, and the cache answers; one that can is, and the
    ledger answers instead, as it would with no cache."""
    from ledger import cache, cachefile

    monkeypatch.setattr(cachefile, "INDEX_PART", 4)
    from_ledger = {typed: complete.claim_ids(None, typed) for typed in ("1", "6")}
    cache.build(desk)
    cached = next(cache.folder().glob("*.cache"))
    header = cachefile.header_of(cached.read_bytes().split(b"\n")[1])
    assert [part[:2] for part in header["index"]["parts"]] == [[12, 9], [8, 5], [4, 1]]
    assert [n for n, *_ in cachefile.offered(desk, "1", 50)] == [12, 11, 10, 1]
    data = cached.read_bytes()
    cached.write_bytes(data.replace(b"drone 42", b"drone 43", 1))  # claim #6's, in the second part
    assert [n for n, *_ in cachefile.offered(desk, "1", 50)] == [12, 11, 10, 1]  # not read
    assert cachefile.offered(desk, "6", 50) is None  # read, and not believed
    assert {typed: complete.claim_ids(None, typed) for typed in ("1", "6")} == from_ledger


def test_a_tab_served_by_the_cache_loads_neither_the_model_nor_the_image_reader(desk):
    """What keeps a Tab at 100k claims near Python's own start-up: with a fresh cache, the
    real completion process imports the cache file's reader alone (ledger.cachefile)."""
    from ledger import cache

    cache.build(desk)
    env = {**os.environ, "_CLAIM_LEDGER_COMPLETE": "complete_bash"}
    env.update(COMP_WORDS=f"claim-ledger --db {desk} show 1", COMP_CWORD="4")
    done, loaded = modules_loaded([], env)
    assert done.returncode == 0 and done.stdout.split() == ["12", "11", "10", "1"], done.stderr
    assert "ledger.cachefile" in loaded
    assert not loaded & {"ledger.model", "ledger.cache", "ledger.store", "sqlite3"}


@given(
    st.sets(st.integers(1, 3000), max_size=60),
    st.text(alphabet="0123456789", max_size=3),
    st.integers(1, 60),
    st.text(max_size=12),
    st.integers(1, 9),
)
@example({21, 12, 11, 10}, "1", 2, "", 2)  # one found in the first part, more than one wanted in the next
def test_the_index_offers_the_newest_ids_starting_with_what_is_typed(ids, typed, limit, text, per):
    """The cache's index of claims, in parts of ``per`` lines searched by line breaks and
    digits, answers as the ledger does: ids starting with what is typed, newest first, at most
    ``limit``; texts as stored. A part it does not read holds no id it should have offered."""
    from types import SimpleNamespace

    from ledger.cachefile import index_of, search

    claims = {n: SimpleNamespace(text=f"{text}\n\t{n}", source="s") for n in ids}
    parts, described = index_of(claims, per)
    whole, read = b"".join(parts), []

    def reader(at: int, size: int) -> bytes:
        read.append(at)
        return whole[at : at + size]

    found = search([tuple(p) for p in described["parts"]], reader, typed, limit)
    expected = [n for n in sorted(ids, reverse=True) if str(n).startswith(typed)][:limit]
    assert [n for n, _ in found] == expected
    assert all(json.loads(said) == [claims[n].text, "s"] for n, said in found)
    newest_first, at = sorted(ids, reverse=True), 0
    for k, part in enumerate(described["parts"]):
        held = newest_first[k * per : (k + 1) * per]
        assert part[:2] == [held[0], held[-1]]
        if at not in read:  # skipped: it held none of the ids offered
            assert not set(held) & set(expected)
        at += part[2]
    if not typed:
        assert len(read) == -(-min(limit, len(ids)) // per)  # the newest parts only


@given(st.integers(0, 3000), st.integers(0, 400), st.text(alphabet="0123456789", max_size=4))
def test_a_part_is_read_exactly_when_its_range_holds_an_id_starting_with_what_is_typed(low, span, typed):
    from ledger.cachefile import _may_hold

    expected = any(str(n).startswith(typed) for n in range(low, low + span + 1))
    assert _may_hold(typed, low, low + span) == expected
