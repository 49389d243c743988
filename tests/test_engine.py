"""Engine and scores: outcomes, where findings point, the scoring formula and statuses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from doctrine_lint.document import load_document
from doctrine_lint.engine import evaluate
from doctrine_lint.model import Outcome, ScoreLine, Severity, Text
from doctrine_lint.packs import load_pack
from doctrine_lint.scoring import compute

PACK = """\
pack:
  id: engine-test
  version: 1.0.0
  title: Test
  referentiel: securite
  doctrine_version: test
  chapters:
    "1": Un
    "2": Deux
rules:
  - id: E-1-MFA
    title: MFA des administrateurs
    chapter: "1"
    severity: bloquant
    rationale: r
    remediation: r
    message: {fr: "MFA absente ({path} = {value})", en: "No MFA ({path} = {value})"}
    references: [{url: "https://example.org"}]
    provenance: {evidence: officiel, legal_basis: loi-generale}
    check: {path: identity.admin_mfa, equals: true}
    examples:
      - {outcome: conforme, manifest: {identity: {admin_mfa: true}}}
      - {outcome: non-conforme, manifest: {identity: {admin_mfa: false}}}
  - id: E-1-GAR
    title: Identifiants opaques
    chapter: "1"
    severity: majeur
    rationale: r
    remediation: r
    references: [{url: "https://example.org"}]
    provenance: {evidence: officiel, legal_basis: contrat}
    applies_when: {path: gar.role, equals: fournisseur-ressources}
    check: {path: gar.opaque_identifiers, equals: true}
    examples:
      - {outcome: conforme, manifest: {gar: {role: fournisseur-ressources, opaque_identifiers: true}}}
      - {outcome: non-conforme, manifest: {gar: {role: fournisseur-ressources, opaque_identifiers: false}}}
  - id: E-2-PENTEST
    title: Test d'intrusion récent
    chapter: "2"
    severity: mineur
    weight: 2
    rationale: r
    remediation: r
    references: [{url: "https://example.org"}]
    provenance: {evidence: officiel, legal_basis: bonne-pratique}
    check: {path: security.pentest.date, not_older_than: {months: 12}}
    examples:
      - {outcome: conforme, manifest: {security: {pentest: {date: "2026-06-01"}}}}
      - {outcome: non-conforme, manifest: {security: {pentest: {date: "2019-06-01"}}}}
  - id: E-2-INFO
    title: Information
    chapter: "2"
    severity: info
    rationale: r
    remediation: r
    references: [{url: "https://example.org"}]
    provenance: {evidence: inference, legal_basis: bonne-pratique}
    check: {path: security.security_contact, exists: true}
    examples:
      - {outcome: conforme, manifest: {security: {security_contact: "x@example.org"}}}
      - {outcome: non-conforme, manifest: {}}
"""

TODAY = date(2026, 11, 28)


def _run(write: Callable[..., Path], manifest: str):  # type: ignore[no-untyped-def]
    pack = load_pack(write(PACK, "pack.yaml"))
    doc = load_document(write(manifest, "m.yaml"))
    findings = evaluate(doc, pack.rules, TODAY)
    return {f.rule_id: f for f in findings}, compute(findings, [pack])


def test_outcomes_and_locations(write: Callable[..., Path]) -> None:
    by_id, _ = _run(
        write,
        """
        identity:
          admin_mfa: false
        gar:
          role: ent-mediacentre
        security:
          tls: {min_version: "1.2"}
        """,
    )
    mfa = by_id["E-1-MFA"]
    assert mfa.outcome is Outcome.NON_CONFORME
    assert (mfa.location.line, mfa.location.column, mfa.location.exact) == (2, 14, True)
    assert mfa.message.get("fr") == "MFA absente (identity.admin_mfa = false)"
    assert mfa.message.get("en") == "No MFA (identity.admin_mfa = false)"
    gar = by_id["E-1-GAR"]
    assert gar.outcome is Outcome.NON_APPLICABLE
    assert (
        gar.reason is not None and gar.reason.get("fr") == "gar.role = ENT avec médiacentre"
    )  # the value's label (x-labels)
    pentest = by_id["E-2-PENTEST"]
    assert pentest.outcome is Outcome.A_RENSEIGNER
    assert pentest.missing == ("security.pentest.date",)
    # a missing fact points at its closest declared ancestor: the `security:` key
    assert (pentest.location.line, pentest.location.column, pentest.location.exact) == (5, 1, False)
    assert by_id["E-2-INFO"].outcome is Outcome.NON_CONFORME


def test_unknown_applicability_is_a_fact_to_declare(write: Callable[..., Path]) -> None:
    by_id, _ = _run(write, "identity: {admin_mfa: true}\n")
    gar = by_id["E-1-GAR"]
    assert gar.outcome is Outcome.A_RENSEIGNER
    assert gar.missing == ("gar.role",)


def test_a_fact_to_declare_lowers_completeness_not_conformity(write: Callable[..., Path]) -> None:
    _, scores = _run(
        write,
        """
        identity: {admin_mfa: true}
        gar: {role: aucun}
        security: {security_contact: "x@example.org"}
        """,
    )
    # E-1-MFA conforme (5/5), E-1-GAR non applicable, E-2-PENTEST à renseigner (0/2), E-2-INFO conforme (0/0)
    o = scores.overall
    assert (o.earned, o.decided, o.possible) == (5, 5, 7)
    assert o.score == 100.0 and o.completeness == pytest.approx(71.4) and o.progress == pytest.approx(71.4)
    assert o.status == "incomplet"  # nothing decided fails, but a fact is missing
    one = scores.chapter("securite", "1")
    two = scores.chapter("securite", "2")
    assert one is not None and one.score == 100.0 and one.status == "conforme" and one.rules == 1
    # nothing decided in chapter 2: no conformity rate, completeness 0
    assert two is not None and two.score is None and two.completeness == 0.0 and two.status == "incomplet"
    assert one.counts["non-applicable"] == 1


def test_failed_blocking_rule_makes_the_chapter_non_conforme(write: Callable[..., Path]) -> None:
    _, scores = _run(
        write,
        """
        identity: {admin_mfa: false}
        gar: {role: fournisseur-ressources, opaque_identifiers: true}
        security: {pentest: {date: "2026-10-01"}, security_contact: "x@example.org"}
        """,
    )
    one = scores.chapter("securite", "1")
    assert one is not None and one.score == pytest.approx(37.5)
    assert one.blocking_failure and one.status == "non-conforme"
    ref = scores.referentiel("securite")
    assert ref is not None and ref.status == "non-conforme"


def test_findings_are_sorted_by_chapter_then_id(write: Callable[..., Path]) -> None:
    pack = load_pack(write(PACK, "pack.yaml"))
    doc = load_document(write("a: 1\n", "m.yaml"))
    ids = [f.rule_id for f in evaluate(doc, list(reversed(pack.rules)), TODAY)]
    assert ids == ["E-1-GAR", "E-1-MFA", "E-2-INFO", "E-2-PENTEST"]


@pytest.mark.parametrize(
    ("earned", "decided", "possible", "blocking", "status"),
    [
        (10, 10, 10, False, "conforme"),
        (5, 10, 10, False, "partiellement-conforme"),
        (4.9, 10, 10, False, "non-conforme"),
        (10, 10, 10, True, "non-conforme"),
        (0, 0, 0, False, None),
        # nothing decided fails, something is missing: incomplete, not non-compliant
        (6, 6, 10, False, "incomplet"),
        (0, 0, 10, False, "incomplet"),
        # a blocking rule undecided or failed decides the verdict whatever the rates
        (6, 6, 10, True, "non-conforme"),
        # partly compliant on what is decided, and incomplete: the conformity rate decides
        (3, 6, 10, False, "partiellement-conforme"),
        (2, 6, 10, False, "non-conforme"),
    ],
)
def test_status_thresholds_on_conformity_with_incomplete(
    earned: float, decided: float, possible: float, blocking: bool, status: str | None
) -> None:
    line = ScoreLine(
        "k", Text("k"), earned=earned, decided=decided, possible=possible, blocking_failure=blocking
    )
    assert line.status == status


def test_status_and_score_use_the_unrounded_ratio() -> None:
    line = ScoreLine("k", Text("k"), earned=100, decided=100.01, possible=100.01)
    assert line.score == 99.9  # 100.0 % is only shown when exact
    assert line.status == "partiellement-conforme"
    complete = ScoreLine("k", Text("k"), earned=100, decided=100, possible=100.01)
    assert complete.score == 100.0 and complete.completeness == 99.9 and complete.status == "incomplet"


def test_default_weights_are_documented_values() -> None:
    from doctrine_lint.model import DEFAULT_WEIGHTS

    assert DEFAULT_WEIGHTS == {
        Severity.BLOQUANT: 5.0,
        Severity.MAJEUR: 3.0,
        Severity.MINEUR: 1.0,
        Severity.INFO: 0.0,
    }


def test_a_rule_that_fails_to_evaluate_is_a_pack_error(write: Callable[..., Path]) -> None:
    from dataclasses import replace

    from doctrine_lint.conditions import Context, Verdict
    from doctrine_lint.errors import PackError

    pack = load_pack(write(PACK, "pack.yaml"))

    def broken(data: object, ctx: Context) -> Verdict:
        raise ZeroDivisionError("division")

    rule = replace(pack.rules[0], check=broken)
    doc = load_document(write("a: 1\n", "m.yaml"))
    with pytest.raises(PackError, match="E-1-MFA : évaluation impossible"):
        evaluate(doc, [rule], TODAY)


@pytest.mark.parametrize(
    ("earned", "decided", "shown"),
    [
        (84.35, 100, 84.4),  # an RGESN family at 84.35 %: the workbook shows it rounded half up
        (6.5, 8, 81.3),  # 81.25 %, an exact binary half
        (22, 33, 66.7),
        (1, 3, 33.3),
        (99.95, 100, 99.9),  # would round to 100.0: a rate below 100 % never shows it
        (0.04, 100, 0.0),
        (100, 100, 100.0),
    ],
)
def test_displayed_rates_round_half_up_to_a_tenth(earned: float, decided: float, shown: float) -> None:
    line = ScoreLine("k", Text("k"), earned=earned, decided=decided, possible=decided)
    assert (line.score, line.progress, line.completeness) == (shown, shown, 100.0)
