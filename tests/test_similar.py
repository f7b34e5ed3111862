"""Near duplicates: the rule (ledger.similar) and what `add` does with it."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.model import Claim
from ledger.similar import LONGEST, THRESHOLD, near_duplicates, normalise

HOTEL = "The former Kharkiv Palace hotel was hit"


def _claims(*texts: str) -> list[Claim]:
    return [Claim(id=n, text=t, source="ru-mod") for n, t in enumerate(texts, start=1)]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (HOTEL, "identical"),
        ("the FORMER kharkiv palace HOTEL was hit", "identical"),  # case
        ("  The former   Kharkiv\tPalace hotel was hit. ", "identical"),  # spacing, punctuation
        ("The former Kharkiv Palace hotel was struck", "one word differs"),  # one word replaced
        ("The former Kharkiv Palace hotel was not hit", "one word differs"),  # one word added
        ("The Kharkiv Palace hotel was hit", "one word differs"),  # one word removed
        ("Ｔｈｅ former Kharkiv Palace hotel was hit", "identical"),  # full-width letters (NFKC)
    ],
)
def test_what_counts_as_a_near_duplicate(text, why):
    [match] = near_duplicates(text, _claims(HOTEL))
    assert (match.claim.id, match.why) == (1, why)


@pytest.mark.parametrize(
    "text",
    [
        "The hotel housed military commanders and foreign mercenaries",  # same topic, another claim
        "Two HIMARS launchers were destroyed",
        "Kharkiv Palace",  # a fragment
        "Hotel hit",  # a fragment
        "Hotel was struck",  # three words: too short for the one-word rule
        "The former Kharkiv Palace hotel was not hit by drones",  # three words added: 82% alike
        "",
        "!!!",
    ],
)
def test_a_clearly_different_claim_is_not_a_near_duplicate(text):
    assert near_duplicates(text, _claims(HOTEL, "Hotel was hit by a drone")) == []


def test_two_words_changed_in_a_long_claim_is_still_alike():
    said = "Russian missiles struck the centre of Kharkiv on Saturday evening killing three and injuring 28"
    [match] = near_duplicates(said.replace("missiles", "drones").replace("Saturday", "Sunday"), _claims(said))
    assert match.why == "87% alike" and match.score == pytest.approx(2 * 13 / 30)


def test_cyrillic_and_short_edits():
    claims = _claims("Взрыв повредил школу в Харькове")
    assert near_duplicates("ВЗРЫВ повредил школу в Харькове!", claims)[0].why == "identical"
    assert near_duplicates("Взрыв повредил больницу в Харькове", claims)[0].why == "one word differs"
    assert near_duplicates("Обстрел Белгорода", claims) == []


def test_most_alike_first_at_most_three_and_linked_claims_skipped():
    claims = _claims(
        "Strikes on Kharkiv killed three and injured 28 people",
        "Strikes on Kharkiv killed three and injured 28",
        "strikes on kharkiv killed three and injured 28",
        "Strikes on Kharkiv killed four and injured 28",
        "Strikes on Kharkiv killed three and injured 29 people today",
    )
    found = near_duplicates("Strikes on Kharkiv killed three and injured 28", claims)
    assert [m.claim.id for m in found] == [2, 3, 1]
    assert [
        m.claim.id
        for m in near_duplicates("Strikes on Kharkiv killed three and injured 28", claims, skip=[2, 3])
    ] == [1, 4]


words = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzабвгд", min_size=1, max_size=8), min_size=1, max_size=30
)


@given(words, st.sampled_from([str.upper, str.title, str.lower]), st.sampled_from([" ", "  ", ", ", "\n"]))
def test_case_spacing_and_punctuation_never_hide_a_copy(ws, case, gap):
    original = " ".join(ws)
    copy = case(gap.join(ws)) + "."
    assert normalise(copy) == normalise(original)
    [match] = near_duplicates(copy, _claims(original))
    assert match.identical and match.score == 1.0


@given(words, words)
def test_a_match_is_always_explained_and_above_the_threshold_or_one_word_apart(a, b):
    for match in near_duplicates(" ".join(a), _claims(" ".join(b))):
        assert match.why == "identical" or match.why == "one word differs" or match.score >= THRESHOLD


def test_a_pasted_article_is_compared_on_its_first_words_only():
    article = " ".join(f"w{n}" for n in range(50_000))
    claims = _claims(article, article + " more")
    found = near_duplicates(article, claims)
    assert [m.why for m in found] == ["identical", "one word differs"]
    assert len(normalise(article).split()) > LONGEST
    # the same first 500 words, however long each goes on: alike, as the README says
    longer = article + " " + " ".join(f"x{n}" for n in range(100_000))
    assert [m.why for m in near_duplicates(longer, _claims(article[: len(article) // 10]))] == ["100% alike"]


# --------------------------------------------------------------------------- add


@pytest.fixture
def sample(cli):
    cli("init", "--sample")
    return cli


def test_add_refuses_a_near_duplicate_in_a_script_and_names_it(sample, db):
    before = db.read_bytes()
    r = sample("add", "the former Kharkiv Palace hotel was hit!", "--source", "press", ok=False)
    assert r.exit_code == 1
    assert r.stderr.count("\n") == 1 and r.stderr.startswith(
        "Error: a near duplicate of #2 (ru-mod, identical)"
    )
    assert "--repeats 2" in r.stderr and "--corroborates 2" in r.stderr and "--force" in r.stderr
    assert db.read_bytes() == before


def test_the_same_source_is_offered_updates(sample):
    r = sample("add", "The former Kharkiv Palace hotel was struck", "--source", "ru-mod", ok=False)
    assert "one word differs" in r.stderr and "--updates 2" in r.stderr and "--corroborates" not in r.stderr


def test_saying_how_they_relate_or_force_adds_it(sample):
    r = sample("add", "The former Kharkiv Palace hotel was hit", "--source", "press", "--corroborates", "2")
    assert "Linked: #21 corroborates #2." in r.stderr
    r = sample("add", "The former Kharkiv Palace hotel was hit", "--source", "press", "--force")
    assert "Added claim #22" in r.stderr
    texts = [c["text"] for c in json.loads(sample("list", "--json").stdout)]
    assert texts.count(HOTEL) == 3


def test_a_clearly_different_claim_is_added_without_a_word(sample):
    r = sample("add", "A drone hit a grain silo near Izium", "--source", "press")
    assert r.stderr.startswith("Added claim #21")


def test_at_a_terminal_the_user_says_how_they_relate(sample, monkeypatch):
    monkeypatch.setattr("ledger.cli.claims.stdin_is_tty", lambda: True)
    r = sample("add", "The former Kharkiv Palace hotel was hit", "--source", "press", input="r\n")
    assert "How does it relate?" in r.stderr
    assert "Linked: #21 repeats #2." in r.stderr


def test_at_a_terminal_the_same_source_may_mark_it_an_update(sample, monkeypatch):
    monkeypatch.setattr("ledger.cli.claims.stdin_is_tty", lambda: True)
    r = sample("add", "The former Kharkiv Palace hotel was struck", "--source", "ru-mod", input="u\n")
    assert "(corroborates)" not in r.stdout + r.stderr  # a source cannot confirm itself
    assert "(repeats)" in r.stderr and "(updates)" in r.stderr
    assert "Linked: #21 updates #2." in r.stderr
    assert json.loads(sample("show", "2", "--json").stdout)[0]["status"] == "superseded"
