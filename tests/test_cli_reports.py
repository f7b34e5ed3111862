"""``figures``, ``export`` and ``import`` through the command line (typer.testing.CliRunner)."""

from __future__ import annotations

import importlib
import json
import stat
from pathlib import Path

import pytest

from .test_markdown import parse


@pytest.fixture
def sample(cli, db) -> Path:
    cli("init", "--sample")
    return db


@pytest.fixture
def sampled(cli, home):
    """The sample, once in a file and once in PostgreSQL (conftest's ``home``)."""
    cli("init", "--sample")
    return home


def test_figures_json_gives_every_value_with_its_origin(cli, sampled):
    groups = json.loads(cli("figures", "--json", "--event", "belgorod-2023-12-30").stdout)
    assert [(g["metric"], g["low"], g["high"], g["conflict"]) for g in groups] == [
        ("children_killed", 3, 3, False),
        ("injured", 108, 108, False),
        ("killed", 24, 24, False),
    ]
    (killed,) = groups[2]["values"]
    assert killed == {
        "claim": 5,
        "source": "ru-officials",
        "value": "24",
        "low": 24,
        "high": 24,
        "qualifier": None,
        "origin": ["ru-officials"],
        "story": 5,
        "current": True,
        "relayed_by": [16],
        "relay_error": False,
    }


def test_figures_table_marks_a_conflict(cli, sampled):
    cli(
        "add",
        "The toll of the Friday strikes is 39",
        "--source",
        "ru-mod",
        "--event",
        "ukraine-2023-12-29",
        "--figure",
        "killed=39",
    )
    out = cli("figures", "--event", "ukraine-2023-12-29").stdout
    assert "ukraine-2023-12-29" in out and "#19 vs #21" in out and "1 metric in 1 event, 1 in conflict" in out


def test_export_markdown_to_stdout_and_to_a_private_file(cli, sampled, tmp_path):
    shown = cli("export", "markdown", "--graph").stdout
    assert parse(shown).h2[-1] == "Link graph"
    r = cli("export", "markdown", "-o", str(tmp_path / "report.md"), "--status", "disputed")
    assert r.stdout == "" and r.stderr == f"Wrote markdown for 2 claims to {tmp_path / 'report.md'}.\n"
    written = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "Filters: status: disputed." in written
    assert stat.S_IMODE((tmp_path / "report.md").stat().st_mode) == 0o600


def test_export_refuses_to_write_over_the_ledger(cli, sample):
    before = sample.read_bytes()
    r = cli("export", "json", "-o", str(sample), ok=False)
    assert (
        r.exit_code == 2
        and r.stderr == f"Error: --output {sample} is the ledger itself: choose another file\n"
    )
    assert sample.read_bytes() == before
    r = cli("export", "csv", "--graph", ok=False)
    assert r.exit_code == 2 and "--graph only applies to the markdown report" in r.stderr


def test_json_export_restores_into_a_new_ledger_byte_for_byte(cli, sampled, tmp_path):
    cli("retract", "4", "--note", "withdrawn")
    backup = tmp_path / "backup.json"
    cli("export", "json", "-o", str(backup))
    other = tmp_path / "restored.json"
    r = cli("--db", str(other), "import", str(backup))
    assert r.stderr == (
        "Restored backup.json: 20 claims (#1-#20), 5 links, 4 new sources, 2 history entries, "
        "with the ids it had.\n"
    )
    assert cli("--db", str(other), "export", "json").stdout == backup.read_text(encoding="utf-8")


def test_json_export_weighs_nothing_unless_a_status_filter_chooses_the_claims(cli, sample, monkeypatch):
    """A backup shows no verdict, so it is written without working any out (a third of its
    time at 100k claims); only --status needs them, to choose."""
    report = importlib.import_module("ledger.report")  # the module, not ledger's report()
    chosen = [["export", "json"], ["export", "json", "--event", "belgorod-2023-12-30", "--search", "drone"]]
    weighed = [cli(*args).stdout for args in chosen]
    disputed = [c["id"] for c in json.loads(cli("disputed", "--json").stdout)]
    by_status = json.loads(cli("export", "json", "--status", "disputed").stdout)
    assert [c["id"] for c in by_status["claims"]] == disputed and disputed

    def refuse(*args, **kwargs):
        raise AssertionError("weighed the ledger for a json export")

    monkeypatch.setattr(report, "weigh_all", refuse)
    assert [cli(*args).stdout for args in chosen] == weighed
    assert cli("export", "json", "--status", "disputed", ok=False).exit_code != 0  # this one weighs


def test_import_dry_run_shows_what_it_would_add_and_writes_nothing(cli, sampled, tmp_path):
    rows = tmp_path / "claims.csv"
    rows.write_text("text,source,repeats\nA wire relays the toll,wire,#5\n", encoding="utf-8")
    before = sampled.state()
    r = cli("import", str(rows), "--dry-run", ok=False)
    assert r.exit_code == 1 and r.stderr.splitlines()[1].startswith("  row 2: unknown source 'wire'")
    rows.write_text(
        "text,source,source_kind,repeats\nA wire relays the toll,wire,news_agency,#5\n", encoding="utf-8"
    )
    r = cli("import", str(rows), "--dry-run", "--create-sources")
    assert "A wire relays the toll" in r.stdout and "wire (new)" in r.stdout and "repeats #5" in r.stdout
    assert (
        r.stderr
        == "Dry run: would add 1 claim (#21), 1 link, 1 new source from claims.csv. Nothing was written.\n"
    )
    assert sampled.state() == before
    r = cli("import", str(rows), "--create-sources")
    assert r.stderr == "Imported 1 claim (#21), 1 link, 1 new source from claims.csv.\n"
    record = json.loads(cli("show", "21", "--json").stdout)[0]
    assert record["reason"] == "same story as #5: single source: ru-officials"


def test_a_rejected_import_lists_every_problem_by_row_and_changes_nothing(cli, sampled, tmp_path):
    rows = tmp_path / "claims.csv"
    good = [f"claim {n},press,2024-01-0{1 + n % 9}" for n in range(30)]
    good[11] = "claim 11,press,31/12/2023"
    good[20] = ",press,2024-01-01"
    rows.write_text("text,source,date\n" + "\n".join(good) + "\n", encoding="utf-8")
    before = sampled.state()
    r = cli("import", str(rows), ok=False)
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.splitlines() == [
        "Error: claims.csv was not imported: 2 problems; nothing was changed",
        "  row 13: bad date '31/12/2023': use YYYY-MM-DD, e.g. 2023-12-31",
        "  row 22: claim text is empty: say what was asserted, in one sentence",
    ]
    assert sampled.state() == before


def test_import_creates_the_ledger_it_is_given_and_reads_stdin(cli, db):
    jsonl = '{"text": "Харків: a strike", "source": "osint", "source_kind": "osint", "tags": ["video"]}\n'
    r = cli("import", "-", input=jsonl, ok=False)
    assert r.exit_code == 2 and "needs --format" in r.stderr and not db.exists()
    r = cli("import", "-", "--format", "jsonl", "--create-sources", input=jsonl)
    assert r.stderr == "Imported 1 claim (#1), 0 links, 1 new source from standard input.\n"
    assert json.loads(cli("list", "--json").stdout)[0]["tags"] == ["video"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "x.txt",
            "",
            "Error: cannot tell the format of 'x.txt' from its name: pass --format json, csv or jsonl",
        ),
        ("missing.csv", None, "Error: no such file: {path}"),
        ("folder.csv", "folder", "Error: {path} is a folder: give a file"),
        (
            "bad.json",
            "{",
            "Error: bad.json is not valid JSON: unexpected end of data: line 1 column 2 (char 1)",
        ),
        (
            "other.json",
            "[]",
            'Error: other.json is not a claim-ledger document (no "format": "claim-ledger"); '
            "JSON Lines files end in .jsonl, or pass --format jsonl",
        ),
        (
            "latin.csv",
            b"text,source\n\xe9,press\n",
            "Error: latin.csv is not UTF-8 text (byte 12): save it as UTF-8 and try again",
        ),
    ],
)
def test_files_that_cannot_be_read_get_one_line(cli, sample, tmp_path, name, content, message):
    path = tmp_path / name
    if content == "folder":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    before = sample.read_bytes()
    r = cli("import", str(path), ok=False)
    assert r.exit_code in (1, 2) and r.stderr == message.format(path=path) + "\n"
    assert sample.read_bytes() == before


def test_tables_show_a_hundred_rows_unless_told_and_json_shows_all(cli, db, tmp_path):
    rows = tmp_path / "many.csv"
    rows.write_text(
        "text,source,source_kind\n" + "".join(f"claim {n},wire,news_agency\n" for n in range(1, 131)),
        encoding="utf-8",
    )
    r = cli("import", str(rows), "--create-sources", "--dry-run")
    assert "claim 100" in r.stdout and "claim 101" not in r.stdout
    assert r.stderr.startswith("Showing the first 100 of 130 rows; every row was checked.\n")
    cli("import", str(rows), "--create-sources")
    r = cli("list")
    assert "claim 100" in r.stdout and "claim 101" not in r.stdout
    assert (
        r.stderr
        == "Showing the first 100 of 130 claims: --limit 0 shows all, --json gives them all to a script.\n"
    )
    assert "claim 130" in cli("unconfirmed", "--limit", "0").stdout
    assert len(json.loads(cli("list", "--json").stdout)) == 130
    r = cli("list", "--json", "--limit", "3")
    assert [c["id"] for c in json.loads(r.stdout)] == [1, 2, 3]
    assert r.stderr == "Showing the first 3 of 130 claims: --limit 0 shows all.\n"
    r = cli("list", "--limit", "-1", ok=False)
    assert r.exit_code == 2 and r.stderr.startswith("Error: --limit -1: give a number of rows")


def _many(cli, tmp_path, n: int) -> None:
    rows = tmp_path / "many.csv"
    lines = [f'"claim {k}\twith a tab\nand a break",wire,news_agency' for k in range(1, n + 1)]
    rows.write_text("text,source,source_kind\n" + "\n".join(lines) + "\n", encoding="utf-8")
    cli("import", str(rows), "--create-sources")


def test_a_long_listing_to_a_pipe_comes_as_a_line_per_claim(cli, db, tmp_path):
    """Rich lays a table out whole before its first row (84 s and 1.2 GB for 100k rows), so a
    listing of more than STREAM_ABOVE rows to a pipe or a file is tab-separated lines instead,
    written as they are worked out; a screenful or less is still the table."""
    from ledger.render import STREAM_ABOVE

    cli("init", "--sample")
    _many(cli, tmp_path, STREAM_ABOVE + 5 - 20)
    listed = cli("list", "--limit", "0").stdout.splitlines()
    assert listed[0] == "#\tclaim\tsource\tside\tstatus\tgrade"
    assert len(listed) == 1 + STREAM_ABOVE + 5
    row = {line.split("\t")[0]: line.split("\t") for line in listed[1:]}
    assert row["21"] == [
        "21",
        "claim 1 with a tab and a break",
        "wire",
        "news_agency, unaligned",
        "unconfirmed",
        "F3",
    ]
    assert row["2"][4:] == ["confirmed", "F1"]
    why = {
        line.split("\t")[0]: line.split("\t")[-1]
        for line in cli("unconfirmed", "--limit", "0").stdout.splitlines()
    }
    assert why["#"] == "why" and why["21"] == "single source: wire"
    assert why["1"].startswith("disputed: contradicted by #8")
    assert "\t" not in cli("list").stdout.splitlines()[3]  # the first 100: the table, as ever
    assert "claim 1 with a tab" in cli("list", "--limit", str(STREAM_ABOVE)).stdout  # a screenful: the table


def test_a_long_listing_sends_its_first_lines_before_working_out_the_rest(monkeypatch):
    """The first hundred lines go out (flushed) before the hundred and first is worked out: a
    cold listing weighs every verdict at once only after the first thousand, so a reader of
    a pipe sees the first rows sooner; the rest go out a batch at a time."""
    from ledger.cli.context import echo_lines

    class Pipe:
        def __init__(self) -> None:
            self.written: list[str] = []
            self.sent = ""  # what a reader of the pipe has been sent

        def write(self, text: str) -> None:
            self.written.append(text)

        def flush(self) -> None:
            self.sent = "".join(self.written)

    pipe = Pipe()
    monkeypatch.setattr("sys.stdout", pipe)

    def lines():
        for n in range(150):
            if n == 100:
                assert pipe.sent == "".join(f"row {k}\n" for k in range(100))
            yield f"row {n}"

    echo_lines(lines())
    assert pipe.sent == "".join(f"row {k}\n" for k in range(150))


@pytest.mark.e2e
def test_a_reader_that_stops_early_ends_a_long_listing_quietly(tmp_path):
    import os
    import subprocess

    from ledger.render import STREAM_ABOVE

    from .conftest import installed_command

    env = {**os.environ, "CLAIM_LEDGER_DB": str(tmp_path / "l.json")}
    rows = tmp_path / "many.jsonl"
    rows.write_text(
        "".join(
            f'{{"text": "claim {k}", "source": "wire", "source_kind": "news_agency"}}\n'
            for k in range(3 * STREAM_ABOVE)
        ),
        encoding="utf-8",
    )
    exe = installed_command()
    subprocess.run([exe, "init"], env=env, check=True, capture_output=True)
    subprocess.run([exe, "import", str(rows), "--create-sources"], env=env, check=True, capture_output=True)
    proc = subprocess.Popen(
        [exe, "list", "--limit", "0"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stdout.readline().startswith(b"#\tclaim")
    proc.stdout.close()  # as `| head -1` does
    err = proc.stderr.read() if proc.stderr else b""
    assert proc.wait(timeout=60) == 0 and err == b""


def test_a_command_keeps_what_it_read_until_the_process_ends_but_only_the_last_few(cli, db):
    """Freeing a 100k-claim ledger and its report object by object took a tenth of a second
    after the command was done, and the process ends without freeing anything: a command's
    store and report are kept. Only the last four, so a process of many commands frees the rest."""
    import gc
    import weakref

    from ledger.cli import context

    class Held:
        pass

    cli("init", "--sample")
    cli("list")
    assert any(type(k).__name__ == "Report" for k in context._KEPT)
    made = [Held() for _ in range(6)]
    refs = [weakref.ref(h) for h in made]
    assert [context.keep(h) for h in made] == made
    del made
    gc.collect()
    assert [r() is not None for r in refs] == [False, False, True, True, True, True]
