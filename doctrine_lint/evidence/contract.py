"""The evidence readers' contract: what every reader returns, the limits it obeys, its errors and
the registry. Readers import it from here (not from the package, which loads them)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DoctrineLintError, Msg, Problem
from ..files import FileRefused, read_regular
from ..model import Text

# The evidence kinds a manifest may name (`evidence: [{kind, path}]`), with the tool behind each.
KINDS: dict[str, Text] = {
    "ara-json": Text("Ara (rapport JSON)", "Ara (JSON report)"),
    "ara-csv": Text("Ara (export CSV)", "Ara (CSV export)"),
    "mss-csv": Text(
        "MonServiceSécurisé (export CSV des mesures)", "MonServiceSécurisé (measures CSV export)"
    ),
    "rgesn-xlsx": Text("Outil de déclaration RGESN 2024 (XLSX)", "RGESN 2024 declaration workbook (XLSX)"),
    "rgesn-ods": Text("Outil de déclaration RGESN 2024 (ODS)", "RGESN 2024 declaration workbook (ODS)"),
    "rgaa-grille-ods": Text("Grille d'audit RGAA de la DINUM (ODS)", "DINUM RGAA audit grid (ODS)"),
}


@dataclass(frozen=True, slots=True)
class Limits:
    """What one evidence file may cost. Every reader checks these before and while reading."""

    max_file_bytes: int = 20 * 1024 * 1024  # the file on disk
    max_unzipped_bytes: int = 100 * 1024 * 1024  # all members of a zip (XLSX, ODS) once inflated
    max_zip_members: int = 2_000
    max_ratio: int = 200  # inflated ÷ compressed size of one zip member (zip bombs)
    max_xml_depth: int = 200
    max_rows: int = 100_000  # rows of a CSV or of one sheet
    max_cells: int = 2_000_000  # cells of a whole workbook, repeated ODS cells counted


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class Located:
    """Where something is in an evidence file, for people: a CSV row and column (by header name), a
    spreadsheet sheet and cell, or a JSON pointer. `line`/`column` (1-based, 0 when unknown) are
    what an error's file:line:column shows."""

    file: str
    line: int = 0
    column: int = 0
    sheet: str | None = None
    cell: str | None = None  # A1 reference, e.g. "E12"
    header: str | None = None  # the column's header, e.g. "Statut"
    pointer: str | None = None  # JSON pointer, e.g. "/results/12/status"

    def describe(self, lang: str = "fr") -> str:
        """« feuille « 1 Stratégie (1) », cellule E12 », « ligne 14, colonne « Statut » », « /results/3 »."""
        en = lang == "en"
        parts: list[str] = []
        if self.sheet is not None:
            parts.append(f"sheet '{self.sheet}'" if en else f"feuille « {self.sheet} »")
        if self.cell is not None:
            parts.append(f"cell {self.cell}" if en else f"cellule {self.cell}")
        elif self.line:
            parts.append(f"row {self.line}" if en else f"ligne {self.line}")
        if self.header is not None:
            parts.append(f"column '{self.header}'" if en else f"colonne « {self.header} »")
        if self.pointer is not None:
            parts.append(self.pointer)
        return ", ".join(parts) or self.file


@dataclass(frozen=True, slots=True)
class EvidencedFact:
    """One manifest fact read from an evidence file: the manifest path it fills (e.g.
    ("security", "measures", "AUTH.1")), its manifest-shaped value (an enum slug of the manifest
    schema) and where it was read. `raw` is the value as the file writes it ("Non prise en
    compte"); `note` says when the mapping loses something worth telling."""

    path: tuple[str | int, ...]
    value: Any
    at: Located
    raw: str | None = None
    note: Text | None = None


@dataclass(frozen=True, slots=True)
class Figure:
    """An official figure: as the file writes it (`in_file`, None when the file has none) and as the
    tool's own formula gives it from the file's rows (`recomputed`, None when the rows cannot give
    it, e.g. an NT left in an RGAA grid). Same unit as the manifest field it matches (`path`)."""

    name: str  # "taux-rgaa", "score-rgesn", "indice-cyber"
    title: Text
    in_file: float | None
    recomputed: float | None
    at: Located
    path: tuple[str | int, ...] | None = None  # the manifest field that declares it, if any
    digits: int = 1  # how the tool rounds it (Ara: 0, RGESN: whole percent shown, MSS: 1)


@dataclass(frozen=True, slots=True)
class EvidenceReport:
    kind: str  # a key of KINDS
    file: str  # as the manifest names it
    sha256: str
    facts: tuple[EvidencedFact, ...]
    figures: tuple[Figure, ...] = ()
    # what identifies the evidence (consultUniqueId, auditType, export date…), shown in the stamp
    info: dict[str, str] = field(default_factory=dict)
    # reader-specific data for cross-checks, e.g. MSS `tiers`: {measure id: "indispensable" | "recommandee"}
    extra: dict[str, Any] = field(default_factory=dict)


class EvidenceError(DoctrineLintError):
    """An evidence file cannot be used: unknown or older format, missing column, unknown status or
    id, limits exceeded. Every problem is located; nothing of the file is used (exit 2)."""


def problem(at: Located, message: Msg) -> Problem:
    """A located problem of an evidence file, its place spelled out for people in the message."""
    where = Msg(at.describe("fr"), at.describe("en"))
    if where.fr == at.file:
        return Problem.at(at.file, at.line, at.column, message)
    return Problem(at.file, at.line, at.column, f"{where.fr} : {message.fr}", f"{where.en}: {message.en}")


def too_large(size: int, limit: int) -> Msg:
    return Msg(
        f"fichier de preuve trop gros ({size} octets, limite {limit})",
        f"evidence file too large ({size} bytes, limit {limit})",
    )


def fail(at: Located, message: Msg) -> EvidenceError:
    return EvidenceError([problem(at, message)], kind="evidence")


def read_bytes(path: Path, display: str, limits: Limits) -> bytes:
    """The file's bytes, refused before reading unless it is a regular file within the limit
    (`files.read_regular`: a directory, pipe or device is never opened for reading)."""
    try:
        return read_regular(path, limits.max_file_bytes)
    except FileRefused as exc:
        if exc.reason == "too-large":
            message = too_large(exc.size, limits.max_file_bytes)
        elif exc.reason in ("directory", "special"):
            message = Msg(
                f"fichier de preuve refusé : {exc.message.fr}", f"evidence file refused: {exc.message.en}"
            )
        else:
            message = Msg(
                f"fichier de preuve illisible ({exc.message.fr})",
                f"evidence file unreadable ({exc.message.en})",
            )
        raise fail(Located(display), message) from None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


Reader = Callable[[bytes, str, Limits], EvidenceReport]
# kind → reader(file bytes, display name, limits); filled by the reader modules below
READERS: dict[str, Reader] = {}


def register(*kinds: str) -> Callable[[Reader], Reader]:
    def deco(fn: Reader) -> Reader:
        for kind in kinds:
            assert kind in KINDS, kind
            READERS[kind] = fn
        return fn

    return deco
