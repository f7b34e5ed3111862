"""Time whole claim-ledger commands on synthetic ledgers of 1k, 10k and 100k claims.

    python bench/run.py                      # 1k, 10k, 100k; 5 runs each; a Markdown table on stdout
    python bench/run.py --sizes 1000 --runs 3

Every command runs as its own process (the installed ``claim-ledger``), after
one warm-up run, and the median of the runs is reported with the peak memory
(max RSS) of the process. Each time is also given as a ratio to a floor
measured in the same run on the same file:

* reads and writes: ``python -c "import json; json.load(open(LEDGER))"``;
* start-up: ``python -c "import typer, rich, tinydb"``.

The ledger is built by importing the generated JSON Lines (bench/generate.py),
which is itself one of the timed commands.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import generate

TARGETS = {  # ratio to the floor it is measured against, at 100k claims (issue 15)
    "--version": 1.5,
    "--help": 1.5,
    "list": 1.5,
    "unconfirmed": 1.5,
    "disputed": 1.5,
    "figures": 1.5,
    "show": 1.5,
    "check": 1.5,
    "check (cache warm)": 1.5,
    "list --json": 1.5,
    "list (cache warm)": 0.75,
    "unconfirmed (cache warm)": 0.75,
    "disputed (cache warm)": 0.75,
    "figures (cache warm)": 0.75,
    "show (cache warm)": 0.75,
    "unconfirmed --json": 1.5,
    "unconfirmed --json (cache warm)": 1.5,
    "list --limit 0": 5.0,
    "list --limit 0 (cache warm)": 5.0,
    "list --json (cache warm)": 1.5,
    "export markdown": 2.5,
    "export csv": 2.5,
    "export csv (cache warm)": 2.5,
    "export json": 2.5,
    "import (jsonl)": 2.5,
    "add": 1.25,
    "add (new words)": 1.25,
    "link": 1.25,
    "edit": 1.25,
}
ABSOLUTE = {"first row": "≤ 1 s", "Tab": "≤ 0.1 s"}  # in seconds, not ratios
# bash asking for the completions of `claim-ledger show 12` (the claim ids starting with 12)
TAB = {"_CLAIM_LEDGER_COMPLETE": "complete_bash", "COMP_WORDS": "claim-ledger show 12", "COMP_CWORD": "2"}
WARM = ("list", "unconfirmed", "disputed", "figures")  # reads the derived cache serves (ledger.cache)


@dataclass
class Timing:
    seconds: float
    peak_mb: float


def claim_ledger() -> str:
    beside = Path(sys.executable).with_name("claim-ledger")
    found = str(beside) if beside.exists() else shutil.which("claim-ledger")
    if not found:
        sys.exit("claim-ledger is not installed: pip install . first")
    return found


# Runs the command and prints its time and peak RSS. A small process of its own does the
# fork, so the peak is the command's, not the memory this benchmark holds when it forks.
_WRAPPER = """
import os, sys, time
start = time.perf_counter()
quiet = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ, file_actions=quiet)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
scale = 1024 * 1024 if sys.platform == "darwin" else 1024
print(os.waitstatus_to_exitcode(status), seconds, usage.ru_maxrss / scale)
"""


def run_once(args: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)) -> Timing:
    """One process: its wall time and its own peak RSS."""
    done = subprocess.run(
        [sys.executable, "-S", "-c", _WRAPPER, *args],
        capture_output=True,
        env=env,
        text=True,
    )
    code, seconds, peak = done.stdout.split()[-3:]
    if int(code) not in ok:
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr.strip()}")
    return Timing(float(seconds), float(peak))


def measure(make_args, env: dict[str, str], runs: int, before=None, ok: tuple[int, ...] = (0,)) -> Timing:
    """Median time and peak memory over ``runs`` runs after one warm-up."""
    results = []
    for i in range(runs + 1):
        if before is not None:
            before()
        timing = run_once(make_args(i), env, ok)
        if i:
            results.append(timing)
    return Timing(
        statistics.median(r.seconds for r in results), statistics.median(r.peak_mb for r in results)
    )


def bench_size(n: int, runs: int, work: Path) -> dict[str, Timing]:
    cl = claim_ledger()
    data = work / f"ledger-{n}.jsonl"
    generate.write(n, str(data))
    db = work / f"ledger-{n}.json"
    # cold: no cache (a read of a big ledger would otherwise build one in the background and
    # every later run would read it); the warm rows below say what the cache gives
    env = {
        **os.environ,
        "CLAIM_LEDGER_DB": str(db),
        "NO_COLOR": "1",
        "COLUMNS": "120",
        "CLAIM_LEDGER_CACHE": "off",
    }
    env.pop("FORCE_COLOR", None)

    def fresh() -> None:
        """An empty ledger with the generator's parties registered, as an analyst starts one."""
        for leftover in (db, Path(f"{db}.lock")):
            leftover.unlink(missing_ok=True)
        subprocess.run([cl, "init"], env=env, check=True, capture_output=True)
        for party in sorted({p for p, _ in generate.PARTIES if p}):
            subprocess.run([cl, "party", "add", party], env=env, check=True, capture_output=True)

    out: dict[str, Timing] = {}
    out["import (jsonl)"] = measure(
        lambda i: [cl, "import", str(data), "--create-sources"], env, max(1, runs // 2), before=fresh
    )
    py = sys.executable

    def floor() -> Timing:
        return measure(lambda i: [py, "-c", f"import json; json.load(open({str(db)!r}))"], env, runs)

    # the floor is measured before, between and after the commands, and the median of the three
    # taken: on a busy machine one slow window made every ratio of a run look better than it was
    floors = [floor()]
    out["floor: json.load"] = floors[0]  # its place in the table; the median is set at the end
    out["floor: import typer, rich, tinydb"] = measure(
        lambda i: [py, "-c", "import typer, rich, tinydb"], env, runs
    )
    out["--version"] = measure(lambda i: [cl, "--version"], env, runs)
    out["--help"] = measure(lambda i: [cl, "--help"], env, runs)
    for name in ("list", "unconfirmed", "disputed", "figures"):
        out[name] = measure(lambda i, name=name: [cl, name], env, runs)
    out["show"] = measure(lambda i: [cl, "show", str(1 + (i * 7919) % n)], env, runs)
    out["check"] = measure(lambda i: [cl, "check"], env, runs, ok=(0, 1))
    out["list --json"] = measure(lambda i: [cl, "list", "--json"], env, runs)
    out["unconfirmed --json"] = measure(lambda i: [cl, "unconfirmed", "--json"], env, runs)
    out["list --limit 0"] = measure(lambda i: [cl, "list", "--limit", "0"], env, runs)
    out["first row: list --limit 0"] = first_row([cl, "list", "--limit", "0"], env, runs)
    floors.append(floor())
    for kind, suffix in (("markdown", "md"), ("csv", "csv"), ("json", "json")):
        out[f"export {kind}"] = measure(
            lambda i, kind=kind, suffix=suffix: [cl, "export", kind, "-o", str(work / f"report.{suffix}")],
            env,
            runs,
        )
    warm = {**env, "CLAIM_LEDGER_CACHE": str(work / f"cache-{n}")}
    # the installed package's builder, as a read starts it (-P: not a checkout in the folder)
    subprocess.run([py, "-P", "-m", "ledger.cache", str(db)], env=warm, check=True)
    for name in WARM:
        out[f"{name} (cache warm)"] = measure(lambda i, name=name: [cl, name], warm, runs)
    out["show (cache warm)"] = measure(lambda i: [cl, "show", str(1 + (i * 7919) % n)], warm, runs)
    out["check (cache warm)"] = measure(lambda i: [cl, "check"], warm, runs, ok=(0, 1))
    out["unconfirmed --json (cache warm)"] = measure(lambda i: [cl, "unconfirmed", "--json"], warm, runs)
    out["list --json (cache warm)"] = measure(lambda i: [cl, "list", "--json"], warm, runs)
    out["export csv (cache warm)"] = measure(
        lambda i: [cl, "export", "csv", "-o", str(work / "report.csv")], warm, runs
    )
    out["list --limit 0 (cache warm)"] = measure(lambda i: [cl, "list", "--limit", "0"], warm, runs)
    out["first row: list --limit 0 (cache warm)"] = first_row([cl, "list", "--limit", "0"], warm, runs)
    out["Tab: show 12<Tab> (cache warm)"] = measure(lambda i: [cl], {**warm, **TAB}, runs)
    out["Tab: show 12<Tab>"] = measure(lambda i: [cl], {**env, **TAB}, runs)
    # what a write starts in the background (a write leaves the cache stale: without it, the
    # builder weighs the whole ledger): the verdicts first, which every listing reads, then
    # check's findings
    out["cache build (after a write)"] = measure(
        lambda i: [py, "-P", "-m", "ledger.cache", str(db)],
        warm,
        runs,
        before=lambda: shutil.rmtree(warm["CLAIM_LEDGER_CACHE"], ignore_errors=True),
    )
    if peer_ready(data, work / f"peer-{n}.sqlite"):  # the same answer from SQLite (bench/peer.py)
        here = str(Path(__file__).with_name("peer.py"))
        out["peer: SQLite, one recursive query"] = measure(
            lambda i: [py, here, "query", str(work / f"peer-{n}.sqlite")], env, runs
        )
    # a claim in the ledger's own words, so the near-duplicate check compares it in earnest
    # (every claim shares its vocabulary: the check's worst case), different each run
    out["add"] = measure(lambda i: [cl, "add", _new_text(i), "--source", "src-001"], env, runs)
    # a claim of a new subject (half its words in no other claim), as most of a user's are:
    # only the claims that hold its rarest words are compared
    out["add (new words)"] = measure(
        lambda i: [cl, "add", _new_text(i, new=6), "--source", "src-002"], env, runs
    )
    # fresh pairs each run: the two newest bench claims and an old claim far from any link
    out["link"] = measure(lambda i: [cl, "link", str(n + 1 + i), "corroborates", str(1 + i * 3)], env, runs)
    # a correction of an old claim's figure, a different claim each run
    out["edit"] = measure(lambda i: [cl, "edit", str(2 + i * 5), "--figure", f"killed={i + 1}"], env, runs)
    floors.append(floor())
    out["floor: json.load"] = Timing(
        statistics.median(f.seconds for f in floors), statistics.median(f.peak_mb for f in floors)
    )
    return out


def first_row(args: list[str], env: dict[str, str], runs: int) -> Timing:
    """Median time until the first line reaches a pipe (a person piping to less sees it);
    the process then runs to its end, unread lines discarded. No peak memory: 0."""
    seconds = []
    for i in range(runs + 1):
        start = time.perf_counter()
        with subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as proc:
            assert proc.stdout is not None
            proc.stdout.readline()
            if i:
                seconds.append(time.perf_counter() - start)
            for _ in proc.stdout:
                pass
    return Timing(statistics.median(seconds), 0.0)


def peer_ready(data: Path, db: Path) -> bool:
    """The peer's database built from the same claims (not timed); False where this SQLite
    has no JSON functions, and the row is left out."""
    import sqlite3

    import peer

    try:
        sqlite3.connect(":memory:").execute("SELECT json_group_array(1)")
    except sqlite3.OperationalError:
        return False
    peer.build(str(data), str(db))
    return True


def _new_text(i: int, new: int = 0) -> str:
    """Twelve words of the generator's vocabulary, or ``new`` of them words no claim has."""
    rng = random.Random(f"bench-add-{i}" + (f"-new-{new}" if new else ""))
    words = rng.choices(generate.WORDS, k=12 - new)
    if new:
        words += ["".join(rng.choices("bcdfghklmnprstvz", k=9)) for _ in range(new)]
        rng.shuffle(words)
    return " ".join(words).capitalize()


def table(results: dict[int, dict[str, Timing]]) -> str:
    sizes = sorted(results)
    big = sizes[-1]
    head = ["command", *(f"{_k(n)} s" for n in sizes), f"× floor at {_k(big)}", "target"]
    head += [f"peak MB at {_k(big)}", "× floor MB"]
    if len(sizes) > 1:
        head.append(f"{_k(big)}/{_k(sizes[-2])} time")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    floor = results[big]["floor: json.load"]
    start = results[big]["floor: import typer, rich, tinydb"]
    for name in results[big]:
        row = [f"`{name}`" if not name.startswith("floor") else name]
        row += [f"{results[n][name].seconds:.3f}" for n in sizes]
        t = results[big][name]
        against = start if name in ("--version", "--help") else floor
        ratio = t.seconds / against.seconds
        row.append("" if name.startswith("floor") else f"{ratio:.2f}")
        target = TARGETS.get(name)
        row.append(f"≤ {target}" if target else ABSOLUTE.get(name.split(":")[0], ""))
        row.append(f"{t.peak_mb:.0f}")
        row.append(f"{t.peak_mb / floor.peak_mb:.2f}")
        if len(sizes) > 1:
            row.append(f"{t.seconds / results[sizes[-2]][name].seconds:.1f}")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def _k(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 else str(n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="claim counts, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command (after one warm-up)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[int, dict[str, Timing]] = {}
    with tempfile.TemporaryDirectory(prefix="claim-ledger-bench-") as tmp:
        for n in sizes:
            print(f"... {n} claims", file=sys.stderr, flush=True)
            results[n] = bench_size(n, args.runs, Path(tmp))
    print(machine(args.runs))
    print(table(results))


def machine(runs: int) -> str:
    """The line that says where and how a table was measured."""
    cpu = platform.processor() or platform.machine()
    return (
        f"Machine: {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; median of {runs} runs after a warm-up.\n"
    )


if __name__ == "__main__":
    main()
