"""A ledger on a read-only file system, with no lock file yet (the reliability issue): reads
work, writes end in one line naming the cause, exit 1, and the file is as it was.

A read-only file system is made for real: a tmpfs mounted, filled, then remounted
read-only. That needs root (CI runs as root); elsewhere the test skips and says why.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from .conftest import installed_command


@pytest.fixture
def readonly(tmp_path: Path):
    folder = tmp_path / "ro"
    folder.mkdir()
    if (
        os.geteuid() != 0
        or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder)], capture_output=True
        ).returncode
    ):
        pytest.skip("mounting a file system needs root: run as root (CI does) to test a read-only one")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)


def test_a_read_only_ledger_reads_and_refuses_writes_in_one_line(readonly):
    env = {**os.environ, "CLAIM_LEDGER_DB": str(readonly / "ledger.json"), "NO_COLOR": "1"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [installed_command(), *args], capture_output=True, text=True, env=env, timeout=60
        )

    assert run("init", "--sample").returncode == 0
    (readonly / "ledger.json.lock").unlink(missing_ok=True)  # no lock file yet
    assert subprocess.run(["mount", "-o", "remount,ro", str(readonly)], capture_output=True).returncode == 0
    before = (readonly / "ledger.json").read_bytes()

    listed = run("list", "--json")
    assert listed.returncode == 0 and '"id": 20' in listed.stdout
    assert run("check").returncode == 0  # reading needs no lock
    for args, cause in (
        (("add", "A claim", "--source", "press"), "cannot lock ledger"),
        (("export", "markdown", "-o", str(readonly / "report.md")), "cannot write export"),
    ):
        done = run(*args)
        assert done.returncode == 1, (args, done.stderr)
        assert (
            done.stderr.count("\n") == 1 and cause in done.stderr and "Read-only file system" in done.stderr
        )
        assert "Traceback" not in done.stderr
    assert (readonly / "ledger.json").read_bytes() == before
