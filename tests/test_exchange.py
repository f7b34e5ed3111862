"""Export and import: lossless JSON, spreadsheet-safe CSV, JSON Lines, all-or-nothing imports."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import columns, importer, ops
from ledger.errors import ImportRejected
from ledger.export import document, spreadsheet
from ledger.store import memory_store, open_ledger

from .conftest import NOW


def sample_store():
    from ledger.paths import sample_file

    store = memory_store()
    ops.load_document(store, ops.read_document(sample_file()), now=NOW)
    return store


def json_export(store) -> str:
    rep = ops.report(store)
    return document.ledger_json(rep, rep.select(), store.history(), store.last_ids())


def restore(text: str, name: str = "backup.json"):
    store = memory_store()
    ops.import_batch(store, importer.parse(text, "json", name), now="2030-01-01T00:00:00+00:00")
    return store


def busy_store():
    """The sample after a working day: a retraction, an update, an unlink (a gap in link ids)."""
    store = sample_store()
    ops.add_claim(
        store,
        "Toll rises to 25",
        source="ru-officials",
        event="belgorod-2023-12-30",
        figures=["killed=25", "share=0.00001"],
        now=NOW,
    )
    ops.link(store, 21, "updates", 5, now=NOW)
    ops.retract(store, 4, note="the ministry withdrew it", now=NOW)
    ops.link(store, 9, "corroborates", 6, now=NOW)
    ops.unlink(store, 9, 6, now=NOW)
    return store


# --------------------------------------------------------------------------- JSON


def test_json_export_import_export_is_byte_identical():
    store = busy_store()
    first = json_export(store)
    again = restore(first)
    assert json_export(again) == first
    assert again.last_ids() == store.last_ids() == {"claims": 21, "links": 7}
    assert again.claims() == store.claims() and again.links() == store.links()
    assert again.history() == store.history()
    # ids are never reused after a restore either
    assert ops.add_claim(again, "next", source="press", now=NOW).claim.id == 22


def test_even_an_empty_ledger_round_trips():
    store = memory_store()
    first = json_export(store)
    assert json.loads(first)["history"] == []
    assert json_export(restore(first)) == first


def test_a_restored_ledger_gives_the_same_verdicts(sample_report):
    again = ops.report(restore(json_export(sample_store())))
    assert again.assessments == sample_report.assessments


def test_our_json_into_a_ledger_with_claims_is_appended_and_renumbered():
    store = sample_store()
    before = len(store.claims())
    same = ops.import_batch(store, importer.parse(json_export(sample_store()), "json", "b.json"), now=NOW)
    assert not same.changes and len(same.present) == before  # its own export: nothing new
    other = json.loads(json_export(sample_store()))
    for claim in other["claims"]:  # another desk's claims, under the same ids
        claim["text"] = f"Other desk: {claim['text']}"
    done = ops.import_batch(store, importer.parse(json.dumps(other), "json", "b.json"), now=NOW)
    assert not done.restored and not done.sources  # the same four sources, already there
    assert [c.id for _, c in done.claims] == list(range(before + 1, before + 21))
    assert [(lk.src, lk.relation.value, lk.dst) for lk in done.links][:1] == [(27, "repeats", 26)]
    assert store.history()[-1].action == "import"


def test_a_source_defined_differently_is_refused():
    doc = json.loads(json_export(sample_store()))
    doc["sources"][1]["party"] = "UA"  # sorted by id: press, unaligned in the ledger
    store = sample_store()
    with pytest.raises(ImportRejected) as caught:
        ops.import_batch(store, importer.from_document(doc, "b.json"), now=NOW)
    assert [str(p) for p in caught.value.problems] == [
        "sources[2]: source 'press' is press, unaligned in the ledger, but here press, UA"
    ]


def test_a_filtered_json_export_holds_the_claims_their_sources_and_links_between_them(sample_report):
    from ledger.report import Filters

    filters = Filters(events=frozenset({"belgorod-2023-12-30"}))
    claims = sample_report.select(filters)
    doc = json.loads(document.ledger_json(sample_report, claims, [], {}, filters))
    assert doc["filters"] == ["event: belgorod-2023-12-30"]
    assert [c["id"] for c in doc["claims"]] == [5, 14, 16]
    assert [s["id"] for s in doc["sources"]] == ["press", "ru-officials"]
    assert [(lk["from"], lk["to"]) for lk in doc["links"]] == [(16, 5)]
    assert "history" not in doc


# --------------------------------------------------------------------------- CSV


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_has_one_row_per_claim_with_verdict_and_a_column_per_metric(sample_report):
    claims = sample_report.select()
    rows = csv_rows(spreadsheet.claims_csv(sample_report, claims))
    assert len(rows) == 20
    assert list(rows[0])[: len(columns.EXPORT)] == list(columns.EXPORT)
    metrics = [k for k in rows[0] if k.startswith("figure:")]
    assert metrics == [
        "figure:children_injured",
        "figure:children_killed",
        "figure:himars_destroyed",
        "figure:injured",
        "figure:killed",
    ]
    by_id = {int(r["id"]): r for r in rows}
    assert by_id[7]["figure:killed"] == "3" and by_id[7]["figures"] == "killed=3;injured=28"
    assert by_id[7]["repeats"] == "6" and by_id[8]["contradicts"] == "1" and by_id[8]["corroborates"] == "2"
    assert by_id[19]["figure:killed"] == ">=45"
    assert (by_id[2]["status"], by_id[2]["grade"], by_id[2]["reason"]) == (
        "confirmed",
        "F1",
        "confirmed by #8 (press, unaligned)",
    )


FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR", "'quoted", "''twice"]


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_cells_a_spreadsheet_would_run_are_neutralised_and_come_back_exactly(text):
    store = memory_store()
    ops.add_source(store, "s", name=text, kind="press", now=NOW)
    ops.add_claim(store, text, source="s", quote=text, location=text, now=NOW)
    rep = ops.report(store)
    out = spreadsheet.claims_csv(rep, rep.select())
    (row,) = csv_rows(out)
    for name in ("text", "quote", "source_name"):
        assert row[name][0] == "'" and row[name][1:] == text
    again = memory_store()
    done = ops.import_batch(again, importer.parse(out, "csv", "x.csv"), now=NOW, create_sources=True)
    (_, claim) = done.claims[0]
    assert (claim.text, claim.quote, claim.location, done.sources[0].name) == (text, text, text.strip(), text)


@given(st.text(max_size=6) | st.sampled_from(FORMULAS))
def test_a_cell_is_guarded_exactly_when_its_first_character_could_start_a_formula(cell):
    guarded = columns.neutralise(cell)
    risky = cell.startswith(("=", "+", "-", "@", "\t", "\r", "'"))
    assert guarded == ("'" + cell if risky else cell)
    assert columns.neutralise_row([cell, "plain", cell]) == [guarded, "plain", guarded]  # a row's way
    assert columns.restore(guarded) == cell


def test_csv_export_then_import_keeps_every_claim_source_and_figure(sample_report):
    store = busy_store()
    rep = ops.report(store)
    out = spreadsheet.claims_csv(rep, rep.select())
    again = memory_store()
    for party in ("UA", "RU"):  # a spreadsheet names parties; the ledger registers them
        ops.add_party(again, party, now=NOW)
    ops.import_batch(again, importer.parse(out, "csv", "c.csv"), now=NOW, create_sources=True)
    new = ops.report(again)
    assert {s.id: (s.name, s.kind, s.party, s.reliability) for s in new.sources.values()} == {
        s.id: (s.name, s.kind, s.party, s.reliability) for s in rep.sources.values()
    }

    def essence(r):
        return [
            (c.text, c.source, c.date, c.event, c.figures, c.tags, c.quote, c.location, c.retracted)
            for c in r.select()
        ]

    assert essence(new) == essence(rep)
    assert {(lk.src, lk.relation, lk.dst) for lk in new.links} == {
        (lk.src, lk.relation, lk.dst) for lk in rep.links
    }
    assert {i: a.status for i, a in new.assessments.items()} == {
        i: a.status for i, a in rep.assessments.items()
    }


# --------------------------------------------------------------------------- import rules


def ledger_with_sources(db: Path) -> None:
    with open_ledger(db, create=True) as store:
        ops.add_party(store, "UA", now=NOW)
        ops.add_source(store, "ua", name="UA", kind="military", party="UA", now=NOW)
        ops.add_source(store, "wire", name="Wire", kind="news_agency", now=NOW)


def test_one_bad_row_among_many_rejects_the_import_names_the_row_and_changes_nothing(db):
    ledger_with_sources(db)
    before = db.read_bytes()
    lines = ["text,source,date,figures"] + [
        f"claim {n},ua,2024-01-0{1 + n % 9},killed={n}" for n in range(40)
    ]
    lines[23] = "claim 22,ua,2024-02-30,killed=22"
    lines[31] = "claim 30,nobody,2024-01-01,killed=-1"
    batch = importer.parse("\n".join(lines), "csv", "claims.csv")
    with pytest.raises(ImportRejected) as caught, open_ledger(db, write=True) as store:
        ops.import_batch(store, batch, now=NOW)
    assert [str(p) for p in caught.value.problems] == [
        "row 24: bad date '2024-02-30': use YYYY-MM-DD, e.g. 2023-12-31",
        "row 32: bad figure 'killed=-1': a figure cannot be negative",
        "row 32: unknown source 'nobody': add it with 'claim-ledger source add nobody ...', or pass "
        "--create-sources with source_kind (and source_party) columns",
    ]
    assert db.read_bytes() == before


def test_rows_link_by_row_number_or_id_and_to_ledger_claims_as_hash_n(db):
    ledger_with_sources(db)
    with open_ledger(db, write=True) as store:
        ops.add_claim(store, "already here", source="ua", now=NOW)
    text = "text,source,repeats,corroborates\nfirst,ua,,#1\nsecond,wire,2,\n"
    with open_ledger(db, write=True) as store:
        done = ops.import_batch(store, importer.parse(text, "csv", "x.csv"), now=NOW)
    assert [(lk.src, lk.relation.value, lk.dst) for lk in done.links] == [
        (2, "corroborates", 1),
        (3, "repeats", 2),
    ]
    jsonl = (
        '{"id": "a", "text": "x", "source": "ua"}\n\n{"text": "y", "source": "wire", "contradicts": ["a"]}\n'
    )
    with open_ledger(db, write=True) as store:
        done = ops.import_batch(store, importer.parse(jsonl, "jsonl", "x.jsonl"), now=NOW)
    assert [(lk.src, lk.relation.value, lk.dst) for lk in done.links] == [(5, "contradicts", 4)]


def test_link_problems_are_found_before_anything_is_written(db):
    ledger_with_sources(db)
    text = "id,text,source,repeats,updates\n1,a,ua,2,\n2,b,ua,3,\n3,c,ua,1,\n4,d,wire,9,\n5,e,wire,,1\n"
    with pytest.raises(ImportRejected) as caught, open_ledger(db, write=True) as store:
        ops.import_batch(store, importer.parse(text, "csv", "x.csv"), now=NOW)
    assert [str(p) for p in caught.value.problems] == [
        "row 4: #3 repeats #1 would close a loop: #1 already relays #3, directly or through other claims",
        "row 5: link to '9': no row has id 9",
        "row 6: #5 (wire) cannot update #1 (ua): an update is a newer statement by the same source; "
        "use corroborates or contradicts",
    ]


def test_new_sources_need_create_sources_and_a_kind(db):
    ledger_with_sources(db)
    text = "text,source,source_kind,source_party\na,ngo-x,ngo,\nb,mystery,,\nc,sided,,RU\n"
    batch = importer.parse(text, "csv", "x.csv")
    with pytest.raises(ImportRejected) as caught, open_ledger(db, write=True) as store:
        ops.import_batch(store, batch, now=NOW)
    assert [p.where for p in caught.value.problems] == ["row 2", "row 3", "row 4"]
    assert "pass --create-sources" in caught.value.problems[0].message
    with pytest.raises(ImportRejected) as caught, open_ledger(db, write=True) as store:
        ops.import_batch(store, batch, now=NOW, create_sources=True)
    assert [str(p) for p in caught.value.problems] == [
        "row 3: unknown source 'mystery': give its source_kind (and source_party) to create it",
        "row 4: source 'sided' needs a source_kind to be created (and a source_party if it speaks for "
        "a side): whether it is independent depends on them",
    ]


def test_rows_describing_one_source_alike_create_it_once_and_each_bad_row_is_named(db):
    """A source is checked once for the rows that describe it alike; a description that fails
    is a problem of each row that gives it, and one that differs is checked on its own."""
    ledger_with_sources(db)
    rows = (
        "".join(f"c{n},ngo-x,ngo,UA\n" for n in range(5)) + "d,ngo-x,ngo,XX\n" + "e,sided,,UA\nf,sided,,UA\n"
    )
    batch = importer.parse("text,source,source_kind,source_party\n" + rows, "csv", "x.csv")
    with pytest.raises(ImportRejected) as caught, open_ledger(db, write=True) as store:
        ops.import_batch(store, batch, now=NOW, create_sources=True)
    assert [p.where for p in caught.value.problems] == ["row 7", "row 8", "row 9"]
    assert "XX" in caught.value.problems[0].message  # the one row that names an unknown party
    ok = "text,source,source_kind,source_party\n" + "".join(f"c{n},ngo-x,ngo,UA\n" for n in range(5))
    with open_ledger(db, write=True) as store:
        ops.import_batch(store, importer.parse(ok, "csv", "x.csv"), now=NOW, create_sources=True)
    with open_ledger(db) as store:
        assert store.source("ngo-x").party == "UA"
        assert sum(c.source == "ngo-x" for c in store.claims().values()) == 5


def test_the_same_unknown_source_is_one_problem_naming_its_rows():
    text = "text,source\n" + "".join(f"c{n},ghost\n" for n in range(8))
    with pytest.raises(ImportRejected) as caught:
        ops.import_batch(memory_store(), importer.parse(text, "csv", "x.csv"), now=NOW)
    (problem,) = map(str, caught.value.problems)
    assert problem.startswith("row 2, row 3, row 4, row 5, row 6 and 3 more: unknown source 'ghost'")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("txt,source\nx,ua\n", "row 1: unknown column 'txt'"),
        ("text\nx\n", "row 1: missing column 'source'"),
        ("text,source,text\nx,ua,y\n", "row 1: column 'text' given twice"),
    ],
)
def test_a_header_that_could_lose_data_is_refused(text, problem):
    with pytest.raises(ImportRejected) as caught:
        ops.import_batch(memory_store(), importer.parse(text, "csv", "x.csv"), now=NOW)
    assert str(caught.value.problems[0]).startswith(problem)


def test_a_spreadsheet_bom_and_blank_rows_are_fine(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes("text,source,source_kind\r\nЩось сталося,wire,news_agency\r\n,,\r\n".encode("utf-8-sig"))
    done = ops.import_batch(
        memory_store(), importer.parse(importer.read_text(path), "csv", "x.csv"), now=NOW, create_sources=True
    )
    assert [c.text for _, c in done.claims] == ["Щось сталося"]


def test_jsonl_problems_name_their_line():
    text = '{"text": "ok", "source": "s"}\nnot json\n[1]\n{"text": "x", "source": "s", "colour": "red"}\n'
    with pytest.raises(ImportRejected) as caught:
        ops.import_batch(memory_store(), importer.parse(text, "jsonl", "x.jsonl"), now=NOW)
    assert [p.where for p in caught.value.problems] == ["line 1", "line 2", "line 3", "line 4"]


# --------------------------------------------------------------------------- properties

_CELLS = st.one_of(
    st.none(),
    st.just(""),
    st.text(max_size=8),
    st.integers(-5, 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.lists(st.one_of(st.text(max_size=5), st.integers(0, 99)), max_size=3),
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from(sorted(columns.INPUT - {"text", "source"})), _CELLS), st.integers(1, 4)
)
def test_a_column_a_row_does_not_give_reads_as_an_empty_cell(row, number):
    """A JSON Lines row without a column reads as the same row with that column null: the
    reader need not read every column of every row."""
    given = {"text": "Щось сталося", "source": "wire", **row}
    whole = {**dict.fromkeys(columns.INPUT), **given}
    lines = [json.dumps({"text": "first", "source": "wire"})] * (number - 1)
    short = importer.from_jsonl("\n".join([*lines, json.dumps(given)]), "x.jsonl")
    full = importer.from_jsonl("\n".join([*lines, json.dumps(whole)]), "x.jsonl")
    assert short.problems == full.problems
    assert short.claims == full.claims
    assert [list(c.fields) for c in short.claims] == [list(c.fields) for c in full.claims]  # in order
    assert short.links == full.links


texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=30).filter(
    lambda s: s.strip()
)
figure_values = st.one_of(
    st.integers(0, 10**6).map(str),
    st.integers(0, 1000).map(lambda n: f">={n}"),
    st.tuples(st.integers(0, 100), st.integers(0, 100)).map(lambda p: f"{min(p)}..{max(p) + 1}"),
    st.floats(0, 1000, allow_nan=False, allow_infinity=False).map(
        lambda f: f"{f!r}" if "e" not in repr(f) else "1"
    ),
)
claims_strategy = st.lists(
    st.tuples(
        texts,
        st.sampled_from(["ua", "wire", "ru"]),
        st.dictionaries(st.sampled_from(["killed", "injured", "missing"]), figure_values, max_size=3),
        st.lists(st.sampled_from(["video", "geolocated", "needs-check"]), max_size=2, unique=True),
        st.one_of(st.none(), texts),
    ),
    min_size=1,
    max_size=8,
)


def random_store(rows) -> object:
    store = memory_store()
    for party in ("UA", "RU"):
        ops.add_party(store, party, now=NOW)
    ops.add_source(store, "ua", name="UA", kind="military", party="UA", now=NOW)
    ops.add_source(store, "wire", name='Wire, "quoted"', kind="news_agency", now=NOW)
    ops.add_source(store, "ru", name="=RU", kind="defence_ministry", party="RU", now=NOW)
    for n, (text, source, figs, tags, quote) in enumerate(rows, start=1):
        ops.add_claim(
            store,
            text,
            source=source,
            figures=[f"{k}={v}" if v[0].isdigit() else f"{k}{v}" for k, v in figs.items()],
            tags=tags,
            quote=quote,
            event="e",
            now=NOW,
            force=True,  # random texts may be near duplicates: not what these tests are about
            **({"corroborates": [n - 1]} if n > 1 and n % 2 else {}),
        )
    return store


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claims_strategy)
def test_any_ledger_round_trips_through_json_byte_for_byte(rows):
    store = random_store(rows)
    first = json_export(store)
    assert json_export(restore(first)) == first


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claims_strategy)
def test_any_ledger_keeps_its_claims_sources_and_figures_through_csv(rows):
    store = random_store(rows)
    rep = ops.report(store)
    again = memory_store()
    for party in ("UA", "RU"):
        ops.add_party(again, party, now=NOW)
    ops.import_batch(
        again,
        importer.parse(spreadsheet.claims_csv(rep, rep.select()), "csv", "c.csv"),
        now=NOW,
        create_sources=True,
    )
    new = ops.report(again)
    assert [(c.text, c.source, c.figures, c.tags, c.quote) for c in new.select()] == [
        (c.text, c.source, c.figures, c.tags, c.quote) for c in rep.select()
    ]
    cited = {c.source for c in rep.claims.values()}  # a row per claim: a source without claims has none
    assert {s.id: s.to_dict() | {"created_at": None} for s in new.sources.values()} == {
        s.id: s.to_dict() | {"created_at": None} for s in rep.sources.values() if s.id in cited
    }
    assert [a.status for a in new.assessments.values()] == [a.status for a in rep.assessments.values()]


def test_a_source_created_by_a_later_row_is_known_to_earlier_rows():
    text = "text,source,source_kind\nfirst,wire,\nsecond,wire,news_agency\n"
    done = ops.import_batch(
        memory_store(), importer.parse(text, "csv", "x.csv"), now=NOW, create_sources=True
    )
    assert [c.source for _, c in done.claims] == ["wire", "wire"] and [s.id for s in done.sources] == ["wire"]


@pytest.mark.parametrize(
    ("where", "change", "words"),
    [
        ("claims", {"tags": "abc"}, "tags must be a list, not str"),
        ("claims", {"quote": 5}, "quote must be text, not a number"),
        ("sources", {"notes": {"x": 1}}, "notes must be text, not an object"),
        ("history", {"detail": "abc"}, "an object for detail"),
    ],
)
def test_a_json_record_holds_what_typing_would_give(where, change, words):
    doc = json.loads(json_export(sample_store()))
    doc[where][0].update(change)
    with pytest.raises(ImportRejected) as caught:
        ops.import_batch(memory_store(), importer.parse(json.dumps(doc), "json", "b.json"), now=NOW)
    assert any(p.where.startswith(f"{where}[1]") and words in p.message for p in caught.value.problems), [
        str(p) for p in caught.value.problems
    ]


def test_an_import_that_adds_nothing_writes_nothing(db):
    ledger_with_sources(db)
    before = db.read_bytes()
    with open_ledger(db, write=True) as store:
        done = ops.import_batch(store, importer.parse("text,source\n", "csv", "empty.csv"), now=NOW)
    assert not done.changes and db.read_bytes() == before  # not even a history entry


@given(st.integers() | st.booleans() | st.floats() | st.none() | st.lists(st.integers(), max_size=3))
def test_a_json_lines_value_is_read_as_its_file_wrote_it(value):
    """An id or a number is most of a JSON Lines file's values; it is written out as JSON
    writes it, a bool as ``true``, without json.dumps for each (import at 100k claims)."""
    from ledger.importer import _written

    assert _written(value) == json.dumps(value)
