"""Replaying the documentation: every ```console block is run, and must print what it shows.

A block's lines starting with ``$ `` are commands (``claim-ledger …``, run as the
installed command, in one fresh home folder for the whole file, one after
another); the lines below each, until the next command, are what it prints,
stdout and stderr as a terminal interleaves them. Output is taken at 80
columns, with the temporary home folder shown as ``/home/you``, and compared with
clock times replaced on both sides by a placeholder of the same length.

``python -m tests.replay README.md docs/guide.md`` rewrites the blocks with what
the commands print now (after a change of output, as ``cog -r`` does for
docs/cli.md); the tests compare them.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

BLOCK = re.compile(r"^```console\n(.*?)^```$", re.MULTILINE | re.DOTALL)
HOME = "/home/you"
_TIMES = [
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00"), "2026-01-01T00:00:00+00:00"),
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC"), "2026-01-01 00:00 UTC"),
]


@dataclass
class Step:
    command: str  # as written after "$ "
    shown: str  # the lines the document shows below it


def steps(body: str) -> list[Step]:
    found: list[Step] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            found.append(Step(line[2:], ""))
        elif found:
            found[-1].shown += line + "\n"
    return found


def normal(text: str) -> str:
    """``text`` with clock times replaced: what must match between a document and a run."""
    for pattern, placeholder in _TIMES:
        text = pattern.sub(placeholder, text)
    return text


class Session:
    """One fresh home folder, the installed command, 80 columns."""

    def __init__(self, command: str) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="replay-"))
        self.home = self.folder / "home"
        self.home.mkdir()
        self.command = command
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(self.home),
            "COLUMNS": "80",
            "NO_COLOR": "1",
            "PYTHONUNBUFFERED": "1",  # stdout and stderr interleave as at a terminal
            "LANG": "C.UTF-8",
        }

    def run(self, line: str) -> str:
        words = shlex.split(line, comments=True)
        assert words and words[0] == "claim-ledger", f"not a claim-ledger command: {line}"
        done = subprocess.run(
            [self.command, *words[1:]],
            cwd=self.home,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=120,
        )
        return done.stdout.replace(str(self.home), HOME)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def replay(path: Path, command: str) -> list[tuple[Step, str]]:
    """Every step of every console block of ``path``, with what it prints now."""
    session = Session(command)
    try:
        blocks = BLOCK.findall(path.read_text())
        return [(step, session.run(step.command)) for body in blocks for step in steps(body)]
    finally:
        session.close()


def rewrite(path: Path, command: str) -> None:
    session = Session(command)

    def fresh(match: re.Match[str]) -> str:
        lines = [f"$ {step.command}\n{session.run(step.command)}" for step in steps(match.group(1))]
        return "```console\n" + "".join(lines) + "```"

    try:
        path.write_text(BLOCK.sub(fresh, path.read_text()))
    finally:
        session.close()


if __name__ == "__main__":
    installed = shutil.which("claim-ledger")
    assert installed, "install claim-ledger first: pip install -e '.[test]'"
    for name in sys.argv[1:]:
        rewrite(Path(name), installed)
