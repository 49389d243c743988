"""A small, defensive reader of spreadsheets (XLSX and ODS) with the standard library only.

It gives, per sheet, the cells that hold something, addressed by row and column (A1 references
for people), with their value as the file stores it: a string, a number, a date (ISO text), a
boolean or an error code. Formulas are not evaluated: a formula cell gives the value the tool last
cached in the file (XLSX `<v>`, ODS `office:value`). Merged ranges are kept.

The bytes are treated as hostile:
- the zip: the file size, the number of members, the total inflated size and each member's
  inflated ÷ compressed ratio are checked from the central directory, then enforced again while
  inflating (read in chunks, stopped as soon as a limit is passed: the central directory may lie);
  encrypted members, unknown compression methods and duplicated member names are refused;
- the XML: any document type declaration (`<!DOCTYPE`, hence any `<!ENTITY`) is refused before
  parsing, and the expat parser refuses them again (no DTD, no entity, no external reference);
  nesting deeper than the limit is refused;
- the cells: every stored cell counts, and a repeated ODS cell or row counts as many times as it
  is repeated, checked before it is materialised (an empty repeated cell costs nothing: real
  files repeat empty cells up to the sheet's last column and row).

Every problem raises `EvidenceError` located in the file (the zip member when it is the zip's
or the XML's fault).
"""

from __future__ import annotations

import contextlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal
from xml.parsers import expat

from ..dates import parse_date
from ..errors import Msg
from .contract import EvidenceError, Limits, Located, fail, too_large

CellType = Literal["string", "number", "date", "boolean", "error"]
CellValue = str | float | bool


@dataclass(frozen=True, slots=True)
class Cell:
    value: CellValue  # a date is an ISO text "2024-05-06"
    type: CellType = "string"

    @property
    def text(self) -> str:
        """The value as text, stripped: numbers without a useless ".0"."""
        v = self.value
        if isinstance(v, bool):
            return "VRAI" if v else "FAUX"
        if isinstance(v, float):
            return str(int(v)) if v.is_integer() else repr(v)
        return v.strip()


@dataclass(slots=True)
class Sheet:
    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)  # (row, column), 1-based
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # top, left, bottom, right
    # data-validation drop-down lists: (range, the values offered, None when not a literal list)
    validations: list[tuple[tuple[int, int, int, int], tuple[str, ...] | None]] = field(default_factory=list)

    def at(self, row: int, col: int) -> Cell | None:
        return self.cells.get((row, col))

    def get(self, ref: str) -> Cell | None:
        return self.cells.get(parse_ref(ref))

    def text(self, row: int, col: int) -> str:
        cell = self.cells.get((row, col))
        return cell.text if cell is not None else ""

    def rows(self) -> list[int]:
        """The rows holding at least one cell, in order."""
        return sorted({r for r, _ in self.cells})

    def row(self, row: int) -> dict[int, Cell]:
        return {c: cell for (r, c), cell in self.cells.items() if r == row}

    def choices(self, row: int, col: int) -> tuple[str, ...] | None:
        """The values the cell's drop-down list offers; None when it has none (or not a literal one)."""
        for (top, left, bottom, right), values in reversed(self.validations):
            if top <= row <= bottom and left <= col <= right:
                return values
        return None

    def merged_range(self, row: int, col: int) -> tuple[int, int, int, int] | None:
        """The merged range whose top-left cell is (row, col), if any."""
        for rng in self.merged:
            if rng[0] == row and rng[1] == col:
                return rng
        return None


@dataclass(slots=True)
class Workbook:
    format: Literal["xlsx", "ods"]
    file: str
    sheets: dict[str, Sheet] = field(default_factory=dict)  # in the workbook's order

    def at(self, sheet: str, row: int, col: int) -> Located:
        """Where a cell is, for messages and facts."""
        return Located(self.file, row, col, sheet=sheet, cell=cell_ref(row, col))


# ---------------------------------------------------------------- references

_REF = re.compile(r"^\$?([A-Za-z]{1,4})\$?([0-9]{1,9})$")


def column_letters(col: int) -> str:
    out = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def cell_ref(row: int, col: int) -> str:
    return f"{column_letters(col)}{row}"


def parse_ref(ref: str) -> tuple[int, int]:
    """ "C10" → (10, 3); ValueError when it is not an A1 reference."""
    m = _REF.match(ref.strip())
    if not m:
        raise ValueError(ref)
    return int(m.group(2)), column_number(m.group(1))


def _range(ref: str) -> tuple[int, int, int, int] | None:
    first, _, last = ref.partition(":")
    try:
        r1, c1 = parse_ref(first)
        r2, c2 = parse_ref(last or first)
    except ValueError:
        return None
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


# ---------------------------------------------------------------- zip

CHUNK = 64 * 1024
# A member smaller than this once inflated is never a bomb, whatever its ratio: small XML parts of
# real files (empty sheets, repeated styles) compress far beyond 200:1.
RATIO_FLOOR = 1024 * 1024


def _not_a_workbook(what: str, member: str) -> Msg:
    return Msg(
        f"ce n'est pas un classeur {what} (« {member} » absent)",
        f'not an {what} workbook ("{member}" missing)',
    )


class SafeZip:
    """A zip whose central directory was checked against the limits; members inflate under them."""

    def __init__(self, data: bytes, display: str, limits: Limits, what: str) -> None:
        self.display = display
        self.limits = limits
        self.inflated = 0
        where = Located(display)
        if len(data) > limits.max_file_bytes:
            raise fail(where, too_large(len(data), limits.max_file_bytes))
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            raise fail(
                where,
                Msg(
                    f"ce n'est pas un classeur {what} (archive zip illisible : {exc})",
                    f"not a {what} workbook (unreadable zip archive: {exc})",
                ),
            ) from None
        if len(infos) > limits.max_zip_members:
            raise fail(
                where,
                Msg(
                    f"archive de {len(infos)} fichiers, limite {limits.max_zip_members}",
                    f"archive of {len(infos)} files, limit {limits.max_zip_members}",
                ),
            )
        self.members: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            if info.filename in self.members:
                raise fail(
                    where,
                    Msg(
                        f"archive invalide : fichier « {info.filename} » présent deux fois",
                        f'invalid archive: file "{info.filename}" present twice',
                    ),
                )
            self.members[info.filename] = info
            total += info.file_size
            self._check_ratio(info, info.file_size)
        if total > limits.max_unzipped_bytes:
            raise fail(
                where,
                Msg(
                    f"archive trop grosse une fois décompressée ({total} octets annoncés, "
                    f"limite {limits.max_unzipped_bytes})",
                    f"archive too large once decompressed ({total} bytes announced, limit {limits.max_unzipped_bytes})",
                ),
            )

    def _check_ratio(self, info: zipfile.ZipInfo, size: int) -> None:
        if size > RATIO_FLOOR and size > self.limits.max_ratio * max(info.compress_size, 1):
            raise fail(
                Located(self.display),
                Msg(
                    f"« {info.filename} » : taux de compression suspect (plus de {self.limits.max_ratio} pour 1, "
                    "bombe zip ?)",
                    f'"{info.filename}": suspicious compression ratio (more than {self.limits.max_ratio} to 1, '
                    "zip bomb?)",
                ),
            )

    def has(self, name: str) -> bool:
        return name in self.members

    def read(self, name: str) -> bytes:
        """A member's bytes, inflated in chunks under the total and ratio limits."""
        where = Located(self.display)
        info = self.members.get(name)
        if info is None:
            raise fail(where, Msg(f"« {name} » absent de l'archive", f'"{name}" missing from the archive'))
        if info.flag_bits & 0x1:
            raise fail(where, Msg(f"« {name} » est chiffré", f'"{name}" is encrypted'))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise fail(
                where,
                Msg(
                    f"« {name} » : méthode de compression non prise en charge ({info.compress_type})",
                    f'"{name}": compression method not supported ({info.compress_type})',
                ),
            )
        out = bytearray()
        try:
            with self.zip.open(info) as fh:
                while chunk := fh.read(CHUNK):
                    out += chunk
                    self.inflated += len(chunk)
                    if self.inflated > self.limits.max_unzipped_bytes:
                        raise fail(
                            where,
                            Msg(
                                f"archive trop grosse une fois décompressée (plus de {self.limits.max_unzipped_bytes} "
                                f"octets en lisant « {name} »)",
                                f"archive too large once decompressed (more than {self.limits.max_unzipped_bytes} "
                                f'bytes while reading "{name}")',
                            ),
                        )
                    self._check_ratio(info, len(out))
        except EvidenceError:
            raise
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
            raise fail(
                where,
                Msg(
                    f"« {name} » illisible dans l'archive ({exc})",
                    f'"{name}" unreadable in the archive ({exc})',
                ),
            ) from None
        return bytes(out)


# ---------------------------------------------------------------- XML

_DOCTYPE = tuple(
    marker.encode(enc) for marker in ("<!DOCTYPE", "<!ENTITY") for enc in ("utf-8", "utf-16-le", "utf-16-be")
)

StartHandler = Callable[[str, dict[str, str]], None]
EndHandler = Callable[[str], None]
TextHandler = Callable[[str], None]


class _Refused(Exception):
    pass


def parse_xml(
    data: bytes,
    where: Located,
    member: str,
    limits: Limits,
    start: StartHandler,
    end: EndHandler,
    text: TextHandler | None = None,
) -> None:
    """Stream `data` through expat: names are "{namespace}local" as in ElementTree. No DTD, no
    entity (refused before and while parsing), nesting under the depth limit."""
    upper = data.upper()
    if any(marker.upper() in upper for marker in _DOCTYPE):
        raise fail(
            where,
            Msg(
                f"« {member} » : XML avec déclaration de type de document ou d'entité, refusé",
                f'"{member}": XML with a document type or entity declaration, refused',
            ),
        )
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = 0

    def refuse(*_: object) -> int:
        raise _Refused("déclaration de type de document ou d'entité")

    def on_start(name: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > limits.max_xml_depth:
            raise _Refused(f"imbrication trop profonde (plus de {limits.max_xml_depth} niveaux)")
        start(_qname(name), {_qname(k): v for k, v in attrs.items()})

    def on_end(name: str) -> None:
        nonlocal depth
        depth -= 1
        end(_qname(name))

    parser.StartElementHandler = on_start
    parser.EndElementHandler = on_end
    if text is not None:
        parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.NotationDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.SkippedEntityHandler = refuse
    try:
        parser.Parse(data, True)
    except _Refused as exc:
        raise fail(
            where, Msg(f"« {member} » : XML refusé ({exc})", f'"{member}": XML refused ({exc})')
        ) from None
    except expat.ExpatError as exc:
        raise fail(
            where,
            Msg(
                f"« {member} » : XML invalide ({expat.ErrorString(exc.code)}, ligne {exc.lineno}, "
                f"colonne {exc.offset + 1})",
                f'"{member}": invalid XML ({expat.ErrorString(exc.code)}, line {exc.lineno}, '
                f"column {exc.offset + 1})",
            ),
        ) from None


def _qname(name: str) -> str:
    return "{" + name if "}" in name else name


# ---------------------------------------------------------------- cell budget


class _Budget:
    def __init__(self, where: Located, limits: Limits) -> None:
        self.where = where
        self.limits = limits
        self.cells = 0

    def take(self, n: int, sheet: str) -> None:
        self.cells += n
        if self.cells > self.limits.max_cells:
            raise fail(
                Located(self.where.file, sheet=sheet),
                Msg(
                    f"classeur trop grand (plus de {self.limits.max_cells} cellules remplies)",
                    f"workbook too large (more than {self.limits.max_cells} filled cells)",
                ),
            )

    def row(self, row: int, sheet: str) -> None:
        if row > self.limits.max_rows:
            raise fail(
                Located(self.where.file, sheet=sheet),
                Msg(
                    f"feuille trop longue (une ligne remplie au-delà de la ligne {self.limits.max_rows})",
                    f"sheet too long (a filled row beyond row {self.limits.max_rows})",
                ),
            )


# ---------------------------------------------------------------- XLSX

_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Built-in number formats that show a date (ECMA-376 §18.8.30)
_DATE_FORMATS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})


def read_xlsx(data: bytes, display: str, limits: Limits) -> Workbook:
    z = SafeZip(data, display, limits, "XLSX")
    where = Located(display)
    if not z.has("xl/workbook.xml"):
        raise fail(where, _not_a_workbook("XLSX", "xl/workbook.xml"))
    sheets, date1904 = _xlsx_workbook(z, where, limits)
    targets = _xlsx_rels(z, where, limits)
    shared = _xlsx_shared(z, where, limits, targets)
    date_styles = _xlsx_date_styles(z, where, limits, targets)
    book = Workbook("xlsx", display)
    budget = _Budget(where, limits)
    for name, rid in sheets:
        target = targets.get(rid)
        if target is None or not z.has(target):
            raise fail(
                where,
                Msg(
                    f"feuille « {name} » introuvable dans l'archive",
                    f'sheet "{name}" not found in the archive',
                ),
            )
        book.sheets[name] = _xlsx_sheet(z, target, name, shared, date_styles, date1904, where, limits, budget)
    return book


def _xlsx_workbook(z: SafeZip, where: Located, limits: Limits) -> tuple[list[tuple[str, str]], bool]:
    sheets: list[tuple[str, str]] = []
    date1904 = False

    def start(tag: str, a: dict[str, str]) -> None:
        nonlocal date1904
        if tag == _S + "sheet":
            sheets.append((a.get("name", ""), a.get(_R + "id", "")))
        elif tag == _S + "workbookPr":
            date1904 = a.get("date1904", "0").lower() in ("1", "true")

    parse_xml(z.read("xl/workbook.xml"), where, "xl/workbook.xml", limits, start, _ignore)
    return sheets, date1904


def _xlsx_rels(z: SafeZip, where: Located, limits: Limits) -> dict[str, str]:
    """Relationship id → member name, plus "#sharedStrings" and "#styles" when present."""
    out: dict[str, str] = {}
    name = "xl/_rels/workbook.xml.rels"
    if not z.has(name):
        raise fail(where, _not_a_workbook("XLSX", name))

    def start(tag: str, a: dict[str, str]) -> None:
        if tag != _PR + "Relationship" or a.get("TargetMode") == "External":
            return
        target = a.get("Target", "")
        member = target.lstrip("/") if target.startswith("/") else _join("xl", target)
        out[a.get("Id", "")] = member
        kind = a.get("Type", "").rsplit("/", 1)[-1]
        if kind in ("sharedStrings", "styles"):
            out["#" + kind] = member

    parse_xml(z.read(name), where, name, limits, start, _ignore)
    return out


def _join(base: str, target: str) -> str:
    parts = base.split("/")
    for p in target.split("/"):
        if p == "..":
            if parts:
                parts.pop()
        elif p and p != ".":
            parts.append(p)
    return "/".join(parts)


def _xlsx_shared(z: SafeZip, where: Located, limits: Limits, targets: dict[str, str]) -> list[str]:
    name = targets.get("#sharedStrings", "xl/sharedStrings.xml")
    if not z.has(name):
        return []
    strings: list[str] = []
    buf: list[str] = []
    state = {"t": 0, "phonetic": 0}

    def start(tag: str, _: dict[str, str]) -> None:
        if tag == _S + "si":
            buf.clear()
        elif tag == _S + "t":
            state["t"] += 1
        elif tag == _S + "rPh":
            state["phonetic"] += 1

    def end(tag: str) -> None:
        if tag == _S + "si":
            strings.append("".join(buf))
            if len(strings) > limits.max_cells:
                raise fail(
                    where,
                    Msg(
                        f"« {name} » : trop de chaînes (limite {limits.max_cells})",
                        f'"{name}": too many strings (limit {limits.max_cells})',
                    ),
                )
        elif tag == _S + "t":
            state["t"] -= 1
        elif tag == _S + "rPh":
            state["phonetic"] -= 1

    def text(data: str) -> None:
        if state["t"] and not state["phonetic"]:
            buf.append(data)

    parse_xml(z.read(name), where, name, limits, start, end, text)
    return strings


def _xlsx_date_styles(z: SafeZip, where: Located, limits: Limits, targets: dict[str, str]) -> set[int]:
    """The indexes of the cell styles (`s` attribute) that show a number as a date."""
    name = targets.get("#styles", "xl/styles.xml")
    if not z.has(name):
        return set()
    custom: dict[int, str] = {}
    xf_formats: list[int] = []
    in_xfs = 0

    def start(tag: str, a: dict[str, str]) -> None:
        nonlocal in_xfs
        if tag == _S + "numFmt":
            with contextlib.suppress(ValueError):
                custom[int(a.get("numFmtId", ""))] = a.get("formatCode", "")
        elif tag == _S + "cellXfs":
            in_xfs += 1
        elif tag == _S + "xf" and in_xfs:
            try:
                xf_formats.append(int(a.get("numFmtId", "0")))
            except ValueError:
                xf_formats.append(0)

    def end(tag: str) -> None:
        nonlocal in_xfs
        if tag == _S + "cellXfs":
            in_xfs -= 1

    parse_xml(z.read(name), where, name, limits, start, end)
    return {
        i
        for i, fmt in enumerate(xf_formats)
        if fmt in _DATE_FORMATS or (fmt in custom and _is_date_format(custom[fmt]))
    }


def _is_date_format(code: str) -> bool:
    # quoted literals, [colours]/[$-locale] and escaped characters say nothing of dates
    bare = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code.split(";")[0]).lower()
    return any(ch in bare for ch in "dy") or ("m" in bare and "h" not in bare and "s" not in bare)


def _serial_date(serial: float, date1904: bool) -> str | None:
    if not 0 < serial < 2_958_466:  # up to 9999-12-31
        return None
    base = date(1904, 1, 1) if date1904 else date(1899, 12, 30)
    return (base + timedelta(days=int(serial))).isoformat()


def _xlsx_sheet(
    z: SafeZip,
    member: str,
    name: str,
    shared: list[str],
    date_styles: set[int],
    date1904: bool,
    where: Located,
    limits: Limits,
    budget: _Budget,
) -> Sheet:
    sheet = Sheet(name)
    cur = {"row": 0, "col": 0, "in_cell": 0}
    cell: dict[str, str] = {}
    buf: list[str] = []
    collect: list[str] = []  # "v", "t" (inline string text) while inside them
    inline: list[str] = []
    formula: list[str] = []
    validation: dict[str, str] = {}

    def start(tag: str, a: dict[str, str]) -> None:
        if tag == _S + "row":
            r = a.get("r")
            cur["row"] = int(r) if r and r.isdigit() else cur["row"] + 1
            cur["col"] = 0
        elif tag == _S + "c":
            cell.clear()
            cell.update(a)
            cur["in_cell"] = 1
            buf.clear()
            inline.clear()
        elif tag == _S + "v":
            collect.append("v")
            buf.clear()
        elif tag == _S + "t" and cur["in_cell"]:
            collect.append("t")
        elif tag == _S + "mergeCell":
            rng = _range(a.get("ref", ""))
            if rng is not None:
                sheet.merged.append(rng)
        elif tag == _S + "dataValidation":
            validation.clear()
            validation.update(a)
        elif tag == _S + "formula1" and validation:
            collect.append("f")
            formula.clear()

    def end(tag: str) -> None:
        if tag in (_S + "v", _S + "t", _S + "formula1"):
            if collect:
                collect.pop()
        elif tag == _S + "dataValidation":
            if validation.get("type") == "list":
                values = _literal_list("".join(formula))
                for ref in validation.get("sqref", "").split():
                    rng = _range(ref)
                    if rng is not None:
                        sheet.validations.append((rng, values))
            validation.clear()
        elif tag == _S + "c":
            ref = cell.get("r", "")
            try:
                row, col = parse_ref(ref) if ref else (cur["row"], cur["col"] + 1)
            except ValueError:
                raise fail(
                    Located(where.file, sheet=name),
                    Msg(f"référence de cellule invalide « {ref} »", f'invalid cell reference "{ref}"'),
                ) from None
            cur["col"] = col
            cur["in_cell"] = 0
            try:
                value = _xlsx_value(cell, "".join(buf), "".join(inline), shared, date_styles, date1904)
            except IndexError:
                raise fail(
                    Located(where.file, row, col, sheet=name, cell=cell_ref(row, col)),
                    Msg(
                        "chaîne partagée introuvable (index hors de « sharedStrings.xml »)",
                        'shared string not found (index outside "sharedStrings.xml")',
                    ),
                ) from None
            if value is None:
                return
            budget.take(1, name)
            budget.row(row, name)
            sheet.cells[(row, col)] = value

    def text(data: str) -> None:
        if collect:
            {"v": buf, "t": inline, "f": formula}[collect[-1]].append(data)

    parse_xml(z.read(member), where, member, limits, start, end, text)
    return sheet


def _literal_list(formula: str) -> tuple[str, ...] | None:
    """`"En cours,Validé"` → ("En cours", "Validé"); None for a reference to cells."""
    f = formula.strip()
    if len(f) < 2 or not (f.startswith('"') and f.endswith('"')):
        return None
    return tuple(v.strip() for v in f[1:-1].replace('""', '"').split(","))


def _xlsx_value(
    a: dict[str, str], v: str, inline: str, shared: list[str], date_styles: set[int], date1904: bool
) -> Cell | None:
    """The cell's value; IndexError for a shared string index the workbook lacks."""
    t = a.get("t", "n")
    if t == "inlineStr":
        return Cell(inline) if inline else None
    if not v:
        return None
    if t == "s":
        index = int(v) if v.strip().isdigit() else -1
        if not 0 <= index < len(shared):
            raise IndexError(index)
        return Cell(shared[index])
    if t in ("str", "d"):
        return Cell(v, "date") if t == "d" else Cell(v)
    if t == "b":
        return Cell(v.strip() in ("1", "true"), "boolean")
    if t == "e":
        return Cell(v, "error")
    try:
        number = float(v)
    except ValueError:
        return Cell(v)
    style = a.get("s")
    if style and style.isdigit() and int(style) in date_styles:
        iso = _serial_date(number, date1904)
        if iso is not None:
            return Cell(iso, "date")
    return Cell(number, "number")


def _ignore(*_: object) -> None:
    return None


# ---------------------------------------------------------------- ODS

_QUOTED = re.compile(r'"((?:[^"]|"")*)"')
_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_X = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def read_ods(data: bytes, display: str, limits: Limits) -> Workbook:
    z = SafeZip(data, display, limits, "ODS")
    where = Located(display)
    if z.has("mimetype"):
        mime = z.read("mimetype").decode("ascii", "replace").strip()
        if mime != "application/vnd.oasis.opendocument.spreadsheet":
            raise fail(
                where,
                Msg(
                    f"ce n'est pas un classeur ODS (type « {mime[:80]} »)",
                    f'not an ODS workbook (type "{mime[:80]}")',
                ),
            )
    if not z.has("content.xml"):
        raise fail(where, _not_a_workbook("ODS", "content.xml"))
    parser = _OdsParser(display, limits)
    parse_xml(z.read("content.xml"), where, "content.xml", limits, parser.start, parser.end, parser.text)
    return parser.book


class _OdsParser:
    def __init__(self, display: str, limits: Limits) -> None:
        self.book = Workbook("ods", display)
        self.limits = limits
        self.budget = _Budget(Located(display), limits)
        self.sheet: Sheet | None = None
        self.row = 0  # the last row used
        self.col = 0  # the last column used in the current row
        self.row_repeat = 1
        self.row_cells: list[tuple[int, Cell]] = []
        self.row_merges: list[tuple[int, int, int]] = []  # column, rows spanned, columns spanned
        self.row_checks: list[tuple[int, int, tuple[str, ...] | None]] = []  # first, last column, list
        self.lists: dict[str, tuple[str, ...] | None] = {}  # content validations by name
        self.cell: dict[str, str] | None = None
        self.paragraphs: list[list[str]] = []
        self.in_p = 0
        self.annotation = 0

    def start(self, tag: str, a: dict[str, str]) -> None:
        if tag == _T + "content-validation":
            name = a.get(_T + "name", "")
            condition = a.get(_T + "condition", "")
            if "cell-content-is-in-list" in condition:
                self.lists[name] = tuple(v.replace('""', '"') for v in _QUOTED.findall(condition))
            else:
                self.lists[name] = None
        elif tag == _T + "table":
            name = a.get(_T + "name", f"Feuille{len(self.book.sheets) + 1}")
            self.sheet = Sheet(name)
            self.book.sheets[name] = self.sheet
            self.row = 0
        elif self.sheet is None:
            return
        elif tag == _O + "annotation":
            self.annotation += 1
        elif self.annotation:
            return
        elif tag == _T + "table-row":
            self.row_repeat = _count(a.get(_T + "number-rows-repeated"))
            self.row_cells = []
            self.row_merges = []
            self.row_checks = []
            self.col = 0
        elif tag in (_T + "table-cell", _T + "covered-table-cell"):
            self.cell = a
            self.paragraphs = []
        elif tag == _X + "p" and self.cell is not None:
            self.paragraphs.append([])
            self.in_p += 1
        elif self.in_p and self.paragraphs:
            if tag == _X + "s":
                self.paragraphs[-1].append(" " * min(_count(a.get(_X + "c")), 1000))
            elif tag == _X + "tab":
                self.paragraphs[-1].append("\t")
            elif tag == _X + "line-break":
                self.paragraphs[-1].append("\n")

    def text(self, data: str) -> None:
        if self.in_p and self.paragraphs and not self.annotation:
            self.paragraphs[-1].append(data)

    def end(self, tag: str) -> None:
        if self.sheet is None:
            return
        if tag == _O + "annotation":
            self.annotation -= 1
        elif self.annotation:
            return
        elif tag == _X + "p" and self.in_p:
            self.in_p -= 1
        elif tag in (_T + "table-cell", _T + "covered-table-cell") and self.cell is not None:
            self._end_cell(self.cell, covered=tag == _T + "covered-table-cell")
            self.cell = None
        elif tag == _T + "table-row":
            self._end_row()
        elif tag == _T + "table":
            self.sheet = None

    def _end_cell(self, a: dict[str, str], covered: bool) -> None:
        assert self.sheet is not None
        repeat = _count(a.get(_T + "number-columns-repeated"))
        first = self.col + 1
        self.col += repeat
        value = None if covered else self._value(a)
        check = a.get(_T + "content-validation-name")
        if check is not None and check in self.lists:
            self.row_checks.append((first, self.col, self.lists[check]))
        if not covered:
            rows = _count(a.get(_T + "number-rows-spanned"))
            cols = _count(a.get(_T + "number-columns-spanned"))
            if rows > 1 or cols > 1:
                self.row_merges.append((first, rows, cols))
        if value is None:
            return  # empty: repeated or not, it costs nothing
        # counted before it is materialised, for this row and every repetition of it
        self.budget.take(repeat * self.row_repeat, self.sheet.name)
        for c in range(first, first + repeat):
            self.row_cells.append((c, value))

    def _value(self, a: dict[str, str]) -> Cell | None:
        kind = a.get(_O + "value-type") or a.get(
            "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}value-type"
        )
        text = "\n".join("".join(p) for p in self.paragraphs)
        if kind in ("float", "percentage", "currency"):
            try:
                return Cell(float(a.get(_O + "value", "")), "number")
            except ValueError:
                return Cell(text) if text else None
        if kind == "date":
            return Cell(a.get(_O + "date-value", text)[:10], "date")
        if kind == "boolean":
            return Cell(a.get(_O + "boolean-value", "").lower() == "true", "boolean")
        if kind == "time":
            return Cell(a.get(_O + "time-value", text))
        if kind == "string" and _O + "string-value" in a:
            return Cell(a[_O + "string-value"])
        return Cell(text) if text else None

    def _end_row(self) -> None:
        assert self.sheet is not None
        first = self.row + 1
        self.row += self.row_repeat
        for c1, c2, values in self.row_checks:  # one range for the row and its repetitions
            self.sheet.validations.append(((first, c1, self.row, c2), values))
        if not self.row_cells and not self.row_merges:
            return  # an empty row, however repeated
        if self.row_cells:
            self.budget.row(self.row, self.sheet.name)
        for r in range(first, first + self.row_repeat):
            for c, cell in self.row_cells:
                self.sheet.cells[(r, c)] = cell
            for c, rows, cols in self.row_merges:
                self.sheet.merged.append((r, c, r + rows - 1, c + cols - 1))
            if len(self.sheet.merged) > self.limits.max_cells:
                raise fail(
                    Located(self.book.file, sheet=self.sheet.name),
                    Msg("trop de cellules fusionnées", "too many merged cells"),
                )


def _count(value: str | None) -> int:
    if value is None:
        return 1
    try:
        n = int(value)
    except ValueError:
        return 1
    return max(n, 1)


def read_workbook(data: bytes, display: str, limits: Limits, fmt: Literal["xlsx", "ods"]) -> Workbook:
    return read_xlsx(data, display, limits) if fmt == "xlsx" else read_ods(data, display, limits)


def iter_cells(sheet: Sheet) -> Iterator[tuple[int, int, Cell]]:
    """The cells of a sheet, row by row, left to right."""
    for (r, c), cell in sorted(sheet.cells.items()):
        yield r, c, cell


# ---------------------------------------------------------------- helpers for readers

_SPACES = re.compile(r"\s+")


def norm(text: str) -> str:
    """A header or label as compared: NFC, typographic apostrophes and spaces made plain,
    whitespace collapsed, a trailing colon dropped, case folded ("Date de\\nl’évaluation" →
    "date de l'évaluation")."""
    t = unicodedata.normalize("NFC", text).replace("’", "'").replace("‘", "'")
    t = _SPACES.sub(" ", t.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ")).strip()
    return t.rstrip(" :").casefold()


def find_label(sheet: Sheet, label: str) -> tuple[int, int] | None:
    """The first cell (row by row) whose text is `label` once normalised."""
    want = norm(label)
    for r, c, cell in iter_cells(sheet):
        if cell.type == "string" and norm(cell.text) == want:
            return r, c
    return None


def right_of(sheet: Sheet, row: int, col: int) -> tuple[int, Cell] | None:
    """The first filled cell to the right of (row, col), past the label's merged range."""
    rng = sheet.merged_range(row, col)
    start = rng[3] + 1 if rng else col + 1
    cells = sorted((c, cell) for (r, c), cell in sheet.cells.items() if r == row and c >= start)
    return cells[0] if cells else None


_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def as_day(cell: Cell) -> date | None:
    """A date cell, or a text written 2024-05-06, 06/05/2024, 6.5.2024 or 06-05-2024."""
    text = cell.text
    if cell.type == "date" or re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return parse_date(text[:10])
    m = _DMY.match(text)
    if m:
        try:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            return None
    return None
