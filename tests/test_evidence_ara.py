"""The Ara readers: the public JSON report (`ara-json`, AuditReportDto) and the CSV export
(`ara-csv`). Scope (only a FULL audit is complete), the rate recomputed by Ara's
groupResultsByStatus with Math.round, the status thresholds of StatementPage.vue, located errors
and hostile files. Format read in DISIC/Ara 822b6bac."""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from doctrine_lint.dates import parse_instant
from doctrine_lint.evidence import DEFAULT_LIMITS, EvidenceError, Limits, read_evidence
from doctrine_lint.evidence.ara import (
    Result,
    ara_rate,
    declared_status,
    js_round,
    read_ara_csv,
    read_ara_json,
)
from doctrine_lint.evidence.referentiels import RGAA_412_CRITERIA

from .conftest import REPO

FIXTURE = REPO / "tests" / "fixtures" / "evidence" / "ara-rapport.json"
BASE: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))


def report(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    doc.update(changes)
    return doc


def encode(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def read_json(doc: Any, limits: Limits = DEFAULT_LIMITS):  # type: ignore[no-untyped-def]
    return read_ara_json(doc if isinstance(doc, bytes) else encode(doc), "ara.json", limits)


def json_errors(doc: Any, limits: Limits = DEFAULT_LIMITS) -> list[str]:
    with pytest.raises(EvidenceError) as exc:
        read_json(doc, limits)
    return [str(p) for p in exc.value.problems]


def facts_of(rep: Any) -> dict[str, Any]:
    return {f.path[-1]: f for f in rep.facts}


# ------------------------------------------------------------------------------------- JSON report


def test_fixture_worked_example() -> None:
    """The fixture's results (T = transverse elements page, then pages Accueil and Contact):
    1.1   NT C  C   applicable, compliant (an NT on the transverse page is ignored)
    1.2   C  NC C   applicable, not compliant
    1.3   NA NA NA  not applicable
    2.1   NT C  NT  applicable, not compliant (an NT on a page is not ignored)
    3.1   C  NA C   applicable, compliant
    3.2   NT NT NT  not applicable (no C, no NC)
    4.1   C  C  C   applicable, compliant
    5.1   NA C  NA  applicable, compliant
    13.12 NA NC NA  applicable, not compliant
    → 4 compliant out of 7 applicable: Math.round(100 × 4 / 7) = Math.round(57.14) = 57, as the file
    says; 57 ≥ 50 → « partiellement conforme »."""
    rep = read_evidence("ara-json", FIXTURE, "preuves/ara.json")
    (figure,) = rep.figures
    assert (figure.name, figure.in_file, figure.recomputed, figure.digits) == ("taux-rgaa", 57.0, 57.0, 0)
    assert figure.path == ("accessibility", "conformance_rate")
    assert figure.at.pointer == "/accessibilityRate"
    facts = facts_of(rep)
    assert {k: f.value for k, f in facts.items()} == {
        "rgaa_version": "4.1.2",
        "audit_scope": "complet",
        "conformance_rate": 57,
        "declared_status": "partiellement-conforme",
        # updateDate 2026-03-14T23:30Z is 15 March in Paris, and later than publishDate
        "audit_date": "2026-03-15",
        "declaration_date": "2026-03-03",
        "multiyear_plan_url": "https://ent.example.fr/accessibilite/schema-pluriannuel",
        "action_plan_url": "https://ent.example.fr/accessibilite/plan-action-2026",
        "contact": "accessibilite@editeur.example",
    }
    assert all(f.path[0] == "accessibility" for f in rep.facts)
    assert facts["rgaa_version"].note is not None and "ne l'écrit pas" in facts["rgaa_version"].note.fr
    assert facts["audit_scope"].at.pointer == "/auditType" and facts["audit_scope"].raw == "FULL"
    assert facts["audit_date"].at.pointer == "/updateDate"
    assert facts["declaration_date"].at.pointer == "/statementPublicationDate"
    assert facts["contact"].at.pointer == "/contactEmail"
    assert rep.info["consultUniqueId"] == "aBcD1234efGh" and rep.info["auditType"] == "FULL"
    assert rep.info["pages"] == "3" and rep.info["résultats"] == "27"
    assert rep.file == "preuves/ara.json" and len(rep.sha256) == 64


@pytest.mark.parametrize(("audit_type", "n"), [("FAST", 25), ("COMPLEMENTARY", 50)])
def test_partial_audit_is_never_complete_and_gives_no_rate(audit_type: str, n: int) -> None:
    counts = {**BASE["criteriaCount"], "total": n}
    rep = read_json(report(auditType=audit_type, criteriaCount=counts))
    facts = facts_of(rep)
    assert facts["audit_scope"].value == "partiel"
    assert "conformance_rate" not in facts and "declared_status" not in facts
    note = facts["audit_scope"].note
    assert note is not None and f"« {audit_type} »" in note.fr and "ne fonde ni taux" in note.fr
    (figure,) = rep.figures
    # the figure is still shown, but grounds no declared rate
    assert figure.path is None and figure.in_file == 57.0 and "partiel" in figure.title.fr


@pytest.mark.parametrize(
    ("rate", "status"),
    [
        (100, "totalement-conforme"),
        (99, "partiellement-conforme"),
        (50, "partiellement-conforme"),
        (49, "non-conforme"),
        (0, "non-conforme"),
    ],
)
def test_status_thresholds(rate: int, status: str) -> None:
    assert declared_status(rate) == status
    assert facts_of(read_json(report(accessibilityRate=rate)))["declared_status"].value == status


def test_rate_in_file_and_recomputed_may_differ() -> None:
    rep = read_json(report(accessibilityRate=80))
    (figure,) = rep.figures
    assert (figure.in_file, figure.recomputed) == (80.0, 57.0)
    assert facts_of(rep)["conformance_rate"].value == 80  # the fact is the file's figure


def test_dates_and_contacts_fallbacks() -> None:
    rep = read_json(
        report(
            updateDate=None,
            statementEditionDate="2026-04-01T10:00:00.000Z",
            contactEmail=None,
            contactFormUrl="https://ent.example.fr/contact-accessibilite",
        )
    )
    facts = facts_of(rep)
    assert (facts["audit_date"].value, facts["audit_date"].at.pointer) == ("2026-03-02", "/publishDate")
    assert (facts["declaration_date"].value, facts["declaration_date"].at.pointer) == (
        "2026-04-01",
        "/statementEditionDate",
    )
    assert facts["contact"].value == "https://ent.example.fr/contact-accessibilite"


def test_unpublished_audit_has_no_date_and_says_so() -> None:
    rep = read_json(report(publishDate=None, updateDate=None, statementPublicationDate=None))
    facts = facts_of(rep)
    assert "audit_date" not in facts and "declaration_date" not in facts
    assert "non publié" in rep.info["publication"]


def test_missing_optional_fields_give_no_fact() -> None:
    doc = report()
    for key in ("schemaPluriannuelUrl", "planActionUrl", "contactEmail", "contactFormUrl", "criteriaCount"):
        del doc[key]
    facts = facts_of(read_json(doc))
    assert not {"multiyear_plan_url", "action_plan_url", "contact"} & facts.keys()


def test_invalid_urls_are_not_taken() -> None:
    rep = read_json(report(planActionUrl="voir le plan", contactEmail="pas une adresse"))
    facts = facts_of(rep)
    assert "action_plan_url" not in facts and "contact" not in facts
    assert rep.info["non repris (adresse invalide)"] == "planActionUrl, contactEmail"


def test_bom_is_accepted() -> None:
    assert read_json(b"\xef\xbb\xbf" + encode(BASE)).figures[0].recomputed == 57.0


# ------------------------------------------------------------------------------------ the rate rule


def results(spec: dict[str, str]) -> list[Result]:
    """{"1.1": "T:NT A:C"} → results; T is the transverse elements page."""
    out = []
    for criterion, cells in spec.items():
        for part in cells.split():
            page, status = part.split(":")
            out.append(Result(criterion, status, page == "T"))
    return out


@pytest.mark.parametrize(
    ("spec", "rate"),
    [
        ({}, 0),  # no applicable criterion: NaN || 0
        ({"1.1": "T:NA A:NA", "1.2": "A:NT"}, 0),
        ({"1.1": "T:NT A:C"}, 100),  # transverse NT ignored
        ({"1.1": "T:C A:NT"}, 0),  # page NT is not
        ({"1.1": "T:C A:NA"}, 100),
        ({"1.1": "T:NC A:C"}, 0),
        # 1 compliant out of 8: 12.5 → 13 (Math.round; Python's round would give 12)
        (
            {
                "1.1": "A:C",
                **{f"2.{i}": "A:NC" for i in (1, 2)},
                **{f"3.{i}": "A:NC" for i in (1, 2, 3)},
                "4.1": "A:NC",
                "4.2": "A:NC",
            },
            13,
        ),
        # 2 out of 3: 66.67 → 67
        ({"1.1": "A:C", "1.2": "A:C", "1.3": "A:NC"}, 67),
        # 1 out of 3: 33.33 → 33
        ({"1.1": "A:C", "1.2": "A:NC", "1.3": "A:NC"}, 33),
    ],
)
def test_ara_rate_rule(spec: dict[str, str], rate: int) -> None:
    assert ara_rate(results(spec)) == rate


@pytest.mark.parametrize(
    ("value", "rounded"), [(12.5, 13), (0.5, 1), (2.5, 3), (57.142857, 57), (99.5, 100), (0.0, 0)]
)
def test_js_round_halves_go_up(value: float, rounded: int) -> None:
    assert js_round(value) == rounded


# ------------------------------------------------------------------------------------- JSON errors


def with_result(index: int, **changes: Any) -> dict[str, Any]:
    doc = report()
    doc["results"][index].update(changes)
    return doc


@pytest.mark.parametrize(
    ("doc", "where", "text"),
    [
        (report(auditType="COMPLETE"), "/auditType", "type d'audit « COMPLETE » inconnu"),
        (report(accessibilityRate="57"), "/accessibilityRate", "nombre entier attendu, trouvé un texte"),
        (report(accessibilityRate=57.5), "/accessibilityRate", "nombre entier attendu"),
        (report(accessibilityRate=140), "/accessibilityRate", "taux 140 hors de 0 à 100"),
        (report(consultUniqueId=""), "/consultUniqueId", "identifiant de consultation attendu"),
        (report(results={}), "/results", "liste attendue, trouvé un objet"),
        (report(context=None), "/context", "objet attendu, trouvé null"),
        (with_result(3, status="PASSED"), "/results/3/status", "statut « PASSED » inconnu"),
        (with_result(0, topic=14), "/results/0", "critère 14.1 inconnu du RGAA 4.1.2"),
        (with_result(0, topic=13, criterium=13), "/results/0", "critère 13.13 inconnu"),
        (with_result(2, topic="1"), "/results/2/topic", "nombre entier attendu, trouvé un texte"),
        (with_result(2, pageId=99), "/results/2/pageId", "page 99 absente de /context/samples"),
        (
            with_result(1, pageId=10),
            "/results/1",
            "résultat du critère 1.1 pour la page 10 déjà lu en /results/0",
        ),
        (
            report(criteriaCount={**BASE["criteriaCount"], "total": 50}),
            "/criteriaCount/total",
            "50 critères pour un audit FULL, qui en compte 106",
        ),
        (report(publishDate="2 mars 2026"), "/publishDate", "date « 2 mars 2026 » illisible"),
        (report(schemaPluriannuelUrl=12), "/schemaPluriannuelUrl", "texte attendu, trouvé un nombre"),
    ],
)
def test_json_errors_are_located(doc: dict[str, Any], where: str, text: str) -> None:
    messages = json_errors(doc)
    assert len(messages) == 1, messages
    assert messages[0].startswith(f"ara.json: {where} : "), messages[0]
    assert text in messages[0]


def test_json_problems_are_collected() -> None:
    doc = with_result(0, status="X")
    doc["results"][5]["topic"] = 99
    doc["auditType"] = "?"
    messages = json_errors(doc)
    assert [m.split(" : ")[0] for m in messages] == [
        "ara.json: /auditType",
        "ara.json: /results/0/status",
        "ara.json: /results/5",
    ]


@pytest.mark.parametrize(
    "doc",
    [[], "rapport", {"consultUniqueId": "x"}, {"editUniqueId": "x", "auditType": "FULL"}, {"mesures": []}],
)
def test_not_an_ara_report(doc: Any) -> None:
    (message,) = json_errors(doc)
    assert message.startswith("ara.json: / : ce n'est pas un rapport Ara")


def test_json_syntax_error_is_located() -> None:
    (message,) = json_errors(b'{\n  "auditType": "FULL",\n  "results": [,]\n}')
    assert message.startswith("ara.json:3:15:") and "JSON illisible" in message


def test_not_utf8_json() -> None:
    (message,) = json_errors(b'{"procedureName": "\xe9"}')
    assert "UTF-8" in message


def test_deep_nesting_is_refused_before_parsing() -> None:
    data = b'{"results": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    (message,) = json_errors(data)
    assert message.startswith("ara.json:1:") and "imbriqué sur plus de 64 niveaux" in message


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    doc = report(notes="[" * 500 + "{" * 500)
    assert read_json(doc).figures[0].recomputed == 57.0


def test_json_over_the_size_limit() -> None:
    (message,) = json_errors(report(), Limits(max_file_bytes=1000))
    assert "trop gros" in message and "limite 1000" in message


def test_huge_json_string_is_read_within_the_limit() -> None:
    # a 5 MB string is not a problem by itself: the size limit bounds it
    assert read_json(report(notes="x" * 5_000_000)).info["consultUniqueId"] == "aBcD1234efGh"


# --------------------------------------------------------------------------------------- CSV export


def make_csv(
    rows: list[list[str]],
    pages: tuple[str, ...] = ("Accueil", "Contact"),
    *,
    bom: bool = True,
    newline: str = "\n",
    header: list[str] | None = None,
) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=newline)
    writer.writerow(header or ["Critères", "Éléments transverses", *pages])
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + buf.getvalue()).encode("utf-8")


def full_rows(default: tuple[str, ...] = ("NA", "NA", "NA"), **special: tuple[str, ...]) -> list[list[str]]:
    return [[cid, *special.get(cid.replace(".", "_"), default)] for cid in RGAA_412_CRITERIA]


def read_csv(data: bytes, limits: Limits = DEFAULT_LIMITS):  # type: ignore[no-untyped-def]
    return read_ara_csv(data, "ara.csv", limits)


def csv_errors(data: bytes, limits: Limits = DEFAULT_LIMITS) -> list[str]:
    with pytest.raises(EvidenceError) as exc:
        read_csv(data, limits)
    return [str(p) for p in exc.value.problems]


def test_csv_full_audit_worked_example() -> None:
    """Same grid as the JSON fixture, other criteria NA everywhere: 4 compliant / 7 applicable → 57."""
    rows = full_rows(
        **{
            "1_1": ("NT", "C", "C"),
            "1_2": ("C", "NC", "C"),
            "2_1": ("NT", "C", "NT"),
            "3_1": ("C", "NA", "C"),
            "3_2": ("NT", "NT", "NT"),
            "4_1": ("C", "C", "C"),
            "5_1": ("NA", "C", "NA"),
            "13_12": ("NA", "NC", "NA"),
        }
    )
    rep = read_csv(make_csv(rows))
    (figure,) = rep.figures
    assert (figure.in_file, figure.recomputed, figure.path) == (
        None,
        57.0,
        ("accessibility", "conformance_rate"),
    )
    facts = facts_of(rep)
    assert {k: f.value for k, f in facts.items()} == {
        "rgaa_version": "4.1.2",
        "audit_scope": "complet",
        "conformance_rate": 57,
        "declared_status": "partiellement-conforme",
    }
    assert facts["audit_scope"].raw == "106 critères"
    assert rep.info == {"auditType": "FULL", "critères": "106", "pages": "2"}


@pytest.mark.parametrize(("n", "audit_type"), [(25, "FAST"), (50, "COMPLEMENTARY")])
def test_csv_partial_audit(n: int, audit_type: str) -> None:
    rows = [[cid, "C", "C", "NC"] for cid in RGAA_412_CRITERIA[:n]]
    rep = read_csv(make_csv(rows))
    facts = facts_of(rep)
    assert facts["audit_scope"].value == "partiel" and "conformance_rate" not in facts
    assert rep.info["auditType"] == audit_type
    assert rep.figures[0].recomputed == 0.0 and rep.figures[0].path is None


@pytest.mark.parametrize("bom", [True, False])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_csv_bom_and_line_endings(bom: bool, newline: str) -> None:
    rows = full_rows(default=("C", "C", "NA"))
    rep = read_csv(make_csv(rows, bom=bom, newline=newline))
    assert rep.figures[0].recomputed == 100.0
    assert facts_of(rep)["declared_status"].value == "totalement-conforme"


def test_csv_columns_by_title_repeated_page_names_and_many_pages() -> None:
    pages = ("Accueil", "Accueil", "Recherche", "Contact")
    rows = [[status, cid, *extra] for cid, status, *extra in full_rows(default=("C", "NA", "NA", "NA", "NC"))]
    header = ["Éléments transverses", "Critères", *pages]  # transverse column first
    rep = read_csv(make_csv(rows, header=header))
    assert rep.info["pages"] == "4" and rep.figures[0].recomputed == 0.0  # every criterion has an NC


@pytest.mark.parametrize(
    ("mutate", "where", "text"),
    [
        (
            lambda r: r[3].__setitem__(2, "OK"),
            "ara.csv:5:3: ligne 5, colonne « Accueil »",
            "statut « OK » inconnu (attendu : C, NC, NA ou NT)",
        ),
        (
            lambda r: r[0].__setitem__(1, "c"),
            "ara.csv:2:2: ligne 2, colonne « Éléments transverses »",
            "statut « c » inconnu",
        ),
        (
            lambda r: r[10].__setitem__(0, "14.1"),
            "ara.csv:12:1: ligne 12, colonne « Critères »",
            "critère « 14.1 » inconnu du RGAA 4.1.2",
        ),
        (lambda r: r[1].__setitem__(0, "1.1"), "ara.csv:3:1:", "critère 1.1 déjà lu ligne 2"),
        (lambda r: r[5].append("C"), "ara.csv:7:0: ligne 7", "5 cellules pour 4 colonnes"),
        (
            lambda r: r[5].pop(),
            "ara.csv:7:4: ligne 7, colonne « Contact »",
            "statut manquant (attendu : C, NC, NA ou NT)",
        ),
    ],
)
def test_csv_errors_are_located(mutate: Any, where: str, text: str) -> None:
    rows = full_rows()
    mutate(rows)
    messages = csv_errors(make_csv(rows))
    assert any(m.startswith(where) and text in m for m in messages), messages


def test_csv_with_an_unexpected_number_of_criteria() -> None:
    (message,) = csv_errors(make_csv(full_rows()[:30]))
    assert message.startswith("ara.csv:1:0:") and "30 critères" in message and "25" in message


@pytest.mark.parametrize("missing", ["Critères", "Éléments transverses"])
def test_csv_missing_column(missing: str) -> None:
    header = [h for h in ["Critères", "Éléments transverses", "Accueil"] if h != missing]
    (message,) = csv_errors(make_csv([["1.1", "C"]], header=header))
    assert message.startswith("ara.csv:1:0:") and f"« {missing} » absente" in message


def test_csv_hostile_inputs() -> None:
    assert "trop de lignes" in csv_errors(make_csv(full_rows()), Limits(max_rows=50))[0]
    assert "CSV illisible" in csv_errors(make_csv([["1.1", "C", "x" * 200_000, "C"]]))[0]
    assert "trop gros" in csv_errors(make_csv(full_rows()), Limits(max_file_bytes=500))[0]
    assert "trop de lignes" in csv_errors(make_csv([]) + b"1.1,C,C,C\n" * 200_000)[0]


def test_kinds_are_registered(tmp_path: Path) -> None:
    path = tmp_path / "ara.csv"
    path.write_bytes(make_csv(full_rows()))
    assert read_evidence("ara-csv", path, "ara.csv").kind == "ara-csv"
    assert read_evidence("ara-json", FIXTURE, "ara.json").kind == "ara-json"


@pytest.mark.parametrize(
    ("raw", "day"),
    [
        ("2026-03-02T10:00:00.000Z", "2026-03-02"),
        ("2026-03-02T22:59:59Z", "2026-03-02"),  # 23:59:59 in Paris (winter, UTC+1)
        ("2026-03-02T23:00:00.000Z", "2026-03-03"),  # midnight in Paris
        ("2026-07-01T22:30:00.000Z", "2026-07-02"),  # summer, UTC+2
        ("2026-07-01T23:30:00+02:00", "2026-07-01"),
    ],
)
def test_dates_are_the_day_shown_in_france(raw: str, day: str) -> None:
    doc = report(publishDate=raw, updateDate=None)
    assert facts_of(read_json(doc))["audit_date"].value == day


@pytest.mark.parametrize(
    ("raw", "ok"),
    [
        ("2026-03-14T23:30:00.000Z", True),
        ("2026-03-14T23:30Z", True),
        ("2026-03-14T23:30:00", True),
        ("2026-02-30T10:00:00Z", False),
        ("2026-03-14", False),
        ("14/03/2026", False),
        ("2026-03-14T23:30:00.000Zjunk", False),
    ],
)
def test_parse_instant(raw: str, ok: bool) -> None:
    assert (parse_instant(raw) is not None) is ok
