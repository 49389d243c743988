"""JSON report, validated by schemas/report.schema.json, in a deterministic order with a stamp."""

from __future__ import annotations

import json
from typing import Any

from ..chapters import chapter_label, placement_json
from ..linter import ManifestResult, Report
from ..model import Evidence, Finding, Outcome, ScoreLine, pct
from ..packs import Pack
from ..scoring import per_rule
from ..waivers import as_json as waiver_json
from . import RenderOptions

# 4: the stamp carries `config`: the configuration file in force (path, table, SHA-256) and the
#    values that came from it, or null.
# 3: findings decided by an official tool's export carry `proof`; manifests carry `evidence_files`
#    and `decided_by`.
# 2: findings are occurrences (several may share a rule) and carry `element` and `keyed_path`;
#    `score` is the conformity rate, beside `completeness` and `progress` (the version-1 score).
# Reports are kept for years: any change of shape bumps this and is described in the schema.
REPORT_FORMAT_VERSION = 4


def _score(line: ScoreLine, lang: str) -> dict[str, Any]:
    return {
        "key": line.key,
        "title": line.title.get(lang),
        "score": line.score,
        "completeness": line.completeness,
        "progress": line.progress,
        "status": line.status,
        "rules": line.rules,
        "earned": line.earned,
        "decided": line.decided,
        "possible": line.possible,
        "blocking_failure": line.blocking_failure,
        "counts": dict(line.counts),
        "parts": [
            {
                "name": name,
                "weight": weight,
                "score": pct(conformity),
                "completeness": pct(completeness),
            }
            for name, weight, conformity, completeness in line.parts
        ],
    }


def _finding(f: Finding, lang: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule_id": f.rule_id,
        "outcome": f.outcome.value,
        "severity": f.severity.slug,
        "weight": f.weight,
        "message": f.message.get(lang),
        "path": f.path,
        "element": f.element,
        "keyed_path": f.keyed_path,
        "location": {
            "file": f.location.file,
            "line": f.location.line,
            "column": f.location.column,
            "exact": f.location.exact,
        },
        "referentiel": f.referentiel,
        "chapter": f.chapter,
        "pack": f.pack_id,
        "evidence": f.evidence.value,
        "references": [r.as_json() for r in f.references],
    }
    if f.missing:
        out["missing"] = list(f.missing)
    if f.reason is not None:
        out["reason"] = f.reason.get(lang)
    if f.waived_from is not None:
        out["waived_from"] = f.waived_from.value
    if f.known:
        out["known"] = True
    if f.proof is not None:
        out["proof"] = {
            "kind": f.proof.kind,
            "tool": f.proof.tool.get(lang),
            "file": f.proof.file,
            "sha256": f.proof.sha256,
            "where": f.proof.where.get(lang),
        }
    return out


def evidence_files(result: ManifestResult, lang: str) -> list[dict[str, Any]]:
    """The official exports a manifest named, as read: what identifies them and their figures."""
    from ..evidence import KINDS

    return [
        {
            "kind": e.kind,
            "tool": KINDS[e.kind].get(lang),
            "file": e.file,
            "sha256": e.sha256,
            "facts": len(e.facts),
            "info": dict(sorted(e.info.items())),
            "figures": [
                {
                    "name": fig.name,
                    "title": fig.title.get(lang),
                    "in_file": fig.in_file,
                    "recomputed": fig.recomputed,
                    "where": fig.at.describe(lang),
                }
                for fig in e.figures
            ],
        }
        for e in result.evidence
    ]


def decided_by(result: ManifestResult) -> dict[str, int]:
    """How many decided findings (conforme or non conforme) rest on evidence, how many on the
    manifest's word."""
    decided = [f for f in result.findings if f.outcome in (Outcome.CONFORME, Outcome.NON_CONFORME)]
    by_proof = sum(1 for f in decided if f.proof is not None)
    return {"evidence": by_proof, "declaration": len(decided) - by_proof}


def result_ignored(result: ManifestResult) -> bool:
    return any(s.state == "ignored" for s in result.waivers)


def evidence_summary(findings: list[Finding]) -> dict[str, dict[str, float]]:
    """How many rules each evidence level contributed, and the weight they carried (a rule
    counts once, with the outcome it is scored with, however many occurrences it reports)."""
    out: dict[str, dict[str, float]] = {
        e.value: {"rules": 0, "earned": 0.0, "possible": 0.0} for e in Evidence
    }
    for f, outcome in per_rule(findings):
        row = out[f.evidence.value]
        row["rules"] += 1
        if outcome is not Outcome.NON_APPLICABLE:
            row["possible"] += f.weight
            if outcome is Outcome.CONFORME:
                row["earned"] += f.weight
    return out


def pack_stamp(pack: Pack) -> dict[str, Any]:
    return {
        "id": pack.id,
        "version": pack.version,
        "sha256": pack.sha256,
        "referentiel": pack.referentiel,
        "doctrine_version": pack.doctrine_version,
        "extends": [{"id": b.id, "version": b.version, "sha256": b.sha256} for b in pack.lineage()[1:]],
    }


def _result(result: ManifestResult, lang: str) -> dict[str, Any]:
    s = result.scores
    return {
        "file": result.file,
        "sha256": result.sha256,
        "scores": {
            "overall": _score(s.overall, lang),
            "referentiels": [_score(r, lang) for r in s.referentiels],
            "chapters": [
                {"referentiel": ref, **_score(c, lang), "label": chapter_label(c.title, lang)}
                for ref, c in s.chapters
            ],
        },
        "derived": [
            {"name": f.name, "title": f.title.get(lang), "value": f.value}
            for f in result.derived.facts.values()
        ],
        "metrics": [
            {
                "name": m.name,
                "title": m.title.get(lang),
                "value": m.value,
                "rules": m.counted,
                "pack": m.pack_id,
            }
            for m in result.metrics
        ],
        "evidence": evidence_summary(result.findings),
        "evidence_files": evidence_files(result, lang),
        "decided_by": decided_by(result),
        "derogations": [waiver_json(s, lang) for s in result.waivers],
        "profile": [
            {
                "requirement": c.requirement.get(lang),
                "expected": c.expected.get(lang),
                "actual": c.actual.get(lang),
                "ok": c.ok,
            }
            for c in result.profile
        ],
        "baseline": {"known": sum(1 for f in result.findings if f.known), "fixed": result.fixed},
        "scores_other": None
        if result.scores_other is None
        else {
            "meaning": "with-derogations" if result_ignored(result) else "without-derogations",
            "overall": _score(result.scores_other.overall, lang),
            "referentiels": [_score(r, lang) for r in result.scores_other.referentiels],
        },
        "findings": [_finding(f, lang) for f in result.findings],
    }


def as_dict(report: Report, opts: RenderOptions) -> dict[str, Any]:
    return {
        "format_version": REPORT_FORMAT_VERSION,
        "stamp": {
            "tool": "doctrine-lint",
            "tool_version": report.tool_version,
            "evaluation_date": report.today.isoformat(),
            "lang": opts.lang,
            "packs": [pack_stamp(p) for p in report.packs],
            "rules_evaluated": len(report.rules),
            "min_evidence": report.min_evidence,
            "derogations_ignored": report.derogations_ignored,
            "rules_by_evidence": {
                e.value: sum(1 for r in report.rules if r.provenance.evidence is e) for e in Evidence
            },
            # the official exports read: a report is reproducible only with these exact files
            "evidence_files": [
                {"manifest": r.file, "kind": e.kind, "file": e.file, "sha256": e.sha256}
                for r in report.results
                for e in r.evidence
            ],
            # the options a configuration file gave (those the command line did not override)
            "config": None if report.config is None else report.config.as_json(),
        },
        "placement": placement_json(),
        "manifests": [_result(r, opts.lang) for r in report.results],
        "errors": [
            {"file": p.file, "line": p.line, "column": p.column, "message": p.text(opts.lang)}
            for p in report.errors
        ],
    }


def render(report: Report, opts: RenderOptions) -> str:
    return json.dumps(as_dict(report, opts), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
