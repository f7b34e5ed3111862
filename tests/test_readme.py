"""The README's walkthrough, and the guide's examples, print what they show (tests/replay.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from . import replay
from .conftest import installed_command

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ["README.md", "docs/guide.md"]

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_console_block_prints_what_it_shows(name):
    ran = replay.replay(ROOT / name, installed_command())
    assert ran, f"{name} has no console blocks to replay"
    for step, printed in ran:
        assert replay.normal(printed) == replay.normal(step.shown), (
            f"{name}: '$ {step.command}' now prints:\n{printed}\n(run: python -m tests.replay {name})"
        )


def test_a_changed_line_is_caught(tmp_path):
    """The replay can fail: one word changed in a copy of the README is found."""
    copy = tmp_path / "README.md"
    copy.write_text(
        (ROOT / "README.md").read_text().replace("single source: ru-mod", "single source: ru-mdo", 1)
    )
    ran = replay.replay(copy, installed_command())
    assert any(replay.normal(printed) != replay.normal(step.shown) for step, printed in ran)


def test_the_readme_stays_short():
    """What it is, the two commands, five minutes of use, a real war's numbers, working as a
    team, the rule, where the rest is."""
    assert len((ROOT / "README.md").read_text().encode()) < 16_000
