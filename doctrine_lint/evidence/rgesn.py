"""Reader of the RGESN 2024 declaration workbook (Arcep, mirrored by DINUM in DISIC/MiNumEco
`public/docs/2024/rgesn-mai2024/rgesn_2024_outil_declaration_ecoconception.xlsx|.ods`).

The workbook has one sheet per family (« 1 Stratégie (1) »…) with a header row (`ID`,
`Libellé du critère`, `Niveau de priorité`, `Évaluation`, `Date de l'évaluation`…) and two rows
per criterion: the criterion's row (id, priority, status) and, below it, the text published under
the criterion (the justification, merged C:G). A « Score d'avancement » sheet carries the score
(`Score global`, a fraction) and the evaluation date (`Date de l'évaluation`).

Everything is found by header or label, never by fixed position: criteria are the cells of the
`ID` column that read `^\\d\\.\\d{1,2}$`, columns are found by their header on the header row,
the score and the date by their label. The criteria, their priorities and the criteria on which
« Non applicable » is offered are compared with the RGESN 2024 as the `dtne-rgesn` pack knows it
(the weights and the always-counted set of its `score_rgesn` derivation): any difference is a
modified workbook, refused.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from ..derived import WeightedRatio, weighted_ratio
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
from .spreadsheet import Sheet, Workbook, as_day, cell_ref, find_label, norm, read_workbook, right_of

CRITERION_ID = re.compile(r"^[1-9]\.[0-9]{1,2}$")

# The workbook's status labels (its drop-down list) → the manifest's `criterionStatus` enum.
STATUSES: dict[str, str] = {
    "validé": "valide",
    "en cours": "en-cours",
    "non validé": "non-valide",
    "non applicable": "non-applicable",
    "à évaluer": "a-evaluer",
}
STATUS_LABELS = "Validé, En cours, Non validé, Non applicable, À évaluer"
# The workbook's priority labels and the weight its formulas give each (column `Dénominateur`)
PRIORITIES: dict[str, float] = {"prioritaire": 1.5, "recommandé": 1.25, "modéré": 1.0}
PRIORITY_NAMES = {1.5: "Prioritaire", 1.25: "Recommandé", 1.0: "Modéré"}

HEADER_ID = "id"
HEADER_PRIORITY = "niveau de priorité"
HEADER_STATUS = "évaluation"
HEADER_TEXT = "libellé du critère"
HEADER_DATE = "date de l'évaluation"
LABEL_SCORE = "Score global"
LABEL_DATE = "Date de l’évaluation"
LABEL_SERVICE = "Nom du service évalué"
LABEL_ENTITY = "Entité qui procède à l’évaluation"

SCORE_TITLE = Text("Score d'avancement RGESN", "RGESN progress score")


@lru_cache(maxsize=1)
def rgesn_2024() -> WeightedRatio:
    """The RGESN 2024 weights, N/A-never set and rounding, from the shipped `dtne-rgesn` pack."""
    from ..packs import load_pack
    from ..resources import shipped_packs

    path = next(p for p in shipped_packs() if p.stem == "dtne-rgesn")
    for d in load_pack(path).derivations:
        if d.name == "score_rgesn" and d.aggregate is not None:
            return d.aggregate
    raise LookupError("dtne-rgesn: derivation score_rgesn missing")  # pragma: no cover


@register("rgesn-xlsx")
def read_rgesn_xlsx(data: bytes, display: str, limits: Limits) -> EvidenceReport:
    return _read(data, display, limits, "xlsx")


@register("rgesn-ods")
def read_rgesn_ods(data: bytes, display: str, limits: Limits) -> EvidenceReport:
    return _read(data, display, limits, "ods")


class _Columns:
    def __init__(self, ids: range, priority: int, status: int, text: int | None, day: int | None) -> None:
        self.ids = ids
        self.priority = priority
        self.status = status
        self.text = text
        self.day = day


def _header(sheet: Sheet, row: int) -> _Columns | None:
    """The criterion columns when `row` is a header row (it names ID, priority and status)."""
    found: dict[str, range] = {}
    for (r, c), cell in sheet.cells.items():
        if r != row or cell.type != "string":
            continue
        key = norm(cell.text)
        rng = sheet.merged_range(r, c)
        found.setdefault(key, range(c, (rng[3] if rng else c) + 1))
    if not {HEADER_ID, HEADER_PRIORITY, HEADER_STATUS} <= found.keys():
        return None
    text = found.get(HEADER_TEXT)
    day = found.get(HEADER_DATE)
    return _Columns(
        found[HEADER_ID],
        found[HEADER_PRIORITY].start,
        found[HEADER_STATUS].start,
        text.start if text else None,
        day.start if day else None,
    )


def _read(data: bytes, display: str, limits: Limits, fmt: Literal["xlsx", "ods"]) -> EvidenceReport:
    book = read_workbook(data, display, limits, fmt)
    official = rgesn_2024()
    problems: list[Problem] = []
    facts: list[EvidencedFact] = []
    statuses: dict[str, str] = {}
    seen: dict[str, Located] = {}
    justifications: dict[str, dict[str, str]] = {}
    dates: dict[str, dict[str, str]] = {}
    header_sheets = 0

    for sheet in book.sheets.values():
        cols: _Columns | None = None
        rows = sheet.rows()
        for i, row in enumerate(rows):
            header = _header(sheet, row)
            if header is not None:
                cols = header
                header_sheets += 1
                continue
            if cols is None:
                continue
            found = _criterion_id(sheet, row, cols, book, problems)
            if found is None:
                continue
            cid, id_at = found
            if cid in seen:
                problems.append(
                    problem(
                        id_at,
                        Msg(
                            f"critère {cid} en double (déjà en {_where(seen[cid]).fr})",
                            f"criterion {cid} twice (already at {_where(seen[cid]).en})",
                        ),
                    )
                )
                continue
            seen[cid] = id_at
            if cid not in official.weights:
                problems.append(
                    problem(
                        id_at,
                        Msg(
                            f"classeur modifié : le critère {cid} n'existe pas dans le RGESN 2024",
                            f"modified workbook: criterion {cid} does not exist in RGESN 2024",
                        ),
                    )
                )
                continue
            status = _criterion(sheet, row, cid, cols, book, official, problems)
            if status is None:
                continue
            slug, raw, at, note = status
            statuses[cid] = slug
            facts.append(EvidencedFact(("ecodesign", "criteria", cid), slug, at, raw, note))
            nxt = rows[i + 1] if i + 1 < len(rows) else None
            if cols.text is not None and nxt is not None and _criterion_cell(sheet, nxt, cols) is None:
                text = sheet.text(nxt, cols.text)
                if text:
                    justifications[cid] = {"text": text, "cell": f"{sheet.name}!{cell_ref(nxt, cols.text)}"}
            if cols.day is not None:
                day_cell = sheet.at(row, cols.day)
                if day_cell is not None and day_cell.text:
                    day = as_day(day_cell)
                    dates[cid] = {
                        "value": day.isoformat() if day else day_cell.text,
                        "cell": f"{sheet.name}!{cell_ref(row, cols.day)}",
                    }

    file_at = Located(display)
    if header_sheets == 0:
        raise EvidenceError(
            [
                problem(
                    file_at,
                    Msg(
                        "ce n'est pas l'outil de déclaration RGESN 2024 : aucune feuille n'a la ligne d'en-tête "
                        "« ID », « Niveau de priorité », « Évaluation »",
                        "not the RGESN 2024 declaration tool: no sheet has the header row "
                        '"ID", "Niveau de priorité", "Évaluation"',
                    ),
                )
            ],
            kind="evidence",
        )
    missing = [cid for cid in official.weights if cid not in seen]
    if missing:
        problems.append(
            problem(
                file_at,
                Msg(
                    f"classeur modifié : {len(missing)} critère(s) du RGESN 2024 absent(s) ({', '.join(missing)})",
                    f"modified workbook: {len(missing)} RGESN 2024 criteria missing ({', '.join(missing)})",
                ),
            )
        )
    if problems:
        raise EvidenceError(problems, kind="evidence")

    facts.append(
        EvidencedFact(
            ("ecodesign", "rgesn_version"),
            "2024",
            file_at,
            note=Text(
                "déduit du classeur : ses 78 critères, leurs priorités et les critères où « Non applicable » "
                "est proposé sont ceux du RGESN 2024",
                "inferred from the workbook: its 78 criteria, their priorities and the criteria offering "
                "'Non applicable' are those of the RGESN 2024",
            ),
        )
    )
    figure, score_facts, info = _score_sheet(book, official, statuses)
    facts.extend(score_facts)
    return EvidenceReport(
        kind=f"rgesn-{fmt}",
        file=display,
        sha256=sha256(data),
        facts=tuple(facts),
        figures=(figure,),
        info=info,
        extra={"justifications": justifications, "evaluation_dates": dates},
    )


def _criterion_cell(sheet: Sheet, row: int, cols: _Columns) -> tuple[int, str] | None:
    for c in cols.ids:
        cell = sheet.at(row, c)
        if cell is not None and CRITERION_ID.match(cell.text):
            return c, cell.text
    return None


def _criterion_id(
    sheet: Sheet, row: int, cols: _Columns, book: Workbook, problems: list[Problem]
) -> tuple[str, Located] | None:
    found = _criterion_cell(sheet, row, cols)
    if found is None:
        return None
    col, cid = found
    at = book.at(sheet.name, row, col)
    cell = sheet.at(row, col)
    if cell is not None and cell.type == "number":
        problems.append(
            problem(
                at,
                Msg(
                    f"identifiant de critère saisi comme un nombre ({cid} : 1.1 ou 1.10 ?) ; attendu du texte",
                    f"criterion id entered as a number ({cid}: 1.1 or 1.10?); text expected",
                ),
            )
        )
        return None
    return cid, at


def _criterion(
    sheet: Sheet,
    row: int,
    cid: str,
    cols: _Columns,
    book: Workbook,
    official: WeightedRatio,
    problems: list[Problem],
) -> tuple[str, str, Located, Text | None] | None:
    weight = official.weights[cid]
    na_allowed = cid not in official.always_counted
    ok = True
    prio_at = book.at(sheet.name, row, cols.priority)
    prio_raw = sheet.text(row, cols.priority)
    prio = PRIORITIES.get(norm(prio_raw))
    if prio is None:
        problems.append(
            problem(
                prio_at,
                Msg(
                    f"critère {cid} : niveau de priorité « {prio_raw} » inconnu "
                    "(attendu : Prioritaire, Recommandé ou Modéré)",
                    f'criterion {cid}: unknown priority level "{prio_raw}" '
                    "(expected: Prioritaire, Recommandé or Modéré)",
                ),
            )
        )
        ok = False
    elif prio != weight:
        problems.append(
            problem(
                prio_at,
                Msg(
                    f"classeur modifié : critère {cid} de priorité « {prio_raw} », "
                    f"« {PRIORITY_NAMES[weight]} » dans le RGESN 2024",
                    f'modified workbook: criterion {cid} with priority "{prio_raw}", '
                    f'"{PRIORITY_NAMES[weight]}" in RGESN 2024',
                ),
            )
        )
        ok = False
    at = book.at(sheet.name, row, cols.status)
    choices = sheet.choices(row, cols.status)
    if choices is not None and ("non applicable" in {norm(v) for v in choices}) != na_allowed:
        offered = Msg("propose", "offers") if not na_allowed else Msg("ne propose pas", "does not offer")
        problems.append(
            problem(
                at,
                Msg(
                    f"classeur modifié : la liste de la cellule {offered.fr} « Non applicable » pour le critère {cid}, "
                    f"contrairement au RGESN 2024",
                    f'modified workbook: the cell\'s list {offered.en} "Non applicable" for criterion {cid}, '
                    f"unlike RGESN 2024",
                ),
            )
        )
        ok = False
    raw = sheet.text(row, cols.status)
    note: Text | None = None
    if not raw:
        slug = "a-evaluer"
        note = Text(
            "cellule vide : comptée « À évaluer », comme le fait le tableur",
            "empty cell: counted as 'À évaluer', as the workbook does",
        )
    else:
        found = STATUSES.get(norm(raw))
        if found is None:
            problems.append(
                problem(
                    at,
                    Msg(
                        f"critère {cid} : évaluation « {raw} » inconnue (attendu : {STATUS_LABELS})",
                        f'criterion {cid}: unknown evaluation "{raw}" (expected: {STATUS_LABELS})',
                    ),
                )
            )
            return None
        slug = found
    if slug == "non-applicable" and not na_allowed:
        problems.append(
            problem(
                at,
                Msg(
                    f"critère {cid} : « Non applicable » n'est pas admis pour ce critère dans le RGESN 2024 "
                    "(il s'applique à tous les services)",
                    f'criterion {cid}: "Non applicable" is not allowed for this criterion in RGESN 2024 '
                    "(it applies to every service)",
                ),
            )
        )
        return None
    return (slug, raw, at, note) if ok else None


def _where(at: Located) -> Msg:
    return Msg(f"feuille « {at.sheet} », cellule {at.cell}", f"sheet '{at.sheet}', cell {at.cell}")


def _score_sheet(
    book: Workbook, official: WeightedRatio, statuses: dict[str, str]
) -> tuple[Figure, list[EvidencedFact], dict[str, str]]:
    recomputed, _ = weighted_ratio(official, {"ecodesign": {"criteria": statuses}})
    facts: list[EvidencedFact] = []
    info: dict[str, str] = {"classeur": f"RGESN 2024 ({book.format.upper()})", "critères": str(len(statuses))}
    score_sheet: Sheet | None = None
    in_file: float | None = None
    at = Located(book.file)
    for sheet in book.sheets.values():
        label = find_label(sheet, LABEL_SCORE)
        if label is None:
            continue
        score_sheet = sheet
        value = right_of(sheet, *label)
        if value is None:
            info["score"] = "cellule « Score global » vide"
            break
        col, cell = value
        at = book.at(sheet.name, label[0], col)
        if cell.type != "number":
            info["score"] = f"« Score global » non numérique ({cell.text[:40]})"
            break
        in_file = round(100 * float(cell.value), 6)
        facts.append(
            EvidencedFact(
                ("ecodesign", "declared_score"), round_half_up(in_file, official.digits), at, raw=cell.text
            )
        )
        break
    else:
        info["score"] = "pas de cellule « Score global » (classeur sans score)"
    if score_sheet is not None:
        for label_text, key in ((LABEL_SERVICE, "service"), (LABEL_ENTITY, "évaluateur")):
            pos = find_label(score_sheet, label_text)
            value = right_of(score_sheet, *pos) if pos else None
            if value is not None and value[1].text:
                info[key] = value[1].text[:200]
        pos = find_label(score_sheet, LABEL_DATE)
        value = right_of(score_sheet, *pos) if pos else None
        if value is not None and pos is not None:
            day = as_day(value[1])
            if day is not None:
                facts.append(
                    EvidencedFact(
                        ("ecodesign", "declaration_date"),
                        day.isoformat(),
                        book.at(score_sheet.name, pos[0], value[0]),
                        raw=value[1].text,
                    )
                )
    figure = Figure(
        "score-rgesn",
        SCORE_TITLE,
        in_file,
        recomputed,
        at,
        ("ecodesign", "declared_score"),
        official.digits,
    )
    return figure, facts, info
