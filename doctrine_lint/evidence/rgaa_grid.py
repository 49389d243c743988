"""Reader of the DINUM RGAA 4.1.2 audit grid (DISIC/accessibilite.numerique.gouv.fr,
`src/doc/rgaa4.1.2.modele-de-grille-d-audit.ods`), for audits not made in Ara.

The grid has one sheet per page of the sample (P01…P20), each with a header row (`Thématique`,
`Critère`, `Recommandation`, `Statut`, `Dérogation`…) and one row per criterion; an
« Échantillon » sheet (`Date`, auditor, site, the pages) and a « Synthèse » sheet whose cell under
« Pourcentage de critères respectés… » caches the rate as text ("85.7%" or « Pourcentage
indisponible : il reste N critère(s) NT. »).

Page sheets are the sheets whose header row names `Critère` and `Statut` (whatever their name).
The grid's own formulas (sheet « BaseDeCalcul ») give each criterion one status across the pages:
NC if a page says NC, else C if a page says C, else NT if a page says NT, else NA; the rate is
C ÷ (C + NC) over the criteria, and only once no NT is left on any page (the grid's own
instructions: an unused page sheet must be deleted or set to NA).
"""

from __future__ import annotations

import re

from ..errors import Msg, Problem
from ..model import Text, round_half_up
from .contract import (
    EvidencedFact,
    EvidenceError,
    EvidenceReport,
    Figure,
    Limits,
    Located,
    problem,
    register,
    sha256,
)
from .referentiels import RGAA_412_CRITERIA
from .spreadsheet import Sheet, Workbook, as_day, find_label, iter_cells, norm, read_workbook, right_of

RGAA_VERSION = "4.1.2"
# the 106 criteria of the RGAA 4.1.2, generated from ../shared/data (tools/generate_evidence_tables.py)
CRITERIA: tuple[str, ...] = RGAA_412_CRITERIA

STATUSES = ("C", "NC", "NA", "NT")
CRITERION_ID = re.compile(r"^[0-9]{1,2}\.[0-9]{1,2}$")
VERSION = re.compile(r"\bRGAA\s+(\d+(?:\.\d+){1,2})\b", re.IGNORECASE)
RATE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*%")

RATE_TITLE = Text("Taux de conformité RGAA (grille d'audit)", "RGAA conformance rate (audit grid)")
RATE_LABEL = "pourcentage de critères respectés"
DIGITS = 1


@register("rgaa-grille-ods")
def read_rgaa_grid(data: bytes, display: str, limits: Limits) -> EvidenceReport:
    book = read_workbook(data, display, limits, "ods")
    problems: list[Problem] = []
    file_at = Located(display)

    version, version_at = _version(book)
    if version is not None and version != RGAA_VERSION:
        raise EvidenceError(
            [
                problem(
                    version_at,
                    Msg(
                        f"grille du RGAA {version} : seule la grille du RGAA {RGAA_VERSION} est lue",
                        f"RGAA {version} grid: only the RGAA {RGAA_VERSION} grid is read",
                    ),
                )
            ],
            kind="evidence",
        )

    pages: dict[str, dict[str, tuple[str, Located]]] = {}  # sheet → criterion → (status, where)
    derogations: list[dict[str, str]] = []
    for sheet in book.sheets.values():
        header = _header(sheet)
        if header is None:
            continue
        hrow, crit_col, status_col, derog_col = header
        page: dict[str, tuple[str, Located]] = {}
        pages[sheet.name] = page
        reported: set[str] = set()  # criteria already in a problem are not also "missing"
        for r in sheet.rows():
            if r <= hrow:
                continue
            cell = sheet.at(r, crit_col)
            if cell is None or not CRITERION_ID.match(cell.text):
                continue
            cid = cell.text
            at = book.at(sheet.name, r, status_col)
            if cell.type == "number":
                problems.append(
                    problem(
                        book.at(sheet.name, r, crit_col),
                        Msg(
                            f"critère {cid} saisi comme un nombre ; attendu du texte",
                            f"criterion {cid} entered as a number; text expected",
                        ),
                    )
                )
                continue
            if cid not in CRITERIA:
                problems.append(
                    problem(
                        book.at(sheet.name, r, crit_col),
                        Msg(
                            f"critère {cid} inconnu du RGAA {RGAA_VERSION} (grille modifiée ?)",
                            f"criterion {cid} unknown to RGAA {RGAA_VERSION} (modified grid?)",
                        ),
                    )
                )
                continue
            if cid in page or cid in reported:
                problems.append(
                    problem(
                        book.at(sheet.name, r, crit_col),
                        Msg(f"critère {cid} en double sur la page", f"criterion {cid} twice on the page"),
                    )
                )
                continue
            raw = sheet.text(r, status_col)
            status = raw.upper()
            if status not in STATUSES:
                shown = Msg(f"« {raw} »", f'"{raw}"') if raw else Msg("vide", "empty")
                problems.append(
                    problem(
                        at,
                        Msg(
                            f"critère {cid} : statut {shown.fr} inconnu (attendu : C, NC, NA ou NT)",
                            f"criterion {cid}: unknown status {shown.en} (expected: C, NC, NA or NT)",
                        ),
                    )
                )
                reported.add(cid)
                continue
            page[cid] = (status, at)
            if derog_col is not None and sheet.text(r, derog_col).upper() == "D":
                derogations.append({"page": sheet.name, "criterion": cid})
        missing = [cid for cid in CRITERIA if cid not in page and cid not in reported]
        if missing:
            problems.append(
                problem(
                    Located(display, sheet=sheet.name),
                    Msg(
                        f"grille modifiée : {len(missing)} critère(s) du RGAA {RGAA_VERSION} absent(s) de la page "
                        f"({', '.join(missing)})",
                        f"modified grid: {len(missing)} RGAA {RGAA_VERSION} criteria missing from the page "
                        f"({', '.join(missing)})",
                    ),
                )
            )

    if not pages:
        raise EvidenceError(
            [
                problem(
                    file_at,
                    Msg(
                        "ce n'est pas une grille d'audit RGAA : aucune feuille n'a la ligne d'en-tête « Critère », "
                        "« Statut »",
                        'not an RGAA audit grid: no sheet has the header row "Critère", "Statut"',
                    ),
                )
            ],
            kind="evidence",
        )
    if problems:
        raise EvidenceError(problems, kind="evidence")
    return _report(book, data, pages, derogations, version, version_at)


def _header(sheet: Sheet) -> tuple[int, int, int, int | None] | None:
    """Row, `Critère`, `Statut` and `Dérogation` columns of a page sheet's header row."""
    by_row: dict[int, dict[str, int]] = {}
    for r, c, cell in iter_cells(sheet):
        if cell.type == "string":
            by_row.setdefault(r, {}).setdefault(norm(cell.text), c)
    for r in sorted(by_row):
        names = by_row[r]
        if "critère" in names and "statut" in names:
            return r, names["critère"], names["statut"], names.get("dérogation")
    return None


def _version(book: Workbook) -> tuple[str | None, Located]:
    for sheet in book.sheets.values():
        for r, c, cell in iter_cells(sheet):
            if r > 5:
                break
            m = VERSION.search(cell.text) if cell.type == "string" else None
            if m:
                return m.group(1), book.at(sheet.name, r, c)
    return None, Located(book.file)


def _report(
    book: Workbook,
    data: bytes,
    pages: dict[str, dict[str, tuple[str, Located]]],
    derogations: list[dict[str, str]],
    version: str | None,
    version_at: Located,
) -> EvidenceReport:
    file_at = Located(book.file)
    facts: list[EvidencedFact] = []
    info: dict[str, str] = {"grille": f"RGAA {version or '?'} (DINUM)", "pages": str(len(pages))}
    if version is not None:
        facts.append(EvidencedFact(("accessibility", "rgaa_version"), version, version_at, raw=version))
    else:
        info["version"] = "titre « RGAA x.y.z » introuvable : critères lus comme ceux du RGAA 4.1.2"

    # one status per criterion across the pages, as the grid's BaseDeCalcul does
    per_criterion: dict[str, str] = {}
    for cid in CRITERIA:
        seen = {page[cid][0] for page in pages.values()}
        per_criterion[cid] = next(s for s in ("NC", "C", "NT", "NA") if s in seen or s == "NA")
    nt_cells = sum(1 for page in pages.values() for status, _ in page.values() if status == "NT")
    compliant = sum(1 for s in per_criterion.values() if s == "C")
    not_compliant = sum(1 for s in per_criterion.values() if s == "NC")

    recomputed: float | None = None
    if nt_cells:
        info["taux"] = f"pas de taux : il reste {nt_cells} statut(s) NT sur les pages (comme la grille)"
    elif compliant + not_compliant == 0:
        info["taux"] = "pas de taux : aucun critère applicable (tout est NA)"
    else:
        recomputed = round_half_up(100 * compliant / (compliant + not_compliant), DIGITS)

    in_file, rate_at = _synthese(book)
    scope = "complet" if nt_cells == 0 else "partiel"
    facts.append(
        EvidencedFact(
            ("accessibility", "audit_scope"),
            scope,
            file_at,
            note=Text(
                f"{len(pages)} page(s), les {len(CRITERIA)} critères évalués (C, NC ou NA) sur chacune"
                if scope == "complet"
                else f"{nt_cells} statut(s) NT restant(s) sur {len(pages)} page(s) : audit inachevé",
                f"{len(pages)} page(s), all {len(CRITERIA)} criteria assessed (C, NC or NA) on each"
                if scope == "complet"
                else f"{nt_cells} NT status(es) left on {len(pages)} page(s): unfinished audit",
            ),
        )
    )
    if recomputed is not None:
        facts.append(
            EvidencedFact(
                ("accessibility", "conformance_rate"),
                recomputed,
                rate_at,
                note=Text(
                    f"recalculé : {compliant} critère(s) C ÷ ({compliant} C + {not_compliant} NC)",
                    f"recomputed: {compliant} C criteria ÷ ({compliant} C + {not_compliant} NC)",
                ),
            )
        )
    day = _audit_date(book)
    if day is not None:
        facts.append(day)

    counts = {s: sum(1 for v in per_criterion.values() if v == s) for s in ("C", "NC", "NA", "NT")}
    info["critères"] = ", ".join(f"{k} {v}" for k, v in counts.items())
    figure = Figure(
        "taux-rgaa", RATE_TITLE, in_file, recomputed, rate_at, ("accessibility", "conformance_rate"), DIGITS
    )
    return EvidenceReport(
        kind="rgaa-grille-ods",
        file=book.file,
        sha256=sha256(data),
        facts=tuple(facts),
        figures=(figure,),
        info=info,
        extra={
            "criteria": per_criterion,
            "non_compliant": [cid for cid, s in per_criterion.items() if s == "NC"],
            "derogations": derogations,
            "pages": list(pages),
        },
    )


def _synthese(book: Workbook) -> tuple[float | None, Located]:
    """The rate the grid cached under « Pourcentage de critères respectés… », if it shows one."""
    for sheet in book.sheets.values():
        for r, c, cell in iter_cells(sheet):
            if cell.type != "string" or not norm(cell.text).startswith(RATE_LABEL):
                continue
            below = sorted((rr, v) for (rr, cc), v in sheet.cells.items() if cc == c and rr > r)
            if not below:
                return None, book.at(sheet.name, r, c)
            row, value = below[0]
            at = book.at(sheet.name, row, c)
            if value.type == "number":
                number = float(value.value)
                return (number * 100 if number <= 1 else number), at
            m = RATE.match(value.text)
            return (float(m.group(1).replace(",", ".")) if m else None), at
    return None, Located(book.file)


def _audit_date(book: Workbook) -> EvidencedFact | None:
    for sheet in book.sheets.values():
        if norm(sheet.name) != "échantillon":
            continue
        pos = find_label(sheet, "Date")
        value = right_of(sheet, *pos) if pos else None
        if value is None or pos is None:
            return None
        day = as_day(value[1])
        if day is None:
            return None
        return EvidencedFact(
            ("accessibility", "audit_date"),
            day.isoformat(),
            book.at(sheet.name, pos[0], value[0]),
            raw=value[1].text,
        )
    return None
