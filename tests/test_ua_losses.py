"""The real case: the General Staff of Ukraine's claimed Russian losses, Oryx's visually
confirmed floor, and lod-db's relay of the claims (sample_data/ua-losses/).

Every expected fact here is computed straight from the raw files with plain Python
(json, csv, gzip), never through the ledger, and compared with what the ledger says.
The ledger is built once per module by importing the three shipped mappings.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import shutil
import subprocess
import tomllib
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ledger import export, ops, paths, wide
from ledger.analysis import findings, series
from ledger.model import Figure
from ledger.store import open_ledger

from .test_markdown import parse

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "sample_data" / "ua-losses"
SHARED = HERE.parent.parent / "shared" / "data" / "ua-losses"
NOW = "2026-11-27T09:00:00+00:00"
MERMAID = HERE / "mermaid"

# The General Staff's categories as the maintainer's Oryx mapping names them, and ours.
GS_GROUPS = {
    "Tanks": "tank",
    "Armoured Personnel Carriers": "apc",
    "Artillery Systems": "artillery",
    "Multiple Rocket Launchers": "mrl",
    "Aircrafts": "aircraft",
    "Helicopters": "helicopter",
}
MAIN = tuple(GS_GROUPS.values())


# --------------------------------------------------------------------------- the raw files


def raw_json(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def gs_columns() -> dict[str, str]:
    """The General Staff's column -> metric, as the shipped mapping names them."""
    doc = tomllib.loads((DATA / "general-staff.toml").read_text(encoding="utf-8"))
    return {col: (m if isinstance(m, str) else m["metric"]) for col, m in doc["metrics"].items()}


def gs_by_date() -> dict[str, dict]:
    rows: dict[str, dict] = defaultdict(dict)
    for name in ("russia_losses_equipment.json", "russia_losses_personnel.json"):
        for record in raw_json(name):
            rows[record["date"]].update(record)
    return dict(rows)


def oryx_floor_by_day() -> dict[str, dict[str, int]]:
    """Per day Oryx published a version: its latest version's totals, summed per metric over the
    categories PetroIvaniuk's mapping puts under each General Staff category."""
    shared_mapping = SHARED / "petroivaniuk" / "russia_losses_equipment_oryx.json"
    mapping_source = shared_mapping if shared_mapping.exists() else None
    groups = _oryx_groups(mapping_source)
    with gzip.open(DATA / "totals_by_type_history.csv.gz", "rt", encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["country"] == "Russia"]
    latest: dict[str, datetime] = {}
    for r in rows:
        at = datetime.fromisoformat(r["commit_date"]).astimezone(UTC)
        day = r["commit_date"][:10]
        latest[day] = max(latest.get(day, at), at)
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        day = r["commit_date"][:10]
        if (
            datetime.fromisoformat(r["commit_date"]).astimezone(UTC) == latest[day]
            and r["equipment_type"] in groups
        ):
            totals[day][groups[r["equipment_type"]]] += int(r["type_total"])
    return {day: dict(v) for day, v in totals.items()}


def _oryx_groups(maintainer_file: Path | None) -> dict[str, str]:
    """Oryx category -> metric: from the maintainer's own file when ../shared has it, else the
    same grouping as the shipped oryx.toml states it (the test below checks they agree)."""
    if maintainer_file is not None:
        records = json.loads(maintainer_file.read_text(encoding="utf-8"))
        return {
            r["equipment_oryx"]: GS_GROUPS[r["equipment_ua"]]
            for r in records
            if r["equipment_ua"] in GS_GROUPS
        }
    doc = tomllib.loads((DATA / "oryx.toml").read_text(encoding="utf-8"))
    return {cat: m for cat, m in doc["metrics"].items() if m in MAIN}


def half_up_share(part: int, claimed: int) -> int:
    percent = int(100 * part / claimed + 0.5)
    return 99 if percent >= 100 and part < claimed else min(percent, 100)


# --------------------------------------------------------------------------- the ledger


@pytest.fixture(scope="module")
def ledger_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ua") / "ledger.json"
    with open_ledger(path, create=True) as store:
        for mapping in paths.example_mappings("ua-losses"):
            ops.import_batch(store, wide.batch(wide.read_mapping(mapping)), now=NOW)
    return path


@pytest.fixture(scope="module")
def report(ledger_file):
    with open_ledger(ledger_file) as store:
        return ops.report(store)


@pytest.fixture(scope="module")
def found(report):
    return findings(report.sources, report.claims, report.links)


def by_source(report, source: str) -> dict[str, object]:
    """date -> claim, for one source's claims."""
    return {c.date: c for c in report.claims.values() if c.source == source}


# --------------------------------------------------------------------------- tests


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/data/ua-losses is not beside the repository")
def test_the_shipped_files_are_the_raw_files_unchanged():
    pairs = {
        "russia_losses_equipment.json": "petroivaniuk/russia_losses_equipment.json",
        "russia_losses_personnel.json": "petroivaniuk/russia_losses_personnel.json",
        "totals_by_type_history.csv.gz": "oryx_scarnecchia/totals_by_type_history.csv.gz",
        "russian-losses.json": "lod-db/russian-losses.json",
    }
    for ours, theirs in pairs.items():
        assert (DATA / ours).read_bytes() == (SHARED / theirs).read_bytes(), ours
    # and oryx.toml groups the main categories as the maintainer's mapping does
    assert _oryx_groups(SHARED / "petroivaniuk" / "russia_losses_equipment_oryx.json") == _oryx_groups(None)


def test_every_day_of_every_source_is_one_claim_with_every_figure_it_gives(report):
    gs, columns = gs_by_date(), gs_columns()
    claims = by_source(report, "genstaff-ua")
    assert sorted(claims) == sorted(gs)
    for day, record in gs.items():
        stated = {f.metric: f for f in claims[day].figures}
        expected = {m: record[c] for c, m in columns.items() if record.get(c) is not None}
        assert {m: f.low for m, f in stated.items()} == expected, day
        hedge = record.get("personnel*")
        assert stated["personnel"].qualifier == {"about": "about", "more": "more"}[hedge], day
    assert len(by_source(report, "oryx")) == len(oryx_floor_by_day())
    assert len(by_source(report, "lod-db")) == len(raw_json("russian-losses.json"))


def test_each_month_end_claim_floor_and_share_match_the_raw_files(report):
    gs, oryx = gs_by_date(), oryx_floor_by_day()
    oryx_days = sorted(oryx)
    month_end: dict[str, str] = {}
    for day in sorted(gs):
        month_end[day[:7]] = day
    for metric in MAIN:
        s = series(report.claims.values(), report.assessments, report.numbers, metric, every="month")
        assert s.claimant == "genstaff-ua"
        rows = {row.date[:7]: row for row in s.rows}
        for month, day in month_end.items():
            row = rows[month]
            claimed = gs[day][{v: k for k, v in gs_columns().items()}[metric]]
            assert s.claimed(row).figure.low == claimed and s.claimed(row).date == day, (metric, month)
            floors = [oryx[d][metric] for d in oryx_days if d <= day and metric in oryx[d]]
            floors = [f for f in floors if f <= claimed]  # a higher one would dispute, not back
            if not floors:
                assert row.floor is None and row.share is None, (metric, month)
                continue
            assert row.floor.part == max(floors), (metric, month)
            assert row.share == half_up_share(max(floors), claimed), (metric, month)


def test_tanks_on_the_last_day_are_a_third_confirmed(report):
    """The headline, by hand: 4,074 of 12,251 tanks visually confirmed (33%)."""
    last = by_source(report, "genstaff-ua")["2026-08-08"]
    assessment = report.assessments[last.id]
    assert assessment.status.value == "partly confirmed"
    assert "tank: at least 4,074 of 12,251 (33%) confirmed by" in assessment.reason


def test_check_finds_every_relay_mismatch_of_lod_db_and_no_other(report, found):
    gs = gs_by_date()
    lod_columns = tomllib.loads((DATA / "lod-db.toml").read_text(encoding="utf-8"))["metrics"]
    gs_column = {m: c for c, m in gs_columns().items()}
    expected = set()
    for record in raw_json("russian-losses.json"):
        origin = gs.get(record["date"])
        if origin is None:
            continue
        for column, metric in lod_columns.items():
            said, theirs = record.get(column), origin.get(gs_column[metric])
            if said is not None and theirs is not None and said != theirs:
                expected.add((record["date"], metric))
    assert len(expected) == 114  # the raw files' own count, as SOURCES.md says: about a hundred
    got = {
        (report.claims[c].date, f.metric)
        for f in found
        if f.code == "relay-error"
        for c in f.claims
        if report.claims[c].source == "lod-db"
    }
    assert got == expected


def test_check_names_the_relays_that_drop_about(report, found):
    gs = gs_by_date()
    expected = {
        r["date"]
        for r in raw_json("russian-losses.json")
        if r["date"] in gs
        and r.get("personnel") is not None
        and r["personnel"] == gs[r["date"]].get("personnel")  # the number as said, its hedge dropped
        and gs[r["date"]].get("personnel*")
    }
    got = {
        report.claims[c].date
        for f in found
        if f.code == "relay-qualifier"
        for c in f.claims
        if report.claims[c].source == "lod-db"
    }
    assert got == expected and len(expected) > 1000


def _falls(series_by_day: dict[str, dict[str, int]], metrics) -> set[tuple[str, str]]:
    """(day, metric) where a cumulative series is below its highest earlier value."""
    falls = set()
    for metric in metrics:
        top = None
        for day in sorted(series_by_day):
            value = series_by_day[day].get(metric)
            if value is None:
                continue
            if top is not None and value < top:
                falls.add((day, metric))
            top = value if top is None else max(top, value)
    return falls


def test_check_finds_every_fall_of_a_cumulative_series_as_a_self_correction(report, found):
    columns = gs_columns()
    gs = {
        day: {m: r[c] for c, m in columns.items() if r.get(c) is not None} for day, r in gs_by_date().items()
    }
    expected = {("genstaff-ua", *fall) for fall in _falls(gs, set(columns.values()))}
    oryx = oryx_floor_by_day()
    expected |= {("oryx", *fall) for fall in _falls(oryx, MAIN)}
    got = set()
    for f in found:
        if f.code != "self-correction":
            continue
        late = max(f.claims, key=lambda c: (report.claims[c].date, c))
        claim = report.claims[late]
        if claim.source == "genstaff-ua" or (claim.source == "oryx" and f.metric in MAIN):
            got.add((claim.source, claim.date, f.metric))
    assert expected and got == expected


def test_importing_the_whole_series_again_changes_nothing(ledger_file):
    before = ledger_file.read_bytes()
    with open_ledger(ledger_file) as store:
        for mapping in paths.example_mappings("ua-losses"):
            again = ops.import_batch(
                store, wide.batch(wide.read_mapping(mapping)), now="2026-12-01T00:00:00+00:00"
            )
            assert not again.changes and again.present, mapping.name
    assert ledger_file.read_bytes() == before


def _summary_report(ledger_file) -> str:
    with open_ledger(ledger_file) as store:
        request = export.Request(name="ua-losses", now=NOW, now_words="2026-11-27 09:00 UTC")
        return export.write("markdown", store.sources(), store.claims(), store.links(), request).text


def test_the_summary_report_of_the_whole_series_is_small_and_its_tables_are_the_series(ledger_file, report):
    text = _summary_report(ledger_file)
    assert len(text.encode("utf-8")) < 200_000
    doc = parse(text)
    assert doc.h2[:4] == [
        "Claims by source and status",
        "Numbers over time",
        "Largest gaps between claimed and confirmed",
        "Findings",
    ]
    assert "Claims lacking independent confirmation" not in doc.h2  # 3,691 claims: only with --full
    tank = series(report.claims.values(), report.assessments, report.numbers, "tank", every="month")
    tables = doc.sections["Numbers over time"]  # one a tracked metric, in the headings' order
    table = tables[_tracked_metrics(text).index("tank")]
    assert table.header[1] == "Claimed (genstaff-ua)"
    assert [r[0] for r in table.rows] == [row.date for row in tank.rows]
    assert [r[3] for r in table.rows] == [
        f"{row.share}%" if row.share is not None else "—" for row in tank.rows
    ]
    fences = [t for t in doc.tokens if t.type == "fence" and t.info == "mermaid"]
    assert len(fences) == len(_tracked_metrics(text)) and all(
        f.content.startswith("xychart-beta") for f in fences
    )


def _tracked_metrics(text: str) -> list[str]:
    return [line.split("`")[1] for line in text.splitlines() if line.startswith("### ")]


def _mermaid() -> list[str] | None:
    node = shutil.which("node")
    if node is None or not (MERMAID / "node_modules" / "mermaid").exists():
        if os.environ.get("CLAIM_LEDGER_REQUIRE_MERMAID"):
            pytest.fail("node and tests/mermaid's packages are required: npm install --prefix tests/mermaid")
        pytest.skip(
            "Mermaid's parser needs node and 'npm install --prefix tests/mermaid' (.ci/run does both)"
        )
    return [node, str(MERMAID / "parse.mjs")]


def test_every_chart_of_the_summary_report_parses_with_mermaid(ledger_file, tmp_path):
    command = _mermaid()
    report_file = tmp_path / "report.md"
    report_file.write_text(_summary_report(ledger_file), encoding="utf-8")
    done = subprocess.run([*command, str(report_file)], capture_output=True, text=True, timeout=120)
    parsed = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 0, done.stdout + done.stderr
    # one chart per metric the General Staff states on three days or more: all of them
    assert len(parsed) == len(set(gs_columns().values())) and all(p.get("type") == "xychart" for p in parsed)


def test_the_mermaid_check_itself_rejects_a_broken_chart(tmp_path):
    command = _mermaid()
    bad = tmp_path / "bad.md"
    bad.write_text('```mermaid\nxychart-beta\n    x-axis ["a", "b"\n    line [1, 2]\n```\n', encoding="utf-8")
    done = subprocess.run([*command, str(bad)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "error" in json.loads(done.stdout.splitlines()[0])


def test_the_long_table_reader_sums_the_latest_version_of_each_day():
    """oryx.toml through wide.batch, against the raw CSV summed by hand (all its metrics)."""
    batch = wide.batch(wide.read_mapping(DATA / "oryx.toml"))
    doc = tomllib.loads((DATA / "oryx.toml").read_text(encoding="utf-8"))
    with gzip.open(DATA / "totals_by_type_history.csv.gz", "rt", encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(io.StringIO(f.read())) if r["country"] == "Russia"]
    stamp: dict[str, float] = {}
    for r in rows:
        day, at = r["commit_date"][:10], datetime.fromisoformat(r["commit_date"]).timestamp()
        stamp[day] = max(stamp.get(day, at), at)
    expected: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        day = r["commit_date"][:10]
        if (
            datetime.fromisoformat(r["commit_date"]).timestamp() == stamp[day]
            and r["equipment_type"] in doc["metrics"]
        ):
            expected[day][doc["metrics"][r["equipment_type"]]] += int(r["type_total"])
    got = {
        row.fields["date"]: sorted(str(Figure.from_dict(f)) for f in row.fields["figures"])
        for row in batch.claims
    }
    assert got == {day: sorted(f"{m}>={n}" for m, n in v.items()) for day, v in expected.items()}


def test_the_readme_chart_is_the_yearly_tank_series_and_parses(report):
    """README.md's Mermaid block is what the report would draw for tanks, year by year."""
    from ledger.export.summary import chart

    readme = (HERE.parent / "README.md").read_text(encoding="utf-8")
    (block,) = [t.content for t in parse(readme).tokens if t.type == "fence" and t.info == "mermaid"]
    yearly = series(report.claims.values(), report.assessments, report.numbers, "tank", every="year")
    assert "```mermaid\n" + block + "```" == "\n".join(chart(yearly))
    command = _mermaid()
    done = subprocess.run(
        [*command, str(HERE.parent / "README.md")], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and json.loads(done.stdout)["type"] == "xychart", done.stdout
