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


def _manifest_cases() -> list[Any]:
    import copy

    from doctrine_lint.document import load_document

    from .conftest import EXAMPLES

    cases: list[Any] = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        good = load_document(path).data
        cases.append(good)
        for mutate in (
            lambda d: d["service"].__setitem__("kind", "ent-3d"),
            lambda d: d.__setitem__("inconnu", 1),
            lambda d: d.__setitem__("x-extension", {"libre": True}),
            lambda d: d["service"].__setitem__("url", "ftp://example.org"),
            lambda d: d["service"].__setitem__("audiences", ["eleves", "eleves"]),
            lambda d: d.setdefault("security", {}).__setitem__(
                "measures", {"AUTH.9": "faite", "bad key": "faite"}
            ),
            lambda d: (
                d.setdefault("security", {}).setdefault("homologation", {}).__setitem__("date", "2026-13-01")
            ),
            lambda d: d.setdefault("personal_data", {}).__setitem__("dpo_contact", "pas une adresse"),
            lambda d: d.setdefault("hosting", {}).__setitem__("availability_target", 101),
            lambda d: d["service"].pop("name"),
        ):
            bad = copy.deepcopy(good)
            mutate(bad)
            cases.append(bad)
    return cases


@pytest.mark.parametrize("instance", _manifest_cases())
def test_manifest_fast_path_agrees_with_jsonschema(instance: Any) -> None:
    from doctrine_lint.validation import FORMAT_CHECKS, validator_for

    validator = validator_for("manifest")
    assert compile_schema(validator.schema, FORMAT_CHECKS)(instance) is validator.is_valid(instance)


def test_unique_items_is_linear_on_long_lists() -> None:
    check = compile_schema({"uniqueItems": True})
    many = [f"finalité {i}" for i in range(50_000)]
    assert check(many)
    assert not check([*many, "finalité 7"])
    assert not check([1, 1.0]) and check([1, True])
