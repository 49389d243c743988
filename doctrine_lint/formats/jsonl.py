"""`--format jsonl`: JSON Lines for large batches, one complete JSON object per line, written
as the manifests are linted (nothing of the batch is kept).

    {"type": "run", "run": REF, "format_version": 5, "stamp": {…}, "placement": {…}, "rules": {…}}
    {"type": "manifest", "run": REF, "file": …, "scores": …, "findings": […], "rules": {…}}   one per manifest
    {"type": "error", "run": REF, "file": …, "line": …, "column": …, "message": …}         one per input problem
    {"type": "end", "run": REF, "manifests": N, "errors": N, "exit_code": 0|1|2, "evidence_files": […]}

Each line carries `run`, the reference of the run line it belongs to (the first 16 hex digits of
the SHA-256 of its stamp and rules), so lines of several runs can be concatenated, split or
filtered (`grep '"type":"manifest"'`) and still be told apart. A manifest line has the fields of
a manifest of the JSON report (format 5, `schemas/report-lines.schema.json`); its findings refer
to the run line's `rules` table, which lists every rule evaluated, and the line's own `rules`
lists the findings doctrine-lint gives of its own (dérogations, profile, evidence) when there are
some. `formats.json_report.expand_findings` gives a line's findings whole. The last line says
the run is complete: a file without it was cut short.
"""

from __future__ import annotations

import hashlib
import json
from collections import ChainMap
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..chapters import placement_json
from ..linter import ManifestResult, Report
from ..model import natural_key
from . import RenderOptions, render_stream
from .json_report import REPORT_FORMAT_VERSION, error_dict, manifest_dict, rule_entry, stamp


def _line(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


Piece = tuple[str, list[dict[str, str]]]  # a manifest's line, and the evidence files it read


def _head(report: Report, lang: str) -> tuple[dict[str, Any], str]:
    rules = {r.id: r for r in report.rules}
    table = {rid: rule_entry(rules[rid], lang) for rid in sorted(rules, key=natural_key)}
    head = {"stamp": stamp(report, lang), "rules": table}
    return head, hashlib.sha256(_line(head).encode("utf-8")).hexdigest()[:16]


def pieces(report: Report, opts: RenderOptions) -> Callable[[ManifestResult], Piece]:
    """One manifest's line (its findings referring to the run line's rules)."""
    lang = opts.lang
    rules = {r.id: r for r in report.rules}
    head, ref = _head(report, lang)
    table = head["rules"]

    def piece(result: ManifestResult) -> Piece:
        own: dict[str, dict[str, Any]] = {}
        manifest = manifest_dict(result, lang, rules, ChainMap(own, table))
        line = _line(
            {
                "type": "manifest",
                "run": ref,
                **manifest,
                "rules": {k: own[k] for k in sorted(own, key=natural_key)},
            }
        )
        evidence = [
            {"manifest": result.file, "kind": e.kind, "file": e.file, "sha256": e.sha256}
            for e in result.evidence
        ]
        return line, evidence

    return piece


def stream(report: Report, pieces: Iterable[Piece], opts: RenderOptions) -> Iterator[str]:
    """The run line, the manifests' lines as they come, then the error and end lines
    (`report`'s errors and exit code are read when the pieces are over)."""
    lang = opts.lang
    head, ref = _head(report, lang)
    yield _line(
        {
            "type": "run",
            "run": ref,
            "format_version": REPORT_FORMAT_VERSION,
            "stamp": head["stamp"],
            "placement": placement_json(),
            "rules": head["rules"],
        }
    )
    count = 0
    evidence: list[dict[str, str]] = []
    for line, read in pieces:
        count += 1
        evidence += read
        yield line
    end = "".join(_line({"type": "error", "run": ref, **error_dict(p, lang)}) for p in report.errors)
    yield end + _line(
        {
            "type": "end",
            "run": ref,
            "manifests": count,
            "errors": len(report.errors),
            "exit_code": int(report.exit_code),
            "evidence_files": evidence,
        }
    )


def render(report: Report, opts: RenderOptions) -> str:
    return render_stream("jsonl", report, opts)
