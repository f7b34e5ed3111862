"""Making user text inert on a terminal, without importing Rich.

Messages (confirmations and errors) use :func:`printable` directly; tables go
through :mod:`ledger.render`, which uses it too, so one rule decides what a
pasted string may do to a terminal: nothing.
"""

from __future__ import annotations

import re

# Every control (Cc), format (Cf) and line/paragraph separator (Zl, Zp) character that
# Unicode defines, but those writing needs: ZWNJ and ZWJ (U+200C/D), which scripts and
# emoji use, and the prepended concatenation marks (Arabic number signs, the Syriac
# abbreviation mark, Kaithi number signs), which are visible. Bidi controls, zero-width
# and invisible characters, the soft hyphen and the tag characters (which can hide text
# in plain sight) are all shown as escapes. tests/test_render.py checks this against
# Unicode's own categories.
UNSAFE_CHARS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u061c\u180e\u200b\u200e\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U00013430-\U00013438\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_UNSAFE = re.compile(f"[{UNSAFE_CHARS}]")
_UNSAFE_LINE = re.compile(f"[\t\n{UNSAFE_CHARS}]")  # and, on one line, tabs and line breaks


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def printable(text: str, *, single_line: bool = False) -> str:
    """``text`` with every control or invisible formatting character shown as an escape.

    Newlines and tabs survive unless ``single_line`` (for one-line messages).
    """
    pattern = _UNSAFE_LINE if single_line else _UNSAFE
    if pattern.search(text) is None:
        return text
    return pattern.sub(_visible, text)
