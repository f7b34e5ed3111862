"""Crash safety and parallel writers, with real processes and real SIGKILL.

Every write either happens whole or not at all, and nothing acknowledged is lost:

* writers (``add``, ``link``, ``edit``, ``import`` of 5,000 claims) are killed at random
  moments, seeded and reproducible; after every kill the ledger parses, and
  every command that exited 0 has its data in it;
* four processes adding 250 claims each at once leave exactly 1,000 claims with
  unique ids, and every link.

A longer soak: ``CLAIM_LEDGER_KILLS=2000 pytest tests/test_durability.py``
(``CLAIM_LEDGER_SEED`` picks another sequence).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ledger.store import open_ledger

from .conftest import wire_ledger
from .test_e2e import _installed

pytestmark = pytest.mark.e2e

KILLS = int(os.environ.get("CLAIM_LEDGER_KILLS", "200"))
SEED = int(os.environ.get("CLAIM_LEDGER_SEED", "2024"))


def _env(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIM_LEDGER")}
    env.update(CLAIM_LEDGER_DB=str(db), NO_COLOR="1", HOME=str(db.parent))
    return env


def _jsonl(path: Path, prefix: str, n: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            row = {"text": f"{prefix} {i}", "source": "wire", "figures": [f"killed={i % 50}"]}
            if i:
                row["corroborates"] = [i]  # the previous row (rows are numbered from 1)
            out.write(json.dumps(row) + "\n")


def _texts(db: Path) -> dict[int, str]:
    with open_ledger(db) as store:  # parses the file and checks its shape, or raises
        return {c.id: c.text for c in store.claims().values()}


def test_writers_killed_at_random_moments_never_tear_the_ledger_or_lose_acknowledged_data(tmp_path):
    rng = random.Random(SEED)
    db = tmp_path / "ledger.json"
    env = _env(db)
    exe = _installed()
    base = tmp_path / "base.jsonl"
    _jsonl(base, "base", 5000)
    wire_ledger(env, base)
    acknowledged = set()  # texts of claims added by commands that exited 0
    wording = {i + 1: f"base {i}" for i in range(5000)}  # the imported claims' text, as last edited
    # how long each kind of write takes here, so that kills land anywhere inside one
    took = {}
    for kind, args in (
        ("add", [exe, "add", "calibration", "--source", "wire"]),
        ("import", [exe, "import", str(base), "--dry-run"]),
    ):
        start = time.perf_counter()
        subprocess.run(args, env=env, check=True, capture_output=True)
        took[kind] = time.perf_counter() - start
    acknowledged.add("calibration")
    killed_mid_run = mid_write = edits = 0
    for n in range(KILLS):
        if n and n % 20 == 0:  # the ledger grows: time a whole add again, and scale the rest
            start = time.perf_counter()
            subprocess.run([exe, "add", f"calibration {n}", "--source", "wire"], env=env, check=True)
            slower = (time.perf_counter() - start) / took["add"]
            took = {kind: seconds * slower for kind, seconds in took.items()}
            acknowledged.add(f"calibration {n}")
        roll = rng.random()
        edited = None
        if roll < 0.07:
            batch = tmp_path / "batch.jsonl"
            _jsonl(batch, f"batch {n}", 5000)
            args, texts = [exe, "import", str(batch)], {f"batch {n} {i}" for i in range(5000)}
            delay = rng.uniform(0.05, 1.5) * took["import"]
        elif roll < 0.2:
            edited = (rng.randint(1, 5000), f"edited {n}")
            args, texts = [exe, "edit", str(edited[0]), "--text", edited[1]], set()
            delay = rng.uniform(0.05, 1.5) * took["add"]
        elif roll < 0.35:
            a, b = rng.sample(range(1, 5001), 2)
            args, texts = [exe, "link", str(a), "contradicts", str(b)], set()
            delay = rng.uniform(0.05, 1.5) * took["add"]
        else:
            args, texts = [exe, "add", f"claim {n}", "--source", "wire"], {f"claim {n}"}
            delay = rng.uniform(0.05, 1.5) * took["add"]
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed_mid_run += 1
        code = proc.wait()
        if code == 0:
            acknowledged |= texts
        mid_write += bool(list(tmp_path.glob(".ledger.json.*.tmp")))  # killed between write and rename
        present = _texts(db)  # the ledger always parses
        missing = acknowledged - set(present.values())
        assert not missing, f"kill {n}: {len(missing)} acknowledged claims lost, e.g. {sorted(missing)[:3]}"
        if edited and (code == 0 or present[edited[0]] == edited[1]):  # done, or killed after the write
            wording[edited[0]] = edited[1]
            edits += code == 0
        changed = {i: present.get(i) for i, text in wording.items() if present.get(i) != text}
        assert not changed, f"kill {n}: claims changed or lost: {dict(list(changed.items())[:3])}"
    # a later writer clears what killed writers left behind, and works
    done = subprocess.run([exe, "add", "after the storm", "--source", "wire"], env=env, capture_output=True)
    assert done.returncode == 0, done.stderr
    assert not list(tmp_path.glob(".ledger.json.*.tmp"))
    assert killed_mid_run >= KILLS // 2, killed_mid_run  # most runs really were killed mid-way
    print(
        f"\n{KILLS} writers, {killed_mid_run} killed mid-run ({mid_write} while writing the file), "
        f"{len(acknowledged) + len(wording)} acknowledged claims all present, {edits} edits kept "
        f"(seed {SEED})"
    )


def test_four_writers_at_once_lose_nothing(tmp_path):
    db = tmp_path / "ledger.json"
    with open_ledger(db, create=True) as store:
        from ledger import ops

        ops.add_source(store, "wire", name="Wire", kind="news_agency", now="2024-01-01T00:00:00+00:00")
    writer = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from ledger import ops
        from ledger.store import open_ledger

        db, name = Path(sys.argv[1]), sys.argv[2]
        previous = None
        for i in range(250):
            with open_ledger(db, write=True, lock_timeout=120) as store:
                links = {"corroborates": [previous]} if previous else {}
                added = ops.add_claim(store, f"{name} {i}", source="wire", now="2024-01-01", **links)
                previous = added.claim.id
        """
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", writer, str(db), f"writer-{w}"], stderr=subprocess.PIPE)
        for w in range(4)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err.decode()
    with open_ledger(db) as store:
        claims = store.claims()
        links = store.links()
    assert len(claims) == 1000 and sorted(claims) == list(range(1, 1001))
    assert {c.text for c in claims.values()} == {f"writer-{w} {i}" for w in range(4) for i in range(250)}
    by_text = {c.text: c.id for c in claims.values()}
    expected = {
        (by_text[f"writer-{w} {i}"], by_text[f"writer-{w} {i - 1}"]) for w in range(4) for i in range(1, 250)
    }
    assert {(lk.src, lk.dst) for lk in links} == expected
    assert len({lk.id for lk in links}) == len(links) == 996
