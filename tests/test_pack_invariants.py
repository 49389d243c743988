"""Invariants across the shipped packs: a fact that is not declared never makes a rule fail."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from doctrine_lint.conditions import Context
from doctrine_lint.derived import DERIVED_ROOT, compute_derived
from doctrine_lint.engine import evaluate_rule
from doctrine_lint.model import Outcome
from doctrine_lint.packs import Pack, Rule, all_derivations, load_packs

PACKS: list[Pack] = load_packs()
RULES: list[Rule] = [r for p in PACKS for r in p.rules]
DERIVATIONS = all_derivations(PACKS)
NAMED: dict[str, Any] = {k: v for p in PACKS for k, v in p.raw_conditions.items()}

_SEGMENT = re.compile(r'([A-Za-z_$][\w$-]*)|\["([^"]*)"\]|\[(\*|\d+)\]|\.')


def paths_in(cond: Any, seen: frozenset[str] = frozenset()) -> Iterator[str]:
    """Every path a raw condition reads (named conditions followed, `$self` left out)."""
    if isinstance(cond, dict):
        for key, value in cond.items():
            if key == "path" and isinstance(value, str):
                yield value
            elif key == "use" and isinstance(value, str) and value not in seen and value in NAMED:
                yield from paths_in(NAMED[value], seen | {value})
            else:
                yield from paths_in(value, seen)
    elif isinstance(cond, list):
        for item in cond:
            yield from paths_in(item, seen)


def segments(path: str) -> list[str]:
    out: list[str] = []
    for m in _SEGMENT.finditer(path):
        name, quoted, index = m.groups()
        if name is not None:
            out.append(name)
        elif quoted is not None:
            out.append(quoted)
        elif index is not None:
            out.append(index)
    return out


def _remove(data: Any, segs: list[str]) -> None:
    if not segs:
        return
    head, rest = segs[0], segs[1:]
    if rest == ["*"] or not rest:
        if isinstance(data, dict):
            data.pop(head, None)
        return
    if head == "*":
        for item in data if isinstance(data, list) else ():
            _remove(item, rest)
        return
    if isinstance(data, dict) and head in data:
        _remove(data[head], rest)


def without(fragment: dict[str, Any], paths: list[str], scope: str | None) -> dict[str, Any]:
    """The fragment minus the facts at `paths` (relative to each element of `scope` if given)."""
    out = copy.deepcopy(fragment)
    for path in paths:
        if path.startswith("$root."):
            _remove(out, segments(path[len("$root.") :]))
            continue
        if path.startswith("$"):
            continue  # derived facts and `$self` are not manifest fields
        segs = segments(path)
        if scope is not None:
            segs = [*segments(scope), "*", *segs]
        _remove(out, segs)
    return out


def _outcome(rule: Rule, fragment: dict[str, Any], day: date) -> Outcome:
    derived = compute_derived(fragment, DERIVATIONS, Context(day, fragment))
    data = {**fragment, DERIVED_ROOT: derived.values()} if derived.facts else fragment
    return evaluate_rule(rule, data, Context(day, data))[0]


def _stripped(rule: Rule, index: int) -> dict[str, Any]:
    scope = rule.raw_scope["path"] if rule.raw_scope else None
    return without(rule.examples[index].manifest, list(paths_in(rule.raw_check)), scope)


def _cases() -> Iterator[tuple[Rule, int]]:
    for rule in RULES:
        for i, ex in enumerate(rule.examples):
            # an example that declares none of the facts its check reads (an empty list, for
            # RI-3.2-DATA-TYPE) has nothing to remove: there is no case to test
            if ex.outcome in (Outcome.CONFORME, Outcome.NON_CONFORME) and _stripped(rule, i) != ex.manifest:
                yield rule, i


@pytest.mark.parametrize(
    ("rule", "index"), list(_cases()), ids=lambda v: v.id if isinstance(v, Rule) else str(v)
)
def test_a_missing_fact_is_never_non_conforme(rule: Rule, index: int) -> None:
    """Take an example where the rule applies, remove every fact its check reads (keeping what
    its applies_when and the derivations need as long as the check does not read it too): the
    rule must then say à renseigner (or not applicable), never non conforme."""
    fragment = _stripped(rule, index)
    day = rule.examples_date or date.today()
    assert _outcome(rule, fragment, day) is not Outcome.NON_CONFORME, (
        f"{rule.id}: the facts its check reads were removed from example {index + 1}, "
        "and it still says non conforme"
    )


def test_an_empty_manifest_is_never_non_conforme() -> None:
    day = date(2026, 11, 28)
    failing = [r.id for r in RULES if _outcome(r, {}, day) is Outcome.NON_CONFORME]
    assert failing == []
