"""Reader of MonServiceSécurisé's measures CSV export « avec données additionnelles » (kind `mss-csv`).

The format, read in betagouv/mon-service-securise at commit cc131242e04bce97eb9e2aa53b04b9920341e257
(`src/adaptateurs/adaptateurCsv.js` `genereCsvMesures`, `donneesReferentiel.ts`):
`;`-separated, UTF-8 with a BOM, one header row of French titles, then one row per measure of the
service (`Identifiant de la mesure` `#0001`, `Type` Indispensable/Recommandée, `Catégorie`,
`Statut`…) followed by the service's own measures (« mesures spécifiques », identifier `N/A`).
Columns are found by title, never by position: the export gained columns several times.

Refused: a référentiel v1 export (no `Thématique` column, or a number the v2 référentiel does not
have: 45 v1 numbers mean other measures in v2), the export without « données additionnelles » (no
`Statut` column: it carries no status), an unknown status, type or category, a duplicate number, a
due date that is not dd/mm/yyyy. The cyber index is recomputed from the rows exactly as
`src/modeles/indiceCyber.js` does for the service's ANSSI index (`Mesures.indiceCyber()`: general
measures only, « Non prise en compte » and « À lancer » counting zero).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..errors import Msg, Problem
from ..model import Text
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
from .csvtable import Row, Table, cell, read_table, require_columns
from .referentiels import MSS_V2_BY_NUMBER

ID = "Identifiant de la mesure"
THEME = "Thématique"
TYPE = "Type"
CATEGORY = "Catégorie"
STATUS = "Statut"
DUE = "Échéance"

# `statutsMesures` of donneesReferentiel.ts → the manifest's measureStatus (and MSS's own code)
STATUSES: dict[str, tuple[str, str]] = {
    "Faite": ("faite", "fait"),
    "Partielle": ("partielle", "enCours"),
    "À lancer": ("non-faite", "aLancer"),
    "Non prise en compte": ("non-faite", "nonFait"),
}
NOT_TAKEN_NOTE = Text(
    "« Non prise en compte » dans MonServiceSécurisé : l'équipe a décidé de ne pas mettre en œuvre "
    "cette mesure ; ce n'est pas « non applicable », la mesure reste due.",
    "'Non prise en compte' in MonServiceSécurisé: the team decided not to implement this measure; "
    "it is not 'not applicable', the measure is still due.",
)
TIERS = {"Indispensable": "indispensable", "Recommandée": "recommandee"}
# `categoriesMesures` of donneesReferentiel.ts
CATEGORIES = {
    "Gouvernance": "gouvernance",
    "Protection": "protection",
    "Défense": "defense",
    "Résilience": "resilience",
}
# `indiceCyber` of donneesReferentiel.ts
COEFF_INDISPENSABLE = 0.6
COEFF_RECOMMANDEE = 0.4
COEFF_PARTIAL = 0.5
NOTE_MAX = 5
NUMBER = re.compile(r"#(\d{4})")
DUE_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")

INDEX_TITLE = Text(
    "Indice cyber MonServiceSécurisé (recalculé depuis les mesures)",
    "MonServiceSécurisé cyber index (recomputed from the measures)",
)


@dataclass(frozen=True, slots=True)
class Measure:
    """One general measure as the index needs it."""

    tier: str  # indispensable | recommandee
    category: str  # gouvernance | protection | defense | resilience
    status: str | None  # MSS's code: fait | enCours | nonFait | aLancer, None when unset


def js_to_fixed(value: float, digits: int) -> float:
    """`Number.prototype.toFixed`: rounds the double's exact decimal value half up (not Python's
    round-half-even)."""
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP))


def _category_rate(indispensables: list[Measure], recommandees: list[Measure]) -> float:
    """`tauxDeCategorie` of indiceCyber.js."""

    def fraction(measures: list[Measure]) -> float:
        done = sum(1 for m in measures if m.status == "fait")
        partial = sum(1 for m in measures if m.status == "enCours")
        return done + partial * COEFF_PARTIAL

    n_i, n_r = len(indispensables), len(recommandees)
    if n_i == 0 and n_r == 0:
        return 0.0
    if n_r == 0:
        return fraction(indispensables) / n_i
    if n_i == 0:
        return fraction(recommandees) / n_r
    return (COEFF_INDISPENSABLE + COEFF_RECOMMANDEE * (fraction(recommandees) / n_r)) * (
        fraction(indispensables) / n_i
    )


def cyber_index(measures: list[Measure]) -> float:
    """The index MSS shows (`IndiceCyber(...).indiceCyber().total`, unrounded): each category's
    rate weighted by its number of measures, out of 5; 0 for a service without measures."""
    total_weighted = 0.0
    total = 0
    for category in CATEGORIES.values():
        ind = [m for m in measures if m.category == category and m.tier == "indispensable"]
        rec = [m for m in measures if m.category == category and m.tier == "recommandee"]
        n = len(ind) + len(rec)
        total_weighted += n * _category_rate(ind, rec)
        total += n
    return NOTE_MAX * (total_weighted / total) if total else 0.0


def _columns(table: Table) -> dict[str, int]:
    if table.column(ID) is None:
        require_columns(
            table,
            [ID],
            Msg(
                "attendu : l'export CSV des mesures d'un service MonServiceSécurisé",
                "expected: the CSV export of a MonServiceSécurisé service's measures",
            ),
        )
    if table.column(THEME) is None:
        raise EvidenceError(
            [
                problem(
                    Located(table.file, table.header_line),
                    Msg(
                        f"pas de colonne « {THEME} » : export du référentiel v1 de MonServiceSécurisé, dont "
                        "les numéros de mesure désignent d'autres mesures ; exporter le service passé au "
                        "référentiel v2",
                        f'no "{THEME}" column: export of MonServiceSécurisé\'s v1 référentiel, whose '
                        "measure numbers designate other measures; export the service once moved to "
                        "référentiel v2",
                    ),
                )
            ],
            kind="evidence",
        )
    if table.column(STATUS) is None:
        raise EvidenceError(
            [
                problem(
                    Located(table.file, table.header_line),
                    Msg(
                        f"pas de colonne « {STATUS} » : cet export ne contient pas les statuts ; choisir "
                        "« Liste avec données additionnelles » dans MonServiceSécurisé",
                        f'no "{STATUS}" column: this export has no statuses; choose '
                        '"Liste avec données additionnelles" in MonServiceSécurisé',
                    ),
                )
            ],
            kind="evidence",
        )
    return require_columns(
        table,
        [ID, TYPE, CATEGORY, STATUS],
        Msg(
            "attendu : l'export « avec données additionnelles »",
            'expected: the export "avec données additionnelles"',
        ),
    )


def _check_due(table: Table, row: Row, index: int | None, problems: list[Problem]) -> None:
    if index is None:
        return
    raw = cell(row, index)
    if not raw:
        return
    match = DUE_DATE.fullmatch(raw)
    ok = False
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            date(year, month, day)
            ok = True
        except ValueError:
            ok = False
    if not ok:
        problems.append(
            problem(
                table.at(row, index),
                Msg(
                    f"échéance « {raw} » illisible (attendu : jj/mm/aaaa)",
                    f'unreadable due date "{raw}" (expected: dd/mm/yyyy)',
                ),
            )
        )


@register("mss-csv")
def read_mss_csv(data: bytes, display: str, limits: Limits) -> EvidenceReport:
    table = read_table(data, display, limits, delimiter=";")
    cols = _columns(table)
    i_id, i_type, i_cat, i_status = cols[ID], cols[TYPE], cols[CATEGORY], cols[STATUS]
    i_due = table.column(DUE)
    problems: list[Problem] = []
    facts: list[EvidencedFact] = []
    measures: list[Measure] = []
    tiers: dict[str, str] = {}
    categories: dict[str, str] = {}
    seen: dict[str, int] = {}
    specific = 0

    for row in table.rows:
        raw_id = cell(row, i_id)
        raw_type, raw_cat, raw_status = cell(row, i_type), cell(row, i_cat), cell(row, i_status)
        bad = len(problems)
        if raw_status and raw_status not in STATUSES:
            expected = ", ".join(f"« {s} »" for s in STATUSES)
            problems.append(
                problem(
                    table.at(row, i_status),
                    Msg(
                        f"statut « {raw_status} » inconnu (attendu : {expected} ou vide)",
                        f'unknown status "{raw_status}" (expected: {expected} or empty)',
                    ),
                )
            )
        if raw_cat not in CATEGORIES:
            expected = ", ".join(CATEGORIES)
            problems.append(
                problem(
                    table.at(row, i_cat),
                    Msg(
                        f"catégorie « {raw_cat} » inconnue (attendu : {expected})",
                        f'unknown category "{raw_cat}" (expected: {expected})',
                    ),
                )
            )
        _check_due(table, row, i_due, problems)
        if raw_id == "N/A":  # a measure the service added itself: not in the référentiel
            specific += 1
            continue
        match = NUMBER.fullmatch(raw_id)
        if match is None:
            problems.append(
                problem(
                    table.at(row, i_id),
                    Msg(
                        f"identifiant « {raw_id} » illisible (attendu : « #0001 » … ou « N/A »)",
                        f'unreadable id "{raw_id}" (expected: "#0001" … or "N/A")',
                    ),
                )
            )
            continue
        measure_id = MSS_V2_BY_NUMBER.get(match.group(1))
        if measure_id is None:
            problems.append(
                problem(
                    table.at(row, i_id),
                    Msg(
                        f"mesure « {raw_id} » inconnue du référentiel v2 de MonServiceSécurisé "
                        "(export d'un service resté en v1 ?)",
                        f'measure "{raw_id}" unknown to MonServiceSécurisé\'s v2 référentiel '
                        "(export of a service still on v1?)",
                    ),
                )
            )
            continue
        if measure_id in seen:
            problems.append(
                problem(
                    table.at(row, i_id),
                    Msg(
                        f"mesure « {raw_id} » ({measure_id}) déjà lue ligne {seen[measure_id]}",
                        f'measure "{raw_id}" ({measure_id}) already read at row {seen[measure_id]}',
                    ),
                )
            )
            continue
        seen[measure_id] = row.line
        if raw_type not in TIERS:
            problems.append(
                problem(
                    table.at(row, i_type),
                    Msg(
                        f"type « {raw_type} » inconnu (attendu : « Indispensable » ou « Recommandée »)",
                        f'unknown type "{raw_type}" (expected: "Indispensable" or "Recommandée")',
                    ),
                )
            )
        if len(problems) > bad:
            continue
        tier, category = TIERS[raw_type], CATEGORIES[raw_cat]
        tiers[measure_id] = tier
        categories[measure_id] = category
        code = STATUSES[raw_status][1] if raw_status else None
        measures.append(Measure(tier, category, code))
        if raw_status:
            value = STATUSES[raw_status][0]
            facts.append(
                EvidencedFact(
                    ("security", "measures", measure_id),
                    value,
                    table.at(row, i_status),
                    raw=raw_status,
                    note=NOT_TAKEN_NOTE if code == "nonFait" else None,
                )
            )

    if problems:
        raise EvidenceError(problems, kind="evidence")
    index = cyber_index(measures)
    figure = Figure(
        name="indice-cyber",
        title=INDEX_TITLE,
        in_file=None,  # the measures CSV does not carry the index (the services CSV does)
        recomputed=js_to_fixed(index, 1),
        at=Located(display, table.header_line, i_status + 1, header=STATUS),
        path=None,
        digits=1,
    )
    info: dict[str, str] = {
        "référentiel": "v2",
        "mesures": str(len(measures)),
        "mesures renseignées": str(len(facts)),
        "mesures spécifiques ignorées": str(specific),
    }
    extra: dict[str, Any] = {"tiers": tiers, "categories": categories}
    return EvidenceReport(
        kind="mss-csv",
        file=display,
        sha256=sha256(data),
        facts=tuple(facts),
        figures=(figure,),
        info=info,
        extra=extra,
    )
