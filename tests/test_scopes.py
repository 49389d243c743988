"""Where blocking rules bind: a blocking rule whose force comes from the doctrine follows the scope
of the December 2025 decree, homologation and the accessibility statement follow the body
responsible for the service, and a sibling rule carries the requirement elsewhere."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest

from doctrine_lint.conditions import Context
from doctrine_lint.engine import evaluate_rule
from doctrine_lint.model import Outcome, Severity
from doctrine_lint.packs import Rule, load_packs

RULES: dict[str, Rule] = {r.id: r for p in load_packs() for r in p.rules}
DAY = date(2026, 11, 28)
N, C, NC, R = Outcome.NON_APPLICABLE, Outcome.CONFORME, Outcome.NON_CONFORME, Outcome.A_RENSEIGNER

# (blocking rule, sibling that carries the same requirement outside the blocking scope)
PAIRS = [
    ("RI-6.1-SSO", "RI-6.1-SSO-RECOMMANDEE"),
    ("NR-6.1.2-RGAA-DECLARATION", "NR-6.1.2-RGAA-DECLARATION-RECOMMANDEE"),
]


def outcome(rule_id: str, manifest: dict[str, Any]) -> Outcome:
    return evaluate_rule(RULES[rule_id], manifest, Context(DAY, manifest))[0]


def test_doctrine_based_blocking_rules_follow_the_decree_scope() -> None:
    doctrine_based = [
        r
        for r in RULES.values()
        if r.severity is Severity.BLOQUANT and r.provenance.legal_basis in ("doctrine", "decret-2025-1165")
    ]
    assert [r.id for r in doctrine_based] == ["RI-6.1-SSO"]
    for rule in doctrine_based:
        assert "hors-champ-decret" in repr(rule.raw_applies_when), rule.id


SERVICES: list[dict[str, Any]] = [
    {
        k: v
        for k, v in zip(
            ("responsible", "operator", "used_by_eple", "professional_training_tool", "kind"),
            combo,
            strict=True,
        )
        if v is not None
    }
    for combo in itertools.product(
        (None, "collectivite", "entreprise"),
        ("eple", "entreprise"),
        (None, True, False),
        (None, True),
        ("ent-1d", "ressource"),
    )
]


@pytest.mark.parametrize(("blocking", "sibling"), PAIRS)
@pytest.mark.parametrize("service", SERVICES, ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()))
def test_exactly_one_of_a_pair_applies(blocking: str, sibling: str, service: dict[str, Any]) -> None:
    manifest = {
        "service": service,
        "identity": {"sso_propagation": False},
        "accessibility": {"declaration_url": False},
    }
    outcomes = (outcome(blocking, manifest), outcome(sibling, manifest))
    assert sorted(o is N for o in outcomes) == [False, True], (blocking, sibling, outcomes)


# The same services described twice: by the authority that deploys them, and as a supplier's
# offer. Expected outcomes of the scoped rules, none declared (à renseigner) unless stated.
DEPLOYMENT = {
    "service": {
        "kind": "ent-2d",
        "operator": "entreprise",
        "responsible": "collectivite",
        "used_by_eple": True,
    }
}
OFFER = {
    "service": {
        "kind": "ressource",
        "operator": "entreprise",
        "responsible": "entreprise",
        "used_by_eple": True,
    }
}
SCHOOLS_ONLY = {"service": {"kind": "ent-1d", "responsible": "collectivite", "used_by_eple": False}}
TRAINING_TOOL = {
    "service": {
        "kind": "service-tiers",
        "responsible": "entreprise",
        "used_by_eple": True,
        "professional_training_tool": True,
    }
}
BIG_COMPANY = {
    "service": {"kind": "ressource", "responsible": "entreprise", "used_by_eple": True},
    "accessibility": {"legally_required": True},
}

CASES = [
    ("SEC-6.1.1-HOMOLOGATION", [R, N, R, N, N]),
    ("SEC-6.1.1-HOMOLOGATION-DOSSIER", [N, R, N, R, R]),
    ("NR-6.1.2-RGAA-DECLARATION", [R, N, R, N, R]),
    ("NR-6.1.2-RGAA-DECLARATION-RECOMMANDEE", [N, R, N, R, N]),
    ("RI-6.1-SSO", [R, R, N, N, R]),
    ("RI-6.1-SSO-RECOMMANDEE", [N, N, R, R, N]),
]


@pytest.mark.parametrize(("rule_id", "expected"), CASES, ids=[c[0] for c in CASES])
def test_a_deployment_and_an_offer_are_each_judged_in_their_place(
    rule_id: str, expected: list[Outcome]
) -> None:
    got = [outcome(rule_id, m) for m in (DEPLOYMENT, OFFER, SCHOOLS_ONLY, TRAINING_TOOL, BIG_COMPANY)]
    assert got == expected


def test_a_pupil_resource_outside_the_gar_fails_and_the_gar_rules_stand_aside() -> None:
    manifest = {"service": {"kind": "ressource", "audiences": ["eleves"]}, "gar": {"role": "aucun"}}
    assert outcome("EXT-GAR-RESSOURCE-ELEVES", manifest) is NC
    assert all(
        outcome(r, manifest) is N
        for r in RULES
        if r.startswith("EXT-GAR-") and r != "EXT-GAR-RESSOURCE-ELEVES"
    )
    manifest["gar"] = {"role": "fournisseur-ressources"}
    assert outcome("EXT-GAR-RESSOURCE-ELEVES", manifest) is C
