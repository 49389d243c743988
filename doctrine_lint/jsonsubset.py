"""Compile the common subset of JSON Schema into fast validity predicates.

Used for packs' `schema` tests and as the fast path of manifest validation: a valid manifest
is accepted without running jsonschema, and only an invalid one pays for jsonschema's detailed
errors. jsonschema is the reference and stays the fallback: a schema using any keyword outside
the subset is checked by jsonschema itself. Tests compare both on many cases.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol

Check = Callable[[Any], bool]

_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer())
    ),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}

_ANNOTATIONS = {
    "title",
    "description",
    "$comment",
    "examples",
    "default",
    "$schema",
    "$id",
    "$defs",
    "markdownDescription",
    "x-labels",  # what people read for each value of an enum (doctrine_lint.labels)
}


class FormatChecker(Protocol):
    def conforms(self, instance: object, format: str) -> bool: ...


class _Unsupported(Exception):
    pass


def _freeze(v: Any) -> Any:
    """A hashable form with JSON equality: 1 and 1.0 alike, true and 1 distinct (linear uniqueItems)."""
    if isinstance(v, bool):
        return ("b", v)
    if isinstance(v, int | float):
        return ("n", v)  # Python compares int and float exactly (no float() overflow past 1e308)
    if isinstance(v, list):
        return ("l", tuple(_freeze(x) for x in v))
    if isinstance(v, dict):
        return ("d", frozenset((k, _freeze(x)) for k, x in v.items()))
    return ("s", v)


def _equal(a: Any, b: Any) -> bool:
    # JSON equality: booleans are not numbers, 1 == 1.0
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return bool(a == b)


class _Compiler:
    def __init__(self, root: Any, format_checker: FormatChecker | None) -> None:
        self.root = root
        self.format_checker = format_checker
        self.refs: dict[str, Check] = {}

    def _ref(self, ref: Any) -> Check:
        if not isinstance(ref, str) or not ref.startswith("#/"):
            raise _Unsupported
        if ref not in self.refs:
            target: Any = self.root
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            # Recursion-safe: the slot is filled before compiling, and looked up at call time.
            self.refs[ref] = lambda v: True
            compiled = self._compile(target)
            self.refs[ref] = compiled
        refs = self.refs
        return lambda v: refs[ref](v)

    def _compile(self, schema: Any) -> Check:
        if schema is True:
            return lambda v: True
        if schema is False:
            return lambda v: False
        if not isinstance(schema, dict):
            raise _Unsupported
        checks: list[Check] = []
        for key, arg in schema.items():
            if key in _ANNOTATIONS:
                continue
            checks.append(self._keyword(key, arg, schema))
        return _all_of(checks)

    def _keyword(self, key: str, arg: Any, schema: dict[str, Any]) -> Check:
        if key == "type":
            names = arg if isinstance(arg, list) else [arg]
            tests = [_TYPES[n] for n in names]
            if len(tests) == 1:
                return tests[0]
            return lambda v: any(t(v) for t in tests)
        if key == "const":
            return lambda v: _equal(v, arg)
        if key == "enum":
            if isinstance(arg, list) and arg and all(isinstance(x, str) for x in arg):
                # a text equals only a text (JSON equality): a set look-up
                texts = frozenset(arg)
                return lambda v: isinstance(v, str) and v in texts
            return lambda v: any(_equal(v, x) for x in arg)
        if key == "properties":
            props = {k: self._compile(s) for k, s in arg.items()}
            get = props.get

            def properties(v: Any) -> bool:
                if not isinstance(v, dict):
                    return True
                for k, val in v.items():  # a manifest declares few of the many properties
                    check = get(k)
                    if check is not None and not check(val):
                        return False
                return True

            return properties
        if key == "patternProperties":
            pats = [(re.compile(p), self._compile(s)) for p, s in arg.items()]
            return lambda v: (
                not isinstance(v, dict)
                or all(c(val) for k, val in v.items() for rx, c in pats if rx.search(k))
            )
        if key == "additionalProperties":
            known = set(schema.get("properties", {}))
            rxs = [re.compile(p) for p in schema.get("patternProperties", {})]
            if arg is False and not rxs:  # the usual closed object: only its own properties
                closed = frozenset(known)
                return lambda v: not isinstance(v, dict) or closed.issuperset(v)
            extra = self._compile(arg)
            if not rxs:
                return lambda v: (
                    not isinstance(v, dict) or all(extra(val) for k, val in v.items() if k not in known)
                )
            return lambda v: (
                not isinstance(v, dict)
                or all(
                    extra(val)
                    for k, val in v.items()
                    if k not in known and not any(rx.search(k) for rx in rxs)
                )
            )
        if key == "propertyNames":
            name_ok = self._compile(arg)
            return lambda v: not isinstance(v, dict) or all(name_ok(k) for k in v)
        if key in ("minProperties", "maxProperties"):
            n = int(arg)
            if key == "minProperties":
                return lambda v: not isinstance(v, dict) or len(v) >= n
            return lambda v: not isinstance(v, dict) or len(v) <= n
        if key == "uniqueItems":
            if not arg:
                return lambda v: True
            return lambda v: not isinstance(v, list) or len({_freeze(x) for x in v}) == len(v)
        if key == "format":
            checker = self.format_checker
            if checker is None:
                return lambda v: True
            fmt = str(arg)
            return lambda v: checker.conforms(v, fmt)
        if key == "$ref":
            return self._ref(arg)
        if key == "required":
            names_set = frozenset(arg)
            return lambda v: not isinstance(v, dict) or v.keys() >= names_set
        if key == "items" and isinstance(arg, dict | bool):
            item = self._compile(arg)

            def items(v: Any) -> bool:
                if not isinstance(v, list):
                    return True
                for x in v:  # noqa: SIM110 - a loop, not all(<generator>): no generator per call
                    if not item(x):
                        return False
                return True

            return items
        if key == "contains":
            inner = self._compile(arg)
            low = schema.get("minContains", 1)
            high = schema.get("maxContains")

            def contains(v: Any) -> bool:
                if not isinstance(v, list):
                    return True
                n = sum(1 for x in v if inner(x))
                return n >= low and (high is None or n <= high)

            return contains
        if key in ("minContains", "maxContains"):
            return lambda v: True  # handled with "contains"
        if key == "not":
            inner = self._compile(arg)
            return lambda v: not inner(v)
        if key in ("anyOf", "allOf", "oneOf"):
            subs = [self._compile(s) for s in arg]
            if key == "anyOf":
                return lambda v: any(s(v) for s in subs)
            if key == "allOf":
                return lambda v: all(s(v) for s in subs)
            return lambda v: sum(1 for s in subs if s(v)) == 1
        if key == "if":
            cond = self._compile(arg)
            then = self._compile(schema.get("then", True))
            other = self._compile(schema.get("else", True))
            return lambda v: then(v) if cond(v) else other(v)
        if key in ("then", "else"):
            return lambda v: True  # handled with "if"
        if key in ("minItems", "maxItems"):
            n = int(arg)
            if key == "minItems":
                return lambda v: not isinstance(v, list) or len(v) >= n
            return lambda v: not isinstance(v, list) or len(v) <= n
        if key in ("minLength", "maxLength"):
            n = int(arg)
            if key == "minLength":
                return lambda v: not isinstance(v, str) or len(v) >= n
            return lambda v: not isinstance(v, str) or len(v) <= n
        if key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            bound = arg
            number = _TYPES["number"]
            ops: dict[str, Callable[[Any], bool]] = {
                "minimum": lambda v: v >= bound,
                "maximum": lambda v: v <= bound,
                "exclusiveMinimum": lambda v: v > bound,
                "exclusiveMaximum": lambda v: v < bound,
            }
            op = ops[key]
            return lambda v: not number(v) or op(v)
        if key == "pattern":
            regex = re.compile(arg)
            return lambda v: not isinstance(v, str) or regex.search(v) is not None
        raise _Unsupported


def _all_of(checks: list[Check]) -> Check:
    """Every check, in order, stopping at the first that fails."""
    if not checks:
        return lambda v: True
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda v: first(v) and second(v)

    def every(v: Any) -> bool:
        for check in checks:  # noqa: SIM110 - a loop, not all(<generator>): no generator per call
            if not check(v):
                return False
        return True

    return every


def compile_schema(schema: dict[str, Any], format_checker: FormatChecker | None = None) -> Check:
    """A predicate equivalent to `Draft202012Validator(schema, format_checker=…).is_valid`."""
    try:
        return _Compiler(schema, format_checker)._compile(schema)
    except (_Unsupported, KeyError, TypeError, ValueError, re.error):
        import jsonschema  # only for schemas outside the subset

        checker = None
        if format_checker is not None:
            checker = jsonschema.FormatChecker(formats=())
            for name in ("date", "uri", "email"):
                checker.checks(name)(lambda v, n=name: format_checker.conforms(v, n))
        validator = jsonschema.Draft202012Validator(schema, format_checker=checker)
        return lambda v: bool(validator.is_valid(v))
