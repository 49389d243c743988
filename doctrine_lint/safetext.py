"""Untrusted text made harmless at the output edges: the one place that decides how a string
from a manifest or a pack (value, key, path, element name, file name, or a message that quotes
one) may reach a terminal, a CI log, a report file or a viewer.

What is neutralised: control characters (C0, DEL, C1: the ESC that starts CSI sequences, OSC 8
hyperlinks, OSC 52 clipboard writes and window titles, the single-byte CSI U+009B, the bell,
carriage returns that overwrite a line), the line separators U+2028/U+2029, and the
bidirectional controls that reorder what a reader sees (U+202A–U+202E, U+2066–U+2069, U+200E,
U+200F, U+061C: "Trojan Source"). They are shown visibly escaped, as a Python literal would
write them (`\\x1b`, `\\u202e`, `\\n`), so that a reviewer sees that something was there.

- `visible`: one line, every such character escaped (line breaks included): error lines on
  stderr, messages of CI formats. A value can never forge a second `file:line:col` line.
- `prose`: one line for human reports: a line break (and the blanks around it) reads as one
  space, as in a folded paragraph; every other such character escaped.
- `visible_lines`: a whole report, whose own layout needs its newlines (and tabs).
- `json_safe`: serialised JSON, escaped losslessly as `\\uXXXX` (json.dumps already escapes C0).

Backslashes are left alone: the escapes are for people, and the machine formats keep the exact
data (JSON decodes back to the original string).
"""

from __future__ import annotations

import re

_UNSAFE_CLASS = "\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[{_UNSAFE_CLASS}]")
_LAYOUT = re.compile(f"(?![\n\t])[{_UNSAFE_CLASS}]")
_NOT_JSON_SAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_BREAK = re.compile(r"[ \t]*(?:(?:\r\n|[\n\r\x85\u2028\u2029])[ \t]*)+")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` on one line with every control and bidirectional character escaped visibly:
    `visible("a\\x1b[2J\\nb")` → `a\\x1b[2J\\nb` (backslash, x, 1, b…)."""
    return _UNSAFE.sub(_escape, text)


def prose(text: str) -> str:
    """Like `visible`, but a line break reads as one space (multi-line justifications, folded
    descriptions): for human reports, where a literal `\\n` would only be noise."""
    if _UNSAFE.search(text) is None:  # the usual case, and the cheap one
        return text
    return visible(_BREAK.sub(" ", text))


def visible_lines(text: str) -> str:
    """A whole text report: its newlines and tabs stay, every other such character is escaped."""
    return _LAYOUT.sub(_escape, text)


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_safe(serialised: str) -> str:
    """Serialised JSON (from `json.dumps`, which escapes C0 itself) with DEL, C1, line separators
    and bidirectional controls escaped as `\\uXXXX`: the same data, no raw control on screen.
    Outside strings JSON only has ASCII, so every match is inside a string."""
    return _NOT_JSON_SAFE.sub(_json_escape, serialised)
