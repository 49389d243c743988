"""Run every rule's examples: each fragment must give the outcome the pack promises.

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
from .engine import evaluate_rule
from .model import Outcome
from .packs import Pack, Rule, all_derivations
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


def _judge(
    rule: Rule, fragment: dict[str, Any], ctx: Context, validator: Any, derivations: Sequence[Derivation]
) -> tuple[Outcome | None, str | None]:
    """The outcome a fragment gets, or why it cannot be judged (off-schema, evaluation error)."""
    errors = [e for e in validator.iter_errors(fragment) if e.validator != "required"]
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path) or "(racine)"
        return None, f"fragment hors schéma du manifeste : {where} : {errors[0].message}"
    try:
        derived = compute_derived(fragment, derivations, ctx)
        data = {**fragment, DERIVED_ROOT: derived.values()} if derived.facts else fragment
        return evaluate_rule(rule, data, ctx)[0], None
    except Exception as exc:  # reported as a failed example, never a traceback
        return None, f"évaluation impossible : {type(exc).__name__}: {exc}"


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
            ctx = Context(today=today or rule.examples_date or date.today())
            for i, ex in enumerate(rule.examples):
                source = f"{rule.source.rsplit(':', 1)[0]}:{ex.line}"
                actual, problem = _judge(rule, ex.manifest, ctx, validator, derivations)
                results.append(ExampleResult(pack.id, rule.id, i, ex.outcome, actual, source, problem))
    return results
