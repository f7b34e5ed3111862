"""docs/cli.md cannot drift from the commands' own --help (cog), and the README points to it."""

from __future__ import annotations

from pathlib import Path

import typer
from cogapp import Cog
from typer.testing import CliRunner

from ledger.cli.reference import WIDTH

ROOT = Path(__file__).parents[1]
PAGE = ROOT / "docs" / "cli.md"


def _cog_check(path: Path) -> int:
    return Cog().main(["cog", "--check", str(path)])


def test_the_reference_is_what_cog_generates_now():
    """The CI check itself: regenerate with `cog -r docs/cli.md` when this fails."""
    assert _cog_check(PAGE) == 0


def test_a_stale_page_fails_the_check(tmp_path):
    stale = tmp_path / "cli.md"
    text = PAGE.read_text(encoding="utf-8")
    assert "Record a claim: one assertion by one source." in text
    stale.write_text(text.replace("Record a claim: one assertion by one source.", "Record a claim."), "utf-8")
    assert _cog_check(stale) != 0


def _paths(group, path=()):
    for name, command in group.commands.items():
        yield (*path, name)
        if hasattr(command, "commands"):
            yield from _paths(command, (*path, name))


def test_every_command_appears_with_the_help_the_program_prints():
    """As a terminal 100 columns wide or wider shows it (help is never laid out wider)."""
    from ledger.cli import app

    page = PAGE.read_text(encoding="utf-8")
    paths = list(_paths(typer.main.get_command(app)))
    assert len(paths) > 20
    runner = CliRunner()
    for path in [(), *paths]:
        result = runner.invoke(app, [*path, "--help"], terminal_width=WIDTH)
        assert result.exit_code == 0, result.output
        shown = result.stdout.rstrip()
        heading = " ".join(("claim-ledger", *path))
        assert f"## `{heading}`\n\n```text\n{shown}\n```" in page, heading


def test_the_readme_links_the_reference():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/cli.md)" in readme
