"""Generated artefacts stay in step with their sources: the catalogue packs with the public data
and the team's texts, docs/rules.md with the loaded packs."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml
from click.testing import CliRunner

from doctrine_lint.cli import cli
from doctrine_lint.packs import load_packs

from .conftest import REPO

DATA = REPO.parent / "shared" / "data"


@pytest.mark.skipif(
    not (DATA / "mss-mesures-v2.json").exists(), reason="../shared/data is not beside this checkout"
)
def test_generated_packs_are_up_to_date() -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO / "tools" / "generate_packs.py"), "--check", "--data", str(DATA)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_docs_rules_md_is_up_to_date() -> None:
    result = CliRunner().invoke(cli, ["rules", "--format", "markdown"], catch_exceptions=False)
    assert result.exit_code == 0
    expected = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert result.stdout == expected, (
        "docs/rules.md is stale: doctrine-lint rules --format markdown > docs/rules.md"
    )


def test_catalogue_packs_cover_every_measure_and_criterion() -> None:
    packs = {p.id: p for p in load_packs()}
    mss_ids = {
        r.id.removeprefix("MSS-").removesuffix("-I").removesuffix("-R")
        for r in packs["dtne-securite-mss"].rules
        if not r.id.endswith("-COHERENCE")  # consistency rules of tools/catalogues/liens.yaml
    }
    texts = yaml.safe_load((REPO / "tools" / "catalogues" / "mss-textes.yaml").read_text(encoding="utf-8"))
    # every measure that some level or characteristic can select has a rule
    assert len(texts) == 135
    assert mss_ids <= set(texts) and len(mss_ids) >= 130
    rgesn = [r for r in packs["dtne-rgesn"].rules if not r.id.endswith("-COHERENCE")]
    assert len(rgesn) == 78
    weights = {r.severity.slug: set() for r in rgesn}
    for r in rgesn:
        weights[r.severity.slug].add(r.weight)
    assert weights == {"majeur": {1.5}, "mineur": {1.25, 1.0}}


def test_every_mss_measure_is_either_a_rule_or_never_selected() -> None:
    import csv

    if not (DATA / "mss-mesures-v2-niveaux.csv").exists():
        pytest.skip("../shared/data is not beside this checkout")
    with (DATA / "mss-mesures-v2-niveaux.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    packs = {p.id: p for p in load_packs()}
    rules = {
        r.id.removeprefix("MSS-").removesuffix("-I").removesuffix("-R")
        for r in packs["dtne-securite-mss"].rules
        if not r.id.endswith("-COHERENCE")  # consistency rules of tools/catalogues/liens.yaml
    }
    missing = {r["REF"] for r in rows} - rules
    assert all(
        not any(r[lvl] for lvl in ("Basique", "Modéré", "Avancé")) for r in rows if r["REF"] in missing
    )
