"""The bundled example with evidence files: its measures, criteria and audit results come from
the official exports, the reports say so, and the stale figure it declares is a finding."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from doctrine_lint.linter import lint
from doctrine_lint.model import Outcome
from doctrine_lint.packs import load_packs

from .conftest import PINNED_DATE, REPO

EXAMPLE = REPO / "examples" / "preuves" / "ressource-gar-preuves.yaml"


def test_the_example_is_filled_from_its_evidence_files() -> None:
    report = lint([EXAMPLE], load_packs(), today=date.fromisoformat(PINNED_DATE))
    assert not report.errors
    (result,) = report.results
    assert [e.kind for e in result.evidence] == ["ara-json", "mss-csv", "rgesn-xlsx"]
    data = result.document.data
    assert len(data["security"]["measures"]) == 78 and len(data["ecodesign"]["criteria"]) == 78
    assert (
        data["accessibility"]["audit_scope"] == "complet" and data["accessibility"]["conformance_rate"] == 89
    )
    by_rule = {f.rule_id: f for f in result.findings}
    # every MSS measure and RGESN criterion is decided by its export, located in it
    for rule_id, f in by_rule.items():
        if f.pack_id in ("dtne-securite-mss", "dtne-rgesn") and f.outcome is not Outcome.NON_APPLICABLE:
            if rule_id.endswith("-COHERENCE"):
                continue
            assert f.proof is not None, rule_id
            assert Path(f.location.file).parent.name == "fichiers" and f.location.line > 1, rule_id
    contradiction = by_rule["PREUVE-CONTRADICTION"]
    assert (contradiction.path, contradiction.location.line) == ("accessibility.conformance_rate", 204)
    # the official figures agree with the files' own rows and with doctrine-lint's computation
    assert "PREUVE-CHIFFRE-OFFICIEL" not in by_rule and "PREUVE-SELECTION-MSS" not in by_rule
    figures = {fig.name: fig for e in result.evidence for fig in e.figures}
    assert figures["taux-rgaa"].recomputed == figures["taux-rgaa"].in_file == 89
    metrics = {m.name: m.value for m in result.metrics}
    assert figures["indice-cyber"].recomputed == metrics["indice_cyber"]
    assert report.exit_code == 1


def test_the_evidence_example_json_report_validates_against_its_schema() -> None:
    import json

    import jsonschema
    from click.testing import CliRunner

    from doctrine_lint.cli import cli

    result = CliRunner().invoke(
        cli,
        [
            str(REPO / "examples" / "preuves" / "ressource-gar-preuves.yaml"),
            "--format",
            "json",
            "--date",
            PINNED_DATE,
        ],
        catch_exceptions=False,
    )
    report = json.loads(result.stdout)
    schema = json.loads((REPO / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(report)
    # places without a line in an official export point at the file's start, flagged as not exact
    located = [
        f["location"]
        for f in report["manifests"][0]["findings"]
        if f["location"].get("file", "").endswith(("ara-rapport.json", "rgesn-declaration.xlsx"))
    ]
    assert located and all(loc["line"] >= 1 and loc["column"] >= 1 for loc in located)
