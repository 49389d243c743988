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
    (metric,) = __import__("json").loads(result.stdout)["manifests"][0]["metrics"]
    assert metric["value"] is None and metric["rules"] == 1
