"""Every shipped rule: its examples give the promised outcome, and its metadata is complete."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from doctrine_lint.model import Evidence, Severity
from doctrine_lint.packs import Rule, load_packs
from doctrine_lint.resources import shipped_packs
from doctrine_lint.ruletest import run_examples

from .conftest import REPO

PACKS = load_packs()
RULES: list[Rule] = [r for p in PACKS for r in p.rules]


@pytest.mark.parametrize("result", run_examples(PACKS), ids=lambda r: f"{r.rule_id}#{r.index + 1}")
def test_rule_example(result) -> None:  # type: ignore[no-untyped-def]
    assert result.ok, result.problem or f"expected {result.expected.value}, got {result.actual}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_is_bilingual_sourced_and_honest(rule: Rule) -> None:
    for field in (rule.title, rule.rationale, rule.remediation, rule.chapter_title):
        assert field.en, f"{rule.id}: English text missing"
    if rule.message is not None:
        assert rule.message.en, f"{rule.id}: English message missing"
    if rule.provenance.note is not None:
        assert rule.provenance.note.en, f"{rule.id}: English provenance note missing"
    assert rule.references and all(
        r.url.startswith("https://") or r.url.startswith("http://") for r in rule.references
    )
    if rule.provenance.evidence in (Evidence.SECONDAIRE, Evidence.INFERENCE):
        assert rule.severity is not Severity.BLOQUANT
        assert not rule.provenance.verified, (
            f"{rule.id}: a rule built on {rule.provenance.evidence.value} cannot be verified"
        )
    outcomes = {ex.outcome.value for ex in rule.examples}
    assert {"conforme", "non-conforme"} <= outcomes


@pytest.mark.parametrize("path", shipped_packs(), ids=lambda p: p.name)
def test_shipped_pack_validates_against_the_full_editor_schema(path: Path) -> None:
    schema = json.loads((REPO / "schemas" / "rulepack.schema.json").read_text(encoding="utf-8"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
    # a shipped pack's file is named after its id, so `extends: <id>` finds it
    assert data["pack"]["id"] == path.stem


def test_rule_ids_are_unique_across_packs() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.id)
def test_pack_texts_are_bilingual(pack) -> None:  # type: ignore[no-untyped-def]
    assert pack.title.en, f"{pack.id}: English title missing"
    for text in pack.chapters.values():
        assert text.en
    for item in [*pack.derivations, *pack.metrics]:
        assert item.title.en, f"{pack.id}: {item.name} has no English title"
