"""The library entry point: lint manifests with packs and return a `Report`, without click.

A manifest that cannot be read or validated does not stop a batch: its problems are kept in
`Report.errors` and the others are still evaluated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import __version__
from .conditions import Context
from .derived import Derived, MetricValue, compute_derived, compute_metrics
from .document import Document, load_document
from .engine import evaluate
from .errors import DoctrineLintError, ManifestError, Problem
from .model import Finding
from .packs import Pack, Rule, all_derivations, all_metrics, all_rules
from .scoring import Scores, compute
from .validation import validate_document


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


def load_manifest(path: Path | str, display: str | None = None) -> Document:
    """Load and schema-validate one manifest; raise ManifestError listing every problem."""
    doc = load_document(path, display=display)
    problems = validate_document(doc, "manifest")
    if problems:
        raise ManifestError(problems)
    return doc


def lint_document(doc: Document, packs: Sequence[Pack], rules: Sequence[Rule], today: date) -> ManifestResult:
    """Derived facts of every loaded pack, then the chosen rules, then scores and metrics."""
    derived = compute_derived(doc.data, all_derivations(packs), Context(today))
    findings = evaluate(doc, rules, today, derived)
    tags = {r.id: r.tags for r in rules}
    loaded = all_rules(packs)
    expected = {m.name: sum(1 for r in loaded if m.tag in r.tags) for m in all_metrics(packs)}
    metrics = compute_metrics(findings, all_metrics(packs), tags, expected)
    return ManifestResult(doc.file, doc.sha256, findings, compute(findings, packs), doc, derived, metrics)


def lint(
    manifests: Sequence[Path | str],
    packs: Sequence[Pack],
    *,
    rules: Sequence[Rule] | None = None,
    today: date | None = None,
) -> Report:
    """Lint each manifest with `rules` (default: every rule of `packs`) at date `today`."""
    today = today or date.today()
    chosen = list(rules) if rules is not None else all_rules(packs)
    report = Report([], list(packs), chosen, today)
    for path in manifests:
        try:
            doc = load_manifest(path)
        except DoctrineLintError as exc:
            report.errors.extend(exc.problems)
            continue
        report.results.append(lint_document(doc, packs, chosen, today))
    return report
