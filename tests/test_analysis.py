"""The independence rule, statuses, reasons and credibility (DESIGN §2, §3)."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ledger
from ledger import analysis, ops
from ledger.analysis import Support, analyze, check_new_link
from ledger.errors import Conflict
from ledger.model import Claim, Kind, Link, Relation, Source, Status
from ledger.store import memory_store

from . import worked_example as wx
from .conftest import NOW


def build(sources, claims, links):
    """Pure inputs from compact tuples: sources (id, party), claims (source,), links (a, rel, b)."""
    srcs = {sid: Source(sid, sid, Kind.other, party) for sid, party in sources}
    cls = {
        i: Claim(i, f"claim {i}", s, retracted_at=(NOW if r else None))
        for i, (s, r) in enumerate(claims, start=1)
    }
    lks = [Link(n, a, Relation(rel), b) for n, (a, rel, b) in enumerate(links, start=1)]
    return srcs, cls, lks


# --------------------------------------------------------------------------- worked example


def test_worked_example_through_the_public_api():
    store = ledger.memory_store()
    for party in wx.PARTIES:
        ledger.add_party(store, party, now=NOW)
    for sid, name, kind, party in wx.SOURCES:
        ledger.add_source(store, sid, name=name, kind=kind, party=party, now=NOW)
    for source, text, figures in wx.CLAIMS:
        ledger.add_claim(store, text, source=source, figures=figures, now=NOW)
    for a, rel, b in wx.LINKS:
        ledger.link(store, a, rel, b, now=NOW)
    assessments = ledger.report(store).assessments
    for cid, (status, credibility, words) in wx.EXPECTED.items():
        a = assessments[cid]
        assert (a.status.value, a.credibility) == (status, credibility), (cid, a.reason)
        for w in words:
            assert w in a.reason, (cid, a.reason)


def test_sample_ledger_gives_the_design_statuses(sample_report):
    # The sample numbers its first eight claims as DESIGN §3's table does.
    for cid, (status, credibility, words) in wx.EXPECTED.items():
        a = sample_report.assessments[cid]
        assert (a.status.value, a.credibility) == (status, credibility), (cid, a.reason)
        for w in words:
            assert w in a.reason, (cid, a.reason)


def test_sample_ledger_carries_every_assertion_with_the_rule_s_status(sample_report):
    claims, assessments = sample_report.claims, sample_report.assessments
    assert len(claims) == 20
    assert {s for s in sample_report.sources} == {"ru-mod", "ru-officials", "kharkiv-rma", "press"}
    # Beyond the table: every other claim is one voice, so unconfirmed, possibly true.
    for cid in range(9, 21):
        assert assessments[cid].status is Status.unconfirmed, (cid, assessments[cid].reason)
        assert assessments[cid].credibility == 3
    # The press relays of the Belgorod toll and of the ministry's motive are one voice each.
    assert assessments[16].origin == ("ru-officials",)
    assert "same story as #5" in assessments[16].reason
    assert assessments[15].origin == ("ru-mod",)
    assert "only relayed, by #16 (press, unaligned)" in assessments[5].reason


# --------------------------------------------------------------------------- circular reporting


def test_a_relay_chain_corroborating_its_own_origin_stays_unconfirmed():
    # #1 ministry; #2 agency relays #1; #3 paper relays #2; #4 site relays #3.
    # The relays then "corroborate" #1: still one voice.
    srcs, cls, lks = build(
        [("ru-mod", "RU"), ("agency", None), ("paper", None), ("site", None)],
        [("ru-mod", 0), ("agency", 0), ("paper", 0), ("site", 0)],
        [
            (2, "repeats", 1),
            (3, "repeats", 2),
            (4, "repeats", 3),
            (4, "corroborates", 1),
            (3, "corroborates", 1),
        ],
    )
    result = analyze(srcs, cls, lks)
    for cid in (1, 2, 3, 4):
        assert result[cid].status is Status.unconfirmed
        assert result[cid].credibility == 3
        assert result[cid].origin == ("ru-mod",)
        assert result[cid].confirmed_by == ()
    assert "single source: ru-mod" in result[1].reason
    assert "circular reporting" in result[1].reason
    assert "(ru-mod)" in result[1].reason  # the reason names the origin
    assert "only relayed, by #2 (agency, unaligned), #3 (paper, unaligned), #4" in result[1].reason


def test_corroboration_from_another_story_of_the_same_origin_is_circular():
    # #2 is a paper relaying another ministry statement #3; it "corroborates" ministry claim #1.
    srcs, cls, lks = build(
        [("ru-mod", "RU"), ("paper", None)],
        [("ru-mod", 0), ("paper", 0), ("ru-mod", 0)],
        [(2, "repeats", 3), (2, "corroborates", 1)],
    )
    result = analyze(srcs, cls, lks)
    assert result[1].status is Status.unconfirmed
    assert result[1].supported_by == ((2, Support.circular),)
    assert "runs back to the same origin (ru-mod)" in result[1].reason


# --------------------------------------------------------------------------- parties


def test_two_sources_of_one_party_do_not_confirm_each_other():
    srcs, cls, lks = build(
        [("kharkiv-rma", "UA"), ("ua-mod", "UA")],
        [("kharkiv-rma", 0), ("ua-mod", 0)],
        [(2, "corroborates", 1)],
    )
    result = analyze(srcs, cls, lks)
    assert result[1].status is Status.unconfirmed
    assert result[1].credibility == 2  # probably true: support, but not independent
    assert "corroborated only by #2 of the same party (UA)" in result[1].reason


def test_party_labels_compare_without_case():
    srcs, cls, lks = build([("a", "UA"), ("b", "ua")], [("a", 0), ("b", 0)], [(2, "corroborates", 1)])
    assert analyze(srcs, cls, lks)[1].status is Status.unconfirmed


def test_a_party_source_and_an_unaligned_one_do_confirm():
    srcs, cls, lks = build(
        [("kharkiv-rma", "UA"), ("osint", None)],
        [("kharkiv-rma", 0), ("osint", 0)],
        [(2, "corroborates", 1)],
    )
    result = analyze(srcs, cls, lks)
    assert result[1].status is Status.confirmed
    assert result[1].credibility == 1
    assert result[1].reason == "confirmed by #2 (osint, unaligned)"
    assert result[2].status is Status.confirmed  # corroboration is symmetric in effect


def test_confirmation_reaches_the_whole_story():
    # #2 relays #1; an independent #3 corroborates the relay: the story is confirmed.
    srcs, cls, lks = build(
        [("kharkiv-rma", "UA"), ("paper", None), ("osint", None)],
        [("kharkiv-rma", 0), ("paper", 0), ("osint", 0)],
        [(2, "repeats", 1), (3, "corroborates", 2)],
    )
    result = analyze(srcs, cls, lks)
    assert result[1].status is Status.confirmed
    assert result[2].status is Status.confirmed
    assert result[2].reason.startswith("same story as #1: confirmed by #3")


# --------------------------------------------------------------------------- retractions, updates


def test_a_retracted_corroboration_confirms_nothing():
    srcs, cls, lks = build([("a", "UA"), ("b", None)], [("a", 0), ("b", 1)], [(2, "corroborates", 1)])
    result = analyze(srcs, cls, lks)
    assert result[1].status is Status.unconfirmed
    assert result[1].credibility == 3
    assert "corroboration by #2 was retracted" in result[1].reason
    assert result[2].status is Status.retracted
    assert result[2].credibility is None


def test_a_retracted_contradiction_disputes_nothing():
    srcs, cls, lks = build([("a", "UA"), ("b", "RU")], [("a", 0), ("b", 1)], [(2, "contradicts", 1)])
    result = analyze(srcs, cls, lks)
    assert result[1].status is Status.unconfirmed
    assert result[1].contradicted_by == ()


def test_retraction_reason_has_date_and_note():
    store = memory_store()
    ops.add_source(store, "a", name="A", kind="press", now=NOW)
    ops.add_claim(store, "x", source="a", now=NOW)
    ops.retract(store, 1, note="withdrawn on Telegram", now="2024-01-02T08:00:00+00:00")
    a = ops.report(store).assessments[1]
    assert a.status is Status.retracted
    assert a.reason == "retracted 2024-01-02: withdrawn on Telegram"


def test_an_update_supersedes_the_older_statement_and_is_not_a_contradiction():
    srcs, cls, lks = build(
        [("ru-officials", "RU")], [("ru-officials", 0), ("ru-officials", 0)], [(2, "updates", 1)]
    )
    result = analyze(srcs, cls, lks)
    assert result[1].status is Status.superseded
    assert result[1].reason == "superseded by #2"
    assert result[2].status is Status.unconfirmed
    assert result[2].contradicted_by == ()


def test_a_retracted_update_supersedes_nothing():
    srcs, cls, lks = build([("s", None)], [("s", 0), ("s", 1)], [(2, "updates", 1)])
    assert analyze(srcs, cls, lks)[1].status is Status.unconfirmed


# --------------------------------------------------------------------------- credibility


@pytest.mark.parametrize(
    ("links", "expected"),
    [
        # C=#1 (UA); #2 unaligned; #3 RU; #4 unaligned osint; #5 another unaligned
        ([], 3),
        ([(2, "corroborates", 1)], 1),
        ([(3, "contradicts", 1)], 4),
        ([(3, "contradicts", 1), (4, "corroborates", 3)], 5),
        ([(3, "contradicts", 1), (2, "corroborates", 1)], 2),
        ([(3, "contradicts", 1), (2, "corroborates", 1), (4, "corroborates", 3)], 6),
    ],
)
def test_credibility_scale(links, expected):
    srcs, cls, lks = build(
        [("c", "UA"), ("u1", None), ("ru", "RU"), ("u2", None)],
        [("c", 0), ("u1", 0), ("ru", 0), ("u2", 0)],
        links,
    )
    assert analyze(srcs, cls, lks)[1].credibility == expected


def test_a_relay_of_a_disputed_claim_is_disputed_too():
    srcs, cls, lks = build(
        [("ru-mod", "RU"), ("paper", None), ("osint", None)],
        [("ru-mod", 0), ("paper", 0), ("osint", 0)],
        [(2, "repeats", 1), (3, "contradicts", 1)],
    )
    result = analyze(srcs, cls, lks)
    assert result[2].status is Status.disputed
    assert result[2].reason == "same story as #1: contradicted by #3 (osint, unaligned)"


# --------------------------------------------------------------------------- link rules


def _claims(*sources: str) -> dict[int, Claim]:
    return {i: Claim(i, f"c{i}", s) for i, s in enumerate(sources, start=1)}


def test_link_rules():
    c = _claims("a", "b", "c", "a")
    existing = [Link(1, 2, Relation.repeats, 1), Link(2, 3, Relation.repeats, 2)]
    with pytest.raises(Conflict, match="itself"):
        check_new_link(c[1], Relation.corroborates, c[1], existing)
    with pytest.raises(Conflict, match="already repeats"):
        check_new_link(c[1], Relation.corroborates, c[2], existing)  # either direction
    with pytest.raises(Conflict, match="close a loop"):
        check_new_link(c[1], Relation.repeats, c[3], existing)
    with pytest.raises(Conflict, match="same source"):
        check_new_link(c[2], Relation.updates, c[4], existing)
    check_new_link(c[4], Relation.updates, c[1], existing)  # same source: fine
    check_new_link(c[4], Relation.contradicts, c[3], existing)


# --------------------------------------------------------------------------- invariants


@st.composite
def ledgers(draw):
    n_sources = draw(st.integers(1, 5))
    parties = draw(
        st.lists(st.sampled_from([None, "RU", "UA", "ua"]), min_size=n_sources, max_size=n_sources)
    )
    sources = [(f"s{i}", p) for i, p in enumerate(parties)]
    n = draw(st.integers(1, 12))
    claims = [
        (f"s{draw(st.integers(0, n_sources - 1))}", draw(st.booleans()) and draw(st.integers(0, 4)) == 0)
        for _ in range(n)
    ]
    pairs = draw(st.lists(st.tuples(st.integers(1, n), st.integers(1, n)), max_size=20))
    links, seen = [], set()
    rel_draw = st.sampled_from(["corroborates", "contradicts", "repeats", "updates"])
    for a, b in pairs:
        if a == b or frozenset((a, b)) in seen:
            continue
        rel = draw(rel_draw)
        if rel == "repeats" and a < b:
            a, b = b, a  # relays point to older claims: no cycles
        seen.add(frozenset((a, b)))
        links.append((a, rel, b))
    return build(sources, claims, links)


@settings(max_examples=300, deadline=None)
@given(ledgers())
def test_status_invariants(data):
    srcs, cls, lks = data
    result = analyze(srcs, cls, lks)
    assert set(result) == set(cls)
    for cid, a in result.items():
        claim = cls[cid]
        assert (a.status is Status.retracted) == claim.retracted
        assert (a.credibility is None) == claim.retracted
        if a.status is Status.confirmed:
            assert a.credibility == 1 and a.confirmed_by and not a.contradicted_by
        if a.status is Status.disputed:
            assert a.contradicted_by and a.credibility in (2, 4, 5, 6)
        if a.credibility == 1:
            assert a.status in (Status.confirmed, Status.superseded)
        # Re-check every confirmation against the rule, independently of analyze().
        for x in a.confirmed_by:
            other = result[x]
            assert not cls[x].retracted
            assert other.story != a.story
            assert not set(other.origin) & set(a.origin)
            mine = {(srcs[s].party or "").casefold() for s in a.origin} - {""}
            theirs = {(srcs[s].party or "").casefold() for s in other.origin} - {""}
            assert not mine & theirs
    # One story, one status (retracted and superseded members aside).
    by_story: dict[int, set] = {}
    for a in result.values():
        if a.status not in (Status.retracted, Status.superseded):
            by_story.setdefault(a.story, set()).add((a.status, a.credibility))
    assert all(len(v) == 1 for v in by_story.values())


@settings(max_examples=100, deadline=None)
@given(ledgers(), st.randoms(use_true_random=False))
def test_analysis_does_not_depend_on_link_order(data, rnd: random.Random):
    srcs, cls, lks = data
    shuffled = list(lks)
    rnd.shuffle(shuffled)
    assert analyze(srcs, cls, lks) == analyze(srcs, cls, shuffled)


@settings(max_examples=100, deadline=None)
@given(ledgers(), st.data())
def test_a_retracted_claim_changes_no_other_verdict(data, draw):
    srcs, cls, lks = data
    before = analyze(srcs, cls, lks)
    new_id = max(cls) + 1
    withdrawn = Claim(new_id, "withdrawn", next(iter(srcs)), retracted_at=NOW)
    targets = draw.draw(st.lists(st.sampled_from(sorted(cls)), unique=True, max_size=4))
    rels = [draw.draw(st.sampled_from([Relation.corroborates, Relation.contradicts])) for _ in targets]
    extra = [Link(1000 + i, new_id, r, t) for i, (t, r) in enumerate(zip(targets, rels, strict=True))]
    after = analyze(srcs, {**cls, new_id: withdrawn}, lks + extra)
    for cid in cls:
        assert (
            after[cid].status,
            after[cid].credibility,
            after[cid].confirmed_by,
            after[cid].contradicted_by,
        ) == (
            before[cid].status,
            before[cid].credibility,
            before[cid].confirmed_by,
            before[cid].contradicted_by,
        )


def test_nothing_changes_the_records_it_is_given(sample_report):
    """Claim and Assessment are not frozen (for speed); no code path may change one in place."""
    import copy

    from ledger.export import listing, markdown, spreadsheet

    before = copy.deepcopy((dict(sample_report.claims), dict(sample_report.assessments)))
    analyze(sample_report.sources, sample_report.claims, sample_report.links)
    analysis.figures(sample_report.claims.values(), sample_report.assessments)
    markdown.report(sample_report, name="x", now=NOW, graph=True)
    spreadsheet.claims_csv(sample_report, sample_report.select())
    b"".join(listing.claims_json_parts(sample_report, [c.id for c in sample_report.select()]))
    assert (dict(sample_report.claims), dict(sample_report.assessments)) == before


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(per=st.integers(1, 25), picks=st.lists(st.integers(0, 19), max_size=20))
def test_json_listing_in_parts_is_the_same_bytes_as_whole(sample_report, per, picks):
    """``--json`` goes out a thousand claims at a time: joined, the parts are the list whole."""
    from ledger.export import listing
    from ledger.jsonio import pretty_bytes

    everything = sample_report.select()
    claims = [everything[i] for i in picks]
    parts = list(listing.claims_json_parts(sample_report, [c.id for c in claims], per=per))
    assert b"".join(parts) == pretty_bytes([listing.claim_record(sample_report, c) for c in claims])
    assert len(parts) == (1 if not claims else 2 + -(-len(claims) // per))
