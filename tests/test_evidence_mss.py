"""The MonServiceSécurisé measures CSV reader (`mss-csv`): statuses, numbers, the v1 and
« sans données additionnelles » exports refused, located errors, hostile files, and the cyber
index recomputed as MSS's indiceCyber.js does.

Format read in betagouv/mon-service-securise cc131242 (`src/adaptateurs/adaptateurCsv.js`,
`donneesReferentiel.ts`): `;`, UTF-8 with BOM, LF, header titles in French.
"""

from __future__ import annotations

import csv
import io
import random
import subprocess
import sys
from pathlib import Path

import pytest

from doctrine_lint.evidence import DEFAULT_LIMITS, EvidenceError, Limits, read_evidence
from doctrine_lint.evidence.mss import Measure, cyber_index, js_to_fixed, read_mss_csv
from doctrine_lint.evidence.referentiels import MSS_V2_BY_NUMBER

from .conftest import REPO

FIXTURE = REPO / "tests" / "fixtures" / "evidence" / "mss-mesures.csv"
DATA = REPO.parent / "shared" / "data"
HEADER = [
    "Identifiant de la mesure",
    "Nom de la mesure",
    "Thématique",
    "Référentiel",
    "Type",
    "Catégorie",
    "Description",
    "Statut",
    "Commentaires",
    "Priorité",
    "Échéance",
    "Responsables",
]


def row(number: str = "#0001", status: str = "Faite", **cells: str) -> dict[str, str]:
    base = {
        "Identifiant de la mesure": number,
        "Nom de la mesure": "Une mesure",
        "Thématique": "Recensement",
        "Référentiel": "ANSSI",
        "Type": "Indispensable",
        "Catégorie": "Gouvernance",
        "Description": "",
        "Statut": status,
        "Commentaires": "",
        "Priorité": "",
        "Échéance": "",
        "Responsables": "",
    }
    base.update(cells)
    return base


def make(
    rows: list[dict[str, str]], header: list[str] | None = None, *, bom: bool = True, newline: str = "\n"
) -> bytes:
    header = header or HEADER
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator=newline)
    writer.writerow(header)
    for r in rows:
        writer.writerow([r.get(h, "") for h in header])
    return (("\ufeff" if bom else "") + buf.getvalue()).encode("utf-8")


def read(data: bytes, limits: Limits = DEFAULT_LIMITS):  # type: ignore[no-untyped-def]
    return read_mss_csv(data, "mss.csv", limits)


def errors(data: bytes, limits: Limits = DEFAULT_LIMITS) -> list[str]:
    with pytest.raises(EvidenceError) as exc:
        read(data, limits)
    return [str(p) for p in exc.value.problems]


# ------------------------------------------------------------------------------------ the fixture


def test_fixture_facts_located_and_mapped() -> None:
    report = read_evidence("mss-csv", FIXTURE, "preuves/mss.csv")
    facts = {f.path[-1]: f for f in report.facts}
    assert {k: f.value for k, f in facts.items()} == {
        "RECENSEMENT.1": "faite",
        "RECENSEMENT.2": "partielle",
        "RECENSEMENT.3": "non-faite",
        "CONFORMITE.1": "faite",
        "DEV.1": "faite",
        "RH.2": "non-faite",
        "CARTO.2": "partielle",
    }  # RH.4 has no status: no fact; the N/A row is a mesure spécifique: ignored
    assert all(f.path[:2] == ("security", "measures") for f in report.facts)
    # #0002's description spans two lines: the next row starts on line 5
    assert (facts["RECENSEMENT.2"].at.line, facts["RECENSEMENT.3"].at.line) == (3, 5)
    assert facts["RH.2"].at.column == 8 and facts["RH.2"].at.header == "Statut"
    assert facts["RH.2"].raw == "Non prise en compte"
    assert facts["RH.2"].note is not None and "pas « non applicable »" in facts["RH.2"].note.fr
    assert facts["RECENSEMENT.3"].note is None
    assert report.info["mesures spécifiques ignorées"] == "1"
    assert report.info["mesures"] == "8"
    assert report.extra["tiers"]["RH.4"] == "indispensable"
    assert report.extra["tiers"]["CARTO.2"] == "recommandee"
    assert report.extra["categories"]["CARTO.2"] == "defense"
    assert len(report.sha256) == 64


def test_fixture_cyber_index_worked_example() -> None:
    """Worked example, indiceCyber.js (coefficients 0.6 / 0.4, partial 0.5, out of 5):
    Gouvernance: indispensables Faite + Partielle → fI = (1 + 0.5) / 2 = 0.75;
                 recommandées À lancer + Faite → fR = 1 / 2 = 0.5;
                 taux = (0.6 + 0.4 × 0.5) × 0.75 = 0.6, over 4 measures.
    Protection:  indispensables Faite, Non prise en compte, (no status) → fI = 1/3; no recommandée →
                 taux = 1/3, over 3 measures.
    Défense:     one recommandée Partielle → taux = 0.5, over 1 measure.
    Résilience:  no measure. The N/A row (mesure spécifique) is not in the ANSSI index.
    Index = 5 × (4 × 0.6 + 3 × 1/3 + 1 × 0.5) / 8 = 5 × 3.9 / 8 = 2.4375 → toFixed(1) = 2.4."""
    report = read_evidence("mss-csv", FIXTURE, "mss.csv")
    (figure,) = report.figures
    assert figure.name == "indice-cyber"
    assert figure.in_file is None  # the measures CSV has no index
    assert figure.recomputed == 2.4
    assert figure.digits == 1


@pytest.mark.parametrize(
    ("measures", "expected"),
    [
        ([], 0.0),
        # one category, indispensables only: 5 × fI
        (
            [Measure("indispensable", "protection", "fait")] * 3
            + [Measure("indispensable", "protection", None)],
            3.75,
        ),
        # recommandées only: 5 × fR; partial counts one half
        ([Measure("recommandee", "defense", "enCours")], 2.5),
        # nonFait and aLancer count zero
        (
            [
                Measure("indispensable", "resilience", "nonFait"),
                Measure("indispensable", "resilience", "aLancer"),
            ],
            0.0,
        ),
        # both tiers: (0.6 + 0.4 × fR) × fI = (0.6 + 0.4 × 0) × 1 = 0.6 → × 5 = 3
        ([Measure("indispensable", "gouvernance", "fait"), Measure("recommandee", "gouvernance", None)], 3.0),
        # two categories weighted by their size: (1 × 1 + 3 × 0) / 4 × 5 = 1.25
        (
            [Measure("indispensable", "gouvernance", "fait")]
            + [Measure("recommandee", "defense", "aLancer")] * 3,
            1.25,
        ),
    ],
)
def test_cyber_index_formula(measures: list[Measure], expected: float) -> None:
    assert cyber_index(measures) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [(2.4375, 1, 2.4), (0.25, 1, 0.3), (2.45, 1, 2.5), (1.005, 2, 1.0), (4.95, 1, 5.0), (0.0, 1, 0.0)],
)
def test_js_to_fixed_rounds_like_javascript(value: float, digits: int, expected: float) -> None:
    # 0.25 → "0.3" in JavaScript (Python's round gives 0.2); 1.005 is 1.00499… in binary → "1.00";
    # 2.45 is 2.4500000000000001776… → "2.5"
    assert js_to_fixed(value, digits) == expected


# -------------------------------------------------------------------------------------- mappings


@pytest.mark.parametrize(
    ("raw", "value", "noted"),
    [
        ("Faite", "faite", False),
        ("Partielle", "partielle", False),
        ("À lancer", "non-faite", False),
        ("Non prise en compte", "non-faite", True),
    ],
)
def test_every_status_mapping(raw: str, value: str, noted: bool) -> None:
    (fact,) = read(make([row("#0014", raw)])).facts
    assert fact.path == ("security", "measures", "CONFORMITE.1")
    assert (fact.value, fact.raw, fact.note is not None) == (value, raw, noted)


def test_empty_status_gives_no_fact_but_counts_in_the_index() -> None:
    report = read(make([row("#0001", ""), row("#0002", "Faite")]))
    assert [f.path[-1] for f in report.facts] == ["RECENSEMENT.2"]
    assert report.figures[0].recomputed == 2.5  # 5 × (1 / 2)
    assert report.extra["tiers"] == {"RECENSEMENT.1": "indispensable", "RECENSEMENT.2": "indispensable"}


@pytest.mark.parametrize(
    ("raw", "tier"), [("Indispensable", "indispensable"), ("Recommandée", "recommandee")]
)
def test_type_gives_the_tier(raw: str, tier: str) -> None:
    assert read(make([row("#0001", Type=raw)])).extra["tiers"] == {"RECENSEMENT.1": tier}


@pytest.mark.parametrize(
    ("raw", "slug"),
    [
        ("Gouvernance", "gouvernance"),
        ("Protection", "protection"),
        ("Défense", "defense"),
        ("Résilience", "resilience"),
    ],
)
def test_category_slugs(raw: str, slug: str) -> None:
    assert read(make([row("#0001", Catégorie=raw)])).extra["categories"] == {"RECENSEMENT.1": slug}


def test_every_v2_number_maps_to_its_measure() -> None:
    rows = [row(f"#{n}", "Faite") for n in MSS_V2_BY_NUMBER]
    report = read(make(rows))
    assert len(report.facts) == 135
    assert {f.path[-1] for f in report.facts} == set(MSS_V2_BY_NUMBER.values())
    assert MSS_V2_BY_NUMBER["0001"] == "RECENSEMENT.1" and MSS_V2_BY_NUMBER["0014"] == "CONFORMITE.1"
    assert report.figures[0].recomputed == 5.0


# ------------------------------------------------------------------------------- shapes of the file


def test_shuffled_and_extra_columns_are_read_by_title() -> None:
    header = [*HEADER, "Exigences ISO 2700X associées", "Mesure portée par"]
    random.Random(7).shuffle(header)
    data = make([row("#0002", "Partielle", **{"Exigences ISO 2700X associées": "5.1, 5.2"})], header)
    (fact,) = read(data).facts
    assert (fact.path[-1], fact.value) == ("RECENSEMENT.2", "partielle")
    assert fact.at.column == header.index("Statut") + 1


@pytest.mark.parametrize("bom", [True, False])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_bom_and_line_endings(bom: bool, newline: str) -> None:
    data = make([row("#0001", "Faite"), row("#0002", "À lancer")], bom=bom, newline=newline)
    report = read(data)
    assert [(f.path[-1], f.at.line) for f in report.facts] == [("RECENSEMENT.1", 2), ("RECENSEMENT.2", 3)]


def test_blank_lines_are_skipped_and_counted_in_line_numbers() -> None:
    data = make([row("#0001")]) + b"\n\n" + make([row("#0002")], bom=False).split(b"\n", 1)[1]
    assert [f.at.line for f in read(data).facts] == [2, 5]


# ------------------------------------------------------------------------------------------ errors


def test_v1_export_without_thematique_is_refused() -> None:
    header = [h for h in HEADER if h != "Thématique"]
    (message,) = errors(make([row("#0001")], header))
    assert message.startswith(
        "mss.csv:1:0: ligne 1 : pas de colonne « Thématique » : export du référentiel v1"
    )


def test_export_without_additional_data_is_refused() -> None:
    header = [
        h for h in HEADER if h not in ("Statut", "Commentaires", "Priorité", "Échéance", "Responsables")
    ]
    (message,) = errors(make([row("#0001")], header))
    assert "mss.csv:1:0" in message and "pas de colonne « Statut »" in message
    assert "données additionnelles" in message


def test_foreign_csv_is_refused() -> None:
    (message,) = errors("Nom;Prénom\nMartin;Camille\n".encode())
    assert message.startswith("mss.csv:1:0: ligne 1 : colonne « Identifiant de la mesure » absente")


@pytest.mark.parametrize("missing", ["Type", "Catégorie"])
def test_missing_required_column(missing: str) -> None:
    (message,) = errors(make([row("#0001")], [h for h in HEADER if h != missing]))
    assert f"colonne « {missing} » absente" in message and message.startswith("mss.csv:1:0:")


@pytest.mark.parametrize(
    ("cells", "where", "text"),
    [
        ({"Statut": "Terminée"}, "mss.csv:2:8: ligne 2, colonne « Statut »", "statut « Terminée » inconnu"),
        ({"Statut": "Non applicable"}, "mss.csv:2:8:", "statut « Non applicable » inconnu"),
        ({"Type": "Optionnelle"}, "mss.csv:2:5: ligne 2, colonne « Type »", "type « Optionnelle » inconnu"),
        (
            {"Catégorie": "Sécurité"},
            "mss.csv:2:6: ligne 2, colonne « Catégorie »",
            "catégorie « Sécurité » inconnue",
        ),
        (
            {"Identifiant de la mesure": "0001"},
            "mss.csv:2:1: ligne 2, colonne « Identifiant de la mesure »",
            "« 0001 » illisible",
        ),
        ({"Identifiant de la mesure": "#9999"}, "mss.csv:2:1:", "« #9999 » inconnue du référentiel v2"),
        (
            {"Échéance": "2026-03-15"},
            "mss.csv:2:11: ligne 2, colonne « Échéance »",
            "échéance « 2026-03-15 » illisible",
        ),
        (
            {"Échéance": "31/02/2026"},
            "mss.csv:2:11:",
            "échéance « 31/02/2026 » illisible (attendu : jj/mm/aaaa)",
        ),
    ],
)
def test_each_error_is_located(cells: dict[str, str], where: str, text: str) -> None:
    (message,) = errors(make([row("#0001", **cells)]))
    assert message.startswith(where), message
    assert text in message


def test_v1_number_is_refused() -> None:
    # 0004 is a v1 number (v1 measures reused 45 numbers; some v1 numbers do not exist in v2)
    assert "0004" not in MSS_V2_BY_NUMBER
    (message,) = errors(make([row("#0004")]))
    assert "v1" in message


def test_duplicate_number_is_refused_with_both_lines() -> None:
    (message,) = errors(make([row("#0001"), row("#0002"), row("#0001", "Partielle")]))
    assert message.startswith("mss.csv:4:1:") and "déjà lue ligne 2" in message and "RECENSEMENT.1" in message


def test_all_problems_collected_nothing_half_read() -> None:
    messages = errors(make([row("#0001", "Oui"), row("#0002"), row("#9998"), row("#0003", Type="?")]))
    assert [m.split(":")[1] for m in messages] == ["2", "4", "5"]


def test_specific_measures_are_ignored_but_still_checked() -> None:
    report = read(make([row("N/A", "Faite", Type=""), row("#0001", "Faite")]))
    assert [f.path[-1] for f in report.facts] == ["RECENSEMENT.1"]
    assert report.info["mesures spécifiques ignorées"] == "1"
    assert "statut « Peut-être » inconnu" in errors(make([row("N/A", "Peut-être", Type="")]))[0]


# -------------------------------------------------------------------------------------- hostile files


def test_not_utf8_is_refused_with_its_line() -> None:
    data = make([row("#0001")]) + "#0002;x;y;ANSSI;Indispensable;Gouvernance;;Faite\n".encode(
        "latin-1"
    ).replace(b"x", b"\xe9")
    (message,) = errors(data)
    assert message.startswith("mss.csv:3:") and "UTF-8" in message


def test_file_over_the_size_limit() -> None:
    (message,) = errors(make([row("#0001")]), Limits(max_file_bytes=100))
    assert "trop gros" in message and "limite 100" in message


def test_huge_field_is_refused_with_its_line() -> None:
    data = make([row("#0001"), row("#0002", Description="x" * 200_000)])
    (message,) = errors(data)
    assert message.startswith("mss.csv:3:") and "CSV illisible" in message


def test_unterminated_quote_is_refused() -> None:
    data = make([row("#0001")]) + b'#0002;"never closed;x\n'
    (message,) = errors(data)
    assert "CSV illisible" in message


def test_too_many_rows_stops_early() -> None:
    data = make([row("#0001")]) + b"N/A;;;;;Gouvernance;;;\n" * 50
    (message,) = errors(data, Limits(max_rows=20))
    assert message.startswith("mss.csv:22:") and "trop de lignes (limite 20)" in message


def test_a_million_empty_lines_is_bounded() -> None:
    data = make([row("#0001")]) + b"\n" * 1_000_000
    (message,) = errors(data)
    assert "trop de lignes" in message


def test_empty_file() -> None:
    assert "fichier vide" in errors(b"")[0]
    assert "fichier vide" in errors(b"\xef\xbb\xbf\n\n")[0]


# ------------------------------------------------------------------------------- generated table


@pytest.mark.skipif(
    not (DATA / "mss-v2-numeros.tsv").exists(), reason="../shared/data is not beside this checkout"
)
def test_generated_tables_are_up_to_date() -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO / "tools" / "generate_evidence_tables.py"), "--check", "--data", str(DATA)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_generator_check_fails_on_a_stale_table(tmp_path: Path) -> None:
    if not (DATA / "mss-v2-numeros.tsv").exists():
        pytest.skip("../shared/data is not beside this checkout")
    data = tmp_path / "data"
    data.mkdir()
    (data / "rgaa-4.1.2-criteres.json").write_bytes((DATA / "rgaa-4.1.2-criteres.json").read_bytes())
    tsv = (
        (DATA / "mss-v2-numeros.tsv")
        .read_text(encoding="utf-8")
        .replace("RECENSEMENT.1\t0001", "RECENSEMENT.1\t0999")
    )
    (data / "mss-v2-numeros.tsv").write_text(tsv, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(REPO / "tools" / "generate_evidence_tables.py"), "--check", "--data", str(data)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1 and "stale" in proc.stdout
