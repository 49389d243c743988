"""« À corriger en priorité »: what to fix first in a manifest, ranked by what fixing it gains.

The candidates are each rule found *non conforme* (one item per rule, at its first failing
occurrence: the line to change) and each fact to declare, grouped as the reports ask for them
(`declare.fact_requests`). Each is re-scored, never estimated: `scoring.compute` runs again on
the manifest's scored findings with that item fixed — a non-conformity's occurrences become
*conforme*; a fact to declare makes the *à renseigner* findings it alone settles *conforme*,
the best case, when the declared fact is compliant — with the référentiel weights of the lint.
The gains are the overall rates as the report shows them (to a tenth, `model.pct`) after the
fix minus before, so that fixing an item moves the report's figures by exactly its gain.

Ranked: items that lift a bloquant failure first, then by conformity gain, completeness gain,
severity, and rule id in natural order. Items that gain nothing are left out unless bloquant.
Waived rules (dérogations, even ignored in reviewer mode), findings the --baseline already
knows and the findings of dérogations and evidence files (`synthetic.UNSCORED_PACKS`) are not
candidates. All items are returned; the presenters show the first few.

Only the human reports compute this (`formats.view.build`): a JSON, SARIF, JUnit or GitLab run
never pays for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from .declare import FactRequest, fact_requests
from .linter import ManifestResult
from .model import (
    Finding,
    Location,
    Outcome,
    ScoreLine,
    Severity,
    Text,
    natural_key,
    round_half_up,
    worst_outcome,
)
from .packs import Pack
from .scoring import add_to_part, compute, overall_composition, part_key, part_shares, per_rule
from .synthetic import UNSCORED_PACKS


@dataclass(frozen=True, slots=True)
class Rates:
    """The overall figures of a manifest as its report shows them."""

    conformity: float | None  # percent, to a tenth (`model.pct`); None when nothing is decided
    completeness: float | None
    status: str | None  # the verdict's slug (`ScoreLine.status`)

    @classmethod
    def of(cls, line: ScoreLine) -> Rates:
        return cls(line.score, line.completeness, line.status)


@dataclass(frozen=True, slots=True)
class Priority:
    """One thing to fix: a rule found non conforme, or a fact to declare (`request`)."""

    kind: Outcome  # NON_CONFORME or A_RENSEIGNER
    rules: tuple[str, ...]  # the rules it decides (one for a non-conformity), in natural order
    severity: Severity  # the highest of those rules
    location: Location  # the first failing occurrence, or where to add the fact
    fixes: tuple[Finding, ...]  # the occurrences it turns conforme, first failing one first
    request: FactRequest | None  # the fact to declare, for A_RENSEIGNER
    before: Rates
    after: Rates
    blocking: bool  # it lifts a bloquant failure: a bloquant rule fails before, not after

    @property
    def finding(self) -> Finding:
        """The occurrence that says what to do (a non-conformity's first failing one)."""
        return self.fixes[0]

    @property
    def conformity_gain(self) -> float:
        """Points of the overall conformity rate, as shown, rounded to a tenth."""
        return _gain(self.before.conformity, self.after.conformity)

    @property
    def completeness_gain(self) -> float:
        return _gain(self.before.completeness, self.after.completeness)

    @property
    def verdict_changes(self) -> bool:
        return self.after.status != self.before.status


def _gain(before: float | None, after: float | None) -> float:
    # From "—" (nothing decided) a rate is not raised by points, it comes into being: no gain in
    # points (a first fact would read "+100 pts" whatever it weighs); presenters show "— → x %".
    if before is None or after is None:
        return 0.0
    return round_half_up(after - before, 1)


def priorities(result: ManifestResult, packs: Sequence[Pack]) -> list[Priority]:
    """Every candidate of `result` worth fixing, re-scored and ranked (see the module docstring)."""
    waived = {rule for status in result.waivers for rule in status.covered}
    candidates = _non_conformities(result.findings, waived)
    candidates += _facts(result, waived)
    # Scoring reads one finding per rule with the worst outcome of its occurrences
    # (`scoring.per_rule`): re-scoring those, with only the fixed rules' outcomes replaced, gives
    # the scores of every finding re-scored. Only the overall rates are read, and a fix changes
    # only the parts (`scoring.part_key`) of the rules it fixes: those are summed again, the
    # others reused (`_Rescorer`).
    rules = per_rule(result.scored_findings)
    rescore = _Rescorer(rules, packs, result.referentiel_weights)
    occurrences: dict[str, list[Finding]] = {}
    for f in result.scored_findings:
        occurrences.setdefault(f.rule_id, []).append(f)
    before = Rates.of(result.scores.overall)
    out = []
    for kind, ids, severity, location, fixes, request in candidates:
        fixed = {id(f) for f in fixes}
        changed: dict[str, Outcome] = {}
        for rule in {f.rule_id for f in fixes}:
            changed[rule] = worst_outcome(
                Outcome.CONFORME if id(f) in fixed else f.outcome for f in occurrences[rule]
            )
        after, blocking = rescore.after(changed)
        item = Priority(kind, ids, severity, location, fixes, request, before, after, blocking)
        if blocking or severity is Severity.BLOQUANT or item.conformity_gain or item.completeness_gain:
            out.append(item)
    out.sort(key=_rank)
    return out


class _Rescorer:
    """The overall rates of one manifest with some rules' outcomes replaced, as
    `scoring.compute(..., waived_as_conforme=True)` gives them, recomputing only what changes:
    the sums of the parts holding a changed rule (in the same order, so the same floats), then
    the référentiel and overall compositions (a handful of parts)."""

    def __init__(
        self, rules: list[tuple[Finding, Outcome]], packs: Sequence[Pack], weights: Mapping[str, float] | None
    ) -> None:
        self.shares = part_shares(packs)
        self.weights = weights
        self.rules = rules
        self.index = {f.rule_id: i for i, (f, _) in enumerate(rules)}
        self.members: dict[tuple[str, str], list[int]] = {}
        for i, (f, outcome) in enumerate(rules):
            if outcome is not Outcome.NON_APPLICABLE:
                self.members.setdefault(part_key(f, self.shares), []).append(i)
        self.parts = {key: self._sum(key, {}) for key in self.members}
        self.failing_bloquants = {
            f.rule_id for f, outcome in rules if f.severity is Severity.BLOQUANT and outcome in _FAILING
        }
        self.packs = packs

    def _sum(self, key: tuple[str, str], changed: Mapping[str, Outcome]) -> ScoreLine:
        part = ScoreLine(key[1], Text(key[1]))
        for i in self.members[key]:
            f, outcome = self.rules[i]
            add_to_part(part, f.weight, changed.get(f.rule_id, outcome), True)
        return part

    def after(self, changed: Mapping[str, Outcome]) -> tuple[Rates, bool]:
        """(the overall rates, whether a bloquant failure is lifted) with `changed` outcomes."""
        was = {rule: self.rules[self.index[rule]][1] for rule in changed}
        if any(Outcome.NON_APPLICABLE in (was[r], changed[r]) for r in changed):
            # a part could appear or vanish: score the whole manifest again
            findings = [replace(f, outcome=changed.get(f.rule_id, outcome)) for f, outcome in self.rules]
            line = compute(
                findings, self.packs, waived_as_conforme=True, referentiel_weights=self.weights
            ).overall
        else:
            touched = {part_key(self.rules[self.index[r]][0], self.shares) for r in changed}
            parts = {key: self._sum(key, changed) if key in touched else p for key, p in self.parts.items()}
            line = ScoreLine("global", Text("Global", "Overall"))
            line.composed = overall_composition(parts, self.shares, self.weights)
            line.blocking_failure = any(
                r not in changed or changed[r] in _FAILING for r in self.failing_bloquants
            )
        blocking = any(
            f.severity is Severity.BLOQUANT and was[r] in _FAILING and changed[r] not in _FAILING
            for r in changed
            for f in (self.rules[self.index[r]][0],)
        )
        return Rates.of(line), blocking


_Candidate = tuple[Outcome, tuple[str, ...], Severity, Location, tuple[Finding, ...], FactRequest | None]


def _fixable(f: Finding, waived: set[str]) -> bool:
    return not f.known and f.pack_id not in UNSCORED_PACKS and f.rule_id not in waived


def _non_conformities(findings: Iterable[Finding], waived: set[str]) -> list[_Candidate]:
    """One candidate per rule found non conforme, at its first failing occurrence."""
    rules: dict[str, list[Finding]] = {}
    for f in findings:
        if f.outcome is Outcome.NON_CONFORME and _fixable(f, waived):
            rules.setdefault(f.rule_id, []).append(f)
    return [
        (Outcome.NON_CONFORME, (rule,), fixes[0].severity, fixes[0].location, tuple(fixes), None)
        for rule, fixes in rules.items()
    ]


def _facts(result: ManifestResult, waived: set[str]) -> list[_Candidate]:
    """One candidate per fact to declare: the à renseigner findings it settles on its own."""
    pending = [f for f in result.findings if f.outcome is Outcome.A_RENSEIGNER and _fixable(f, waived)]
    out: list[_Candidate] = []
    for request in fact_requests(result.findings, result.document.data):
        fixes = tuple(f for f in pending if request.settles(f))
        if fixes:
            rules = tuple(sorted({f.rule_id for f in fixes}, key=natural_key))
            severity = max(f.severity for f in fixes)
            out.append((Outcome.A_RENSEIGNER, rules, severity, request.location, fixes, request))
    return out


_FAILING = (Outcome.NON_CONFORME, Outcome.A_RENSEIGNER)


def _rank(item: Priority) -> tuple[bool, float, float, int, object, object]:
    return (
        not item.blocking,
        -item.conformity_gain,
        -item.completeness_gain,
        -item.severity,
        natural_key(item.rules[0]),
        natural_key(item.request.path if item.request else ""),
    )
