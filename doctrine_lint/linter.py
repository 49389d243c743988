"""The library entry point: one whole run, without click — lint manifests with packs and return a
complete `Report`.

The run is: choose the rules (selection, minimum evidence), evaluate each manifest (derived
facts, rules, dérogations, scores, metrics), mark what a loaded baseline already knows, check a
loaded acceptance profile, then decide the exit code and say why (`Report.exit_code`,
`Report.reasons`). The command line only turns arguments into `LintOptions` and prints.

A manifest that cannot be read or validated does not stop a batch: its problems are kept in
`Report.errors` (exit code 2) and the others are still evaluated.
"""

from __future__ import annotations

import glob
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from . import __version__
from . import baseline as baselines
from .baseline import Baseline
from .conditions import Context
from .config import AppliedConfig
from .derived import Derivation, Derived, Metric, MetricValue, compute_derived, compute_metrics
from .document import Document, load_document
from .engine import evaluate
from .errors import DoctrineLintError, ExitCode, ManifestError, Msg, Problem, UsageError
from .evidence import EvidenceReport
from .evidence.merge import apply as apply_evidence
from .evidence.merge import findings_of as evidence_findings
from .evidence.merge import read_all as read_evidence_files
from .files import StdinSource
from .i18n import percent
from .model import Finding, Outcome, Severity, Text, natural_key
from .packs import Pack, Rule, all_derivations, all_identity_keys, all_metrics, all_rules
from .profiles import Profile, ProfileCheck
from .profiles import check as check_profile
from .renames import renamed_ids
from .scoring import Scores, compute, meets_minimum, reaches, rule_outcomes
from .selection import at_least, select_rules
from .validation import validate_document
from .waivers import WaiverStatus, apply_waivers, check_known, read_waivers, without_waivers


@dataclass(frozen=True, slots=True)
class LintOptions:
    """Everything a run needs besides the manifests and the packs.

    `rules` is the starting set (default: every rule of the packs); `select`, `ignore` and
    `min_evidence` narrow it as the command-line options do. `fail_on` is the lowest severity
    whose new non conforme / à renseigner finding fails the run (None: none does, « aucun »);
    `fail_under` the minimum overall conformity rate in percent (what was decided compliant),
    `min_completeness` the minimum overall completeness rate (how much could be decided)."""

    rules: Sequence[Rule] | None = None
    select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    min_evidence: str | None = None
    decided_by: str | None = None  # "preuve" or "declaration": list only the findings decided so
    today: date | None = None
    ignore_derogations: bool = False
    baseline: Baseline | None = None
    profile: Profile | None = None
    fail_on: Severity | None = Severity.MINEUR
    fail_under: float | None = None
    min_completeness: float | None = None
    config: AppliedConfig | None = None  # the configuration file in force, for the report's stamp


class ReasonKind(StrEnum):
    """What made a manifest fail the run."""

    FAIL_ON = "fail-on"  # a new finding at or above the --fail-on severity
    FAIL_UNDER = "fail-under"  # the overall conformity rate below --fail-under
    MIN_COMPLETENESS = "min-completeness"  # the overall completeness below --min-completeness
    PROFILE = "profile"  # a requirement of the acceptance profile not met
    UNREADABLE = "unreadable"  # the manifest could not be read or validated (exit code 2)


@dataclass(frozen=True, slots=True)
class Reason:
    """Why the run does not exit 0: which manifest, what failed, and the items concerned
    (rule ids for fail-on, the profile requirements, the input problems)."""

    file: str
    kind: ReasonKind
    message: Text
    items: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.file}: {self.message.fr}"


@dataclass(slots=True)
class ManifestResult:
    """Findings and scores for one manifest."""

    file: str
    sha256: str
    findings: list[Finding]
    scores: Scores
    document: Document
    derived: Derived = field(default_factory=Derived)
    metrics: list[MetricValue] = field(default_factory=list)
    waivers: list[WaiverStatus] = field(default_factory=list)
    # scores under the other waiver policy: without dérogations normally, with them in reviewer mode
    scores_other: Scores | None = None
    fixed: list[dict[str, Any]] = field(default_factory=list)  # baseline entries no longer failing
    profile: list[ProfileCheck] = field(default_factory=list)
    evidence: list[EvidenceReport] = field(default_factory=list)  # official exports read, for the stamp
    # how `scores` were computed, so that they can be computed again with a finding fixed
    # (`priorities`): the référentiel weights in force, and the findings scored when `findings`
    # lists only some of them (--decided-by); None: `findings` are the ones scored
    referentiel_weights: Mapping[str, float] | None = None
    scored: list[Finding] | None = None

    @property
    def scored_findings(self) -> list[Finding]:
        """The findings `scores` were computed from (with the unscored ones of dérogations and
        evidence files, which scoring skips)."""
        return self.findings if self.scored is None else self.scored


@dataclass(slots=True)
class Report:
    """Everything a formatter needs: results, the packs and rules that ran, the stamp data."""

    results: list[ManifestResult]
    packs: list[Pack]
    rules: list[Rule]
    today: date
    tool_version: str = __version__
    errors: list[Problem] = field(default_factory=list)
    min_evidence: str | None = None
    derogations_ignored: bool = False
    reasons: list[Reason] = field(default_factory=list)
    config: AppliedConfig | None = None  # the configuration file the options came from, if any

    @property
    def exit_code(self) -> ExitCode:
        """2 when a manifest could not be read, else 1 when any manifest failed (see `reasons`),
        else 0."""
        if self.errors:
            return ExitCode.ERROR
        return ExitCode.FINDINGS if self.reasons else ExitCode.OK

    def add(self, item: Item, options: LintOptions, *, keep: bool = True) -> None:
        """Count one manifest's outcome in the run: its problems or why it fails; its result
        is kept in `results` unless `keep` is False (a streamed run writes it and forgets it)."""
        if isinstance(item, Unreadable):
            self.errors.extend(item.problems)
            self.reasons.append(_unreadable(item.file, item.problems))
            return
        if isinstance(item, Prepared):
            self.reasons += item.reasons
            return
        if keep:
            self.results.append(item)
        self.reasons += failures(item, options)


def expand_manifests(arguments: Sequence[str], stdin: StdinSource | None = None) -> list[str | StdinSource]:
    """Files to lint: a file as given, every *.yaml / *.yml of a directory (sorted: a folder's
    Markdown files are its documentation as often as manifests, so they are named one by one or
    by a pattern), or the matches of a glob pattern, Markdown documents included (for shells that
    do not expand it). An argument that matches
    nothing is kept, so it is reported as a missing file; no manifest at all is an error.

    With `stdin`, the argument `-` stands for it (once at most: standard input is read once),
    in its place among the files."""
    files: list[str | StdinSource] = []
    for arg in arguments:
        if arg == "-" and stdin is not None:
            if stdin in files:
                raise UsageError.single(
                    "-",
                    0,
                    0,
                    Msg(
                        "l'entrée standard (-) ne peut être lue qu'une fois",
                        "standard input (-) can be read only once",
                    ),
                )
            files.append(stdin)
            continue
        path = Path(arg)
        if path.is_dir():
            found = sorted(str(p) for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
            if not found:
                raise UsageError.single(
                    arg,
                    0,
                    0,
                    Msg(
                        "aucun manifeste *.yaml ou *.yml dans ce dossier",
                        "no *.yaml or *.yml manifest in this folder",
                    ),
                )
            files += found
        elif any(c in arg for c in "*?[") and not path.exists():
            found = sorted(
                p
                for p in glob.glob(arg, recursive=True)
                if Path(p).is_file() and p.lower().endswith((".yaml", ".yml", *MARKDOWN_SUFFIXES))
            )
            if not found:
                raise UsageError.single(
                    arg, 0, 0, Msg("aucun fichier ne correspond à ce motif", "no file matches this pattern")
                )
            files += found
        else:
            files.append(arg)
    return files


MARKDOWN_SUFFIXES = (".md", ".markdown")  # read as documents (`markdowndoc`)


def load_manifest(path: Path | str | StdinSource, display: str | None = None) -> Document:
    """Load and schema-validate one manifest (a YAML file, or the marked YAML blocks of a
    Markdown document: `markdowndoc`); raise ManifestError listing every problem."""
    source = path if isinstance(path, StdinSource) else Path(path)
    if (source.name or "").lower().endswith(MARKDOWN_SUFFIXES):
        from .markdowndoc import load_markdown  # markdown-it only when a Markdown file is read

        shown = (
            display
            if display is not None
            else source.display
            if isinstance(source, StdinSource)
            else str(path)
        )
        doc = load_markdown(source, shown)
    else:
        doc = load_document(path, display=display)
    problems = validate_document(doc, "manifest")
    if problems:
        raise ManifestError(problems)
    return doc


def lint_document(
    doc: Document,
    packs: Sequence[Pack],
    rules: Sequence[Rule],
    today: date,
    *,
    ignore_derogations: bool = False,
    referentiel_weights: Mapping[str, float] | None = None,
) -> ManifestResult:
    """Derived facts of every loaded pack, then the chosen rules, the manifest's dérogations,
    then scores (with and without dérogations) and metrics. `referentiel_weights` weighs the
    référentiels in the overall rates (equal by default; an acceptance profile may set them).

    With `ignore_derogations` (reviewer mode) no waiver applies; the scores they would have
    given are kept in `scores_other` to show the difference."""
    known = _pack_facts(packs)
    waivers = read_waivers(doc, known.renamed)
    check_known(doc, waivers, known.rule_ids)
    as_written, applied = doc, None
    if _names_evidence(doc):
        doc, applied = apply_evidence(doc, read_evidence_files(doc))
    derived = compute_derived(doc.data, known.derivations, Context(today))
    plain = evaluate(doc, rules, today, derived, known.identity_keys)
    if waivers:
        waived, statuses = apply_waivers(plain, waivers, {r.id: r for r in rules}, today)
    else:  # nothing to apply: the findings stay as evaluated (already in report order)
        waived, statuses = plain, []
    weights = referentiel_weights
    other: Scores | None = None
    if ignore_derogations:
        findings = plain
        statuses = [WaiverStatus(s.waiver, "ignored", s.covered, s.note) for s in statuses]
        scores = compute(plain, packs, referentiel_weights=weights)
        if waivers:
            other = compute(waived, packs, waived_as_conforme=True, referentiel_weights=weights)
    else:
        findings = waived
        scores = compute(waived, packs, waived_as_conforme=True, referentiel_weights=weights)
        if waivers:  # without dérogations the scores only differ when there are some
            other = compute(without_waivers(waived), packs, referentiel_weights=weights)
    metrics = compute_metrics(findings, known.metrics, _tags(rules), known.expected)
    if applied is not None:
        own = evidence_findings(
            as_written, as_written.data, applied, plain, {m.name: m.value for m in metrics}, mss_tiers(plain)
        )
        findings = sorted([*findings, *own], key=lambda f: f.sort_key)
    result = ManifestResult(doc.file, doc.sha256, findings, scores, doc, derived, metrics, statuses)
    result.scores_other = other
    result.referentiel_weights = weights
    result.evidence = applied.reports if applied is not None else []
    return result


@dataclass(frozen=True, slots=True)
class _PackFacts:
    """What `lint_document` reads from the loaded packs, the same for every manifest of a batch."""

    renamed: dict[str, str]
    rule_ids: frozenset[str]
    derivations: list[Derivation]
    identity_keys: dict[str, tuple[str, ...]]
    metrics: list[Metric]
    expected: dict[str, int]  # per metric, how many loaded rules carry its tag


_FACTS: dict[tuple[int, ...], tuple[Sequence[Pack], _PackFacts]] = {}
_TAGS: dict[tuple[int, ...], tuple[Sequence[Rule], dict[str, tuple[str, ...]]]] = {}
_MEMO_MAX = 16


def _pack_facts(packs: Sequence[Pack]) -> _PackFacts:
    """Computed once per set of packs. The key holds each pack's identity and the identity and
    size of the lists read, so a pack changed in place (tests build packs by hand) is seen anew;
    the entry keeps the packs alive so their ids are not reused."""
    key = tuple(
        n
        for p in packs
        for lst in (p.rules, p.derivations, p.metrics, p.identity_keys, p.renamed)
        for n in (id(p), id(lst), len(lst))
    )
    found = _FACTS.get(key)
    if found is not None:
        return found[1]
    loaded = all_rules(packs)
    metrics = all_metrics(packs)
    facts = _PackFacts(
        renamed_ids(packs),
        frozenset(r.id for r in loaded),
        all_derivations(packs),
        all_identity_keys(packs),
        metrics,
        {m.name: sum(1 for r in loaded if m.tag in r.tags) for m in metrics},
    )
    if len(_FACTS) >= _MEMO_MAX:
        _FACTS.clear()
    _FACTS[key] = (list(packs), facts)
    return facts


def _tags(rules: Sequence[Rule]) -> dict[str, tuple[str, ...]]:
    """Rule id → tags of the chosen rules, once per selection."""
    key = tuple(map(id, rules))
    found = _TAGS.get(key)
    if found is not None:
        return found[1]
    tags = {r.id: r.tags for r in rules}
    if len(_TAGS) >= _MEMO_MAX:
        _TAGS.clear()
    _TAGS[key] = (list(rules), tags)
    return tags


def _names_evidence(doc: Document) -> bool:
    return isinstance(doc.data, dict) and bool(doc.data.get("evidence"))


_MSS_RULE = re.compile(r"^MSS-(.+?)(?:-[IR])?$")


def mss_tiers(findings: Sequence[Finding]) -> dict[str, str]:
    """Per MonServiceSécurisé measure, the tier doctrine-lint applies to the service from the
    manifest's description: "indispensable" (a majeur rule in scope) or "recommandee"."""
    out: dict[str, str] = {}
    for f in findings:
        if (
            f.pack_id != "dtne-securite-mss"
            or f.outcome is Outcome.NON_APPLICABLE
            or f.rule_id.endswith("-COHERENCE")
        ):
            continue
        found = _MSS_RULE.match(f.rule_id)
        if found is not None:
            out[found.group(1)] = "indispensable" if f.severity is Severity.MAJEUR else "recommandee"
    return out


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A manifest that could not be read or validated: its file (as shown) and its problems."""

    file: str
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class Prepared:
    """A result a worker process already turned into what the run's outputs need (`prepare`),
    with why it fails the run: the parent only writes it."""

    file: str
    reasons: tuple[Reason, ...]
    payload: Any


Item = ManifestResult | Unreadable | Prepared  # what `iter_results` yields, one per manifest, in input order


def _options(options: LintOptions | None, **shortcuts: Any) -> LintOptions:
    opts = options or LintOptions()
    given = {k: v for k, v in shortcuts.items() if v is not None}
    return replace(opts, **given) if given else opts


def start(packs: Sequence[Pack], options: LintOptions) -> Report:
    """The report of a run before any manifest is read: the chosen rules (an unknown
    --select/--ignore token raises UsageError here), the stamp data, no results yet.
    Results are added to it with `Report.add`."""
    day = options.today or date.today()
    start_rules = list(options.rules) if options.rules is not None else all_rules(packs)
    renamed = renamed_ids(packs)
    chosen = at_least(
        select_rules(start_rules, options.select, options.ignore, renamed), options.min_evidence
    )
    if options.baseline is not None:
        options.baseline.rename(renamed)
    return Report(
        [],
        list(packs),
        chosen,
        day,
        min_evidence=options.min_evidence,
        derogations_ignored=options.ignore_derogations,
        config=options.config,
    )


def iter_results(
    manifests: Sequence[Path | str | StdinSource],
    packs: Sequence[Pack],
    options: LintOptions | None = None,
    jobs: int = 1,
    *,
    report: Report | None = None,
    keep_documents: bool = False,
    prepare: Callable[[ManifestResult], Any] | None = None,
) -> Iterator[Item]:
    """Lint each manifest and yield, in input order, its `ManifestResult` or, when it cannot be
    read or validated, an `Unreadable` entry: one at a time, so that a batch of any size is
    written as it goes. The parsed document is dropped after linting (`ManifestResult.document`
    keeps only its file, data and digest: what the reports still read) unless `keep_documents`.

    `report` is the run's `start(packs, options)` when the caller has one (its chosen rules are
    used); `jobs` > 1 lints in that many worker processes (`batch`), the order kept. There, with
    `prepare`, a forked worker also turns each result into what the outputs need and yields it as
    `Prepared` (the parent then has little to do but write); else results come as they are."""
    opts = _options(options)
    head = report if report is not None else start(packs, opts)
    job = _Job(list(packs), head.rules, head.today, opts, keep_documents, prepare)
    if jobs > 1 and len(manifests) > 1 and not any(isinstance(m, StdinSource) for m in manifests):
        from .batch import parallel

        yield from parallel(job, manifests, jobs)  # standard input is read once, here: not in a worker
        return
    for path in manifests:
        yield job.run(path)


@dataclass(slots=True)
class _Job:
    """What linting one manifest needs besides the manifest: inherited by worker processes."""

    packs: list[Pack]
    rules: list[Rule]
    today: date
    options: LintOptions
    keep_documents: bool = False
    prepare: Callable[[ManifestResult], Any] | None = None  # run in forked workers only
    evaluated: frozenset[str] = frozenset()
    weights: Mapping[str, float] | None = None

    def __post_init__(self) -> None:
        self.evaluated = frozenset(r.id for r in self.rules)
        profile = self.options.profile
        self.weights = (profile.data.get("weights") or {}).get("referentiels") if profile else None

    def bare(self) -> _Job:
        """This job without its packs, rules and `prepare`, for a spawned worker to complete
        (`batch`: it loads the packs again; a closure does not travel)."""
        return _Job([], [], self.today, self.options, self.keep_documents)

    def work(self, path: Path | str | StdinSource) -> Item:
        """What a worker process gives back for one manifest: its result, `Prepared` with
        `prepare` (then the parent only writes)."""
        item = self.run(path)
        if self.prepare is not None and isinstance(item, ManifestResult):
            return Prepared(item.file, tuple(failures(item, self.options)), self.prepare(item))
        return item

    def run(self, path: Path | str | StdinSource) -> Item:
        opts = self.options
        try:
            doc = load_manifest(path)
            result = lint_document(
                doc,
                self.packs,
                self.rules,
                self.today,
                ignore_derogations=opts.ignore_derogations,
                referentiel_weights=self.weights,
            )
        except DoctrineLintError as exc:
            shown = path.display if isinstance(path, StdinSource) else str(path)
            return Unreadable(shown, tuple(exc.problems))
        # the position index is the bulk of a parsed manifest; the reports read only its data
        # (the facts to declare, the service's name) and its path (HTML excerpts re-read the file)
        if not self.keep_documents:
            used = result.document
            result.document = Document(used.file, used.data, sha256=used.sha256, has_folder=used.has_folder)
        if opts.decided_by is not None:
            # a review of what the official tools attest (or of what rests on the manifest's word
            # alone): the other findings are not listed, the scores still count them
            evidenced = opts.decided_by == "preuve"
            result.scored = result.findings
            result.findings = [f for f in result.findings if (f.proof is not None) is evidenced]
        if opts.baseline is not None:
            result.fixed = baselines.apply(result.file, result.findings, opts.baseline, self.evaluated)
        if opts.profile is not None:
            result.profile = check_profile(opts.profile, result.scores, rule_outcomes(result.findings))
        return result


def lint(
    manifests: Sequence[Path | str | StdinSource],
    packs: Sequence[Pack],
    options: LintOptions | None = None,
    *,
    rules: Sequence[Rule] | None = None,
    today: date | None = None,
    ignore_derogations: bool | None = None,
    jobs: int = 1,
) -> Report:
    """Lint each manifest and decide the run's exit code (see the module docstring): the whole
    `Report`, every result kept with its whole parsed document (`iter_results` gives them one
    at a time instead, documents dropped).

    `rules`, `today` and `ignore_derogations` are shortcuts for the `LintOptions` fields of the
    same name (kept for existing callers); when given they take precedence over `options`.
    An unknown --select/--ignore token raises UsageError before any manifest is read."""
    opts = _options(options, rules=rules, today=today, ignore_derogations=ignore_derogations)
    report = start(packs, opts)
    for item in iter_results(manifests, packs, opts, jobs, report=report, keep_documents=True):
        report.add(item, opts)
    return report


def failures(result: ManifestResult, options: LintOptions) -> list[Reason]:
    """Why one manifest's result fails the run under `options` (empty: it passes)."""
    out: list[Reason] = []
    threshold = options.fail_on
    if threshold is not None:
        # a failure already recorded in the baseline is not new: it does not fail the run
        failing = [
            f for f in result.findings if f.outcome.failing and not f.known and f.severity >= threshold
        ]
        if failing:
            ids = tuple(sorted({f.rule_id for f in failing}, key=natural_key))
            listed = ", ".join(ids)
            out.append(
                Reason(
                    result.file,
                    ReasonKind.FAIL_ON,
                    Text(
                        f"{len(failing)} constat(s) non conforme(s) ou à renseigner de sévérité "
                        f"{threshold.slug} ou plus (--fail-on) : {listed}",
                        f"{len(failing)} non-compliant or missing finding(s) of severity "
                        f"{threshold.slug} or above (--fail-on): {listed}",
                    ),
                    ids,
                )
            )
    overall = result.scores.overall
    if options.fail_under is not None and not meets_minimum(overall, options.fail_under):
        out.append(
            Reason(
                result.file,
                ReasonKind.FAIL_UNDER,
                Text(
                    f"conformité globale {percent(overall.score, 'fr')} inférieure au seuil --fail-under "
                    f"{percent(options.fail_under, 'fr', 'g')}",
                    f"overall conformity {percent(overall.score, 'en')} below the --fail-under threshold "
                    f"{percent(options.fail_under, 'en', 'g')}",
                ),
            )
        )
    complete = overall.completeness_ratio
    if options.min_completeness is not None and not reaches(complete, options.min_completeness):
        out.append(
            Reason(
                result.file,
                ReasonKind.MIN_COMPLETENESS,
                Text(
                    f"complétude globale {percent(overall.completeness, 'fr')} inférieure au seuil "
                    f"--min-completeness {percent(options.min_completeness, 'fr', 'g')}",
                    f"overall completeness {percent(overall.completeness, 'en')} below the "
                    f"--min-completeness threshold {percent(options.min_completeness, 'en', 'g')}",
                ),
            )
        )
    unmet = [c for c in result.profile if not c.ok]
    if unmet:
        name = options.profile.id if options.profile is not None else "?"
        out.append(
            Reason(
                result.file,
                ReasonKind.PROFILE,
                Text(
                    f"profil {name} : {len(unmet)} exigence(s) non atteinte(s) : "
                    + "; ".join(
                        f"{c.requirement.fr} ({c.actual.fr}, attendu {c.expected.fr})" for c in unmet
                    ),
                    f"profile {name}: {len(unmet)} requirement(s) not met: "
                    + "; ".join(
                        f"{c.requirement.get('en')} ({c.actual.get('en')}, expected {c.expected.get('en')})"
                        for c in unmet
                    ),
                ),
                tuple(c.requirement.fr for c in unmet),
            )
        )
    return out


def _unreadable(file: str, problems: Sequence[Problem]) -> Reason:
    return Reason(
        file,
        ReasonKind.UNREADABLE,
        Text(
            f"manifeste illisible ou invalide ({len(problems)} problème(s))",
            f"manifest unreadable or invalid ({len(problems)} problem(s))",
        ),
        tuple(str(p) for p in problems),
    )


def write_baseline(report: Report, path: Path) -> None:
    """Record the run's failing findings as the baseline at `path` (UsageError if unwritable)."""
    baselines.write(path, ((r.file, r.findings) for r in report.results), report.today)
