"""The library owns the run: `lint()` applies the baseline and the profile and decides the exit
code, with reasons that name the manifest and what failed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from doctrine_lint.baseline import load as load_baseline
from doctrine_lint.errors import ExitCode, UsageError
from doctrine_lint.linter import LintOptions, Reason, ReasonKind, Report, lint, write_baseline
from doctrine_lint.model import Evidence, Finding, Location, Outcome, Severity, Text
from doctrine_lint.packs import Pack, all_rules, load_packs
from doctrine_lint.profiles import check, load_profile
from doctrine_lint.scoring import rule_outcomes

from .conftest import EXAMPLES, PINNED_DATE

GOOD = str(EXAMPLES / "ent-second-degre.yaml")
BAD = str(EXAMPLES / "service-tiers-non-conforme.yaml")
DAY = date.fromisoformat(PINNED_DATE)
MINOR_RULE = "NR-7.1.1-RGESN-VERSION"  # à renseigner in BAD, severity mineur


@pytest.fixture(scope="module")
def packs() -> list[Pack]:
    return load_packs()


def run(packs: list[Pack], *files: str | Path, **options: Any) -> Report:
    return lint(list(files), packs, LintOptions(today=DAY, **options))


def kinds(report: Report) -> list[tuple[str, ReasonKind]]:
    return [(r.file, r.kind) for r in report.reasons]


def test_a_conforming_manifest_exits_0_without_reasons(packs: list[Pack]) -> None:
    report = run(packs, GOOD)
    assert (report.exit_code, report.reasons) == (ExitCode.OK, [])


def test_a_finding_at_or_above_fail_on_fails_and_is_named(packs: list[Pack]) -> None:
    report = run(packs, BAD, select=(MINOR_RULE,), fail_on=Severity.MINEUR)
    assert report.exit_code == ExitCode.FINDINGS
    (reason,) = report.reasons
    assert (reason.file, reason.kind, reason.items) == (BAD, ReasonKind.FAIL_ON, (MINOR_RULE,))
    assert MINOR_RULE in reason.message.fr and "mineur" in reason.message.fr
    assert str(reason).startswith(f"{BAD}: ")


def test_a_finding_below_fail_on_does_not_fail(packs: list[Pack]) -> None:
    assert run(packs, BAD, select=(MINOR_RULE,), fail_on=Severity.MAJEUR).exit_code == ExitCode.OK
    assert run(packs, BAD, fail_on=None).exit_code == ExitCode.OK  # --fail-on aucun


def test_a_finding_known_in_the_baseline_does_not_fail(packs: list[Pack], tmp_path: Path) -> None:
    first = run(packs, BAD)
    assert first.exit_code == ExitCode.FINDINGS
    write_baseline(first, tmp_path / "b.json")
    known = load_baseline(tmp_path / "b.json")
    again = run(packs, BAD, baseline=known)
    assert (again.exit_code, again.reasons) == (ExitCode.OK, [])
    failing = [f for f in again.results[0].findings if f.outcome.failing]
    assert failing and all(f.known for f in failing)


def test_fail_under_missed_and_met_exactly(packs: list[Pack]) -> None:
    overall = run(packs, BAD, fail_on=None).results[0].scores.overall
    assert overall.ratio is not None
    exact = 100.0 * overall.ratio  # --fail-under reads the conformity rate
    assert run(packs, BAD, fail_on=None, fail_under=exact).exit_code == ExitCode.OK
    missed = run(packs, BAD, fail_on=None, fail_under=exact + 0.1)
    assert missed.exit_code == ExitCode.FINDINGS
    (reason,) = missed.reasons
    assert (reason.file, reason.kind) == (BAD, ReasonKind.FAIL_UNDER)
    shown = f"{overall.score:.1f}".replace(".", ",")
    assert "--fail-under" in reason.message.fr and f"{shown}\u00a0%" in reason.message.fr
    # the figure the report shows is a threshold that holds too, even when rounded up
    assert overall.score is not None
    assert run(packs, BAD, fail_on=None, fail_under=overall.score).exit_code == ExitCode.OK
    above = run(packs, BAD, fail_on=None, fail_under=overall.score + 0.1)
    assert above.exit_code == ExitCode.FINDINGS


def test_an_unmet_profile_requirement_fails_and_is_named(
    packs: list[Pack], write: Callable[..., Path]
) -> None:
    path = write("profile: {id: p-test, title: P}\nrequired_rules: [RI-6.1-SSO]\n", "p.yaml")
    profile = load_profile(path, all_rules(packs))
    assert run(packs, GOOD, profile=profile).exit_code == ExitCode.OK
    report = run(packs, BAD, profile=profile, fail_on=None)
    assert report.exit_code == ExitCode.FINDINGS
    (reason,) = report.reasons
    assert (reason.file, reason.kind) == (BAD, ReasonKind.PROFILE)
    assert reason.items == ("Règle RI-6.1-SSO conforme",)
    assert "p-test" in reason.message.fr and "non conforme" in reason.message.fr
    assert [c.ok for c in report.results[0].profile] == [False]


def test_an_unreadable_manifest_is_exit_2_and_the_others_are_still_evaluated(
    packs: list[Pack], write: Callable[..., Path]
) -> None:
    broken = write("manifest_version: 1\nservice: [\n", "broken.yaml")
    report = run(packs, GOOD, broken, BAD)
    assert report.exit_code == ExitCode.ERROR
    assert [r.file for r in report.results] == [GOOD, BAD]
    assert kinds(report) == [(str(broken), ReasonKind.UNREADABLE), (BAD, ReasonKind.FAIL_ON)]
    assert report.errors and all(p.file == str(broken) for p in report.errors)
    assert report.reasons[0].items == tuple(str(p) for p in report.errors)


def test_reasons_of_several_kinds_for_one_manifest(packs: list[Pack], write: Callable[..., Path]) -> None:
    path = write("profile: {id: p, title: P}\nmin_scores: {overall: 99}\n", "p.yaml")
    profile = load_profile(path, all_rules(packs))
    report = run(packs, BAD, profile=profile, fail_under=99)
    assert kinds(report) == [
        (BAD, ReasonKind.FAIL_ON),
        (BAD, ReasonKind.FAIL_UNDER),
        (BAD, ReasonKind.PROFILE),
    ]


def test_selection_is_part_of_the_run(packs: list[Pack]) -> None:
    report = run(packs, BAD, select=("securite",), min_evidence="officiel")
    assert report.rules and all(r.referentiel == "securite" for r in report.rules)
    assert report.min_evidence == "officiel"
    with pytest.raises(UsageError):
        run(packs, BAD, select=("PAS-UNE-REGLE",))


def test_keyword_shortcuts_still_work(packs: list[Pack]) -> None:
    chosen = [r for r in all_rules(packs) if r.id == MINOR_RULE]
    report = lint([BAD], packs, rules=chosen, today=DAY, ignore_derogations=True)
    assert [r.id for r in report.rules] == [MINOR_RULE] and report.today == DAY
    assert report.derogations_ignored
    # the shortcuts win over the options they duplicate
    report = lint([BAD], packs, LintOptions(today=date(2000, 1, 1)), today=DAY)
    assert report.today == DAY


def test_reason_is_plain_data() -> None:
    reason = Reason("m.yaml", ReasonKind.FAIL_UNDER, Text("score trop bas", "score too low"))
    assert str(reason) == "m.yaml: score trop bas" and reason.kind.value == "fail-under"


def _finding(rule_id: str, outcome: Outcome) -> Finding:
    where = Location("m.yaml", 1, 1)
    return Finding(
        rule_id, outcome, Severity.MAJEUR, 1.0, Text(""), "x", where, "6.1", "r", "p", (), Evidence.DOCTRINE
    )


@pytest.mark.parametrize(
    ("occurrences", "expected"),
    [
        ([Outcome.CONFORME, Outcome.NON_CONFORME, Outcome.A_RENSEIGNER], Outcome.NON_CONFORME),
        ([Outcome.DEROGATION, Outcome.A_RENSEIGNER], Outcome.A_RENSEIGNER),
        ([Outcome.CONFORME, Outcome.DEROGATION], Outcome.DEROGATION),
        ([Outcome.NON_APPLICABLE, Outcome.CONFORME], Outcome.CONFORME),
        ([Outcome.NON_APPLICABLE], Outcome.NON_APPLICABLE),
    ],
)
def test_rule_outcomes_takes_the_worst_occurrence(occurrences: list[Outcome], expected: Outcome) -> None:
    findings = [_finding("R-1", o) for o in occurrences] + [_finding("R-2", Outcome.CONFORME)]
    assert rule_outcomes(findings) == {"R-1": expected, "R-2": Outcome.CONFORME}


def test_a_profile_sees_one_outcome_per_rule_whatever_the_order(
    packs: list[Pack], write: Callable[..., Path]
) -> None:
    """Several findings may share a rule id (one per list element): the profile must not take
    whichever comes last."""
    path = write("profile: {id: p, title: P}\nrequired_rules: [RI-6.1-SSO]\n", "p.yaml")
    profile = load_profile(path, all_rules(packs))
    result = run(packs, GOOD).results[0]
    passing = next(f for f in result.findings if f.rule_id == "RI-6.1-SSO")
    failing = replace(passing, outcome=Outcome.NON_CONFORME, path="identity.providers[1]")
    for findings in ([passing, failing], [failing, passing]):
        (checked,) = check(profile, result.scores, rule_outcomes(findings))
        assert not checked.ok


def test_min_completeness_is_its_own_threshold(packs: list[Pack]) -> None:
    overall = run(packs, BAD, fail_on=None).results[0].scores.overall
    assert overall.completeness_ratio is not None and overall.completeness_ratio < 0.7
    exact = 100.0 * overall.completeness_ratio
    assert run(packs, BAD, fail_on=None, min_completeness=exact).exit_code == ExitCode.OK
    missed = run(packs, BAD, fail_on=None, min_completeness=exact + 0.1)
    (reason,) = missed.reasons
    assert (reason.file, reason.kind) == (BAD, ReasonKind.MIN_COMPLETENESS)
    shown = f"{overall.completeness:.1f}".replace(".", ",")
    assert f"complétude globale {shown}\u00a0%" in reason.message.fr
    assert overall.completeness is not None  # the figure the report shows holds as a threshold
    assert run(packs, BAD, fail_on=None, min_completeness=overall.completeness).exit_code == ExitCode.OK


def test_compliant_facts_without_the_mss_file_read_as_incomplete_not_non_compliant(
    packs: list[Pack], tmp_path: Path
) -> None:
    """Every declared fact of the well-run ENT is compliant, but neither the MonServiceSécurisé
    measures nor the RGESN criteria are transcribed: high conformity, low completeness, and a
    verdict that says incomplete."""
    import yaml

    data = yaml.safe_load(Path(GOOD).read_text(encoding="utf-8"))
    del data["security"]["measures"]
    del data["ecodesign"]["criteria"]
    manifest = tmp_path / "ent-sans-mss.yaml"
    manifest.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = run(packs, str(manifest), fail_on=None)
    overall = report.results[0].scores.overall
    securite = report.results[0].scores.referentiel("securite")
    assert securite is not None
    assert overall.score == 100.0 and securite.score == 100.0
    assert overall.completeness is not None and overall.completeness < 90.0
    # the measures part of Sécurité is decided only where a dedicated fact stands for a measure
    (mss,) = [p for p in securite.parts if p[0] == "dtne-securite-mss"]
    assert mss[3] is not None and mss[3] < 0.3
    assert securite.completeness is not None and securite.completeness < 80.0
    assert overall.status == securite.status == "incomplet"
    # the older single score, which counted every missing measure as failed, was far lower
    assert overall.progress is not None and overall.progress < 60.0
