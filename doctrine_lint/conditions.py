"""Declarative conditions: compile a pack's condition tree once, evaluate it many times.

Evaluation is three-valued: TRUE, FALSE or UNKNOWN (a fact the condition needs is not
declared). Each verdict carries the concrete path that decided it and, when unknown, every
missing path, so reports can point at a line and name the facts to declare.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from .dates import ISO_DATE as _ISO_DATE
from .dates import as_date as _as_date
from .dates import parse_date, subtract
from .document import PathKey
from .jsonsubset import compile_schema
from .paths import FieldPath, PathSyntaxError, Resolution, parse_path, resolve

MAX_REGEX = 500
MAX_MATCHED = 10_000  # longer manifest values never match a pack's regex


def regex_risk(pattern: str) -> str | None:
    """Refuse patterns that can backtrack exponentially: a repeat inside a repeat, or an
    alternation under a repeat (e.g. `(a+)+`, `(a|aa)+`), and backreferences.

    Python's `re` has no time limit, so a pack's regex run on a manifest's text must be safe by
    construction (the same idea as the safe-regex checks of JavaScript linters).
    """
    from re import _parser as sre  # type: ignore[attr-defined]

    try:
        tree = sre.parse(pattern)
    except re.error:
        return None  # reported by re.compile
    repeats = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)}

    def walk(items: Any, under_repeat: bool) -> str | None:
        for op, av in items:
            if op in repeats:
                low, high, sub = av
                if under_repeat and high != low:
                    return "quantificateurs imbriqués (risque de retour arrière exponentiel)"
                found = walk(sub, under_repeat or (high != low and high > 1))
                if found:
                    return found
            elif op is sre.BRANCH:
                if under_repeat:
                    return "alternative sous un quantificateur (risque de retour arrière exponentiel)"
                for branch in av[1]:
                    found = walk(branch, under_repeat)
                    if found:
                        return found
            elif op is sre.SUBPATTERN:
                found = walk(av[-1], under_repeat)
                if found:
                    return found
            elif op in (sre.GROUPREF, sre.GROUPREF_EXISTS):
                return "référence arrière interdite"
            elif op in (sre.ASSERT, sre.ASSERT_NOT):
                found = walk(av[1], under_repeat)
                if found:
                    return found
        return None

    return walk(tree, False)


TRUE: Final = 1
FALSE: Final = 0
UNKNOWN: Final = -1

OPERATORS: Final = (
    "exists",
    "equals",
    "in",
    "not_in",
    "matches",
    "min",
    "max",
    "not_older_than",
    "contains",
    "count",
    "schema",
    "compare_to",
)


@dataclass(slots=True)
class Verdict:
    """Result of a condition: state, the deciding path and value, and the missing paths."""

    state: int
    path: PathKey | None = None
    value: Any = None
    missing: list[tuple[PathKey, str]] = field(default_factory=list)
    other: Any = None  # compare_to: the value compared with, for messages ({compared})


@dataclass(frozen=True, slots=True)
class Context:
    """What evaluation may depend on besides the manifest: only the evaluation date."""

    today: date


Evaluator = Callable[[Any, Context], Verdict]


class ConditionError(ValueError):
    """A condition is malformed; `where` is the path inside the condition tree."""

    def __init__(self, message: str, where: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.where = where


def _same(a: Any, b: Any) -> bool:
    # True == 1 in Python; a manifest's `true` must never equal a rule's `1`.
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    return bool(a == b)


def _is_scalar(v: Any) -> bool:
    return isinstance(v, str | int | float | bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def compile_condition(spec: Any, where: tuple[str | int, ...] = (), *, trusted: bool = False) -> Evaluator:
    """Compile a condition mapping into an evaluator; raise ConditionError when malformed.

    `trusted` skips the costly meta-validation of embedded JSON Schemas, for a pack that this
    version of the tool already compiled cleanly (served from the pack cache)."""
    if not isinstance(spec, dict):
        raise ConditionError("une condition doit être un dictionnaire", where)
    kinds = [k for k in ("all", "any", "not", "path") if k in spec]
    if len(kinds) > 1:
        raise ConditionError(
            f"une condition est soit une combinaison (all, any, not), soit un test (path) : "
            f"trouvé {', '.join(kinds)} ensemble — imbriquez-les dans « all »",
            where,
        )
    if kinds and kinds[0] != "path" and len(spec) > 1:
        extra = sorted(k for k in spec if k != kinds[0])[0]
        raise ConditionError(f"clé « {extra} » inattendue à côté de « {kinds[0]} »", (*where, extra))
    if "all" in spec or "any" in spec:
        op = "all" if "all" in spec else "any"
        children = spec[op]
        if not isinstance(children, list) or not children:
            raise ConditionError(f"« {op} » attend une liste non vide de conditions", where)
        compiled = [compile_condition(c, (*where, op, i), trusted=trusted) for i, c in enumerate(children)]
        return _combine(compiled, FALSE if op == "all" else TRUE)
    if "not" in spec:
        return _not(compile_condition(spec["not"], (*where, "not"), trusted=trusted))
    if "path" not in spec:
        raise ConditionError("condition sans « path » ni « all », « any », « not »", where)
    return _compile_test(spec, where, trusted)


def _combine(children: Sequence[Evaluator], decisive: int) -> Evaluator:
    """`all` (decisive FALSE) and `any` (decisive TRUE) in Kleene's three-valued logic:
    the first decisive child wins; otherwise any unknown child makes the result unknown."""

    def run(data: Any, ctx: Context) -> Verdict:
        unknown: Verdict | None = None
        missing: list[tuple[PathKey, str]] = []
        first: Verdict | None = None
        for child in children:
            v = child(data, ctx)
            if v.state == decisive:
                return v
            if v.state == UNKNOWN:
                unknown = unknown or v
                missing.extend(v.missing)
            elif first is None:
                first = v
        if unknown is not None:
            return Verdict(UNKNOWN, unknown.path, None, missing)
        assert first is not None
        return first

    return run


def _not(child: Evaluator) -> Evaluator:
    def run(data: Any, ctx: Context) -> Verdict:
        v = child(data, ctx)
        if v.state == UNKNOWN:
            return v
        return Verdict(TRUE if v.state == FALSE else FALSE, v.path, v.value, v.missing, v.other)

    return run


Predicate = Callable[[Any, Context], bool]


def _compile_test(spec: dict[str, Any], where: tuple[str | int, ...], trusted: bool = False) -> Evaluator:
    try:
        path = parse_path(spec["path"]) if isinstance(spec["path"], str) else None
    except PathSyntaxError as exc:
        raise ConditionError(str(exc), (*where, "path")) from None
    if path is None:
        raise ConditionError("« path » doit être une chaîne", (*where, "path"))
    quantifier = spec.get("quantifier", "all")
    if quantifier not in ("all", "any", "none"):
        raise ConditionError(f"quantificateur inconnu « {quantifier} »", (*where, "quantifier"))
    if "quantifier" in spec and not path.has_wildcard:
        raise ConditionError("« quantifier » ne s'applique qu'à un chemin avec [*]", (*where, "quantifier"))
    unknown_keys = set(spec) - {"path", "quantifier", *OPERATORS}
    if unknown_keys:
        name = sorted(unknown_keys)[0]
        raise ConditionError(
            f"opérateur inconnu « {name} » (connus : {', '.join(OPERATORS)})", (*where, name)
        )
    found = [k for k in OPERATORS if k in spec]
    ops = [k for k in found if k != "max"]
    if "max" in spec and "min" not in spec:
        ops.append("min")  # min and max together form one range operator
    if len(ops) != 1:
        raise ConditionError(
            "une condition sur un chemin doit avoir exactement un opérateur "
            f"(trouvé : {', '.join(found) or 'aucun'})",
            where,
        )
    op = ops[0]
    if op == "exists":
        return _exists(path, spec["exists"], where, quantifier)
    if op == "count":
        return _count(path, spec["count"], where)
    if op == "compare_to":
        return _compare_to(path, spec["compare_to"], (*where, "compare_to"))
    predicate = _predicate(op, spec, where, trusted)
    return _element_test(path, predicate, quantifier)


def _exists(path: FieldPath, wanted: Any, where: tuple[str | int, ...], quantifier: str) -> Evaluator:
    """Presence test. On a plain path it is never unknown; with [*] it applies the quantifier
    to each element, and an absent list is unknown like for every other operator."""
    if not isinstance(wanted, bool):
        raise ConditionError("« exists » attend true ou false", (*where, "exists"))
    if path.has_wildcard:
        return _element_test(path, lambda v, ctx: True, quantifier, presence=wanted)

    def run(data: Any, ctx: Context) -> Verdict:
        res = resolve(data, path)
        present = bool(res.found)
        where_ = res.found[0][0] if res.found else (res.missing[0] if res.missing else None)
        value = res.found[0][1] if res.found else None
        return Verdict(TRUE if present is wanted else FALSE, where_, value)

    return run


_COMPARISONS: dict[str, Callable[[Any, Any, float], bool]] = {
    "eq": lambda a, b, tol: abs(a - b) <= tol if _is_number(a) and _is_number(b) else _same(a, b),
    "ne": lambda a, b, tol: abs(a - b) > tol if _is_number(a) and _is_number(b) else not _same(a, b),
    "lt": lambda a, b, tol: _ordered(a, b) and a < b - tol,
    "le": lambda a, b, tol: _ordered(a, b) and a <= b + tol,
    "gt": lambda a, b, tol: _ordered(a, b) and a > b + tol,
    "ge": lambda a, b, tol: _ordered(a, b) and a >= b - tol,
}


def _ordered(a: Any, b: Any) -> bool:
    return _is_number(a) and _is_number(b)


def _compare_to(path: FieldPath, spec: Any, at: tuple[str | int, ...]) -> Evaluator:
    """Compare the value at `path` with the value at another path (numbers, or equality)."""
    if not isinstance(spec, dict) or set(spec) - {"path", "op", "tolerance"} or "path" not in spec:
        raise ConditionError("« compare_to » attend {path, op, tolerance?}", at)
    if path.has_wildcard:
        raise ConditionError("« compare_to » ne s'applique pas à un chemin avec [*]", at)
    try:
        other = parse_path(spec["path"]) if isinstance(spec["path"], str) else None
    except PathSyntaxError as exc:
        raise ConditionError(str(exc), (*at, "path")) from None
    if other is None or other.has_wildcard:
        raise ConditionError("« compare_to.path » doit être un chemin sans [*]", (*at, "path"))
    compare = _COMPARISONS.get(spec.get("op"))  # type: ignore[arg-type]
    if compare is None:
        raise ConditionError(
            f"comparaison inconnue « {spec.get('op')} » (eq, ne, lt, le, gt, ge)", (*at, "op")
        )
    tolerance = spec.get("tolerance", 0)
    if not _is_number(tolerance) or tolerance < 0:
        raise ConditionError("« tolerance » attend un nombre positif", (*at, "tolerance"))

    def run(data: Any, ctx: Context) -> Verdict:
        mine, theirs = resolve(data, path), resolve(data, other)
        gaps = _gaps(mine) + _gaps(theirs)
        if gaps:
            return Verdict(UNKNOWN, gaps[0][0], None, gaps)
        where_, value = mine.found[0]
        ok = compare(value, theirs.found[0][1], tolerance)
        return Verdict(TRUE if ok else FALSE, where_, value, other=theirs.found[0][1])

    return run


def _count(path: FieldPath, bounds: Any, where: tuple[str | int, ...]) -> Evaluator:
    if not isinstance(bounds, dict) or not bounds or set(bounds) - {"min", "max"}:
        raise ConditionError("« count » attend {min: n, max: n}", (*where, "count"))
    lo, hi = bounds.get("min"), bounds.get("max")
    for b in (lo, hi):
        if b is not None and (not isinstance(b, int) or isinstance(b, bool) or b < 0):
            raise ConditionError("les bornes de « count » sont des entiers positifs", (*where, "count"))

    def run(data: Any, ctx: Context) -> Verdict:
        res = resolve(data, path)
        if path.has_wildcard:
            if not res.found and res.missing and not _reached_list(res.missing, path):
                return Verdict(UNKNOWN, res.missing[0], None, _gaps(res)[:1])
            n = len(res.found)
            at: PathKey | None = path.list_prefix
        else:
            if not res.found:
                return Verdict(UNKNOWN, res.missing[0], None, _gaps(res))
            at, value = res.found[0]
            n = len(value) if isinstance(value, list | dict | str) else 1
        ok = (lo is None or n >= lo) and (hi is None or n <= hi)
        return Verdict(TRUE if ok else FALSE, at, n)

    return run


def _element_test(
    path: FieldPath, predicate: Predicate, quantifier: str, presence: bool | None = None
) -> Evaluator:
    """Apply `predicate` to the value(s) at `path`.

    With `presence` set (the `exists` operator on a [*] path), elements lacking the key are
    judged (present or not) instead of being unknown.
    """
    if not path.has_wildcard:
        keys = path.segments

        def run_single(data: Any, ctx: Context) -> Verdict:
            # Fast walk for the common plain path; the full resolver only explains a miss.
            value = data
            for key in keys:
                if isinstance(value, dict) and isinstance(key, str):
                    value = value.get(key)
                elif isinstance(value, list) and isinstance(key, int) and key < len(value):
                    value = value[key]
                else:
                    value = None
                if value is None:
                    res = resolve(data, path)
                    return Verdict(UNKNOWN, res.missing[0], None, _gaps(res))
            return Verdict(TRUE if predicate(value, ctx) else FALSE, keys, value)  # type: ignore[arg-type]

        return run_single

    def run_many(data: Any, ctx: Context) -> Verdict:
        res = resolve(data, path)
        if not res.found and res.missing and not _reached_list(res.missing, path):
            return Verdict(UNKNOWN, res.missing[0], None, _gaps(res)[:1])
        hits: list[tuple[PathKey, Any]] = []
        misses: list[tuple[PathKey, Any]] = []
        for where_, value in res.found:
            (hits if predicate(value, ctx) else misses).append((where_, value))
        if presence is not None:
            absent = [(m, None) for m in res.missing]
            if presence:
                misses += absent
            else:
                hits, misses = absent, hits
            res = Resolution(res.found, [], [])
        # The element that decides, or the list itself when no element does (e.g. an empty list).
        whole: tuple[PathKey, Any] = (path.list_prefix, None)
        if quantifier == "all":
            if misses:
                return Verdict(FALSE, *misses[0])
            if res.missing:
                return Verdict(UNKNOWN, res.missing[0], None, _gaps(res))
            return Verdict(TRUE, *(hits[0] if hits else whole))
        if quantifier == "any":
            if hits:
                return Verdict(TRUE, *hits[0])
            if res.missing:
                return Verdict(UNKNOWN, res.missing[0], None, _gaps(res))
            return Verdict(FALSE, *(misses[0] if misses else whole))
        if hits:  # none
            return Verdict(FALSE, *hits[0])
        if res.missing:
            return Verdict(UNKNOWN, res.missing[0], None, _gaps(res))
        return Verdict(TRUE, *(misses[0] if misses else whole))

    return run_many


def _gaps(res: Resolution) -> list[tuple[PathKey, str]]:
    return list(zip(res.missing, res.facts, strict=True))


def _reached_list(missing: list[PathKey], path: FieldPath) -> bool:
    """True when the missing paths lie inside list elements, i.e. the list itself exists."""
    first_star = next(i for i, s in enumerate(path.segments) if not isinstance(s, str | int))
    return any(len(m) > first_star and isinstance(m[first_star], int) for m in missing)


def _predicate(
    op: str, spec: dict[str, Any], where: tuple[str | int, ...], trusted: bool = False
) -> Predicate:
    arg = spec.get(op)
    at = (*where, op)
    if op in ("equals", "contains") and not _is_scalar(arg):
        raise ConditionError(f"« {op} » attend une valeur simple (texte, nombre ou booléen)", at)
    if op == "equals":
        return lambda v, ctx: _same(v, arg)
    if op in ("in", "not_in"):
        if not isinstance(arg, list) or not arg or not all(_is_scalar(x) for x in arg):
            raise ConditionError(f"« {op} » attend une liste non vide de valeurs simples", at)
        values = list(arg)
        if op == "in":
            return lambda v, ctx: any(_same(v, x) for x in values)
        return lambda v, ctx: not any(_same(v, x) for x in values)
    if op == "matches":
        if not isinstance(arg, str):
            raise ConditionError("« matches » attend une expression régulière", at)
        if not arg:
            raise ConditionError("expression régulière vide", at)
        if len(arg) > MAX_REGEX:
            raise ConditionError(f"expression régulière trop longue (maximum {MAX_REGEX} caractères)", at)
        try:
            regex = re.compile(arg)
        except re.error as exc:
            raise ConditionError(f"expression régulière invalide : {exc}", at) from None
        risk = regex_risk(arg)
        if risk:
            raise ConditionError(f"expression régulière refusée : {risk}", at)
        return lambda v, ctx: (
            isinstance(v, str | int | float)
            and len(str(v)) <= MAX_MATCHED
            and not isinstance(v, bool)
            and regex.search(str(v)) is not None
        )
    if op == "min":  # the range operator: min, max or both
        return _range(spec.get("min"), spec.get("max"), where)
    if op == "not_older_than":
        if (
            not isinstance(arg, dict)
            or not arg
            or set(arg) - {"days", "months", "years"}
            or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in arg.values())
        ):
            raise ConditionError("« not_older_than » attend {days|months|years: entier positif}", at)
        years, months, days = (int(arg.get(k, 0)) for k in ("years", "months", "days"))

        def not_older(v: Any, ctx: Context) -> bool:
            d = _as_date(v)
            if d is None:
                return False
            try:
                limit = subtract(ctx.today, years, months, days)
            except (ValueError, OverflowError):
                return True  # the limit falls before year 1: no date is older than that
            return d >= limit

        return not_older
    if op == "contains":

        def contains(v: Any, ctx: Context) -> bool:
            if isinstance(v, list):
                return any(_same(item, arg) for item in v)
            if isinstance(v, str) and isinstance(arg, str):
                return arg in v
            return False

        return contains
    if op == "schema":
        if not isinstance(arg, dict):
            raise ConditionError("« schema » attend un schéma JSON (dictionnaire)", at)
        _forbid_external_refs(arg, at)
        if not trusted:
            import jsonschema  # meta-validation only when the pack is new to this tool version

            try:
                jsonschema.Draft202012Validator.check_schema(arg)
            except jsonschema.SchemaError as exc:
                raise ConditionError(f"schéma JSON invalide : {exc.message}", at) from None
        check = compile_schema(arg)
        return lambda v, ctx: check(v)
    raise ConditionError(f"opérateur inconnu « {op} »", at)  # pragma: no cover - guarded above


_FORBIDDEN_SCHEMA_KEYS = (
    "$id",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$recursiveRef",
    "$recursiveAnchor",
)


def _forbid_external_refs(schema: Any, at: tuple[str | int, ...]) -> None:
    """A pack must not reach files or the network, nor fail at evaluation: only `$ref` to a
    JSON pointer inside the same schema ("#/…") is allowed, and it must resolve."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key in _FORBIDDEN_SCHEMA_KEYS:
                if key in node:
                    raise ConditionError(f"mot-clé « {key} » interdit dans « schema »", at)
            patterns = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
            if isinstance(node.get("patternProperties"), dict):
                patterns += list(node["patternProperties"])
            for pattern in patterns:
                risk = regex_risk(pattern)
                if risk:
                    raise ConditionError(f"motif « {pattern} » refusé dans « schema » : {risk}", at)
            ref = node.get("$ref")
            if ref is not None:
                if not isinstance(ref, str) or not (ref == "#" or ref.startswith("#/")):
                    raise ConditionError(f"référence externe interdite dans « schema » : {ref}", at)
                if not _pointer_resolves(schema, ref):
                    raise ConditionError(f"référence introuvable dans « schema » : {ref}", at)
                if _refs_reach(schema, ref, set()):
                    raise ConditionError(f"référence récursive interdite dans « schema » : {ref}", at)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _refs_reach(root: Any, ref: str, seen: set[str]) -> bool:
    """True when following `ref` can lead back to a schema already being expanded (a cycle)."""
    if ref in seen:
        return True
    target = _resolve_pointer(root, ref)
    inner = seen | {ref}
    if ref == "#" or target is root:
        return True
    stack = [target]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            nested = node.get("$ref")
            if isinstance(nested, str) and nested.startswith("#") and _refs_reach(root, nested, inner):
                return True
            stack.extend(v for k, v in node.items() if k != "$defs")
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _resolve_pointer(root: Any, ref: str) -> Any:
    target = root
    for raw in ref[2:].split("/") if ref != "#" else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        target = target[int(part)] if isinstance(target, list) else target[part]
    return target


def _pointer_resolves(root: Any, ref: str) -> bool:
    target = root
    for raw in ref[2:].split("/") if ref != "#" else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(target, dict) and part in target:
            target = target[part]
        elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
            target = target[int(part)]
        else:
            return False
    return True


def _bound(value: Any, at: tuple[str | int, ...]) -> float | str:
    if _is_number(value):
        return float(value)
    if value == "today" or (isinstance(value, str) and _ISO_DATE.fullmatch(value) and parse_date(value)):
        return str(value)
    raise ConditionError("borne attendue : nombre, date AAAA-MM-JJ ou « today »", at)


def _range(lo_raw: Any, hi_raw: Any, where: tuple[str | int, ...]) -> Predicate:
    lo = None if lo_raw is None else _bound(lo_raw, (*where, "min"))
    hi = None if hi_raw is None else _bound(hi_raw, (*where, "max"))
    if isinstance(lo, str) or isinstance(hi, str):
        if (lo is not None and not isinstance(lo, str)) or (hi is not None and not isinstance(hi, str)):
            raise ConditionError("min et max doivent être tous deux des dates ou des nombres", where)

        def resolve_bound(b: str | None, ctx: Context) -> date | None:
            if b is None:
                return None
            return ctx.today if b == "today" else parse_date(b)

        def date_in_range(v: Any, ctx: Context) -> bool:
            d = _as_date(v)
            if d is None:
                return False
            low = resolve_bound(lo, ctx) if isinstance(lo, str) else None
            high = resolve_bound(hi, ctx) if isinstance(hi, str) else None
            return (low is None or d >= low) and (high is None or d <= high)

        return date_in_range

    def number_in_range(v: Any, ctx: Context) -> bool:
        if not _is_number(v):
            return False
        return (lo is None or bool(v >= lo)) and (hi is None or bool(v <= hi))

    return number_in_range
