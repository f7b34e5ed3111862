"""Rendering user text: whatever is typed or pasted is shown, never obeyed."""

from __future__ import annotations

import io
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table

from ledger.render import txt
from ledger.terminal import printable

# Rich's own styling (SGR: ESC [ … m) is the only escape sequence a table may contain.
_SGR = re.compile(r"\x1b\[[0-9;]*m")
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]"
)

hostile = st.lists(
    st.one_of(
        st.text(max_size=8),
        st.sampled_from(["\x1b", "\x07", "\x9b", "\u202e", "\u200b", "\n", "\r", "\t", "[", "]"]),
        st.sampled_from(
            [
                "[bold]",
                "[/]",
                "[link=https://x.example]",
                "\x1b]8;;https://x\x07",
                "\x1b[2J",
                "\x1b]0;title\x07",
                ":smile:",
                "Харків",
                "🏚️",
            ]
        ),
    ),
    max_size=12,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(hostile)
def test_no_user_text_reaches_the_terminal_as_a_control_sequence(text):
    out = io.StringIO()
    console = Console(
        file=out,
        force_terminal=True,
        color_system="truecolor",
        width=60,
        markup=False,
        emoji=False,
        highlight=False,
    )
    table = Table()
    table.add_column("Claim")
    table.add_row(txt(text, "bold"))
    console.print(table)
    console.print(txt(text))
    rendered = _SGR.sub("", out.getvalue())
    assert _CONTROL.search(rendered.replace("\n", "")) is None


@given(hostile)
def test_printable_keeps_safe_text_and_makes_the_rest_visible(text):
    shown = printable(text)
    assert _CONTROL.search(shown.replace("\n", "").replace("\t", "")) is None
    if _CONTROL.search(text.replace("\n", "").replace("\t", "")) is None:
        assert shown == text  # nothing to escape: shown exactly
    single = printable(text, single_line=True)
    assert "\n" not in single and "\t" not in single


def test_markup_is_text():
    assert txt("[bold]x[/] [/]").plain == "[bold]x[/] [/]"
    assert printable("a\x1b[2Jb\u202ec") == "a\\x1b[2Jb\\u202ec"
