"""Each missing fact is asked once: findings *à renseigner* are grouped by the block to declare,
ranked by the weight of the rules that block would let decide, in every human report."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from doctrine_lint.formats import RenderOptions, get_formatter
from doctrine_lint.formats.view import facts_to_declare
from doctrine_lint.linter import lint
from doctrine_lint.model import Outcome
from doctrine_lint.packs import load_packs

from .conftest import EXAMPLES, PINNED_DATE

BAD = EXAMPLES / "service-tiers-non-conforme.yaml"


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return lint([BAD], load_packs(), today=date.fromisoformat(PINNED_DATE))


def test_every_missing_fact_is_asked_once_ranked_by_weight(report) -> None:  # type: ignore[no-untyped-def]
    (result,) = report.results
    facts = facts_to_declare(result, "fr")
    pending = [f for f in result.findings if f.outcome is Outcome.A_RENSEIGNER]
    # 200 findings to declare, a handful of requests
    assert len(pending) > 150 and len(facts) < 15
    weights = [f.weight for f in facts]
    assert weights == sorted(weights, reverse=True)
    # each rule waiting for a fact is named by exactly one request, and every such rule is named
    named = [rule for fact in facts for rule in fact.rules]
    assert len(named) == len(set(named)) == len({f.rule_id for f in pending})
    # the partly declared MonServiceSécurisé block is one request, first, at its own line
    first = facts[0]
    assert first.path == "security.measures" and len(first.facts) > 50
    assert first.position == f"{BAD}:{_line(BAD, 'measures:')}:3"
    assert first.summary.startswith(f"débloque {len(first.rules)} règles, poids ")


def _line(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_a_missing_block_is_one_request(tmp_path: Path) -> None:
    manifest = tmp_path / "m.yaml"
    manifest.write_text(
        "service: {name: S, editor: E, kind: ent-2d, audiences: [eleves]}\n", encoding="utf-8"
    )
    (result,) = lint([manifest], load_packs(), today=date.fromisoformat(PINNED_DATE)).results
    paths = [f.path for f in facts_to_declare(result, "fr")]
    assert "accessibility" in paths and not any(p.startswith("accessibility.") for p in paths)
    assert len(paths) == len(set(paths))


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_every_human_report_lists_the_requests_once(report, fmt: str) -> None:  # type: ignore[no-untyped-def]
    out = get_formatter(fmt)(report, RenderOptions(lang="fr"))
    section = out.split("Faits à déclarer", 1)[1]
    assert section.count("security.measures") >= 1
    # not also listed as a finding (the HTML priority list names the rules a fact would decide)
    before = re.sub(r'<ol class="priorities">.*?</ol>', "", out, flags=re.S).split("Faits à déclarer", 1)[0]
    assert "MSS-ADMIN.1" not in before
    assert "débloque" in section
