"""SARIF 2.1.0 report, for GitHub code scanning and other SARIF viewers.

One run, written as the manifests are linted (`stream`): its results first, then what is known
at the end. `tool.driver.rules` describes every rule that produced a result (plus the synthetic
rules of dérogations and acceptance profiles), in the order they first appear in the results;
each result points at its rule by `ruleId` and `ruleIndex`. Results are the findings that need attention — *non conforme* and
*à renseigner* — and waived findings (*dérogation*), which carry an external `suppression` with
the waiver's justification; with `show_all`, passing and non-applicable rules are added as
`pass` / `notApplicable` results of level `none`. A rule that walks a list gives one result per
occurrence, its logical location naming the element.

Manifest paths are URIs relative to `SRCROOT` (the directory doctrine-lint ran in); lines and
columns are 1-based and counted in Unicode code points, as PyYAML counts them. Each result has a
`partialFingerprints` entry computed from the manifest file, the rule id and the manifest path —
never a line number — the same identity as `--baseline` uses, so editing unrelated parts of a
manifest keeps every alert matched. The output is deterministic (sorted, indented JSON).
"""

from __future__ import annotations

import hashlib
import json
import re
import textwrap
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from ..baseline import fingerprint
from ..chapters import chapter_label
from ..errors import Problem
from ..i18n import outcome as outcome_name
from ..i18n import t
from ..linter import ManifestResult, Report
from ..model import Finding, Outcome, Severity
from ..packs import Rule
from ..profiles import ProfileCheck
from ..safetext import prose, visible_lines
from ..synthetic import PROFILE_RULE, SYNTHETIC_RULES, SyntheticRule, synthetic_rule
from ..waivers import Waiver
from . import RenderOptions, render_stream

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
# doctrine-lint has no public home yet: point at the doctrine it checks against
INFORMATION_URI = "https://doctrine-technique-numerique.forge.apps.education.fr/"
SRCROOT = "SRCROOT"
FINGERPRINT_KEY = "doctrineLint/v1"

LEVELS: dict[Severity, str] = {
    Severity.BLOQUANT: "error",
    Severity.MAJEUR: "error",
    Severity.MINEUR: "warning",
    Severity.INFO: "note",
}

ATTENTION = (Outcome.NON_CONFORME, Outcome.A_RENSEIGNER)
_KINDS: dict[Outcome, str] = {
    Outcome.NON_CONFORME: "fail",
    Outcome.A_RENSEIGNER: "fail",
    Outcome.DEROGATION: "fail",
    Outcome.CONFORME: "pass",
    Outcome.NON_APPLICABLE: "notApplicable",
}


def digest(*parts: str) -> str:
    """A line-independent identity for things that are not findings (profile requirements)."""
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]


def reported(result: ManifestResult, show_all: bool = False) -> list[Finding]:
    """The findings a CI report lists: new failures and waived ones (everything with show_all),
    in a stable order. Failures already in the --baseline are not new."""
    keep = [
        f
        for f in result.findings
        if (f.outcome in ATTENTION and not f.known) or f.outcome is Outcome.DEROGATION or show_all
    ]
    return sorted(keep, key=lambda f: (f.sort_key, f.path))


def covering_waiver(result: ManifestResult, f: Finding) -> Waiver | None:
    """The applied waiver that turned `f` into a dérogation."""
    for status in result.waivers:
        w = status.waiver
        if status.state not in ("applied", "expiring") or w.rule != f.rule_id:
            continue
        if not w.path or f.path == w.path or f.path.startswith((w.path + ".", w.path + "[")):
            return w
    return None


def artifact_location(file: str) -> dict[str, str]:
    """A manifest path as a SARIF artifact location: relative to SRCROOT, or a file: URI."""
    path = PurePath(file)
    if path.is_absolute():
        return {"uri": Path(file).as_uri()}
    posix = path.as_posix()
    while posix.startswith("./"):
        posix = posix[2:]
    return {"uri": quote(posix, safe="/"), "uriBaseId": SRCROOT}


def rule_name(title: str) -> str:
    """A readable identifier from a title: accents folded, words joined in PascalCase."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return "".join(w[:1].upper() + w[1:] for w in re.findall(r"[A-Za-z0-9]+", folded))


def _text(value: str, fallback: str) -> dict[str, str]:
    """A SARIF message or description: one line, control and bidirectional characters visibly
    escaped (viewers show it to people)."""
    return {"text": prose(value.strip() or fallback)}


def _description(value: str, fallback: str) -> dict[str, str]:
    """A rule's full description: its paragraphs stay, other control characters are escaped."""
    return {"text": visible_lines(value.strip() or fallback)}


def _help_markdown(remediation: str, rule: Rule, lang: str) -> str:
    parts = [f"**{t('remediation', lang)}** : {remediation}"] if remediation else []
    if rule.references:
        refs = [
            f"- [{' — '.join(x for x in (r.section, r.title) if x) or r.url}]({r.url})"
            for r in rule.references
        ]
        parts.append(f"**{t('references', lang)}**\n\n" + "\n".join(refs))
    return "\n\n".join(parts)


def _rule_descriptor(rule: Rule, lang: str) -> dict[str, Any]:
    title = rule.title.get(lang)
    remediation = rule.remediation.get(lang).strip()
    out: dict[str, Any] = {
        "id": rule.id,
        "name": rule_name(title) or rule.id,
        "shortDescription": _text(title, rule.id),
        "fullDescription": _description(rule.rationale.get(lang), title or rule.id),
        "help": {
            "text": visible_lines(remediation or title or rule.id),
            "markdown": visible_lines(_help_markdown(remediation, rule, lang) or title or rule.id),
        },
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "referentiel": rule.referentiel,
            "chapter": rule.chapter,
            "chapterTitle": chapter_label(rule.chapter_title, lang),
            "severity": rule.severity.slug,
            "evidence": rule.provenance.evidence.value,
            "pack": rule.pack_id,
            "tags": sorted(set(rule.tags)),
        },
    }
    if rule.references:
        out["helpUri"] = rule.references[0].url
    return out


def _synthetic_descriptor(rule: SyntheticRule, lang: str) -> dict[str, Any]:
    title = rule.title.get(lang)
    remediation = rule.remediation.get(lang)
    return {
        "id": rule.id,
        "name": rule_name(title) or rule.id,
        "shortDescription": _text(title, rule.id),
        "fullDescription": _description(rule.description.get(lang), title),
        "help": {
            "text": visible_lines(remediation or title),
            "markdown": visible_lines(remediation or title),
        },
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "severity": rule.severity.slug,
            "tags": ["profil"] if rule.id == PROFILE_RULE else ["derogation"],
        },
    }


def _location(file: str, index: int | None, line: int, column: int) -> dict[str, Any]:
    artifact: dict[str, Any] = artifact_location(file)
    if index is not None:
        artifact["index"] = index
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if line >= 1:
        physical["region"] = {"startLine": line, "startColumn": max(1, column)}
    return {"physicalLocation": physical}


def _suppression(w: Waiver, lang: str) -> dict[str, Any]:
    en = lang == "en"
    bits = [w.justification.strip()]
    if w.approver:
        bits.append(f"{'approved by' if en else 'approuvée par'} {w.approver}")
    until = "until" if en else "jusqu'au"
    bits.append(f"{until} {w.expires.isoformat()}")
    props: dict[str, Any] = {"expires": w.expires.isoformat()}
    if w.granted is not None:
        props["granted"] = w.granted.isoformat()
    if w.approver:
        props["approver"] = w.approver
    if w.clause:
        props["clause"] = w.clause
    return {
        "kind": "external",
        "status": "accepted",
        "justification": prose(" — ".join(b for b in bits if b)),
        "location": _location(w.location.file, None, w.location.line, w.location.column),
        "properties": props,
    }


def _finding_result(
    result: ManifestResult, f: Finding, index: dict[str, int], artifact: int, lang: str
) -> dict[str, Any]:
    loc = f.location
    # a finding decided by an evidence file points into that file, which is not the run's artifact
    location = _location(loc.file or result.file, None if f.proof else artifact, loc.line, loc.column)
    if f.path:
        logical: dict[str, str] = {"fullyQualifiedName": f.keyed_path or f.path}
        if f.element:
            logical["name"] = f.element
        location["logicalLocations"] = [logical]
    kind = _KINDS[f.outcome]
    props: dict[str, Any] = {
        "outcome": f.outcome.value,
        "severity": f.severity.slug,
        "referentiel": f.referentiel,
        "chapter": f.chapter,
        "path": f.path,
        "exactLocation": loc.exact,
    }
    if f.element:
        props["element"] = f.element
    if f.keyed_path:
        props["keyedPath"] = f.keyed_path
    if f.missing:
        props["missing"] = list(f.missing)
    if f.waived_from is not None:
        props["waivedFrom"] = f.waived_from.value
    if f.proof is not None:
        props["proof"] = {
            "kind": f.proof.kind,
            "tool": f.proof.tool.get(lang),
            "file": f.proof.file,
            "sha256": f.proof.sha256,
            "where": f.proof.where.get(lang),
        }
    out: dict[str, Any] = {
        "ruleId": f.rule_id,
        "ruleIndex": index[f.rule_id],
        "kind": kind,
        "level": LEVELS[f.severity] if kind == "fail" else "none",
        "message": _text(f.message.get(lang), f"{f.rule_id} : {outcome_name(f.outcome, lang)}"),
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(result.file, f)},
        "properties": props,
    }
    if f.outcome is Outcome.DEROGATION:
        w = covering_waiver(result, f)
        out["suppressions"] = [
            _suppression(w, lang)
            if w is not None
            else {"kind": "external", "status": "accepted", "justification": prose(f.message.get(lang))}
        ]
    return out


def _profile_result(
    result: ManifestResult, check: ProfileCheck, index: dict[str, int], artifact: int, lang: str
) -> dict[str, Any]:
    expected = "expected" if lang == "en" else "attendu"
    return {
        "ruleId": PROFILE_RULE,
        "ruleIndex": index[PROFILE_RULE],
        "kind": "fail",
        "level": LEVELS[SYNTHETIC_RULES[PROFILE_RULE].severity],
        "message": _text(
            f"{check.requirement.get(lang)} : {check.actual.get(lang)} ({expected} {check.expected.get(lang)})",
            PROFILE_RULE,
        ),
        "locations": [_location(result.file, artifact, 0, 0)],
        "partialFingerprints": {FINGERPRINT_KEY: digest(result.file, PROFILE_RULE, check.requirement.fr)},
        "properties": {"expected": check.expected.get(lang), "actual": check.actual.get(lang)},
    }


def _notification(problem: Problem, lang: str) -> dict[str, Any]:
    return {
        "level": "error",
        "message": _text(problem.text(lang), problem.render(lang)),
        "locations": [_location(problem.file, None, problem.line, problem.column)],
    }


def _artifact(result: ManifestResult, lang: str) -> dict[str, Any]:
    s = result.scores
    return {
        "location": artifact_location(result.file),
        "sourceLanguage": "yaml",
        "hashes": {"sha-256": result.sha256},
        "properties": {
            "score": s.overall.score,
            "status": s.overall.status,
            "referentiels": [
                {"referentiel": r.key, "title": r.title.get(lang), "score": r.score, "status": r.status}
                for r in s.referentiels
            ],
        },
    }


def _run_tail(
    report: Report,
    opts: RenderOptions,
    descriptors: list[dict[str, Any]],
    artifacts: list[dict[str, Any]],
    known: int,
) -> dict[str, Any]:
    """The run's members after its results: what is known once every result is written."""
    lang = opts.lang
    driver: dict[str, Any] = {
        "name": "doctrine-lint",
        "version": report.tool_version,
        "semanticVersion": report.tool_version,
        "informationUri": INFORMATION_URI,
        "language": "en-US" if lang == "en" else "fr-FR",
        "rules": descriptors,
    }
    extensions = []
    for pack in sorted(report.packs, key=lambda p: p.id):
        ext: dict[str, Any] = {
            "name": pack.id,
            "version": pack.version,
            "properties": {"referentiel": pack.referentiel, "sha256": pack.sha256},
        }
        if pack.url:
            ext["informationUri"] = pack.url
        extensions.append(ext)
    tool: dict[str, Any] = {"driver": driver}
    if extensions:
        tool["extensions"] = extensions
    invocation: dict[str, Any] = {"executionSuccessful": not report.errors}
    if report.errors:
        invocation["toolExecutionNotifications"] = [_notification(p, lang) for p in report.errors]
    return {
        "tool": tool,
        "invocations": [invocation],
        "originalUriBaseIds": {
            SRCROOT: {
                "description": {
                    "text": "Directory where doctrine-lint was run; manifest paths are relative to it."
                }
            }
        },
        "artifacts": artifacts,
        "columnKind": "unicodeCodePoints",
        "language": "en-US" if lang == "en" else "fr-FR",
        "properties": {
            "evaluationDate": report.today.isoformat(),
            "minEvidence": report.min_evidence,
            "derogationsIgnored": report.derogations_ignored,
            "rulesEvaluated": len(report.rules),
            "baselineKnown": known,
        },
    }


def _dump(value: Any, depth: int) -> str:
    """`value` as indented JSON, as it would sit `depth` levels deep in the document."""
    text = json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False)
    return textwrap.indent(text, "  " * depth)


# Written by the pieces where the run's numbering is not known yet (a worker does not know which
# rules came first, nor how many manifests before its own were readable), replaced by `stream`.
# A manifest's text cannot forge them: in JSON its quotes are escaped.
_RULE_INDEX = '"ruleIndex": -1,'
_ARTIFACT_INDEX = '"index": -1\n'

# a manifest's artifact, its findings already in the baseline, and its results: rule id,
# severity, the result as JSON with the placeholders
Piece = tuple[dict[str, Any], int, list[tuple[str, Severity, str]]]


def pieces(report: Report, opts: RenderOptions) -> Callable[[ManifestResult], Piece]:
    """One manifest's results, written as JSON already (the rule and artifact indexes left to
    `stream`)."""
    lang = opts.lang
    unknown: defaultdict[str, int] = defaultdict(lambda: -1)

    def piece(result: ManifestResult) -> Piece:
        items = [
            (f.rule_id, f.severity, _dump(_finding_result(result, f, unknown, -1, lang), 4))
            for f in reported(result, opts.show_all)
        ]
        severity = SYNTHETIC_RULES[PROFILE_RULE].severity
        items += [
            (PROFILE_RULE, severity, _dump(_profile_result(result, c, unknown, -1, lang), 4))
            for c in result.profile
            if not c.ok
        ]
        return _artifact(result, lang), sum(1 for f in result.findings if f.known), items

    return piece


def stream(report: Report, pieces: Iterable[Piece], opts: RenderOptions) -> Iterator[str]:
    """The document with the run's results written as they come: the results first in the run,
    then what is known at the end (the rules that produced results, in the order they first
    appear, so that each result's `ruleIndex` is known when it is written; the artifacts; the
    notifications of input errors)."""
    lang = opts.lang
    rules = {r.id: r for r in report.rules}
    index: dict[str, int] = {}
    descriptors: list[dict[str, Any]] = []
    artifacts: list[dict[str, Any]] = []
    known = 0
    head = {"$schema": SCHEMA_URI, "version": SARIF_VERSION}
    yield _dump(head, 0)[:-2] + ',\n  "runs": [\n    {\n      "results": ['
    written = False
    for artifact, in_baseline, items in pieces:
        number = len(artifacts)
        artifacts.append(artifact)
        known += in_baseline
        chunk = []
        for rule_id, severity, text in items:
            if rule_id not in index:
                index[rule_id] = len(descriptors)
                rule = rules.get(rule_id)
                descriptors.append(
                    _rule_descriptor(rule, lang)
                    if rule is not None
                    else _synthetic_descriptor(synthetic_rule(rule_id, severity), lang)
                )
            text = text.replace(_RULE_INDEX, f'"ruleIndex": {index[rule_id]},', 1)
            chunk.append(
                ("\n" if not written else ",\n") + text.replace(_ARTIFACT_INDEX, f'"index": {number}\n')
            )
            written = True
        yield "".join(chunk)
    tail = _dump(_run_tail(report, opts, descriptors, artifacts, known), 2).split("\n")[1:-1]
    yield ("\n      ]" if written else "]") + ",\n" + "\n".join(tail) + "\n    }\n  ]\n}\n"


def render(report: Report, opts: RenderOptions) -> str:
    return render_stream("sarif", report, opts)
