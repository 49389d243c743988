"""Dérogations: applied, expiring, expired (dates as calendar dates), refused, unknown, scoped to a
path, and ignored in reviewer mode with the score difference shown."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from doctrine_lint.cli import cli
from doctrine_lint.errors import ManifestError
from doctrine_lint.linter import lint_document, load_manifest
from doctrine_lint.model import Outcome
from doctrine_lint.packs import load_packs

PACK = """\
pack: {id: w-test, version: 1.0.0, title: T, referentiel: securite, doctrine_version: t, chapters: {"1": Un}}
rules:
  - id: W-1-MFA
    title: MFA
    chapter: "1"
    severity: majeur
    rationale: r
    remediation: r
    references: [{url: "https://example.org"}]
    provenance: {evidence: officiel, legal_basis: loi-generale}
    waiver: {max_months: 12}
    check: {path: identity.admin_mfa, equals: true}
    examples:
      - {outcome: conforme, manifest: {identity: {admin_mfa: true}}}
      - {outcome: non-conforme, manifest: {identity: {admin_mfa: false}}}
  - id: W-1-TLS
    title: TLS
    chapter: "1"
    severity: majeur
    rationale: r
    remediation: r
    references: [{url: "https://example.org"}]
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
    references: [{url: "https://example.org"}]
    provenance: {evidence: officiel, legal_basis: bonne-pratique}
    check: {path: "identity.providers[*].protocol", in: [saml2, oidc]}
    examples:
      - {outcome: conforme, manifest: {identity: {providers: [{audience: eleves, provider: educonnect, protocol: saml2}]}}}
      - {outcome: non-conforme, manifest: {identity: {providers: [{audience: eleves, provider: educonnect, protocol: autre}]}}}
"""

TODAY = date(2026, 11, 28)
BASE = """\
service: {name: S, editor: E, kind: service-tiers}
identity:
  admin_mfa: false
  providers:
    - {audience: eleves, provider: educonnect, protocol: autre}
    - {audience: enseignants, provider: idp-academique, protocol: autre}
security: {tls: {min_version: "1.0"}}
derogations:
"""


def _run(write: Callable[..., Path], waivers: str, ignore: bool = False):  # type: ignore[no-untyped-def]
    packs = load_packs([write(PACK, "pack.yaml")], shipped=False)
    rules = [r for p in packs for r in p.rules]
    doc = load_manifest(write(BASE + waivers, "m.yaml"))
    result = lint_document(doc, packs, rules, TODAY, ignore_derogations=ignore)
    return {f.rule_id: f for f in result.findings}, result


def _waiver(rule: str, expires: str, extra: str = "") -> str:
    return f'  - {{rule: {rule}, justification: "Compensé par une mesure équivalente", expires: {expires}{extra}}}\n'


@pytest.mark.parametrize(
    ("expires", "state", "outcome", "extra_finding"),
    [
        ("2027-06-30", "applied", Outcome.DEROGATION, None),
        ("2026-12-20", "expiring", Outcome.DEROGATION, "DEROGATION-BIENTOT-EXPIREE"),
        (
            "2026-11-28",
            "expiring",
            Outcome.DEROGATION,
            "DEROGATION-BIENTOT-EXPIREE",
        ),  # expires today: still valid
        ("2026-11-27", "expired", Outcome.NON_CONFORME, "DEROGATION-EXPIREE"),  # expired yesterday
    ],
)
def test_waiver_dates_are_calendar_dates(
    write: Callable[..., Path], expires: str, state: str, outcome: Outcome, extra_finding: str | None
) -> None:
    findings, result = _run(write, _waiver("W-1-MFA", expires))
    assert result.waivers[0].state == state
    assert findings["W-1-MFA"].outcome is outcome
    if outcome is Outcome.DEROGATION:
        assert findings["W-1-MFA"].waived_from is Outcome.NON_CONFORME
    if extra_finding:
        assert findings[extra_finding].location.line == 9
    else:
        assert not any(r.startswith("DEROGATION-") for r in findings)


def test_scores_with_and_without_dérogations(write: Callable[..., Path]) -> None:
    _, result = _run(write, _waiver("W-1-MFA", "2027-06-30"))
    assert result.scores.overall.earned == 3.0  # the waived rule counts as earned
    assert result.scores_other is not None and result.scores_other.overall.earned == 0.0


def test_a_non_waivable_rule_cannot_be_waived(write: Callable[..., Path]) -> None:
    findings, result = _run(write, _waiver("W-1-TLS", "2027-06-30"))
    assert result.waivers[0].state == "refused"
    assert findings["W-1-TLS"].outcome is Outcome.NON_CONFORME
    assert findings["DEROGATION-REFUSEE"].severity.slug == "majeur"


def test_a_waiver_longer_than_the_pack_allows_is_refused(write: Callable[..., Path]) -> None:
    findings, result = _run(write, _waiver("W-1-MFA", "2028-06-30", ", granted: 2026-06-01"))
    assert result.waivers[0].state == "refused"
    assert findings["W-1-MFA"].outcome is Outcome.NON_CONFORME
    assert "12 mois" in findings["DEROGATION-TROP-LONGUE"].message.fr


def test_a_waiver_of_an_unknown_rule_is_an_input_error(write: Callable[..., Path]) -> None:
    with pytest.raises(ManifestError) as info:
        _run(write, _waiver("W-9-NOPE", "2027-06-30"))
    (problem,) = info.value.problems
    assert (problem.line, "règle inconnue : W-9-NOPE") == (
        9,
        "règle inconnue : W-9-NOPE",
    ) and "W-9-NOPE" in problem.message


def test_a_waiver_scoped_to_a_path_covers_only_that_element(write: Callable[..., Path]) -> None:
    _, result = _run(write, _waiver("W-1-PROTO", "2027-06-30", ', path: "identity.providers[0]"'))
    # each failing element is its own finding: only the waived one becomes a dérogation
    protos = {f.path: f.outcome for f in result.findings if f.rule_id == "W-1-PROTO"}
    assert protos == {
        "identity.providers[0].protocol": Outcome.DEROGATION,
        "identity.providers[1].protocol": Outcome.NON_CONFORME,
    }
    assert result.waivers[0].state == "applied"
    # a path that names no failing element covers nothing
    _, result = _run(write, _waiver("W-1-PROTO", "2027-06-30", ', path: "identity.providers[5]"'))
    assert {f.outcome for f in result.findings if f.rule_id == "W-1-PROTO"} == {Outcome.NON_CONFORME}
    assert result.waivers[0].state == "unused"
    # a prefix of a key is not the key: providers[1] does not cover providers[10]
    _, result = _run(write, _waiver("W-1-PROTO", "2027-06-30", ', path: "identity.provider"'))
    assert result.waivers[0].state == "unused"


def test_reviewer_mode_ignores_every_waiver_and_shows_the_difference(write: Callable[..., Path]) -> None:
    findings, result = _run(write, _waiver("W-1-MFA", "2027-06-30"), ignore=True)
    assert findings["W-1-MFA"].outcome is Outcome.NON_CONFORME
    assert [s.state for s in result.waivers] == ["ignored"]
    assert result.scores.overall.earned == 0.0
    assert result.scores_other is not None and result.scores_other.overall.earned == 3.0


def test_cli_exit_codes_with_waivers(write: Callable[..., Path]) -> None:
    pack = write(PACK, "pack.yaml")
    manifest = write(
        BASE.replace("  admin_mfa: false\n", "  admin_mfa: false\n")
        .replace("protocol: autre", "protocol: saml2")
        .replace('"1.0"', '"1.2"')
        + _waiver("W-1-MFA", "2027-06-30"),
        "m.yaml",
    )
    args = ["--only-packs", "--pack", str(pack), str(manifest), "--date", "2026-11-28"]
    assert CliRunner().invoke(cli, args).exit_code == 0  # the only failure is waived
    assert CliRunner().invoke(cli, [*args, "--no-derogations"]).exit_code == 1
    out = CliRunner().invoke(cli, [*args, "--no-derogations"]).stdout
    assert "ignorée (mode relecteur)" in out and "Score global avec dérogations" in out


@pytest.mark.parametrize(
    ("granted", "expires", "state"),
    [
        ("2026-10-31", "2027-10-31", "applied"),  # exactly 12 months
        ("2026-10-31", "2027-11-01", "refused"),  # one day more
        ("2026-02-28", "2027-02-28", "applied"),
        ("2026-11-28", "2026-11-27", "refused"),  # granted after it expires
        ("2026-12-01", "2027-06-30", "refused"),  # granted after the evaluation date
    ],
)
def test_waiver_cap_and_date_order(
    write: Callable[..., Path], granted: str, expires: str, state: str
) -> None:
    findings, result = _run(write, _waiver("W-1-MFA", expires, f", granted: {granted}"))
    assert result.waivers[0].state == state
    assert (findings["W-1-MFA"].outcome is Outcome.DEROGATION) is (state == "applied")


def test_an_expired_waiver_of_a_rule_that_now_passes_is_harmless(write: Callable[..., Path]) -> None:
    packs = load_packs([write(PACK, "pack.yaml")], shipped=False)
    rules = [r for p in packs for r in p.rules]
    doc = load_manifest(
        write(
            BASE.replace("admin_mfa: false", "admin_mfa: true") + _waiver("W-1-MFA", "2026-01-01"), "m.yaml"
        )
    )
    result = lint_document(doc, packs, rules, TODAY)
    assert result.waivers[0].state == "expired"
    assert not any(f.rule_id.startswith("DEROGATION-") for f in result.findings)


def test_a_renewal_replaces_an_expired_waiver(write: Callable[..., Path]) -> None:
    findings, result = _run(write, _waiver("W-1-MFA", "2026-01-01") + _waiver("W-1-MFA", "2027-06-30"))
    assert [s.state for s in result.waivers] == ["expired", "applied"]
    assert findings["W-1-MFA"].outcome is Outcome.DEROGATION
    assert "DEROGATION-EXPIREE" not in findings


def test_waivers_own_findings_are_not_counted_in_scores(write: Callable[..., Path]) -> None:
    _, result = _run(write, _waiver("W-1-TLS", "2027-06-30"))
    assert result.scores.overall.counts["non-conforme"] == 3  # the three rules, not the refusal
