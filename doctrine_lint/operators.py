"""The operators of a path test, each defined once: how its argument is checked, how it
evaluates, the JSON Schema of its argument and its documentation row.

`schemas/rulepack.schema.json` (`$defs/test`) and the operator table of `docs/reference.md` are
generated from this registry (`tools/sync_language.py`); a test fails when either drifts. Adding
an operator means adding one `Operator` here, then running that script.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .dates import ISO_DATE, as_date, parse_date, subtract
from .document import PathKey, format_path
from .errors import Msg
from .jsonsubset import compile_schema
from .logic import (
    FALSE,
    TRUE,
    UNKNOWN,
    ConditionError,
    Context,
    Evaluator,
    Predicate,
    SubConditions,
    Verdict,
    fact_under,
    gaps,
    list_prefix,
    reached_list,
    walk,
)
from .model import Text
from .paths import FieldPath, PathSyntaxError, Resolution, parse_path
from .saferegex import regex_risk

MAX_REGEX = 500
MAX_MATCHED = 10_000  # longer manifest values never match a pack's regex
MAX_SCHEMA_NODES = 20_000  # a pack's `schema` once its `$ref` are expanded (bounds evaluation)
MAX_SCHEMA_DEPTH = 100  # …and its nesting (the compiled schema recurses once per level)

Where = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Call:
    """One use of an operator in a pack: the test's path, its whole mapping, where it is."""

    path: FieldPath
    spec: dict[str, Any]
    where: Where
    quantifier: str
    compiler: SubConditions

    @property
    def at(self) -> Where:
        return self.where


@dataclass(frozen=True, slots=True)
class Operator:
    name: str
    summary: Text  # what the test checks, for the documentation table
    argument: Text  # the form of its argument, for the documentation table
    schema: dict[str, Any]  # JSON Schema of its argument (mirrored in the rulepack schema)
    build: Callable[[Call], Evaluator]
    partner: str | None = None  # min and max form one range test
    quantified: bool = True  # accepts `quantifier` on a [*] path


def _same(a: Any, b: Any) -> bool:
    # True == 1 in Python; a manifest's `true` must never equal a rule's `1`.
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    return bool(a == b)


def _is_scalar(v: Any) -> bool:
    return isinstance(v, str | int | float | bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def element_test(
    path: FieldPath, predicate: Predicate, quantifier: str, presence: bool | None = None
) -> Evaluator:
    """Apply `predicate` to the value(s) at `path`, three-valued.

    On a [*] path the quantifier decides (all, any, none) and the verdict lists every element
    behind it (each failing one for `all`, each matching one for `none`). With `presence` set
    (`exists` on a [*] path), elements lacking the key are judged instead of being unknown.
    """
    if not path.has_wildcard:
        keys = path.segments
        rooted = path.rooted
        anchored: PathKey = ("$root", *keys)  # type: ignore[arg-type]

        # the fact a miss asks for is the whole path, whatever key is missing: named once
        fact = format_path(keys)

        if all(isinstance(key, str) for key in keys):
            # the most frequent shape of all (`security.admin_mfa`): mappings only, walked
            # without per-key checks; the rarer miss walks again to say where the path stops

            def miss(start: Any, data: Any) -> Verdict:
                value, depth = start, 0
                while isinstance(value, dict) and value.get(keys[depth]) is not None:
                    value, depth = value[keys[depth]], depth + 1
                gone: PathKey = keys[: depth + 1] if start is data else anchored[: depth + 2]  # type: ignore[assignment]
                return Verdict(UNKNOWN, gone, None, [(gone, fact)])

            if not rooted:

                def run_keys(data: Any, ctx: Context) -> Verdict:
                    value = data
                    for key in keys:
                        value = value.get(key) if isinstance(value, dict) else None
                        if value is None:
                            return miss(data, data)
                    return Verdict(TRUE if predicate(value, ctx) else FALSE, keys, value)  # type: ignore[arg-type]

                return run_keys

            def run_rooted(data: Any, ctx: Context) -> Verdict:
                start = ctx.root if ctx.root is not None else data
                value = start
                for key in keys:
                    value = value.get(key) if isinstance(value, dict) else None
                    if value is None:
                        return miss(start, data)
                where = keys if start is data else anchored
                return Verdict(TRUE if predicate(value, ctx) else FALSE, where, value)  # type: ignore[arg-type]

            return run_rooted

        def run_single(data: Any, ctx: Context) -> Verdict:
            # Fast walk for the common plain path, a miss included (no resolver needed: the
            # missing path is the prefix walked so far, the fact is the whole path).
            start = ctx.root if rooted and ctx.root is not None else data
            value = start
            for i, key in enumerate(keys):
                if isinstance(value, dict) and isinstance(key, str):
                    value = value.get(key)
                elif isinstance(value, list) and isinstance(key, int) and key < len(value):
                    value = value[key]
                else:
                    value = None
                if value is None:
                    gone: PathKey = keys[: i + 1] if start is data else anchored[: i + 2]  # type: ignore[assignment]
                    return Verdict(UNKNOWN, gone, None, [(gone, fact)])
            where = keys if start is data else anchored
            return Verdict(TRUE if predicate(value, ctx) else FALSE, where, value)  # type: ignore[arg-type]

        return run_single

    def run_many(data: Any, ctx: Context) -> Verdict:
        res = walk(data, path, ctx)
        if not res.found and res.missing and not reached_list(res.missing, path):
            return Verdict(UNKNOWN, res.missing[0], None, gaps(res)[:1])
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
        whole: tuple[PathKey, Any] = (list_prefix(path, ctx, data), None)
        if quantifier == "all":
            if misses:
                return Verdict(FALSE, *misses[0], elements=misses)
            if res.missing:
                return Verdict(UNKNOWN, res.missing[0], None, gaps(res))
            return Verdict(TRUE, *(hits[0] if hits else whole), elements=hits or None)
        if quantifier == "any":
            if hits:
                return Verdict(TRUE, *hits[0], elements=hits)
            if res.missing:
                return Verdict(UNKNOWN, res.missing[0], None, gaps(res))
            return Verdict(FALSE, *whole)
        if hits:  # none
            return Verdict(FALSE, *hits[0], elements=hits)
        if res.missing:
            return Verdict(UNKNOWN, res.missing[0], None, gaps(res))
        return Verdict(TRUE, *(misses[0] if misses else whole), elements=misses or None)

    return run_many


def _predicate_operator(make: Callable[[Call], Predicate]) -> Callable[[Call], Evaluator]:
    def build(call: Call) -> Evaluator:
        return element_test(call.path, make(call), call.quantifier)

    return build


def _other_path(raw: Any, at: Where, *, wildcard: bool) -> FieldPath:
    try:
        other = parse_path(raw) if isinstance(raw, str) else None
    except PathSyntaxError as exc:
        raise ConditionError(exc.msg, at) from None
    if other is None:
        raise ConditionError(Msg("un chemin (texte) est attendu", "a path (text) is expected"), at)
    if other.has_wildcard and not wildcard:
        raise ConditionError(Msg("chemin sans [*] attendu ici", "a path without [*] is expected here"), at)
    return other


# --- exists ------------------------------------------------------------------------------------


def _build_exists(call: Call) -> Evaluator:
    """Presence test. On a plain path it is never unknown; with [*] it applies the quantifier
    to each element, and an absent list is unknown like for every other operator."""
    wanted = call.spec["exists"]
    path = call.path
    if not isinstance(wanted, bool):
        raise ConditionError(
            Msg("« exists » attend true ou false", '"exists" expects true or false'), (*call.where, "exists")
        )
    if path.has_wildcard:
        return element_test(path, lambda v, ctx: True, call.quantifier, presence=wanted)

    keys = path.segments
    rooted = path.rooted
    anchored: PathKey = ("$root", *keys)  # type: ignore[arg-type]
    when_present, when_absent = (TRUE, FALSE) if wanted else (FALSE, TRUE)

    def run(data: Any, ctx: Context) -> Verdict:
        # `resolve` on a plain path, without its lists: found whole, or missing at the first
        # key that holds nothing (null counts as absent)
        start = ctx.root if rooted and ctx.root is not None else data
        value = start
        for i, key in enumerate(keys):
            if isinstance(key, int):
                value = value[key] if isinstance(value, list) and key < len(value) else None
            else:
                value = value.get(key) if isinstance(value, dict) else None
            if value is None:
                gone: PathKey = keys[: i + 1] if start is data else anchored[: i + 2]  # type: ignore[assignment]
                return Verdict(when_absent, gone, None)
        return Verdict(when_present, keys if start is data else anchored, value)  # type: ignore[arg-type]

    return run


# --- equals, in, not_in, contains, matches -----------------------------------------------------


def _scalar_arg(call: Call, op: str) -> Any:
    arg = call.spec[op]
    if not _is_scalar(arg):
        raise ConditionError(
            Msg(
                f"« {op} » attend une valeur simple (texte, nombre ou booléen)",
                f'"{op}" expects a simple value (text, number or boolean)',
            ),
            (*call.where, op),
        )
    return arg


def _make_equals(call: Call) -> Predicate:
    arg = _scalar_arg(call, "equals")
    if arg.__class__ is bool:  # `true` equals `true` alone, never 1
        return lambda v, ctx: v is arg
    # a non-bool argument never equals a bool (`_same`); dict/list never equal a scalar
    return lambda v, ctx: v.__class__ is not bool and bool(v == arg)


def _values_arg(call: Call, op: str) -> list[Any]:
    arg = call.spec[op]
    if not isinstance(arg, list) or not arg or not all(_is_scalar(x) for x in arg):
        raise ConditionError(
            Msg(
                f"« {op} » attend une liste non vide de valeurs simples",
                f'"{op}" expects a non-empty list of simple values',
            ),
            (*call.where, op),
        )
    return list(arg)


def member_test(values: list[Any]) -> Callable[[Any], bool]:
    """`any(_same(v, x) for x in values)` as one hash look-up, compiled once per test.

    Bools are kept apart: `True == 1` and `hash(True) == hash(1)`, so one set would let a
    manifest's `true` match a rule's `1`. Other scalars compare as `==` does (1 equals 1.0,
    never "1"), which hashing preserves. An unhashable value (a list or a mapping) equals no
    scalar. A NaN in `values` (equal to nothing, not even itself) keeps the linear scan."""
    if any(isinstance(x, float) and x != x for x in values):
        return lambda v: any(_same(v, x) for x in values)
    bools = frozenset(x for x in values if x.__class__ is bool)
    others = frozenset(x for x in values if x.__class__ is not bool)

    def member(v: Any) -> bool:
        if v.__class__ is bool:
            return v in bools
        try:
            return v in others
        except TypeError:  # unhashable: a list or a mapping is never one of the values
            return False

    return member


def _make_in(call: Call) -> Predicate:
    member = member_test(_values_arg(call, "in"))
    return lambda v, ctx: member(v)


def _make_not_in(call: Call) -> Predicate:
    member = member_test(_values_arg(call, "not_in"))
    return lambda v, ctx: not member(v)


def _make_contains(call: Call) -> Predicate:
    arg = _scalar_arg(call, "contains")

    def contains(v: Any, ctx: Context) -> bool:
        if isinstance(v, list):
            return any(_same(item, arg) for item in v)
        if isinstance(v, str) and isinstance(arg, str):
            return arg in v
        return False

    return contains


def _make_matches(call: Call) -> Predicate:
    arg = call.spec["matches"]
    at = (*call.where, "matches")
    if not isinstance(arg, str):
        raise ConditionError(
            Msg("« matches » attend une expression régulière", '"matches" expects a regular expression'), at
        )
    if not arg:
        raise ConditionError(Msg("expression régulière vide", "empty regular expression"), at)
    if len(arg) > MAX_REGEX:
        raise ConditionError(
            Msg(
                f"expression régulière trop longue (maximum {MAX_REGEX} caractères)",
                f"regular expression too long (at most {MAX_REGEX} characters)",
            ),
            at,
        )
    try:
        regex = re.compile(arg)
    except re.error as exc:
        raise ConditionError(
            Msg(f"expression régulière invalide : {exc}", f"invalid regular expression: {exc}"), at
        ) from None
    risk = regex_risk(arg)
    if risk:
        raise ConditionError(
            Msg(f"expression régulière refusée : {risk.fr}", f"regular expression refused: {risk.en}"), at
        )
    return lambda v, ctx: (
        isinstance(v, str | int | float)
        and len(str(v)) <= MAX_MATCHED
        and not isinstance(v, bool)
        and regex.search(str(v)) is not None
    )


# --- min / max ---------------------------------------------------------------------------------


def _bound(value: Any, at: Where) -> float | str:
    if _is_number(value):
        return float(value)
    if value == "today" or (isinstance(value, str) and ISO_DATE.fullmatch(value) and parse_date(value)):
        return str(value)
    raise ConditionError(
        Msg(
            "borne attendue : nombre, date AAAA-MM-JJ ou « today »",
            'bound expected: number, YYYY-MM-DD date or "today"',
        ),
        at,
    )


def _make_range(call: Call) -> Predicate:
    lo_raw, hi_raw, where = call.spec.get("min"), call.spec.get("max"), call.where
    lo = None if lo_raw is None else _bound(lo_raw, (*where, "min"))
    hi = None if hi_raw is None else _bound(hi_raw, (*where, "max"))
    if isinstance(lo, str) or isinstance(hi, str):
        if (lo is not None and not isinstance(lo, str)) or (hi is not None and not isinstance(hi, str)):
            raise ConditionError(
                Msg(
                    "min et max doivent être tous deux des dates ou des nombres",
                    "min and max must both be dates or numbers",
                ),
                where,
            )

        def resolve_bound(b: str | None, ctx: Context) -> Any:
            if b is None:
                return None
            return ctx.today if b == "today" else parse_date(b)

        def date_in_range(v: Any, ctx: Context) -> bool:
            d = as_date(v)
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


def _two_values(
    data: Any, ctx: Context, path: FieldPath, other: FieldPath
) -> Verdict | tuple[tuple[PathKey, Any], tuple[PathKey, Any]]:
    """The values at two plain paths, or the unknown verdict naming every fact missing on
    either side."""
    mine, theirs = walk(data, path, ctx), walk(data, other, ctx)
    missing = gaps(mine) + gaps(theirs)
    if missing:
        return Verdict(UNKNOWN, missing[0][0], None, missing)
    return mine.found[0], theirs.found[0]


# --- not_older_than ----------------------------------------------------------------------------


def _build_not_older_than(call: Call) -> Evaluator:
    arg = call.spec["not_older_than"]
    at = (*call.where, "not_older_than")
    amounts = {k: v for k, v in arg.items() if k != "relative_to"} if isinstance(arg, dict) else {}
    if (
        not isinstance(arg, dict)
        or not amounts
        or set(arg) - {"days", "months", "years", "relative_to"}
        or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in amounts.values())
    ):
        raise ConditionError(
            Msg(
                "« not_older_than » attend {days|months|years: entier positif, relative_to?: chemin}",
                '"not_older_than" expects {days|months|years: positive integer, relative_to?: path}',
            ),
            at,
        )
    years, months, days = (int(amounts.get(k, 0)) for k in ("years", "months", "days"))

    def within(v: Any, reference: Any) -> bool:
        d = as_date(v)
        if d is None:
            return False
        try:
            limit = subtract(reference, years, months, days)
        except (ValueError, OverflowError):
            return True  # the limit falls before year 1: no date is older than that
        return d >= limit

    if "relative_to" not in arg:
        return element_test(call.path, lambda v, ctx: within(v, ctx.today), call.quantifier)
    other = _other_path(arg["relative_to"], (*at, "relative_to"), wildcard=False)
    if call.path.has_wildcard:
        raise ConditionError(_no_wildcard("relative_to"), at)
    path = call.path

    def run(data: Any, ctx: Context) -> Verdict:
        pair = _two_values(data, ctx, path, other)
        if isinstance(pair, Verdict):
            return pair
        (where_, value), (their_where, theirs) = pair
        reference = as_date(theirs)
        if reference is None:
            return Verdict(FALSE, their_where, theirs)
        ok = within(value, reference)
        return Verdict(TRUE if ok else FALSE, where_, value, other=theirs)

    return run


# --- count -------------------------------------------------------------------------------------


def _build_count(call: Call) -> Evaluator:
    bounds = call.spec["count"]
    at = (*call.where, "count")
    if (
        not isinstance(bounds, dict)
        or not (set(bounds) & {"min", "max"})
        or set(bounds) - {"min", "max", "where"}
    ):
        raise ConditionError(
            Msg(
                "« count » attend {min?: n, max?: n, where?: condition}",
                '"count" expects {min?: n, max?: n, where?: condition}',
            ),
            at,
        )
    lo, hi = bounds.get("min"), bounds.get("max")
    for b in (lo, hi):
        if b is not None and (not isinstance(b, int) or isinstance(b, bool) or b < 0):
            raise ConditionError(
                Msg(
                    "les bornes de « count » sont des entiers positifs",
                    'the bounds of "count" are positive integers',
                ),
                at,
            )
    path = call.path
    if "where" in bounds:
        matcher = call.compiler.compile(bounds["where"], (*at, "where"))
        return _count_matching(path, matcher, lo, hi)

    def run(data: Any, ctx: Context) -> Verdict:
        res = walk(data, path, ctx)
        if path.has_wildcard:
            if not res.found and res.missing and not reached_list(res.missing, path):
                return Verdict(UNKNOWN, res.missing[0], None, gaps(res)[:1])
            n = len(res.found)
            where_: PathKey | None = list_prefix(path, ctx, data)
        else:
            if not res.found:
                return Verdict(UNKNOWN, res.missing[0], None, gaps(res))
            where_, value = res.found[0]
            n = len(value) if isinstance(value, list | dict | str) else 1
        ok = (lo is None or n >= lo) and (hi is None or n <= hi)
        return Verdict(TRUE if ok else FALSE, where_, n)

    return run


def _count_matching(path: FieldPath, matcher: Evaluator, lo: int | None, hi: int | None) -> Evaluator:
    """Count the elements for which `matcher` (relative to the element) holds. An undecided
    element decides nothing unless it could change the verdict: then the count is unknown.

    A count read from the root is the same for every element of a `for_each`: it is computed
    once per manifest, so that the rule stays linear on hostile manifests."""
    memo: list[Any] = [None, None, None]  # [root (kept alive: its id is not reused), date, tally]

    def tally(data: Any, ctx: Context) -> Verdict | tuple[PathKey, int, int, list[Any], list[Any]]:
        res = walk(data, path, ctx)
        if path.has_wildcard:
            if not res.found and res.missing and not reached_list(res.missing, path):
                return Verdict(UNKNOWN, res.missing[0], None, gaps(res)[:1])
            items = res.found
            at: PathKey = list_prefix(path, ctx, data)
        else:
            if not res.found:
                return Verdict(UNKNOWN, res.missing[0], None, gaps(res))
            at, value = res.found[0]
            items = [((*at, i), v) for i, v in enumerate(value)] if isinstance(value, list) else []
        sure = undecided_elements = 0
        undecided: list[tuple[PathKey, str]] = []
        matched: list[tuple[PathKey, Any]] = []
        inner = Context(ctx.today, ctx.root if ctx.root is not None else data)
        for where_, item in items:
            v = matcher(item, inner)
            if v.state == TRUE:
                sure += 1
                matched.append((where_, item))
            elif v.state == UNKNOWN:
                undecided_elements += 1
                undecided += [(_join(where_, p), fact_under(where_, p, t)) for p, t in v.missing]
        return at, sure, undecided_elements, undecided, matched

    def run(data: Any, ctx: Context) -> Verdict:
        if path.rooted and ctx.root is not None and memo[0] is ctx.root and memo[1] == ctx.today:
            counted = memo[2]
        else:
            counted = tally(data, ctx)
            if path.rooted and ctx.root is not None:
                memo[0], memo[1], memo[2] = ctx.root, ctx.today, counted
        if isinstance(counted, Verdict):  # the list itself is not declared
            return Verdict(counted.state, counted.path, None, list(counted.missing))
        at, sure, undecided_elements, undecided, matched = counted
        possible = sure + undecided_elements
        if (lo is not None and possible < lo) or (hi is not None and sure > hi):
            return Verdict(FALSE, at, sure, elements=list(matched) if hi is not None and sure > hi else None)
        if (lo is None or sure >= lo) and (hi is None or possible <= hi):
            return Verdict(TRUE, at, sure)
        return Verdict(UNKNOWN, undecided[0][0] if undecided else at, None, list(undecided))

    return run


def _join(prefix: PathKey, path: PathKey) -> PathKey:
    """An element's relative path made concrete (paths read from the root stay as they are)."""
    if path[:1] == ("$root",) or path[:1] == ("$derived",):
        return path
    return (*prefix, *path)


# --- compare_to --------------------------------------------------------------------------------

_COMPARISONS: dict[str, Callable[[Any, Any, float], bool]] = {
    "eq": lambda a, b, tol: abs(a - b) <= tol if _is_number(a) and _is_number(b) else _equal(a, b),
    "ne": lambda a, b, tol: abs(a - b) > tol if _is_number(a) and _is_number(b) else not _equal(a, b),
    "lt": lambda a, b, tol: _ordered(a, b, lambda x, y, t: x < y - t, tol),
    "le": lambda a, b, tol: _ordered(a, b, lambda x, y, t: x <= y + t, tol),
    "gt": lambda a, b, tol: _ordered(a, b, lambda x, y, t: x > y + t, tol),
    "ge": lambda a, b, tol: _ordered(a, b, lambda x, y, t: x >= y - t, tol),
}


def _equal(a: Any, b: Any) -> bool:
    da, db = as_date(a), as_date(b)
    if da is not None and db is not None:
        return da == db
    return _same(a, b)


def _ordered(a: Any, b: Any, compare: Callable[[Any, Any, float], bool], tol: float) -> bool:
    """Numbers compare as numbers (with the tolerance); two dates compare as calendar dates,
    the tolerance counting days. Anything else is not ordered: the comparison is false."""
    if _is_number(a) and _is_number(b):
        return compare(a, b, tol)
    da, db = as_date(a), as_date(b)
    if da is not None and db is not None:
        return compare(da.toordinal(), db.toordinal(), tol)
    return False


def _build_compare_to(call: Call) -> Evaluator:
    spec = call.spec["compare_to"]
    at = (*call.where, "compare_to")
    path = call.path
    if not isinstance(spec, dict) or set(spec) - {"path", "op", "tolerance"} or "path" not in spec:
        raise ConditionError(
            Msg(
                "« compare_to » attend {path, op, tolerance?}", '"compare_to" expects {path, op, tolerance?}'
            ),
            at,
        )
    if path.has_wildcard:
        raise ConditionError(_no_wildcard("compare_to"), at)
    other = _other_path(spec["path"], (*at, "path"), wildcard=False)
    compare = _COMPARISONS.get(spec.get("op"))  # type: ignore[arg-type]
    if compare is None:
        raise ConditionError(
            Msg(
                f"comparaison inconnue « {spec.get('op')} » (eq, ne, lt, le, gt, ge)",
                f'unknown comparison "{spec.get("op")}" (eq, ne, lt, le, gt, ge)',
            ),
            (*at, "op"),
        )
    tolerance = spec.get("tolerance", 0)
    if not _is_number(tolerance) or tolerance < 0:
        raise ConditionError(
            Msg("« tolerance » attend un nombre positif", '"tolerance" expects a positive number'),
            (*at, "tolerance"),
        )

    def run(data: Any, ctx: Context) -> Verdict:
        pair = _two_values(data, ctx, path, other)
        if isinstance(pair, Verdict):
            return pair
        (where_, value), (_, theirs) = pair
        ok = compare(value, theirs, tolerance)
        return Verdict(TRUE if ok else FALSE, where_, value, other=theirs)

    return run


# --- among (join) ------------------------------------------------------------------------------


def _build_among(call: Call) -> Evaluator:
    """Each value at `path` must be one of the values found at another path (a join: "every
    declared audience has an identity provider"). The long form keeps only the elements of a
    list that satisfy `where` (relative to each element) and takes their `field`: "every
    declared audience has an ÉduConnect provider". Unknown while the other list is not
    declared, or while an element that might supply the value is undecided."""
    raw = call.spec["among"]
    at = (*call.where, "among")
    if isinstance(raw, dict):
        if set(raw) - {"path", "where", "field"} or "path" not in raw:
            raise ConditionError(
                Msg(
                    "« among » attend un chemin, ou {path, where?, field?}",
                    '"among" expects a path, or {path, where?, field?}',
                ),
                at,
            )
        other = _other_path(raw["path"], (*at, "path"), wildcard=True)
        if not other.has_wildcard:
            raise ConditionError(
                Msg(
                    "« among.path » désigne les éléments d'une liste ([*])",
                    '"among.path" names the items of a list ([*])',
                ),
                (*at, "path"),
            )
        where = call.compiler.compile(raw["where"], (*at, "where")) if "where" in raw else None
        field_path = _other_path(raw["field"], (*at, "field"), wildcard=False) if "field" in raw else None
    else:
        other = _other_path(raw, at, wildcard=True)
        where, field_path = None, None
    path = call.path

    def pool(data: Any, ctx: Context) -> tuple[list[Any], list[Any], list[tuple[PathKey, str]]] | None:
        """(values surely in the pool, values maybe in it, facts that would decide the maybes),
        or None when the other list itself is not declared."""
        res = walk(data, other, ctx)
        if not res.found and res.missing and (not other.has_wildcard or not reached_list(res.missing, other)):
            return None
        sure: list[Any] = []
        maybe: list[Any] = []
        facts: list[tuple[PathKey, str]] = []
        inner = Context(ctx.today, ctx.root if ctx.root is not None else data)
        for where_, item in res.found:
            state = TRUE
            if where is not None:
                verdict = where(item, inner)
                state = verdict.state
                if state == FALSE:
                    continue
                if state == UNKNOWN:
                    facts += [(_join(where_, p), fact_under(where_, p, t)) for p, t in verdict.missing]
            if field_path is not None:
                found = walk(item, field_path, inner).found
                if not found:
                    continue
                item = found[0][1]
            values = item if isinstance(item, list) else [item]
            (sure if state == TRUE else maybe).extend(values)
        return sure, maybe, facts

    # A pool read from the root is the same for every element of a `for_each`: computed once
    # per manifest, and hashed, so that a join stays linear on hostile manifests.
    memo: list[Any] = [None, None, None]  # [root (kept alive: its id is not reused), date, pool]

    def pooled(data: Any, ctx: Context) -> tuple[frozenset[Any], frozenset[Any], list[Any]] | None:
        if other.rooted and ctx.root is not None and memo[0] is ctx.root and memo[1] == ctx.today:
            return memo[2]  # type: ignore[no-any-return]
        found = pool(data, ctx)
        hashed = None if found is None else (_keys(found[0]), _keys(found[1]), found[2])
        if other.rooted and ctx.root is not None:
            memo[0], memo[1], memo[2] = ctx.root, ctx.today, hashed
        return hashed

    def run(data: Any, ctx: Context) -> Verdict:
        found = pooled(data, ctx)
        if found is None:
            res = walk(data, other, ctx)
            missing = gaps(res)[:1]
            return Verdict(UNKNOWN, missing[0][0], None, missing)
        sure, maybe, facts = found

        def member(v: Any, c: Context) -> bool:
            return _key(v) in sure

        verdict = element_test(path, member, call.quantifier)(data, ctx)
        if verdict.state != TRUE and facts and maybe:
            values = [v for _, v in verdict.elements] if verdict.elements else [verdict.value]
            if all(_key(v) in maybe for v in values):
                return Verdict(UNKNOWN, facts[0][0], None, facts)
        return verdict

    return run


def _key(value: Any) -> Any:
    """A value as `_same` compares it, hashable: `true` never equals `1`, 1 equals 1.0."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        return ("number", value)
    if isinstance(value, str):
        return ("text", value)
    return ("other", id(value))  # lists and mappings equal nothing but themselves


def _keys(values: list[Any]) -> frozenset[Any]:
    return frozenset(_key(v) for v in values)


# --- schema (escape hatch) ---------------------------------------------------------------------

_FORBIDDEN_SCHEMA_KEYS = (
    "$id",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$recursiveRef",
    "$recursiveAnchor",
)


def _make_schema(call: Call) -> Predicate:
    arg = call.spec["schema"]
    at = (*call.where, "schema")
    if not isinstance(arg, dict):
        raise ConditionError(
            Msg(
                "« schema » attend un schéma JSON (dictionnaire)", '"schema" expects a JSON schema (mapping)'
            ),
            at,
        )
    forbid_external_refs(arg, at)
    if not call.compiler.trusted:
        import jsonschema  # meta-validation only when the pack is new to this tool version

        try:
            jsonschema.Draft202012Validator.check_schema(arg)
        except jsonschema.SchemaError as exc:
            raise ConditionError(
                Msg(f"schéma JSON invalide : {exc.message}", f"invalid JSON schema: {exc.message}"), at
            ) from None
    check = compile_schema(arg)
    if not _has_patterns(arg):
        return lambda v, ctx: check(v)
    # as with `matches`, a text longer than MAX_MATCHED is never run through a pack's regex: the
    # value then does not satisfy the schema
    return lambda v, ctx: _longest_text(v) <= MAX_MATCHED and check(v)


def _has_patterns(schema: Any) -> bool:
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "pattern" in node or "patternProperties" in node:
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _longest_text(value: Any) -> int:
    """Length of the longest string in a value (keys included)."""
    longest, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            longest = max(longest, len(item))
        elif isinstance(item, dict):
            longest = max([longest, *(len(k) for k in item if isinstance(k, str))])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return longest


def forbid_external_refs(schema: Any, at: Where) -> None:
    """A pack must not reach files or the network, nor fail at evaluation: only `$ref` to a
    JSON pointer inside the same schema ("#/…") is allowed, and it must resolve."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key in _FORBIDDEN_SCHEMA_KEYS:
                if key in node:
                    raise ConditionError(
                        _in_schema(f"mot-clé « {key} » interdit", f'keyword "{key}" not allowed'), at
                    )
            patterns = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
            if isinstance(node.get("patternProperties"), dict):
                patterns += list(node["patternProperties"])
            for pattern in patterns:
                risk = regex_risk(pattern)
                if risk:
                    raise ConditionError(
                        Msg(
                            f"motif « {pattern} » refusé dans « schema » : {risk.fr}",
                            f'pattern "{pattern}" refused in "schema": {risk.en}',
                        ),
                        at,
                    )
            ref = node.get("$ref")
            if ref is not None:
                if not isinstance(ref, str) or not (ref == "#" or ref.startswith("#/")):
                    raise ConditionError(
                        _in_schema("référence externe interdite", "external reference not allowed", ref), at
                    )
                if not _pointer_resolves(schema, ref):
                    raise ConditionError(_in_schema("référence introuvable", "reference not found", ref), at)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    _check_ref_graph(schema, at)


def _check_ref_graph(root: Any, at: Where) -> None:
    """Refuse a `$ref` cycle, and a schema too large or too deep once its references are expanded.

    Each reference is resolved and measured once (memoised, iterative): a chain where every
    level refers twice to the next stays linear to check, where following each `$ref` anew took
    exponential time. The compiled schema follows every reference each time it checks a value,
    recursively: the expanded size bounds its time, the expanded depth its recursion.
    """
    cap = MAX_SCHEMA_NODES + 1
    done: dict[str, tuple[int, int]] = {}  # ref -> expanded (size capped at `cap`, depth)
    on_path: set[str] = set()

    def scan(node: Any) -> tuple[int, int, list[tuple[str, int]]]:
        """A subschema without `$defs` (reached only through references): its node count, its
        depth and its references with the depth where each appears."""
        count, deepest, refs, stack = 0, 0, [], [(node, 1)]
        while stack:
            item, depth = stack.pop()
            count += 1
            deepest = max(deepest, depth)
            if isinstance(item, dict):
                nested = item.get("$ref")
                if isinstance(nested, str) and nested.startswith("#"):
                    refs.append((nested, depth))
                stack.extend((v, depth + 1) for k, v in item.items() if k != "$defs")
            elif isinstance(item, list):
                stack.extend((v, depth + 1) for v in item)
        return count, deepest, refs

    def cycle(ref: str) -> ConditionError:
        return ConditionError(
            _in_schema("référence récursive interdite", "recursive reference not allowed", ref), at
        )

    # iterative depth-first walk; a frame is [ref, size, depth, refs, index of the next ref]
    frames: list[list[Any]] = []

    def enter(ref: str) -> None:
        target = _resolve_pointer(root, ref)
        if ref == "#" or target is root or ref in on_path:
            raise cycle(ref)
        on_path.add(ref)
        frames.append([ref, *scan(target), 0])

    def add(frame: list[Any], child: tuple[int, int], at_depth: int) -> None:
        frame[1] = min(frame[1] + child[0], cap)
        frame[2] = max(frame[2], at_depth + child[1])

    top: list[Any] = [None, *scan(root), 0]
    for start, start_depth in top[3]:
        if start not in done:
            enter(start)
        while frames:
            frame = frames[-1]
            ref, _, _, refs, i = frame
            if i < len(refs):
                frame[4] = i + 1
                child, depth = refs[i]
                if child in on_path:
                    raise cycle(child)
                if child in done:
                    add(frame, done[child], depth)
                else:
                    enter(child)
                continue
            frames.pop()
            on_path.discard(ref)
            done[ref] = (frame[1], frame[2])
            if frames:
                add(frames[-1], done[ref], frames[-1][3][frames[-1][4] - 1][1])
        add(top, done[start], start_depth)
    if top[1] > MAX_SCHEMA_NODES:
        raise ConditionError(
            Msg(
                f"schéma trop grand une fois ses références « $ref » développées "
                f"(plus de {MAX_SCHEMA_NODES} nœuds) : factoriser autrement",
                f'schema too large once its "$ref" references are expanded '
                f"(more than {MAX_SCHEMA_NODES} nodes): factor it differently",
            ),
            at,
        )
    if top[2] > MAX_SCHEMA_DEPTH:
        raise ConditionError(
            Msg(
                f"schéma trop profond une fois ses références « $ref » développées "
                f"({top[2]} niveaux, maximum {MAX_SCHEMA_DEPTH})",
                f'schema too deep once its "$ref" references are expanded '
                f"({top[2]} levels, at most {MAX_SCHEMA_DEPTH})",
            ),
            at,
        )


def _in_schema(fr: str, en: str, ref: str | None = None) -> Msg:
    """A refusal inside a `schema` operand: « … dans « schema » : ref »."""
    tail = f" : {ref}" if ref is not None else ""
    return Msg(f"{fr} dans « schema »{tail}", f'{en} in "schema"{tail.replace(" :", ":")}')


def _no_wildcard(op: str) -> Msg:
    return Msg(
        f"« {op} » ne s'applique pas à un chemin avec [*]", f'"{op}" does not apply to a path with [*]'
    )


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


# --- the registry ------------------------------------------------------------------------------

_SCALAR: dict[str, Any] = {"$ref": "#/$defs/scalar"}
_PATH: dict[str, Any] = {"$ref": "#/$defs/path"}
_SCALARS: dict[str, Any] = {"type": "array", "minItems": 1, "items": _SCALAR}

OPERATORS: tuple[Operator, ...] = (
    Operator(
        "exists",
        Text(
            "le fait est déclaré (true) ou absent (false) ; jamais « à renseigner » sur un chemin sans [*]",
            "the fact is declared (true) or absent (false); never undecided on a path without [*]",
        ),
        Text("`true` ou `false`", "`true` or `false`"),
        {"type": "boolean"},
        _build_exists,
    ),
    Operator(
        "equals",
        Text(
            "la valeur est égale à l'argument (`true` n'est jamais égal à `1`)",
            "the value equals the argument",
        ),
        Text("valeur simple", "scalar"),
        _SCALAR,
        _predicate_operator(_make_equals),
    ),
    Operator(
        "in",
        Text("la valeur est l'une de celles de la liste", "the value is one of the list"),
        Text("liste de valeurs simples", "list of scalars"),
        _SCALARS,
        _predicate_operator(_make_in),
    ),
    Operator(
        "not_in",
        Text("la valeur n'est aucune de celles de la liste", "the value is none of the list"),
        Text("liste de valeurs simples", "list of scalars"),
        _SCALARS,
        _predicate_operator(_make_not_in),
    ),
    Operator(
        "matches",
        Text(
            "le texte contient une correspondance de l'expression régulière (sans retour arrière exponentiel)",
            "the text contains a match of the regular expression (no exponential backtracking)",
        ),
        Text("expression régulière (≤ 500 caractères)", "regular expression (≤ 500 characters)"),
        {"type": "string", "minLength": 1, "maxLength": MAX_REGEX},
        _predicate_operator(_make_matches),
    ),
    Operator(
        "min",
        Text(
            "nombre ou date au moins égal à la borne (avec `max` : dans l'intervalle)",
            "number or date at least the bound (with `max`: within the range)",
        ),
        Text("nombre, date AAAA-MM-JJ ou `today`", "number, YYYY-MM-DD date or `today`"),
        {"$ref": "#/$defs/dateOrToday"},
        _predicate_operator(_make_range),
        partner="max",
    ),
    Operator(
        "max",
        Text(
            "nombre ou date au plus égal à la borne (avec `min` : dans l'intervalle)",
            "number or date at most the bound (with `min`: within the range)",
        ),
        Text("nombre, date AAAA-MM-JJ ou `today`", "number, YYYY-MM-DD date or `today`"),
        {"$ref": "#/$defs/dateOrToday"},
        _predicate_operator(_make_range),
        partner="min",
    ),
    Operator(
        "not_older_than",
        Text(
            "date qui n'a pas plus de N jours, mois ou années (mois du calendrier) à la date "
            "d'évaluation, ou à la date lue à `relative_to`",
            "date at most N days, months or years old at the evaluation date, or at the date read at `relative_to`",
        ),
        Text(
            "`{days|months|years: n, relative_to?: chemin}`", "`{days|months|years: n, relative_to?: path}`"
        ),
        {
            "type": "object",
            "additionalProperties": False,
            "minProperties": 1,
            "properties": {
                "days": {"type": "integer", "minimum": 0},
                "months": {"type": "integer", "minimum": 0},
                "years": {"type": "integer", "minimum": 0},
                "relative_to": _PATH,
            },
            "anyOf": [{"required": ["days"]}, {"required": ["months"]}, {"required": ["years"]}],
        },
        _build_not_older_than,
    ),
    Operator(
        "contains",
        Text(
            "la liste contient la valeur, ou le texte contient le texte donné",
            "the list contains the value, or the text contains the given text",
        ),
        Text("valeur simple", "scalar"),
        _SCALAR,
        _predicate_operator(_make_contains),
    ),
    Operator(
        "count",
        Text(
            "nombre d'éléments (d'une liste, d'un dictionnaire, ou des éléments `[*]`), ou avec "
            "`where` nombre d'éléments qui satisfont une condition relative à l'élément ; "
            "« à renseigner » seulement si un élément indécis pourrait changer le résultat",
            "number of elements, or with `where` the number of elements satisfying a condition "
            "relative to the element; undecided only when an undecided element could change the result",
        ),
        Text("`{min?: n, max?: n, where?: condition}`", "`{min?: n, max?: n, where?: condition}`"),
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "min": {"type": "integer", "minimum": 0},
                "max": {"type": "integer", "minimum": 0},
                "where": {"$ref": "#/$defs/condition"},
            },
            "anyOf": [{"required": ["min"]}, {"required": ["max"]}],
        },
        _build_count,
        quantified=False,
    ),
    Operator(
        "compare_to",
        Text(
            "compare la valeur à celle d'un autre chemin : nombres (tolérance en unités) ou dates "
            "(tolérance en jours) ordonnés, égalité pour le reste",
            "compares the value with another path's: numbers (tolerance in units) or dates "
            "(tolerance in days) are ordered, anything else is compared for equality",
        ),
        Text("`{path, op: eq|ne|lt|le|gt|ge, tolerance?}`", "`{path, op: eq|ne|lt|le|gt|ge, tolerance?}`"),
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["path", "op"],
            "properties": {
                "path": _PATH,
                "op": {"enum": ["eq", "ne", "lt", "le", "gt", "ge"]},
                "tolerance": {"type": "number", "minimum": 0},
            },
        },
        _build_compare_to,
        quantified=False,
    ),
    Operator(
        "among",
        Text(
            "la valeur figure parmi celles trouvées à un autre chemin (jointure entre deux listes), "
            "ou parmi le champ `field` des éléments de cette liste qui satisfont `where` ; "
            "« à renseigner » tant que l'autre liste n'est pas déclarée ou qu'un élément indécis "
            "pourrait fournir la valeur",
            "the value is among those found at another path (a join between two lists), or among "
            "the `field` of the elements of that list satisfying `where`; undecided while the other "
            "list is not declared or an undecided element might supply the value",
        ),
        Text(
            "chemin (avec `[*]` possible), ou `{path: liste[*], where?: condition, field?: champ}`",
            "path (may use `[*]`), or `{path: list[*], where?: condition, field?: field}`",
        ),
        {
            "oneOf": [
                _PATH,
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["path"],
                    "properties": {"path": _PATH, "where": {"$ref": "#/$defs/condition"}, "field": _PATH},
                },
            ]
        },
        _build_among,
    ),
    Operator(
        "schema",
        Text(
            "échappatoire : la valeur est valide selon un schéma JSON (verdict à deux valeurs, "
            "références externes interdites) ; à justifier par un commentaire",
            "escape hatch: the value is valid against a JSON Schema (two-valued, no external "
            "references); justify each use in a comment",
        ),
        Text("schéma JSON", "JSON Schema"),
        {
            "description": "Échappatoire : la valeur doit être valide selon ce schéma JSON (les références $ref externes sont interdites).",
            "type": "object",
        },
        _predicate_operator(_make_schema),
    ),
)

REGISTRY: dict[str, Operator] = {op.name: op for op in OPERATORS}


def schema_of_path_tests() -> dict[str, Any]:
    """The rulepack schema's `$defs/test`, generated from the registry."""
    one_of: list[dict[str, Any]] = []
    for op in OPERATORS:
        if op.partner is not None:
            if op.partner in REGISTRY and OPERATORS.index(REGISTRY[op.partner]) < OPERATORS.index(op):
                continue
            one_of.append({"anyOf": [{"required": [op.name]}, {"required": [op.partner]}]})
        else:
            one_of.append({"required": [op.name]})
    return {
        "description": "Un test sur un chemin : path et exactement un opérateur (min et max vont ensemble).",
        "type": "object",
        "additionalProperties": False,
        "required": ["path"],
        "properties": {
            "path": _PATH,
            "quantifier": {
                "description": "Pour un chemin avec [*] : all (tous les éléments, par défaut), any (au moins un), none (aucun).",
                "enum": ["all", "any", "none"],
            },
            **{op.name: op.schema for op in OPERATORS},
        },
        "oneOf": one_of,
    }


def operator_table(lang: str) -> str:
    """The Markdown table of operators for the pack reference."""
    head = (
        "| opérateur | argument | vrai quand |\n| --- | --- | --- |"
        if lang == "fr"
        else "| operator | argument | true when |\n| --- | --- | --- |"
    )
    rows = [f"| `{op.name}` | {op.argument.get(lang)} | {op.summary.get(lang)} |" for op in OPERATORS]
    return "\n".join([head, *rows]) + "\n"
