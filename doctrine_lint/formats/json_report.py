"""JSON report, validated by schemas/report.schema.json, in a deterministic order with a stamp.

Since format 5 the report is lean: each rule's texts (title, severity, weight, référentiel,
chapter, pack, evidence level, references) are listed once in `rules`, and a finding carries
only what is its own — what it shares with its rule is left out (its message too when it is the
rule's title), and so are its `keyed_path` when it is its `path` and its location's `file` when
it is its manifest. `expand` gives a
format-5 document back in the format-4 shape (every finding whole) for readers written for it;
`lean_findings` is shared with the JSON Lines report (`formats.jsonl`)."""

from __future__ import annotations

import json
from collections.abc import Mapping, MutableMapping
from typing import Any

from ..chapters import chapter_label, placement_json
from ..errors import Problem
from ..linter import ManifestResult, Report
from ..model import Evidence, Finding, Outcome, ScoreLine, natural_key, pct
from ..packs import Pack, Rule
from ..scoring import per_rule
from ..synthetic import synthetic_rule
from ..waivers import as_json as waiver_json
from . import RenderOptions

# 5: lean: the rules' texts once in `rules`, findings refer to them by `rule_id` and leave out
#    what their rule has (severity, weight, referentiel, chapter, pack, evidence, references when
#    equal, `message` when it is the rule's title), `keyed_path` when equal to `path`,
#    `location.file` when it is the manifest (`expand` puts them back).
# 4: the stamp carries `config`: the configuration file in force (path, table, SHA-256) and the
#    values that came from it, or null.
# 3: findings decided by an official tool's export carry `proof`; manifests carry `evidence_files`
#    and `decided_by`.
# 2: findings are occurrences (several may share a rule) and carry `element` and `keyed_path`;
#    `score` is the conformity rate, beside `completeness` and `progress` (the version-1 score).
# Reports are kept for years: any change of shape bumps this and is described in the schema.
REPORT_FORMAT_VERSION = 5
V4 = 4  # the shape `expand` gives back


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
    """A finding whole (the format-4 shape)."""
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


# what a finding shares with its rule: listed once in the rules table, left out of the finding
# when equal (a finding may differ from its rule: then it keeps its own value)
RULE_FIELDS = ("severity", "weight", "referentiel", "chapter", "pack", "evidence", "references")


def rule_entry(rule: Rule, lang: str) -> dict[str, Any]:
    """A rule of the rules table: its title and what its findings share."""
    return {
        "title": rule.title.get(lang),
        "severity": rule.severity.slug,
        "weight": rule.weight,
        "referentiel": rule.referentiel,
        "chapter": rule.chapter,
        "pack": rule.pack_id,
        "evidence": rule.provenance.evidence.value,
        "references": [r.as_json() for r in rule.references],
    }


def _entry_of(f: Finding, rules: Mapping[str, Rule], lang: str) -> dict[str, Any]:
    rule = rules.get(f.rule_id)
    if rule is not None:
        return rule_entry(rule, lang)
    whole = _finding(f, lang)  # a finding doctrine-lint gives of its own: its first occurrence
    return {"title": synthetic_rule(f.rule_id, f.severity).title.get(lang)} | {
        k: whole[k] for k in RULE_FIELDS
    }


def lean_findings(
    findings: list[Finding],
    file: str,
    rules: Mapping[str, Rule],
    table: MutableMapping[str, dict[str, Any]],
    lang: str,
) -> list[dict[str, Any]]:
    """`findings` of manifest `file` in the format-5 shape; the rules they refer to are added
    to `table` (id → entry) when not there yet."""
    out = []
    for f in findings:
        entry = table.get(f.rule_id)
        if entry is None:
            entry = table[f.rule_id] = _entry_of(f, rules, lang)
        whole = _finding(f, lang)
        for key in RULE_FIELDS:
            if whole[key] == entry[key]:
                del whole[key]
        if whole["message"] == entry["title"]:
            del whole["message"]
        if whole["keyed_path"] == whole["path"]:
            del whole["keyed_path"]
        if whole["location"]["file"] == file:
            del whole["location"]["file"]
        out.append(whole)
    return out


def expand_findings(
    findings: list[dict[str, Any]], file: str, table: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Format-5 findings of manifest `file` whole again, in the format-4 key order."""
    out = []
    for lean in findings:
        entry = table[lean["rule_id"]]
        location = lean["location"]
        whole = {
            "rule_id": lean["rule_id"],
            "outcome": lean["outcome"],
            "severity": lean.get("severity", entry["severity"]),
            "weight": lean.get("weight", entry["weight"]),
            "message": lean.get("message", entry["title"]),
            "path": lean["path"],
            "element": lean["element"],
            "keyed_path": lean.get("keyed_path", lean["path"]),
            "location": {
                "file": location.get("file", file),
                **{k: location[k] for k in ("line", "column", "exact")},
            },
        }
        whole |= {key: lean.get(key, entry[key]) for key in RULE_FIELDS[2:]}
        whole |= {k: v for k, v in lean.items() if k not in whole and k not in RULE_FIELDS}
        out.append(whole)
    return out


def expand(doc: dict[str, Any]) -> dict[str, Any]:
    """A format-5 report (`as_dict`, or read from a file) in the format-4 shape: the `rules`
    table gone, every finding whole. A format-4 document is given back as it is; another
    version raises ValueError saying which versions are read."""
    version = doc.get("format_version")
    if version == V4:
        return doc
    if version != REPORT_FORMAT_VERSION:
        raise ValueError(
            f"format_version {version!r}: only reports of format {V4} and {REPORT_FORMAT_VERSION} are read"
        )
    table = doc["rules"]
    out = {k: v for k, v in doc.items() if k != "rules"}
    out["format_version"] = V4
    out["manifests"] = [
        m | {"findings": expand_findings(m["findings"], m["file"], table)} for m in doc["manifests"]
    ]
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


def manifest_dict(
    result: ManifestResult, lang: str, rules: Mapping[str, Rule], table: MutableMapping[str, dict[str, Any]]
) -> dict[str, Any]:
    """One manifest of the report (format 5: its findings refer to `table`, filled as needed)."""
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
        "findings": lean_findings(result.findings, result.file, rules, table, lang),
    }


def stamp(report: Report, lang: str) -> dict[str, Any]:
    """The reproducibility stamp, without the evidence files read (known at the end of a run)."""
    return {
        "tool": "doctrine-lint",
        "tool_version": report.tool_version,
        "evaluation_date": report.today.isoformat(),
        "lang": lang,
        "packs": [pack_stamp(p) for p in report.packs],
        "rules_evaluated": len(report.rules),
        "min_evidence": report.min_evidence,
        "derogations_ignored": report.derogations_ignored,
        "rules_by_evidence": {
            e.value: sum(1 for r in report.rules if r.provenance.evidence is e) for e in Evidence
        },
        # the options a configuration file gave (those the command line did not override)
        "config": None if report.config is None else report.config.as_json(),
    }


def error_dict(p: Problem, lang: str) -> dict[str, Any]:
    return {"file": p.file, "line": p.line, "column": p.column, "message": p.text(lang)}


def as_dict(report: Report, opts: RenderOptions) -> dict[str, Any]:
    lang = opts.lang
    rules = {r.id: r for r in report.rules}
    table: dict[str, dict[str, Any]] = {}
    manifests = [manifest_dict(r, lang, rules, table) for r in report.results]
    head = stamp(report, lang)
    config = head.pop("config")
    # the official exports read: a report is reproducible only with these exact files
    head["evidence_files"] = [
        {"manifest": r.file, "kind": e.kind, "file": e.file, "sha256": e.sha256}
        for r in report.results
        for e in r.evidence
    ]
    head["config"] = config
    return {
        "format_version": REPORT_FORMAT_VERSION,
        "stamp": head,
        "placement": placement_json(),
        "rules": {rid: table[rid] for rid in sorted(table, key=natural_key)},
        "manifests": manifests,
        "errors": [error_dict(p, lang) for p in report.errors],
    }


def render(report: Report, opts: RenderOptions) -> str:
    return json.dumps(as_dict(report, opts), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
