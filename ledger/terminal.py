"""Making user text inert on a terminal, without importing Rich.

Messages (confirmations and errors) use :func:`printable` directly; tables go
through :mod:`ledger.render`, which uses it too, so one rule decides what a
pasted string may do to a terminal: nothing.
"""

from __future__ import annotations

import re

# C0/C1 controls and DEL; bidi embeddings, overrides and isolates; invisible
# separators and zero-width space / word joiner / BOM. ZWJ and ZWNJ (U+200C/D)
# are left alone: scripts and emoji need them.
UNSAFE_CHARS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff"
_UNSAFE = re.compile(f"[{UNSAFE_CHARS}]")
_UNSAFE_LINE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]"
)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, single_line: bool = False) -> str:
    """``text`` with every control or invisible formatting character shown as an escape.

    Newlines and tabs survive unless ``single_line`` (for one-line messages).
    """
    pattern = _UNSAFE_LINE if single_line else _UNSAFE
    if pattern.search(text) is None:
        return text
    return pattern.sub(_visible, text)
