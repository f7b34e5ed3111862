"""Validation of what users type: figures, dates, ids, kinds, urls."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.errors import InvalidInput
from ledger.model import (
    Figure,
    Relation,
    parse_date,
    parse_figure,
    parse_figures,
    parse_kind,
    parse_links,
    parse_reliability,
    parse_source_id,
    parse_url,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("killed=3", Figure("killed", 3, 3)),
        ("killed>=45", Figure("killed", 45, None)),
        ("killed<=10", Figure("killed", 0, 10)),
        ("killed=20..30", Figure("killed", 20, 30)),
        (" Injured = 28 ", Figure("injured", 28, 28)),
        ("area_km2=1.5", Figure("area_km2", 1.5, 1.5)),
        ("visually_confirmed>=2,600", Figure("visually_confirmed", 2600, None)),
        ("погибшие=3", Figure("погибшие", 3, 3)),
    ],
)
def test_figures_parse(text, expected):
    assert parse_figure(text) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("killed=-3", "negative"),
        ("killed=three", "bad figure"),
        ("killed", "bad figure"),
        ("=3", "bad figure"),
        ("killed=30..20", "low to high"),
        ("killed>=1..2", "bad figure"),
        ("3=3", "metric"),
        ("killed=1,00", "bad figure"),
        ("killed=10000000000000001", "largest figure"),
        ("killed=1..10000000000000001", "largest figure"),
    ],
)
def test_bad_figures_are_rejected_with_a_hint(text, words):
    with pytest.raises(InvalidInput, match=words):
        parse_figure(text)


def test_a_metric_given_twice_is_rejected():
    with pytest.raises(InvalidInput, match="given twice"):
        parse_figures(["killed=3", "Killed>=4"])


@given(st.integers(0, 10**9), st.integers(0, 10**9))
def test_figure_text_round_trips(a, b):
    low, high = min(a, b), max(a, b)
    for figure in (Figure("killed", low, high), Figure("killed", low, None), Figure("killed", 0, high)):
        assert parse_figure(str(figure)) == figure


def test_intervals_overlap_as_design_says():
    # "at least 45" against "39" conflicts; "at least 2,600" against "2,900" does not.
    assert not parse_figure("killed>=45").overlaps(parse_figure("killed=39"))
    assert parse_figure("destroyed>=2600").overlaps(parse_figure("destroyed=2900"))
    assert parse_figure("killed=20..30").overlaps(parse_figure("killed=30"))


@pytest.mark.parametrize("bad", ["31/12/2023", "2023-13-01", "2023-02-30", "yesterday", "2023-1-5"])
def test_bad_dates(bad):
    with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
        parse_date(bad)


def test_dates_and_blank():
    assert parse_date("2023-12-31") == "2023-12-31"
    assert parse_date("  ") is None


def test_ids_kinds_grades_urls():
    assert parse_source_id("RU-MoD") == "ru-mod"
    assert parse_source_id("мо-рф") == "мо-рф"  # Cyrillic ids are fine
    for bad in ("", "-x", "a b", "x[bold]", "a\x1b"):
        with pytest.raises(InvalidInput):
            parse_source_id(bad)
    assert parse_kind("Regional-Administration").value == "regional_administration"
    with pytest.raises(InvalidInput, match="defence_ministry"):
        parse_kind("ministry")
    assert parse_reliability("b") == "B"
    assert parse_reliability(None) == "F"
    with pytest.raises(InvalidInput):
        parse_reliability("G")
    assert parse_url("https://t.me/x/1") == "https://t.me/x/1"
    for bad in ("javascript:alert(1)", "t.me/x", "https://"):
        with pytest.raises(InvalidInput):
            parse_url(bad)


@pytest.mark.parametrize(
    ("typed", "links"),
    [
        ("", ()),
        ("repeats 6", ((Relation.repeats, 6),)),
        ("corroborates #2, contradicts 5", ((Relation.corroborates, 2), (Relation.contradicts, 5))),
        ("  UPDATES 3 ;  repeats 4 ", ((Relation.updates, 3), (Relation.repeats, 4))),
    ],
)
def test_links_typed_at_the_prompt(typed, links):
    assert parse_links(typed) == links


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("repeats", "give a relation and a claim number"),
        ("repeats six", "'six' is not a claim number"),
        ("repeats -1", "'-1' is not a claim number"),
        ("repeats ٣", "'٣' is not a claim number"),  # an Arabic-Indic digit: isdigit() but not an id
        ("echoes 6", "unknown relation 'echoes'"),
    ],
)
def test_bad_links_say_what_to_type(typed, words):
    with pytest.raises(InvalidInput, match=re.escape(words)):
        parse_links(typed)
