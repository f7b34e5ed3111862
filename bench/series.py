"""Time the real series (sample_data/ua-losses): importing it and following one metric.

    python bench/series.py            # 5 runs each; a Markdown table on stdout
    python bench/series.py --runs 3

Data users have: 3,691 daily claims of one event, 12-19 figures on most, a relay
chain (lod-db repeats the General Staff, 1,435 links), Cyrillic-free but real. Every
command runs as its own process (the installed ``claim-ledger``), after one
warm-up, and is given as a ratio to the floor measured in the same run on the
resulting ledger: ``python -c "import json; json.load(open(LEDGER))"``. The issue's
target: the whole import (three files) and ``figures --metric tank`` each under 5x.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from run import Timing, claim_ledger, machine, measure

DATA = Path(__file__).resolve().parent.parent / "sample_data" / "ua-losses"
MAPPINGS = ("general-staff.toml", "oryx.toml", "lod-db.toml")
TARGET = 5.0


def bench(runs: int, work: Path) -> dict[str, Timing]:
    cl = claim_ledger()
    db = work / "ua-losses.json"
    env = {**os.environ, "CLAIM_LEDGER_DB": str(db), "NO_COLOR": "1", "COLUMNS": "120"}
    env.pop("FORCE_COLOR", None)
    out: dict[str, Timing] = {}

    def empty() -> None:
        for leftover in (db, Path(f"{db}.lock")):
            leftover.unlink(missing_ok=True)

    # The whole series: a fresh ledger, then each mapping in turn; each file timed on its own
    # (the ledger of the files before it in place), and the three summed.
    for i, name in enumerate(MAPPINGS):

        def before(i: int = i) -> None:
            empty()
            for earlier in MAPPINGS[:i]:
                subprocess.run([cl, "import", str(DATA / earlier)], env=env, check=True, capture_output=True)

        out[f"import {name}"] = measure(
            lambda _i, name=name: [cl, "import", str(DATA / name)], env, runs, before
        )
    out["import, all three"] = Timing(
        sum(out[f"import {n}"].seconds for n in MAPPINGS), max(out[f"import {n}"].peak_mb for n in MAPPINGS)
    )
    py = sys.executable
    out["floor: json.load"] = measure(
        lambda _i: [py, "-c", f"import json; json.load(open({str(db)!r}))"], env, runs
    )
    out["figures --metric tank"] = measure(lambda _i: [cl, "figures", "--metric", "tank"], env, runs)
    out["figures --metric tank --every day"] = measure(
        lambda _i: [cl, "figures", "--metric", "tank", "--every", "day"], env, runs
    )
    out["unconfirmed"] = measure(lambda _i: [cl, "unconfirmed"], env, runs)
    out["check"] = measure(lambda _i: [cl, "check"], env, runs, ok=(0, 1))  # 1: it found something
    out["export markdown (summary)"] = measure(
        lambda _i: [cl, "export", "markdown", "-o", str(work / "report.md")], env, runs
    )
    out["demo --example ua-losses"] = measure(lambda _i: [cl, "demo", "--example", "ua-losses"], env, runs)
    out["ledger size MB"] = Timing(db.stat().st_size / 1e6, 0)
    return out


def table(results: dict[str, Timing]) -> str:
    floor = results["floor: json.load"]
    lines = ["| command | s | × floor | target | peak MB |", "|---|---|---|---|---|"]
    for name, t in results.items():
        if name == "ledger size MB":
            lines.append(f"| ledger file | {t.seconds:.1f} MB | | | |")
            continue
        ratio = "" if name.startswith("floor") else f"{t.seconds / floor.seconds:.2f}"
        target = f"≤ {TARGET}" if name in ("import, all three", "figures --metric tank") else ""
        lines.append(f"| `{name}` | {t.seconds:.3f} | {ratio} | {target} | {t.peak_mb:.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command (after one warm-up)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="claim-ledger-series-") as tmp:
        results = bench(args.runs, Path(tmp))
    print(machine(args.runs))
    print(table(results))


if __name__ == "__main__":
    main()
