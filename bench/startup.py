"""Everyday size: each command at 1k claims against the floor of Python importing the
command line's libraries and reading the ledger, in the same run.

    python bench/startup.py                 # 1k claims, 15 runs each
    python bench/startup.py --claims 1000 --runs 25

Floor C = ``python -c "import typer, rich, tinydb, json; json.load(open(LEDGER))"``.
The performance issue's target: every command within 1.5x C. Each command runs as
its own process (the installed ``claim-ledger``), after one warm-up run; the
median is reported.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import generate
from run import claim_ledger, machine, measure

TARGET = 1.5


def commands(cl: str) -> dict[str, object]:
    return {
        "path": lambda i: [cl, "path"],
        "--version": lambda i: [cl, "--version"],
        "list": lambda i: [cl, "list"],
        "unconfirmed": lambda i: [cl, "unconfirmed"],
        "show": lambda i: [cl, "show", str(1 + i * 37 % 1000)],
        "source list": lambda i: [cl, "source", "list"],
        "check": lambda i: [cl, "check"],
        "add": lambda i: [cl, "add", f"Startup claim {i} {uuid.uuid4().hex}", "--source", "src-001"],
        "link": lambda i: [cl, "link", str(1001 + i), "corroborates", str(1 + i)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    cl = claim_ledger()
    with tempfile.TemporaryDirectory(prefix="claim-ledger-startup-") as tmp:
        data, db = Path(tmp) / "claims.jsonl", Path(tmp) / "ledger.json"
        generate.write(args.claims, str(data))
        env = {**os.environ, "CLAIM_LEDGER_DB": str(db), "NO_COLOR": "1", "COLUMNS": "120"}
        env.pop("FORCE_COLOR", None)
        subprocess.run([cl, "init"], env=env, check=True, capture_output=True)
        for party in sorted({p for p, _ in generate.PARTIES if p}):
            subprocess.run([cl, "party", "add", party], env=env, check=True, capture_output=True)
        subprocess.run(
            [cl, "import", str(data), "--create-sources"], env=env, check=True, capture_output=True
        )
        floor_code = f"import typer, rich, tinydb, json; json.load(open({str(db)!r}))"
        floor = measure(lambda i: [sys.executable, "-c", floor_code], env, args.runs)
        rows = [(name, measure(make, env, args.runs, ok=(0, 1))) for name, make in commands(cl).items()]
    print(machine(args.runs))
    floor_words = f"import typer, rich, tinydb; json.load of {args.claims:,} claims"
    print(f"\nFloor C ({floor_words}): {floor.seconds:.3f} s\n")
    print("| command | s | × C | target |")
    print("|---|---|---|---|")
    for name, t in rows:
        ratio = t.seconds / floor.seconds
        print(
            f"| `{name}` | {t.seconds:.3f} | {ratio:.2f} | ≤ {TARGET}× {'(met)' if ratio <= TARGET else ''} |"
        )


if __name__ == "__main__":
    main()
