"""Compile the common subset of JSON Schema used by packs' `schema` tests into fast predicates.

jsonschema is the reference and stays the fallback: a schema using any keyword outside the
subset below is checked by jsonschema itself. The subset is what correlating two fields of one
list element needs (properties, required, items, contains, if/then/else, anyOf…), and compiling
it makes the escape hatch about ten times cheaper per manifest.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import jsonschema

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

_ANNOTATIONS = {"title", "description", "$comment", "examples", "default"}


class _Unsupported(Exception):
    pass


def _equal(a: Any, b: Any) -> bool:
    # JSON equality: booleans are not numbers, 1 == 1.0
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return bool(a == b)


def _compile(schema: Any) -> Check:
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
        checks.append(_keyword(key, arg, schema))
    if not checks:
        return lambda v: True
    if len(checks) == 1:
        return checks[0]
    return lambda v: all(c(v) for c in checks)


def _keyword(key: str, arg: Any, schema: dict[str, Any]) -> Check:
    if key == "type":
        names = arg if isinstance(arg, list) else [arg]
        tests = [_TYPES[n] for n in names]
        return lambda v: any(t(v) for t in tests)
    if key == "const":
        return lambda v: _equal(v, arg)
    if key == "enum":
        return lambda v: any(_equal(v, x) for x in arg)
    if key == "properties":
        props = {k: _compile(s) for k, s in arg.items()}
        return lambda v: not isinstance(v, dict) or all(c(v[k]) for k, c in props.items() if k in v)
    if key == "required":
        names = list(arg)
        return lambda v: not isinstance(v, dict) or all(k in v for k in names)
    if key == "items" and isinstance(arg, dict | bool):
        item = _compile(arg)
        return lambda v: not isinstance(v, list) or all(item(x) for x in v)
    if key == "contains":
        inner = _compile(arg)
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
        inner = _compile(arg)
        return lambda v: not inner(v)
    if key in ("anyOf", "allOf", "oneOf"):
        subs = [_compile(s) for s in arg]
        if key == "anyOf":
            return lambda v: any(s(v) for s in subs)
        if key == "allOf":
            return lambda v: all(s(v) for s in subs)
        return lambda v: sum(1 for s in subs if s(v)) == 1
    if key == "if":
        cond = _compile(arg)
        then = _compile(schema.get("then", True))
        other = _compile(schema.get("else", True))
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


def compile_schema(schema: dict[str, Any]) -> Check:
    """A predicate equivalent to `Draft202012Validator(schema).is_valid` (checked by tests)."""
    try:
        return _compile(schema)
    except (_Unsupported, KeyError, TypeError, ValueError, re.error):
        validator = jsonschema.Draft202012Validator(schema)
        return lambda v: bool(validator.is_valid(v))
