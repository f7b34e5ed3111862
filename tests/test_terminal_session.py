"""``claim-ledger add`` typed in at a real terminal: the installed command inside tmux.

A person's keystrokes go in with ``send-keys`` and the screen comes back with
``capture-pane``; the test waits for what a person would wait for (a prompt),
never for a fixed time. `.ci/run` installs tmux when the machine lacks it and
sets CLAIM_LEDGER_REQUIRE_TMUX, so CI fails rather than skips.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest

from .conftest import installed_command

pytestmark = pytest.mark.e2e

TMUX = shutil.which("tmux")
if TMUX is None and not os.environ.get("CLAIM_LEDGER_REQUIRE_TMUX"):
    pytest.skip("tmux is not installed (.ci/run installs it)", allow_module_level=True)


class Terminal:
    """One tmux session running one shell command, on a private tmux server."""

    def __init__(self, tmp: Path, command: str, env: dict[str, str]) -> None:
        self.socket = str(tmp / "tmux.sock")
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        # The pane outlives the command, so its last words and exit status can be read.
        script = f'env {exports} {command}; echo "[exit $?]"; sleep 600'
        self._tmux("new-session", "-d", "-s", "t", "-x", "150", "-y", "50", script)

    def _tmux(self, *args: str) -> str:
        assert TMUX is not None, "tmux is required here: apt-get install tmux"
        done = subprocess.run(
            [TMUX, "-S", self.socket, *args], capture_output=True, text=True, timeout=10, check=True
        )
        return done.stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-J", "-t", "t")

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        return self.wait_until(lambda shown: text in shown, repr(text), timeout)

    def wait_until(self, seen, what: str, timeout: float = 15.0) -> str:
        """Wait until ``seen(screen)`` holds; ``what`` names it when it never does."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if seen(shown):
                return shown
            time.sleep(0.05)
        raise AssertionError(f"{what} never appeared; the screen:\n{self.screen()}")

    def type(self, *keys: str) -> None:
        """Literal text (-l), then Enter; a key name such as C-c alone is sent as that key."""
        for key in keys:
            if key in ("C-c", "C-d", "Tab", "Enter"):
                self._tmux("send-keys", "-t", "t", key)
            else:
                self._tmux("send-keys", "-t", "t", "-l", key)

    def wait_for_prompt(self, prompt: str, timeout: float = 15.0) -> str:
        """Wait until the screen's last line is the question ``prompt...:``, waiting for input."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            lines = [line for line in shown.splitlines() if line.strip()]
            if lines and lines[-1].startswith(prompt) and lines[-1].rstrip().endswith(":"):
                return shown
            time.sleep(0.05)
        raise AssertionError(f"prompt {prompt!r} never came; the screen:\n{self.screen()}")

    def wait_for_shell_prompt(self, timeout: float = 15.0) -> str:
        """Wait until the screen's last line is an empty shell prompt (``$``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            lines = [line for line in shown.splitlines() if line.strip()]
            if lines and lines[-1].strip() == "$":
                return shown
            time.sleep(0.05)
        raise AssertionError(f"no shell prompt came; the screen:\n{self.screen()}")

    def answer(self, prompt: str, text: str = "") -> None:
        """Wait for a question, then type a line."""
        self.wait_for_prompt(prompt)
        if text:
            self.type(text)
        self.type("Enter")

    def close(self) -> None:
        subprocess.run([TMUX or "tmux", "-S", self.socket, "kill-server"], capture_output=True, check=False)


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    db = tmp_path / "ledger.json"
    env = {**os.environ, "CLAIM_LEDGER_DB": str(db)}
    subprocess.run([installed_command(), "init", "--sample"], env=env, check=True, capture_output=True)
    return db


@pytest.fixture
def terminal(tmp_path: Path, ledger: Path):
    opened: list[Terminal] = []

    def start(args: str = "add") -> Terminal:
        env = {
            "CLAIM_LEDGER_DB": str(ledger),
            "HOME": str(tmp_path),
            "NO_COLOR": "1",
            "TERM": "xterm",
            "PATH": os.environ.get("PATH", ""),
        }
        t = Terminal(tmp_path, f"{shlex.quote(installed_command())} {args}", env)
        opened.append(t)
        return t

    yield start
    for t in opened:
        t.close()


def _claims(db: Path) -> dict[str, dict]:
    return json.loads(db.read_text(encoding="utf-8"))["claims"]


def _links(db: Path) -> list[dict]:
    return list(json.loads(db.read_text(encoding="utf-8"))["links"].values())


def test_a_claim_typed_in_question_by_question(terminal, ledger):
    before = _claims(ledger)
    t = terminal()
    t.answer("Claim:", "Ракетный удар повредил школу в Харькове")
    t.wait_for_prompt("Source (")
    t.type("kh", "Tab")  # completes to kharkiv-rma, the only id starting so
    t.wait_for("kharkiv-rma")
    t.type("Enter")
    t.answer("Date (YYYY-MM-DD)", "2024-13-01")  # no such month: explained, asked again
    t.wait_for("bad date '2024-13-01'")
    t.answer("Date (YYYY-MM-DD)", "2024-01-01")
    t.answer("Event")  # Enter: the event last used
    t.answer("Figures", "injured=5 killed>=1")
    t.answer("URL where it was seen", "https://t.me/synegubov/1")
    t.answer("Links to earlier claims", "corroborates 999")
    t.wait_for("no claim #999")
    t.answer("Links to earlier claims")
    screen = t.wait_for("Save this claim?")
    assert "Source:  kharkiv-rma (regional_administration, UA)" in screen
    assert "Figures: injured=5 killed>=1" in screen
    t.type("Enter")
    screen = t.wait_for("[exit ")
    assert "[exit 0]" in screen and "Added claim #21 (kharkiv-rma)." in screen

    after = _claims(ledger)
    assert set(after) - set(before) == {"21"}
    new = after["21"]
    newest_event = next(
        c["event"] for _, c in sorted(before.items(), key=lambda kv: -int(kv[0])) if c["event"]
    )
    assert new["text"] == "Ракетный удар повредил школу в Харькове"
    assert (new["source"], new["date"], new["event"]) == ("kharkiv-rma", "2024-01-01", newest_event)
    assert new["url"] == "https://t.me/synegubov/1"
    assert {f["metric"]: (f["low"], f["high"]) for f in new["figures"]} == {
        "injured": (5, 5),
        "killed": (1, None),
    }
    assert not [lk for lk in _links(ledger) if 21 in (lk["from"], lk["to"])]


def test_enter_accepts_todays_date_and_a_link_is_made(terminal, ledger):
    t = terminal()
    t.answer("Claim:", "A second hotel in the centre was damaged")
    t.answer("Source (", "press")
    t.answer("Date (YYYY-MM-DD)")
    t.answer("Event", "-")  # '-' leaves the event out
    t.answer("Figures")
    t.answer("URL where it was seen")
    t.answer("Links to earlier claims", "corroborates 8")
    t.answer("Save this claim?")
    assert "[exit 0]" in t.wait_for("[exit ")
    new = _claims(ledger)["21"]
    # the default is the local date when the question was asked: either side of a midnight
    assert new["date"] in {
        date.today().isoformat(),
        date.fromordinal(date.today().toordinal() - 1).isoformat(),
    }
    assert new["event"] is None
    assert {"from": 21, "relation": "corroborates", "to": 8}.items() <= _links(ledger)[-1].items()


@pytest.mark.parametrize(
    ("key", "code", "said"),
    [
        ("C-c", 130, "Error: interrupted: nothing was changed"),  # an interrupt
        ("C-d", 0, "Not saved: the ledger is as it was."),  # leaving on purpose: not an error
    ],
)
def test_leaving_midway_changes_nothing(terminal, ledger, key, code, said):
    before = ledger.read_bytes()
    t = terminal()
    t.answer("Claim:", "Something that will not be saved")
    t.answer("Source (", "press")
    t.wait_for_prompt("Date (YYYY-MM-DD)")
    t.type(key)
    screen = t.wait_for("[exit ")
    assert f"[exit {code}]" in screen and said in screen
    assert "Traceback" not in screen and ("Error" in said or "Error" not in screen)
    assert ledger.read_bytes() == before


def test_answering_no_to_save_changes_nothing(terminal, ledger):
    before = ledger.read_bytes()
    t = terminal()
    t.answer("Claim:", "Not this one")
    for prompt in ("Source (", "Date (YYYY-MM-DD)", "Event", "Figures", "URL where", "Links to earlier"):
        t.answer(prompt)
    t.answer("Save this claim?", "n")
    screen = t.wait_for("[exit ")
    assert "[exit 0]" in screen and "Not saved: the ledger is as it was." in screen
    assert "Error" not in screen
    assert ledger.read_bytes() == before


def test_a_near_duplicate_is_offered_as_a_relay(terminal, ledger):
    hotel = next(
        k for k, c in _claims(ledger).items() if c["text"] == "The former Kharkiv Palace hotel was hit"
    )
    t = terminal()
    t.answer("Claim:", "the former Kharkiv Palace hotel was hit!")
    t.answer("Source (", "press")
    screen = t.wait_for_prompt("How does it relate?")
    assert f"#{hotel} (ru-mod, identical): The former Kharkiv Palace hotel was hit" in screen
    assert "(updates)" not in screen  # an update is by the same source
    t.type("r", "Enter")
    for prompt in ("Date (YYYY-MM-DD)", "Event", "Figures", "URL where", "Links to earlier"):
        t.answer(prompt)
    screen = t.wait_for("Save this claim?")
    assert f"it repeats #{hotel}" in screen
    t.type("Enter")
    assert "[exit 0]" in t.wait_for("[exit ")
    assert {"from": 21, "relation": "repeats", "to": int(hotel)}.items() <= _links(ledger)[-1].items()


def test_a_near_duplicate_given_on_the_command_line_asks_too(terminal, ledger):
    before = ledger.read_bytes()
    t = terminal("add 'The former Kharkiv Palace hotel was hit' --source press")
    t.answer("How does it relate?")  # Enter: the default, quit
    screen = t.wait_for("[exit ")
    assert "[exit 0]" in screen and "Not saved: the ledger is as it was." in screen
    assert "Error" not in screen
    assert ledger.read_bytes() == before


def test_a_new_source_is_created_on_the_way_and_saved_with_the_claim(terminal, ledger):
    t = terminal()
    t.answer("Claim:", "Правоохоронці зафіксували три влучання")
    t.answer("Source (", "ua-police")
    t.answer("Create source ua-police?")  # Enter: yes
    t.answer("  Name", "National Police of Ukraine")
    t.answer("  Kind", "government")
    t.answer("  Party it speaks for", "UA")
    for prompt in ("Date (YYYY-MM-DD)", "Event", "Figures", "URL where", "Links to earlier"):
        t.answer(prompt)
    screen = t.wait_for("Save this claim?")
    assert "ua-police (government, UA), new: National Police of Ukraine" in screen
    t.type("Enter")
    screen = t.wait_for("[exit ")
    assert "[exit 0]" in screen and "Added source ua-police." in screen
    data = json.loads(ledger.read_bytes())
    source = next(s for s in data["sources"].values() if s["id"] == "ua-police")
    assert (source["name"], source["kind"], source["party"]) == (
        "National Police of Ukraine",
        "government",
        "UA",
    )
    assert _claims(ledger)["21"]["source"] == "ua-police"


def test_tab_completes_claim_ids_in_a_real_bash(tmp_path, ledger):
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    command = installed_command()
    env = {
        "CLAIM_LEDGER_DB": str(ledger),
        "HOME": str(tmp_path),
        "TERM": "xterm",
        "PATH": f"{Path(command).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PS1": "$ ",
    }
    t = Terminal(tmp_path, f"{bash} --norc --noprofile", env)
    try:
        t.wait_for("$ ")
        # as a user turns it on: --show-completion writes the script of the shell it runs in
        # (Typer detects it from the parent processes; a word after the flag is ignored)
        t.type('eval "$(claim-ledger --show-completion)"', "Enter")
        t.wait_for_shell_prompt()
        t.type("claim-ledger show 1", "Tab", "Tab")

        def offered(screen: str) -> set[str]:
            # Only what bash lists below the typed line counts: the tmp path
            # on the `source` line can hold digits too (pytest-190).
            below = screen.split("claim-ledger show 1", 1)[-1]
            return {w for w in below.split() if w.isdigit()}

        screen = t.wait_until(lambda shown: "19" in offered(shown), "the completion list")
        # the sample's ids starting with 1: 1 and 10-19
        assert {"1", "10", "15", "19"} <= offered(screen) and "2" not in offered(screen)
        t.type("C-c")
        t.wait_for_shell_prompt()  # the line is cleared only once bash prints a new prompt
        t.type("claim-ledger source show kh", "Tab")
        t.wait_for("claim-ledger source show kharkiv-rma")
    finally:
        t.close()


def test_a_script_captures_the_id_of_a_claim_typed_in(tmp_path, ledger):
    """``id=$(claim-ledger add)`` at a terminal: the questions still show, stdout is the id."""
    env = {"CLAIM_LEDGER_DB": str(ledger), "HOME": str(tmp_path), "TERM": "xterm", "NO_COLOR": "1"}
    command = shlex.quote(installed_command())
    t = Terminal(tmp_path, f"sh -c 'id=$({command} add); echo \"[id $id]\"'", env)
    try:
        t.answer("Claim:", "Captured by a script")
        t.answer("Source (", "press")
        for prompt in ("Date (YYYY-MM-DD)", "Event", "Figures", "URL where", "Links to earlier"):
            t.answer(prompt)
        t.answer("Save this claim?")
        screen = t.wait_for("[id ")
        assert "[id 21]" in screen
    finally:
        t.close()


ROWS = 150_000  # about 5 s here: the checking stage outlasts progress.SHOW_AFTER on a fast machine


def _many_rows(tmp_path: Path, n: int = ROWS) -> Path:
    rows = tmp_path / "rows.jsonl"
    with rows.open("w", encoding="utf-8") as out:
        for i in range(n):
            row = {"text": f"Shelling reported in district {i}", "source": "ru-mod", "date": "2024-01-01"}
            out.write(json.dumps(row) + "\n")
    return rows


def test_a_long_import_shows_its_progress_then_leaves_no_trace(terminal, ledger, tmp_path):
    t = terminal(f"import {_many_rows(tmp_path)}")
    t.wait_until(lambda s: f"Checking {ROWS:,} rows" in s and f"/{ROWS:,}" in s, "the progress bar", 60)
    final = t.wait_for("[exit 0]", timeout=180)
    assert f"Imported {ROWS} claims" in final
    assert "Checking" not in final and "━" not in final  # cleared when done


def test_ctrl_c_during_a_long_import_clears_the_bar_and_changes_nothing(terminal, ledger, tmp_path):
    before = ledger.read_bytes()
    t = terminal(f"import {_many_rows(tmp_path)}")
    t.wait_for(f"Checking {ROWS:,} rows", timeout=60)
    t.type("C-c")
    final = t.wait_for("[exit 130]", timeout=60)
    assert "Error: interrupted: nothing was changed" in final
    assert "Traceback" not in final and "━" not in final
    assert ledger.read_bytes() == before


def test_a_long_import_draws_no_progress_into_a_pipe(ledger, tmp_path):
    env = {**os.environ, "CLAIM_LEDGER_DB": str(ledger)}
    rows = _many_rows(tmp_path, 60_000)  # 2 s here: past SHOW_AFTER
    done = subprocess.run([installed_command(), "import", str(rows)], env=env, capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stderr.startswith("Imported 60000 claims") and done.stderr.count("\n") == 1
