"""Facts a pack computes from the manifest before its rules run (`derive:`), and indicators it
computes from the findings afterwards (`metrics:`).

Derived facts are data, declared in packs: ordered cases over conditions (the MonServiceSécurisé
security level, for instance) or a weighted ratio over declared statuses (the RGESN progress
score). Rules read them under `$derived.<name>`. Metrics use a small closed set of formulas with
their coefficients given by the pack (the MonServiceSécurisé cyber index).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .conditions import FALSE, TRUE, Context, Evaluator
from .document import PathKey
from .model import Finding, Outcome, Severity, Text, round_half_up, worst_outcome
from .paths import FieldPath, resolve

DERIVED_ROOT = "$derived"


@dataclass(frozen=True, slots=True)
class Case:
    when: Evaluator
    value: Any


@dataclass(frozen=True, slots=True)
class WeightedRatio:
    """scale × Σ weight(earned statuses) ÷ Σ weight(statuses not excluded); absent counts as not earned."""

    statuses: FieldPath
    weights: dict[str, float]
    earned: frozenset[str]
    excluded: frozenset[str]
    scale: float = 100.0
    digits: int = 1
    always_counted: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Derivation:
    name: str
    title: Text
    pack_id: str
    cases: tuple[Case, ...] = ()
    default: Any = None
    aggregate: WeightedRatio | None = None
    # what people read for each value of the fact ({"en-vigueur": {"fr": "en vigueur", …}})
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    # the pack's own text of the derivation, for `reads` (which fields it depends on)
    raw: dict[str, Any] | None = field(default=None, compare=False, hash=False, repr=False)


@dataclass(frozen=True, slots=True)
class Metric:
    """The cyber index of MonServiceSécurisé, over the findings of the rules carrying `tag`."""

    name: str
    title: Text
    pack_id: str
    kind: str
    tag: str
    tiers: dict[Severity, str]
    partial_values: frozenset[str]
    coefficients: dict[str, float]
    digits: int = 1
    # declared values that make a measure non applicable in doctrine-lint although the official
    # index still counts it (MonServiceSécurisé has no such status): counted, not done
    not_applicable_values: frozenset[str] = frozenset()
    # "done": a dérogation counts as a measure done; "declared": as its declared status
    derogations: str = "done"


@dataclass(slots=True)
class DerivedFact:
    """A computed value, where it comes from (for locating findings), and what it lacks."""

    name: str
    title: Text
    value: Any = None
    origin: PathKey = ()
    missing: list[tuple[PathKey, str]] = field(default_factory=list)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # the derivation's value labels


@dataclass(slots=True)
class Derived:
    facts: dict[str, DerivedFact] = field(default_factory=dict)

    def values(self) -> dict[str, Any]:
        return {name: f.value for name, f in self.facts.items() if f.value is not None}


def compute_derived(data: dict[str, Any], derivations: Sequence[Derivation], ctx: Context) -> Derived:
    """Compute every derived fact in order; later ones may read earlier ones under $derived."""
    derived = Derived()
    scope: dict[str, Any] = {}
    view = {**data, DERIVED_ROOT: scope}
    ctx = Context(ctx.today, view)  # `$derived.` and `$root.` paths read this view
    for d in derivations:
        fact = _derive(d, view, ctx)
        fact.missing = expand_missing(fact.missing, derived)
        derived.facts[d.name] = fact
        if fact.value is not None:
            scope[d.name] = fact.value
    return derived


def _derive(d: Derivation, view: dict[str, Any], ctx: Context) -> DerivedFact:
    fact = DerivedFact(d.name, d.title, labels=d.labels)
    if d.aggregate is not None:
        fact.value, fact.origin = weighted_ratio(d.aggregate, view)
        return fact
    for case in d.cases:
        verdict = case.when(view, ctx)
        fact.origin = verdict.path or fact.origin  # a default is located at the last fact tested
        if verdict.state == TRUE:
            fact.value, fact.origin = case.value, verdict.path or ()
            return fact
        if verdict.state != FALSE:
            # an undecided case comes first: the value cannot be known without that fact
            fact.missing = verdict.missing
            fact.origin = verdict.path or ()
            return fact
    fact.value = d.default
    return fact


def weighted_ratio(agg: WeightedRatio, view: dict[str, Any]) -> tuple[float | None, PathKey]:
    found = resolve(view, agg.statuses).found
    statuses = found[0][1] if found and isinstance(found[0][1], dict) else {}
    origin = found[0][0] if found else tuple(s for s in agg.statuses.segments if isinstance(s, str | int))
    earned = possible = 0.0
    for key, weight in agg.weights.items():
        status = statuses.get(key)
        if status in agg.excluded and key not in agg.always_counted:
            continue  # e.g. an RGESN criterion that applies to every service is never excluded
        possible += weight
        if status in agg.earned:
            earned += weight
    if possible <= 0:
        return None, origin
    return round_half_up(agg.scale * earned / possible, agg.digits), origin


def locate_derived(path: PathKey, derived: Derived) -> PathKey:
    """Map a `$derived.<name>` path to the manifest path that decided the fact, following
    derived facts that were themselves decided by other derived facts."""
    for _ in range(len(derived.facts) + 1):
        if not (path and path[0] == DERIVED_ROOT and len(path) > 1):
            return path
        fact = derived.facts.get(str(path[1]))
        if fact is None:
            return path
        path = fact.origin
    return path


def expand_missing(missing: Iterable[tuple[PathKey, str]], derived: Derived) -> list[tuple[PathKey, str]]:
    """Replace a missing `$derived.<name>` by the manifest facts that the derivation lacked."""
    out: list[tuple[PathKey, str]] = []
    for where, fact_text in missing:
        if where and where[0] == DERIVED_ROOT and len(where) > 1:
            fact = derived.facts.get(str(where[1]))
            if fact is not None and fact.missing:
                out.extend(fact.missing)
                continue
            if fact is None:
                out.append(((), f"{fact_text} (fait calculé par un pack non chargé)"))
                continue
        out.append((where, fact_text))
    return out


@dataclass(slots=True)
class MetricValue:
    name: str
    title: Text
    value: float | None
    counted: int
    pack_id: str


def compute_metrics(
    findings: Sequence[Finding],
    metrics: Sequence[Metric],
    tags: dict[str, tuple[str, ...]],
    expected: dict[str, int] | None = None,
) -> list[MetricValue]:
    """Indicators over findings; `tags` maps rule id → its tags. `expected` gives, per metric,
    how many loaded rules carry its tag: when a selection left some out, the indicator would not
    be the official one, so it has no value."""
    # a rule counts once in an indicator, with the worst of its occurrences
    rules: dict[str, Finding] = {}
    for f in findings:
        seen = rules.get(f.rule_id)
        if seen is None or worst_outcome((seen.outcome, f.outcome)) is not seen.outcome:
            rules[f.rule_id] = f
    out = []
    for m in metrics:
        chosen = [f for f in rules.values() if m.tag in tags.get(f.rule_id, ())]
        if expected is not None and len(chosen) < expected.get(m.name, 0):
            out.append(MetricValue(m.name, m.title, None, len(chosen), m.pack_id))
            continue
        out.append(_indice_cyber(m, chosen))
    return out


def _measure_done(m: Metric, f: Finding) -> float | None:
    """How much one measure counts as done (None: not counted). Not applicable measures are
    left out, except those made so by a value of `not_applicable_values` (counted, not done);
    measures still to declare count as not done; a dérogation counts as done, or with
    `derogations: declared` as the status it covers."""
    outcome = f.outcome
    if outcome is Outcome.NON_APPLICABLE:
        return 0.0 if f.value in m.not_applicable_values else None
    if outcome is Outcome.DEROGATION and m.derogations == "declared":
        outcome = f.waived_from or Outcome.NON_CONFORME
    if outcome in (Outcome.CONFORME, Outcome.DEROGATION):
        return 1.0
    if outcome is Outcome.NON_CONFORME and f.value in m.partial_values:
        return m.coefficients["partial"]
    return 0.0


def _indice_cyber(m: Metric, findings: Sequence[Finding]) -> MetricValue:
    """Per group (chapter): f = (done + partial·p) ÷ total for each tier; group score =
    (cI + cR·fR)·fI, or the one fraction present; index = scale × Σ n·score ÷ Σ n."""
    c = m.coefficients
    groups: dict[str, dict[str, list[float]]] = {}
    counted = 0
    for f in findings:
        tier = m.tiers.get(f.severity)
        done = None if tier is None else _measure_done(m, f)
        if tier is None or done is None:
            continue
        counted += 1
        groups.setdefault(f.chapter, {"indispensable": [], "recommandee": []})[tier].append(done)
    if not groups:
        return MetricValue(m.name, m.title, None, 0, m.pack_id)
    total = weighted = 0.0
    for tiers in groups.values():
        ind, rec = tiers["indispensable"], tiers["recommandee"]
        f_i = sum(ind) / len(ind) if ind else None
        f_r = sum(rec) / len(rec) if rec else None
        if f_i is not None and f_r is not None:
            score = (c["indispensable"] + c["recommandee"] * f_r) * f_i
        else:
            score = f_i if f_i is not None else (f_r or 0.0)
        n = len(ind) + len(rec)
        total += n
        weighted += n * score
    return MetricValue(m.name, m.title, round(c["scale"] * weighted / total, m.digits), counted, m.pack_id)
