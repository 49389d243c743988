"""CI report formats — SARIF 2.1.0, JUnit XML, GitLab Code Quality — from one run of the bundled
examples: SARIF against the official schema, JUnit parsed back (ElementTree, and junitparser when
installed), GitLab's required keys; line-independent fingerprints; dérogations, profiles,
baselines and unreadable manifests; golden files (pytest --update-golden rewrites them)."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from doctrine_lint.cli import cli
from doctrine_lint.formats.json_report import expand

from .conftest import PINNED_DATE, REPO

GOLDEN = Path(__file__).parent / "golden"
SARIF_SCHEMA = REPO.parent / "shared" / "data" / "sarif-schema-2.1.0.json"
EXAMPLE_ARGS = [f"examples/{p.name}" for p in sorted((REPO / "examples").glob("*.yaml"))]
CI_FORMATS = ("sarif", "junit", "gitlab")

SARIF_LEVELS = {"bloquant": "error", "majeur": "error", "mineur": "warning", "info": "note"}
GITLAB_SEVERITIES = {"bloquant": "blocker", "majeur": "major", "mineur": "minor", "info": "info"}
FAILING = ("non-conforme", "a-renseigner")


def _invoke(args: list[str], cwd: Path, codes: tuple[int, ...] = (0, 1)) -> str:
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(cwd)
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code in codes, result.output
    return result.stdout


def _run_all(args: list[str], cwd: Path, out: Path, codes: tuple[int, ...] = (0, 1)) -> dict[str, str]:
    """One lint run writing JSON to stdout and every CI format with --report."""
    out.mkdir(parents=True, exist_ok=True)
    reports = [x for name in CI_FORMATS for x in ("--report", f"{name}:{out / name}")]
    stdout = _invoke([*args, "--date", PINNED_DATE, "--format", "json", *reports], cwd, codes)
    texts = {name: (out / name).read_text(encoding="utf-8") for name in CI_FORMATS}
    texts["json"] = stdout
    return texts


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every format from one run of all bundled examples."""
    return _run_all(EXAMPLE_ARGS, REPO, tmp_path_factory.mktemp("ci"))


def _failing(json_report: dict[str, Any]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(manifest file, rule id) -> its failing findings (one per occurrence) in the JSON report."""
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for m in expand(json_report)["manifests"]:
        for f in m["findings"]:
            if f["outcome"] in FAILING:
                out.setdefault((m["file"], f["rule_id"]), []).append(f)
    return out


def _count(failing: dict[tuple[str, str], list[dict[str, Any]]]) -> int:
    return sum(len(items) for items in failing.values())


def test_each_format_from_format_option_matches_the_report_option(examples: dict[str, str]) -> None:
    for name in CI_FORMATS:
        assert _invoke([*EXAMPLE_ARGS, "--date", PINNED_DATE, "--format", name], REPO) == examples[name]


# ---------------------------------------------------------------- SARIF


def _validate_sarif(doc: dict[str, Any], *, skip: bool = False) -> None:
    """Validate against the official schema; without it, skip the test (skip=True) or this check."""
    if not SARIF_SCHEMA.is_file():
        if skip:
            pytest.skip(f"official SARIF schema not available at {SARIF_SCHEMA}")
        return
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def _check_sarif_structure(doc: dict[str, Any]) -> None:
    """Unique rule ids, every result pointing at its rule, non-empty texts, 1-based regions."""
    assert doc["version"] == "2.1.0"
    assert doc["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    (run,) = doc["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    assert "SRCROOT" in run["originalUriBaseIds"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "doctrine-lint" and driver["version"] and driver["informationUri"]
    rules = driver["rules"]
    ids = [r["id"] for r in rules]
    # each rule once, in the order it first produces a result (the document is written as results
    # come: a result's ruleIndex is known when it is written)
    assert ids == list(dict.fromkeys(r["ruleId"] for r in run["results"]))
    for rule in rules:
        for key in ("shortDescription", "fullDescription"):
            assert rule[key]["text"].strip(), (rule["id"], key)
        assert rule["name"] and rule["help"]["text"].strip() and rule["help"]["markdown"].strip()
        props = rule["properties"]
        assert rule["defaultConfiguration"]["level"] == SARIF_LEVELS[props["severity"]]
        if not rule["id"].startswith(("DEROGATION-", "PROFIL-")):
            assert rule["helpUri"].startswith(("https://", "http://")), rule["id"]
            assert props["referentiel"] and props["chapter"] and props["evidence"]
            assert isinstance(props["tags"], list)
    used = set()
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        used.add(result["ruleId"])
        assert result["message"]["text"].strip()
        assert result["partialFingerprints"]["doctrineLint/v1"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        artifact = physical["artifactLocation"]
        assert artifact["uriBaseId"] == "SRCROOT"
        assert run["artifacts"][artifact["index"]]["location"]["uri"] == artifact["uri"]
        if "region" in physical:
            assert physical["region"]["startLine"] >= 1 and physical["region"]["startColumn"] >= 1
        else:
            assert result["ruleId"] == "PROFIL-EXIGENCE"
    assert used == set(ids), "every described rule produced a result"
    fingerprints = [
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["partialFingerprints"]["doctrineLint/v1"],
        )
        for r in run["results"]
    ]
    assert len(fingerprints) == len(set(fingerprints))


def test_sarif_validates_against_the_official_schema(examples: dict[str, str]) -> None:
    _validate_sarif(json.loads(examples["sarif"]), skip=True)


def test_sarif_rules_results_and_regions(examples: dict[str, str]) -> None:
    doc = json.loads(examples["sarif"])
    _check_sarif_structure(doc)
    (run,) = doc["runs"]
    failing = _failing(json.loads(examples["json"]))
    assert len(run["results"]) == _count(failing) > 0
    for result in run["results"]:
        physical = result["locations"][0]["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        (finding,) = [
            f for f in failing[(uri, result["ruleId"])] if f["path"] == result["properties"]["path"]
        ]
        assert result["level"] == SARIF_LEVELS[finding["severity"]]
        assert result["message"]["text"] == finding["message"]
        loc = finding["location"]
        assert physical["region"] == {"startLine": loc["line"], "startColumn": loc["column"]}
        lines = (REPO / uri).read_text(encoding="utf-8").splitlines()
        assert 1 <= loc["line"] <= len(lines)
        assert "suppressions" not in result  # the examples declare no dérogation
    # the référentiel and chapter travel with every rule
    rule_refs = {r["properties"]["referentiel"] for r in run["tool"]["driver"]["rules"]}
    assert rule_refs == {"interoperabilite", "securite", "numerique-responsable"}
    assert [a["location"]["uri"] for a in run["artifacts"]] == EXAMPLE_ARGS


def test_sarif_show_all_and_english() -> None:
    """--show-all adds passing and non-applicable rules as pass / notApplicable results of level
    none; --lang en translates the rule texts and the run language."""
    args = ["examples/vie-scolaire.yaml", "--date", PINNED_DATE, "--format", "sarif"]
    doc = json.loads(_invoke([*args, "--show-all", "--lang", "en"], REPO))
    _validate_sarif(doc)
    _check_sarif_structure(doc)
    (run,) = doc["runs"]
    assert run["language"] == run["tool"]["driver"]["language"] == "en-US"
    kinds = Counter(r["kind"] for r in run["results"])
    assert set(kinds) == {"fail", "pass", "notApplicable"}
    # one result per occurrence: every evaluated rule appears, some several times
    assert len({r["ruleId"] for r in run["results"]}) == run["properties"]["rulesEvaluated"]
    assert sum(kinds.values()) > run["properties"]["rulesEvaluated"]
    assert all(r["level"] == "none" for r in run["results"] if r["kind"] != "fail")
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert (
        rules["RI-6.1-SSO"]["shortDescription"]["text"] == "Propagate identity through single sign-on (SSO)"
    )


def test_fingerprints_ignore_unrelated_line_shifts(tmp_path: Path) -> None:
    """A comment inserted at the top moves every finding one line down and changes no
    fingerprint, in SARIF and in GitLab Code Quality."""
    manifest = tmp_path / "ressource-gar.yaml"
    shutil.copy(REPO / "examples" / "ressource-gar.yaml", manifest)
    before = _run_all([manifest.name], tmp_path, tmp_path / "before")
    manifest.write_text(
        "# commentaire ajouté en tête\n" + manifest.read_text(encoding="utf-8"), encoding="utf-8"
    )
    after = _run_all([manifest.name], tmp_path, tmp_path / "after")

    def sarif_lines(text: str) -> dict[str, int]:
        out = {}
        for result in json.loads(text)["runs"][0]["results"]:
            fp = result["partialFingerprints"]["doctrineLint/v1"]
            assert fp not in out
            out[fp] = result["locations"][0]["physicalLocation"]["region"]["startLine"]
        return out

    old, new = sarif_lines(before["sarif"]), sarif_lines(after["sarif"])
    assert old.keys() == new.keys() and len(old) > 20
    assert all(new[fp] == line + 1 for fp, line in old.items())

    def gitlab_lines(text: str) -> dict[str, int]:
        issues = json.loads(text)
        out = {i["fingerprint"]: i["location"]["lines"]["begin"] for i in issues}
        assert len(out) == len(issues)
        return out

    old, new = gitlab_lines(before["gitlab"]), gitlab_lines(after["gitlab"])
    assert old.keys() == new.keys() and len(old) > 20
    assert all(new[fp] == line + 1 for fp, line in old.items())
    # the same identity as --baseline: SARIF and GitLab agree
    assert set(sarif_lines(after["sarif"])) == set(new)


# ---------------------------------------------------------------- JUnit


def _check_junit_counts(root: ET.Element) -> dict[str, Counter[str]]:
    """Counts at every level equal the children; returns per-manifest totals."""
    assert root.tag == "testsuites"
    totals: Counter[str] = Counter()
    per_file: dict[str, Counter[str]] = {}
    names = []
    for suite in root.findall("testsuite"):
        names.append(suite.get("name"))
        cases = suite.findall("testcase")
        counts = Counter(
            tests=len(cases),
            failures=sum(1 for c in cases if c.find("failure") is not None),
            errors=sum(1 for c in cases if c.find("error") is not None),
            skipped=sum(1 for c in cases if c.find("skipped") is not None),
        )
        for key in ("tests", "failures", "errors", "skipped"):
            assert int(suite.get(key, "-1")) == counts[key], (suite.get("name"), key)
        totals.update(counts)
        for case in cases:
            assert case.get("classname") and case.get("name")
            assert len([c for c in case if c.tag in ("failure", "skipped", "error")]) <= 1
            per_file.setdefault(case.get("file") or "", Counter()).update(
                tests=1,
                failures=int(case.find("failure") is not None),
                skipped=int(case.find("skipped") is not None),
            )
    assert len(names) == len(set(names)), "suite names are unique"
    for key in ("tests", "failures", "errors", "skipped"):
        assert int(root.get(key, "-1")) == totals[key], key
    return per_file


def test_junit_counts_match_the_findings(examples: dict[str, str]) -> None:
    root = ET.fromstring(examples["junit"].encode("utf-8"))
    per_file = _check_junit_counts(root)
    report = json.loads(examples["json"])
    assert sorted(per_file) == sorted(m["file"] for m in report["manifests"])
    for m in report["manifests"]:
        outcomes = Counter(f["outcome"] for f in m["findings"])
        # one test case per finding: per rule, or per occurrence for a rule that walks a list
        assert len({f["rule_id"] for f in m["findings"]}) == report["stamp"]["rules_evaluated"]
        assert per_file[m["file"]] == Counter(
            tests=len(m["findings"]),
            failures=outcomes["non-conforme"] + outcomes["a-renseigner"],
            skipped=outcomes["non-applicable"],
        )
    # one suite per manifest and chapter, test cases named by rule id and title
    suite = root.find("testsuite")
    assert suite is not None and " — " in (suite.get("name") or "")
    # suites are named by chapter label: a numbered section shows its source and « § »
    assert any("Doctrine §6.1" in (s.get("name") or "") for s in root.iter("testsuite"))
    case = suite.find("testcase")
    assert case is not None
    referentiel, _, chapter = (case.get("classname") or "").partition(".")
    assert referentiel in ("interoperabilite", "securite", "numerique-responsable") and chapter
    failure = root.find(".//failure")
    assert failure is not None and failure.get("type") in GITLAB_SEVERITIES
    assert failure.get("message") and ":" in (failure.text or "")


def test_junit_parsed_by_junitparser(examples: dict[str, str], tmp_path: Path) -> None:
    import junitparser  # a real JUnit consumer, installed with the test dependencies

    path = tmp_path / "report.junit.xml"
    path.write_text(examples["junit"], encoding="utf-8")
    xml = junitparser.JUnitXml.fromfile(str(path))
    root = ET.fromstring(examples["junit"].encode("utf-8"))
    tests = failures = skipped = 0
    for suite in xml:
        for case in suite:
            tests += 1
            kinds = {type(r).__name__ for r in case.result}
            failures += "Failure" in kinds
            skipped += "Skipped" in kinds
    assert (tests, failures, skipped) == (
        int(root.get("tests", "-1")),
        int(root.get("failures", "-1")),
        int(root.get("skipped", "-1")),
    )


# ---------------------------------------------------------------- GitLab Code Quality


def _check_gitlab(issues: list[dict[str, Any]]) -> None:
    assert isinstance(issues, list)
    for issue in issues:
        assert issue["description"].strip() and issue["check_name"]
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert isinstance(issue["fingerprint"], str) and issue["fingerprint"]
        assert issue["location"]["path"] and not issue["location"]["path"].startswith("./")
        assert (
            isinstance(issue["location"]["lines"]["begin"], int) and issue["location"]["lines"]["begin"] >= 1
        )
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(fingerprints) == len(set(fingerprints))


def test_gitlab_code_quality_issues(examples: dict[str, str]) -> None:
    issues = json.loads(examples["gitlab"])
    _check_gitlab(issues)
    failing = _failing(json.loads(examples["json"]))
    assert len(issues) == _count(failing)
    for issue in issues:
        (finding,) = [
            f
            for f in failing[(issue["location"]["path"], issue["check_name"])]
            if f["message"] in issue["description"]
            and issue["location"]["lines"]["begin"] == f["location"]["line"]
        ]
        assert issue["severity"] == GITLAB_SEVERITIES[finding["severity"]]
    assert {i["severity"] for i in issues} >= {"blocker", "major", "minor"}


def test_outputs_are_deterministic(examples: dict[str, str], tmp_path: Path) -> None:
    assert _run_all(EXAMPLE_ARGS, REPO, tmp_path) == examples


# ---------------------------------------------------------------- dérogations, profile, Unicode, escaping

PACK = """\
pack: {id: ci-test, version: 1.0.0, title: T, referentiel: securite, doctrine_version: t, chapters: {"1": "Un <chapitre> & co"}}
rules:
  - id: W-1-MFA
    title: MFA
    chapter: "1"
    severity: majeur
    rationale: r
    remediation: Activer la MFA.
    references: [{url: "https://example.org/mfa", section: "§1"}]
    provenance: {evidence: officiel, legal_basis: loi-generale}
    waiver: {max_months: 12}
    check: {path: identity.admin_mfa, equals: true}
    examples:
      - {outcome: conforme, manifest: {identity: {admin_mfa: true}}}
      - {outcome: non-conforme, manifest: {identity: {admin_mfa: false}}}
  - id: W-1-TLS
    title: TLS
    chapter: "1"
    severity: bloquant
    rationale: r
    remediation: r
    references: [{url: "https://example.org/tls"}]
    provenance: {evidence: officiel, legal_basis: loi-generale}
    waiver: {allowed: false}
    check: {path: security.tls.min_version, in: ["1.2", "1.3"]}
    examples:
      - {outcome: conforme, manifest: {security: {tls: {min_version: "1.2"}}}}
      - {outcome: non-conforme, manifest: {security: {tls: {min_version: "1.0"}}}}
  - id: W-1-PROTO
    title: Protocoles
    chapter: "1"
    severity: mineur
    rationale: r
    remediation: r
    references: [{url: "https://example.org/proto"}]
    provenance: {evidence: officiel, legal_basis: bonne-pratique}
    check: {path: "identity.providers[*].protocol", in: [saml2, oidc]}
    examples:
      - {outcome: conforme, manifest: {identity: {providers: [{audience: eleves, provider: educonnect, protocol: saml2}]}}}
      - {outcome: non-conforme, manifest: {identity: {providers: [{audience: eleves, provider: educonnect, protocol: autre}]}}}
  - id: W-1-EDITEUR
    title: "Éditeur <script>alert(\\"x\\")</script> & 'co' ]]>"
    chapter: "1"
    severity: mineur
    rationale: r
    remediation: "Corriger <b>l'éditeur</b> & recommencer"
    message: "Éditeur inattendu \\x07 <b>&amp;</b>"
    references: [{url: "https://example.org/editeur"}]
    provenance: {evidence: officiel, legal_basis: bonne-pratique}
    check: {path: service.editor, equals: X}
    examples:
      - {outcome: conforme, manifest: {service: {editor: X}}}
      - {outcome: non-conforme, manifest: {service: {editor: E}}}
"""

MANIFEST = """\
service: {name: "😀😀 École « numérique »", editor: E, kind: service-tiers}
identity:
  admin_mfa: false
  providers:
    - {audience: eleves, provider: educonnect, protocol: autre}
security: {tls: {min_version: "1.0"}}
derogations:
  - {rule: W-1-MFA, justification: "Compensé par un bastion <MFA>", approver: "RSSI académique", granted: 2026-11-01, expires: 2026-12-20}
  - {rule: W-1-TLS, justification: "Migration en cours", expires: 2027-01-31}
  - {rule: W-1-PROTO, justification: "Ancien fournisseur", expires: 2026-11-01}
"""

PROFILE = """\
profile: {id: ci-test, title: Profil de test}
min_scores: {overall: 100}
required_rules: [W-1-TLS]
"""


@pytest.fixture
def waivers(tmp_path: Path) -> dict[str, str]:
    for name, text in (("pack.yaml", PACK), ("m.yaml", MANIFEST), ("profil.yaml", PROFILE)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    args = ["--only-packs", "--pack", "pack.yaml", "m.yaml", "--profile", "profil.yaml"]
    return _run_all(args, tmp_path, tmp_path / "out", codes=(1,))


def test_sarif_dérogations_profile_and_unicode_columns(waivers: dict[str, str]) -> None:
    doc = json.loads(waivers["sarif"])
    _validate_sarif(doc)
    _check_sarif_structure(doc)
    (run,) = doc["runs"]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert set(by_rule) == {
        "W-1-MFA",
        "W-1-TLS",
        "W-1-PROTO",
        "W-1-EDITEUR",
        "DEROGATION-BIENTOT-EXPIREE",
        "DEROGATION-REFUSEE",
        "DEROGATION-EXPIREE",
        "PROFIL-EXIGENCE",
    }
    # the waived finding is reported as suppressed, with the justification and approver
    (suppression,) = by_rule["W-1-MFA"]["suppressions"]
    assert suppression["kind"] == "external" and suppression["status"] == "accepted"
    assert "bastion <MFA>" in suppression["justification"]
    assert "RSSI académique" in suppression["justification"]
    assert all("suppressions" not in r for r in run["results"] if r["ruleId"] != "W-1-MFA")
    assert by_rule["DEROGATION-BIENTOT-EXPIREE"]["level"] == "note"
    assert by_rule["DEROGATION-REFUSEE"]["level"] == "error"
    assert by_rule["W-1-TLS"]["level"] == "error" and by_rule["W-1-PROTO"]["level"] == "warning"
    # synthetic rules are described although no pack defines them
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["DEROGATION-EXPIREE"]["shortDescription"]["text"] == "Dérogation expirée"
    # two failed profile requirements: the overall score and the required rule
    assert Counter(r["ruleId"] for r in run["results"])["PROFIL-EXIGENCE"] == 2
    # columns are counted in code points: the two emoji count one each (not two UTF-16 units)
    line = MANIFEST.splitlines()[0]
    region = by_rule["W-1-EDITEUR"]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1, "startColumn": line.index("editor: E") + len("editor: ") + 1}
    assert by_rule["DEROGATION-EXPIREE"]["locations"][0]["physicalLocation"]["region"]["startLine"] == 10


def test_junit_dérogations_profile_and_escaping(waivers: dict[str, str], tmp_path: Path) -> None:
    text = waivers["junit"]
    assert "<script>" not in text and "&lt;script&gt;" in text and "\x07" not in text
    root = ET.fromstring(text.encode("utf-8"))
    _check_junit_counts(root)
    cases = {c.get("name", "").split(" — ")[0]: c for c in root.iter("testcase")}
    waived = cases["W-1-MFA"]
    assert waived.find("failure") is None and waived.find("skipped") is None
    note = waived.findtext("system-out") or ""
    assert "bastion <MFA>" in note and "RSSI académique" in note
    for rule_id in ("W-1-TLS", "W-1-PROTO", "W-1-EDITEUR", "DEROGATION-REFUSEE", "DEROGATION-EXPIREE"):
        assert cases[rule_id].find("failure") is not None, rule_id
    assert (cases["W-1-EDITEUR"].get("name") or "").endswith("""<script>alert("x")</script> & 'co' ]]>""")
    failure = cases["W-1-EDITEUR"].find("failure")
    assert failure is not None and "m.yaml:1:" in (failure.text or "")
    assert "Corriger <b>l'éditeur</b> & recommencer" in (failure.text or "")
    profile = [s for s in root.findall("testsuite") if "profil" in (s.get("name") or "").lower()]
    assert len(profile) == 1 and profile[0].get("tests") == "2" and profile[0].get("failures") == "2"
    # a real JUnit consumer (a test dependency) reads it back the same way
    import junitparser

    path = tmp_path / "w.junit.xml"
    path.write_text(text, encoding="utf-8")
    parsed = [case for suite in junitparser.JUnitXml.fromfile(str(path)) for case in suite]
    assert len(parsed) == int(root.get("tests", "-1"))
    assert sum(1 for case in parsed if case.is_failure) == int(root.get("failures", "-1"))


def test_gitlab_dérogations_and_profile(waivers: dict[str, str]) -> None:
    issues = json.loads(waivers["gitlab"])
    _check_gitlab(issues)
    checks = Counter(i["check_name"] for i in issues)
    assert checks == Counter(
        {
            "W-1-TLS": 1,
            "W-1-PROTO": 1,
            "W-1-EDITEUR": 1,
            "DEROGATION-BIENTOT-EXPIREE": 1,
            "DEROGATION-REFUSEE": 1,
            "DEROGATION-EXPIREE": 1,
            "PROFIL-EXIGENCE": 2,
        }
    )  # the waived W-1-MFA is not an issue
    severity = {i["check_name"]: i["severity"] for i in issues}
    assert severity["W-1-TLS"] == "blocker" and severity["DEROGATION-BIENTOT-EXPIREE"] == "info"
    assert {i["location"]["path"] for i in issues} == {"m.yaml"}


# ---------------------------------------------------------------- baseline and unreadable manifests


def test_a_baseline_leaves_nothing_new(tmp_path: Path) -> None:
    manifest = tmp_path / "vie-scolaire.yaml"
    shutil.copy(REPO / "examples" / "vie-scolaire.yaml", manifest)
    _invoke([manifest.name, "--date", PINNED_DATE, "--write-baseline", "base.json"], tmp_path)
    texts = _run_all([manifest.name, "--baseline", "base.json"], tmp_path, tmp_path / "out", codes=(0,))
    sarif = json.loads(texts["sarif"])
    _validate_sarif(sarif)
    assert sarif["runs"][0]["results"] == [] and sarif["runs"][0]["properties"]["baselineKnown"] > 0
    assert json.loads(texts["gitlab"]) == []
    root = ET.fromstring(texts["junit"].encode("utf-8"))
    _check_junit_counts(root)
    assert root.get("failures") == "0" and int(root.get("tests", "0")) > 0


def test_an_unreadable_manifest_is_reported_in_every_format(
    tmp_path: Path, write: Callable[..., Path]
) -> None:
    write("service: [1, 2\n", "broken.yaml")
    texts = _run_all(["broken.yaml"], tmp_path, tmp_path, codes=(2,))
    sarif = json.loads(texts["sarif"])
    _validate_sarif(sarif)
    (invocation,) = sarif["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and note["message"]["text"]
    root = ET.fromstring(texts["junit"].encode("utf-8"))
    _check_junit_counts(root)
    assert root.get("errors") == "1"
    (issue,) = json.loads(texts["gitlab"])
    assert issue["severity"] == "blocker" and issue["location"]["path"] == "broken.yaml"


# ---------------------------------------------------------------- golden files

GOLDEN_CASES = [
    ("vie-scolaire.sarif", "sarif"),
    ("vie-scolaire.junit.xml", "junit"),
    ("vie-scolaire.gitlab.json", "gitlab"),
    ("vie-scolaire.concise.txt", "concise"),
    ("vie-scolaire.github.txt", "github"),
]


@pytest.mark.parametrize(("name", "fmt"), GOLDEN_CASES, ids=[c[0] for c in GOLDEN_CASES])
def test_golden_example(name: str, fmt: str, update_golden: bool) -> None:
    text = _invoke(["examples/vie-scolaire.yaml", "--date", PINNED_DATE, "--format", fmt], REPO)
    _compare_golden(name, text, update_golden)


@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_golden_dérogations(fmt: str, waivers: dict[str, str], update_golden: bool) -> None:
    ext = {"sarif": "sarif", "junit": "junit.xml", "gitlab": "gitlab.json"}[fmt]
    _compare_golden(f"derogations.{ext}", waivers[fmt], update_golden)


def _compare_golden(name: str, text: str, update_golden: bool) -> None:
    path = GOLDEN / name
    if update_golden:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {name}: run pytest --update-golden"
    assert text == path.read_text(encoding="utf-8")
