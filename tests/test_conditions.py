"""The condition language, case by case: operators, quantifiers, three-valued logic, errors."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from doctrine_lint.conditions import (
    FALSE,
    TRUE,
    UNKNOWN,
    ConditionError,
    Context,
    compile_condition,
)
from doctrine_lint.dates import subtract
from doctrine_lint.paths import PathSyntaxError, parse_path, resolve

CTX = Context(today=date(2026, 11, 28))

DATA: dict[str, Any] = {
    "service": {"kind": "ent-2d", "audiences": ["eleves", "enseignants"], "name": "ENT Exemple"},
    "identity": {
        "sso_propagation": True,
        "admin_mfa": False,
        "providers": [
            {"audience": "eleves", "provider": "educonnect", "protocol": "saml2"},
            {"audience": "enseignants", "provider": "idp-academique", "protocol": "oidc"},
            {"audience": "responsables", "provider": "educonnect"},
        ],
    },
    "security": {
        "homologation": {"date": "2025-09-01", "expires": "2028-09-01"},
        "log_retention_months": 12,
        "measures": {"AUTH.9": "faite"},
        "tls": {"min_version": "1.2"},
    },
    "hosting": {"countries": ["FR", "DE"], "availability_target": 99.5},
    "interoperability": {"apis": []},
    "empty": None,
}

S, N, U = TRUE, FALSE, UNKNOWN

CASES: list[tuple[str, dict[str, Any], int]] = [
    ("equals-true", {"path": "identity.sso_propagation", "equals": True}, S),
    ("equals-false", {"path": "identity.admin_mfa", "equals": True}, N),
    ("equals-bool-not-int", {"path": "identity.sso_propagation", "equals": 1}, N),
    ("equals-missing", {"path": "identity.nope", "equals": True}, U),
    ("null-is-missing", {"path": "empty", "equals": True}, U),
    ("in", {"path": "service.kind", "in": ["ent-1d", "ent-2d"]}, S),
    ("in-no", {"path": "service.kind", "in": ["ressource"]}, N),
    ("not-in", {"path": "service.kind", "not_in": ["ressource"]}, S),
    ("matches", {"path": "service.name", "matches": "^ENT "}, S),
    ("matches-no", {"path": "service.name", "matches": "^Lycée"}, N),
    ("matches-number-as-text", {"path": "security.log_retention_months", "matches": "^1[0-9]$"}, S),
    ("min-number", {"path": "security.log_retention_months", "min": 3}, S),
    ("min-number-no", {"path": "security.log_retention_months", "min": 13}, N),
    ("range", {"path": "hosting.availability_target", "min": 99, "max": 100}, S),
    ("max-only", {"path": "hosting.availability_target", "max": 99}, N),
    ("min-on-text-is-false", {"path": "service.name", "min": 1}, N),
    ("date-min-today", {"path": "security.homologation.expires", "min": "today"}, S),
    ("date-max-today", {"path": "security.homologation.expires", "max": "today"}, N),
    ("date-min-fixed", {"path": "security.homologation.date", "min": "2025-01-01"}, S),
    ("not-older-than", {"path": "security.homologation.date", "not_older_than": {"months": 36}}, S),
    ("older-than", {"path": "security.homologation.date", "not_older_than": {"months": 12}}, N),
    ("not-older-days", {"path": "security.homologation.date", "not_older_than": {"days": 500}}, S),
    ("not-older-years", {"path": "security.homologation.date", "not_older_than": {"years": 1}}, N),
    ("contains-list", {"path": "hosting.countries", "contains": "FR"}, S),
    ("contains-list-no", {"path": "hosting.countries", "contains": "US"}, N),
    ("contains-text", {"path": "service.name", "contains": "Exemple"}, S),
    ("count-list", {"path": "hosting.countries", "count": {"min": 2, "max": 2}}, S),
    ("count-wildcard", {"path": "identity.providers[*]", "count": {"min": 4}}, N),
    ("count-empty-list", {"path": "interoperability.apis[*]", "count": {"max": 0}}, S),
    ("count-missing-list", {"path": "interoperability.flows[*]", "count": {"min": 1}}, U),
    (
        "count-elements-having-key",
        {"path": "identity.providers[*].protocol", "count": {"min": 2, "max": 2}},
        S,
    ),
    ("count-none-has-key", {"path": "identity.providers[*].via", "count": {"max": 0}}, S),
    ("exists", {"path": "security.tls.min_version", "exists": True}, S),
    ("exists-false", {"path": "security.pentest", "exists": False}, S),
    ("exists-missing-never-unknown", {"path": "security.pentest.date", "exists": True}, N),
    ("exists-all-elements", {"path": "identity.providers[*].protocol", "exists": True}, N),
    (
        "exists-any-element",
        {"path": "identity.providers[*].protocol", "exists": True, "quantifier": "any"},
        S,
    ),
    ("exists-none", {"path": "identity.providers[*].via", "exists": True, "quantifier": "none"}, S),
    ("exists-wildcard-absent-list", {"path": "interoperability.flows[*].name", "exists": True}, U),
    ("quoted-key", {"path": 'security.measures["AUTH.9"]', "equals": "faite"}, S),
    ("index", {"path": "identity.providers[1].provider", "equals": "idp-academique"}, S),
    ("index-out-of-range", {"path": "identity.providers[9].provider", "equals": "x"}, U),
    ("wildcard-all", {"path": "identity.providers[*].provider", "in": ["educonnect", "idp-academique"]}, S),
    ("wildcard-all-one-false", {"path": "identity.providers[*].provider", "equals": "educonnect"}, N),
    ("wildcard-all-missing-element", {"path": "identity.providers[*].protocol", "in": ["saml2", "oidc"]}, U),
    ("wildcard-all-false-beats-missing", {"path": "identity.providers[*].protocol", "equals": "saml2"}, N),
    (
        "wildcard-any",
        {"path": "identity.providers[*].provider", "equals": "idp-academique", "quantifier": "any"},
        S,
    ),
    (
        "wildcard-none",
        {"path": "identity.providers[*].provider", "equals": "comptes-locaux", "quantifier": "none"},
        S,
    ),
    (
        "wildcard-none-hit",
        {"path": "identity.providers[*].provider", "equals": "educonnect", "quantifier": "none"},
        N,
    ),
    ("wildcard-empty-all", {"path": "interoperability.apis[*].openapi_url", "exists": True}, S),
    ("wildcard-empty-any", {"path": "interoperability.apis[*].name", "equals": "x", "quantifier": "any"}, N),
    ("wildcard-absent-list", {"path": "interoperability.flows[*].standard", "equals": "xapi"}, U),
    (
        "schema",
        {
            "path": "identity.providers",
            "schema": {"contains": {"properties": {"provider": {"const": "educonnect"}}}},
        },
        S,
    ),
    ("schema-no", {"path": "hosting.countries", "schema": {"items": {"enum": ["FR"]}}}, N),
    (
        "all",
        {
            "all": [
                {"path": "identity.sso_propagation", "equals": True},
                {"path": "service.kind", "equals": "ent-2d"},
            ]
        },
        S,
    ),
    (
        "all-false-beats-unknown",
        {"all": [{"path": "nope", "equals": 1}, {"path": "identity.admin_mfa", "equals": True}]},
        N,
    ),
    (
        "all-unknown",
        {"all": [{"path": "nope", "equals": 1}, {"path": "identity.sso_propagation", "equals": True}]},
        U,
    ),
    (
        "any-true-beats-unknown",
        {"any": [{"path": "nope", "equals": 1}, {"path": "identity.sso_propagation", "equals": True}]},
        S,
    ),
    (
        "any-unknown",
        {"any": [{"path": "nope", "equals": 1}, {"path": "identity.admin_mfa", "equals": True}]},
        U,
    ),
    (
        "any-false",
        {"any": [{"path": "identity.admin_mfa", "equals": True}, {"path": "service.kind", "equals": "x"}]},
        N,
    ),
    ("not", {"not": {"path": "identity.admin_mfa", "equals": True}}, S),
    ("not-unknown", {"not": {"path": "nope", "equals": True}}, U),
    (
        "compare-eq",
        {
            "path": "security.log_retention_months",
            "compare_to": {"path": "security.log_retention_months", "op": "eq"},
        },
        S,
    ),
    (
        "compare-lt",
        {
            "path": "security.log_retention_months",
            "compare_to": {"path": "hosting.availability_target", "op": "lt"},
        },
        S,
    ),
    (
        "compare-tolerance",
        {
            "path": "hosting.availability_target",
            "compare_to": {"path": "security.log_retention_months", "op": "eq", "tolerance": 90},
        },
        S,
    ),
    (
        "compare-text-eq",
        {"path": "service.kind", "compare_to": {"path": "identity.providers[0].provider", "op": "eq"}},
        N,
    ),
    (
        "compare-missing-other",
        {"path": "service.kind", "compare_to": {"path": "security.declared_level", "op": "eq"}},
        U,
    ),
    (
        "compare-order-on-text",
        {"path": "service.kind", "compare_to": {"path": "service.name", "op": "lt"}},
        N,
    ),
]


@pytest.mark.parametrize(("name", "spec", "expected"), CASES, ids=[c[0] for c in CASES])
def test_condition(name: str, spec: dict[str, Any], expected: int) -> None:
    assert compile_condition(spec)(DATA, CTX).state == expected


def test_false_verdict_points_at_the_failing_element() -> None:
    v = compile_condition({"path": "identity.providers[*].provider", "equals": "educonnect"})(DATA, CTX)
    assert v.path == ("identity", "providers", 1, "provider")
    assert v.value == "idp-academique"


def test_unknown_verdict_names_the_facts_to_declare() -> None:
    v = compile_condition(
        {
            "all": [
                {"path": "security.pentest.date", "min": "2020-01-01"},
                {"path": "identity.providers[*].protocol", "in": ["saml2"]},
            ]
        }
    )({"security": {}, "identity": {"providers": [{"protocol": "saml2"}, {}]}}, CTX)
    assert v.state == UNKNOWN
    assert [fact for _, fact in v.missing] == ["security.pentest.date", "identity.providers[1].protocol"]
    assert v.missing[0][0] == ("security", "pentest")


def test_unknown_under_missing_list_names_the_whole_path() -> None:
    v = compile_condition({"path": "identity.providers[*].protocol", "equals": "saml2"})({}, CTX)
    assert [fact for _, fact in v.missing] == ["identity.providers[*].protocol"]


BAD: list[tuple[str, Any, str, tuple[Any, ...]]] = [
    ("not-a-dict", [1], "dictionnaire", ()),
    ("no-path", {"equals": 1}, "sans « path »", ()),
    ("unknown-operator", {"path": "a", "greater": 1}, "opérateur inconnu « greater »", ("greater",)),
    ("two-operators", {"path": "a", "equals": 1, "in": [1]}, "exactement un opérateur", ()),
    ("no-operator", {"path": "a"}, "exactement un opérateur", ()),
    ("bad-regex", {"path": "a", "matches": "(unclosed"}, "expression régulière invalide", ("matches",)),
    ("bad-path", {"path": "a..b", "equals": 1}, "chemin", ("path",)),
    (
        "bad-quantifier",
        {"path": "a[*]", "equals": 1, "quantifier": "most"},
        "quantificateur",
        ("quantifier",),
    ),
    ("empty-in", {"path": "a", "in": []}, "liste non vide", ("in",)),
    ("bad-bound", {"path": "a", "min": "demain"}, "borne", ("min",)),
    ("mixed-bounds", {"path": "a", "min": 1, "max": "today"}, "tous deux", ()),
    (
        "external-ref",
        {"path": "a", "schema": {"$ref": "https://evil.example/s.json"}},
        "référence externe",
        ("schema",),
    ),
    (
        "file-ref",
        {"path": "a", "schema": {"items": {"$ref": "file:///etc/passwd"}}},
        "référence externe",
        ("schema",),
    ),
    ("bad-schema", {"path": "a", "schema": {"type": 12}}, "schéma JSON invalide", ("schema",)),
    (
        "nested-position",
        {"all": [{"path": "a", "equals": 1}, {"not": {"path": "b", "oops": 1}}]},
        "opérateur inconnu",
        ("all", 1, "not", "oops"),
    ),
    ("empty-all", {"all": []}, "liste non vide", ()),
    ("bad-count", {"path": "a", "count": {"min": -1}}, "entiers positifs", ("count",)),
    ("bad-exists", {"path": "a", "exists": "yes"}, "true ou false", ("exists",)),
    (
        "path-beside-not",
        {"path": "a", "in": [1], "not": {"path": "b", "equals": 1}},
        "soit une combinaison",
        (),
    ),
    (
        "any-beside-all",
        {"any": [{"path": "a", "equals": 1}], "all": [{"path": "b", "equals": 1}]},
        "soit une combinaison",
        (),
    ),
    (
        "extra-beside-not",
        {"not": {"path": "a", "equals": 1}, "quantifier": "any"},
        "inattendue",
        ("quantifier",),
    ),
    (
        "quantifier-without-wildcard",
        {"path": "a.b", "quantifier": "none", "equals": 1},
        "avec [*]",
        ("quantifier",),
    ),
    ("equals-list", {"path": "a", "equals": [1, 2]}, "valeur simple", ("equals",)),
    ("equals-null", {"path": "a", "equals": None}, "valeur simple", ("equals",)),
    ("contains-mapping", {"path": "a", "contains": {"role": "x"}}, "valeur simple", ("contains",)),
    ("in-mapping-item", {"path": "a", "in": [{"x": 1}]}, "valeurs simples", ("in",)),
    (
        "older-text",
        {"path": "a", "not_older_than": {"months": "douze"}},
        "entier positif",
        ("not_older_than",),
    ),
    (
        "older-negative",
        {"path": "a", "not_older_than": {"months": -1}},
        "entier positif",
        ("not_older_than",),
    ),
    ("older-float", {"path": "a", "not_older_than": {"months": 1.9}}, "entier positif", ("not_older_than",)),
    ("compact-date-bound", {"path": "a", "min": "20260101"}, "borne", ("min",)),
    ("equals-and-max", {"path": "a", "equals": 1, "max": 2}, "trouvé : equals, max", ()),
    (
        "compare-bad-op",
        {"path": "a", "compare_to": {"path": "b", "op": "approx"}},
        "comparaison inconnue",
        ("compare_to", "op"),
    ),
    (
        "compare-wildcard",
        {"path": "a[*]", "compare_to": {"path": "b", "op": "eq"}},
        "avec [*]",
        ("compare_to",),
    ),
    (
        "compare-bad-path",
        {"path": "a", "compare_to": {"path": "b..c", "op": "eq"}},
        "chemin",
        ("compare_to", "path"),
    ),
    ("schema-id", {"path": "a", "schema": {"$id": "http://h/x.json"}}, "« $id » interdit", ("schema",)),
    (
        "schema-dynamic-ref",
        {"path": "a", "schema": {"$dynamicRef": "#meta"}},
        "« $dynamicRef » interdit",
        ("schema",),
    ),
    (
        "schema-dangling-ref",
        {"path": "a", "schema": {"items": {"$ref": "#/$defs/none"}}},
        "référence introuvable",
        ("schema",),
    ),
    ("regex-nested-repeat", {"path": "a", "matches": "^(a+)+$"}, "quantificateurs imbriqués", ("matches",)),
    (
        "regex-alternation-repeat",
        {"path": "a", "matches": "^(a|aa)+$"},
        "alternative sous un quantificateur",
        ("matches",),
    ),
    ("regex-backreference", {"path": "a", "matches": "(a)\\1"}, "référence arrière", ("matches",)),
    ("regex-too-long", {"path": "a", "matches": "a" * 501}, "trop longue", ("matches",)),
    ("regex-empty", {"path": "a", "matches": ""}, "vide", ("matches",)),
    ("path-too-long", {"path": "a." * 120 + "b", "equals": 1}, "trop long", ("path",)),
    (
        "schema-risky-pattern",
        {"path": "a", "schema": {"type": "string", "pattern": "^(a+)+$"}},
        "refusé dans « schema »",
        ("schema",),
    ),
    (
        "schema-risky-pattern-properties",
        {"path": "a", "schema": {"patternProperties": {"(x|xx)+": {}}}},
        "refusé dans « schema »",
        ("schema",),
    ),
    (
        "schema-self-ref",
        {"path": "a", "schema": {"anyOf": [{"const": 1}, {"$ref": "#"}]}},
        "récursive",
        ("schema",),
    ),
    (
        "schema-ref-cycle",
        {
            "path": "a",
            "schema": {
                "$defs": {"x": {"items": {"$ref": "#/$defs/y"}}, "y": {"anyOf": [{"$ref": "#/$defs/x"}]}},
                "$ref": "#/$defs/x",
            },
        },
        "récursive",
        ("schema",),
    ),
]


@pytest.mark.parametrize("value", ["20260301", "2026-W03-4", "2026-03-01x", "2026-3-1"])
def test_only_extended_calendar_dates_are_dates(value: str) -> None:
    spec = {"path": "d", "min": "2026-01-01"}
    assert compile_condition(spec)({"d": value}, CTX).state == FALSE


@pytest.mark.parametrize("value", ["2026-03-01", "2026-03-01T10:00:00Z", "2026-03-01 10:00"])
def test_dates_with_a_time_part_are_dates(value: str) -> None:
    assert compile_condition({"path": "d", "min": "2026-01-01"})({"d": value}, CTX).state == TRUE


@pytest.mark.parametrize(
    "pattern",
    [
        "^https://",
        "^[A-Z]{2}$",
        "^(saml2|oidc|cas)$",
        "^[0-9]+(\\.[0-9]+)?(\\.[0-9]+)?$",
        "(?i)educonnect",
        "^a(b|c)d$",
        "^x{2,3}$",
    ],
)
def test_ordinary_regexes_are_accepted(pattern: str) -> None:
    compile_condition({"path": "a", "matches": pattern})


def test_local_schema_refs_resolve() -> None:
    spec = {
        "path": "hosting.countries",
        "schema": {"$defs": {"c": {"enum": ["FR", "DE"]}}, "items": {"$ref": "#/$defs/c"}},
    }
    assert compile_condition(spec)(DATA, CTX).state == TRUE


def test_huge_durations_and_early_dates_do_not_crash() -> None:
    spec = {"path": "security.homologation.date", "not_older_than": {"years": 3000}}
    assert compile_condition(spec)(DATA, CTX).state == TRUE
    early = Context(today=date(1, 1, 1))
    assert (
        compile_condition({"path": "security.homologation.date", "not_older_than": {"months": 36}})(
            DATA, early
        ).state
        == TRUE
    )


def test_empty_list_verdict_points_at_the_list() -> None:
    data = {"service": {"audiences": []}}
    for spec in (
        {"path": "service.audiences[*]", "equals": "eleves", "quantifier": "any"},
        {"path": "service.audiences[*]", "count": {"min": 1}},
    ):
        v = compile_condition(spec)(data, CTX)
        assert v.state == FALSE and v.path == ("service", "audiences")


@pytest.mark.parametrize(("name", "spec", "fragment", "where"), BAD, ids=[b[0] for b in BAD])
def test_malformed_conditions_are_rejected_with_their_place(
    name: str, spec: Any, fragment: str, where: tuple[Any, ...]
) -> None:
    with pytest.raises(ConditionError) as info:
        compile_condition(spec)
    assert fragment in str(info.value)
    assert info.value.where == where


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("a", ("a",)),
        ("a.b_c.d-e", ("a", "b_c", "d-e")),
        ("a[0].b", ("a", 0, "b")),
        ('m["AUTH.9"]', ("m", "AUTH.9")),
        ('m["a \\"q\\""]', ("m", 'a "q"')),
    ],
)
def test_parse_path(text: str, segments: tuple[Any, ...]) -> None:
    assert parse_path(text).segments == segments


@pytest.mark.parametrize("text", ["", ".a", "a.", "a..b", "[0]", "[*]", "a[x]", "a b", "a.[0]", 'a["x]'])
def test_parse_path_rejects(text: str) -> None:
    with pytest.raises(PathSyntaxError):
        parse_path(text)


def test_resolve_wildcard_reports_elements_lacking_the_key() -> None:
    res = resolve({"l": [{"k": 1}, {}, {"k": None}]}, parse_path("l[*].k"))
    assert res.found == [(("l", 0, "k"), 1)]
    assert res.missing == [("l", 1, "k"), ("l", 2, "k")]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),
        (date(2026, 1, 15), 13, date(2024, 12, 15)),
        (date(2026, 11, 28), 36, date(2023, 11, 28)),
    ],
)
def test_calendar_subtraction(day: date, months: int, expected: date) -> None:
    assert subtract(day, months=months) == expected
