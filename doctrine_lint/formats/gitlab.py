"""GitLab Code Quality report (`artifacts:reports:codequality`): a JSON list of issues.

Only what needs attention becomes an issue: *non conforme* and *à renseigner* findings that are
not already in the `--baseline` (one issue per occurrence of a rule that walks a list), the findings dérogations give of their own (expired, refused…),
unmet acceptance-profile requirements and manifests that could not be read. Each issue has a
`description`, the rule id as `check_name`, a `severity` mapped from the rule's (bloquant →
blocker, majeur → major, mineur → minor, info → info), a `location` (manifest path and 1-based
line) and a `fingerprint` made of the manifest file, rule id and manifest path — never a line —
so that a merge request that only moves lines shows no new or fixed issue.
"""

from __future__ import annotations

import json
from typing import Any

from ..baseline import fingerprint, stable_file
from ..linter import ManifestResult, Report
from ..model import Severity
from ..packs import Rule
from ..safetext import prose, visible_lines
from ..synthetic import PROFILE_RULE, SYNTHETIC_RULES, synthetic_rule
from . import RenderOptions
from .listing import occurrence_message
from .sarif import digest, reported

SEVERITIES: dict[Severity, str] = {
    Severity.BLOQUANT: "blocker",
    Severity.MAJEUR: "major",
    Severity.MINEUR: "minor",
    Severity.INFO: "info",
}

INPUT_ERROR = "MANIFESTE-INVALIDE"


def report_path(file: str) -> str:
    """The manifest path as GitLab expects it: relative to the project, with forward slashes."""
    return stable_file(file)


def _issue(
    check: str, description: str, body: str, severity: str, fp: str, file: str, line: int
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "issue",
        "check_name": check,
        "description": prose(description),  # one line, control and bidi characters visible
        "severity": severity,
        "fingerprint": fp,
        "location": {"path": report_path(file), "lines": {"begin": max(1, line)}},
    }
    if body:
        out["content"] = {"body": visible_lines(body)}
    return out


def _issues(result: ManifestResult, rules: dict[str, Rule], lang: str) -> list[dict[str, Any]]:
    out = []
    for f in reported(result):
        if not f.outcome.failing:
            continue
        rule = rules.get(f.rule_id)
        remediation = (rule.remediation if rule else synthetic_rule(f.rule_id, f.severity).remediation).get(
            lang
        )
        message = occurrence_message(f, rule.title.get(lang) if rule else f.rule_id, lang)
        out.append(
            _issue(
                f.rule_id,
                f"[{f.rule_id}] {message}",
                remediation.strip(),
                SEVERITIES[f.severity],
                fingerprint(result.file, f),
                f.location.file or result.file,
                f.location.line,
            )
        )
    profile = SYNTHETIC_RULES[PROFILE_RULE]
    expected = "expected" if lang == "en" else "attendu"
    for check in result.profile:
        if check.ok:
            continue
        out.append(
            _issue(
                PROFILE_RULE,
                f"[{PROFILE_RULE}] {check.requirement.get(lang)} : {check.actual.get(lang)} ({expected} {check.expected.get(lang)})",
                profile.remediation.get(lang),
                SEVERITIES[profile.severity],
                digest(result.file, PROFILE_RULE, check.requirement.fr),
                result.file,
                1,
            )
        )
    return out


def as_list(report: Report, opts: RenderOptions) -> list[dict[str, Any]]:
    rules = {r.id: r for r in report.rules}
    issues: list[dict[str, Any]] = []
    for result in report.results:
        issues += _issues(result, rules, opts.lang)
    for p in report.errors:
        issues.append(
            _issue(
                INPUT_ERROR,
                f"[{INPUT_ERROR}] {p.text(opts.lang)}",
                p.render(opts.lang),
                "blocker",
                digest(p.file, INPUT_ERROR, str(p)),
                p.file,
                p.line,
            )
        )
    return issues


def render(report: Report, opts: RenderOptions) -> str:
    return json.dumps(as_list(report, opts), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
