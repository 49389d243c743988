"""Command line: exit codes, options, formats, subcommands, and errors without tracebacks."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from doctrine_lint.cli import cli, main
from doctrine_lint.formats.json_report import expand

from .conftest import EXAMPLES, PINNED_DATE, REPO

GOOD = str(EXAMPLES / "ent-second-degre.yaml")
BAD = str(EXAMPLES / "service-tiers-non-conforme.yaml")


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_conforming_example_exits_0() -> None:
    code, out, err = run(GOOD, "--date", PINNED_DATE)
    assert code == 0, out + err
    assert "Scores" in out


def test_non_conforming_example_exits_1() -> None:
    code, out, _ = run(BAD, "--date", PINNED_DATE)
    assert code == 1
    assert "non conforme" in out


def test_fail_on_none_and_fail_under() -> None:
    assert run(BAD, "--date", PINNED_DATE, "--fail-on", "aucun")[0] == 0
    assert run(BAD, "--date", PINNED_DATE, "--fail-on", "aucun", "--fail-under", "99")[0] == 1
    assert run(GOOD, "--date", PINNED_DATE, "--fail-under", "10")[0] == 0


def test_fail_on_bloquant_ignores_lower_severities(write: Callable[..., Path]) -> None:
    # only a minor fact is missing: fails at mineur, passes at majeur
    code_low = run(BAD, "--date", PINNED_DATE, "--fail-on", "bloquant", "--select", "NR-7.1.1-RGESN-VERSION")[
        0
    ]
    code_high = run(BAD, "--date", PINNED_DATE, "--fail-on", "mineur", "--select", "NR-7.1.1-RGESN-VERSION")[
        0
    ]
    assert (code_low, code_high) == (0, 1)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["lint"], "aucun manifeste"),
        (["--select", "NOPE-*", GOOD], "ne désigne aucune règle"),
        (["--format", "yaml", GOOD], "valeur invalide pour « --format »"),
        (["--date", "hier", GOOD], "n'est pas une date"),
        (["--date", "2026-W03-4", GOOD], "n'est pas une date"),
        (["--fail-under", "120", GOOD], "120"),
        (["--only-packs", GOOD], "--only-packs demande"),
        (["--pack", "absent.yaml", GOOD], "absent.yaml: fichier introuvable"),
        (["absent.yaml"], "absent.yaml: fichier introuvable"),
    ],
)
def test_usage_and_input_errors_exit_2(args: list[str], fragment: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert fragment in out + err
    assert "Traceback" not in out + err


def test_batch_keeps_going_after_a_bad_manifest(write: Callable[..., Path]) -> None:
    broken = write("service: [\n", "broken.yaml")
    code, out, err = run(GOOD, str(broken), "--date", PINNED_DATE, "--format", "json")
    assert code == 2
    report = json.loads(out)
    assert [m["file"] for m in report["manifests"]] == [GOOD]
    assert report["errors"][0]["file"] == str(broken)
    assert "broken.yaml:2:1" in err


def test_schema_violations_are_listed_with_positions(write: Callable[..., Path]) -> None:
    path = write("""
        service:
          name: X
          editor: Y
          kind: ent-3d
        security:
          tls: {min_version: 1.2}
        inconnu: 1
        """)
    code, _, err = run(str(path))
    assert code == 2
    lines = err.strip().splitlines()
    assert lines == [
        f"doctrine-lint: erreur: {path}:4:9: service.kind : valeur « ent-3d » non reconnue "
        "(vouliez-vous dire « ent-2d » ou « ent-1d » ?) (valeurs permises : ent-1d, ent-2d, ressource, vie-scolaire, service-tiers, service-collectivite)",
        f"doctrine-lint: erreur: {path}:6:22: security.tls.min_version : texte attendu, reçu le nombre 1.2 "
        "(valeurs permises : 1.0, 1.1, 1.2, 1.3) : sans guillemets, YAML lit cette valeur comme un nombre ; "
        'écrivez-la entre guillemets, par ex. "1.2"',
        f"doctrine-lint: erreur: {path}:7:1: inconnu : clé inconnue",
    ]


def test_json_output_validates_against_the_report_schema(tmp_path: Path) -> None:
    out_file = tmp_path / "r.json"
    code, out, _ = run(GOOD, BAD, "--date", PINNED_DATE, "--format", "json", "--output", str(out_file))
    assert code == 1 and out == ""
    report = json.loads(out_file.read_text(encoding="utf-8"))
    schema = json.loads((REPO / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(report)
    stamp = report["stamp"]
    assert stamp["evaluation_date"] == PINNED_DATE
    assert {p["id"] for p in stamp["packs"]} >= {
        "dtne-interoperabilite",
        "dtne-securite",
        "dtne-numerique-responsable",
    }
    assert all(len(p["sha256"]) == 64 for p in stamp["packs"])
    assert len(report["manifests"][0]["sha256"]) == 64


def test_week_dates_are_not_dates(write: Callable[..., Path]) -> None:
    path = write("service: {name: X, editor: Y, kind: ent-2d}\naccessibility: {audit_date: 2025-W10-1}\n")
    code, _, err = run(str(path))
    assert code == 2 and "n'est pas une date AAAA-MM-JJ" in err


def test_early_evaluation_date_does_not_crash() -> None:
    assert run(GOOD, "--date", "0001-01-01")[0] in (0, 1)


def test_json_output_is_deterministic() -> None:
    first = run(GOOD, "--date", PINNED_DATE, "--format", "json")[1]
    second = run(GOOD, "--date", PINNED_DATE, "--format", "json")[1]
    assert first == second


def test_english_output() -> None:
    code, out, _ = run(BAD, "--date", PINNED_DATE, "--lang", "en")
    assert code == 1
    assert "Findings" in out and "non-compliant" in out and "Constats" not in out


def test_select_by_referentiel_and_chapter() -> None:
    out = run(BAD, "--date", PINNED_DATE, "--format", "json", "--select", "securite")[1]
    refs = {f["referentiel"] for f in expand(json.loads(out))["manifests"][0]["findings"]}
    assert refs == {"securite"}
    out = run(
        BAD,
        "--date",
        PINNED_DATE,
        "--format",
        "json",
        "--select",
        "interoperabilite:ri-6.1",
        "--ignore",
        "RI-6.1-SSO",
    )[1]
    findings = expand(json.loads(out))["manifests"][0]["findings"]
    assert findings and all(f["chapter"].startswith("ri-6.1") for f in findings)
    assert "RI-6.1-SSO" not in {f["rule_id"] for f in findings}


def test_rules_list_and_filter() -> None:
    code, out, _ = run("rules", "--select", "securite")
    assert code == 0
    assert "SEC-" in out and "RI-6.1-SSO" not in out
    data = json.loads(run("rules", "--format", "json")[1])
    assert {"id", "severity", "chapter", "title", "evidence"} <= set(data[0])


def test_rules_test_runs_every_shipped_example() -> None:
    code, out, _ = run("rules", "test")
    assert code == 0, out
    assert out.strip().splitlines()[-1].endswith(" 0 failed")


def test_rules_test_reports_a_wrong_example(write: Callable[..., Path]) -> None:
    from .test_packs import HEADER, RULE

    pack = write(
        HEADER + RULE.replace("{identity: {admin_mfa: false}}}", "{identity: {admin_mfa: true}}}"), "p.yaml"
    )
    code, out, _ = run("rules", "test", str(pack))
    assert code == 1
    assert "T-6.1-A exemple 2 : attendu non-conforme, obtenu conforme" in out
    assert out.strip().endswith("1 passed, 1 failed")


def test_explain_rule_and_unknown_rule() -> None:
    code, out, _ = run("explain", "RI-6.1-SSO")
    assert code == 0
    for heading in (
        "# RI-6.1-SSO",
        "## Pourquoi",
        "## Comment corriger",
        "## Références",
        "## Exemples",
        "## Provenance",
    ):
        assert heading in out
    code, out, _ = run("explain", "RI-6.1-SSO", "--lang", "en")
    assert "## Why" in out
    code, _, err = run("explain", "RI-9.9-NOPE")
    assert code == 2 and "règle inconnue" in err


def test_explain_score_shows_every_contribution() -> None:
    code, out, _ = run("explain", "--score", BAD, "--date", PINNED_DATE)
    assert code == 0
    assert "100 ×" in out
    assert "RI-6.1-SSO" in out
    assert "non applicable car" in out


def test_schema_command_prints_the_manifest_schema() -> None:
    code, out, _ = run("schema")
    assert code == 0
    assert json.loads(out)["$id"].endswith("manifest.schema.json")
    assert json.loads(run("schema", "rulepack")[1])["title"].startswith("Pack")


def test_help_documents_exit_codes() -> None:
    out = run("lint", "--help")[1]
    assert "Codes de sortie" in out and "2  erreur" in out


def test_internal_error_has_no_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import doctrine_lint.linter as linter

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(linter, "lint_document", boom)
    monkeypatch.setattr(sys, "argv", ["doctrine-lint", GOOD])
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 3
    err = capsys.readouterr().err
    assert "erreur interne" in err and "Traceback" not in err


def test_rich_presenter_respects_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    from rich.console import Console

    from doctrine_lint.console import present
    from doctrine_lint.formats import RenderOptions
    from doctrine_lint.linter import lint
    from doctrine_lint.packs import load_packs

    report = lint([BAD], load_packs(), today=date.fromisoformat(PINNED_DATE))
    coloured = io.StringIO()
    present(report, Console(file=coloured, force_terminal=True, width=120), RenderOptions())
    assert "\x1b[31m" in coloured.getvalue()  # red for major findings
    monkeypatch.setenv("NO_COLOR", "1")
    plain = io.StringIO()
    present(report, Console(file=plain, force_terminal=True, width=120), RenderOptions())
    assert "\x1b[31m" not in plain.getvalue()
    assert "RI-6.1-SSO" in plain.getvalue() and "█" in plain.getvalue()


def test_python_dash_m_entry_point() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "doctrine_lint", "--version"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0 and "doctrine-lint" in proc.stdout


def test_min_evidence_is_stamped_and_counted() -> None:
    out = run(BAD, "--date", PINNED_DATE, "--format", "json", "--min-evidence", "officiel")[1]
    report = json.loads(out)
    stamp = report["stamp"]
    assert stamp["min_evidence"] == "officiel"
    assert stamp["rules_by_evidence"]["inference"] == 0 and stamp["rules_by_evidence"]["secondaire"] == 0
    assert stamp["rules_by_evidence"]["officiel"] > 0
    evidence = report["manifests"][0]["evidence"]
    assert evidence["inference"]["rules"] == 0
    assert sum(row["rules"] for row in evidence.values()) == stamp["rules_evaluated"]


def test_report_shows_computed_facts_and_the_cyber_index() -> None:
    out = run(GOOD, "--date", PINNED_DATE)[1]
    assert "Faits calculés" in out and "Niveau de sécurité requis" in out and "Indice cyber" in out
    data = json.loads(run(GOOD, "--date", PINNED_DATE, "--format", "json")[1])["manifests"][0]
    names = {d["name"] for d in data["derived"]}
    assert {"niveau_securite", "score_rgesn"} <= names
    assert data["metrics"][0]["name"] == "indice_cyber"


@pytest.mark.parametrize(
    "args",
    [
        ["examples/ent-second-degre.yaml", "--fail-under", "nan"],
        ["examples/ent-second-degre.yaml", "--min-completeness", "NaN"],
        ["review", "examples", "--min-score", "nan"],
        ["impact", "examples", "--packs-old", "shipped", "--packs-new", "shipped", "--threshold", "nan"],
    ],
    ids=["fail-under", "min-completeness", "min-score", "threshold"],
)
def test_nan_is_not_a_rate(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from .conftest import REPO

    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "« nan » n'est pas un nombre" in result.stderr
