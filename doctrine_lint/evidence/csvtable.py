"""Bounded reading of an untrusted CSV evidence file: UTF-8 (with or without BOM), any line ending,
a header row found by column titles, every data row with the line it starts on.

The file's size is checked before decoding, rows are counted while reading (`Limits.max_rows`), and
a field longer than the `csv` module's limit (128 KiB) is refused with its line, so no file makes
the reader use more than a small multiple of its size.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import Msg
from .contract import EvidenceError, Limits, Located, fail, too_large

BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class Row:
    line: int  # the file line the row starts on (1-based; the header is usually line 1)
    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Table:
    file: str
    header: tuple[str, ...]
    header_line: int
    rows: tuple[Row, ...]
    had_bom: bool

    def column(self, title: str) -> int | None:
        """The 0-based index of the first column titled `title` (surrounding blanks ignored)."""
        for i, name in enumerate(self.header):
            if name.strip() == title:
                return i
        return None

    def at(self, row: Row | None, index: int | None) -> Located:
        """Where a cell is: its row's line, its 1-based column and header title."""
        line = row.line if row is not None else self.header_line
        if index is None:
            return Located(self.file, line)
        return Located(self.file, line, index + 1, header=self.header[index].strip())


def decode(data: bytes, display: str, limits: Limits) -> str:
    """The file's text: refused when too big or not UTF-8 (located at the first bad byte)."""
    if len(data) > limits.max_file_bytes:
        raise fail(
            Located(display),
            too_large(len(data), limits.max_file_bytes),
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise fail(
            Located(display, line, column),
            Msg(
                f"octet {data[exc.start]:#04x} invalide : le fichier doit être encodé en UTF-8",
                f"invalid byte {data[exc.start]:#04x}: the file must be UTF-8",
            ),
        ) from None


def read_table(data: bytes, display: str, limits: Limits, *, delimiter: str) -> Table:
    """Decode and split the file; the first non-blank row is the header. Blank rows are skipped."""
    text = decode(data, display, limits)
    had_bom = text.startswith(BOM)
    if had_bom:
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: tuple[str, ...] | None = None
    header_line = 0
    rows: list[Row] = []
    last = 0
    count = 0
    try:
        for record in reader:
            start, last = last + 1, reader.line_num
            count += 1  # blank rows count too: a file of empty lines is as costly as any
            if count > limits.max_rows + 1:
                raise fail(
                    Located(display, start),
                    Msg(
                        f"trop de lignes (limite {limits.max_rows}) : ce n'est pas un export de l'outil",
                        f"too many rows (limit {limits.max_rows}): not an export of the tool",
                    ),
                )
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header, header_line = tuple(record), start
                continue
            rows.append(Row(start, tuple(record)))
    except csv.Error as exc:
        raise fail(
            Located(display, last + 1), Msg(f"CSV illisible ({exc})", f"unreadable CSV ({exc})")
        ) from None
    if header is None:
        raise fail(
            Located(display),
            Msg("fichier vide : une ligne d'en-têtes est attendue", "empty file: a header row is expected"),
        )
    return Table(display, header, header_line, tuple(rows), had_bom)


def require_columns(table: Table, titles: Iterable[str], expected: Msg) -> dict[str, int]:
    """The index of each required column; one located problem per missing title."""
    found: dict[str, int] = {}
    missing: list[str] = []
    for title in titles:
        index = table.column(title)
        if index is None:
            missing.append(title)
        else:
            found[title] = index
    if missing:
        names = ", ".join(f"« {m} »" for m in missing)
        plural = "s" if len(missing) > 1 else ""
        english = ", ".join(f'"{m}"' for m in missing)
        raise fail(
            Located(table.file, table.header_line),
            Msg(
                f"colonne{plural} {names} absente{plural} de la ligne d'en-têtes ({expected.fr})",
                f"column{plural} {english} missing from the header row ({expected.en})",
            ),
        )
    return found


def cell(row: Row, index: int) -> str:
    """A row's cell, stripped; "" for a row shorter than the header."""
    return row.cells[index].strip() if index < len(row.cells) else ""


__all__ = ["EvidenceError", "Row", "Table", "cell", "decode", "read_table", "require_columns"]
