"""Baselines (fingerprints independent of lines), acceptance profiles, several reports in one
run, and arguments that name directories or glob patterns."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from doctrine_lint.cli import cli

from .conftest import EXAMPLES, PINNED_DATE

BAD = EXAMPLES / "service-tiers-non-conforme.yaml"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args, "--date", PINNED_DATE], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_baseline_hides_known_findings_and_lists_fixed_ones(tmp_path: Path) -> None:
    manifest = tmp_path / "m.yaml"
    manifest.write_text(BAD.read_text(encoding="utf-8"), encoding="utf-8")
    base = tmp_path / "baseline.json"
    assert run(str(manifest), "--write-baseline", str(base))[0] == 1
    recorded = json.loads(base.read_text(encoding="utf-8"))["findings"]
    assert recorded and all(len(item["fingerprint"]) == 32 for item in recorded)
    # unrelated edits shift every line: nothing is new
    manifest.write_text(
        "# commentaire ajouté\n# et un autre\n" + BAD.read_text(encoding="utf-8"), encoding="utf-8"
    )
    code, out, _ = run(str(manifest), "--baseline", str(base))
    assert code == 0, out
    assert "déjà connu" in out and "Aucun constat à signaler" in out
    # fix one fact: it is listed as fixed
    fixed = manifest.read_text(encoding="utf-8").replace("sso_propagation: false", "sso_propagation: true")
    manifest.write_text(fixed, encoding="utf-8")
    code, out, _ = run(str(manifest), "--baseline", str(base), "--format", "json")
    fixed_rules = [item["rule_id"] for item in json.loads(out)["manifests"][0]["baseline"]["fixed"]]
    assert "RI-6.1-SSO" in fixed_rules


def test_a_new_finding_is_reported_against_the_baseline(tmp_path: Path, write: Callable[..., Path]) -> None:
    good = EXAMPLES / "ent-second-degre.yaml"
    manifest = tmp_path / "m.yaml"
    manifest.write_text(good.read_text(encoding="utf-8"), encoding="utf-8")
    base = tmp_path / "b.json"
    assert run(str(manifest), "--write-baseline", str(base))[0] == 0
    manifest.write_text(
        good.read_text(encoding="utf-8").replace("sso_propagation: true", "sso_propagation: false"),
        encoding="utf-8",
    )
    code, out, _ = run(str(manifest), "--baseline", str(base))
    assert code == 1 and "RI-6.1-SSO" in out


def test_bad_baseline_file_is_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "b.json"
    broken.write_text("{oops", encoding="utf-8")
    code, _, err = run(str(BAD), "--baseline", str(broken))
    assert code == 2 and "JSON invalide" in err
    assert run(str(BAD), "--baseline", str(tmp_path / "absent.json"))[0] == 2


PROFILE = """\
profile: {id: cctp-ent-2027, title: "Marché ENT 2027 — exigences techniques"}
min_scores:
  overall: 97
  referentiels: {securite: 95}
  chapters: {"interoperabilite:ri-6.1": 100}
required_rules: [RI-6.1-SSO, SEC-6.1.1-HOMOLOGATION-DOSSIER]
"""


def test_profile_met_and_not_met(write: Callable[..., Path]) -> None:
    profile = write(PROFILE, "profile.yaml")
    code, out, _ = run(str(EXAMPLES / "ent-second-degre.yaml"), "--profile", str(profile))
    assert code == 0 and "✓ Règle RI-6.1-SSO conforme" in out
    code, out, _ = run(str(EXAMPLES / "ressource-gar.yaml"), "--profile", str(profile), "--fail-on", "aucun")
    assert code == 1
    # the publisher's offer leaves the risques résiduels out of its accreditation file
    assert "✗ Règle SEC-6.1.1-HOMOLOGATION-DOSSIER conforme" in out and "✗ Conformité globale" in out
    checks = json.loads(
        run(str(EXAMPLES / "ressource-gar.yaml"), "--profile", str(profile), "--format", "json")[1]
    )["manifests"][0]["profile"]
    assert {c["requirement"] for c in checks if not c["ok"]} >= {
        "Conformité globale",
        "Règle SEC-6.1.1-HOMOLOGATION-DOSSIER conforme",
    }


def test_profile_errors_are_located(write: Callable[..., Path]) -> None:
    profile = write(
        PROFILE.replace("SEC-6.1.1-HOMOLOGATION", "SEC-9-NOPE").replace("overall: 97", "overall: 190"),
        "p.yaml",
    )
    code, _, err = run(str(BAD), "--profile", str(profile))
    assert code == 2
    assert "p.yaml:3:12" in err and "supérieur au maximum" in err


def test_unknown_rule_in_a_valid_profile(write: Callable[..., Path]) -> None:
    profile = write(PROFILE.replace("SEC-6.1.1-HOMOLOGATION", "SEC-9-NOPE"), "p.yaml")
    code, _, err = run(str(BAD), "--profile", str(profile))
    assert code == 2 and "règle inconnue : SEC-9-NOPE" in err and "p.yaml:6:" in err


def test_several_reports_in_one_run(tmp_path: Path) -> None:
    out_json = tmp_path / "r.json"
    out_text = tmp_path / "r.txt"
    code, stdout, _ = run(str(BAD), "--report", f"json:{out_json}", "--report", f"text:{out_text}")
    assert code == 1 and "Scores" in stdout
    assert json.loads(out_json.read_text(encoding="utf-8"))["manifests"][0]["file"] == str(BAD)
    assert out_text.read_text(encoding="utf-8").startswith(f"== {BAD}")
    assert run(str(BAD), "--report", "pdf:x.pdf")[0] == 2


def test_directories_and_patterns_expand_to_manifests(tmp_path: Path) -> None:
    code, out, _ = run(str(EXAMPLES), "--format", "json", "--fail-on", "aucun")
    files = [m["file"] for m in json.loads(out)["manifests"]]
    assert code == 0 and len(files) == 5 and files == sorted(files)
    code, out, _ = run(str(EXAMPLES / "ent-*.yaml"), "--format", "json", "--fail-on", "aucun")
    assert [Path(m["file"]).name for m in json.loads(out)["manifests"]] == [
        "ent-premier-degre.yaml",
        "ent-second-degre.yaml",
    ]


def test_arguments_matching_no_manifest_fail_clearly(tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path))
    assert code == 2 and "aucun manifeste" in err
    code, _, err = run(str(tmp_path / "*.yaml"))
    assert code == 2 and "aucun fichier ne correspond" in err


def test_bundled_profile_accepts_good_services_and_rejects_a_gap() -> None:
    profile = str(EXAMPLES / "profils" / "marche-ent-colleges.yaml")
    assert run(str(EXAMPLES / "ent-second-degre.yaml"), "--profile", profile)[0] == 0
    assert run(str(EXAMPLES / "vie-scolaire.yaml"), "--profile", profile, "--fail-on", "aucun")[0] == 0
    assert run(str(EXAMPLES / "ressource-gar.yaml"), "--profile", profile, "--fail-on", "aucun")[0] == 1


def test_ci_integration_files_are_valid_yaml() -> None:
    import yaml

    from .conftest import REPO

    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hooks[0]["id"] == "doctrine-lint" and hooks[0]["entry"] == "doctrine-lint"
    gitlab = yaml.safe_load((EXAMPLES / "ci" / "gitlab-ci.yml").read_text(encoding="utf-8"))
    assert gitlab["doctrine-lint"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    github = yaml.safe_load((EXAMPLES / "ci" / "github-workflow.yml").read_text(encoding="utf-8"))
    steps = github["jobs"]["doctrine-lint"]["steps"]
    assert any("upload-sarif" in step.get("uses", "") for step in steps)


def test_fingerprints_ignore_list_positions_and_how_the_file_is_named(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "ex"
    folder.mkdir()
    manifest = folder / "vie-scolaire.yaml"
    text = (EXAMPLES / "vie-scolaire.yaml").read_text(encoding="utf-8")
    manifest.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run("ex/vie-scolaire.yaml", "--write-baseline", "b.json", "--fail-on", "aucun")[0] == 0
    # same file named absolutely, and from its own folder with a relative baseline path
    assert run(str(manifest), "--baseline", "b.json")[0] == 0
    # an element inserted before the failing data flow changes no fingerprint
    shifted = text.replace(
        "  data_flows:\n",
        "  data_flows:\n    - {name: Traces, data_type: interactions-traces, direction: sortant, standard: xapi}\n",
        1,
    )
    assert shifted != text
    manifest.write_text(shifted, encoding="utf-8")
    code, out, _ = run("ex/vie-scolaire.yaml", "--baseline", "b.json")
    assert code == 0, out
    assert "corrigé" not in out


def test_malformed_baseline_entries_are_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "b.json"
    bad.write_text(
        '{"format_version": 1, "findings": [{"fingerprint": "x", "file": ["a"]}]}', encoding="utf-8"
    )
    code, _, err = run(str(BAD), "--baseline", str(bad))
    assert code == 2 and "mal formée" in err and "Traceback" not in err
    bad.write_text('{"format_version": true, "findings": []}', encoding="utf-8")
    assert run(str(BAD), "--baseline", str(bad))[0] == 2


def test_profile_threshold_met_exactly_holds(write: Callable[..., Path]) -> None:
    out = run(str(EXAMPLES / "ent-premier-degre.yaml"), "--format", "json", "--fail-on", "aucun")[1]
    score = json.loads(out)["manifests"][0]["scores"]["overall"]
    exact = 100.0 * score["earned"] / score["possible"]
    profile = write(f"profile: {{id: p, title: P}}\nmin_scores: {{overall: {exact!r}}}\n", "p.yaml")
    assert (
        run(str(EXAMPLES / "ent-premier-degre.yaml"), "--profile", str(profile), "--fail-on", "aucun")[0] == 0
    )


def test_profile_unknown_chapter_is_located(write: Callable[..., Path]) -> None:
    profile = write(
        'profile: {id: p, title: P}\nmin_scores:\n  chapters:\n    "securite:6.1.9": 80\n', "p.yaml"
    )
    code, _, err = run(str(BAD), "--profile", str(profile))
    assert code == 2 and "chapitre inconnu : securite:6.1.9" in err and "p.yaml:4:5" in err


def test_unwritable_report_path_fails_before_any_work(tmp_path: Path) -> None:
    base = tmp_path / "b.json"
    code, out, err = run(
        str(BAD), "--write-baseline", str(base), "--report", f"sarif:{tmp_path}/absent/x.sarif"
    )
    assert code == 2 and "ne peut pas être écrit" in (out + err)
    assert not base.exists()


def test_profile_weighs_referentiels_and_sets_completeness_minimums(write: Callable[..., Path]) -> None:
    base = "profile: {id: p, title: P}\n"
    plain = json.loads(run(str(EXAMPLES / "ressource-gar.yaml"), "--format", "json", "--fail-on", "aucun")[1])
    securite_first = write(
        base + "weights: {referentiels: {securite: 3, interoperabilite: 1, numerique-responsable: 1}}\n",
        "w.yaml",
    )
    weighted = json.loads(
        run(
            str(EXAMPLES / "ressource-gar.yaml"),
            "--profile",
            str(securite_first),
            "--format",
            "json",
            "--fail-on",
            "aucun",
        )[1]
    )
    parts = {p["name"]: p["weight"] for p in weighted["manifests"][0]["scores"]["overall"]["parts"]}
    assert parts == {"interoperabilite": 1, "securite": 3, "numerique-responsable": 1}
    assert (
        weighted["manifests"][0]["scores"]["overall"]["score"]
        != plain["manifests"][0]["scores"]["overall"]["score"]
    )
    complete = plain["manifests"][0]["scores"]["overall"]["completeness"]
    strict = write(base + f"min_completeness: {{overall: {complete + 1}}}\n", "c.yaml")
    code, out, _ = run(str(EXAMPLES / "ressource-gar.yaml"), "--profile", str(strict), "--fail-on", "aucun")
    assert code == 1 and "✗ Complétude globale" in out
    lenient = write(base + f"min_completeness: {{overall: {complete}}}\n", "l.yaml")
    assert run(str(EXAMPLES / "ressource-gar.yaml"), "--profile", str(lenient), "--fail-on", "aucun")[0] == 0
