"""Numbers over time: hedged figures, wide tables in through a mapping, the sweep that weighs
long series, and ``figures --metric`` out (the real data set is tests/test_ua_losses.py)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.analysis import analyze, findings, series
from ledger.analysis.evidence import story_figures, weigh
from ledger.analysis.stories import build_stories
from ledger.errors import InvalidInput
from ledger.model import Claim, Figure, Kind, Link, Relation, Source, Status, parse_figure, parse_figures

from .test_e2e import run as run_installed

SOURCES = {
    "gs": Source("gs", "General Staff", Kind.military, "UA"),
    "rma": Source("rma", "Regional administration", Kind.regional_administration, "UA"),
    "oryx": Source("oryx", "Oryx", Kind.osint),
    "press": Source("press", "Press", Kind.press),
    "wire": Source("wire", "Wire", Kind.news_agency),
    "ru": Source("ru", "MoD of Russia", Kind.defence_ministry, "RU"),
}


# --------------------------------------------------------------------------- hedges


@pytest.mark.parametrize(
    ("typed", "shown", "words", "low", "high", "qualifier"),
    [
        ("personnel=~2800", "personnel=~2800", "about 2800", 2800, 2800, "about"),
        ("personnel~2,800", "personnel=~2800", "about 2800", 2800, 2800, "about"),
        ("personnel>2800", "personnel>2800", "more than 2800", 2800, None, "more"),
        ("personnel>=2800", "personnel>=2800", "at least 2800", 2800, None, None),
    ],
)
def test_a_hedge_is_kept_as_said_and_weighed_as_its_number(typed, shown, words, low, high, qualifier):
    figure = parse_figure(typed)
    assert (str(figure), figure.words, figure.low, figure.high, figure.qualifier) == (
        shown,
        words,
        low,
        high,
        qualifier,
    )
    assert parse_figures([figure.to_dict()]) == (figure,)


@pytest.mark.parametrize(
    "record",
    [
        {"metric": "x", "low": 3, "high": 4, "qualifier": "about"},  # about a range
        {"metric": "x", "low": 3, "high": 3, "qualifier": "more"},  # more than, but closed
        {"metric": "x", "low": 3, "high": 3, "qualifier": "roughly"},
    ],
)
def test_a_stored_hedge_must_make_sense(record):
    with pytest.raises(InvalidInput):
        parse_figures([record])


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["=", ">=", "<=", "=~", ">"]),
    st.integers(min_value=0, max_value=10**9),
)
def test_every_figure_reads_back_as_written(op, n):
    figure = parse_figure(f"killed{op}{n}")
    assert parse_figure(str(figure)) == figure
    assert Figure.from_dict(figure.to_dict()) == figure


def _claims(*rows, links=()):
    claims = {
        i: Claim(i, f"claim {i}", source, date, "e", tuple(parse_figure(f) for f in figs))
        for i, (source, date, *figs) in enumerate(rows, start=1)
    }
    return claims, [Link(n, a, Relation(rel), b) for n, (a, rel, b) in enumerate(links, start=1)]


def test_a_relay_that_drops_about_is_a_finding_of_its_own_not_a_relay_error():
    claims, links = _claims(
        ("gs", "2022-03-01", "personnel=~5300", "tank=200"),
        ("wire", "2022-03-01", "personnel=5300", "tank=201"),
        links=[(2, "repeats", 1)],
    )
    found = findings(SOURCES, claims, links)
    codes = {(f.code, f.metric) for f in found}
    assert codes == {("relay-qualifier", "personnel"), ("relay-error", "tank")}
    (hedge,) = [f for f in found if f.code == "relay-qualifier"]
    assert "gives personnel as 5,300" in hedge.message and "says about 5,300" in hedge.message


# --------------------------------------------------------------------------- the sweep


VOICES = ["gs", "rma", "oryx", "press", "ru"]


@st.composite
def long_series(draw):
    """One event and metric, many dated claims of a few voices: points, floors, ranges."""
    n = draw(st.integers(min_value=2, max_value=40))
    rows = []
    for _ in range(n):
        source = draw(st.sampled_from(VOICES))
        day = draw(st.integers(min_value=1, max_value=12))
        low = draw(st.integers(min_value=0, max_value=30))
        shape = draw(st.sampled_from(["=", ">=", "range"]))
        figure = f"t={low}..{low + draw(st.integers(1, 10))}" if shape == "range" else f"t{shape}{low}"
        rows.append((source, f"2024-01-{day:02d}", figure))
    return rows


@settings(max_examples=300, deadline=None)
@given(long_series(), st.booleans())
def test_the_sweep_weighs_a_long_series_as_pairs_do(rows, level):
    """Status-bearing facts are the same either way: each story's strongest backing per metric,
    whether anything disputes it, whether its own source's figures fall; and every clash the
    sweep names is one the pairs name too."""
    claims, links = _claims(*rows)
    story_of = build_stories(claims, links, SOURCES)
    groups = story_figures(claims, story_of, set(), set(claims))
    levels = frozenset({"t"}) if level else frozenset()
    pairs = weigh(groups, claims, story_of, levels, sweep_above=10**9)
    swept = weigh(groups, claims, story_of, levels, sweep_above=0)
    for story in {s.id for s in story_of.values()}:
        a, b = pairs.get(story), swept.get(story)
        if a is None or b is None:
            assert (a is None or not (a.backing or a.clashes or a.own)) and (
                b is None or not (b.backing or b.clashes or b.own)
            )
            continue
        assert a.backing == b.backing, story
        assert bool(a.clashes) == bool(b.clashes) and bool(a.own) == bool(b.own), story
        named = {(c.own.claim, c.other.claim) for c in a.clashes + a.own}
        assert {(c.own.claim, c.other.claim) for c in b.clashes + b.own} <= named


def test_verdicts_of_a_long_series_come_out_of_the_sweep():
    """65 daily claims of one metric: the sweep runs (SWEEP_ABOVE is 64), and the verdicts
    are the rule's: each claim partly confirmed by the floor of the day before."""
    rows = []
    for day in range(1, 66):
        date = f"2024-{1 + (day - 1) // 28:02d}-{1 + (day - 1) % 28:02d}"
        rows.append(("gs", date, f"tank={100 + day}"))
    rows.append(("oryx", "2024-01-01", "tank>=50"))
    a = analyze(SOURCES, *_claims(*rows))
    assert a[1].status is Status.partly_confirmed  # a same-day floor backs it too
    assert a[65].status is Status.partly_confirmed
    assert a[65].reason.startswith("tank: at least 50 of 165 (30%) confirmed by #66")
    assert a[66].status is Status.confirmed  # every later GS figure is at least 50


# --------------------------------------------------------------------------- series


def test_a_series_carries_each_source_forward_and_shares_the_floor():
    claims, links = _claims(
        ("gs", "2024-01-01", "tank=100"),
        ("oryx", "2024-01-02", "tank>=40"),
        ("gs", "2024-01-03", "tank=120"),
        ("gs", "2024-02-10", "tank=200"),
        ("oryx", "2024-02-12", "tank>=90"),
    )
    from ledger.report import report_of

    rep = report_of(SOURCES, claims, links)
    days = series(rep.claims.values(), rep.assessments, rep.numbers, "tank")
    assert days.every == "day" and days.claimant == "gs" and days.sources == ("gs", "oryx")
    assert [(r.date, r.floor.part if r.floor else None, r.share) for r in days.rows] == [
        ("2024-01-01", None, None),
        ("2024-01-02", None, None),  # gs's figure of 01-01 says nothing of a later floor
        ("2024-01-03", 40, 33),
        ("2024-02-10", 40, 20),
        ("2024-02-12", 40, 20),  # the 90 of 02-12 is later than gs's 200 of 02-10
    ]
    months = series(rep.claims.values(), rep.assessments, rep.numbers, "tank", every="month")
    assert [r.date for r in months.rows] == ["2024-01-03", "2024-02-12"]
    assert months.rows[1].values["oryx"].figure.low == 90 and months.rows[1].values["gs"].claim == 4


def test_a_series_of_a_metric_in_two_events_asks_for_one():
    claims = {
        1: Claim(1, "a", "gs", "2024-01-01", "e1", (parse_figure("tank=1"),)),
        2: Claim(2, "b", "gs", "2024-01-01", "e2", (parse_figure("tank=2"),)),
    }
    from ledger.report import report_of

    rep = report_of(SOURCES, claims, [])
    with pytest.raises(InvalidInput, match="name one with --event"):
        series(rep.claims.values(), rep.assessments, rep.numbers, "tank")
    assert (
        series(rep.claims.values(), rep.assessments, rep.numbers, "tank", event="e2")
        .rows[0]
        .values["gs"]
        .claim
        == 2
    )


# --------------------------------------------------------------------------- import through a mapping


MAPPING = """
tables = ["daily.csv", "people.json.gz"]
event = "war"
text = "GS: losses as of {date} ({note})"
date = "date"

[source]
id = "gs"
name = "General Staff"
kind = "military"
party = "UA"

[metrics]
tanks = "tank"
"armoured vehicles" = "apc"
personnel = { metric = "personnel", qualifier = "hedge" }
"""


def _write_series(folder: Path, mapping: str = MAPPING) -> Path:
    (folder / "daily.csv").write_text(
        "date,tanks,armoured vehicles,note\n2024-01-01,10,,first\n2024-01-02,12,30,Харків\n", encoding="utf-8"
    )
    people = [
        {"date": "2024-01-01", "personnel": 1000, "hedge": "about"},
        {"date": "2024-01-02", "personnel": "1,200", "hedge": "понад"},
    ]
    (folder / "people.json.gz").write_bytes(gzip.compress(json.dumps(people).encode()))
    path = folder / "gs.toml"
    path.write_text(mapping, encoding="utf-8")
    return path


def test_a_mapping_joins_its_tables_on_the_date_and_keeps_hedges(cli, tmp_path):
    mapping = _write_series(tmp_path)
    done = cli("import", str(mapping))
    assert "Imported 2 claims (#1-#2), 0 links, 1 new source from gs.toml." in done.stderr
    listed = json.loads(cli("list", "--json").stdout)
    assert [(c["text"], c["date"], [f["text"] for f in c["figures"]]) for c in listed] == [
        ("GS: losses as of 2024-01-01 (first)", "2024-01-01", ["tank=10", "personnel=~1000"]),
        ("GS: losses as of 2024-01-02 (Харків)", "2024-01-02", ["tank=12", "apc=30", "personnel>1200"]),
    ]
    again = cli("import", str(mapping))
    assert "Nothing new in gs.toml: 2 claims; nothing was written." in again.stderr


def test_a_relay_mapping_links_each_row_to_its_origin_of_that_date(cli, tmp_path):
    _write_series(tmp_path)
    cli("import", str(tmp_path / "gs.toml"))
    (tmp_path / "relay.json").write_text(
        json.dumps(
            [{"day": "2024-01-02", "t": 13, "u": "https://example.org/2"}, {"day": "2024-01-05", "t": 20}]
        ),
        encoding="utf-8",
    )
    (tmp_path / "relay.toml").write_text(
        'tables = "relay.json"\nevent = "war"\ntext = "relay {date}"\ndate = "day"\nurl = "u"\n'
        'repeats = "gs"\n[source]\nid = "relay"\nkind = "osint"\n[metrics]\nt = "tank"\n',
        encoding="utf-8",
    )
    done = cli("import", str(tmp_path / "relay.toml"))
    assert "Imported 2 claims (#3-#4), 1 link, 1 new source from relay.toml." in done.stderr
    assert "1 row of relays found no claim of their origin on their date (relay.json record 2)" in done.stderr
    (shown,) = json.loads(cli("show", "3", "--json").stdout)
    assert shown["url"] == "https://example.org/2" and shown["story"] == 2
    found = json.loads(cli("check", "--json", ok=False).stdout)
    assert [(f["code"], f["metric"], f["claims"]) for f in found] == [("relay-error", "tank", [3, 2])]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.replace('event = "war"\n', ""), "gs.toml: the mapping needs 'event'"),
        (lambda m: 'layout = "tall"\n' + m, "layout is 'wide' or 'long', not 'tall'"),
        (lambda m: 'colour = "red"\n' + m, "unknown key 'colour'"),
        (lambda m: m.replace('kind = "military"\n', ""), "[source] needs an id and a kind"),
        (lambda m: m.replace('tables = ["daily.csv"', 'tables = ["missing.csv"'), "no such table:"),
        (lambda m: m.replace("[metrics]", "[metrics]\nnote = 'bad metric!'"), "bad"),
        (lambda m: "tables = [", "gs.toml is not a valid TOML mapping"),
    ],
)
def test_a_bad_mapping_is_one_line_and_writes_nothing(cli, tmp_path, db, change, message):
    mapping = _write_series(tmp_path)
    mapping.write_text(change(MAPPING), encoding="utf-8")
    done = cli("import", str(mapping), ok=False)
    assert done.exit_code != 0 and message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not db.exists()


def test_bad_cells_are_listed_with_their_record_and_nothing_is_written(cli, tmp_path, db):
    _write_series(tmp_path)
    (tmp_path / "daily.csv").write_text(
        "date,tanks,armoured vehicles,note\n2024-01-01,-3,,x\n31/01/2024,1,,x\n2024-01-03,many,,x\n",
        encoding="utf-8",
    )
    done = cli("import", str(tmp_path / "gs.toml"), ok=False)
    assert done.exit_code != 0
    for expected in (
        "daily.csv record 1: tanks -3 is negative",
        "daily.csv record 2: bad date '31/01/2024'",
        "daily.csv record 3: tanks 'many' is not a number",
    ):
        assert expected in done.stderr
    assert not db.exists()


# --------------------------------------------------------------------------- figures --metric, demo


def test_figures_metric_prints_the_series_and_its_json(cli, tmp_path):
    cli("import", str(_write_series(tmp_path)))
    cli("source", "add", "oryx", "--name", "Oryx", "--kind", "osint")
    cli("add", "Seen", "--source", "oryx", "--date", "2024-01-01", "--event", "war", "--figure", "tank>=6")
    shown = cli("figures", "--metric", "tank").stdout
    assert "tank (war) over time" in shown
    lines = [line.split() for line in shown.splitlines() if line.strip().startswith("2024-")]
    # the bar: 30 cells for the peak (12), so 25 for the claimed 10, of which 15 for the floor 6
    assert lines[0] == ["2024-01-01", "10", "≥6", "6", "60%", "█" * 15 + "░" * 10]
    assert lines[1][:5] == ["2024-01-02", "12", "≥6", "6", "50%"]
    doc = json.loads(cli("figures", "--metric", "tank", "--json").stdout)
    assert doc["claimant"] == "gs" and [r["share"] for r in doc["rows"]] == [60, 50]
    assert doc["rows"][1]["values"]["oryx"]["date"] == "2024-01-01"  # carried forward


def test_figures_metric_refuses_what_it_cannot_do(cli):
    cli("init")
    assert "--every and --claimant go with --metric" in cli("figures", "--every", "week", ok=False).stderr
    assert "unknown period 'decade'" in cli("figures", "--metric", "t", "--every", "decade", ok=False).stderr


def test_demo_shows_tanks_claimed_against_confirmed_from_the_installed_command(tmp_path):
    done = run_installed(tmp_path, "demo", "--example", "ua-losses")
    assert done.returncode == 0, done.stderr
    assert "tank (russia-losses) over time" in done.stdout
    (last,) = [line.split() for line in done.stdout.splitlines() if line.startswith(" 2026-08-22")]
    assert last[1:6] == ["12,251", "12,292", "≥4,074", "4,074", "33%"]
