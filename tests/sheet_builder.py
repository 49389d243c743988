"""Build small XLSX and ODS workbooks for tests, from the documented formats (ECMA-376
SpreadsheetML, OpenDocument 1.2/1.3), so that the fixtures are written here, never copied.

A workbook is {sheet name: {"A1": value}} where a value is a str, an int/float, a `date`, or a
`Formula(expression, cached value)`. Merges ({sheet: ["C4:G4"]}) and drop-down lists
({sheet: [("E3:E12", ["En cours", "Validé"])]}) are optional. The ODS writer leaves gaps as
repeated empty rows and cells, as LibreOffice does, so readers meet `number-*-repeated`.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape, quoteattr

Value = str | int | float | date


@dataclass(frozen=True)
class Formula:
    expression: str
    cached: str | int | float


Cells = dict[str, "Value | Formula"]
Book = dict[str, Cells]


def _ref(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters) :]), col


def _letters(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _zip(members: dict[str, bytes | str], first: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        if first is not None:
            z.writestr(zipfile.ZipInfo(first), members[first], compress_type=zipfile.ZIP_STORED)
        for name, content in members.items():
            if name != first:
                z.writestr(name, content)
    return buf.getvalue()


# ------------------------------------------------------------------ XLSX

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def xlsx(
    book: Book,
    merges: dict[str, list[str]] | None = None,
    lists: dict[str, list[tuple[str, list[str]]]] | None = None,
    inline: bool = False,
) -> bytes:
    """An XLSX: shared strings (or inline strings), numbers, dates as serials with a date style,
    formulas with their cached value."""
    shared: list[str] = []
    index: dict[str, int] = {}
    members: dict[str, bytes | str] = {}
    sheets_xml = []
    rels = []
    for i, (name, cells) in enumerate(book.items(), 1):
        rows: dict[int, list[tuple[int, str]]] = {}
        for ref, value in cells.items():
            r, c = _ref(ref)
            rows.setdefault(r, []).append((c, _xlsx_cell(ref, value, shared, index, inline)))
        body = "".join(
            f'<row r="{r}">' + "".join(x for _, x in sorted(rows[r])) + "</row>" for r in sorted(rows)
        )
        extra = ""
        if merges and merges.get(name):
            extra += (
                "<mergeCells>" + "".join(f'<mergeCell ref="{m}"/>' for m in merges[name]) + "</mergeCells>"
            )
        if lists and lists.get(name):
            extra += "<dataValidations>"
            for sqref, values in lists[name]:
                extra += (
                    f'<dataValidation type="list" sqref="{sqref}"><formula1>'
                    + escape('"' + ",".join(values) + '"')
                    + "</formula1></dataValidation>"
                )
            extra += "</dataValidations>"
        members[f"xl/worksheets/sheet{i}.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}" '
            f'xmlns:r="{_REL}"><sheetData>{body}</sheetData>{extra}</worksheet>'
        )
        sheets_xml.append(f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>')
        rels.append(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>')
    n = len(book)
    rels.append(f'<Relationship Id="rId{n + 1}" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>')
    rels.append(f'<Relationship Id="rId{n + 2}" Type="{_REL}/styles" Target="styles.xml"/>')
    members["xl/workbook.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><workbookPr/>'
        f"<sheets>{''.join(sheets_xml)}</sheets></workbook>"
    )
    members["xl/_rels/workbook.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Relationships '
        f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{"".join(rels)}</Relationships>'
    )
    members["xl/sharedStrings.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{_MAIN}" count="{len(shared)}">'
        + "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in shared)
        + "</sst>"
    )
    # style 0: general; style 1: built-in date format 14; style 2: a custom dd/mm/yyyy
    members["xl/styles.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<styleSheet xmlns="{_MAIN}">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
        '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/></cellXfs></styleSheet>'
    )
    members["[Content_Types].xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
    )
    return _zip(members)


def _xlsx_cell(
    ref: str, value: Value | Formula, shared: list[str], index: dict[str, int], inline: bool
) -> str:
    if isinstance(value, Formula):
        cached = value.cached
        if isinstance(cached, str):
            return f'<c r="{ref}" t="str"><f>{escape(value.expression)}</f><v>{escape(cached)}</v></c>'
        return f'<c r="{ref}"><f>{escape(value.expression)}</f><v>{cached}</v></c>'
    if isinstance(value, date):
        serial = (value - date(1899, 12, 30)).days
        return f'<c r="{ref}" s="2"><v>{serial}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if inline:
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    if value not in index:
        index[value] = len(shared)
        shared.append(value)
    return f'<c r="{ref}" t="s"><v>{index[value]}</v></c>'


# ------------------------------------------------------------------ ODS

_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.3"'
)


def ods_content(body: str, validations: str = "") -> str:
    """A content.xml around `body` (the <table:table> elements)."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NS}><office:body>'
        f"{validations}<office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"
    )


def ods_zip(content: str | bytes, extra: dict[str, bytes | str] | None = None) -> bytes:
    members: dict[str, bytes | str] = {
        "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
        "content.xml": content,
        "META-INF/manifest.xml": '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
    }
    members.update(extra or {})
    return _zip(members, first="mimetype")


def ods(
    book: Book,
    merges: dict[str, list[str]] | None = None,
    lists: dict[str, list[tuple[str, list[str]]]] | None = None,
) -> bytes:
    """An ODS: gaps as repeated empty rows/cells, merges as spanned + covered cells, lists as
    content validations, trailing empty rows repeated up to the sheet's end as LibreOffice does."""
    validations: dict[tuple[str, int, int], str] = {}
    decl = ""
    for name, entries in (lists or {}).items():
        for k, (rng, values) in enumerate(entries):
            vname = f"val_{len(decl)}_{k}"
            quoted = ";".join('"' + v.replace('"', '""') + '"' for v in values)
            decl += (
                f'<table:content-validation table:name="{vname}" '
                f"table:condition={quoteattr(f'of:cell-content-is-in-list({quoted})')}/>"
            )
            first, _, last = rng.partition(":")
            r1, c1 = _ref(first)
            r2, c2 = _ref(last or first)
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    validations[(name, r, c)] = vname
    body = ""
    for name, cells in book.items():
        spans: dict[tuple[int, int], tuple[int, int]] = {}
        covered: set[tuple[int, int]] = set()
        for m in (merges or {}).get(name, []):
            first, _, last = m.partition(":")
            r1, c1 = _ref(first)
            r2, c2 = _ref(last)
            spans[(r1, c1)] = (r2 - r1 + 1, c2 - c1 + 1)
            covered |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)} - {(r1, c1)}
        grid: dict[int, dict[int, Value | Formula | None]] = {}
        for ref, value in cells.items():
            r, c = _ref(ref)
            grid.setdefault(r, {})[c] = value
        for r, c in [*spans, *covered]:
            grid.setdefault(r, {}).setdefault(c, None)
        for sheet, r, c in validations:
            if sheet == name:
                grid.setdefault(r, {}).setdefault(c, None)
        rows = ""
        last_row = 0
        for r in sorted(grid):
            if r > last_row + 1:
                rows += (
                    f'<table:table-row table:number-rows-repeated="{r - last_row - 1}">'
                    '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
                )
            row = ""
            last_col = 0
            for c in sorted(grid[r]):
                if c > last_col + 1:
                    row += f'<table:table-cell table:number-columns-repeated="{c - last_col - 1}"/>'
                attrs = ""
                if (r, c) in spans:
                    rs, cs = spans[(r, c)]
                    attrs += f' table:number-rows-spanned="{rs}" table:number-columns-spanned="{cs}"'
                if (name, r, c) in validations:
                    attrs += f' table:content-validation-name="{validations[(name, r, c)]}"'
                tag = "table:covered-table-cell" if (r, c) in covered else "table:table-cell"
                row += _ods_cell(tag, attrs, grid[r][c])
                last_col = c
            row += f'<table:table-cell table:number-columns-repeated="{1024 - last_col}"/>'
            rows += f"<table:table-row>{row}</table:table-row>"
            last_row = r
        rows += (
            f'<table:table-row table:number-rows-repeated="{1048576 - last_row}">'
            '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
        )
        body += f"<table:table table:name={quoteattr(name)}><table:table-column/>{rows}</table:table>"
    validations_xml = f"<table:content-validations>{decl}</table:content-validations>" if decl else ""
    return ods_zip(ods_content(body, validations_xml))


def _ods_cell(tag: str, attrs: str, value: Value | Formula | None) -> str:
    if value is None:
        return f"<{tag}{attrs}/>"
    formula = ""
    if isinstance(value, Formula):
        formula = f" table:formula={quoteattr('of:=' + value.expression)}"
        value = value.cached
    if isinstance(value, date):
        return (
            f'<{tag}{attrs}{formula} office:value-type="date" office:date-value="{value.isoformat()}">'
            f"<text:p>{value.strftime('%d/%m/%Y')}</text:p></{tag}>"
        )
    if isinstance(value, int | float):
        return (
            f'<{tag}{attrs}{formula} office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></{tag}>"
        )
    paragraphs = "".join(f"<text:p>{escape(p)}</text:p>" for p in value.split("\n"))
    return f'<{tag}{attrs}{formula} office:value-type="string">{paragraphs}</{tag}>'
