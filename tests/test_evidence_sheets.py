"""The spreadsheet readers: the safe XLSX/ODS reader, the RGESN 2024 workbook and the DINUM RGAA
grid. Fixtures are built here from the documented formats (tests/sheet_builder.py)."""

from __future__ import annotations

import io
import subprocess
import time
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from doctrine_lint.evidence import (
    DEFAULT_LIMITS,
    READERS,
    EvidenceError,
    EvidenceReport,
    Limits,
    read_evidence,
)
from doctrine_lint.evidence.rgaa_grid import CRITERIA, read_rgaa_grid
from doctrine_lint.evidence.rgesn import read_rgesn_ods, read_rgesn_xlsx, rgesn_2024
from doctrine_lint.evidence.spreadsheet import (
    cell_ref,
    column_number,
    parse_ref,
    read_ods,
    read_workbook,
    read_xlsx,
)
from tests.sheet_builder import Book, Formula, ods, ods_content, ods_zip, xlsx

FORMATS = ("xlsx", "ods")
BUILD = {"xlsx": xlsx, "ods": ods}
RGESN_READ = {"xlsx": read_rgesn_xlsx, "ods": read_rgesn_ods}
MIRRORS = Path("/work/.mirror")


def _errors(fn: Callable[[], object]) -> list[str]:
    with pytest.raises(EvidenceError) as info:
        fn()
    return [str(p) for p in info.value.problems]


# ================================================================== the RGESN 2024 workbook

LABELS = {1.5: "Prioritaire", 1.25: "Recommandé", 1.0: "Modéré"}
OFFERED = ["En cours", "Validé", "Non validé", "À évaluer"]
OFFERED_NA = ["En cours", "Validé", "Non validé", "Non applicable", "À évaluer"]
SCORE_SHEET = "Score d'avancement"
HEADERS = {"id": "ID", "text": "Libellé du critère", "prio": "Niveau de\npriorité", "status": "Évaluation",
           "day": "Date de\nl’évaluation", "next": "Évolutions\npotentielles"}  # fmt: skip


def rgesn_book(
    statuses: dict[str, str] | None = None,
    *,
    order: tuple[str, ...] = ("id", "text", "prio", "status", "day", "next"),
    header_row: int = 2,
    gap: int = 0,
    priorities: dict[str, str] | None = None,
    drop: tuple[str, ...] = (),
    add: dict[str, str] | None = None,
    na_offered: dict[str, bool] | None = None,
    score: float | str | None = "auto",
    date_cell: object = "[date de réalisation]",
    justifications: dict[str, str] | None = None,
) -> tuple[Book, dict[str, list[str]], dict[str, list[tuple[str, list[str]]]], dict[str, str]]:
    """A workbook shaped like Arcep's: the score sheet and one sheet per family, header row 2
    (`ID` merged over A:B), two rows per criterion; returns the book, merges, lists and where each
    criterion's status cell is."""
    official = rgesn_2024()
    statuses = statuses or {}
    book: Book = {}
    merges: dict[str, list[str]] = {}
    lists: dict[str, list[tuple[str, list[str]]]] = {}
    where: dict[str, str] = {}
    ids = [cid for cid in official.weights if cid not in drop] + list(add or {})
    families: dict[str, list[str]] = {}
    for cid in ids:
        families.setdefault(cid.split(".")[0], []).append(cid)
    earned = possible = 0.0
    for cid in ids:
        w = official.weights.get(cid, 1.0)
        st = statuses.get(cid, "À évaluer")
        if st != "Non applicable":
            possible += w
        if st == "Validé":
            earned += w
    names = {"1": "1 Stratégie (1)", "2": "2 Spécifications (1)", "3": "3 Architecture", "4": "4 UX UI (1)",
             "5": "5 Contenus", "6": "6 Frontend", "7": "7 Backend", "8": "8 Hébergement (1)", "9": "9 Algorithmie"}  # fmt: skip
    for fam, cids in families.items():
        name = names[fam]
        # columns: "id" takes two (A:B, the id in B), the others one each, in `order`
        col: dict[str, int] = {}
        c = 1
        for key in order:
            col[key] = c + 1 if key == "id" else c
            c += 2 if key == "id" else 1
        id_header = col["id"] - 1
        cells: dict[str, object] = {"A1": "Le contenu de ces colonnes est utilisé pour générer le PDF"}
        for key in order:
            cells[cell_ref(header_row, id_header if key == "id" else col[key])] = HEADERS[key]
        sheet_merges = [f"{cell_ref(header_row, id_header)}:{cell_ref(header_row, col['id'])}"]
        sheet_lists: list[tuple[str, list[str]]] = []
        row = header_row + 1
        for cid in cids:
            w = official.weights.get(cid, 1.0)
            cells[cell_ref(row, col["id"])] = cid
            cells[cell_ref(row, col["text"])] = f"Libellé du critère {cid} ?"
            cells[cell_ref(row, col["prio"])] = (priorities or {}).get(cid, LABELS[w])
            st = statuses.get(cid, "À évaluer")
            if st:
                cells[cell_ref(row, col["status"])] = st
            where[cid] = f"{name}!{cell_ref(row, col['status'])}"
            allowed = cid not in official.always_counted
            if na_offered is not None and cid in na_offered:
                allowed = na_offered[cid]
            sheet_lists.append((cell_ref(row, col["status"]), OFFERED_NA if allowed else OFFERED))
            text = (justifications or {}).get(cid)
            if text:
                cells[cell_ref(row + 1, col["text"])] = text
            sheet_merges.append(f"{cell_ref(row + 1, col['text'])}:{cell_ref(row + 1, col['text'] + 4)}")
            row += 2 + gap
            if gap:
                cells[cell_ref(row - 1, col["next"])] = "une note insérée par l'utilisateur"
        book[name] = cells  # type: ignore[assignment]
        merges[name] = sheet_merges
        lists[name] = sheet_lists
    score_cells: dict[str, object] = {
        "B5": "Nom du service évalué",
        "C5": "Service d'essai",
        "B7": "Entité qui procède à l’évaluation",
        "C7": "Éditeur",
        "B10": "Score global",
        "B11": "Date de l’évaluation",
        "E10": "Score total",
        "F10": "Dénominateur total",
        "E11": earned,
        "F11": possible,
    }
    if score == "auto":
        score_cells["C10"] = Formula("E11/F11", earned / possible)
    elif score is not None:
        score_cells["C10"] = score
    else:
        del score_cells["B10"]
    if date_cell is not None:
        score_cells["C11"] = date_cell
    book = {SCORE_SHEET: score_cells, **book}  # type: ignore[dict-item]
    return book, merges, lists, where


def read_rgesn(fmt: str, **kw: object) -> EvidenceReport:
    book, merges, lists, _ = rgesn_book(**kw)  # type: ignore[arg-type]
    return RGESN_READ[fmt](BUILD[fmt](book, merges, lists), f"preuves/rgesn.{fmt}", DEFAULT_LIMITS)


def rgesn_errors(fmt: str, **kw: object) -> list[str]:
    return _errors(lambda: read_rgesn(fmt, **kw))


def test_official_rgesn_data_is_what_the_fixtures_assume() -> None:
    official = rgesn_2024()
    assert len(official.weights) == 78
    counts = {w: sum(1 for v in official.weights.values() if v == w) for w in (1.5, 1.25, 1.0)}
    assert counts == {1.5: 30, 1.25: 29, 1.0: 19}
    assert sum(official.weights.values()) == pytest.approx(100.25)
    assert len(official.always_counted) == 18 and {"1.1", "4.7", "9.1"} <= official.always_counted


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("raw", "slug"),
    [("Validé", "valide"), ("En cours", "en-cours"), ("Non validé", "non-valide"),
     ("Non applicable", "non-applicable"), ("À évaluer", "a-evaluer"), (" validé ", "valide"),
     ("NON VALIDÉ", "non-valide")],
)  # fmt: skip
def test_every_status_maps_to_the_manifest_enum(fmt: str, raw: str, slug: str) -> None:
    # 1.7 is a criterion on which « Non applicable » is offered
    report = read_rgesn(fmt, statuses={"1.7": raw})
    fact = next(f for f in report.facts if f.path == ("ecodesign", "criteria", "1.7"))
    assert (fact.value, fact.raw) == (slug, raw.strip())
    assert (fact.at.sheet, fact.at.cell, fact.at.line, fact.at.column) == ("1 Stratégie (1)", "E15", 15, 5)


@pytest.mark.parametrize("fmt", FORMATS)
def test_rgesn_facts_figure_and_worked_example(fmt: str) -> None:
    # Validé: 1.1 (Prioritaire 1.5) and 1.3 (Recommandé 1.25); Non applicable: 1.7 (Modéré 1);
    # every other criterion « À évaluer ». Score = 100 × 2.75 ÷ (100.25 − 1) = 2.7708… → 2.8
    statuses = {"1.1": "Validé", "1.3": "Validé", "1.7": "Non applicable", "2.4": "En cours"}
    report = read_rgesn(fmt, statuses=statuses, date_cell="06/05/2024")
    assert (
        report.kind == f"rgesn-{fmt}" and report.file == f"preuves/rgesn.{fmt}" and len(report.sha256) == 64
    )
    criteria = {f.path[2]: f.value for f in report.facts if f.path[:2] == ("ecodesign", "criteria")}
    assert len(criteria) == 78
    assert (criteria["1.1"], criteria["1.7"], criteria["2.4"], criteria["9.7"]) == (
        "valide", "non-applicable", "en-cours", "a-evaluer")  # fmt: skip
    others = {f.path: f for f in report.facts if f.path[:2] != ("ecodesign", "criteria")}
    assert others[("ecodesign", "rgesn_version")].value == "2024"
    score = others[("ecodesign", "declared_score")]
    assert score.value == 2.8 and (score.at.sheet, score.at.cell) == (SCORE_SHEET, "C10")
    day = others[("ecodesign", "declaration_date")]
    assert (day.value, day.raw, day.at.cell) == ("2024-05-06", "06/05/2024", "C11")
    (figure,) = report.figures
    assert figure.name == "score-rgesn" and figure.path == ("ecodesign", "declared_score")
    assert figure.recomputed == 2.8 and figure.in_file == pytest.approx(100 * 2.75 / 99.25, abs=1e-6)
    assert figure.digits == 1 and figure.at.cell == "C10"
    assert report.info["service"] == "Service d'essai" and report.info["évaluateur"] == "Éditeur"


@pytest.mark.parametrize("fmt", FORMATS)
def test_rgesn_score_cached_in_the_file_may_differ_from_the_statuses(fmt: str) -> None:
    # a workbook whose cached score was not recalculated: both figures are reported, the lead compares
    report = read_rgesn(fmt, statuses={"1.1": "Validé"}, score=0.5)
    (figure,) = report.figures
    assert figure.in_file == 50.0 and figure.recomputed == round(100 * 1.5 / 100.25, 1) == 1.5


@pytest.mark.parametrize("fmt", FORMATS)
def test_rgesn_all_validated_and_all_not_applicable(fmt: str) -> None:
    official = rgesn_2024()
    everything = {cid: "Validé" for cid in official.weights}
    assert read_rgesn(fmt, statuses=everything).figures[0].recomputed == 100.0
    na = {
        cid: ("Non applicable" if cid not in official.always_counted else "Non validé")
        for cid in official.weights
    }
    assert read_rgesn(fmt, statuses=na).figures[0].recomputed == 0.0


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("cell", "expected"),
    [("2024-05-06", "2024-05-06"), ("6/5/2024", "2024-05-06"), ("06.05.2024", "2024-05-06"),
     (date(2024, 5, 6), "2024-05-06"), ("[date de réalisation]", None), ("31/02/2024", None), (None, None)],
)  # fmt: skip
def test_rgesn_declaration_date(fmt: str, cell: object, expected: str | None) -> None:
    report = read_rgesn(fmt, date_cell=cell)
    dates = [f.value for f in report.facts if f.path == ("ecodesign", "declaration_date")]
    assert dates == ([expected] if expected else [])


@pytest.mark.parametrize("fmt", FORMATS)
def test_rgesn_without_a_score_cell(fmt: str) -> None:
    report = read_rgesn(fmt, score=None, statuses={"1.1": "Validé"})
    assert not [f for f in report.facts if f.path == ("ecodesign", "declared_score")]
    assert report.figures[0].in_file is None and report.figures[0].recomputed == 1.5
    assert "sans score" in report.info["score"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "order",
    [("status", "prio", "id", "text", "day", "next"), ("text", "next", "day", "status", "id", "prio")],
)
def test_rgesn_columns_found_by_header_in_any_order(fmt: str, order: tuple[str, ...]) -> None:
    book, merges, lists, where = rgesn_book({"4.10": "Validé"}, order=order)
    report = RGESN_READ[fmt](BUILD[fmt](book, merges, lists), "w", DEFAULT_LIMITS)
    fact = next(f for f in report.facts if f.path == ("ecodesign", "criteria", "4.10"))
    assert fact.value == "valide" and f"{fact.at.sheet}!{fact.at.cell}" == where["4.10"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_rgesn_inserted_rows_and_moved_header(fmt: str) -> None:
    book, merges, lists, where = rgesn_book(
        {"5.3": "Non validé"}, header_row=5, gap=2, justifications={"5.3": "Parce que."}
    )
    report = RGESN_READ[fmt](BUILD[fmt](book, merges, lists), "w", DEFAULT_LIMITS)
    fact = next(f for f in report.facts if f.path == ("ecodesign", "criteria", "5.3"))
    assert fact.value == "non-valide" and f"{fact.at.sheet}!{fact.at.cell}" == where["5.3"]
    assert where["5.3"] == "5 Contenus!E14"  # header row 5, then 4 rows per criterion
    assert report.extra["justifications"]["5.3"] == {"text": "Parce que.", "cell": "5 Contenus!C15"}
    assert "5.4" not in report.extra["justifications"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_rgesn_empty_status_counts_as_to_assess(fmt: str) -> None:
    report = read_rgesn(fmt, statuses={"2.2": ""})
    fact = next(f for f in report.facts if f.path == ("ecodesign", "criteria", "2.2"))
    assert fact.value == "a-evaluer" and fact.note is not None and "vide" in fact.note.fr


@pytest.mark.parametrize("fmt", FORMATS)
def test_rgesn_unknown_status_lists_the_allowed_ones(fmt: str) -> None:
    (msg,) = rgesn_errors(fmt, statuses={"3.2": "Conforme"})
    assert msg.startswith(f"preuves/rgesn.{fmt}:5:5: feuille « 3 Architecture », cellule E5 : ")
    assert "critère 3.2 : évaluation « Conforme » inconnue" in msg
    assert "Validé, En cours, Non validé, Non applicable, À évaluer" in msg


@pytest.mark.parametrize("fmt", FORMATS)
def test_rgesn_not_applicable_where_the_rgesn_forbids_it(fmt: str) -> None:
    (msg,) = rgesn_errors(fmt, statuses={"1.1": "Non applicable"}, na_offered={"1.1": False})
    assert "cellule E3" in msg and "critère 1.1 : « Non applicable » n'est pas admis" in msg


@pytest.mark.parametrize("fmt", FORMATS)
def test_rgesn_modified_workbooks(fmt: str) -> None:
    # a priority changed
    (msg,) = rgesn_errors(fmt, priorities={"1.7": "Prioritaire"})
    assert "cellule D15" in msg and "classeur modifié : critère 1.7 de priorité « Prioritaire »" in msg
    assert "« Modéré » dans le RGESN 2024" in msg
    # « Non applicable » offered where the RGESN never allows it, and withheld where it does
    msgs = rgesn_errors(fmt, na_offered={"1.1": True, "1.7": False})
    assert len(msgs) == 2
    assert "cellule E3" in msgs[0] and "propose « Non applicable » pour le critère 1.1" in msgs[0]
    assert "cellule E15" in msgs[1] and "ne propose pas « Non applicable » pour le critère 1.7" in msgs[1]
    # a criterion that is not in the RGESN 2024
    (msg,) = rgesn_errors(fmt, add={"1.11": "Validé"})
    assert "cellule B23" in msg and "le critère 1.11 n'existe pas dans le RGESN 2024" in msg
    # an unknown priority label
    (msg,) = rgesn_errors(fmt, priorities={"2.1": "Haute"})
    assert "niveau de priorité « Haute » inconnu" in msg


@pytest.mark.parametrize("fmt", FORMATS)
def test_rgesn_missing_and_duplicated_criteria(fmt: str) -> None:
    (msg,) = rgesn_errors(fmt, drop=("4.2", "9.7"))
    assert msg == f"preuves/rgesn.{fmt}: classeur modifié : 2 critère(s) du RGESN 2024 absent(s) (4.2, 9.7)"
    book, merges, lists, _ = rgesn_book()
    book["1 Stratégie (1)"]["B5"] = "1.1"  # 1.2's id typed over with 1.1
    msgs = _errors(lambda: RGESN_READ[fmt](BUILD[fmt](book, merges, lists), "d", DEFAULT_LIMITS))
    assert "cellule B5 : critère 1.1 en double (déjà en feuille « 1 Stratégie (1) », cellule B3)" in msgs[0]
    assert msgs[1] == "d: classeur modifié : 1 critère(s) du RGESN 2024 absent(s) (1.2)"


def test_rgesn_id_typed_as_a_number_is_refused() -> None:
    book, merges, lists, _ = rgesn_book()
    book["1 Stratégie (1)"]["B21"] = 1.1  # 1.10, which Excel would turn into 1.1
    msgs = _errors(lambda: read_rgesn_xlsx(xlsx(book, merges, lists), "n.xlsx", DEFAULT_LIMITS))
    assert "cellule B21 : identifiant de critère saisi comme un nombre" in msgs[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_not_an_rgesn_workbook(fmt: str) -> None:
    data = BUILD[fmt]({"Feuil1": {"A1": "Nom", "B1": "Valeur"}})
    (msg,) = _errors(lambda: RGESN_READ[fmt](data, "autre", DEFAULT_LIMITS))
    assert "ce n'est pas l'outil de déclaration RGESN 2024" in msg


def test_rgesn_inline_strings_read_like_shared_ones() -> None:
    book, merges, lists, _ = rgesn_book({"6.1": "Validé"})
    report = read_rgesn_xlsx(xlsx(book, merges, lists, inline=True), "i.xlsx", DEFAULT_LIMITS)
    assert next(f.value for f in report.facts if f.path == ("ecodesign", "criteria", "6.1")) == "valide"


def _mirror_file(repo: str, path: str) -> bytes | None:
    git = MIRRORS / repo / "repo"
    if not git.is_dir():
        return None
    out = subprocess.run(["git", "-C", str(git), "show", f"HEAD:{path}"], capture_output=True, check=False)
    return out.stdout if out.returncode == 0 else None


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_real_arcep_workbook_when_available(fmt: str) -> None:
    data = _mirror_file(
        "DISIC+MiNumEco", f"public/docs/2024/rgesn-mai2024/rgesn_2024_outil_declaration_ecoconception.{fmt}"
    )
    if data is None:
        pytest.skip("DISIC/MiNumEco not mirrored here")
    report = RGESN_READ[fmt](data, f"rgesn.{fmt}", DEFAULT_LIMITS)
    criteria = [f for f in report.facts if f.path[:2] == ("ecodesign", "criteria")]
    assert len(criteria) == 78 and {f.value for f in criteria} == {"a-evaluer"}
    assert criteria[0].at.cell == "E3" and criteria[0].at.sheet == "1 Stratégie (1)"
    assert report.figures[0].in_file == 0.0 and report.figures[0].recomputed == 0.0
    assert report.figures[0].at.cell == "C10"
    assert not [f for f in report.facts if f.path == ("ecodesign", "declaration_date")]


# ================================================================== the DINUM RGAA grid

GRID_HEADERS = ("Thématique", "Critère", "Recommandation", "Statut", "Dérogation", "Modifications à apporter")


def grid_book(
    pages: dict[str, dict[str, str]],
    *,
    default: str = "NA",
    order: tuple[int, ...] = (0, 1, 2, 3, 4, 5),
    title: str = "RGAA 4.1.2 – GRILLE D'ÉVALUATION",
    synthese: str | None = None,
    audit_date: object = "jj/mm/aaaa",
    drop: dict[str, tuple[str, ...]] | None = None,
    derogations: dict[str, tuple[str, ...]] | None = None,
) -> Book:
    book: Book = {
        "Échantillon": {"A1": title, "A3": "Date", "A4": "Auditeur ou auditrice", "B4": "Prénom Nom",
                        "A6": "Site :", "B6": "Nom du site", "A8": "N° page", "B8": "Titre de la page"},
    }  # fmt: skip
    if audit_date is not None:
        book["Échantillon"]["B3"] = audit_date  # type: ignore[assignment]
    book["Critères"] = {"A1": title, "A2": "Thématique", "B2": "Critère", "C2": "Recommandation", "B3": "1.1"}
    for name, statuses in pages.items():
        cells: dict[str, object] = {"A1": title, "A2": f"{name} : https://exemple.fr/{name}"}
        cols = {h: i + 1 for i, h in enumerate(GRID_HEADERS[k] for k in order)}
        for h, c in cols.items():
            cells[cell_ref(3, c)] = h
        row = 4
        for cid in CRITERIA:
            if cid in (drop or {}).get(name, ()):
                continue
            cells[cell_ref(row, cols["Critère"])] = cid
            cells[cell_ref(row, cols["Recommandation"])] = f"Question {cid} ?"
            status = statuses.get(cid, default)
            if status:
                cells[cell_ref(row, cols["Statut"])] = status
            cells[cell_ref(row, cols["Dérogation"])] = (
                "D" if cid in (derogations or {}).get(name, ()) else "N"
            )
            row += 1
        book[name] = cells  # type: ignore[assignment]
    synth: dict[str, object] = {"A1": title, "B3": "Statut", "B14": "Pourcentage de critères respectés (somme des "
                                "critères conformes divisée par le nombre de critères applicables) :"}  # fmt: skip
    if synthese is not None:
        synth["B15"] = Formula("IF(...)", synthese)
    book["Synthèse"] = synth  # type: ignore[assignment]
    return book


def read_grid(**kw: object) -> EvidenceReport:
    pages = kw.pop("pages")
    return read_rgaa_grid(ods(grid_book(pages, **kw)), "audit/grille.ods", DEFAULT_LIMITS)  # type: ignore[arg-type]


def grid_errors(**kw: object) -> list[str]:
    return _errors(lambda: read_grid(**kw))


def test_rgaa_criteria_are_the_106_of_rgaa_4_1_2() -> None:
    assert len(CRITERIA) == 106 and CRITERIA[0] == "1.1" and CRITERIA[-1] == "13.12" and "10.14" in CRITERIA


WORKED = {
    # per criterion across the pages: 1.1 NC (C + NC), 1.2 NC (NC + NA), 1.3 C (NA + C), 1.4 C (C + C),
    # 2.1 C (C + NA), every other criterion NA on both pages → C = 3, NC = 2 → 100 × 3 ÷ 5 = 60.0
    "P01": {"1.1": "C", "1.2": "NC", "1.3": "NA", "1.4": "C", "2.1": "C"},
    "P02": {"1.1": "NC", "1.2": "NA", "1.3": "C", "1.4": "c"},
}


def test_rgaa_grid_worked_example() -> None:
    report = read_grid(pages=WORKED, synthese="60%", audit_date="14/03/2026", derogations={"P02": ("1.3",)})
    facts = {f.path: f for f in report.facts}
    assert facts[("accessibility", "rgaa_version")].value == "4.1.2"
    assert facts[("accessibility", "rgaa_version")].at.sheet == "Échantillon"
    assert facts[("accessibility", "audit_scope")].value == "complet"
    rate = facts[("accessibility", "conformance_rate")]
    assert rate.value == 60.0 and (rate.at.sheet, rate.at.cell) == ("Synthèse", "B15")
    assert rate.note is not None and "3 critère(s) C ÷ (3 C + 2 NC)" in rate.note.fr
    day = facts[("accessibility", "audit_date")]
    assert (day.value, day.at.sheet, day.at.cell) == ("2026-03-14", "Échantillon", "B3")
    (figure,) = report.figures
    assert (figure.name, figure.in_file, figure.recomputed, figure.digits) == ("taux-rgaa", 60.0, 60.0, 1)
    assert figure.path == ("accessibility", "conformance_rate")
    criteria = report.extra["criteria"]
    assert [criteria[c] for c in ("1.1", "1.2", "1.3", "1.4", "2.1", "13.12")] == [
        "NC",
        "NC",
        "C",
        "C",
        "C",
        "NA",
    ]
    assert report.extra["non_compliant"] == ["1.1", "1.2"]
    assert report.extra["derogations"] == [{"page": "P02", "criterion": "1.3"}]
    assert report.info["pages"] == "2" and report.info["critères"] == "C 3, NC 2, NA 101, NT 0"


@pytest.mark.parametrize(
    ("cached", "expected"),
    [("60%", 60.0), ("57,1428571428571%", 57.1428571428571), (0.6, 60.0), (None, None)],
)
def test_rgaa_grid_rate_as_the_synthese_caches_it(cached: object, expected: float | None) -> None:
    report = read_grid(pages=WORKED, synthese=cached)
    assert report.figures[0].in_file == expected and report.figures[0].recomputed == 60.0


@pytest.mark.parametrize(
    ("pages", "rate", "order"),
    [
        ({"P01": {"1.1": "NC", "1.2": "C"}, "P02": {"1.1": "C"}}, 50.0, "NC beats C"),
        ({"P01": {"1.1": "NA"}, "P02": {"1.1": "C"}}, 100.0, "C beats NA"),
        ({"P01": {"1.1": "C", "1.2": "C", "1.3": "NC"}}, 66.7, "rounded half up to a tenth"),
    ],
)
def test_rgaa_grid_status_per_criterion(pages: dict[str, dict[str, str]], rate: float, order: str) -> None:
    assert read_grid(pages=pages).figures[0].recomputed == rate, order


def test_rgaa_grid_with_nt_left_is_partial_without_a_rate() -> None:
    report = read_grid(
        pages={"P01": {"1.1": "C"}, "P02": {"1.1": "NC", "4.3": "NT"}},
        synthese="Pourcentage indisponible : il reste 1 critère(s) NT.",
    )
    facts = {f.path: f for f in report.facts}
    assert facts[("accessibility", "audit_scope")].value == "partiel"
    assert ("accessibility", "conformance_rate") not in facts
    assert report.figures[0].in_file is None and report.figures[0].recomputed is None
    assert "il reste 1 statut(s) NT" in report.info["taux"]
    assert report.extra["criteria"]["4.3"] == "NT"


def test_rgaa_grid_untouched_template_is_partial() -> None:
    report = read_grid(pages={f"P{i:02}": {} for i in range(1, 4)}, default="NT")
    assert {f.path: f.value for f in report.facts}[("accessibility", "audit_scope")] == "partiel"
    assert report.info["critères"] == "C 0, NC 0, NA 0, NT 106"


def test_rgaa_grid_all_not_applicable_has_no_rate() -> None:
    report = read_grid(pages={"P01": {}})
    assert report.figures[0].recomputed is None and "aucun critère applicable" in report.info["taux"]


def test_rgaa_grid_columns_in_any_order() -> None:
    report = read_grid(pages={"P01": {"7.3": "NC", "1.1": "C"}}, order=(5, 3, 4, 1, 0, 2))
    assert report.figures[0].recomputed == 50.0


def test_rgaa_grid_errors_are_located() -> None:
    msgs = grid_errors(pages={"P01": {"1.2": "OK"}, "P02": {"3.1": ""}})
    assert msgs == [
        "audit/grille.ods:5:4: feuille « P01 », cellule D5 : critère 1.2 : statut « OK » inconnu "
        "(attendu : C, NC, NA ou NT)",
        "audit/grille.ods:15:4: feuille « P02 », cellule D15 : critère 3.1 : statut vide inconnu "
        "(attendu : C, NC, NA ou NT)",
    ]
    (msg,) = grid_errors(pages={"P01": {}}, drop={"P01": ("13.12",)})
    assert msg == (
        "audit/grille.ods: feuille « P01 » : grille modifiée : 1 critère(s) du RGAA 4.1.2 absent(s) de la page (13.12)"
    )
    book = grid_book({"P01": {}})
    book["P01"]["B20"] = "14.1"
    book["P01"]["B21"] = "1.1"
    msgs = _errors(lambda: read_rgaa_grid(ods(book), "g.ods", DEFAULT_LIMITS))
    assert "cellule B20 : critère 14.1 inconnu du RGAA 4.1.2" in msgs[0]
    assert "cellule B21 : critère 1.1 en double sur la page" in msgs[1]
    assert "absent(s) de la page (4.3, 4.4)" in msgs[2]  # the rows overwritten are now missing


def test_rgaa_grid_other_version_or_no_grid() -> None:
    (msg,) = grid_errors(pages={"P01": {}}, title="RGAA 4.0 – GRILLE D'ÉVALUATION")
    assert msg.startswith("audit/grille.ods:1:1: feuille « Échantillon », cellule A1 : grille du RGAA 4.0")
    (msg,) = _errors(lambda: read_rgaa_grid(ods({"Feuille1": {"A1": "x"}}), "x.ods", DEFAULT_LIMITS))
    assert "ce n'est pas une grille d'audit RGAA" in msg


def test_rgaa_grid_without_version_title() -> None:
    report = read_grid(pages={"P01": {"1.1": "C"}}, title="Grille d'audit")
    assert not [f for f in report.facts if f.path == ("accessibility", "rgaa_version")]
    assert "introuvable" in report.info["version"]


def test_rgaa_grid_registered_and_read_from_a_path(tmp_path: Path) -> None:
    assert READERS["rgaa-grille-ods"] is read_rgaa_grid and READERS["rgesn-ods"] is read_rgesn_ods
    path = tmp_path / "grille.ods"
    path.write_bytes(ods(grid_book(WORKED)))
    report = read_evidence("rgaa-grille-ods", path, "grille.ods")
    assert report.figures[0].recomputed == 60.0
    rgesn_path = tmp_path / "rgesn.xlsx"
    book, merges, lists, _ = rgesn_book({"1.1": "Validé"})
    rgesn_path.write_bytes(xlsx(book, merges, lists))
    assert read_evidence("rgesn-xlsx", rgesn_path, "rgesn.xlsx").figures[0].recomputed == 1.5


def test_the_real_dinum_grid_when_available() -> None:
    data = _mirror_file(
        "DISIC+accessibilite.numerique.gouv.fr", "src/doc/rgaa4.1.2.modele-de-grille-d-audit.ods"
    )
    if data is None:
        pytest.skip("DISIC/accessibilite.numerique.gouv.fr not mirrored here")
    report = read_rgaa_grid(data, "grille.ods", DEFAULT_LIMITS)
    facts = {f.path: f.value for f in report.facts}
    assert facts[("accessibility", "rgaa_version")] == "4.1.2"
    assert facts[("accessibility", "audit_scope")] == "partiel"  # the template: every status NT
    assert report.extra["pages"] == [f"P{i:02}" for i in range(1, 21)]
    assert report.figures[0].in_file is None and report.figures[0].at.cell == "B15"
    assert "2120" in report.info["taux"]


# ================================================================== the spreadsheet reader itself


def test_references() -> None:
    assert [cell_ref(1, 1), cell_ref(10, 3), cell_ref(7, 27), cell_ref(1, 16384)] == [
        "A1",
        "C10",
        "AA7",
        "XFD1",
    ]
    assert parse_ref("$C$10") == (10, 3) and column_number("xfd") == 16384
    with pytest.raises(ValueError):
        parse_ref("10C")


@pytest.mark.parametrize("fmt", FORMATS)
def test_values_types_merges_and_lists(fmt: str) -> None:
    book: Book = {"Une feuille": {"A1": "texte", "B2": 3, "C3": 2.5, "D4": date(2026, 1, 31),
                                  "E5": Formula("A1&\"!\"", "calculé"), "F6": Formula("B2*2", 6), "Z100": "loin"}}  # fmt: skip
    data = BUILD[fmt](book, {"Une feuille": ["A1:C1"]}, {"Une feuille": [("E5:E6", ["oui", "non"])]})
    sheet = read_workbook(data, "f", DEFAULT_LIMITS, fmt).sheets["Une feuille"]  # type: ignore[arg-type]
    got = {cell_ref(r, c): (cell.value, cell.type) for (r, c), cell in sheet.cells.items()}
    assert got == {"A1": ("texte", "string"), "B2": (3.0, "number"), "C3": (2.5, "number"),
                   "D4": ("2026-01-31", "date"), "E5": ("calculé", "string"), "F6": (6.0, "number"),
                   "Z100": ("loin", "string")}  # fmt: skip
    assert sheet.merged_range(1, 1) == (1, 1, 1, 3) and sheet.choices(6, 5) == ("oui", "non")
    assert sheet.choices(7, 5) is None


def test_ods_text_spans_spaces_repeats_and_annotations() -> None:
    body = (
        '<table:table table:name="T"><table:table-row table:number-rows-repeated="2">'
        '<table:table-cell table:number-columns-repeated="2" office:value-type="string">'
        '<text:p>a<text:s text:c="3"/>b<text:span>c</text:span></text:p><text:p>d</text:p>'
        "<office:annotation><text:p>note cachée</text:p></office:annotation></table:table-cell>"
        '<table:table-cell office:value-type="percentage" office:value="0.25"><text:p>25 %</text:p></table:table-cell>'
        '<table:table-cell office:value-type="boolean" office:boolean-value="true"/>'
        "</table:table-row></table:table>"
    )
    sheet = read_ods(ods_zip(ods_content(body)), "t.ods", DEFAULT_LIMITS).sheets["T"]
    assert {cell_ref(r, c): cell.value for (r, c), cell in sheet.cells.items()} == {
        "A1": "a   bc\nd", "B1": "a   bc\nd", "C1": 0.25, "D1": True,
        "A2": "a   bc\nd", "B2": "a   bc\nd", "C2": 0.25, "D2": True,
    }  # fmt: skip


# ------------------------------------------------------------------ hostile files

XLSX_READERS: dict[str, Callable[[bytes, str, Limits], object]] = {"xlsx": read_xlsx, "ods": read_ods}


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in members.items():
            z.writestr(name, content)
    return buf.getvalue()


def _hostile(fmt: str, xml: bytes) -> bytes:
    """A workbook whose main XML part (content.xml, or the first sheet) is `xml`."""
    if fmt == "ods":
        return ods_zip(xml)
    data = xlsx({"S": {"A1": "x"}})
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["xl/worksheets/sheet1.xml"] = xml
    return _zip(members)


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>\n<lolz>&lol9;</lolz>"
)
EXTERNAL = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<x>&e;</x>'
UTF16_DOCTYPE = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>'.encode(
    "utf-16"
)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        (BILLION_LAUGHS, "XML avec déclaration de type de document ou d'entité, refusé"),
        (EXTERNAL, "XML avec déclaration de type de document ou d'entité, refusé"),
        (UTF16_DOCTYPE, "XML avec déclaration de type de document ou d'entité, refusé"),
        (b"<a>" * 300 + b"</a>" * 300, "XML refusé (imbrication trop profonde (plus de 200 niveaux))"),
        (b"<a><b></a>", "XML invalide (mismatched tag, ligne 1, colonne 9)"),
    ],
    ids=["billion-laughs", "external-entity", "utf16-doctype", "deep-nesting", "malformed"],
)
def test_hostile_xml_is_refused(fmt: str, xml: bytes, expected: str) -> None:
    member = "content.xml" if fmt == "ods" else "xl/worksheets/sheet1.xml"
    (msg,) = _errors(lambda: XLSX_READERS[fmt](_hostile(fmt, xml), "h", DEFAULT_LIMITS))
    assert msg == f"h: « {member} » : {expected}"


def test_expat_refuses_a_doctype_the_byte_check_missed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The second line of defence: with the byte check disabled, expat's handlers still refuse."""
    from doctrine_lint.evidence import spreadsheet

    monkeypatch.setattr(spreadsheet, "_DOCTYPE", ())
    (msg,) = _errors(lambda: read_ods(ods_zip(BILLION_LAUGHS), "h", DEFAULT_LIMITS))
    assert msg == "h: « content.xml » : XML refusé (déclaration de type de document ou d'entité)"


@pytest.mark.parametrize("fmt", FORMATS)
def test_zip_bomb_by_total_size(fmt: str) -> None:
    limits = Limits(max_unzipped_bytes=500_000)
    filler = b"<x>" + bytes(range(256)) * 1200 + b"</x>"  # 300 kB, poorly compressible → not a ratio bomb
    data = _hostile(fmt, b"<a/>")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["pad1.xml"] = filler
    members["pad2.xml"] = filler
    (msg,) = _errors(lambda: XLSX_READERS[fmt](_zip(members), "b", limits))
    assert msg.startswith("b: archive trop grosse une fois décompressée") and "limite 500000" in msg


@pytest.mark.parametrize("fmt", FORMATS)
def test_zip_bomb_by_ratio(fmt: str) -> None:
    xml = b"<a>" + b" " * 5_000_000 + b"</a>"  # 5 MB of spaces deflate to a few kB
    (msg,) = _errors(lambda: XLSX_READERS[fmt](_hostile(fmt, xml), "r", DEFAULT_LIMITS))
    assert "taux de compression suspect (plus de 200 pour 1, bombe zip ?)" in msg


@pytest.mark.parametrize("fmt", FORMATS)
def test_zip_bomb_lying_central_directory_stops_while_inflating(fmt: str) -> None:
    """A central directory announcing a small size for a big member: the inflating count stops it
    (or zipfile's own size/CRC check does), never a traceback."""
    xml = b"<a>" + bytes(range(256)) * 4000 + b"</a>"  # ~1 MB
    data = bytearray(_hostile(fmt, xml))
    member = b"content.xml" if fmt == "ods" else b"xl/worksheets/sheet1.xml"
    cd = data.rfind(b"PK\x01\x02", 0, data.rfind(member))  # its central directory record
    data[cd + 24 : cd + 28] = (1000).to_bytes(4, "little")  # uncompressed size: 1000
    (msg,) = _errors(lambda: XLSX_READERS[fmt](bytes(data), "l", Limits(max_unzipped_bytes=600_000)))
    assert (
        msg == f"l: « {member.decode()} » illisible dans l'archive (Bad CRC-32 for file '{member.decode()}')"
    )


def test_inflating_stops_past_the_limit_whatever_the_directory_said() -> None:
    """The count kept while inflating, checked chunk by chunk (the directory check passed here)."""
    from doctrine_lint.evidence.spreadsheet import SafeZip

    data = ods_zip(ods_content("<table:table table:name='T'/>" + " " * 300_000))
    z = SafeZip(data, "z.ods", DEFAULT_LIMITS, "ODS")
    z.limits = Limits(max_unzipped_bytes=100_000)
    (msg,) = _errors(lambda: z.read("content.xml"))
    assert (
        msg
        == "z.ods: archive trop grosse une fois décompressée (plus de 100000 octets en lisant « content.xml »)"
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_too_many_members_too_big_and_not_a_zip(fmt: str) -> None:
    data = BUILD[fmt]({"S": {"A1": "x"}})
    (msg,) = _errors(lambda: XLSX_READERS[fmt](data, "m", Limits(max_zip_members=2)))
    assert "fichiers, limite 2" in msg
    (msg,) = _errors(lambda: XLSX_READERS[fmt](data, "m", Limits(max_file_bytes=100)))
    assert "fichier de preuve trop gros" in msg
    (msg,) = _errors(lambda: XLSX_READERS[fmt](b"ID;Statut\n1.1;Valid\xc3\xa9\n", "c.csv", DEFAULT_LIMITS))
    assert msg.startswith(f"c.csv: ce n'est pas un classeur {fmt.upper()} (archive zip illisible")


def _repeated(columns: str, rows: str = "1", value: str = "x") -> bytes:
    return ods_zip(
        ods_content(
            f'<table:table table:name="T"><table:table-row table:number-rows-repeated="{rows}">'
            f'<table:table-cell table:number-columns-repeated="{columns}" office:value-type="string">'
            f"<text:p>{value}</text:p></table:table-cell></table:table-row></table:table>"
        )
    )


@pytest.mark.parametrize(
    ("columns", "rows"),
    [("1000000000", "1"), ("1", "1000000000"), ("50000", "50000")],
    ids=["cols", "rows", "both"],
)
def test_huge_repeated_ods_cells_are_counted_before_allocation(columns: str, rows: str) -> None:
    start = time.monotonic()
    (msg,) = _errors(lambda: read_ods(_repeated(columns, rows), "rep.ods", DEFAULT_LIMITS))
    assert time.monotonic() - start < 2
    assert msg == "rep.ods: feuille « T » : classeur trop grand (plus de 2000000 cellules remplies)"


def test_huge_repeated_empty_cells_cost_nothing() -> None:
    sheet = read_ods(_repeated("1000000000", "1000000000", value=""), "e.ods", DEFAULT_LIMITS).sheets["T"]
    assert sheet.cells == {}


def test_row_limit() -> None:
    (msg,) = _errors(lambda: read_xlsx(xlsx({"S": {"A200": "x"}}), "x", Limits(max_rows=100)))
    assert msg == "x: feuille « S » : feuille trop longue (une ligne remplie au-delà de la ligne 100)"
    (msg,) = _errors(lambda: read_ods(ods({"S": {"A200": "x"}}), "o", Limits(max_rows=100)))
    assert "ligne 100" in msg


def test_broken_xlsx_parts() -> None:
    data = xlsx({"S": {"A1": "x"}})
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {n: z.read(n) for n in z.namelist()}
    no_workbook = {k: v for k, v in members.items() if k != "xl/workbook.xml"}
    (msg,) = _errors(lambda: read_xlsx(_zip(no_workbook), "w", DEFAULT_LIMITS))
    assert "« xl/workbook.xml » absent" in msg
    bad_index = dict(members, **{"xl/worksheets/sheet1.xml": members["xl/worksheets/sheet1.xml"].replace(
        b"<v>0</v>", b"<v>99</v>")})  # fmt: skip
    (msg,) = _errors(lambda: read_xlsx(_zip(bad_index), "w", DEFAULT_LIMITS))
    assert (
        msg
        == "w:1:1: feuille « S », cellule A1 : chaîne partagée introuvable (index hors de « sharedStrings.xml »)"
    )
    (msg,) = _errors(lambda: read_ods(data, "w.ods", DEFAULT_LIMITS))
    assert "ce n'est pas un classeur ODS" in msg
