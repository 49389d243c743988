"""Run every rule's examples: each fragment must give the outcome the pack promises and, when
the example lists `findings`, exactly those occurrences (non conforme or à renseigner), by path —
so an example can say which element of a list fails, not only that the rule fails.

Fragments are also checked against the manifest schema (ignoring required keys, since a
fragment is partial), so a pack cannot document fields the manifest does not have.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .conditions import Context
from .derived import DERIVED_ROOT, Derivation, compute_derived
from .engine import evaluate_rule, shown_path
from .model import Outcome
from .packs import Example, Pack, Rule, all_derivations
from .validation import validator_for


@dataclass(frozen=True, slots=True)
class ExampleResult:
    pack_id: str
    rule_id: str
    index: int
    expected: Outcome
    actual: Outcome | None
    source: str
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None and self.expected is self.actual


_REPORTED = (Outcome.NON_CONFORME, Outcome.A_RENSEIGNER)


def _judge(
    rule: Rule, example: Example, today: date, validator: Any, derivations: Sequence[Derivation]
) -> tuple[Outcome | None, str | None]:
    """The outcome a fragment gets, or why it cannot be judged (off-schema, evaluation error,
    other occurrences than the example promises)."""
    fragment = example.manifest
    errors = [e for e in validator.iter_errors(fragment) if e.validator != "required"]
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path) or "(racine)"
        return None, f"fragment hors schéma du manifeste : {where} : {errors[0].message}"
    try:
        derived = compute_derived(fragment, derivations, Context(today, fragment))
        data = {**fragment, DERIVED_ROOT: derived.values()} if derived.facts else fragment
        outcome, found = evaluate_rule(rule, data, Context(today, data))
    except Exception as exc:  # reported as a failed example, never a traceback
        return None, f"évaluation impossible : {type(exc).__name__}: {exc}"
    if example.findings is not None and outcome is example.outcome:
        got = sorted((shown_path(o, derived), o.outcome.value) for o in found if o.outcome in _REPORTED)
        want = sorted((f.path, f.outcome.value) for f in example.findings)
        if got != want:
            return outcome, f"constats attendus : {_listed(want)} ; obtenus : {_listed(got)}"
    return outcome, None


def _listed(items: Sequence[tuple[str, str]]) -> str:
    return ", ".join(f"{path} ({outcome})" for path, outcome in items) or "aucun"


def run_examples(
    packs: Iterable[Pack], today: date | None = None, derivations: Sequence[Derivation] | None = None
) -> list[ExampleResult]:
    """Evaluate every example at `today`; by default at the examples_date of the pack that
    wrote the rule (an extending pack's date does not move its base's examples), else today.

    Derived facts are computed for each fragment with `derivations` (default: those of `packs`),
    exactly as in a real run."""
    packs = list(packs)
    derivations = list(derivations) if derivations is not None else all_derivations(packs)
    validator = validator_for("manifest")
    results: list[ExampleResult] = []
    for pack in packs:
        for rule in pack.rules:
            day = today or rule.examples_date or date.today()
            for i, ex in enumerate(rule.examples):
                source = f"{rule.source.rsplit(':', 1)[0]}:{ex.line}"
                actual, problem = _judge(rule, ex, day, validator, derivations)
                results.append(ExampleResult(pack.id, rule.id, i, ex.outcome, actual, source, problem))
    return results
