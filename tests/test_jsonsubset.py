"""The compiled JSON Schema subset must agree with jsonschema on every case."""

from __future__ import annotations

import itertools
from typing import Any

import jsonschema
import pytest

from doctrine_lint.jsonsubset import compile_schema

SCHEMAS: list[dict[str, Any]] = [
    {"type": "string"},
    {"type": ["integer", "null"]},
    {"type": "number", "minimum": 1, "exclusiveMaximum": 10},
    {"const": True},
    {"const": 1},
    {"enum": ["a", 1, None, [1]]},
    {"properties": {"a": {"type": "integer"}}, "required": ["a"]},
    {"items": {"properties": {"p": {"enum": ["x", "y"]}}, "required": ["p"]}},
    {"contains": {"const": "educonnect"}},
    {"contains": {"type": "integer"}, "minContains": 2, "maxContains": 3},
    {"not": {"type": "array"}},
    {"anyOf": [{"type": "string"}, {"minimum": 5}]},
    {"oneOf": [{"type": "integer"}, {"minimum": 5}]},
    {"allOf": [{"type": "array"}, {"minItems": 2}, {"maxItems": 3}]},
    {
        "if": {"properties": {"a": {"const": 1}}, "required": ["a"]},
        "then": {"required": ["b"]},
        "else": {"required": ["c"]},
    },
    {"type": "string", "pattern": "^a", "minLength": 2, "maxLength": 3},
    {
        "items": {
            "if": {"properties": {"audience": {"const": "eleves"}}},
            "then": {"properties": {"provider": {"const": "educonnect"}}},
        }
    },
    {"title": "annotations only", "description": "x"},
    {"properties": {"a": True, "b": False}},
    {"additionalProperties": False, "properties": {"a": {}}},  # outside the subset: falls back
    {"$defs": {"x": {"type": "string"}}, "items": {"$ref": "#/$defs/x"}},  # falls back
]

VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    1.0,
    2.5,
    5,
    7,
    10,
    "",
    "a",
    "ab",
    "abcd",
    "b",
    [],
    [1],
    [1, 2],
    [1, 2, 3, 4],
    ["educonnect"],
    [{"p": "x"}],
    [{"p": "z"}],
    [{}],
    [{"audience": "eleves", "provider": "educonnect"}],
    [{"audience": "eleves", "provider": "comptes-locaux"}],
    {},
    {"a": 1},
    {"a": 1, "b": 2},
    {"a": 2, "c": 1},
    {"a": "x"},
    {"b": 1},
    {"z": 1},
]


@pytest.mark.parametrize(("schema", "value"), list(itertools.product(SCHEMAS, VALUES)))
def test_subset_agrees_with_jsonschema(schema: dict[str, Any], value: Any) -> None:
    expected = jsonschema.Draft202012Validator(schema).is_valid(value)
    assert compile_schema(schema)(value) is expected
