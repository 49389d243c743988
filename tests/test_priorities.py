"""« À corriger en priorité »: every gain is what the report shows once the item is fixed.

The key tests fix an item in the manifest's text (a measure or criterion set to its compliant
state, a bloquant fact set right, a missing block of criteria declared compliant), lint again,
and check that the overall conformity and completeness rates moved by exactly the stated gain
and that the verdict became the one announced."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from doctrine_lint.baseline import load as load_baseline
from doctrine_lint.formats import RenderOptions, get_formatter
from doctrine_lint.formats.view import PRIORITIES_SHOWN, build
from doctrine_lint.linter import LintOptions, ManifestResult, lint, write_baseline
from doctrine_lint.model import Outcome, Severity, natural_key
from doctrine_lint.packs import all_rules, load_packs
from doctrine_lint.priorities import Priority, priorities
from doctrine_lint.profiles import load_profile
from doctrine_lint.synthetic import UNSCORED_PACKS

from .conftest import EXAMPLES, PINNED_DATE

PACKS = load_packs()
TODAY = date.fromisoformat(PINNED_DATE)
BAD = EXAMPLES / "service-tiers-non-conforme.yaml"
ALL = sorted(EXAMPLES.glob("*.yaml"))


def _lint(path: Path, **options: object) -> ManifestResult:
    report = lint([path], PACKS, LintOptions(today=TODAY, **options))  # type: ignore[arg-type]
    assert not report.errors, report.errors
    (result,) = report.results
    return result


def _item(items: list[Priority], rule: str) -> Priority:
    return next(i for i in items if i.kind is Outcome.NON_CONFORME and i.rules == (rule,))


# --- fixing an item in the manifest's text ------------------------------------------------------

# the compliant value of a scalar the rule reads, per rule (prefix)
COMPLIANT = {"MSS-": "faite", "RGESN-": "valide", "RI-6.1-SSO": "true"}


def _set_values(text: str, item: Priority) -> str:
    """The manifest with the value at each failing occurrence replaced by a compliant one."""
    value = next(v for prefix, v in COMPLIANT.items() if item.rules[0].startswith(prefix))
    lines = text.splitlines(keepends=True)
    for f in item.fixes:
        assert f.location.exact, f
        i, col = f.location.line - 1, f.location.column - 1
        token = re.match(r"[^\s#,}\]]+", lines[i][col:])
        assert token is not None, lines[i]
        lines[i] = lines[i][:col] + value + lines[i][col + token.end() :]
    return "".join(lines)


def _declare(text: str, item: Priority) -> str:
    """The manifest with every fact of a request of criteria or measures declared compliant,
    under the mapping where the report says to add them."""
    assert item.request is not None
    value = "valide" if item.request.path == "ecodesign.criteria" else "faite"
    lines = text.splitlines(keepends=True)
    loc = item.location
    indent = " " * (loc.column - 1 + 2)
    keys = [re.fullmatch(r'.*\["(.+)"\]', fact) for fact in item.request.facts]
    assert all(keys), item.request.facts
    added = "".join(f'{indent}"{k.group(1)}": {value}\n' for k in keys if k)
    lines.insert(loc.line, added)
    return "".join(lines)


def _check_gain(tmp_path: Path, source: Path, item: Priority, fixed: str, **options: object) -> None:
    manifest = tmp_path / source.name
    manifest.write_text(fixed, encoding="utf-8")
    again = _lint(manifest, **options).scores.overall
    before = item.before
    assert again.score is not None and before.conformity is not None
    assert round(again.score - before.conformity, 1) == item.conformity_gain, item.rules
    assert round((again.completeness or 0) - (before.completeness or 0), 1) == item.completeness_gain
    assert again.status == item.after.status


NON_CONFORMITIES = [
    (BAD, "RI-6.1-SSO"),
    (BAD, "MSS-RGPD.6"),
    (EXAMPLES / "ent-premier-degre.yaml", "MSS-RH.2"),
    (EXAMPLES / "ent-premier-degre.yaml", "MSS-CONTRAT.2"),
    (EXAMPLES / "ressource-gar.yaml", "RGESN-1.5"),
    (EXAMPLES / "vie-scolaire.yaml", "MSS-ADMIN.4"),
    (EXAMPLES / "ent-premier-degre.yaml", "MSS-DROITS.3"),
]


@pytest.mark.parametrize(("source", "rule"), NON_CONFORMITIES, ids=lambda x: getattr(x, "stem", x))
def test_fixing_a_non_conformity_moves_the_rates_by_its_gain(tmp_path: Path, source: Path, rule: str) -> None:
    item = _item(priorities(_lint(source), PACKS), rule)
    assert item.conformity_gain > 0
    _check_gain(tmp_path, source, item, _set_values(source.read_text(encoding="utf-8"), item))


@pytest.mark.parametrize("source", [EXAMPLES / "ent-premier-degre.yaml", EXAMPLES / "ressource-gar.yaml"])
def test_the_first_item_is_a_fact_to_declare_and_declaring_it_moves_the_rates_by_its_gain(
    tmp_path: Path, source: Path
) -> None:
    first = priorities(_lint(source), PACKS)[0]
    assert first.kind is Outcome.A_RENSEIGNER and first.request is not None
    assert first.request.path == "ecodesign.criteria"
    assert first.conformity_gain > 0 and first.completeness_gain > 0
    fixed = _declare(source.read_text(encoding="utf-8"), first)
    # a manifest that publishes its RGESN score publishes the new one with the new criteria
    # (else NR-7.1.1-RGESN-SCORE-COHERENT fails: a second change the gain does not count)
    declared = re.search(r"declared_score: (\S+)", fixed)
    if declared:
        manifest = tmp_path / "step.yaml"
        manifest.write_text(fixed, encoding="utf-8")
        score = _lint(manifest).derived.facts["score_rgesn"].value
        fixed = fixed.replace(declared.group(0), f"declared_score: {score}")
    _check_gain(tmp_path, source, first, fixed)


def test_gains_hold_with_the_referentiel_weights_of_a_profile(tmp_path: Path) -> None:
    profile_file = tmp_path / "p.yaml"
    profile_file.write_text(
        "profile: {id: p, title: P}\nweights: {referentiels: {securite: 3, interoperabilite: 1}}\n",
        encoding="utf-8",
    )
    profile = load_profile(str(profile_file), all_rules(PACKS), {})
    result = _lint(BAD, profile=profile)
    equal = _lint(BAD)
    assert result.scores.overall.score != equal.scores.overall.score  # the weights count
    for rule in ("RI-6.1-SSO", "MSS-RGPD.6"):
        item = _item(priorities(result, PACKS), rule)
        assert item.conformity_gain != _item(priorities(equal, PACKS), rule).conformity_gain
        _check_gain(tmp_path, BAD, item, _set_values(BAD.read_text(encoding="utf-8"), item), profile=profile)


def test_a_bloquant_failure_comes_first_and_says_the_verdict_after(tmp_path: Path) -> None:
    result = _lint(BAD)
    first = priorities(result, PACKS)[0]
    assert first.rules == ("RI-6.1-SSO",) and first.severity is Severity.BLOQUANT and first.blocking
    assert first.before.status == "non-conforme" and first.after.status == "partiellement-conforme"
    assert first.verdict_changes
    loc = first.location
    assert (loc.file, loc.line, loc.column) == (str(BAD), 41, 20)
    view = build(lint([BAD], PACKS, LintOptions(today=TODAY)), RenderOptions())
    shown = view.manifests[0].priorities[0]
    assert shown.rank == 1 and shown.blocking and shown.verdict_after == "partiellement conforme"
    assert shown.position == f"{BAD}:41:20" and shown.gain_text.startswith("lève un échec bloquant, +")


# --- what is not a candidate --------------------------------------------------------------------


def _with_waiver(tmp_path: Path, rule: str) -> Path:
    manifest = tmp_path / "waived.yaml"
    waiver = f"derogations:\n  - {{rule: {rule}, justification: AIPD en cours, approver: DPO, expires: 2026-12-31}}\n"
    manifest.write_text(BAD.read_text(encoding="utf-8") + waiver, encoding="utf-8")
    return manifest


@pytest.mark.parametrize("reviewer", [False, True])
def test_a_waived_rule_is_never_listed(tmp_path: Path, reviewer: bool) -> None:
    manifest = _with_waiver(tmp_path, "SEC-6.1.4-AIPD")
    result = _lint(manifest, ignore_derogations=reviewer)
    covered = {rule for s in result.waivers for rule in s.covered}
    assert "SEC-6.1.4-AIPD" in covered
    items = priorities(result, PACKS)
    assert items and all("SEC-6.1.4-AIPD" not in i.rules for i in items)
    assert "SEC-6.1.4-AIPD" in {i.rules[0] for i in priorities(_lint(BAD), PACKS)}


def test_findings_the_baseline_knows_are_not_listed(tmp_path: Path) -> None:
    base = tmp_path / "base.json"
    write_baseline(lint([BAD], PACKS, LintOptions(today=TODAY)), base)
    assert priorities(_lint(BAD, baseline=load_baseline(base)), PACKS) == []


@pytest.mark.parametrize("source", ALL, ids=lambda p: p.stem)
def test_ranked_and_only_items_worth_fixing(source: Path) -> None:
    result = _lint(source)
    items = priorities(result, PACKS)
    keys = [
        (not i.blocking, -i.conformity_gain, -i.completeness_gain, -i.severity, natural_key(i.rules[0]))
        for i in items
    ]
    assert keys == sorted(keys)
    for i in items:
        assert (
            i.blocking or i.severity is Severity.BLOQUANT or i.conformity_gain > 0 or i.completeness_gain > 0
        )
        assert all(f.pack_id not in UNSCORED_PACKS and not f.known for f in i.fixes)
        # a non-conformity is placed at its first failing occurrence
        if i.kind is Outcome.NON_CONFORME:
            first = next(
                f for f in result.findings if f.rule_id == i.rules[0] and f.outcome is Outcome.NON_CONFORME
            )
            assert i.location == first.location
    # the items are the rules found non conforme and the facts to declare, nothing else
    failing = {f.rule_id for f in result.findings if f.outcome is Outcome.NON_CONFORME}
    assert {i.rules[0] for i in items if i.kind is Outcome.NON_CONFORME} <= failing
    pending = {f.rule_id for f in result.findings if f.outcome is Outcome.A_RENSEIGNER}
    assert {r for i in items if i.kind is Outcome.A_RENSEIGNER for r in i.rules} <= pending


def test_decided_by_rescored_on_every_finding() -> None:
    """--decided-by lists some findings: the scores, and so the gains, still count them all."""
    full, only = _lint(BAD), _lint(BAD, decided_by="declaration")
    assert len(only.findings) <= len(full.findings) and only.scored is not None
    assert {(i.rules, i.conformity_gain) for i in priorities(only, PACKS)} <= {
        (i.rules, i.conformity_gain) for i in priorities(full, PACKS)
    }


# --- shown in the human reports, not computed for the machine ones ------------------------------


@pytest.mark.parametrize(
    ("lang", "heading", "gain", "where"),
    [
        ("fr", "À corriger en priorité", "+16,7\u00a0pts de conformité", f"ligne à modifier : {BAD}:41:20"),
        ("en", "Fix first", "+16.7\u00a0pts conformity", f"line to change: {BAD}:41:20"),
    ],
)
@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_human_reports_open_on_the_verdict_then_the_priorities(
    fmt: str, lang: str, heading: str, gain: str, where: str
) -> None:
    report = lint([BAD], PACKS, LintOptions(today=TODAY))
    out = get_formatter(fmt)(report, RenderOptions(lang=lang))
    verdict = "Verdict : non conforme" if lang == "fr" else "Verdict: non-compliant"
    findings = "Constats" if lang == "fr" else "Findings"
    assert out.index(verdict) < out.index(heading) < out.index(findings)
    section = out[out.index(heading) : out.index(findings)]
    assert gain in section and where.replace("-", "").replace("\\", "") in section.replace("-", "").replace(
        "\\", ""
    )
    assert section.count("RI-6.1-SSO") == 1
    more = len(build(report, RenderOptions(lang=lang)).manifests[0].priorities) - PRIORITIES_SHOWN
    assert more > 0 and (f"et {more} autres" if lang == "fr" else f"and {more} more") in section


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "gitlab"])
def test_machine_formats_never_compute_priorities(monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    import doctrine_lint.formats.view as view

    def boom(*args: object) -> list[Priority]:
        raise AssertionError("computed")

    monkeypatch.setattr(view, "priorities", boom)
    report = lint([BAD], PACKS, LintOptions(today=TODAY))
    assert get_formatter(fmt)(report, RenderOptions())
    with pytest.raises(AssertionError, match="computed"):
        get_formatter("text")(report, RenderOptions())


def test_profile_verdict_is_one_line_before_the_priorities() -> None:
    profile = load_profile(str(EXAMPLES / "profils/marche-ent-colleges.yaml"), all_rules(PACKS), {})
    report = lint([BAD], PACKS, LintOptions(today=TODAY, profile=profile))
    out = get_formatter("text")(report, RenderOptions())
    unmet = sum(1 for c in report.results[0].profile if not c.ok)
    total = len(report.results[0].profile)
    line = f"Profil d'acceptation : non tenu ({unmet} exigences sur {total} non tenues)"
    assert line in out and out.index(line) < out.index("À corriger en priorité")


def test_a_rate_that_comes_into_being_is_not_a_gain_in_points(tmp_path: Path) -> None:
    # nothing decided yet: conformity is "—"; the first fact declared gives it its first value,
    # which the list shows as "— → 100,0 %", never as "+100 points"
    bare = tmp_path / "bare.yaml"
    bare.write_text("service:\n  name: S\n  editor: E\n  kind: ent-2d\n", encoding="utf-8")
    result = _lint(bare)
    items = priorities(result, PACKS)
    assert items and all(i.before.conformity is None for i in items)
    assert all(i.conformity_gain == 0.0 for i in items)
    assert items[0].completeness_gain > 0
    (view,) = build(lint([bare], PACKS, LintOptions(today=TODAY)), RenderOptions()).manifests
    first = view.priorities[0]
    assert first.position == f"{bare}:1:1"
    assert "conformité — → 100,0\u00a0%" in first.gain_text
    assert "+100" not in first.gain_text
