"""A lock file removed while a writer holds it (a sync tool tidying "stale" locks) loses nothing.

Real processes: writer A adds a claim to a 60k-claim ledger (about a second's work);
while it holds the lock, the lock file is deleted and writer B adds another. Whatever
the timing, every claim a writer acknowledged (exit 0) is in the ledger, ids are
unique, and a writer that lost the race says so in one line and wrote nothing.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import time
from pathlib import Path

import pytest

from .conftest import installed_command, wire_ledger

pytestmark = pytest.mark.e2e
TRIALS = int(os.environ.get("CLAIM_LEDGER_LOCK_TRIALS", "20"))


def _ledger(tmp_path: Path, env: dict[str, str]) -> Path:
    db = tmp_path / "ledger.json"
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        "".join(json.dumps({"text": f"claim {n} Харків", "source": "wire"}) + "\n" for n in range(60_000))
    )
    wire_ledger(env, rows)
    return db


def test_a_deleted_lock_loses_no_acknowledged_write(tmp_path):
    env = {**os.environ, "CLAIM_LEDGER_DB": str(tmp_path / "ledger.json")}
    db, exe, rng = _ledger(tmp_path, env), installed_command(), random.Random(7)
    lock = Path(f"{db}.lock")
    acknowledged: set[str] = set()
    refused = 0
    for trial in range(TRIALS):
        a = subprocess.Popen(
            [exe, "add", f"A {trial}", "--source", "wire", "--force"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(rng.uniform(0.3, 0.7))  # A has started, taken the lock, and is at work
        lock.unlink(missing_ok=True)  # the sync tool's tidy-up
        b = subprocess.run(
            [exe, "add", f"B {trial}", "--source", "wire", "--force"], env=env, capture_output=True, text=True
        )
        _, err_a = a.communicate(timeout=60)
        for text, code, err in ((f"A {trial}", a.returncode, err_a), (f"B {trial}", b.returncode, b.stderr)):
            if code == 0:
                acknowledged.add(text)
            else:
                refused += 1
                assert code == 1 and err.count("\n") == 1 and "nothing was" in err, err
    claims = json.loads(db.read_bytes())["claims"]
    texts = [c["text"] for c in claims.values()]
    assert acknowledged <= set(texts), sorted(acknowledged - set(texts))[:3]
    assert len(claims) == len(set(claims)) and len(texts) == len(set(texts))  # unique ids, nothing twice
    done = subprocess.run([exe, "check"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
    print(
        f"\n{TRIALS} races: {len(acknowledged)} writes acknowledged and kept, {refused} refused in one line"
    )
