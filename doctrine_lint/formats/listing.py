"""What the one-line outputs for CI list (`concise`, `github`, `--statistics`): one entry per
occurrence that needs attention, in the order an editor walks a file, and their summary line.

Listed, as in the GitLab Code Quality report: new *non conforme* and *à renseigner* findings,
one per occurrence (a rule that walks a list gives one entry per failing element, and a fact to
declare that several rules need gives one entry per rule, as SARIF and GitLab show them), the
findings doctrine-lint gives of its own (expired or refused dérogations, evidence
contradictions), and unmet acceptance-profile requirements (at line 1 of the manifest). Not
listed: conforme, non applicable and waived findings, failures already in the `--baseline`.
Input errors are not entries: the command line prints them on stderr.

Entries are sorted by file (a manifest, then the evidence files it names), line, column and rule
id (naturally: RGESN-2.9 before RGESN-2.10). Every text is on one line (`safetext.prose`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ..i18n import number
from ..linter import ManifestResult, Reason, ReasonKind, Report
from ..model import Finding, Severity, Text, natural_key
from ..safetext import prose, visible
from ..synthetic import PROFILE_RULE, SYNTHETIC_RULES, synthetic_rule
from .sarif import reported


@dataclass(frozen=True, slots=True)
class Entry:
    """One occurrence to fix: where, how severe, which rule, what is wrong (in the report's
    language, on one line)."""

    file: str
    line: int  # 1-based; 0 when the place is a whole file (an evidence workbook)
    column: int
    severity: Severity
    rule_id: str
    title: str
    message: str


def entries(report: Report, lang: str) -> list[Entry]:
    """Every entry of the run, manifest after manifest (see the module docstring)."""
    return [e for result in report.results for e in manifest_entries(result, report, lang)]


def manifest_entries(result: ManifestResult, report: Report, lang: str) -> list[Entry]:
    """One manifest's entries, in order (`report` gives the rules)."""
    return sorted(_entries(result, report, lang), key=lambda e: _order(e, result.file))


def _order(e: Entry, manifest: str) -> tuple[bool, str, int, int, object]:
    return (e.file != visible(manifest), e.file, e.line, e.column, natural_key(e.rule_id))


def occurrence_message(f: Finding, title: str, lang: str) -> str:
    """A finding's message (its rule's title when it has none), naming the element it is about
    when the message does not: the occurrences of one rule must read apart."""
    message = f.message.get(lang).strip() or title
    element = f.element_text(lang)
    return f"{message} ({element})" if element and element not in message else message


def _entries(result: ManifestResult, report: Report, lang: str) -> Iterable[Entry]:
    rules = {r.id: r for r in report.rules}
    for f in reported(result):
        if not f.outcome.failing:
            continue
        rule = rules.get(f.rule_id)
        title = (rule.title if rule is not None else synthetic_rule(f.rule_id, f.severity).title).get(lang)
        message = occurrence_message(f, title, lang)
        loc = f.location
        yield Entry(
            visible(loc.file or result.file),
            loc.line,
            loc.column,
            f.severity,
            f.rule_id,
            prose(title),
            prose(message),
        )
    profile = SYNTHETIC_RULES[PROFILE_RULE]
    expected = "expected" if lang == "en" else "attendu"
    for check in result.profile:
        if check.ok:
            continue
        message = f"{check.requirement.get(lang)} : {check.actual.get(lang)} ({expected} {check.expected.get(lang)})"
        yield Entry(
            visible(result.file),
            1,
            1,
            profile.severity,
            PROFILE_RULE,
            prose(profile.title.get(lang)),
            prose(message),
        )


# severity names in summaries: French plural adds an s (« 3 majeurs »), « info » stays
_NAMES: dict[Severity, tuple[str, str]] = {
    Severity.BLOQUANT: ("bloquant", "blocking"),
    Severity.MAJEUR: ("majeur", "major"),
    Severity.MINEUR: ("mineur", "minor"),
    Severity.INFO: ("info", "info"),
}


def _counted(count: int, severity: Severity, lang: str) -> str:
    fr, en = _NAMES[severity]
    if lang == "en":
        return f"{number(count, lang)} {en}"
    plural = "s" if count > 1 and severity is not Severity.INFO else ""
    return f"{number(count, lang)} {fr}{plural}"


def summary(listed: list[Entry] | Counter[Severity], lang: str) -> str:
    """One line: « 17 constats : 3 majeurs, 14 mineurs » / "Found 17 findings: 3 major, 14
    minor", severities from the most severe; « Aucun constat. » / "No findings." when empty.
    `listed` is the entries, or how many there are of each severity (a streamed run)."""
    counts = listed if isinstance(listed, Counter) else Counter(e.severity for e in listed)
    if not counts:
        return Text("Aucun constat.", "No findings.").get(lang)
    parts = ", ".join(_counted(counts[s], s, lang) for s in sorted(counts, reverse=True))
    total = sum(counts.values())
    if lang == "en":
        return f"Found {number(total, lang)} finding{'s' if total > 1 else ''}: {parts}"
    return f"{number(total, lang)} constat{'s' if total > 1 else ''} : {parts}"


def thresholds(report: Report) -> list[Reason]:
    """Why the run fails besides its entries: --fail-under, --min-completeness (a score, not an
    occurrence). Unmet profile requirements and --fail-on are entries; input errors, stderr."""
    return [r for r in report.reasons if r.kind in (ReasonKind.FAIL_UNDER, ReasonKind.MIN_COMPLETENESS)]


def threshold_lines(report: Report, lang: str) -> list[str]:
    """`fichier: raison`, one line per missed score threshold."""
    return [f"{visible(r.file)}: {prose(r.message.get(lang))}" for r in thresholds(report)]
