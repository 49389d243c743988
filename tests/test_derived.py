"""Derived facts and metrics: the security level matches MonServiceSécurisé's matrices on every
combination, weighted ratios, cyber index, and how findings on derived facts are located."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from doctrine_lint.conditions import Context
from doctrine_lint.derived import (
    Derivation,
    Metric,
    WeightedRatio,
    compute_derived,
    compute_metrics,
    round_half_up,
)
from doctrine_lint.document import load_document
from doctrine_lint.engine import evaluate
from doctrine_lint.model import Evidence, Finding, Location, Outcome, Severity, Text
from doctrine_lint.packs import all_derivations, load_packs
from doctrine_lint.paths import parse_path

CTX = Context(date(2026, 11, 28))
DERIVATIONS = all_derivations(load_packs())

# The matrices of MonServiceSécurisé (niveauSecurite.ts), restated independently of the pack.
VOLUME = {"faible": 1, "moyen": 2, "eleve": 3, "tres-eleve": 4}
M_VOLUME = [[1, 1, 2, 2], [1, 1, 2, 3], [1, 2, 3, 4], [1, 2, 4, 4]]
AUDIENCE = {"limitee": 1, "moyenne": 2, "large": 3, "tres-large": 4}
OUTAGE = {"plus-24h": 1, "moins-24h": 2, "moins-12h": 3, "moins-4h": 4}
M_AVAILABILITY = [[1, 1, 2, 3], [1, 1, 2, 3], [1, 1, 3, 4], [1, 1, 3, 4]]
OPENNESS = {"interne-restreint": 1, "interne": 2, "interne-tiers": 3, "internet": 4}
EXPOSURE = [1, 2, 2, 3]
LEVELS = [
    ["basique", "basique", "basique", "modere"],
    ["basique", "basique", "modere", "modere"],
    ["modere", "modere", "avance", "avance"],
    ["modere", "avance", "avance", "avance"],
]
# manifest facts -> MonServiceSécurisé category criticity, as the pack maps them
CATEGORIES: list[tuple[dict[str, Any], int]] = [
    ({"processed": False}, 1),
    ({"processed": True, "minors": False, "categories": ["identite", "scolarite"]}, 2),
    ({"processed": True, "minors": True, "categories": ["identite"]}, 3),
    ({"processed": True, "minors": False, "categories": ["situation-sociale"]}, 3),
    ({"processed": True, "minors": True, "categories": ["sante"]}, 4),
]


def expected_level(category: int, volume: str, audience: str, outage: str, openness: str) -> str:
    data = M_VOLUME[VOLUME[volume] - 1][category - 1]
    availability = M_AVAILABILITY[AUDIENCE[audience] - 1][OUTAGE[outage] - 1]
    return LEVELS[max(data, availability) - 1][EXPOSURE[OPENNESS[openness] - 1] - 1]


COMBINATIONS = list(itertools.product(range(len(CATEGORIES)), VOLUME, AUDIENCE, OUTAGE, OPENNESS))


@pytest.mark.parametrize(("cat", "volume", "audience", "outage", "openness"), COMBINATIONS)
def test_security_level_matches_monservicesecurise(
    cat: int, volume: str, audience: str, outage: str, openness: str
) -> None:
    personal, criticity = CATEGORIES[cat]
    data = {
        "personal_data": personal,
        "security": {
            "level_facts": {
                "data_volume": volume,
                "audience_size": audience,
                "max_outage": outage,
                "exposure": openness,
            }
        },
    }
    facts = compute_derived(data, DERIVATIONS, CTX).facts
    assert facts["niveau_securite"].value == expected_level(criticity, volume, audience, outage, openness)


def test_undecided_level_names_the_manifest_facts_to_declare() -> None:
    # data criticity 2 on the internet: modéré, or avancé if the availability criticity is 3+
    data = {
        "personal_data": {"processed": True, "minors": True, "categories": ["identite"]},
        "security": {"level_facts": {"data_volume": "moyen", "exposure": "internet"}},
    }
    level = compute_derived(data, DERIVATIONS, CTX).facts["niveau_securite"]
    assert level.value is None
    assert {fact for _, fact in level.missing} == {
        "security.level_facts.audience_size",
        "security.level_facts.max_outage",
    }


def test_weighted_ratio_counts_absent_statuses_as_not_earned() -> None:
    agg = WeightedRatio(
        parse_path("ecodesign.criteria"),
        {"1.1": 1.5, "1.2": 1.25, "1.3": 1.0},
        frozenset({"valide"}),
        frozenset({"non-applicable"}),
    )
    derivation = Derivation("score", Text("score"), "p", aggregate=agg)
    data = {"ecodesign": {"criteria": {"1.1": "valide", "1.3": "non-applicable"}}}
    fact = compute_derived(data, [derivation], CTX).facts["score"]
    assert fact.value == round(100 * 1.5 / 2.75, 1)
    assert fact.origin == ("ecodesign", "criteria")


def _finding(rule_id: str, outcome: Outcome, severity: Severity, chapter: str, value: Any = None) -> Finding:
    return Finding(
        rule_id,
        outcome,
        severity,
        1.0,
        Text("m"),
        "",
        Location("m.yaml", 1, 1),
        chapter,
        "securite",
        "p",
        (),
        Evidence.OFFICIEL,
        value=value,
    )


def test_cyber_index_follows_the_official_formula() -> None:
    metric = Metric(
        "indice",
        Text("Indice"),
        "p",
        "indice_cyber",
        "mss",
        {Severity.MAJEUR: "indispensable", Severity.MINEUR: "recommandee"},
        frozenset({"partielle"}),
        {"indispensable": 0.6, "recommandee": 0.4, "partial": 0.5, "scale": 5},
    )
    findings = [
        _finding("A", Outcome.CONFORME, Severity.MAJEUR, "gouvernance"),
        _finding("B", Outcome.NON_CONFORME, Severity.MAJEUR, "gouvernance", "partielle"),
        _finding("C", Outcome.CONFORME, Severity.MINEUR, "gouvernance"),
        _finding("D", Outcome.A_RENSEIGNER, Severity.MINEUR, "gouvernance"),
        _finding("E", Outcome.NON_APPLICABLE, Severity.MAJEUR, "gouvernance"),
        _finding("F", Outcome.CONFORME, Severity.MINEUR, "defense"),
    ]
    tags = {f.rule_id: ("mss",) for f in findings}
    (value,) = compute_metrics(findings, [metric], tags)
    # gouvernance: fI = 1.5/2, fR = 1/2 -> (0.6 + 0.4·0.5)·0.75 = 0.6 over 4 measures;
    # defense: only recommended, fR = 1 over 1 measure -> 5 × (4·0.6 + 1·1) / 5
    assert value.value == pytest.approx(round(5 * (4 * 0.6 + 1.0) / 5, 1))
    assert value.counted == 5


def test_finding_on_a_derived_fact_points_at_the_manifest_facts(write: Callable[..., Path]) -> None:
    pack = write(
        """
        pack: {id: d-test, version: 1.0.0, title: T, referentiel: securite, doctrine_version: t, chapters: {"1": Un}}
        rules:
          - id: D-1-LEVEL
            title: Niveau déclaré cohérent
            chapter: "1"
            severity: majeur
            rationale: r
            remediation: r
            references: [{url: "https://example.org"}]
            provenance: {evidence: officiel, legal_basis: bonne-pratique}
            check: {path: security.declared_level, compare_to: {path: $derived.niveau_securite, op: eq}}
            examples:
              - outcome: conforme
                manifest: {personal_data: {processed: false}, security: {declared_level: basique, level_facts: {data_volume: faible, audience_size: limitee, max_outage: plus-24h, exposure: interne}}}
              - outcome: non-conforme
                manifest: {personal_data: {processed: false}, security: {declared_level: avance, level_facts: {data_volume: faible, audience_size: limitee, max_outage: plus-24h, exposure: interne}}}
        """,
        "p.yaml",
    )
    packs = load_packs([pack])
    rule = next(r for p in packs for r in p.rules if r.id == "D-1-LEVEL")
    doc = load_document(
        write(
            """
        personal_data: {processed: true, minors: true, categories: [identite]}
        security:
          declared_level: basique
          level_facts: {data_volume: moyen, exposure: internet}
        """,
            "m.yaml",
        )
    )
    derived = compute_derived(doc.data, all_derivations(packs), CTX)
    (finding,) = evaluate(doc, [rule], CTX.today, derived)
    assert finding.outcome is Outcome.A_RENSEIGNER
    assert finding.missing == ("security.level_facts.audience_size", "security.level_facts.max_outage")
    assert (finding.location.line, finding.location.column) == (4, 3)  # the `level_facts:` key


def test_compare_to_message_shows_both_values(write: Callable[..., Path]) -> None:
    pack = write(
        """
        pack: {id: c-test, version: 1.0.0, title: T, referentiel: securite, doctrine_version: t, chapters: {"1": Un}}
        rules:
          - id: C-1-LEVEL
            title: Niveau
            chapter: "1"
            severity: mineur
            rationale: r
            remediation: r
            message: {fr: "déclaré {value}, calculé {compared}", en: "declared {value}, computed {compared}"}
            references: [{url: "https://example.org"}]
            provenance: {evidence: officiel, legal_basis: bonne-pratique}
            check: {path: security.declared_level, compare_to: {path: $derived.niveau_securite, op: eq}}
            examples:
              - {outcome: conforme, manifest: {personal_data: {processed: false}, security: {declared_level: basique, level_facts: {data_volume: faible, audience_size: limitee, max_outage: plus-24h, exposure: interne}}}}
              - {outcome: non-conforme, manifest: {personal_data: {processed: false}, security: {declared_level: avance, level_facts: {data_volume: faible, audience_size: limitee, max_outage: plus-24h, exposure: interne}}}}
        """,
        "p.yaml",
    )
    packs = load_packs([pack])
    rule = next(r for p in packs for r in p.rules if r.id == "C-1-LEVEL")
    doc = load_document(
        write(
            """
        personal_data: {processed: false}
        security:
          declared_level: avance
          level_facts: {data_volume: faible, audience_size: limitee, max_outage: plus-24h, exposure: interne}
        """,
            "m.yaml",
        )
    )
    (finding,) = evaluate(doc, [rule], CTX.today, compute_derived(doc.data, all_derivations(packs), CTX))
    assert finding.outcome is Outcome.NON_CONFORME
    assert finding.message.get("fr") == "déclaré avancé, calculé basique"
    assert (finding.location.line, finding.location.column) == (3, 19)


@pytest.mark.parametrize(
    ("personal", "facts", "level"),
    [
        # minors' data at high volume, on the internet: avancé whatever the availability
        (
            {"processed": True, "minors": True, "categories": ["identite"]},
            {"data_volume": "eleve", "exposure": "internet"},
            "avance",
        ),
        # health data at very high volume: avancé from exposure 2 up, availability unknown
        (
            {"processed": True, "minors": False, "categories": ["sante"]},
            {"data_volume": "tres-eleve", "exposure": "interne"},
            "avance",
        ),
    ],
)
def test_level_is_known_as_soon_as_declared_facts_decide_it(
    personal: dict[str, Any], facts: dict[str, Any], level: str
) -> None:
    data = {"personal_data": personal, "security": {"level_facts": facts}}
    assert compute_derived(data, DERIVATIONS, CTX).facts["niveau_securite"].value == level


def test_data_outside_eu_is_false_for_an_empty_country_list() -> None:
    data = {"personal_data": {"transfers_outside_eu": False}, "hosting": {"countries": []}}
    assert compute_derived(data, DERIVATIONS, CTX).facts["donnees_hors_ue"].value is False


def test_rgesn_score_never_excludes_criteria_that_apply_to_every_service() -> None:
    # 1.1 applies to every service: declaring it not applicable leaves it in the denominator
    weights_all = {d.name: d for d in DERIVATIONS}["score_rgesn"].aggregate
    assert (
        weights_all is not None
        and "1.1" in weights_all.always_counted
        and "9.2" not in weights_all.always_counted
    )
    only_na = compute_derived(
        {"ecodesign": {"criteria": {"1.1": "non-applicable", "9.2": "non-applicable"}}}, DERIVATIONS, CTX
    )
    total = sum(weights_all.weights.values())
    assert only_na.facts["score_rgesn"].value == 0.0
    declared = {k: "valide" for k in weights_all.weights} | {"1.1": "non-applicable"}
    score = (
        compute_derived({"ecodesign": {"criteria": declared}}, DERIVATIONS, CTX).facts["score_rgesn"].value
    )
    assert score == round(100 * (total - 1.5) / total, 1)


def test_metric_is_withheld_when_the_selection_leaves_out_some_of_its_rules() -> None:
    from click.testing import CliRunner

    from doctrine_lint.cli import cli

    from .conftest import EXAMPLES, PINNED_DATE

    result = CliRunner().invoke(
        cli,
        [
            str(EXAMPLES / "vie-scolaire.yaml"),
            "--date",
            PINNED_DATE,
            "--select",
            "MSS-ECOSYSTEME.3",
            "--format",
            "json",
        ],
    )
    metrics = __import__("json").loads(result.stdout)["manifests"][0]["metrics"]
    assert [m["name"] for m in metrics] == ["indice_cyber", "indice_cyber_ajuste"]
    assert all(m["value"] is None and m["rules"] == 1 for m in metrics)


@pytest.mark.parametrize(
    ("value", "digits", "shown"),
    [
        (84.35, 1, 84.4),  # stored as 84.34999…: Python's round gives 84.3
        (100 * 0.8435, 1, 84.4),  # 84.35000000000001 after the product
        (81.25, 1, 81.3),  # an exact binary half: Python rounds it to even, 81.2
        (56.25, 1, 56.3),
        (0.05, 1, 0.1),
        (99.95, 1, 100.0),
        (84.34, 1, 84.3),
        (84.349, 1, 84.3),
        (2.675, 2, 2.68),
        (12.5, 0, 13.0),
        (13.5, 0, 14.0),
        (0.0, 1, 0.0),
    ],
)
def test_weighted_ratios_round_halves_up_like_the_rgesn_workbook(
    value: float, digits: int, shown: float
) -> None:
    assert round_half_up(value, digits) == shown


# Family scores at a .x5 boundary, with the official weights (1.5 prioritaire, 1.25 recommandé,
# 1 modéré): the workbook shows them rounded half up.
@pytest.mark.parametrize(
    ("fact", "criteria", "score"),
    [
        (
            "score_rgesn_5",
            {
                "5.1": "valide",
                "5.2": "valide",
                "5.3": "valide",
                "5.4": "valide",
                "5.5": "non-valide",
                "5.6": "valide",
            }
            | {"5.7": "non-applicable", "5.8": "non-applicable"},
            81.3,  # 6.5 / 8
        ),
        (
            "score_rgesn_6",
            {
                "6.1": "valide",
                "6.2": "valide",
                "6.3": "valide",
                "6.4": "en-cours",
                "6.5": "a-evaluer",
                "6.6": "valide",
            },
            56.3,  # 4.5 / 8, 6.7 undeclared counts as à évaluer
        ),
        ("score_rgesn_7", {"7.1": "valide", "7.2": "non-valide", "7.3": "non-applicable"}, 31.3),  # 1.25 / 4
        ("score_rgesn_7", {"7.1": "valide", "7.2": "valide", "7.3": "valide", "7.4": "valide"}, 100.0),
        ("score_rgesn_7", {"7.1": "non-applicable", "7.2": "non-applicable", "7.3": "non-applicable"}, 0.0),
        ("score_rgesn_9", {"9.1": "non-applicable"}, 0.0),  # 9.1 applies to every service
        ("score_rgesn", {"7.1": "valide"}, 1.2),  # 1.25 / 100.25 = 1.2469
    ],
)
def test_rgesn_family_scores_match_the_workbook(fact: str, criteria: dict[str, str], score: float) -> None:
    facts = compute_derived({"ecodesign": {"criteria": criteria}}, DERIVATIONS, CTX).facts
    assert facts[fact].value == score


def test_a_family_where_every_criterion_is_not_applicable_has_no_score() -> None:
    # the workbook shows « Non applicable » when a family's denominator is 0
    na = {f"7.{n}": "non-applicable" for n in range(1, 5)}
    facts = compute_derived({"ecodesign": {"criteria": na}}, DERIVATIONS, CTX).facts
    assert facts["score_rgesn_7"].value is None
    assert facts["score_rgesn"].value == 0.0


# The RGAA versions are data: the schema lists the versions a manifest may declare, the pack
# (derived fact rgaa_version_statut) says which is current, which are still admitted and which
# are out of date. Adding a version (RGAA 5) touches these two files only (docs/maintenance.md).
RGAA_STATUSES = {"en-vigueur", "acceptee", "perimee"}


def _rgaa_versions_in_schema() -> list[str]:
    import json

    from .conftest import REPO

    schema = json.loads((REPO / "schemas" / "manifest.schema.json").read_text(encoding="utf-8"))
    return list(schema["properties"]["accessibility"]["properties"]["rgaa_version"]["enum"])


@pytest.mark.parametrize("version", _rgaa_versions_in_schema())
def test_every_rgaa_version_of_the_schema_has_a_status_in_the_pack(version: str) -> None:
    fact = compute_derived({"accessibility": {"rgaa_version": version}}, DERIVATIONS, CTX).facts
    assert fact["rgaa_version_statut"].value in RGAA_STATUSES, version
    assert fact["rgaa_version_statut"].origin == ("accessibility", "rgaa_version")


def test_one_rgaa_version_is_current_and_the_doctrine_s_own_is_admitted() -> None:
    status = {
        v: compute_derived({"accessibility": {"rgaa_version": v}}, DERIVATIONS, CTX)
        .facts["rgaa_version_statut"]
        .value
        for v in _rgaa_versions_in_schema()
    }
    assert [v for v, s in status.items() if s == "en-vigueur"] == ["4.1.2"]
    assert status["4.1"] == "acceptee" and status["4.0"] == "perimee"
    undeclared = compute_derived({"accessibility": {}}, DERIVATIONS, CTX).facts["rgaa_version_statut"]
    assert undeclared.value is None and [p for p, _ in undeclared.missing] == [
        ("accessibility", "rgaa_version")
    ]
