"""Figure conflicts (DESIGN §2 "Figures"): intervals, origins, relays and updates."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import analysis
from ledger.analysis import MetricFigures, figures
from ledger.model import Claim, Kind, Link, Relation, Source, parse_figure

SOURCES = {
    "ua-mod": Source("ua-mod", "UA MoD", Kind.defence_ministry, "UA"),
    "ua-rma": Source("ua-rma", "Regional administration", Kind.regional_administration, "UA"),
    "ru-mod": Source("ru-mod", "RU MoD", Kind.defence_ministry, "RU"),
    "wire": Source("wire", "Wire", Kind.news_agency),
    "paper": Source("paper", "Paper", Kind.press),
}


def ledger_figures(claims: list[tuple], links: list[tuple] = (), retracted: set[int] = frozenset()):
    """claims: (source, "killed=3", ...) numbered from 1, all about event "e"; links: (a, rel, b)."""
    cls = {
        i: Claim(
            i,
            f"claim {i}",
            source,
            event="e",
            figures=tuple(parse_figure(f) for f in figs),
            retracted_at="2024-01-02" if i in retracted else None,
        )
        for i, (source, *figs) in enumerate(claims, start=1)
    }
    lks = [Link(n, a, Relation(rel), b) for n, (a, rel, b) in enumerate(links, start=1)]
    return figures(cls.values(), analysis.analyze(SOURCES, cls, lks))


def only(groups: list[MetricFigures], metric: str = "killed") -> MetricFigures:
    (group,) = [g for g in groups if g.metric == metric]
    return group


def test_two_origins_whose_intervals_do_not_overlap_conflict():
    g = only(ledger_figures([("ua-rma", "killed>=45"), ("ru-mod", "killed=39")]))
    assert g.conflicts == ((1, 2),)
    assert (g.low, g.high, g.open_ended) == (39, 45, True)


def test_overlapping_intervals_do_not_conflict():
    # "at least 2,600 visually confirmed" against "2,900" (DESIGN §2)
    g = only(ledger_figures([("wire", "killed>=2,600"), ("ua-mod", "killed=2900")]))
    assert not g.conflict
    assert (g.low, g.high, g.spread) == (2600, 2900, 300)


def test_a_range_and_a_value_inside_it_agree_and_one_outside_conflicts():
    g = only(ledger_figures([("wire", "killed=20..30"), ("ua-mod", "killed=25"), ("ru-mod", "killed=31")]))
    assert g.conflicts == ((1, 3), (2, 3))


def test_a_relay_of_the_same_value_is_one_voice_not_a_conflict():
    g = only(ledger_figures([("ua-rma", "killed=3"), ("paper", "killed=3")], [(2, "repeats", 1)]))
    assert not g.conflict
    (value,) = g.values
    assert (value.claim, value.relayed_by, value.origin) == (1, (2,), ("ua-rma",))


def test_a_relay_with_another_value_is_a_relay_error_not_a_conflict():
    g = only(ledger_figures([("ua-rma", "killed=3"), ("paper", "killed=30")], [(2, "repeats", 1)]))
    assert not g.conflict
    assert [(v.claim, v.relay_error) for v in g.values] == [(1, False), (2, True)]
    assert (g.low, g.high) == (3, 3)  # the error is shown, not counted


def test_a_relay_stating_a_metric_its_origin_does_not_gives_the_origins_value():
    g = only(
        ledger_figures([("ua-rma", "killed=3"), ("paper", "killed=3", "injured=28")], [(2, "repeats", 1)]),
        "injured",
    )
    (value,) = g.values
    assert (value.claim, value.origin, value.relay_error) == (2, ("ua-rma",), False)


def test_only_the_latest_of_an_updates_chain_is_current():
    claims = [
        ("ua-rma", "killed=21"),
        ("ua-rma", "killed=24"),
        ("ua-rma", "killed=25"),
        ("ru-mod", "killed=21"),
    ]
    links = [(2, "updates", 1), (3, "updates", 2)]
    g = only(ledger_figures(claims, links))
    assert [(v.claim, v.current) for v in g.values] == [(1, False), (2, False), (3, True), (4, True)]
    # 21 (RU) against the current 25 conflicts; the superseded 21 of the administration does not count
    assert g.conflicts == ((3, 4),)
    assert (g.low, g.high) == (21, 25)


def test_one_source_saying_two_things_is_not_a_conflict_between_origins():
    g = only(ledger_figures([("ua-rma", "killed=3"), ("ua-rma", "killed=5")]))
    assert not g.conflict


def test_retracted_claims_state_nothing():
    g = only(ledger_figures([("ua-rma", "killed=3"), ("ru-mod", "killed=300")], retracted={2}))
    assert [v.claim for v in g.values] == [1] and not g.conflict


def test_metrics_and_events_are_kept_apart():
    groups = ledger_figures([("ua-rma", "killed=3", "injured=28"), ("ru-mod", "injured=5")])
    assert [(g.event, g.metric, g.conflict) for g in groups] == [
        ("e", "injured", True),
        ("e", "killed", False),
    ]


def test_conflicts_are_listed_up_to_a_bound_then_counted_as_more():
    claims = [(src, f"killed={n}") for n, src in enumerate(["ua-mod", "ru-mod", "wire"] * 3, start=1)]
    g = only(ledger_figures(claims))
    assert len(g.conflicts) == 20 and g.more_conflicts
    assert g.conflict_words().endswith(" and more")


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(sorted(SOURCES)),
            st.integers(0, 30),
            st.one_of(st.none(), st.integers(0, 10)),
        ),
        min_size=1,
        max_size=9,
    )
)
def test_conflicts_are_exactly_the_non_overlapping_pairs_of_different_origins(rows):
    """The n log n search finds the same pairs as checking every pair."""
    claims = [
        (src, f"killed>={low}" if width is None else f"killed={low}..{low + width}")
        for src, low, width in rows
    ]
    g = only(ledger_figures(claims))
    values = {v.claim: v for v in g.values}
    expected = {
        (a, b)
        for a in values
        for b in values
        if a < b and values[a].source != values[b].source and not values[a].figure.overlaps(values[b].figure)
    }
    assert set(g.conflicts) == expected or (len(g.conflicts) == 20 and g.more_conflicts)
    assert set(g.conflicts) <= expected


def test_metrics_are_worked_out_when_read_and_read_the_same_every_way():
    claims = [("ua-rma", "killed=3", "injured=2"), ("ru-mod", "killed=9", "missing=1")]
    groups = ledger_figures(claims)
    assert len(groups) == 3
    assert groups[-1] == groups[2] == list(groups)[2] and groups[1:] == list(groups)[1:]
    assert [g.metric for g in groups] == ["injured", "killed", "missing"]
    with pytest.raises(IndexError):
        groups[3]
