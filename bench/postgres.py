"""The PostgreSQL store against the file store, on the same ledgers, in the same run.

    python bench/postgres.py                       # 1k, 10k, 100k; 5 runs each
    python bench/postgres.py --sizes 1000,10000 --server postgresql://postgres@127.0.0.1/test

For each size, bench/generate.py's ledger is imported into a file, then copied into
a database this script creates on ``--server`` (and drops at the end). Reads and
writes run as their own processes on both homes; the table gives each on
PostgreSQL as a ratio to the same command on the file, and ``add`` on PostgreSQL
against its own time at the smallest size: ``add --force`` (no near-duplicate check),
and ``add`` of a claim in the generator's words (checked against the claims its index
names). The team-ledger issue's targets: reads within 1.5x of the file store's; ``add``
at 100k within 2x of its time at 1k.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import generate
from run import Timing, claim_ledger, machine, measure

COMMANDS = ("list", "unconfirmed", "show", "add", "add (checked)", "link")


def bench_size(n: int, runs: int, work: Path, server: str) -> dict[str, dict[str, Timing]]:
    cl = claim_ledger()
    data, db = work / f"ledger-{n}.jsonl", work / f"ledger-{n}.json"
    generate.write(n, str(data))
    base = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
    base.pop("FORCE_COLOR", None)
    subprocess.run([cl, "--db", str(db), "init"], env=base, check=True, capture_output=True)
    for party in sorted({p for p, _ in generate.PARTIES if p}):
        subprocess.run(
            [cl, "--db", str(db), "party", "add", party], env=base, check=True, capture_output=True
        )
    subprocess.run([cl, "--db", str(db), "import", str(data), "--create-sources"], env=base, check=True)
    url = f"{server}?ledger=bench_{n}"
    subprocess.run([cl, "copy", str(db), url], env=base, check=True, capture_output=True)
    out: dict[str, dict[str, Timing]] = {}
    for home, where in (("file", str(db)), ("postgres", url)):
        env = {**base, "CLAIM_LEDGER_DB": where}

        def add(i: int, home: str = home) -> list[str]:
            return [cl, "add", f"Bench claim {home} {i} {uuid.uuid4().hex}", "--source", "src-001", "--force"]

        def add_checked(i: int) -> list[str]:
            """A claim in the generator's words, checked for near duplicates (no --force)."""
            words = random.Random(i).choices(generate.WORDS, k=12)
            return [cl, "add", " ".join([*words, uuid.uuid4().hex]).capitalize(), "--source", "src-001"]

        out[home] = {
            "list": measure(lambda i: [cl, "list"], env, runs),
            "unconfirmed": measure(lambda i: [cl, "unconfirmed"], env, runs),
            "show": measure(lambda i: [cl, "show", str(1 + (i * 7919) % n)], env, runs),
            "add": measure(add, env, runs),
            "add (checked)": measure(add_checked, env, runs, ok=(0, 1)),
            "link": measure(
                lambda i: [cl, "link", str(n + 1 + i), "corroborates", str(1 + i * 3)], env, runs
            ),
        }
    return out


def table(results: dict[int, dict[str, dict[str, Timing]]]) -> str:
    sizes = sorted(results)
    lines = ["| command | " + " | ".join(f"{_k(n)}: file s, postgres s, ×" for n in sizes) + " | target |"]
    lines.append("|---|" + "---|" * (len(sizes) + 1))
    for name in COMMANDS:
        cells = []
        for n in sizes:
            f, p = results[n]["file"][name], results[n]["postgres"][name]
            cells.append(f"{f.seconds:.3f}, {p.seconds:.3f}, {p.seconds / f.seconds:.2f}")
        target = "≤ 1.5× file" if name in ("list", "unconfirmed", "show") else ""
        lines.append(f"| `{name}` | " + " | ".join(cells) + f" | {target} |")
    small, big = sizes[0], sizes[-1]
    for name in ("add", "add (checked)"):
        growth = results[big]["postgres"][name].seconds / results[small]["postgres"][name].seconds
        lines.append(
            f"\n`{name}` on PostgreSQL at {_k(big)} is {growth:.2f}× its time at {_k(small)} (target ≤ 2×)."
        )
    return "\n".join(lines)


def _k(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 else str(n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    import psycopg

    name = f"claim_ledger_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    server = args.server.rsplit("/", 1)[0] + f"/{name}"
    results = {}
    try:
        with tempfile.TemporaryDirectory(prefix="claim-ledger-pg-") as tmp:
            for n in [int(s) for s in args.sizes.split(",")]:
                print(f"... {n} claims", file=sys.stderr, flush=True)
                results[n] = bench_size(n, args.runs, Path(tmp), server)
    finally:
        with psycopg.connect(args.server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(machine(args.runs))
    print(table(results))


if __name__ == "__main__":
    main()
