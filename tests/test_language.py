"""The pack language beyond single tests: element scope (`for_each`), `$root`/`$self` paths,
counting elements that match, joins (`among`), implication, named conditions reused by an
extending pack, ordered dates, `not_older_than` relative to another date, and the operator
registry as the one source of the schema and the documentation."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from doctrine_lint.conditions import (
    FALSE,
    TRUE,
    UNKNOWN,
    Compiler,
    ConditionError,
    Context,
    compile_condition,
)
from doctrine_lint.errors import PackError
from doctrine_lint.linter import lint
from doctrine_lint.model import Outcome
from doctrine_lint.operators import REGISTRY, operator_table, schema_of_path_tests
from doctrine_lint.packs import load_pack, load_packs

from .conftest import REPO

TODAY = date(2026, 11, 28)
CTX = Context(TODAY)

DATA: dict[str, Any] = {
    "service": {"audiences": ["eleves", "responsables", "enseignants"]},
    "identity": {
        "providers": [
            {"audience": "eleves", "provider": "educonnect"},
            {"audience": "responsables", "provider": "comptes-locaux"},
            {"audience": "responsables"},
        ]
    },
    "security": {"homologation": {"date": "2026-03-01"}, "risk_analysis": {"date": "2024-12-31"}},
}


def state(spec: dict[str, Any], data: Any = DATA) -> int:
    return compile_condition(spec)(data, Context(TODAY, data)).state


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        # count elements matching a condition, three-valued
        (
            {
                "path": "identity.providers[*]",
                "count": {"min": 1, "where": {"path": "provider", "equals": "educonnect"}},
            },
            TRUE,
        ),
        (
            {
                "path": "identity.providers[*]",
                "count": {"min": 2, "where": {"path": "provider", "equals": "educonnect"}},
            },
            UNKNOWN,
        ),
        (
            {
                "path": "identity.providers[*]",
                "count": {"min": 3, "where": {"path": "provider", "equals": "educonnect"}},
            },
            FALSE,
        ),
        (
            {
                "path": "identity.providers[*]",
                "count": {"max": 0, "where": {"path": "provider", "equals": "comptes-locaux"}},
            },
            FALSE,
        ),
        (
            {
                "path": "identity.providers",
                "count": {"max": 1, "where": {"path": "audience", "equals": "eleves"}},
            },
            TRUE,
        ),
        ({"path": "absent[*]", "count": {"min": 1, "where": {"path": "x", "exists": True}}}, UNKNOWN),
        # joins: each audience has an identity provider
        ({"path": "service.audiences[*]", "among": "identity.providers[*].audience"}, FALSE),
        ({"path": "service.audiences[0]", "among": "identity.providers[*].audience"}, TRUE),
        ({"path": "service.audiences[*]", "among": "absent[*].audience"}, UNKNOWN),
        # implication
        (
            {
                "if": {"path": "security.homologation.date", "exists": True},
                "then": {"path": "security.risk_analysis.date", "exists": True},
            },
            TRUE,
        ),
        (
            {
                "if": {"path": "absent", "equals": 1},
                "then": {"path": "service.audiences", "contains": "eleves"},
            },
            TRUE,
        ),
        (
            {"if": {"path": "absent", "equals": 1}, "then": {"path": "service.audiences", "contains": "x"}},
            UNKNOWN,
        ),
        (
            {
                "if": {"path": "service.audiences", "contains": "x"},
                "then": {"path": "absent", "equals": 1},
                "else": {"path": "service.audiences", "contains": "eleves"},
            },
            TRUE,
        ),
        # dates ordered, tolerance in days
        (
            {
                "path": "security.homologation.date",
                "compare_to": {"path": "security.risk_analysis.date", "op": "ge"},
            },
            TRUE,
        ),
        (
            {
                "path": "security.risk_analysis.date",
                "compare_to": {"path": "security.homologation.date", "op": "ge"},
            },
            FALSE,
        ),
        (
            {
                "path": "security.risk_analysis.date",
                "compare_to": {"path": "security.homologation.date", "op": "ge", "tolerance": 430},
            },
            TRUE,
        ),
        (
            {
                "path": "security.risk_analysis.date",
                "compare_to": {"path": "security.homologation.date", "op": "eq"},
            },
            FALSE,
        ),
        # not_older_than relative to another date (calendar months)
        (
            {
                "path": "security.risk_analysis.date",
                "not_older_than": {"months": 14, "relative_to": "security.homologation.date"},
            },
            FALSE,
        ),
        (
            {
                "path": "security.risk_analysis.date",
                "not_older_than": {"months": 15, "relative_to": "security.homologation.date"},
            },
            TRUE,
        ),
        (
            {
                "path": "security.risk_analysis.date",
                "not_older_than": {"months": 3, "relative_to": "absent.date"},
            },
            UNKNOWN,
        ),
        # $self and $root
        ({"path": "$root.service.audiences", "contains": "eleves"}, TRUE),
    ],
)
def test_conditions(spec: dict[str, Any], expected: int) -> None:
    assert state(spec) == expected


def test_an_undecided_count_names_the_elements_facts() -> None:
    spec = {
        "path": "identity.providers[*]",
        "count": {"min": 2, "where": {"path": "provider", "equals": "educonnect"}},
    }
    v = compile_condition(spec)(DATA, Context(TODAY, DATA))
    assert v.state == UNKNOWN
    assert v.missing == [(("identity", "providers", 2, "provider"), "identity.providers[2].provider")]


def test_a_join_names_the_audience_without_provider() -> None:
    v = compile_condition({"path": "service.audiences[*]", "among": "identity.providers[*].audience"})(
        DATA, CTX
    )
    assert v.state == FALSE and v.path == ("service", "audiences", 2) and v.value == "enseignants"


@pytest.mark.parametrize(
    ("spec", "message", "where"),
    [
        ({"use": "nope"}, "condition nommée inconnue", ("use",)),
        ({"if": {"path": "a", "exists": True}}, "attend « then »", ()),
        (
            {"if": {"path": "a", "exists": True}, "then": {"path": "b", "exists": True}, "x": 1},
            "inattendue",
            ("x",),
        ),
        ({"path": "$nope.a", "exists": True}, "préfixe", ("path",)),
        ({"path": "a", "count": {"where": {"path": "b", "exists": True}}}, "count", ("count",)),
        (
            {"path": "a", "count": {"min": 1, "where": {"path": "b", "bogus": 1}}},
            "opérateur inconnu",
            ("count", "where", "bogus"),
        ),
        ({"path": "a[*]", "among": "b[", "quantifier": "any"}, "", ("among",)),
        ({"path": "a", "not_older_than": {"relative_to": "b"}}, "not_older_than", ("not_older_than",)),
        ({"path": "a", "count": {"min": 1}, "quantifier": "any"}, "quantifier", ("quantifier",)),
    ],
)
def test_malformed_conditions_are_located(spec: dict[str, Any], message: str, where: tuple[Any, ...]) -> None:
    with pytest.raises(ConditionError) as info:
        compile_condition(spec)
    assert message in str(info.value)
    assert info.value.where == where


def test_named_conditions_compile_once_and_refuse_cycles() -> None:
    compiler = Compiler({"a": {"use": "b"}, "b": {"any": [{"use": "a"}]}})
    with pytest.raises(ConditionError, match="circulaires : a -> b -> a"):
        compiler.compile_all()
    ok = Compiler(
        {"eleves": {"path": "service.audiences", "contains": "eleves"}, "both": {"all": [{"use": "eleves"}]}}
    )
    named = ok.compile_all()
    assert named["both"](DATA, CTX).state == TRUE


BASE_PACK = """\
pack: {id: base, version: 1.0.0, title: Base, referentiel: interoperabilite, doctrine_version: t,
       chapters: {"1": Un}}
conditions:
  parents-declares: {path: service.audiences, contains: responsables}
identity_keys:
  identity.providers: [audience, provider]
rules:
  - id: B-PARENTS-SSO
    title: Les responsables ont un fournisseur d'identité
    chapter: "1"
    severity: majeur
    rationale: r
    remediation: r
    references: [{url: "https://example.org"}]
    provenance: {evidence: officiel, legal_basis: bonne-pratique}
    applies_when: {use: parents-declares}
    for_each:
      path: identity.providers
      where: {path: audience, equals: responsables}
    check: {path: protocol, in: [saml2, oidc, cas]}
    examples:
      - {outcome: conforme, manifest: {service: {audiences: [responsables]}, identity: {providers: [{audience: responsables, provider: educonnect, protocol: saml2}]}}}
      - outcome: non-conforme
        manifest: {service: {audiences: [responsables]}, identity: {providers: [{audience: eleves, provider: educonnect, protocol: autre}, {audience: responsables, provider: comptes-locaux, protocol: autre}]}}
        findings: [{path: "identity.providers[1].protocol", outcome: non-conforme}]
      - outcome: non-conforme
        note: a missing protocol inside an element is undecided, at that element
        manifest: {service: {audiences: [responsables]}, identity: {providers: [{audience: responsables, provider: educonnect}, {audience: responsables, provider: comptes-locaux, protocol: autre}]}}
        findings:
          - {path: "identity.providers[0].protocol", outcome: a-renseigner}
          - {path: "identity.providers[1].protocol", outcome: non-conforme}
      - {outcome: non-applicable, manifest: {service: {audiences: [responsables]}, identity: {providers: [{audience: eleves, provider: educonnect}]}}}
      - {outcome: a-renseigner, manifest: {service: {audiences: [responsables]}}}
"""

CHILD_PACK = """\
pack: {id: child, version: 1.0.0, title: Enfant, extends: base.yaml}
conditions:
  parents-et-eleves:
    all: [{use: parents-declares}, {path: service.audiences, contains: eleves}]
rules:
  - id: C-ROOT
    title: Les élèves aussi
    chapter: "1"
    severity: mineur
    rationale: r
    remediation: r
    references: [{url: "https://example.org"}]
    provenance: {evidence: officiel, legal_basis: bonne-pratique}
    applies_when: {use: parents-et-eleves}
    for_each: {path: identity.providers, label: provider}
    check:
      if: {path: "$root.service.kind", equals: ent-2d}
      then: {path: provider, not_in: [comptes-locaux]}
    examples:
      - {outcome: conforme, manifest: {service: {kind: ent-1d, audiences: [responsables, eleves]}, identity: {providers: [{audience: eleves, provider: comptes-locaux}]}}}
      - {outcome: non-conforme, manifest: {service: {kind: ent-2d, audiences: [responsables, eleves]}, identity: {providers: [{audience: eleves, provider: comptes-locaux}]}}}
"""


def test_an_extending_pack_reuses_named_conditions_and_identity_keys(write: Callable[..., Path]) -> None:
    write(BASE_PACK, "base.yaml")
    child = load_pack(write(CHILD_PACK, "child.yaml"))
    assert set(child.conditions) == {"parents-declares", "parents-et-eleves"}
    assert child.identity_keys == {"identity.providers": ("audience", "provider")}
    manifest = write(
        """\
        service: {name: S, editor: E, kind: ent-2d, audiences: [responsables, eleves]}
        identity:
          providers:
            - {audience: eleves, provider: educonnect, protocol: saml2}
            - {audience: responsables, provider: comptes-locaux, protocol: autre}
            - {audience: responsables, provider: educonnect}
        """,
        "m.yaml",
    )
    (result,) = lint([manifest], [child], today=TODAY).results
    got = [(f.rule_id, f.outcome, f.path, f.element, f.location.line) for f in result.findings]
    assert got == [
        (
            "B-PARENTS-SSO",
            Outcome.NON_CONFORME,
            "identity.providers[1].protocol",
            "audience = responsables, provider = comptes-locaux",
            5,
        ),
        (
            "B-PARENTS-SSO",
            Outcome.A_RENSEIGNER,
            "identity.providers[2].protocol",
            "audience = responsables, provider = educonnect",
            6,
        ),
        ("C-ROOT", Outcome.NON_CONFORME, "identity.providers[1].provider", "comptes-locaux", 5),
    ]
    assert result.findings[1].missing == ("identity.providers[2].protocol",)
    assert (
        result.findings[1].keyed_path
        == "identity.providers[audience=responsables,provider=educonnect].protocol"
    )
    # the element is named in the message, and `$root.` read the service kind from inside it
    assert "(comptes locaux)" in result.findings[2].message.fr


def test_an_empty_scope_is_not_applicable_and_says_why(write: Callable[..., Path]) -> None:
    write(BASE_PACK, "base.yaml")
    pack = load_pack(write(BASE_PACK, "base.yaml"))
    manifest = write(
        "service: {name: S, editor: E, kind: ent-2d, audiences: [responsables]}\n"
        "identity: {providers: [{audience: eleves, provider: educonnect, protocol: saml2}]}\n",
        "m.yaml",
    )
    (finding,) = lint([manifest], [pack], today=TODAY).results[0].findings
    assert finding.outcome is Outcome.NON_APPLICABLE
    assert finding.reason is not None and "aucun élément de identity.providers" in finding.reason.fr
    assert finding.location.line == 2


@pytest.mark.parametrize(
    ("snippet", "message", "line"),
    [
        ("conditions:\n  a: {use: b}\n  b: {use: a}\n", "circulaires", 4),
        ("conditions:\n  a: {path: x, bogus: 1}\n", "opérateur inconnu", 4),
        ("identity_keys:\n  identity.providers[*]: [audience]\n", "clé d'identité", 4),
    ],
)
def test_pack_level_errors_are_located(
    write: Callable[..., Path], snippet: str, message: str, line: int
) -> None:
    head = BASE_PACK.split("rules:")[0].split("conditions:")[0]
    with pytest.raises(PackError) as info:
        load_pack(write(head + snippet, "p.yaml"))
    (problem,) = info.value.problems
    assert message in problem.message and problem.line == line


def test_the_schema_and_the_docs_are_generated_from_the_operator_registry() -> None:
    schema = json.loads((REPO / "schemas" / "rulepack.schema.json").read_text(encoding="utf-8"))
    assert schema["$defs"]["test"] == schema_of_path_tests()
    assert set(schema["$defs"]["test"]["properties"]) == {"path", "quantifier", *REGISTRY}
    for lang, name in (("fr", "reference.md"), ("en", "reference.en.md")):
        assert operator_table(lang) in (REPO / "docs" / name).read_text(encoding="utf-8")
    check = subprocess.run(
        [sys.executable, str(REPO / "tools" / "sync_language.py"), "--check"], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout


def test_shipped_packs_use_schema_only_as_a_justified_escape_hatch() -> None:
    for path in sorted((REPO / "rules").glob("*.yaml")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if line.strip().startswith(("schema:", "- schema:")) or " schema:" in line.split("#")[0]:
                before = "\n".join(lines[max(0, i - 6) : i])
                assert "échappatoire" in before.lower(), (
                    f"{path.name}:{i + 1}: schema: without a justification"
                )


def test_every_shipped_rule_that_walks_a_list_has_a_located_example() -> None:
    for pack in load_packs():
        for rule in pack.rules:
            walks = rule.scope is not None or "[*]" in json.dumps(rule.raw_check)
            if walks:
                assert any(ex.findings for ex in rule.examples), (
                    f"{rule.id}: no example says which element fails"
                )


def test_explain_shows_the_scope_the_named_conditions_and_the_located_examples() -> None:
    from click.testing import CliRunner

    from doctrine_lint.cli import cli

    out = CliRunner().invoke(cli, ["explain", "RI-6.1.1-IDP-EDUCONNECT"]).stdout
    scope = out.index("## Pour chaque élément de")
    named = out.index("## Conditions nommées utilisées")
    assert scope < out.index("## Vérification") < named
    assert "### `eleves-second-degre`" in out[named:]
    assert "- non conforme : `service.audiences[2]`" in out


def test_joins_and_counts_stay_linear_on_a_hostile_manifest(write: Callable[..., Path]) -> None:
    """8,000 identity providers and 8,000 data flows walked by rules that join and count
    across lists: each pool is built once per manifest, not once per element."""
    import time

    pack = write(
        BASE_PACK.split("rules:")[0]
        + """\
rules:
  - id: B-JOIN
    title: Jointure
    chapter: "1"
    severity: majeur
    rationale: r
    remediation: r
    references: [{url: "https://example.org"}]
    provenance: {evidence: officiel, legal_basis: bonne-pratique}
    for_each: {path: interoperability.data_flows}
    check:
      all:
        - path: partner
          among: {path: "$root.interoperability.data_flows[*]", field: name, where: {path: data_type, equals: identite}}
        - path: "$root.identity.providers[*]"
          count: {min: 1, where: {path: protocol, equals: saml2}}
    examples:
      - outcome: conforme
        manifest:
          identity: {providers: [{audience: eleves, provider: educonnect, protocol: saml2}]}
          interoperability: {data_flows: [{name: a, data_type: identite, partner: a}]}
      - outcome: non-conforme
        manifest:
          identity: {providers: [{audience: eleves, provider: educonnect, protocol: saml2}]}
          interoperability: {data_flows: [{name: a, data_type: identite, partner: x}]}
        findings: [{path: "interoperability.data_flows[0].partner", outcome: non-conforme}]
""",
        "join.yaml",
    )
    n = 8_000
    providers = "    - {audience: eleves, provider: educonnect, protocol: saml2}\n" * n
    flows = "".join(f"    - {{name: f{i}, data_type: identite, partner: f{n - 1 - i}}}\n" for i in range(n))
    manifest = write(
        "service: {name: S, editor: E, kind: ressource}\n"
        f"identity:\n  providers:\n{providers}interoperability:\n  data_flows:\n{flows}",
        "big.yaml",
    )
    packs = load_packs([pack], shipped=False)
    started = time.perf_counter()
    report = lint([manifest], packs, today=TODAY)
    elapsed = time.perf_counter() - started
    assert not report.errors, report.errors[:1]
    (result,) = report.results
    assert [f.outcome for f in result.findings] == [Outcome.CONFORME]
    assert elapsed < 10, elapsed  # quadratic work (6·10⁷ element evaluations) would take minutes
