"""`doctrine-lint init` (issue 14, item 1): a commented manifest per kind of service, valid as
written, whose facts are exactly those the applicable rules read, in the schema's structure."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from doctrine_lint.cli import cli
from doctrine_lint.document import parse_document
from doctrine_lint.packs import load_packs
from doctrine_lint.template import WIDTH, applicable_rules, facts_for, kinds, render, uncommented
from doctrine_lint.validation import load_schema, validate_document

from .conftest import PINNED_DATE

PACKS = load_packs()
TODAY = date.fromisoformat(PINNED_DATE)
SCHEMA = load_schema("manifest")
KINDS = kinds()


def _resolve(node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _valid_value(node: Any) -> Any:
    """A value the schema accepts at a leaf: what a user would write."""
    node = _resolve(node)
    if "enum" in node:
        return node["enum"][0]
    if "pattern" in node:
        return {"^[A-Z]{2}$": "FR"}[node["pattern"]]  # a new pattern in the schema: add its example
    kind = node.get("type")
    if kind == "array":
        return [_valid_value(node.get("items", {}))]
    if node.get("format") == "date":
        return "2026-01-15"
    if node.get("format") == "email":
        return "contact@example.fr"
    if node.get("format") in ("uri", "url"):
        return "https://example.fr"
    if "oneOf" in node or "anyOf" in node:
        return _valid_value((node.get("oneOf") or node.get("anyOf"))[0])
    return {
        "boolean": True,
        "integer": 1,
        "number": 1,
        "string": "x",
        "object": {},
    }.get(kind if isinstance(kind, str) else "string", "x")


def _child(node: Any, key: str | int) -> Any:
    node = _resolve(node)
    if isinstance(key, int):
        return _resolve(node.get("items", {}))
    return _resolve(node.get("properties", {}).get(key, {}))


def _fill(data: Any, node: Any) -> Any:
    if isinstance(data, dict):
        return {
            k: (_valid_value(_child(node, k)) if v is None else _fill(v, _child(node, k)))
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_fill(v, _child(node, i)) for i, v in enumerate(data)]
    return data


def _required_in_lists(data: Any) -> set[str]:
    """Fields written because the schema requires them in a list element, read by no rule."""
    out: set[str] = set()

    def walk(value: Any, node: Any, prefix: str) -> None:
        node = _resolve(node)
        if isinstance(value, list):
            for item in value:
                walk(item, node.get("items", {}), prefix)
        elif isinstance(value, dict):
            required = set(node.get("required") or ())
            for k, v in value.items():
                path = f"{prefix}.{k}" if prefix else k
                if k in required and prefix and v is None:
                    out.add(path)
                walk(v, _child(node, k), path)

    walk(data, SCHEMA, "")
    return out


def _leaves(data: Any, prefix: str = "") -> set[str]:
    if isinstance(data, dict):
        out: set[str] = set()
        for k, v in data.items():
            path = f"{prefix}.{k}" if prefix else k
            out |= _leaves(v, path) if isinstance(v, dict | list) and v else {path}
        return out
    if isinstance(data, list):
        return set().union(*(_leaves(v, prefix) for v in data)) if data else {prefix}
    return {prefix}


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_the_template_is_a_valid_manifest_as_written(kind: str, lang: str) -> None:
    text = render(PACKS, kind, lang, today=TODAY)
    doc = parse_document(text, "manifeste.yaml")
    assert validate_document(doc, "manifest") == []
    assert doc.data["service"]["kind"] == kind
    assert max(len(line) for line in text.splitlines()) <= WIDTH


@pytest.mark.parametrize("kind", KINDS)
def test_uncommented_and_filled_it_has_the_schema_structure(kind: str) -> None:
    data = yaml.safe_load(uncommented(render(PACKS, kind, today=TODAY)))
    filled = _fill(data, SCHEMA)
    doc = parse_document(yaml.safe_dump(filled, allow_unicode=True), "rempli.yaml")
    problems = validate_document(doc, "manifest")
    assert problems == [], [p.render("fr") for p in problems]


@pytest.mark.parametrize("kind", KINDS)
def test_its_facts_are_exactly_those_the_applicable_rules_read(kind: str) -> None:
    data = yaml.safe_load(uncommented(render(PACKS, kind, today=TODAY)))
    wanted = set(facts_for(PACKS, kind, TODAY)) - {"service.kind", "service.name", "service.editor"}
    shown = _leaves(data) - {"manifest_version", "service.name", "service.editor", "service.kind"}
    shown -= _required_in_lists(data) - wanted

    # a fact is a leaf of the template, or the list it is written as with its fields, or an
    # entry of a map keyed by id (criteria, measures) written as the map
    def related(a: str, b: str) -> bool:
        return a == b or a.startswith(b + ".") or b.startswith(a + ".")

    assert {f for f in wanted if not any(related(f, s) for s in shown)} == set()
    assert {s for s in shown if not any(related(s, f) for f in wanted)} == set()


def test_kinds_differ_by_the_rules_that_apply_to_them() -> None:
    by_kind = {k: {r.id for r in applicable_rules(PACKS, k, TODAY)} for k in KINDS}
    assert "RI-6.1.1-IDP-EDUCONNECT" in by_kind["ent-2d"]
    assert by_kind["ent-2d"] != by_kind["service-tiers"]
    facts = {k: set(facts_for(PACKS, k, TODAY)) for k in KINDS}
    assert "gar.role" in facts["ressource"] and "gar.role" not in facts["service-tiers"]
    text = render(PACKS, "service-tiers", today=TODAY)
    assert "\n# gar:" not in text and "\n# gar:" in render(PACKS, "ressource", today=TODAY)


def test_each_fact_names_its_values_and_the_rules_it_decides() -> None:
    lines = render(PACKS, "ent-2d", today=TODAY).splitlines()
    at = lines.index("#       protocol:")
    about = " ".join(lines[at - 6 : at])
    assert "Protocole — saml2 (SAML 2.0), oidc (OpenID Connect)" in about
    assert "décide : RI-6.1-PROTOCOLE-FEDERATION" in about
    english = render(PACKS, "ent-2d", "en", today=TODAY)
    assert "decides: RI-6.1-PROTOCOLE-FEDERATION (Federate" in " ".join(english.split())
    assert "## doctrine-lint manifest: secondary-school ENT" in english


def _init(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["init", *args, "--date", PINNED_DATE], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_init_writes_the_file_and_never_overwrites_without_force(tmp_path: Path) -> None:
    target = tmp_path / "manifeste.yaml"
    code, _, err = _init(str(target), "--kind", "vie-scolaire")
    assert code == 0 and f"{target} écrit" in err
    written = target.read_text(encoding="utf-8")
    assert "  kind: vie-scolaire" in written
    target.write_text("mine\n", encoding="utf-8")
    code, _, err = _init(str(target), "--kind", "ent-1d")
    assert code == 2
    assert f"{target}: le fichier existe déjà" in err and "--force" in err
    assert target.read_text(encoding="utf-8") == "mine\n"
    code, _, _ = _init(str(target), "--kind", "ent-1d", "--force")
    assert code == 0 and "  kind: ent-1d" in target.read_text(encoding="utf-8")


def test_init_to_standard_output_and_its_lint(tmp_path: Path) -> None:
    code, out, _ = _init("-", "--kind", "ressource", "--lang", "en")
    assert code == 0 and out.startswith("## doctrine-lint manifest: digital teaching resource")
    (tmp_path / "m.yaml").write_text(out, encoding="utf-8")
    lint = CliRunner().invoke(
        cli, [str(tmp_path / "m.yaml"), "--date", PINNED_DATE, "-q"], catch_exceptions=False
    )
    assert lint.exit_code == 1  # facts to declare: a failing run, not an input error
    assert "m.yaml:" in lint.stdout


def test_an_unknown_kind_is_a_usage_error() -> None:
    code, _, err = _init("-", "--kind", "ent-3d")
    assert code == 2 and "ent-3d" in err


@pytest.mark.parametrize("kind", KINDS)
def test_linted_as_written_it_only_asks_for_facts(kind: str, tmp_path: Path) -> None:
    import json

    target = tmp_path / "m.yaml"
    target.write_text(render(PACKS, kind, today=TODAY), encoding="utf-8")
    run = CliRunner().invoke(
        cli, [str(target), "--date", PINNED_DATE, "--format", "json"], catch_exceptions=False
    )
    assert run.exit_code == 1, run.stderr
    findings = json.loads(run.stdout)["manifests"][0]["findings"]
    assert {f["outcome"] for f in findings} == {"a-renseigner", "non-applicable"}
    applicable = {r.id for r in applicable_rules(PACKS, kind, TODAY)}
    # what the kind alone rules out is exactly what the template leaves out
    assert {f["rule_id"] for f in findings if f["outcome"] == "non-applicable"} == {
        f["rule_id"] for f in findings if f["rule_id"] not in applicable
    }


def test_init_into_a_markdown_file_writes_a_document_that_lints(tmp_path: Path) -> None:
    target = tmp_path / "cctp.md"
    code, _, err = _init(str(target), "--kind", "ressource")
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Cahier des charges — ressource numérique pédagogique\n")
    assert "```yaml doctrine-lint\n## Manifeste doctrine-lint" in text
    lint = CliRunner().invoke(cli, [str(target), "--date", PINNED_DATE, "-q"], catch_exceptions=False)
    assert lint.exit_code == 1, lint.stderr  # facts to declare, not an input error


def test_init_never_writes_through_a_dangling_link(tmp_path: Path) -> None:
    link = tmp_path / "manifeste.yaml"
    link.symlink_to(tmp_path / "ailleurs.yaml")
    code, _, err = _init(str(link), "--kind", "ressource")
    assert code == 2 and "le fichier existe déjà" in err
    assert not (tmp_path / "ailleurs.yaml").exists()
