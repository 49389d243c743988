"""Synthetic rules: one table describes every finding doctrine-lint gives of its own."""

from __future__ import annotations

import ast

from doctrine_lint.model import Severity
from doctrine_lint.synthetic import PROFILE_RULE, SYNTHETIC_RULES, synthetic_rule

from .conftest import REPO


def test_every_synthetic_rule_is_described_with_its_severity() -> None:
    assert {rule_id: r.severity for rule_id, r in SYNTHETIC_RULES.items()} == {
        "DEROGATION-EXPIREE": Severity.MAJEUR,
        "DEROGATION-BIENTOT-EXPIREE": Severity.INFO,
        "DEROGATION-REFUSEE": Severity.MAJEUR,
        "DEROGATION-TROP-LONGUE": Severity.MAJEUR,
        "DEROGATION-INVALIDE": Severity.MAJEUR,
        PROFILE_RULE: Severity.MAJEUR,
        "PREUVE-CONTRADICTION": Severity.MAJEUR,
        "PREUVE-CHIFFRE-OFFICIEL": Severity.MAJEUR,
        "PREUVE-SELECTION-MSS": Severity.MINEUR,
    }
    for rule in SYNTHETIC_RULES.values():
        assert rule.title.fr and rule.title.en and rule.description.fr and rule.remediation.fr


def test_an_unknown_id_gets_a_bare_description() -> None:
    bare = synthetic_rule("AUTRE", Severity.MINEUR)
    assert (bare.id, bare.title.fr, bare.severity) == ("AUTRE", "AUTRE", Severity.MINEUR)


def test_no_other_module_spells_a_synthetic_rule_id() -> None:
    """The ids are written once, in doctrine_lint/synthetic.py: a formatter or the waiver code
    that spelled one again could drift from the table."""
    ids = set(SYNTHETIC_RULES)
    for path in (REPO / "doctrine_lint").rglob("*.py"):
        if path.name == "synthetic.py":
            continue
        strings = {
            node.value
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        }
        assert not strings & ids, f"{path.name} spells {sorted(strings & ids)}"
