"""The library entry point: lint manifests with packs and return a `Report`, without click.

A manifest that cannot be read or validated does not stop a batch: its problems are kept in
`Report.errors` and the others are still evaluated.
"""

from __future__ import annotations

import glob
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from . import __version__
from .conditions import Context
from .derived import Derived, MetricValue, compute_derived, compute_metrics
from .document import Document, load_document
from .engine import evaluate
from .errors import DoctrineLintError, ManifestError, Problem, UsageError
from .model import Finding
from .packs import Pack, Rule, all_derivations, all_identity_keys, all_metrics, all_rules
from .profiles import ProfileCheck
from .scoring import Scores, compute
from .validation import validate_document
from .waivers import WaiverStatus, apply_waivers, check_known, read_waivers, without_waivers


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


def expand_manifests(arguments: Sequence[str]) -> list[str]:
    """Files to lint: a file as given, every *.yaml / *.yml of a directory (sorted), or the
    matches of a glob pattern (for shells that do not expand it). An argument that matches
    nothing is kept, so it is reported as a missing file; no manifest at all is an error."""
    files: list[str] = []
    for arg in arguments:
        path = Path(arg)
        if path.is_dir():
            found = sorted(str(p) for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
            if not found:
                raise UsageError.single(arg, 0, 0, "aucun manifeste *.yaml ou *.yml dans ce dossier")
            files += found
        elif any(c in arg for c in "*?[") and not path.exists():
            found = sorted(
                p
                for p in glob.glob(arg, recursive=True)
                if Path(p).is_file() and p.endswith((".yaml", ".yml"))
            )
            if not found:
                raise UsageError.single(arg, 0, 0, "aucun fichier ne correspond à ce motif")
            files += found
        else:
            files.append(arg)
    return files


def load_manifest(path: Path | str, display: str | None = None) -> Document:
    """Load and schema-validate one manifest; raise ManifestError listing every problem."""
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
) -> ManifestResult:
    """Derived facts of every loaded pack, then the chosen rules, the manifest's dérogations,
    then scores (with and without dérogations) and metrics.

    With `ignore_derogations` (reviewer mode) no waiver applies; the scores they would have
    given are kept in `scores_other` to show the difference."""
    loaded = all_rules(packs)
    waivers = read_waivers(doc)
    check_known(doc, waivers, {r.id for r in loaded})
    derived = compute_derived(doc.data, all_derivations(packs), Context(today))
    plain = evaluate(doc, rules, today, derived, all_identity_keys(packs))
    waived, statuses = apply_waivers(plain, waivers, {r.id: r for r in rules}, today)
    if ignore_derogations:
        findings = plain
        statuses = [WaiverStatus(s.waiver, "ignored", s.covered, s.note) for s in statuses]
        scores, other = compute(plain, packs), compute(waived, packs, waived_as_conforme=True)
    else:
        findings = waived
        scores, other = (
            compute(waived, packs, waived_as_conforme=True),
            compute(without_waivers(waived), packs),
        )
    tags = {r.id: r.tags for r in rules}
    expected = {m.name: sum(1 for r in loaded if m.tag in r.tags) for m in all_metrics(packs)}
    metrics = compute_metrics(findings, all_metrics(packs), tags, expected)
    result = ManifestResult(doc.file, doc.sha256, findings, scores, doc, derived, metrics, statuses)
    result.scores_other = other if waivers else None
    return result


def lint(
    manifests: Sequence[Path | str],
    packs: Sequence[Pack],
    *,
    rules: Sequence[Rule] | None = None,
    today: date | None = None,
    ignore_derogations: bool = False,
) -> Report:
    """Lint each manifest with `rules` (default: every rule of `packs`) at date `today`."""
    today = today or date.today()
    chosen = list(rules) if rules is not None else all_rules(packs)
    report = Report([], list(packs), chosen, today, derogations_ignored=ignore_derogations)
    for path in manifests:
        try:
            doc = load_manifest(path)
            report.results.append(
                lint_document(doc, packs, chosen, today, ignore_derogations=ignore_derogations)
            )
        except DoctrineLintError as exc:
            report.errors.extend(exc.problems)
    return report
