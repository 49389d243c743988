"""Line and column of the keys and values of one TOML table, which `tomllib` does not give.

`tomllib` reads TOML into plain data and says where a syntax error is, but not where a valid key
or value sits. A configuration problem (a wrong type, an unknown key) must still be reported at
its `file:line:col`, like a manifest's: this module scans text that `tomllib` has already
accepted and returns the same position index as `document.load_document` (path tuple → `Span`)
for every key and value below one table (`[tool.doctrine-lint]`), wherever TOML lets it be
written — under its header, in sub-table headers, as dotted keys (`tool.doctrine-lint.lang`), in
an inline table, and for every item of an array. The table's own header (or key) is the root
`()`, so a path that is not indexed falls back to it (`Document.locate`).

The scanner assumes valid TOML: it is never the authority on syntax, only on positions.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right

from .document import PathKey, Span

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_BLANK = " \t"
# where a bare value (number, boolean, date) ends; a date-time may contain a space
_VALUE_END = frozenset(",]}#\r\n")


class _Scanner:
    def __init__(self, text: str, table: tuple[str, ...]) -> None:
        self.text = text
        self.i = 0
        self.table = table
        self.index: dict[PathKey, Span] = {}
        self.starts = [0] + [n + 1 for n, c in enumerate(text) if c == "\n"]

    # --- positions ------------------------------------------------------------------------------

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def record(self, path: tuple[str | int, ...], key_at: int, value_at: int) -> None:
        size = len(self.table)
        if tuple(path[:size]) != self.table:
            return
        inner = tuple(path[size:])
        if inner in self.index:  # an array of tables repeats its keys: the first one stays
            return
        self.index[inner] = Span(*self.position(key_at), *self.position(value_at))

    # --- lexing ---------------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> str:
        at = self.i + ahead
        return self.text[at] if at < len(self.text) else ""

    def skip_blank(self) -> None:
        while self.peek() and self.peek() in _BLANK:
            self.i += 1

    def skip_space(self) -> None:
        """Blanks, newlines and comments (inside arrays, and between statements)."""
        while True:
            c = self.peek()
            if c and c in " \t\r\n":
                self.i += 1
            elif c == "#":
                end = self.text.find("\n", self.i)
                self.i = len(self.text) if end < 0 else end
            else:
                return

    def skip_string(self) -> str:
        """Skip one string starting at `i`; return its raw text (quotes included)."""
        start, quote = self.i, self.peek()
        if self.text.startswith(quote * 3, self.i):
            end = self.i + 3
            while True:
                end = self.text.find(quote * 3, end)
                if end < 0:
                    end = len(self.text)
                    break
                if quote == '"' and _escaped(self.text, end):
                    end += 1
                    continue
                run = 0
                while end + run < len(self.text) and self.text[end + run] == quote:
                    run += 1
                end += min(run, 5)  # up to two quotes may end the content: """a""""" is 'a""'
                break
            self.i = end
            return self.text[start:end]
        end = self.i + 1
        while end < len(self.text) and self.text[end] != quote:
            end += 2 if quote == '"' and self.text[end] == "\\" else 1
        self.i = min(end + 1, len(self.text))
        return self.text[start : self.i]

    def key(self) -> list[tuple[str, int]]:
        """A (dotted) key: each part with the offset where it starts."""
        parts: list[tuple[str, int]] = []
        while True:
            self.skip_blank()
            start = self.i
            if self.peek() in ('"', "'"):
                raw = self.skip_string()
                try:
                    name = str(tomllib.loads(f"k = {raw}")["k"])
                except tomllib.TOMLDecodeError:
                    name = raw.strip("\"'")
            else:
                while self.peek() and self.peek() in _BARE:
                    self.i += 1
                name = self.text[start : self.i]
            parts.append((name, start))
            self.skip_blank()
            if self.peek() != ".":
                return parts
            self.i += 1

    # --- grammar --------------------------------------------------------------------------------

    def document(self) -> dict[PathKey, Span]:
        current: tuple[str | int, ...] = ()
        while True:
            self.skip_space()
            if not self.peek():
                return self.index
            if self.peek() == "[":
                double = self.peek(1) == "["
                self.i += 2 if double else 1
                parts = self.key()
                current = self.prefixes((), parts)
                self.i += 2 if double else 1
                continue
            self.pair(current)

    def pair(self, base: tuple[str | int, ...]) -> None:
        """One `key = value`, in a table (`base`: its path) or an inline table."""
        parts = self.key()
        self.skip_blank()
        self.i += 1  # "="
        self.skip_blank()
        self.value((*self.prefixes(base, parts[:-1]), parts[-1][0]), parts[-1][1])

    def prefixes(self, base: tuple[str | int, ...], parts: list[tuple[str, int]]) -> tuple[str | int, ...]:
        """`base` extended by the parts of a dotted key, each prefix recorded where its part is
        written (so `[tool.doctrine-lint]` and `tool.doctrine-lint.lang` both locate the table)."""
        path = base
        for name, at in parts:
            path = (*path, name)
            self.record(path, at, at)
        return path

    def value(self, path: tuple[str | int, ...], key_at: int) -> None:
        self.record(path, key_at, self.i)
        c = self.peek()
        if c in ('"', "'"):
            self.skip_string()
        elif c == "[":
            self.i += 1
            item = 0
            while True:
                self.skip_space()
                if self.peek() in ("]", ""):
                    self.i += 1
                    return
                self.value((*path, item), self.i)
                item += 1
                self.skip_space()
                if self.peek() == ",":
                    self.i += 1
        elif c == "{":
            self.i += 1
            while True:
                self.skip_blank()
                if self.peek() in ("}", ""):
                    self.i += 1
                    return
                self.pair(path)
                self.skip_blank()
                if self.peek() == ",":
                    self.i += 1
        else:
            while self.peek() and self.peek() not in _VALUE_END:
                self.i += 1


def _escaped(text: str, at: int) -> bool:
    """Whether the character at `at` is escaped by an odd run of backslashes before it."""
    run = 0
    while at - run - 1 >= 0 and text[at - run - 1] == "\\":
        run += 1
    return run % 2 == 1


def table_positions(text: str, table: tuple[str, ...]) -> dict[PathKey, Span]:
    """Positions of `table` (the root `()`: its header or key) and of every key, value and array
    item below it, for TOML text that `tomllib` accepts. A key written twice (an array of tables)
    keeps its first position."""
    return _Scanner(text, table).document()


def syntax_error_position(error: tomllib.TOMLDecodeError) -> tuple[int, int]:
    """(line, column) of a TOML syntax error (1-based; (0, 0) when unknown). Python 3.14 gives
    them as attributes; earlier versions only in the message: "… (at line 3, column 7)"."""
    line, column = getattr(error, "lineno", None), getattr(error, "colno", None)
    if isinstance(line, int) and isinstance(column, int):
        return line, column
    found = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
    if found is not None:
        return int(found.group(1)), int(found.group(2))
    return 0, 0


def syntax_error_message(error: tomllib.TOMLDecodeError) -> str:
    """The reason of a TOML syntax error without its position suffix (given as file:line:col)."""
    text = getattr(error, "msg", None) or str(error)
    return re.sub(r"\s*\((?:at line \d+, column \d+|at end of document)\)$", "", str(text))
