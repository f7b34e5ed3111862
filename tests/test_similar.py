"""Near duplicates: the rule (ledger.similar) and what `add` does with it."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
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


def test_add_compares_the_stored_texts_without_building_every_claim(sample, db):
    from ledger import ops
    from ledger.errors import NearDuplicate
    from ledger.store import open_ledger

    text = "The former Kharkiv Palace hotel was struck"
    with open_ledger(db) as store:
        every = near_duplicates(text, store.claims().values())
    with open_ledger(db, write=True) as store:
        with pytest.raises(NearDuplicate) as refused:
            ops.add_claim(store, text, source="press", now="2026-11-27T00:00:00+00:00")
        assert "claims" not in store._cache  # only the texts were read, and the matches built
    assert refused.value.matches == every and every[0].why == "one word differs"


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


VOCABULARY = ["shelling", "kharkiv", "the", "of", "hit", "drones", "two", "три", "удари", "near", "a", "in"]
word_lists = st.lists(st.sampled_from(VOCABULARY), min_size=0, max_size=24)


@st.composite
def _edited(draw, words: list[str]) -> str:
    """``words`` with a few words dropped, replaced or added: a near duplicate, or just not one."""
    out = list(words)
    for _ in range(draw(st.integers(0, 5))):
        how = draw(st.sampled_from(["drop", "replace", "add"]))
        at = draw(st.integers(0, max(len(out) - 1, 0)))
        if how == "add" or not out:
            out.insert(at, draw(st.sampled_from(VOCABULARY)))
        elif how == "drop":
            del out[at]
        else:
            out[at] = draw(st.sampled_from(VOCABULARY))
    return " ".join(out)


@settings(max_examples=600, deadline=None)
@given(
    words=word_lists,
    data=st.data(),
    counts=st.one_of(st.none(), st.dictionaries(st.sampled_from(VOCABULARY), st.integers(0, 50))),
)
def test_the_claims_holding_a_word_that_must_be_shared_are_all_the_near_duplicates(words, data, counts):
    """A store that reads only the claims holding one of must_share's words (the PostgreSQL
    store does, from its index) finds exactly the near duplicates reading every claim finds,
    whatever counts it keeps (the real ones, or any: they only order the words)."""
    from collections import Counter

    from ledger.similar import index_words, must_share

    text = " ".join(words)
    others = data.draw(st.lists(st.one_of(_edited(words), word_lists.map(" ".join)), max_size=20))
    claims = [Claim(n, t or "x", "press", recorded_at="2024-01-01") for n, t in enumerate(others, start=1)]
    real = Counter(w for c in claims for w in index_words(c.text))
    needs = must_share(text, lambda asked: real if counts is None else counts)
    assert needs.any_of <= set(index_words(text))
    held = [c for c in claims if needs.met_by(index_words(c.text))]
    assert near_duplicates(text, held) == near_duplicates(text, claims)


@pytest.mark.parametrize("repeat", [False, True])
def test_must_share_holds_at_the_edge_for_every_length(repeat):
    """The worst claim for the rule: the text itself without the words must_share took (every
    occurrence). It must not be a near duplicate, at any length up to past LONGEST."""
    from ledger.similar import must_share

    for n in [*range(1, 80), 499, 500, 501, 620]:
        words = [f"w{i % 7 if repeat else i}" for i in range(n)]
        rank = {w: i for i, w in enumerate(dict.fromkeys(words))}
        needs = must_share(" ".join(words), lambda asked, rank=rank: {w: rank[w] for w in asked})
        rest = [w for w in words if w not in needs.any_of]
        assert needs.any_of and not near_duplicates(
            " ".join(words), [Claim(1, " ".join(rest) or "x", "press")]
        ), n
        assert needs.met_by(words) and not needs.met_by(rest)


def test_a_rare_word_is_enough_to_find_a_long_claim_s_near_duplicates():
    from ledger.similar import must_share

    text = "Shelling of the Saltivskyi district of Kharkiv wounded three residents"
    common = {"of": 900, "the": 950, "shelling": 300, "kharkiv": 400, "district": 200, "wounded": 120}
    needs = must_share(text, lambda words: {w: common.get(w, 1) for w in words})
    assert needs.any_of and needs.any_of.isdisjoint({"of", "the"})  # the claims read: the rare words'
    assert not needs.met_by(["shelling", "of", "the", "kharkiv", "saltivskyi"])  # too few of its words


@given(st.one_of(st.text(), st.text(alphabet=st.characters(max_codepoint=127))))
def test_the_words_of_a_text_are_those_of_its_normal_form(text):
    """words_of takes a quicker way for ASCII text: to the same words as normalise."""
    from ledger.similar import words_of

    normal = normalise(text)
    assert words_of(text) == (normal.split(" ") if normal else [])


_TRICKY = "aZ9_ -.,\x00\u0301\u0308ςΣσßẞﬁⅫ①각İıŉǅ\u200d\u00a0Дя'ʼ٣"


@given(
    st.lists(
        st.one_of(
            st.text(),
            st.text(alphabet=st.characters(max_codepoint=127)),
            st.text(alphabet=st.sampled_from(_TRICKY)),
        ),
        max_size=8,
    )
)
def test_texts_normalised_together_have_the_words_each_has_alone(texts):
    """_Joined joins the texts by NUL and normalises them in one pass (add at 100k
    claims): across a join no character may change its neighbour's words (a combining mark,
    a final sigma, Hangul jamo, a NUL inside a text)."""
    from ledger.similar import _Joined, words_of

    assert _Joined(texts).words() == [words_of(text) for text in texts]


_SPELLINGS = [
    *VOCABULARY,
    "KHARKIV",
    "Ｋｈａｒｋｉｖ",
    "straße",
    "STRASSE",
    "ﬁre",
    "fire",
    "ΟΔΟΣ",
    "οδος",
    "x\x00y",
    "é",
    "e\u0301",
]


@settings(max_examples=400, deadline=None)
@given(
    words=st.lists(st.sampled_from(_SPELLINGS), min_size=1, max_size=12),
    data=st.data(),
    skip=st.sets(st.integers(1, 20), max_size=3),
)
def test_finding_the_claims_that_hold_a_rare_word_finds_every_near_duplicate(words, data, skip):
    """``add`` reads only the claims whose text holds one of a few of the new text's words
    (found in all the texts joined, lowered or NFKC-folded): the same matches as reading
    every claim, across case, compatibility forms, final sigma and a NUL inside a text."""
    import ledger.similar as similar

    text = " ".join(words)
    edited = st.lists(st.sampled_from(_SPELLINGS), max_size=14).map(" ".join)
    others = data.draw(
        st.lists(st.one_of(edited, st.just(text.upper()), st.just(text + " now")), max_size=20)
    )
    pairs = list(enumerate(others, start=1))
    with pytest.MonkeyPatch.context() as m:
        m.setattr(similar, "FIND_BELOW", 10.0)  # always find (a small list is always read whole)
        found = similar.scored(text, pairs, skip=skip)
        m.setattr(similar._Joined, "holding_any", lambda *_: None)  # every claim read
        assert found == similar.scored(text, pairs, skip=skip)


def test_add_normalises_only_the_claims_holding_the_new_text_s_rarest_words(cli, tmp_path, monkeypatch):
    """In a ledger of 400 claims, each naming its own village, river, unit, commander and town, a
    near duplicate of one is refused after normalising only the claims that hold one of its
    rarest words (counted in a sample). A text with one rare word among common ones may be
    a near duplicate of any claim sharing the rest, so every claim is compared."""
    import ledger.similar as similar

    def text(n: int, people: str, where: str = "near the bridge") -> str:
        names = f"zor{n}ivka on kup{n}ka by mel{n}ov of tov{n}enko at dne{n}pro"
        return f"Shelling of {names} wounded {people} people {where}"

    rows = [{"text": text(n, str(n % 7)), "source": "press"} for n in range(1, 401)]
    data = tmp_path / "claims.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    cli("init")
    cli("source", "add", "press", "--name", "Press", "--kind", "press")
    cli("import", str(data))
    calls, read_all = [], []
    real, every = similar.words_of, similar._Joined.words
    monkeypatch.setattr(similar, "words_of", lambda text: calls.append(text) or real(text))
    monkeypatch.setattr(similar._Joined, "words", lambda self: read_all.append(1) or every(self))
    r = cli("add", text(300, "6", "near a bridge"), "--source", "press", ok=False)
    assert r.exit_code == 1 and "a near duplicate of #300 (press, one word differs)" in r.stderr
    assert not read_all and len(calls) < 10  # the new text (twice) and #300, not 400 claims
    # one rare word among words every claim has: any claim may be a near duplicate, all are read
    r = cli(
        "add", "Shelling of zor999ivka on the river wounded 3 people near the bridge", "--source", "press"
    )
    assert r.stderr.startswith("Added claim #401") and read_all == [1]
