"""Scores per chapter, per référentiel and overall.

score = 100 × Σ weight(conforme) ÷ Σ weight(applicable), where applicable means every outcome
except *non applicable*: *à renseigner* counts in the denominator and lowers the score. A group
with a failed *bloquant* rule (non conforme or à renseigner) is *non conforme* whatever its score.

A rule weighs once, however many occurrences it reports: its outcome is the worst of its
occurrences (`model.worst_outcome`), and the counts are counts of rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .model import (
    OUTCOME_RANK,
    Finding,
    Outcome,
    ScoreLine,
    Severity,
    Text,
    chapter_key,
    pct,
    referentiel_rank,
)
from .packs import Pack
from .synthetic import UNSCORED_PACKS

# Enum members bound once: attribute access on an Enum class is slow on hot paths.
_NON_APPLICABLE = Outcome.NON_APPLICABLE
_CONFORME = Outcome.CONFORME
_DEROGATION = Outcome.DEROGATION
_NON_CONFORME = Outcome.NON_CONFORME
_A_RENSEIGNER = Outcome.A_RENSEIGNER
_BLOQUANT = Severity.BLOQUANT


@dataclass(slots=True)
class Scores:
    overall: ScoreLine
    referentiels: list[ScoreLine] = field(default_factory=list)
    chapters: list[tuple[str, ScoreLine]] = field(default_factory=list)

    def chapter(self, referentiel: str, chapter: str) -> ScoreLine | None:
        for ref, line in self.chapters:
            if ref == referentiel and line.key == chapter:
                return line
        return None

    def referentiel(self, name: str) -> ScoreLine | None:
        return next((r for r in self.referentiels if r.key == name), None)


# in REFERENTIEL_ORDER
REFERENTIEL_TITLES: dict[str, Text] = {
    "interoperabilite": Text("Interopérabilité", "Interoperability"),
    "securite": Text("Sécurité", "Security"),
    "numerique-responsable": Text("Numérique responsable", "Responsible digital"),
}


def per_rule(findings: Iterable[Finding]) -> list[tuple[Finding, Outcome]]:
    """Each rule once, in order of first appearance: its first finding (for its metadata) and
    the outcome it is scored with, the worst of its occurrences (as `model.worst_outcome`). A
    waiver's own findings (expired, refused…) and the evidence files' own findings are reported,
    not scored or counted."""
    out: list[list[Any]] = []
    index: dict[str, int] = {}
    rank = OUTCOME_RANK
    for f in findings:
        if f.pack_id in UNSCORED_PACKS:
            continue
        at = index.get(f.rule_id)
        if at is None:
            index[f.rule_id] = len(out)
            out.append([f, f.outcome])
        elif rank[f.outcome] > rank[out[at][1]]:
            out[at][1] = f.outcome
    return [(f, outcome) for f, outcome in out]


def rule_outcomes(findings: Iterable[Finding]) -> dict[str, Outcome]:
    """The outcome each rule is scored with (the worst of its occurrences), by rule id."""
    return {f.rule_id: outcome for f, outcome in per_rule(findings)}


def _add(line: ScoreLine, f: Finding, outcome: Outcome, waived_as_conforme: bool) -> None:
    # a StrEnum member is its own value: no `.value` lookups on this hot path
    line.counts[outcome] += 1
    if outcome is _NON_APPLICABLE:
        line.contributions.append((f.rule_id, outcome, 0.0, 0.0))
        return
    waived = waived_as_conforme and outcome is _DEROGATION
    earned = f.weight if outcome is _CONFORME or waived else 0.0
    line.rules += 1
    line.possible += f.weight
    line.earned += earned
    if outcome is _CONFORME or outcome is _NON_CONFORME or waived:
        line.decided += f.weight
    line.contributions.append((f.rule_id, outcome, earned, f.weight))
    if f.severity is _BLOQUANT and outcome in (_NON_CONFORME, _A_RENSEIGNER):
        line.blocking_failure = True


def _merge(total: ScoreLine, part: ScoreLine) -> None:
    total.earned += part.earned
    total.possible += part.possible
    total.decided += part.decided
    total.rules += part.rules
    total.blocking_failure = total.blocking_failure or part.blocking_failure
    for outcome, n in part.counts.items():
        total.counts[outcome] += n


DOCTRINE_PART = "doctrine"  # the rules of packs that declare no share of their référentiel


def _compose(parts: list[tuple[str, float, ScoreLine]]) -> tuple[float | None, float | None]:
    """Weighted means of the parts' rates: conformity over the parts that decided something,
    completeness over the parts that have something applicable."""
    conf = [(w, p.ratio) for _, w, p in parts if p.ratio is not None and w > 0]
    comp = [(w, p.completeness_ratio) for _, w, p in parts if p.completeness_ratio is not None and w > 0]
    conformity = sum(w * r for w, r in conf) / sum(w for w, _ in conf) if conf else None
    completeness = sum(w * r for w, r in comp) / sum(w for w, _ in comp) if comp else None
    return conformity, completeness


def part_shares(packs: Iterable[Pack]) -> dict[str, float]:
    """Pack id → its declared share of its référentiel (`score_share`)."""
    return {p.id: p.score_share for p in packs if p.score_share is not None}


def part_key(f: Finding, shares: Mapping[str, float]) -> tuple[str, str]:
    """The part of its référentiel a rule is scored in: its catalogue pack, or the doctrine."""
    return (f.referentiel, f.pack_id if f.pack_id in shares else DOCTRINE_PART)


def add_to_part(part: ScoreLine, weight: float, outcome: Outcome, waived_as_conforme: bool) -> None:
    """Add an applicable rule's weight to its part (not non applicable: parts skip those)."""
    part.possible += weight
    if outcome is _CONFORME or (waived_as_conforme and outcome is _DEROGATION):
        part.earned += weight
        part.decided += weight
    elif outcome is _NON_CONFORME:
        part.decided += weight


def _weighted_parts(
    ref_key: str, parts: Mapping[tuple[str, str], ScoreLine], shares: Mapping[str, float]
) -> list[tuple[str, float, ScoreLine]]:
    mine = [(name, p) for (r, name), p in parts.items() if r == ref_key]
    catalogue = sum(shares[name] for name, _ in mine if name in shares)
    return [(name, shares[name] if name in shares else max(0.0, 1.0 - catalogue), p) for name, p in mine]


def _weighted_referentiels(
    refs: Iterable[ScoreLine], referentiel_weights: Mapping[str, float] | None
) -> list[tuple[str, float, ScoreLine]]:
    weights = referentiel_weights or {}
    return [(ref.key, float(weights.get(ref.key, 1.0)), ref) for ref in refs]


def overall_composition(
    parts: Mapping[tuple[str, str], ScoreLine],
    shares: Mapping[str, float],
    referentiel_weights: Mapping[str, float] | None,
) -> tuple[float | None, float | None]:
    """The overall (conformity, completeness) ratios composed from the parts' sums, as `compute`
    composes them (référentiels in their usual order; a référentiel without applicable rule has
    no part and no rate, so it weighs nothing either way)."""
    refs = []
    for ref_key in sorted({r for r, _ in parts}, key=referentiel_rank):
        ref = ScoreLine(ref_key, Text(ref_key))
        ref.composed = _compose(_weighted_parts(ref_key, parts, shares))
        refs.append(ref)
    return _compose(_weighted_referentiels(refs, referentiel_weights))


def compute(
    findings: Iterable[Finding],
    packs: Iterable[Pack],
    *,
    waived_as_conforme: bool = False,
    referentiel_weights: Mapping[str, float] | None = None,
) -> Scores:
    """Aggregate findings into scores. `waived_as_conforme` counts dérogations as earned.

    A chapter is scored on its rules. A référentiel is composed of parts: each catalogue pack
    that declares `score_share` (its share of the référentiel) is one part, and every other
    rule of the référentiel forms the doctrine part, which keeps the rest. The overall rates are
    the weighted mean of the référentiels (`referentiel_weights`, equal by default)."""
    packs = list(packs)
    chapter_titles: dict[tuple[str, str], Text] = {}
    for pack in packs:
        for number, title in pack.chapters.items():
            chapter_titles.setdefault((pack.referentiel, number), title)
    shares = part_shares(packs)
    overall = ScoreLine("global", Text("Global", "Overall"))
    refs: dict[str, ScoreLine] = {}
    chapters: dict[tuple[str, str], ScoreLine] = {}
    parts: dict[tuple[str, str], ScoreLine] = {}
    for f, outcome in per_rule(findings):
        key = (f.referentiel, f.chapter)
        chap = chapters.get(key)
        if chap is None:
            chap = chapters[key] = ScoreLine(f.chapter, chapter_titles.get(key, Text(f.chapter)))
        _add(chap, f, outcome, waived_as_conforme)
        if outcome is _NON_APPLICABLE:
            continue
        # parts only need their weights (counts and contributions live in the chapters)
        key = part_key(f, shares)
        part = parts.get(key)
        if part is None:
            part = parts[key] = ScoreLine(key[1], Text(key[1]))
        add_to_part(part, f.weight, outcome, waived_as_conforme)
    # Référentiel and overall lines sum chapter lines (counts, weights, blocking failures) and
    # compose their rates from their parts.
    for (ref_key, _), chap in chapters.items():
        ref = refs.get(ref_key)
        if ref is None:
            ref = refs[ref_key] = ScoreLine(ref_key, REFERENTIEL_TITLES.get(ref_key, Text(ref_key)))
        _merge(ref, chap)
        _merge(overall, chap)
    for ref_key, ref in refs.items():
        weighted = _weighted_parts(ref_key, parts, shares)
        ref.composed = _compose(weighted)
        ref.parts = [(name, w, p.ratio, p.completeness_ratio) for name, w, p in weighted]
    ref_sorted = sorted(refs.values(), key=lambda r: referentiel_rank(r.key))
    composed = _weighted_referentiels(ref_sorted, referentiel_weights)
    overall.composed = _compose(composed)
    overall.parts = [(key, w, ref.ratio, ref.completeness_ratio) for key, w, ref in composed]
    chap_sorted = sorted(
        chapters.items(),
        key=lambda kv: (referentiel_rank(kv[0][0]), chapter_key(kv[0][1])),
    )
    return Scores(overall, ref_sorted, [(k[0], v) for k, v in chap_sorted])


_EPSILON = 1e-9  # 100 × 29/100 is 28.999…: a threshold met exactly must hold


def reaches(ratio: float | None, minimum: float) -> bool:
    """Whether a rate reaches `minimum` percent, exact or as the report shows it (to a tenth,
    halves up, never 100.0 below 100 %): both the exact rate and the figure read in a report hold
    as thresholds. No rate (nothing applicable or decided) falls short of nothing."""
    if ratio is None:
        return True
    shown = pct(ratio)
    return 100.0 * ratio + _EPSILON >= minimum or (shown is not None and shown >= minimum)


def meets_minimum(line: ScoreLine | None, minimum: float) -> bool:
    """Whether a score reaches `minimum` percent (--fail-under, profile minimum scores)."""
    return reaches(line.ratio if line is not None else None, minimum)
