"""The effect of a pack upgrade on a corpus: each submission linted under two pack sets, the
submissions whose verdict or scores move, and the rules that cause it.

A rule causes a change in a submission when, scored once per rule as `scoring` does (the worst
of its occurrences), it is added or removed (and applies), or its outcome, weight or severity
differs. Its *effect* is the overall conformity change it would make alone: the submission's old
findings with that one rule's findings swapped for the new ones, scored with the new packs,
against the old findings scored with the new packs (points of the overall rate, to a tenth).
Effects are not additive (rates are ratios); what a change of the packs' shares
(`score_share`) moves alone is reported as the cause `shares`. Effects need the findings of a run:
from two JSON reports the causes are named without them.

A submission that cannot be read or validated under either pack set is listed with its problems
and the others are still compared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .diff import ProfileVerdict, ScoreChange, compare_scores
from .errors import Msg, Problem, UsageError
from .files import StdinSource
from .linter import LintOptions, ManifestResult, lint
from .model import Finding, Outcome, Severity, natural_key, worst_outcome
from .packs import Pack, load_packs
from .reportfile import FindingData, ManifestData, from_result
from .scoring import compute
from .synthetic import UNSCORED_PACKS

SHIPPED = "shipped"
SHARES = "shares"  # the pseudo-rule of a change of the packs' score shares
DEFAULT_THRESHOLD = 0.1  # points: a smaller move of a rate is not a change


def load_pack_set(spec: str) -> list[Pack]:
    """A pack set: `shipped` (the bundled packs), or every *.yaml / *.yml pack of a folder, and
    those alone."""
    if spec == SHIPPED:
        return load_packs()
    folder = Path(spec)
    if not folder.is_dir():
        raise UsageError.single(
            spec,
            0,
            0,
            Msg(
                f"attendu un dossier de packs ou « {SHIPPED} » (les packs livrés)",
                f"expected a folder of packs or '{SHIPPED}' (the bundled packs)",
            ),
        )
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        raise UsageError.single(
            spec,
            0,
            0,
            Msg("aucun pack *.yaml ou *.yml dans ce dossier", "no *.yaml or *.yml pack in this folder"),
        )
    return load_packs(files, shipped=False)


@dataclass(frozen=True, slots=True)
class RuleState:
    """A rule as scored in one submission: its outcome (worst occurrence), weight, severity."""

    outcome: Outcome
    weight: float
    severity: Severity


def rule_states(findings: Iterable[FindingData]) -> dict[str, RuleState]:
    """Each scored rule once (as `scoring.per_rule`: waivers' and evidence files' own findings
    are not scored)."""
    grouped: dict[str, list[FindingData]] = {}
    for f in findings:
        if f.pack not in UNSCORED_PACKS:
            grouped.setdefault(f.rule_id, []).append(f)
    return {
        rule: RuleState(worst_outcome(f.outcome for f in fs), fs[0].weight, fs[0].severity)
        for rule, fs in grouped.items()
    }


@dataclass(frozen=True, slots=True)
class Cause:
    """A rule that differs in one submission. `kinds`: added, removed, outcome, weight,
    severity (or `shares` for the packs' score shares); `effect` and `completeness_effect` in
    points of the overall rates, when known."""

    rule_id: str
    kinds: tuple[str, ...]
    before: RuleState | None
    after: RuleState | None
    effect: float | None = None
    completeness_effect: float | None = None


def _applies(state: RuleState | None) -> bool:
    return state is not None and state.outcome is not Outcome.NON_APPLICABLE


def causes_of(old: Mapping[str, RuleState], new: Mapping[str, RuleState]) -> list[Cause]:
    """The rules whose difference can move a submission's scores or verdict."""
    out = []
    for rule in sorted(old.keys() | new.keys(), key=natural_key):
        a, b = old.get(rule), new.get(rule)
        if not (_applies(a) or _applies(b)):
            continue  # non applicable on both sides (or absent): weighs nothing either way
        if a is None or b is None:
            kinds: tuple[str, ...] = ("added",) if a is None else ("removed",)
        else:
            kinds = tuple(
                name
                for name, x, y in (
                    ("outcome", a.outcome, b.outcome),
                    ("weight", a.weight, b.weight),
                    ("severity", a.severity, b.severity),
                )
                if x != y
            )
        if kinds:
            out.append(Cause(rule, kinds, a, b))
    return out


@dataclass(slots=True)
class SubmissionImpact:
    file: str
    old: ManifestData
    new: ManifestData
    causes: list[Cause]
    scores: list[ScoreChange]  # overall, then the référentiels whose rates or status moved

    @property
    def overall(self) -> ScoreChange:
        return self.scores[0]

    @property
    def profile(self) -> tuple[ProfileVerdict | None, ProfileVerdict | None]:
        return ProfileVerdict.of(self.old.profile), ProfileVerdict.of(self.new.profile)

    @property
    def verdict_changed(self) -> bool:
        before, after = self.profile
        held = (before and before.held, after and after.held)
        return self.overall.status_changed or held[0] != held[1]

    def changed(self, threshold: float) -> bool:
        """Verdict (status or profile) changed, or a rate moved by `threshold` points or more:
        overall conformity or completeness, or a référentiel's conformity."""
        if self.verdict_changed:
            return True
        moves = [self.overall.completeness_delta, *(s.delta for s in self.scores)]
        return any(m is not None and abs(m) >= threshold - 1e-9 for m in moves) or any(
            (s.before is None) != (s.after is None) for s in self.scores
        )


@dataclass(frozen=True, slots=True)
class RuleImpact:
    """A rule across the corpus: how many changed submissions it is a cause in, the sum of its
    effects (None when no effect is known)."""

    rule_id: str
    submissions: int
    points: float | None


@dataclass(slots=True)
class Impact:
    submissions: list[SubmissionImpact]  # every comparable submission, in the corpus order
    threshold: float
    unreadable: list[tuple[str, str, list[Problem]]] = field(default_factory=list)  # file, side, problems

    @property
    def changed(self) -> list[SubmissionImpact]:
        return [s for s in self.submissions if s.changed(self.threshold)]

    @property
    def unreadable_files(self) -> list[str]:
        """The submissions not compared (unreadable under either pack set), once each."""
        return list(dict.fromkeys(file for file, _, _ in self.unreadable))

    def rules(self) -> list[RuleImpact]:
        """Rules by number of changed submissions they cause, then by points moved."""
        counts: dict[str, int] = {}
        moved: dict[str, float | None] = {}
        for s in self.changed:
            for c in s.causes:
                counts[c.rule_id] = counts.get(c.rule_id, 0) + 1
                if c.effect is not None:
                    moved[c.rule_id] = (moved.get(c.rule_id) or 0.0) + c.effect
                else:
                    moved.setdefault(c.rule_id, None)
        rows = [
            RuleImpact(r, n, None if moved[r] is None else round(moved[r] or 0.0, 1))
            for r, n in counts.items()
        ]
        return sorted(rows, key=lambda r: (-r.submissions, -abs(r.points or 0.0), natural_key(r.rule_id)))


def _overall(
    findings: Sequence[Finding],
    packs: Sequence[Pack],
    options: LintOptions,
    weights: Mapping[str, float] | None,
) -> tuple[float | None, float | None]:
    line = compute(
        findings, packs, waived_as_conforme=not options.ignore_derogations, referentiel_weights=weights
    ).overall
    return line.score, line.completeness


def _minus(a: tuple[float | None, float | None], b: tuple[float | None, float | None]) -> list[float | None]:
    """Points of conformity and completeness from `b` to `a`, to a tenth (None without both)."""
    return [None if x is None or y is None else round(x - y, 1) for x, y in zip(a, b, strict=True)]


def with_effects(
    causes: list[Cause], old: ManifestResult, new: ManifestResult, packs: Sequence[Pack], options: LintOptions
) -> list[Cause]:
    """`causes` with each one's effect (see the module docstring), and the `shares` cause when
    the new packs' score shares alone move the overall rate."""
    weights = new.referentiel_weights
    before = old.scored_findings
    reference = _overall(before, packs, options, weights)
    out = []
    for c in causes:
        swapped = [f for f in before if f.rule_id != c.rule_id]
        swapped += [f for f in new.scored_findings if f.rule_id == c.rule_id]
        out.append(
            Cause(
                c.rule_id,
                c.kinds,
                c.before,
                c.after,
                *_minus(_overall(swapped, packs, options, weights), reference),
            )
        )
    first = old.scores.overall
    shares = _minus(reference, (first.score, first.completeness))
    if any(shares):
        out.append(Cause(SHARES, (SHARES,), None, None, *shares))
    return out


def _lint_one(
    source: str | StdinSource, packs: Sequence[Pack], options: LintOptions
) -> ManifestResult | list[Problem]:
    run = lint([source], packs, options)
    return run.errors if run.errors else run.results[0]


def measure(
    corpus: Sequence[str | StdinSource],
    old_packs: Sequence[Pack],
    new_packs: Sequence[Pack],
    options: LintOptions,
    lang: str,
    threshold: float = DEFAULT_THRESHOLD,
) -> Impact:
    """Lint every submission of `corpus` under both pack sets and compare (see the module
    docstring). `options` apply to both runs (rule selection, date, profile, dérogations)."""
    impact = Impact([], threshold)
    for source in corpus:
        name = source.display if isinstance(source, StdinSource) else str(source)
        old = _lint_one(source, old_packs, options)
        new = _lint_one(source, new_packs, options)
        if isinstance(old, list) or isinstance(new, list):
            for side, got in (("old", old), ("new", new)):
                if isinstance(got, list):
                    impact.unreadable.append((name, side, got))
            continue
        before, after = from_result(old, lang), from_result(new, lang)
        causes = causes_of(rule_states(before.findings), rule_states(after.findings))
        impact.submissions.append(
            SubmissionImpact(
                name,
                before,
                after,
                with_effects(causes, old, new, new_packs, options),
                _scores(before, after),
            )
        )
    return impact


def _scores(before: ManifestData, after: ManifestData) -> list[ScoreChange]:
    return [s for s in compare_scores(before, after) if s.level != "chapter"]


def compare_reports(old: Sequence[ManifestData], new: Sequence[ManifestData], threshold: float) -> Impact:
    """The same comparison from two JSON reports of one corpus, manifests matched by file name
    (causes without effects); a manifest in one report only is listed as unreadable on the
    other side."""
    impact = Impact([], threshold)
    by_name = {m.file: m for m in new}
    seen = set()
    for before in old:
        after = by_name.get(before.file)
        if after is None:
            impact.unreadable.append((before.file, "new", [_absent(before.file)]))
            continue
        seen.add(before.file)
        causes = causes_of(rule_states(before.findings), rule_states(after.findings))
        impact.submissions.append(
            SubmissionImpact(before.file, before, after, causes, _scores(before, after))
        )
    for m in new:
        if m.file not in seen:
            impact.unreadable.append((m.file, "old", [_absent(m.file)]))
    return impact


def _absent(file: str) -> Problem:
    return Problem.at(
        file,
        0,
        0,
        Msg("absent de l'autre rapport", "missing from the other report"),
    )
