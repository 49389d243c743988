"""Evaluate compiled rules against a manifest: one finding per rule, located in the manifest.

The engine never parses YAML and never computes positions itself: it turns each verdict's
concrete path into a `Location` through the document's index.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import Any

from .conditions import FALSE, TRUE, Context, Verdict
from .derived import DERIVED_ROOT, Derived, expand_missing, locate_derived
from .document import Document, PathKey, format_path
from .errors import PackError
from .model import Finding, Location, Outcome, Text
from .packs import Rule

# Enum members bound once: attribute access on an Enum class is slow on hot paths.
_NON_APPLICABLE = Outcome.NON_APPLICABLE
_A_RENSEIGNER = Outcome.A_RENSEIGNER
_CONFORME = Outcome.CONFORME
_NON_CONFORME = Outcome.NON_CONFORME


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return "[…]" if isinstance(value, list) else "{…}"
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _fmt(template: Text, **values: str) -> Text:
    def one(s: str) -> str:
        for k, v in values.items():
            s = s.replace("{" + k + "}", v)
        return s

    return Text(one(template.fr), one(template.en) if template.en else None)


@lru_cache(maxsize=4096)
def _not_applicable(shown: str, value: str | None) -> tuple[Text, Text]:
    """Reason and message of a non-applicable finding (the same few pairs recur across rules)."""
    if value is None:  # decided by the absence of a fact
        return Text(f"{shown} non déclaré", f"{shown} not declared"), Text(
            f"Non applicable : {shown} non déclaré", f"Not applicable: {shown} not declared"
        )
    return Text(f"{shown} = {value}"), Text(
        f"Non applicable : {shown} = {value}", f"Not applicable: {shown} = {value}"
    )


def evaluate_rule(rule: Rule, data: Any, ctx: Context) -> tuple[Outcome, Verdict, Verdict | None]:
    """Return the outcome of one rule, the deciding verdict, and the applicability verdict."""
    gate: Verdict | None = None
    if rule.applies_when is not None:
        gate = rule.applies_when(data, ctx)
        if gate.state == FALSE:
            return _NON_APPLICABLE, gate, gate
        if gate.state != TRUE:
            return _A_RENSEIGNER, gate, gate
    verdict = rule.check(data, ctx)
    if verdict.state == TRUE:
        return _CONFORME, verdict, gate
    if verdict.state == FALSE:
        return _NON_CONFORME, verdict, gate
    return _A_RENSEIGNER, verdict, gate


def evaluate(
    doc: Document, rules: Iterable[Rule], today: date, derived: Derived | None = None
) -> list[Finding]:
    """Evaluate every rule on `doc`; findings are sorted by référentiel, chapter and rule id.

    `derived` holds the facts computed by the packs' `derive:` sections, seen by rules under
    `$derived.<name>` and located at the manifest facts that decided them."""
    ctx = Context(today=today)
    derived = derived or Derived()
    data = {**doc.data, DERIVED_ROOT: derived.values()} if derived.facts else doc.data
    findings = [_finding(rule, doc, data, ctx, derived) for rule in rules]
    findings.sort(key=lambda f: f.sort_key)
    return findings


def _finding(rule: Rule, doc: Document, data: Any, ctx: Context, derived: Derived) -> Finding:
    try:
        outcome, verdict, _ = evaluate_rule(rule, data, ctx)
    except Exception as exc:  # a rule must never crash a batch with a traceback
        file, _, at_line = rule.source.rpartition(":")
        raise PackError.single(
            file,
            int(at_line) if at_line.isdigit() else 0,
            0,
            f"{rule.id} : évaluation impossible sur {doc.file} ({type(exc).__name__}: {exc})",
        ) from exc
    # A derived fact is named as such in messages, but located at the manifest fact behind it.
    where: PathKey = locate_derived(verdict.path or (), derived)
    if verdict.missing:
        verdict.missing = expand_missing(verdict.missing, derived)
    missing: tuple[str, ...] = ()
    reason: Text | None = None
    shown = format_path(verdict.path or ())
    value = _scalar(verdict.value) if verdict.value is not None else ""
    if outcome is _A_RENSEIGNER:
        facts = list(dict.fromkeys(fact for _, fact in verdict.missing))
        missing = tuple(facts)
        if verdict.missing:
            where = locate_derived(verdict.missing[0][0], derived)
        shown = facts[0] if facts else shown
        message = Text(
            f"Fait à déclarer : {', '.join(facts)}",
            f"Fact to declare: {', '.join(facts)}",
        )
    elif outcome is _NON_APPLICABLE:
        reason, message = _not_applicable(shown, value if verdict.value is not None else None)
    elif outcome is _NON_CONFORME:
        template = rule.message or rule.title
        compared = _scalar(verdict.other) if verdict.other is not None else ""
        message = _fmt(template, path=shown or "(racine)", value=value, compared=compared)
    else:
        message = rule.title
    line, column, exact = doc.locate(where)
    return Finding(
        rule_id=rule.id,
        outcome=outcome,
        severity=rule.severity,
        weight=rule.weight,
        message=message,
        path=shown,
        location=Location(doc.file, line, column, exact),
        chapter=rule.chapter,
        referentiel=rule.referentiel,
        pack_id=rule.pack_id,
        references=rule.references,
        evidence=rule.provenance.evidence,
        missing=missing,
        reason=reason,
        value=verdict.value if isinstance(verdict.value, str | int | float | bool) else None,
    )
