"""A manifest written in a Markdown document (issue 14, item 2): the marked YAML blocks are the
manifest, and every position — findings, schema and syntax errors, conflicts — is the exact
line and column in the `.md` file, whatever surrounds the blocks (prose, list items, quotes, CRLF)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from doctrine_lint.cli import cli
from doctrine_lint.markdowndoc import blocks

from .conftest import PINNED_DATE

HEAD = """manifest_version: 1
service:
  name: ENT des collèges
  editor: À désigner
  kind: ent-2d
"""
PROVIDERS = """identity:
  providers:
    - audience: eleves
      provider: educonnect
      via: direct
      protocol: autre
"""


def _fence(body: str, prefix: str = "", info: str = "yaml doctrine-lint") -> str:
    lines = [f"```{info}", *body.splitlines(), "```"]
    return "\n".join(prefix + line if line else prefix.rstrip() for line in lines) + "\n"


def _where(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of the first `needle` in `text` (its first character)."""
    before = text[: text.index(needle)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def _run(path: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(path), "--date", PINNED_DATE, *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _finding(report: str, rule: str) -> dict[str, object]:
    findings = json.loads(report)["manifests"][0]["findings"]
    return next(f for f in findings if f["rule_id"] == rule and f["outcome"] == "non-conforme")


LAYOUTS = {
    "after-prose": "# CCTP\n\nLe titulaire fournit un ENT.\n\n{head}\nDu texte entre les blocs.\n\n{providers}",
    "in-a-list-item": "# CCTP\n\n{head}\n- Exigence d'identité :\n\n{providers_item}\n- Fin.\n",
    "in-a-quote": "# CCTP\n\n{head}\n> Exigence :\n>\n{providers_quote}",
    "tilde-and-other-yaml": "```yaml\nnot: [the manifest\n```\n\n{head}\n{providers}",
}


@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_finding_points_at_its_line_and_column_in_the_markdown(
    layout: str, crlf: bool, tmp_path: Path
) -> None:
    text = LAYOUTS[layout].format(
        head=_fence(HEAD),
        providers=_fence(PROVIDERS),
        providers_item=_fence(PROVIDERS, "  "),
        providers_quote=_fence(PROVIDERS, "> "),
    )
    target = tmp_path / "cctp.md"
    target.write_bytes((text.replace("\n", "\r\n") if crlf else text).encode("utf-8"))
    code, out, err = _run(target, "--format", "json")
    assert code == 1, err
    found = _finding(out, "RI-6.1-PROTOCOLE-FEDERATION")
    line, column = _where(text, "autre")
    assert (found["location"]["line"], found["location"]["column"]) == (line, column)  # type: ignore[index]
    assert json.loads(out)["manifests"][0]["file"] == str(target)
    # the text report and SARIF point there too
    _, text_out, _ = _run(target, "-q")
    assert f"{target}:{line}:{column}:" in text_out
    _, sarif, _ = _run(target, "--format", "sarif")
    results = json.loads(sarif)["runs"][0]["results"]
    place = next(r for r in results if r["ruleId"] == "RI-6.1-PROTOCOLE-FEDERATION")["locations"][0]
    assert place["physicalLocation"]["artifactLocation"]["uri"].endswith("cctp.md")
    assert (
        place["physicalLocation"]["region"]["startLine"],
        place["physicalLocation"]["region"]["startColumn"],
    ) == (
        line,
        column,
    )


def _protocol_finding_at_its_value(tmp_path: Path, text: str) -> None:
    """Lint `text` as `cctp.md`: the federation protocol finding points at « autre » in it."""
    target = tmp_path / "cctp.md"
    target.write_text(text, encoding="utf-8")
    code, out, err = _run(target, "--format", "json")
    assert code == 1, err
    found = _finding(out, "RI-6.1-PROTOCOLE-FEDERATION")
    assert (found["location"]["line"], found["location"]["column"]) == _where(text, "autre")  # type: ignore[index]


def _errors(tmp_path: Path, text: str) -> list[str]:
    target = tmp_path / "cctp.md"
    target.write_text(text, encoding="utf-8")
    code, _, err = _run(target)
    assert code == 2
    return [line.removeprefix("doctrine-lint: erreur: ") for line in err.splitlines()]


def test_a_syntax_error_in_a_block_is_located_in_the_markdown(tmp_path: Path) -> None:
    broken = HEAD + "hosting:\n  location: {unclosed\n  x: ]\n"
    text = "# T\n\nProse.\n\n" + _fence(broken, "  ")
    errors = _errors(tmp_path, text)
    assert len(errors) == 1 and "syntaxe YAML" in errors[0]
    line, column = _where(text, "{unclosed")  # where libyaml sees the flow mapping left open
    assert errors[0].startswith(f"{tmp_path / 'cctp.md'}:{line}:{column}: erreur de syntaxe YAML")


def test_a_schema_error_is_located_at_the_value_in_the_markdown(tmp_path: Path) -> None:
    text = "Intro.\n\n" + _fence(HEAD.replace("ent-2d", "ent-3d"), "> ")
    errors = _errors(tmp_path, text)
    line, column = _where(text, "ent-3d")
    assert any(e.startswith(f"{tmp_path / 'cctp.md'}:{line}:{column}: service.kind") for e in errors), errors


def test_a_fact_declared_in_two_blocks_is_an_error_at_both_places(tmp_path: Path) -> None:
    text = _fence(HEAD) + "\nEnsuite :\n\n" + _fence("service:\n  kind: ressource\n  audiences: [eleves]\n")
    errors = _errors(tmp_path, text)
    first = _where(text, "kind: ent-2d")
    second_line = text.count("\n", 0, text.index("kind: ressource")) + 1
    assert errors == [
        f"{tmp_path / 'cctp.md'}:{second_line}:3: service.kind : déjà déclaré dans le bloc 1 "
        f"(ligne:colonne {first[0]}:{first[1]}) ; un fait ne se déclare qu'une fois"
    ]


def test_blocks_merge_mapping_by_mapping(tmp_path: Path) -> None:
    text = _fence(HEAD) + "\n" + _fence("service:\n  audiences: [eleves]\n") + "\n" + _fence(PROVIDERS)
    target = tmp_path / "cctp.md"
    target.write_text(text, encoding="utf-8")
    code, out, err = _run(target, "--format", "json")
    assert code == 1, err
    assert _finding(out, "RI-6.1-PROTOCOLE-FEDERATION")


def test_a_document_without_a_marked_block_says_how_to_mark_one(tmp_path: Path) -> None:
    errors = _errors(tmp_path, "# CCTP\n\n```yaml\nservice: {}\n```\n")
    assert errors == [
        f"{tmp_path / 'cctp.md'}:1:1: aucun bloc de manifeste dans ce document Markdown : écrivez-le "
        "dans un bloc « ```yaml doctrine-lint »"
    ]


@pytest.mark.parametrize(
    ("info", "marked"),
    [
        ("yaml doctrine-lint", True),
        ("yml doctrine-lint", True),
        ("yaml {doctrine-lint}", True),
        ("yaml {.doctrine-lint}", True),
        ("doctrine-lint", True),
        ("yaml", False),
        ("python doctrine-lint", False),
        ("yaml doctrine-linter", False),
    ],
)
def test_which_blocks_are_the_manifest(info: str, marked: bool) -> None:
    assert bool(blocks(_fence("a: 1\n", info=info))) is marked


def test_the_number_of_blocks_is_bounded(tmp_path: Path) -> None:
    from doctrine_lint.markdowndoc import MAX_BLOCKS

    text = "".join(_fence(f"k{i}: 1\n") for i in range(MAX_BLOCKS + 5))
    errors = _errors(tmp_path, text)
    line = 3 * MAX_BLOCKS + 1  # the opening fence of the first block too many
    assert errors == [
        f"{tmp_path / 'cctp.md'}:{line}:1: trop de blocs de manifeste (plus de {MAX_BLOCKS}) : regroupez les faits"
    ]


def test_standard_input_named_as_markdown_is_read_as_markdown(tmp_path: Path) -> None:
    text = "Intro.\n\n" + _fence(HEAD) + _fence(PROVIDERS, "  ")
    result = CliRunner().invoke(
        cli,
        ["-", "--stdin-filename", "cctp.md", "--date", PINNED_DATE, "--format", "json"],
        input=text.encode("utf-8"),
        catch_exceptions=False,
    )
    assert result.exit_code == 1, result.stderr
    found = _finding(result.stdout, "RI-6.1-PROTOCOLE-FEDERATION")
    assert (found["location"]["line"], found["location"]["column"]) == _where(text, "autre")  # type: ignore[index]


FRONT = """---
title: CCTP ENT des collèges
auteur: Département d'Exemple
doctrine-lint:
  manifest_version: 1
  service:
    name: ENT des collèges
    editor: À désigner
    kind: ent-2d
---
"""


def test_a_front_matter_with_a_doctrine_lint_key_is_a_block(tmp_path: Path) -> None:
    text = FRONT + "\n# CCTP\n\nProse.\n\n" + _fence(PROVIDERS, "  ")
    _protocol_finding_at_its_value(tmp_path, text)
    bad = text.replace("kind: ent-2d", "kind: ent-3d")
    errors = _errors(tmp_path, bad)
    line, column = _where(bad, "ent-3d")
    assert any(e.startswith(f"{tmp_path / 'cctp.md'}:{line}:{column}: service.kind") for e in errors), errors


@pytest.mark.parametrize(
    "front",
    [
        "---\ntitle: CCTP\nauteur: Département\n---\n",  # the document's own metadata
        '---\ntitle: "foo\ndoctrine-lint: bar"\n---\n',  # a key-like line inside a quoted value
        "---\n\n",  # a leading rule: Markdown, the blocks after it are read
    ],
    ids=["metadata", "key-inside-a-value", "leading-rule"],
)
def test_what_is_not_a_manifest_front_matter_leaves_the_blocks_alone(front: str, tmp_path: Path) -> None:
    text = front + "\n" + _fence(HEAD) + "\n" + _fence(PROVIDERS) + "\n---\n\nFin.\n"
    _protocol_finding_at_its_value(tmp_path, text)


@pytest.mark.parametrize(
    ("nesting", "prefix"),
    [("quotes", "> " * 25), ("lists", "".join("  " * i + "- x\n" for i in range(30)) + "  " * 30)],
)
def test_a_marked_block_markdown_cannot_read_is_an_error_not_a_silence(
    nesting: str, prefix: str, tmp_path: Path
) -> None:
    if nesting == "quotes":
        text = _fence(HEAD) + "\n" + _fence("identity:\n  sso_propagation: true\n", prefix)
    else:
        text = (
            _fence(HEAD)
            + "\n"
            + prefix
            + "```yaml doctrine-lint\n"
            + "  " * 30
            + "identity: {}\n"
            + "  " * 30
            + "```\n"
        )
    errors = _errors(tmp_path, text)
    line = text.count("\n", 0, text.rindex("```yaml doctrine-lint")) + 1
    assert errors[0].startswith(f"{tmp_path / 'cctp.md'}:{line}:1: bloc de manifeste non lu :"), errors


def test_positions_count_only_the_line_ends_markdown_counts(tmp_path: Path) -> None:
    # a form feed, a line separator and a NEL in the prose are not line ends for Markdown
    text = "Intro\f suite\u2028 et\x85 fin.\n\n" + _fence(HEAD) + _fence(PROVIDERS, ">\t")
    target = tmp_path / "cctp.md"
    target.write_text(text, encoding="utf-8")
    code, out, err = _run(target, "--format", "json")
    assert code == 1, err
    found = _finding(out, "RI-6.1-PROTOCOLE-FEDERATION")
    line = text[: text.index("autre")].count("\n") + 1
    column = len(text[: text.index("autre")].rsplit("\n", 1)[1]) + 1
    assert (found["location"]["line"], found["location"]["column"]) == (line, column)  # type: ignore[index]


def test_lines_named_in_messages_are_lines_of_the_file(tmp_path: Path) -> None:
    text = "Intro.\n\n" + _fence(HEAD + "manifest_version: 1\n")
    errors = _errors(tmp_path, text)
    first = text[: text.index("manifest_version")].count("\n") + 1
    assert any(f"ligne {first}" in e for e in errors), errors


def test_an_empty_block_and_the_node_budget_across_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    errors = _errors(tmp_path, _fence(HEAD) + "\n```yaml doctrine-lint\n```\n")
    assert errors == [f"{tmp_path / 'cctp.md'}:9:1: bloc de manifeste vide"]  # its opening line
    from doctrine_lint import markdowndoc

    monkeypatch.setattr(markdowndoc, "MAX_NODES", 10)
    text = _fence(HEAD) + "\n" + _fence(PROVIDERS) + "\n" + _fence("hosting:\n  countries: [FR]\n")
    errors = _errors(tmp_path, text)
    assert errors == [
        f"{tmp_path / 'cctp.md'}:{text.count(chr(10), 0, text.index('identity:')) + 1}:1: manifeste trop volumineux "
        "(plus de 10 nœuds dans l'ensemble des blocs)"
    ]


def test_a_front_matter_key_that_is_not_a_mapping_and_a_conflict_with_a_block(tmp_path: Path) -> None:
    errors = _errors(tmp_path, "---\ndoctrine-lint: oui\n---\n\n" + _fence(HEAD))
    assert errors == [
        f"{tmp_path / 'cctp.md'}:2:16: doctrine-lint : un dictionnaire (clé: valeur) du manifeste est attendu"
    ]
    text = FRONT + "\n" + _fence("service:\n  kind: ressource\n")
    errors = _errors(tmp_path, text)
    second = text.count("\n", 0, text.index("kind: ressource")) + 1
    first = _where(text, "kind: ent-2d")
    assert errors == [
        f"{tmp_path / 'cctp.md'}:{second}:3: service.kind : déjà déclaré dans le bloc 1 "
        f"(ligne:colonne {first[0]}:{first[1]}) ; un fait ne se déclare qu'une fois"
    ]


def test_a_pattern_matches_markdown_documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cctp.md").write_text(_fence(HEAD) + _fence(PROVIDERS), encoding="utf-8")
    (tmp_path / "README.txt").write_text("pas un manifeste\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["*.md", "--date", PINNED_DATE, "-q"], catch_exceptions=False)
    assert result.exit_code == 1 and "cctp.md:" in result.stdout


def test_import_refuses_to_write_into_a_markdown_document(tmp_path: Path) -> None:
    doc = tmp_path / "cctp.md"
    doc.write_text(_fence(HEAD), encoding="utf-8")
    evidence = tmp_path / "ara.json"
    evidence.write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["import", "ara-json", str(evidence), "-m", str(doc)], catch_exceptions=False
    )
    assert result.exit_code == 2
    assert f"{doc}: import écrit dans un manifeste YAML, pas dans un document Markdown" in result.stderr
    assert doc.read_text(encoding="utf-8") == _fence(HEAD)


@pytest.mark.parametrize(
    "text",
    [
        "~" * 200_000 + "\n",  # a fence-like run: linear to scan
        "```yaml doctrine-lint\n```\n" * 20_000,  # many blocks: refused quickly, not after a quadratic scan
        ("> " * 40 + "```yaml doctrine-lint\n") * 5_000,  # many unread openings
    ],
    ids=["long-run", "many-blocks", "many-unread"],
)
def test_hostile_documents_are_answered_quickly(text: str, tmp_path: Path) -> None:
    import time

    target = tmp_path / "cctp.md"
    target.write_text(text, encoding="utf-8")
    start = time.perf_counter()
    code, _, err = _run(target)
    assert code == 2 and err.startswith(f"doctrine-lint: erreur: {target}:")
    assert time.perf_counter() - start < 20  # seconds, on a loaded machine; quadratic was minutes


def test_a_manifest_front_matter_that_is_not_valid_yaml_is_an_error(tmp_path: Path) -> None:
    text = "---\ndoctrine-lint:\n  identity: {sso_propagation: true, admin_mfa: [true\n---\n\n" + _fence(HEAD)
    errors = _errors(tmp_path, text)
    assert errors and errors[0].startswith(f"{tmp_path / 'cctp.md'}:") and "syntaxe YAML" in errors[0]


def test_quoted_text_in_a_message_is_never_renumbered(tmp_path: Path) -> None:
    text = "Intro.\n\n" + _fence(HEAD + '"ligne 2": 1\n"ligne 2": 2\n')
    errors = _errors(tmp_path, text)
    first = text[: text.index('"ligne 2": 1')].count("\n") + 1
    assert any("« ligne 2 »" in e and f"ligne {first}" in e for e in errors), errors
