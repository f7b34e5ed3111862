"""The ledger in PostgreSQL: the same answers as the file, writes for a team, copy between homes.

Against a real server (tests/pg.py: a database of its own per run, dropped after),
never a mock. Without one these tests skip and say how to run them; `.ci/run`
makes them fail instead.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from . import pg
from .conftest import installed_command
from .replay import normal

pytestmark = pytest.mark.postgres


@pytest.fixture
def server(pg_server) -> str:
    return pg_server


@pytest.fixture
def url(server) -> str:
    return f"{server}?ledger=t{uuid.uuid4().hex[:10]}"


def _confidential_source(source_id: str) -> list[str]:
    """``source add`` of a confidential source whose name, URL and notes give it away."""
    return [
        *("source", "add", source_id, "--name", "Maj Kovalenko", "--kind", "military", "--confidential"),
        *("--url", "https://t.me/kovalenko", "--notes", "met in Izium"),
    ]


# Every kind of command, read and write, right and wrong, in the order a desk works.
SESSION = [
    ["init", "--sample"],
    ["list"],
    ["unconfirmed"],
    ["disputed", "--json"],
    ["figures"],
    ["show", "8"],
    ["add", "A wire report of the Kharkiv strikes", "--source", "press", "--figure", "killed=~3"],
    ["add", "A wire report of the Kharkiv strikes", "--source", "press"],  # a near duplicate: refused
    ["add", "Somebody said so", "--source", "nobody"],  # an unknown source: refused
    ["link", "21", "corroborates", "2"],
    ["link", "21", "repeats", "21"],  # refused
    ["edit", "21", "--text", "A wire report of the strikes on Kharkiv", "--tag", "verify"],
    ["retract", "21", "--note", "withdrawn"],
    ["unlink", "21", "2"],
    ["source", "add", "ngo", "--name", "An NGO", "--kind", "ngo"],
    # a confidential source: its rows are kept apart on the server (tested for readers below)
    _confidential_source("mole"),
    ["add", "Eleven drones came from the north", "--source", "mole", "--url", "https://t.me/kovalenko/7"],
    ["link", "22", "corroborates", "2", "--note", "Kovalenko saw them"],
    ["source", "edit", "mole", "--notes", "met twice in Izium"],
    ["export", "json", "--include-confidential"],
    ["source", "edit", "press", "--reliability", "C"],
    ["party", "add", "XX", "--alias", "Elsewhere"],
    ["metric", "set", "sheltered", "--level"],
    ["delete", "20", "--yes"],
    ["history", "21"],
    ["source", "list", "--json"],
    ["source", "show", "press"],
    ["party", "list"],
    ["check", "--json"],
    ["export", "markdown"],
    ["export", "json"],
    ["export", "csv"],
    ["export", "claimreview", "--author", "Desk"],
    ["export", "misp"],
    ["list", "--json"],
    ["figures", "--metric", "killed", "--json"],
]


def _run(cli, db: str, args: list[str]) -> tuple[int, str, str]:
    done = cli("--db", db, *args, ok=False)
    return done.exit_code, done.stdout, done.stderr


def _same(text: str, db: str) -> str:
    """Output with the ledger's name (quoted for a shell, or not) and clock times made alike."""
    return normal(text.replace(shlex.quote(db), "<LEDGER>").replace(db, "<LEDGER>"))


def test_every_command_answers_the_same_from_a_file_and_from_postgresql(cli, tmp_path, server, monkeypatch):
    """The same session on both homes: every exit code, every line of output, alike. The clock
    is stopped, so the history (whose hashes cover each entry's time) is alike too."""
    from ledger.cli.context import Env

    monkeypatch.setattr(Env, "now", staticmethod(lambda: "2026-01-01T09:00:00+00:00"))
    monkeypatch.setattr(Env, "now_words", staticmethod(lambda: "2026-01-01 09:00 UTC"))
    file_db = str(tmp_path / "ledger.json")
    pg_db = f"{server}?ledger=ledger"  # the same name: titles and exports say it
    for args in SESSION:
        on_file, on_pg = _run(cli, file_db, args), _run(cli, pg_db, args)
        assert on_file[0] == on_pg[0], (args, on_file, on_pg)
        assert _same(on_file[1], file_db) == _same(on_pg[1], pg_db), args
        assert _same(on_file[2], file_db) == _same(on_pg[2], pg_db), args
    mapping = Path(__file__).parents[1] / "sample_data" / "ua-losses" / "oryx.toml"
    for db in (file_db, pg_db):
        assert _run(cli, db, ["import", str(mapping)])[0] == 0
    assert _same(_run(cli, file_db, ["export", "json"])[1], file_db) == _same(
        _run(cli, pg_db, ["export", "json"])[1], pg_db
    )
    # each command wrote to the server only the rows it changed: after them all, every table
    # holds, row for row, what the file holds (a write left out, or a delete, would show here)
    from ledger import pgstore

    place = pgstore.parse(pg_db)
    with pgstore.connect(place, write=False, lock_timeout=1) as conn, conn.cursor() as cur:
        rows = pgstore.load(cur, place).data
    on_file = json.loads(Path(file_db).read_text(encoding="utf-8"))
    assert set(rows) == set(on_file)
    for table in on_file:
        assert rows[table] == on_file[table], table


def test_add_reads_only_the_claims_its_near_duplicate_check_needs(cli, url, monkeypatch):
    """A writer reads the big tables only as far as it needs: `add` never reads the whole claims
    table, yet finds every near duplicate through the index of the claims' words, which follows
    adds, edits and deletes (and is rebuilt for a ledger made before it)."""
    from ledger import pgstore

    cli("--db", url, "init", "--sample")
    cli("--db", url, "add", "Russian drones struck a fuel depot near Chuhuiv overnight", "--source", "press")
    cli("--db", url, "edit", "21", "--text", "Russian drones struck a grain depot near Chuhuiv overnight")
    cli("--db", url, "add", "Eleven rockets fell on the Kyivskyi district", "--source", "press")
    cli("--db", url, "delete", "22", "--yes")

    def whole(self):
        raise AssertionError(f"{self._table} read whole")

    monkeypatch.setattr(pgstore.Rows, "_load", whole)
    for text, near in [
        ("Russian drones struck a grain depot near Chuhuiv overnight", "#21 (press, identical)"),
        ("Russian drones struck a grain depot near Chuhuiv", "#21 (press, one word differs)"),
        ("Russian drones struck a fuel depot near Chuhuiv overnight", "#21 (press, one word differs)"),
        (
            "Russian drones struck a grain depot near Chuhuiv overnight, the governor said",
            "#21 (press, 86% alike)",
        ),
    ]:
        refused = cli("--db", url, "add", text, "--source", "ru-mod", ok=False)
        assert refused.exit_code == 1 and f"a near duplicate of {near}" in refused.stderr, (
            text,
            refused.stderr,
        )
    # the deleted claim's words are gone from the index: its text is new again
    assert (
        cli("--db", url, "add", "Eleven rockets fell on the Kyivskyi district", "--source", "press").stdout
        == "23\n"
    )
    monkeypatch.undo()
    # a ledger from before the index (migration 3): its owner's next write builds it
    schema = f"ledger_{url.rsplit('=', 1)[1]}"
    import psycopg

    with psycopg.connect(url.split("?")[0], autocommit=True) as conn:
        conn.execute(f'DROP TABLE "{schema}".claim_words, "{schema}".word_counts')
        conn.execute(f'DELETE FROM "{schema}".schema_migrations WHERE version = 3')
    refused = cli(
        "--db", url, "add", "Eleven rockets fell on the Kyivskyi district!", "--source", "ru-mod", ok=False
    )
    assert refused.exit_code == 1 and "a near duplicate of #23" in refused.stderr
    assert cli("--db", url, "check").stdout == ""


def test_copy_carries_everything_from_a_file_to_postgresql_and_back(cli, tmp_path, url):
    first, back = tmp_path / "desk.json", tmp_path / "back.json"
    cli("--db", str(first), "init", "--sample")
    cli("--db", str(first), "add", "Later", "--source", "press", "--figure", "killed>5")
    cli("--db", str(first), "retract", "2", "--note", "withdrawn")
    copied = cli("copy", str(first), url)
    assert "21 claims, 5 links, 3 history entries" in copied.stderr
    cli("copy", url, str(back))
    exports = [cli("--db", db, "export", "json").stdout for db in (str(first), url, str(back))]
    assert exports[0] == exports[1] == exports[2]
    for db in (str(first), url, str(back)):
        assert cli("--db", db, "check").stdout == ""
    refused = cli("copy", str(first), url, ok=False)
    assert refused.exit_code == 1 and "a ledger already exists at" in refused.stderr


def test_a_refused_write_leaves_the_ledger_as_it_was(cli, url):
    cli("--db", url, "init", "--sample")
    before = cli("--db", url, "export", "json").stdout
    bad = cli(
        "--db", url, "import", "-", "--format", "csv", input="text,source\nok,press\nbad,nobody\n", ok=False
    )
    assert bad.exit_code == 1 and "nobody" in bad.stderr
    assert cli("--db", url, "export", "json").stdout == before


def test_a_writer_waits_for_the_ledger_lock_and_gives_up_in_one_line(cli, url):
    import psycopg

    from ledger.pgstore import parse

    cli("--db", url, "init")
    where = parse(url)
    with psycopg.connect(where.conninfo) as holder, holder.transaction():
        holder.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (where.schema,))
        started = time.monotonic()
        done = cli(
            "--db",
            url,
            "--lock-timeout",
            "0.5",
            "source",
            "add",
            "a",
            "--name",
            "A",
            "--kind",
            "press",
            ok=False,
        )
        waited = time.monotonic() - started
    assert done.exit_code == 1 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "is busy" in done.stderr and "://" in done.stderr and 0.4 < waited < 5
    assert cli("--db", url, "source", "list", "--json").stdout.strip() == "[]"


def test_writers_on_many_processes_keep_ids_dense_and_the_history_whole(url):
    """6 writers adding 8 claims each at once, a reader listing throughout: every acknowledged
    id present, ids 1..48 with none twice, `check` clean, and each listing whole."""
    env = {**os.environ, "CLAIM_LEDGER_DB": url, "NO_COLOR": "1"}
    exe = installed_command()
    subprocess.run([exe, "init"], env=env, check=True, capture_output=True)
    subprocess.run([exe, "source", "add", "w", "--name", "W", "--kind", "press"], env=env, check=True)
    script = (
        "import subprocess, sys\n"
        "for i in range(8):\n"
        "    done = subprocess.run([sys.argv[1], '--lock-timeout', '60', 'add',"
        " f'claim {sys.argv[2]}-{i}: ' + 'x' * (3 * i), '--source', 'w', '--force'],"
        " capture_output=True, text=True)\n"
        "    print(done.returncode, done.stdout.strip())\n"
    )
    listings: list[int] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            out = subprocess.run(
                [exe, "list", "--json", "--limit", "0"], env=env, capture_output=True, text=True
            )
            listings.append(len(json.loads(out.stdout)))  # a partial write would not parse, or shrink

    watcher = threading.Thread(target=reader)
    watcher.start()
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", script, exe, str(w)], env=env, stdout=subprocess.PIPE, text=True
        )
        for w in range(6)
    ]
    acknowledged = []
    for proc in writers:
        out, _ = proc.communicate(timeout=300)
        for line in out.splitlines():
            code, claim_id = line.split()
            assert code == "0"
            acknowledged.append(int(claim_id))
    stop.set()
    watcher.join()
    assert sorted(acknowledged) == list(range(1, 49))
    listed = json.loads(
        subprocess.run([exe, "list", "--json", "--limit", "0"], env=env, capture_output=True).stdout
    )
    assert sorted(c["id"] for c in listed) == list(range(1, 49))
    assert subprocess.run([exe, "check"], env=env, capture_output=True, text=True).stdout == ""
    assert listings and listings == sorted(listings)  # never fewer than before: no torn snapshot


def test_path_names_the_server_and_hides_the_password(cli, server):
    with_password = server.replace("://postgres@", "://postgres:s3cret@", 1) + "?ledger=nothere"
    done = cli("--db", with_password, "path")
    assert done.stdout.strip() == with_password.replace(":s3cret@", ":***@")
    assert "s3cret" not in done.stdout + done.stderr and "does not exist yet" in done.stderr
    failed = cli("--db", with_password, "list", ok=False)
    assert failed.exit_code == 1 and "s3cret" not in failed.stderr and "no ledger" in failed.stderr


def test_an_unreachable_server_is_one_line_without_the_password(cli):
    done = cli("--db", "postgresql://desk:hunter2@127.0.0.1:9/news?ledger=k", "list", ok=False)
    assert done.exit_code == 1 and len(done.stderr.strip().splitlines()) == 1
    assert (
        "hunter2" not in done.stderr and "127.0.0.1" in done.stderr and "nothing was changed" in done.stderr
    )


def test_without_psycopg_a_url_says_what_to_install(cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if the extra were not installed
    done = cli("--db", "postgresql://desk@db.example.org/news", "list", ok=False)
    assert done.exit_code == 1
    assert (
        done.stderr.strip()
        == "Error: a PostgreSQL ledger needs psycopg: pip install 'claim-ledger[postgres]'"
    )


def test_the_server_enforces_who_may_read_and_write(cli, server, url):
    """A reader reads and is refused a write by the server in one line, changing nothing; an
    editor writes; an admin grants; a revoked login reads nothing; a file has no team."""
    ledger = url.rsplit("?", 1)[1]
    cli("--db", url, "init", "--sample")
    alice, bob, carol = (pg.login(server, name) for name in ("alice", "bob", "carol"))
    role = {u: urlsplit(u).username for u in (alice, bob, carol)}
    cli("--db", url, "team", "grant", role[alice], "reader")
    cli("--db", url, "team", "grant", role[carol], "admin")
    as_carol = cli("--db", f"{carol}?{ledger}", "team", "grant", role[bob], "editor")
    assert f"{role[bob]} is now editor of" in as_carol.stderr
    listed = json.loads(cli("--db", url, "team", "list", "--json").stdout)
    assert listed == sorted(
        [
            {"role": role[alice], "level": "reader"},
            {"role": role[bob], "level": "editor"},
            {"role": role[carol], "level": "admin"},
        ],
        key=lambda r: r["role"],
    )
    before = cli("--db", url, "export", "json").stdout
    assert len(json.loads(cli("--db", f"{alice}?{ledger}", "list", "--json", "--limit", "0").stdout)) == 20
    refused = cli("--db", f"{alice}?{ledger}", "add", "Alice writes", "--source", "press", ok=False)
    assert refused.exit_code == 1 and len(refused.stderr.strip().splitlines()) == 1
    assert "your role may not do this (permission denied" in refused.stderr
    assert cli("--db", url, "export", "json").stdout == before
    assert cli("--db", f"{bob}?{ledger}", "add", "Bob writes", "--source", "press").stdout.strip() == "21"
    cli("--db", url, "team", "revoke", role[alice])
    gone = cli("--db", f"{alice}?{ledger}", "list", ok=False)
    assert gone.exit_code == 1 and "permission denied for schema" in gone.stderr
    as_file = cli("team", "list", ok=False)
    assert as_file.exit_code == 1 and "roles are for a ledger in PostgreSQL" in as_file.stderr


SECRETS = ("informant-k", "Kovalenko", "Izium", "t.me/kov")  # all a confidential source gives away


def _confidential_ledger(cli, url: str) -> None:
    cli("--db", url, "init", "--sample")
    cli("--db", url, *_confidential_source("informant-k"))
    cli(
        "--db",
        url,
        "add",
        "Eleven drones from the north",
        "--source",
        "informant-k",
        "--url",
        "https://t.me/kov/7",
    )
    cli("--db", url, "link", "21", "corroborates", "2", "--note", "Kovalenko saw them")
    cli(
        "--db",
        url,
        "add",
        "Drones again from the north-east",
        "--source",
        "informant-k",
        "--date",
        "2024-05-02",
    )
    cli("--db", url, "retract", "22", "--note", "withdrawn: Kovalenko was not there")


READER_COMMANDS = [
    ["list", "--json", "--limit", "0"],
    ["list"],
    ["show", "21"],
    ["show", "22"],
    ["history", "21"],
    ["source", "list", "--json"],
    ["source", "show", "source-1"],
    ["unconfirmed", "--json"],
    ["disputed"],
    ["figures"],
    ["export", "json"],
    ["export", "json", "--include-confidential"],
    ["export", "markdown"],
    ["export", "csv"],
    ["export", "misp"],
    ["check", "--json"],
]


def test_confidential_sources_are_the_database_s_secret(cli, server, url):
    """Without the confidential level, a login never sees a confidential source's name, URL or
    notes, its id, its claims' provenance or its history: not through any command or export, and
    not in plain SQL (the server refuses the table that holds them). With the level, it sees the
    ledger whole; an editor without it writes the rest but may not touch those rows."""
    import psycopg

    ledger = url.rsplit("?", 1)[1]
    _confidential_ledger(cli, url)
    whole = cli("--db", url, "export", "json", "--include-confidential").stdout
    assert all(secret in whole for secret in SECRETS)  # the owner sees it all
    alice, dave, bob, carol = (pg.login(server, f"{n}_c") for n in ("alice", "dave", "bob", "carol"))
    role = {u: urlsplit(u).username for u in (alice, dave, bob, carol)}
    for login, level in ((alice, "reader"), (dave, "reader"), (dave, "confidential"), (bob, "editor")):
        cli("--db", url, "team", "grant", role[login], level)
    cli("--db", url, "team", "grant", role[carol], "admin")
    levels = {(r["role"], r["level"]) for r in json.loads(cli("--db", url, "team", "list", "--json").stdout)}
    assert {(role[dave], "reader"), (role[dave], "confidential")} <= levels

    for args in READER_COMMANDS:
        seen = cli("--db", f"{alice}?{ledger}", *args)
        assert not [s for s in SECRETS if s in seen.stdout + seen.stderr], args
    shown = cli("--db", f"{alice}?{ledger}", "show", "21").stdout
    assert "source-1" in shown and "Eleven drones from the north" in shown  # the claim itself is not secret
    checked = cli("--db", f"{alice}?{ledger}", "check")
    assert checked.stdout == "" and "were checked for their place in the chain" in checked.stderr
    schema = f"ledger_{ledger.split('=', 1)[1]}"
    with psycopg.connect(alice) as conn:
        for table in ("sources", "claims", "links", "history", "meta"):
            text = " ".join(doc for (doc,) in conn.execute(f'SELECT doc::text FROM "{schema}".{table}'))
            assert not [s for s in SECRETS if s in text], table
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f'SELECT * FROM "{schema}".secrets')

    assert cli("--db", f"{dave}?{ledger}", "export", "json", "--include-confidential").stdout == whole
    as_dave = cli("--db", f"{dave}?{ledger}", "check")
    assert as_dave.stdout == as_dave.stderr == ""

    before = cli("--db", url, "export", "json", "--include-confidential").stdout
    for args in (
        ["retract", "21", "--note", "gone"],
        ["link", "1", "corroborates", "21"],
        ["add", "Also from the mole", "--source", "source-1"],
        ["source", "add", "another", "--name", "Another", "--kind", "press", "--confidential"],
        ["source", "edit", "source-1", "--reliability", "A"],
    ):
        refused = cli("--db", f"{bob}?{ledger}", *args, ok=False)
        assert refused.exit_code == 1 and len(refused.stderr.strip().splitlines()) == 1, args
        assert not [s for s in SECRETS if s in refused.stderr], args
    assert cli("--db", url, "export", "json", "--include-confidential").stdout == before
    assert cli("--db", f"{bob}?{ledger}", "add", "Bob writes", "--source", "press").stdout.strip() == "23"
    cli("--db", f"{bob}?{ledger}", "link", "23", "corroborates", "2")
    after = json.loads(cli("--db", url, "export", "json", "--include-confidential").stdout)
    kept = {s["id"]: s for s in after["sources"]}["informant-k"]
    assert (kept["name"], kept["notes"]) == ("Maj Kovalenko", "met in Izium")
    assert cli("--db", url, "check").stdout == ""  # the chain and the replay whole, for the owner

    # a source made confidential later: its rows (and its history) go to secrets; and back
    cli("--db", url, "source", "edit", "kharkiv-rma", "--confidential")
    for args in (["source", "list", "--json"], ["show", "1"], ["export", "json", "--include-confidential"]):
        seen = cli("--db", f"{alice}?{ledger}", *args).stdout
        assert "Syniehubov" not in seen and "kharkiv-rma" not in seen, args
    cli("--db", url, "source", "edit", "kharkiv-rma", "--not-confidential")
    assert "Syniehubov" in cli("--db", f"{alice}?{ledger}", "source", "list", "--json").stdout
    assert cli("--db", url, "check").stdout == ""

    not_owner = cli("--db", f"{carol}?{ledger}", "team", "grant", role[alice], "confidential", ok=False)
    assert not_owner.exit_code == 1 and "your role may not do this" in not_owner.stderr
    cli("--db", url, "team", "revoke", role[dave], "confidential")
    seen = cli("--db", f"{dave}?{ledger}", "source", "list", "--json").stdout
    assert "Kovalenko" not in seen and "source-1" in seen


def test_writers_killed_or_cut_off_mid_write_leave_nothing_half_written(url, server):
    """CLAIM_LEDGER_FAULT_TRIALS `add`s (40 here, 200 in CI), each SIGKILLed or its server
    connection terminated at a random moment: no traceback, every acknowledged claim there,
    ids dense, and the history chain whole."""
    import random
    import signal

    import psycopg

    env = {**os.environ, "CLAIM_LEDGER_DB": url, "NO_COLOR": "1"}
    exe = installed_command()
    subprocess.run([exe, "init"], env=env, check=True, capture_output=True)
    subprocess.run([exe, "source", "add", "w", "--name", "W", "--kind", "press"], env=env, check=True)
    rng = random.Random(14)
    acknowledged = []
    outcomes = []
    with psycopg.connect(server, autocommit=True) as admin:
        for i in range(int(os.environ.get("CLAIM_LEDGER_FAULT_TRIALS", "40"))):
            proc = subprocess.Popen(
                [exe, "add", f"Claim number {i} " + "x" * i, "--source", "w", "--force"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            time.sleep(rng.uniform(0.0, 0.35))
            if rng.random() < 0.5:
                proc.send_signal(signal.SIGKILL)
            else:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = 'claim-ledger' AND pid <> pg_backend_pid()"
                )
            out, err = proc.communicate(timeout=60)
            outcomes.append(proc.returncode)
            assert "Traceback" not in err and proc.returncode in (0, 1, -signal.SIGKILL), (
                proc.returncode,
                err,
            )
            if proc.returncode == 1:
                assert len(err.strip().splitlines()) == 1 and "nothing was changed" in err, err
            if proc.returncode == 0:
                acknowledged.append(int(out.strip()))
    listed = json.loads(
        subprocess.run([exe, "list", "--json", "--limit", "0"], env=env, capture_output=True).stdout
    )
    ids = [c["id"] for c in listed]
    assert set(acknowledged) <= set(ids) and ids == list(range(1, len(ids) + 1))
    assert subprocess.run([exe, "check"], env=env, capture_output=True, text=True).stdout == ""
    assert len(set(outcomes)) > 1  # the faults did land at different moments: some cut, some not


SOAK_WRITER = """
import random, subprocess, sys, time
exe, worker, until = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
rng = random.Random(worker)
mine = []
def run(*args):
    done = subprocess.run([exe, '--lock-timeout', '60', *args], capture_output=True, text=True)
    lines = done.stderr.strip().splitlines()
    ok_error = done.returncode == 1 and len(lines) == 1 and 'Traceback' not in done.stderr
    assert done.returncode == 0 or ok_error, (args, done.returncode, done.stderr)
    return done
n = 0
while time.time() < until:
    n += 1
    roll = rng.random()
    if roll < 0.6 or len(mine) < 2:
        text = f'Writer {worker} claim {n} ' + 'x' * rng.randint(0, 40)
        done = run('add', text, '--source', 'w', '--force')
        if done.returncode == 0:
            mine.append(int(done.stdout.strip()))
            print('added', mine[-1], flush=True)
    elif roll < 0.75:
        run('link', str(rng.choice(mine)), 'corroborates', str(rng.randint(1, max(mine))))
    elif roll < 0.9:
        run('edit', str(rng.choice(mine)), '--text', f'Writer {worker} edited {n}')
    else:
        run('retract', str(rng.choice(mine)), '--note', f'withdrawn {n}')
"""


def test_eight_writers_mixing_every_write_for_a_while_lose_nothing(url):
    """8 writer processes mixing add, link, edit and retract for CLAIM_LEDGER_SOAK_SECONDS (20 s
    here, 120 s in CI), a reader listing throughout: every acknowledged claim there, ids dense
    and unique, the history replaying clean, and no listing ever torn or shrinking."""
    seconds = float(os.environ.get("CLAIM_LEDGER_SOAK_SECONDS", "20"))
    env = {**os.environ, "CLAIM_LEDGER_DB": url, "NO_COLOR": "1"}
    exe = installed_command()
    subprocess.run([exe, "init"], env=env, check=True, capture_output=True)
    subprocess.run([exe, "source", "add", "w", "--name", "W", "--kind", "press"], env=env, check=True)
    until = time.time() + seconds
    listings: list[int] = []

    def reader() -> None:
        while time.time() < until:
            out = subprocess.run(
                [exe, "list", "--json", "--limit", "0"], env=env, capture_output=True, text=True
            )
            listings.append(len(json.loads(out.stdout)))

    watcher = threading.Thread(target=reader)
    watcher.start()
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", SOAK_WRITER, exe, str(w), str(until)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(8)
    ]
    acknowledged = []
    for proc in writers:
        out, err = proc.communicate(timeout=seconds + 300)
        assert proc.returncode == 0, err[-2000:]
        acknowledged += [int(line.split()[1]) for line in out.splitlines() if line.startswith("added ")]
    watcher.join()
    listed = json.loads(
        subprocess.run([exe, "list", "--json", "--limit", "0"], env=env, capture_output=True).stdout
    )
    ids = sorted(c["id"] for c in listed)
    assert len(acknowledged) > 8 and sorted(acknowledged) == ids == list(range(1, len(ids) + 1))
    assert subprocess.run([exe, "check"], env=env, capture_output=True, text=True).stdout == ""
    assert listings and listings == sorted(listings)
