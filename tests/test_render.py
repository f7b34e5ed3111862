"""Rendering user text: whatever is typed or pasted is shown, never obeyed."""

from __future__ import annotations

import io
import re
import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table

from ledger.render import txt
from ledger.terminal import printable

# Rich's own styling (SGR: ESC [ … m) is the only escape sequence a table may contain.
_SGR = re.compile(r"\x1b\[[0-9;]*m")
# What writing needs, of Unicode's control and format characters (written out here, not taken
# from ledger.terminal, so that a character missing from the code is caught): ZWNJ and ZWJ,
# and the prepended concatenation marks, which are visible signs.
_WRITING_NEEDS = {0x200C, 0x200D, *range(0x600, 0x606), 0x6DD, 0x70F, 0x890, 0x891, 0x8E2, 0x110BD, 0x110CD}


def _unsafe(ch: str) -> bool:
    """Independently of the code: a control, format or line/paragraph separator character."""
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") and ord(ch) not in _WRITING_NEEDS


def _has_unsafe(text: str) -> bool:
    return any(_unsafe(ch) for ch in text)


_EVERY_UNSAFE = [chr(c) for c in range(sys.maxunicode + 1) if _unsafe(chr(c))]

hostile = st.lists(
    st.one_of(
        st.text(max_size=8),
        st.sampled_from(["\x1b", "\x07", "\x9b", "\u202e", "\u200b", "\n", "\r", "\t", "[", "]"]),
        st.sampled_from(_EVERY_UNSAFE),
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
    assert not _has_unsafe(rendered.replace("\n", ""))


@given(hostile)
def test_printable_keeps_safe_text_and_makes_the_rest_visible(text):
    shown = printable(text)
    assert not _has_unsafe(shown.replace("\n", "").replace("\t", ""))
    if not _has_unsafe(text.replace("\n", "").replace("\t", "")):
        assert shown == text  # nothing to escape: shown exactly
    single = printable(text, single_line=True)
    assert "\n" not in single and "\t" not in single


def test_markup_is_text():
    assert txt("[bold]x[/] [/]").plain == "[bold]x[/] [/]"
    assert printable("a\x1b[2Jb\u202ec") == "a\\x1b[2Jb\\u202ec"


def test_every_control_and_format_character_unicode_defines_is_made_visible():
    """All of them, not a sample: a character the code forgot fails here by name."""
    missed = [
        f"U+{ord(ch):04X} {unicodedata.name(ch, '')}"
        for ch in _EVERY_UNSAFE
        if ch not in "\n\t" and printable(ch) == ch
    ]
    assert missed == []
    assert all(not _has_unsafe(printable(ch, single_line=True)) for ch in _EVERY_UNSAFE)
    needed = [chr(c) for c in _WRITING_NEEDS]
    assert [printable(ch) for ch in needed] == needed  # what scripts and emoji need is left alone
