"""One requirement, one rule: a hand-written rule and a catalogue rule (MonServiceSécurisé
measure, RGESN criterion) that count the same requirement are linked by `same_as`, and only one
side weighs. The pairs are data: tools/catalogues/liens.yaml."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest
import yaml

from doctrine_lint.conditions import Context
from doctrine_lint.derived import DERIVED_ROOT, compute_derived
from doctrine_lint.engine import evaluate_rule
from doctrine_lint.model import Outcome
from doctrine_lint.packs import Rule, all_derivations, load_packs

from .conftest import REPO
from .test_pack_invariants import paths_in

PACKS = load_packs()
RULES: dict[str, Rule] = {r.id: r for p in PACKS for r in p.rules}
LINKS = yaml.safe_load((REPO / "tools" / "catalogues" / "liens.yaml").read_text(encoding="utf-8"))
PREFIX = {"mss": "MSS-", "rgesn": "RGESN-"}


def _catalogue_ids(kind: str, ident: str) -> list[str]:
    base = f"{PREFIX[kind]}{ident}"
    return [i for i in (base, f"{base}-I", f"{base}-R") if i in RULES]


ENTRIES = [(kind, str(ident), entry) for kind in PREFIX for ident, entry in LINKS[kind].items()]
PAIRS = sorted(
    (hand, cat)
    for kind, ident, entry in ENTRIES
    for hand in entry["rules"]
    for cat in _catalogue_ids(kind, ident)
)


def test_the_reviewed_pairs_are_linked() -> None:
    for pair in [
        ("SEC-MSS-FILTRE-WAF", "MSS-FILTRE.5"),
        ("SEC-H-SECNUMCLOUD", "MSS-ECOSYSTEME.4"),
        ("NR-7.1.1-RGESN-2.2-TERMINAUX-ANCIENS", "RGESN-2.2"),
        ("NR-7.1.1-RGESN-2.4-NAVIGATEURS", "RGESN-2.4"),
    ]:
        assert pair in PAIRS
    assert len({hand for hand, _ in PAIRS}) >= 19


@pytest.mark.parametrize(("kind", "ident", "entry"), ENTRIES, ids=lambda v: v if isinstance(v, str) else "")
def test_each_link_is_declared_on_both_sides(kind: str, ident: str, entry: dict[str, Any]) -> None:
    cats = _catalogue_ids(kind, ident)
    assert cats, f"{kind} {ident}: no generated rule"
    for cat in cats:
        assert set(RULES[cat].same_as) == set(entry["rules"])
        if entry.get("reads_field", True):
            read = set(paths_in(RULES[cat].raw_check))
            assert set(paths_in(entry["done"])) <= read, f"{cat} does not read the dedicated fact"
    for hand in entry["rules"]:
        assert set(cats) <= set(RULES[hand].same_as)
    assert f"{PREFIX[kind]}{ident}-COHERENCE" in RULES


@pytest.mark.parametrize("rule", [r for r in RULES.values() if r.same_as], ids=lambda r: r.id)
def test_a_linked_requirement_weighs_once(rule: Rule) -> None:
    for other_id in rule.same_as:
        assert other_id in RULES, f"{rule.id}: same_as names an unknown rule {other_id}"
        other = RULES[other_id]
        assert rule.id in other.same_as, f"{other_id} does not link back to {rule.id}"
        assert (rule.weight > 0) != (other.weight > 0), (
            f"{rule.id} (weight {rule.weight}) and {other_id} (weight {other.weight}): exactly one must weigh"
        )


DAY = date(2026, 11, 28)
DERIVATIONS = all_derivations(PACKS)
MODERE_INTERNET = {
    "personal_data": {"processed": True, "minors": False, "categories": ["identite"]},
    "security": {
        "level_facts": {
            "data_volume": "eleve",
            "audience_size": "moyenne",
            "max_outage": "moins-24h",
            "exposure": "internet",
        }
    },
}


def _outcome(rule_id: str, manifest: dict[str, Any]) -> Outcome:
    derived = compute_derived(manifest, DERIVATIONS, Context(DAY, manifest))
    data = {**manifest, DERIVED_ROOT: derived.values()}
    return evaluate_rule(RULES[rule_id], data, Context(DAY, data))[0]


def _with(security: dict[str, Any]) -> dict[str, Any]:
    return {**MODERE_INTERNET, "security": {**MODERE_INTERNET["security"], **security}}


def test_the_dedicated_field_decides_the_measure_when_its_status_is_not_declared() -> None:
    assert _outcome("MSS-FILTRE.5", _with({"protections": {"waf": True}})) is Outcome.CONFORME
    assert _outcome("MSS-FILTRE.5", _with({"protections": {"waf": False}})) is Outcome.NON_CONFORME
    assert _outcome("MSS-FILTRE.5", _with({})) is Outcome.A_RENSEIGNER
    # a declared status wins over the field; the contradiction is a finding of its own
    both = _with({"protections": {"waf": False}, "measures": {"FILTRE.5": "faite"}})
    assert _outcome("MSS-FILTRE.5", both) is Outcome.CONFORME
    assert _outcome("MSS-FILTRE.5-COHERENCE", both) is Outcome.NON_CONFORME
    agree = _with({"protections": {"waf": True}, "measures": {"FILTRE.5": "faite"}})
    assert _outcome("MSS-FILTRE.5-COHERENCE", agree) is Outcome.CONFORME


def test_an_rgesn_criterion_contradicting_its_dedicated_fact_is_reported() -> None:
    manifest = {"ecodesign": {"criteria": {"2.2": "valide"}, "oldest_device_years": 5}}
    assert _outcome("RGESN-2.2", manifest) is Outcome.CONFORME
    assert _outcome("RGESN-2.2-COHERENCE", manifest) is Outcome.NON_CONFORME
    assert RULES["NR-7.1.1-RGESN-2.2-TERMINAUX-ANCIENS"].weight == 0


# A hand-written rule that cites an RGESN criterion (by number in its texts or references, or by
# reading its status) restates it: unless it is linked, the criterion would weigh twice.
_RGESN_CITATION = re.compile(
    r"RGESN(?: \d{4})?,? (?:critère|criterion) (\d\.\d{1,2})\b"
    r"|(?:critère|criterion) (\d\.\d{1,2}) (?:du|of) (?:the )?RGESN"
    r"|RGESN (?:\d{4} )?(?:critère |criterion )?(\d\.\d{1,2})\b"
    r"|RGESN-(\d\.\d{1,2})\b"
    r'|ecodesign\.criteria\[\\?"(\d\.\d{1,2})\\?"\]'
)
GENERATED = {"dtne-rgesn", "dtne-securite-mss"}


def rgesn_citations(rule: dict[str, Any]) -> set[str]:
    """The RGESN criteria a rule cites, outside its examples (which may declare any criterion)."""
    text = json.dumps({k: v for k, v in rule.items() if k != "examples"}, ensure_ascii=False)
    return {next(g for g in m.groups() if g) for m in _RGESN_CITATION.finditer(text)}


@pytest.mark.parametrize(
    ("text", "cited"),
    [
        ({"rationale": {"fr": "Seuil lu dans le critère 2.2 du RGESN 2024."}}, {"2.2"}),
        ({"references": [{"section": "RGESN 2024, critère 6.1 (données)"}]}, {"6.1"}),
        ({"rationale": {"en": "Threshold read in RGESN 2024 criterion 2.4."}}, {"2.4"}),
        ({"check": {"path": 'ecodesign.criteria["4.10"]', "equals": "valide"}}, {"4.10"}),
        ({"same_as": ["RGESN-8.1"]}, {"8.1"}),
        ({"rationale": {"fr": "Critère 8.5 du RGAA ; mesure AUTH.8."}}, set()),
        ({"examples": [{"manifest": {"ecodesign": {"criteria": {"1.1": "valide"}}}}]}, set()),
    ],
)
def test_rgesn_citations_are_found_in_texts_references_and_paths(
    text: dict[str, Any], cited: set[str]
) -> None:
    assert rgesn_citations(text) == cited


def _hand_written_rules() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted((REPO / "rules").glob("*.yaml")):
        pack = yaml.safe_load(path.read_text(encoding="utf-8"))
        if pack["pack"]["id"] not in GENERATED:
            out += [(pack["pack"]["id"], r) for r in pack["rules"]]
    return out


def test_no_hand_written_rule_restates_an_rgesn_criterion_without_a_link() -> None:
    """No twin: each criterion a hand-written rule cites is linked in liens.yaml, with
    `same_as` on both sides and a single side weighing (test_a_linked_requirement_weighs_once)."""
    linked = {str(num): set(entry["rules"]) for num, entry in LINKS["rgesn"].items()}
    twins = [
        f"{pack}: {rule['id']} cites RGESN {num}"
        for pack, rule in _hand_written_rules()
        for num in sorted(rgesn_citations(rule))
        if rule["id"] not in linked.get(num, set()) or f"RGESN-{num}" not in rule.get("same_as", [])
    ]
    assert twins == []
    assert {rule["id"] for _, rule in _hand_written_rules() if rgesn_citations(rule)} >= {
        "NR-7.1.1-RGESN-2.2-TERMINAUX-ANCIENS",
        "NR-7.1.1-RGESN-6.1-BUDGET-ECRAN",
    }


def test_an_rgesn_criterion_weighs_once_in_its_family() -> None:
    """Each family (chapter rgesn-N) weighs exactly its criteria, with their official weights, so
    its progress rate is the workbook's family score: coherence rules and linked hand-written
    rules weigh 0."""
    derived = {d.name: d.aggregate for d in DERIVATIONS}
    for family in range(1, 10):
        weighing = {r.id: r.weight for r in RULES.values() if r.chapter == f"rgesn-{family}" and r.weight > 0}
        aggregate = derived[f"score_rgesn_{family}"]
        assert aggregate is not None
        assert weighing == {f"RGESN-{num}": w for num, w in aggregate.weights.items()}, family
    hand_weight = [
        (rule.id, rule.weight)
        for rule in RULES.values()
        if rule.same_as and any(s.startswith("RGESN-") for s in rule.same_as) and rule.weight
    ]
    assert hand_weight == []
