"""`doctrine-lint diff`: two versions of a submission compared by occurrence identity, whatever
their file names, from manifests or JSON reports; text, Markdown and JSON (golden files); errors
located; hostile text inert."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from doctrine_lint.cli import cli
from doctrine_lint.diff import Kind, compare_findings
from doctrine_lint.model import Outcome, Severity
from doctrine_lint.reportfile import FindingData

from .conftest import PINNED_DATE, REPO

FIXTURES = Path("tests/fixtures/diff")
OLD = str(FIXTURES / "ent-depot-septembre.yaml")
NEW = str(FIXTURES / "ent-depot-novembre.yaml")
GOLDEN = Path(__file__).parent / "golden"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["diff", *args, "--date", PINNED_DATE], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


# --- the comparison itself, case by case -----------------------------------------------------


def _finding(
    outcome: Outcome | None, severity: Severity = Severity.MAJEUR, message: str = "m"
) -> FindingData | None:
    if outcome is None:
        return None
    return FindingData(
        "R-1", outcome, severity, 3.0, message, "a.b[0]", "a.b[name=x]", "name = x", "f.yaml", 3, 5,
        "securite", "6.1", "p",
    )  # fmt: skip


NC, AR, C, NA, D = (
    Outcome.NON_CONFORME,
    Outcome.A_RENSEIGNER,
    Outcome.CONFORME,
    Outcome.NON_APPLICABLE,
    Outcome.DEROGATION,
)


@pytest.mark.parametrize(
    ("before", "after", "kind", "regression"),
    [
        (None, NC, Kind.NEW, True),
        (None, AR, Kind.NEW, True),
        (C, NC, Kind.NEW, True),
        (NA, AR, Kind.NEW, True),
        (None, D, Kind.NEW, False),  # a new dérogation is listed, it does not fail
        (NC, None, Kind.FIXED, False),
        (NC, C, Kind.FIXED, False),
        (AR, NA, Kind.FIXED, False),
        (D, C, Kind.FIXED, False),
        (NC, D, Kind.CHANGED, False),
        (D, NC, Kind.CHANGED, True),  # the dérogation lapsed: a failure again
        (AR, NC, Kind.CHANGED, False),  # both fail: not new at the same severity
        (NC, NC, None, False),
        (C, C, None, False),
        (NA, C, None, False),
        (None, C, None, False),
    ],
)
def test_each_pair_of_outcomes_is_classified(
    before: Outcome | None, after: Outcome | None, kind: Kind | None, regression: bool
) -> None:
    old, new = _finding(before), _finding(after)
    changes, unchanged = compare_findings([f for f in [old] if f], [f for f in [new] if f])
    assert [c.kind for c in changes] == ([kind] if kind else [])
    assert unchanged == (1 if kind is None and before in (NC, AR, D) else 0)
    assert [c.regression(Severity.MINEUR) for c in changes] == ([regression] if kind else [])


@pytest.mark.parametrize(
    ("old", "new", "fields", "regression"),
    [
        ((NC, Severity.MINEUR, "m"), (NC, Severity.MAJEUR, "m"), ("severity",), True),
        ((NC, Severity.MAJEUR, "m"), (NC, Severity.MINEUR, "m"), ("severity",), False),
        ((NC, Severity.MAJEUR, "m"), (NC, Severity.MAJEUR, "autre"), ("message",), False),
        ((AR, Severity.INFO, "m"), (NC, Severity.BLOQUANT, "n"), ("outcome", "severity", "message"), True),
    ],
)
def test_a_changed_occurrence_says_what_changed(
    old: tuple[Outcome, Severity, str],
    new: tuple[Outcome, Severity, str],
    fields: tuple[str, ...],
    regression: bool,
) -> None:
    changes, _ = compare_findings([_finding(*old)], [_finding(*new)])  # type: ignore[list-item]
    assert [(c.kind, c.fields) for c in changes] == [(Kind.CHANGED, fields)]
    assert changes[0].regression(Severity.MAJEUR) is regression


# --- two versions of an example -----------------------------------------------------------------


def _json_diff(*args: str) -> dict[str, Any]:
    code, out, err = run(*args, "--format", "json")
    assert code in (0, 1), err
    doc: dict[str, Any] = json.loads(out)
    return doc


def test_renamed_and_reordered_copy_changes_nothing(tmp_path: Path) -> None:
    text = (REPO / OLD).read_text(encoding="utf-8")
    # the two first identity providers swapped, comments added above: lines all move
    eleves = "    - audience: eleves\n      provider: comptes-locaux\n      via: direct\n"
    parents = (
        "    - audience: responsables\n      provider: educonnect\n      via: direct\n      protocol: saml2\n"
    )
    moved = "# dépôt renommé\n\n" + text.replace(eleves + "    # Parents", "    # Parents").replace(
        parents, parents + eleves
    )
    assert moved.count("audience: eleves") == 1 and moved.index("audience: responsables") < moved.index(
        "audience: eleves"
    )
    copy = tmp_path / "autre-nom.yaml"
    copy.write_text(moved, encoding="utf-8")
    code, out, _ = run(OLD, str(copy), "--format", "json")
    doc = json.loads(out)
    assert code == 0
    assert doc["counts"] == {"new": 0, "fixed": 0, "changed": 0, "unchanged": 49, "regressions": 0}
    assert [s["level"] for s in doc["scores"]] == ["overall"] and doc["scores"][0]["delta"] == 0.0


def test_new_fixed_and_scores_of_two_versions() -> None:
    doc = _json_diff(OLD, NEW)
    new = [(c["rule_id"], c["occurrence"], c["after"]["location"]) for c in doc["findings"]["new"]]
    assert new == [
        (
            "RI-6.1.1-IDP-EDUCONNECT",
            "service.audiences[=responsables]",  # a scalar element is named by its value
            {"file": NEW, "line": 24, "column": 23},
        ),
        (
            "RI-6.1.1-SANS-CONTOURNEMENT",
            "identity.providers[audience=responsables,provider=comptes-locaux].provider",
            {"file": NEW, "line": 56, "column": 17},
        ),
    ]
    fixed = [(c["rule_id"], c["before"]["location"], c["after"]["outcome"]) for c in doc["findings"]["fixed"]]
    assert fixed == [("MSS-RH.2", {"file": OLD, "line": 261, "column": 11}, "conforme")]
    assert doc["findings"]["changed"] == []
    assert doc["counts"]["regressions"] == 1  # the info one does not count at --fail-on mineur
    scores = {
        (s["level"], s["key"]): (s["before"]["score"], s["after"]["score"], s["delta"]) for s in doc["scores"]
    }
    assert scores[("overall", "global")] == (96.5, 93.6, -2.9)
    assert scores[("referentiel", "interoperabilite")] == (100.0, 90.9, -9.1)
    assert doc["verdict"] == {
        "before": "partiellement-conforme",
        "after": "partiellement-conforme",
        "changed": False,
    }


@pytest.mark.parametrize(("fail_on", "code"), [("mineur", 1), ("majeur", 0), ("info", 1), ("aucun", 0)])
def test_exit_code_counts_new_failures_at_fail_on(fail_on: str, code: int) -> None:
    assert run(OLD, NEW, "--fail-on", fail_on)[0] == code


def _report(tmp_path: Path, manifest: str, name: str, *extra: str) -> Path:
    target = tmp_path / name
    result = CliRunner().invoke(
        cli,
        [manifest, "--format", "json", "-o", str(target), "--date", PINNED_DATE, *extra],
        catch_exceptions=False,
    )
    assert result.exit_code in (0, 1), result.stderr
    return target


def test_manifests_and_json_reports_give_the_same_diff(tmp_path: Path) -> None:
    from_manifests = _json_diff(OLD, NEW)
    old, new = _report(tmp_path, OLD, "old.json"), _report(tmp_path, NEW, "new.json")
    from_reports = _json_diff(str(old), str(new))
    mixed = _json_diff(str(old), NEW)
    for doc in (from_manifests, from_reports, mixed):
        for side in doc["inputs"]:
            side.pop("source")
    assert from_reports == from_manifests == mixed


def test_profile_verdict_before_and_after(tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text(
        'profile: {id: p, title: "P"}\nmin_scores: {referentiels: {interoperabilite: 95}}\n', encoding="utf-8"
    )
    code, out, _ = run(OLD, NEW, "--profile", str(profile))
    assert code == 1
    assert "Profil d'acceptation : tenu → non tenu (1 exigence sur 1 non tenue)" in out.splitlines()[5]
    doc = _json_diff(OLD, NEW, "--profile", str(profile))
    assert doc["profile"] == {
        "before": {"held": True, "unmet": 0, "total": 1},
        "after": {"held": False, "unmet": 1, "total": 1},
    }


GOLDENS = [
    ("diff-ent.txt", []),
    ("diff-ent.en.txt", ["--lang", "en"]),
    ("diff-ent.md", ["--format", "markdown"]),
    ("diff-ent.json", ["--format", "json"]),
]


@pytest.mark.parametrize(("name", "extra"), GOLDENS, ids=[g[0] for g in GOLDENS])
def test_golden(name: str, extra: list[str], update_golden: bool) -> None:
    code, out, _ = run(OLD, NEW, *extra)
    assert code == 1
    out = re.sub(r'"tool_version": "[^"]*"', '"tool_version": "X"', out)
    path = GOLDEN / name
    if update_golden:
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8")


# --- errors and hostile input --------------------------------------------------------------------


def _edit_report(tmp_path: Path, name: str, change: Any) -> Path:
    source = _report(tmp_path, OLD, f"source-{name}")
    doc = json.loads(source.read_text(encoding="utf-8"))
    change(doc)
    target = tmp_path / name
    target.write_text(json.dumps(doc), encoding="utf-8")
    return target


def _set(path: list[Any], value: Any) -> Any:
    def change(doc: Any) -> None:
        for key in path[:-1]:
            doc = doc[key]
        doc[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_set(["format_version"], 2), "rapport JSON au format 2, trop ancien pour être comparé"),
        (_set(["format_version"], 9), "rapport JSON au format 9, plus récent que cette version"),
        (_set(["manifests"], "x"), "ce fichier n'est pas un rapport JSON de doctrine-lint (--format json)"),
        (
            _set(["manifests", 0, "findings", 3, "outcome"], "oui"),
            "manifests[0].findings[3].outcome : valeur attendue parmi",
        ),
        (
            _set(["manifests", 0, "findings", 0, "location", "line"], "1"),
            "manifests[0].findings[0].location.line : nombre attendu",
        ),
        (
            _set(["manifests", 0, "scores", "chapters", 2, "label"], None),
            "manifests[0].scores.chapters[2].label : texte attendu",
        ),
        (
            _set(["manifests", 0, "profile"], [{"requirement": "r", "ok": "oui"}]),
            "manifests[0].profile[0].ok : true ou false attendu",
        ),
        (_set(["stamp", "lang"], "de"), "stamp.lang : valeur attendue parmi en, fr"),
        (_set(["manifests"], []), "le rapport ne contient aucun manifeste"),
        # format 5: the findings refer to the rules table
        (_set(["rules"], None), "rules : objet JSON attendu"),
        (
            _set(["manifests", 0, "findings", 0, "rule_id"], "NOPE"),
            "manifests[0].findings[0].rule_id : objet JSON attendu",
        ),
        (
            _set(["manifests", 0, "findings", 1, "location"], 3),
            "manifests[0].findings[1].location : objet JSON attendu",
        ),
    ],
)
def test_a_bad_report_is_refused_where_it_is(tmp_path: Path, change: Any, expected: str) -> None:
    bad = _edit_report(tmp_path, "bad.json", change)
    code, out, err = run(str(bad), NEW)
    assert code == 2 and out == ""
    assert err.startswith(f"doctrine-lint: erreur: {bad}: {expected}") and err.count("\n") == 1, err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{oops", ":1:2: JSON invalide"),
        ("[" * 100000, ": JSON invalide : imbrication trop profonde"),
        ("", ":1:1: JSON invalide"),
    ],
)
def test_unreadable_json_is_located(tmp_path: Path, content: str, expected: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    code, _, err = run(str(bad), NEW)
    assert code == 2 and err.startswith(f"doctrine-lint: erreur: {bad}{expected}"), err


def test_usage_errors(tmp_path: Path) -> None:
    both = tmp_path / "both.json"
    CliRunner().invoke(cli, [OLD, NEW, "--format", "json", "-o", str(both), "--date", PINNED_DATE])
    code, _, err = run(str(both), NEW)
    assert code == 2 and "contient 2 manifestes : choisissez-en un avec --manifest NOM" in err
    assert run(str(both), NEW, "--manifest", "ent-depot-septembre.yaml", "--format", "json")[0] == 1
    code, _, err = run(str(both), NEW, "--manifest", "absent.yaml")
    assert code == 2 and "aucun manifeste « absent.yaml » dans le rapport" in err
    code, _, err = run(str(tmp_path / "missing.json"), NEW)
    assert (
        code == 2
        and err.strip() == f"doctrine-lint: erreur: {tmp_path / 'missing.json'}: rapport JSON introuvable"
    )
    code, _, err = run(OLD, str(tmp_path / "missing.yaml"))
    assert code == 2 and "missing.yaml" in err
    assert run(OLD, NEW, "--manifest", "x")[0] == 2
    english = _report(tmp_path, OLD, "en.json", "--lang", "en")
    code, _, err = run(str(english), NEW)
    assert code == 2 and "rapport écrit en « en » : comparez-le avec --lang en" in err
    code, _, err = run(str(english), NEW, "--profile", "x.yaml")
    assert code == 2 and "--profile s'applique aux manifestes" in err


HOSTILE = "\x1b[2J\u202e|x| [lien](https://evil.example) <script>alert(1)</script> @all\n::error::forgé"


def test_hostile_text_from_a_report_is_inert(tmp_path: Path) -> None:
    def change(doc: Any) -> None:
        m = doc["manifests"][0]
        m["file"] = HOSTILE
        for f in m["findings"]:
            if f["rule_id"] == "MSS-RH.2":
                f["message"] = HOSTILE
                f["element"] = HOSTILE
                f["location"]["file"] = HOSTILE
        m["scores"]["chapters"][0]["label"] = HOSTILE
        m["scores"]["chapters"][0]["score"] = 1.0

    bad = _edit_report(tmp_path, "hostile.json", change)
    for fmt in ("text", "markdown", "json"):
        code, out, _ = run(str(bad), NEW, "--format", fmt)
        assert code == 1
        assert "\x1b" not in out and "\u202e" not in out
        assert not any(line.startswith("::error") for line in out.splitlines())
        if fmt == "markdown":
            assert "<script>" not in out and "[lien](" not in out
            assert re.search(r"(?<!\\)@all", out) is None  # no mention, no link, no raw HTML
            rows = [line for line in out.splitlines() if line.startswith("| MSS-RH.2")]
            assert len(rows) == 1 and rows[0].count(" | ") == 5  # no forged table cell
        if fmt == "json":
            doc = json.loads(out)
            assert doc["findings"]["fixed"][0]["before"]["message"] == HOSTILE  # data kept exact
            assert doc["inputs"][0]["file"] == HOSTILE


def test_json_output_follows_its_schema(tmp_path: Path) -> None:
    import jsonschema

    from doctrine_lint.resources import schema_path

    schema = json.loads(schema_path("diff").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    profile = tmp_path / "p.yaml"
    profile.write_text('profile: {id: p, title: "P"}\nmin_scores: {overall: 95}\n', encoding="utf-8")
    for extra in ([], ["--profile", str(profile)], ["--fail-on", "aucun"], ["--lang", "en"]):
        validator.validate(_json_diff(OLD, NEW, *extra))
        validator.validate(_json_diff(NEW, OLD, *extra))
    shown = CliRunner().invoke(cli, ["schema", "diff"])
    assert shown.exit_code == 0 and json.loads(shown.stdout) == schema


@pytest.mark.parametrize("example", ["service-tiers-non-conforme.yaml", "ent-premier-degre.yaml"])
def test_reversing_every_list_changes_nothing(example: str, tmp_path: Path) -> None:
    import yaml

    def reverse(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: reverse(v) for k, v in value.items()}
        if isinstance(value, list):
            return [reverse(v) for v in reversed(value)]
        return value

    source = REPO / "examples" / example
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    reordered = tmp_path / "autre-nom.yaml"
    reordered.write_text(yaml.safe_dump(reverse(data), allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["diff", str(source), str(reordered), "--date", PINNED_DATE, "--format", "json"],
        catch_exceptions=False,
    )
    counts = json.loads(result.stdout)["counts"]
    assert (counts["new"], counts["fixed"], counts["changed"]) == (0, 0, 0), result.stdout[:2000]
    assert counts["unchanged"] > 0


@pytest.mark.parametrize(
    ("cut", "where"),
    [
        (
            lambda d: d["manifests"][0]["findings"][0]["location"].pop("exact"),
            "manifests[0].findings[0].location.exact",
        ),
        (
            lambda d: d["manifests"][0]["findings"][0]["location"].pop("line"),
            "manifests[0].findings[0].location.line",
        ),
        (lambda d: d["manifests"][0].pop("file"), "manifests[0].file"),
    ],
    ids=["exact", "line", "file"],
)
def test_a_report_missing_a_field_is_a_located_error_not_a_crash(
    cut: Any, where: str, tmp_path: Path
) -> None:
    whole = tmp_path / "a.json"
    run = CliRunner().invoke(
        cli,
        [
            str(REPO / "examples" / "ent-second-degre.yaml"),
            "--date",
            PINNED_DATE,
            "--format",
            "json",
            "-o",
            str(whole),
        ],
        catch_exceptions=False,
    )
    assert run.exit_code == 0
    doc = json.loads(whole.read_text(encoding="utf-8"))
    cut(doc)
    broken = tmp_path / "b.json"
    broken.write_text(json.dumps(doc), encoding="utf-8")
    for args in (["diff", str(broken), str(whole)], ["impact", "--reports", str(broken), str(whole)]):
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 2, (args, result.stderr)
        assert f"{broken}: {where} : " in result.stderr
