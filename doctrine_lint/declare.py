"""The facts a manifest should declare, each asked once.

A manifest with a whole block missing gets one *à renseigner* finding per rule reading into it:
hundreds of findings for a handful of facts. `fact_requests` groups the new (not in the
--baseline) *à renseigner* findings by the block to declare — the first absent key on the way
to each missing fact, sibling blocks of one mapping merged into their parent — with the rules
it would let decide and their weight. The human reports list these requests (`formats.view`)
and « À corriger en priorité » re-scores them (`priorities`): both read this one grouping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .document import format_path
from .model import Finding, Location, Outcome, Severity, natural_key
from .paths import PathSyntaxError, parse_path


@dataclass(frozen=True, slots=True)
class FactRequest:
    """One block to declare: `facts` are the facts below it the rules read (empty when the
    block is itself the fact), `rules` the rules waiting for it (id → weight, in natural order),
    `asked` every missing fact its findings named (to tell which findings it settles alone),
    `location` the nearest declared ancestor, where to add it."""

    path: str
    facts: tuple[str, ...]
    rules: dict[str, float]
    severity: Severity
    location: Location
    asked: frozenset[str] = field(default_factory=frozenset)

    @property
    def weight(self) -> float:
        return float(sum(self.rules.values()))

    def settles(self, finding: Finding) -> bool:
        """Whether declaring this block alone gives `finding` every fact it waits for."""
        return all(fact in self.asked for fact in asked_facts(finding))


def asked_facts(finding: Finding) -> tuple[str, ...]:
    """The facts an *à renseigner* finding waits for: those it names, else its own path."""
    return finding.missing or (finding.path,)


@dataclass(slots=True)
class _Block:
    facts: list[str]
    rules: dict[str, float]
    severity: Severity
    where: Location
    asked: set[str]


def fact_requests(findings: list[Finding], data: Any) -> list[FactRequest]:
    """Every fact the new *à renseigner* `findings` of a manifest (whose data is `data`) wait
    for, asked once: grouped by the missing block, ranked by the weight of the rules it would let
    decide (then severity, then path)."""
    blocks: dict[str, _Block] = {}
    for f in findings:
        if f.outcome is not Outcome.A_RENSEIGNER or f.known:
            continue
        for fact in asked_facts(f):
            path = _missing_block(data, fact)
            entry = blocks.get(path)
            if entry is None:
                entry = blocks[path] = _Block([], {}, f.severity, f.location, set())
            if fact not in entry.facts:
                entry.facts.append(fact)
            entry.asked.add(fact)
            entry.rules.setdefault(f.rule_id, f.weight)
            entry.severity = max(entry.severity, f.severity)
    # Several missing keys of one mapping (measures of security.measures, fields of
    # accessibility) are one request: declare them in that block.
    parents: dict[str, list[str]] = {}
    for path in blocks:
        parents.setdefault(_parent(path), []).append(path)
    for parent, siblings in parents.items():
        if parent and len(siblings) > 1:
            parts = [blocks.pop(path) for path in siblings]
            merged = _Block([], {}, max(p.severity for p in parts), parts[0].where, set())
            for path, part in zip(siblings, parts, strict=True):
                merged.facts += [path] if part.facts == [path] else part.facts
                merged.rules.update(part.rules)
                merged.asked |= part.asked
            blocks[parent] = merged
    out = [
        FactRequest(
            path,
            tuple(sorted(b.facts, key=natural_key)) if b.facts != [path] else (),
            {rule: b.rules[rule] for rule in sorted(b.rules, key=natural_key)},
            b.severity,
            b.where,
            frozenset(b.asked),
        )
        for path, b in blocks.items()
    ]
    out.sort(key=lambda x: (-x.weight, -x.severity, natural_key(x.path)))
    return out


def _missing_block(data: Any, fact: str) -> str:
    """The first absent key on the way to `fact`: a whole missing block is asked once."""
    try:
        parsed = parse_path(fact)
    except PathSyntaxError:
        return fact
    value = data
    walked: list[str | int] = []
    for seg in parsed.segments:
        if not isinstance(seg, str | int):
            break
        walked.append(seg)
        value = _child(value, seg)
        if value is None:
            break
    return format_path(tuple(walked)) if walked else fact


def _child(value: Any, seg: str | int) -> Any:
    if isinstance(value, dict) and isinstance(seg, str):
        return value.get(seg)
    if isinstance(value, list) and isinstance(seg, int) and seg < len(value):
        return value[seg]
    return None


def _parent(path: str) -> str:
    """`a.b["X.1"]` → `a.b`, `a.b.c` → `a.b`, `a` → "" (paths as the engine formats them)."""
    try:
        segments = parse_path(path).segments
    except PathSyntaxError:
        return ""
    if len(segments) < 2:
        return ""
    return format_path(tuple(x for x in segments[:-1] if isinstance(x, str | int)))
