"""YAML loading: positions by path, anchors and merges, and every bad input of the issue."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from doctrine_lint.document import MAX_DEPTH, format_path, load_document, parse_document
from doctrine_lint.errors import ManifestError


def test_positions_of_keys_and_values_are_one_based(write: Callable[..., Path]) -> None:
    doc = load_document(
        write("""
        service:
          name: ENT
          audiences: [eleves, enseignants]
        identity:
          providers:
            - audience: eleves
              provider: educonnect
        """)
    )
    assert doc.data["service"]["name"] == "ENT"
    span = doc.index[("service", "name")]
    assert (span.key_line, span.key_column, span.line, span.column) == (2, 3, 2, 9)
    assert doc.locate(("service", "audiences", 1)) == (3, 23, True)
    assert doc.locate(("identity", "providers", 0, "provider")) == (7, 17, True)
    assert doc.locate(("identity", "providers", 0)) == (6, 7, True)


def test_missing_path_falls_back_to_closest_declared_ancestor_key(write: Callable[..., Path]) -> None:
    doc = load_document(
        write("""
        a: 1
        security:
          tls: {min_version: "1.2"}
        """)
    )
    assert doc.locate(("security", "homologation", "date")) == (2, 1, False)
    assert doc.locate(("nothing", "here")) == (1, 1, False)


def test_dates_stay_iso_strings(write: Callable[..., Path]) -> None:
    doc = load_document(write("d: 2026-03-10\nt: 2026-03-10T10:00:00Z\n"))
    assert doc.data == {"d": "2026-03-10", "t": "2026-03-10T10:00:00Z"}


def test_anchors_aliases_and_merge_keys(write: Callable[..., Path]) -> None:
    doc = load_document(
        write("""
        base: &b
          protocol: saml2
          via: direct
        providers:
          - <<: *b
            audience: eleves
            via: educonnect
          - *b
        """)
    )
    first = doc.data["providers"][0]
    assert first == {"protocol": "saml2", "via": "educonnect", "audience": "eleves"}
    assert doc.data["providers"][1] == {"protocol": "saml2", "via": "direct"}
    # a merged key points at its anchor's definition; an own key at itself
    assert doc.locate(("providers", 0, "protocol"))[0] == 2
    assert doc.locate(("providers", 0, "via"))[0] == 7


def test_merge_overrides_are_not_duplicates(write: Callable[..., Path]) -> None:
    doc = load_document(write("a: &a {x: 1}\nb:\n  <<: *a\n  x: 2\n"))
    assert doc.data["b"] == {"x": 2}


def test_utf8_bom_is_accepted(write: Callable[..., Path]) -> None:
    doc = load_document(write("\ufeffnom: élève\n".encode()))
    assert doc.data == {"nom": "élève"}


def test_sha256_is_of_the_raw_bytes(write: Callable[..., Path]) -> None:
    import hashlib

    path = write("a: 1\n")
    assert load_document(path).sha256 == hashlib.sha256(b"a: 1\n").hexdigest()


BAD_INPUTS = [
    # located at the bracket left open, with where the parser stopped in the message
    ("syntax", "a: [1, 2\n", 1, 4, "n'est pas fermée — l'analyse s'est arrêtée ligne 2, colonne 1"),
    ("tab-indent", "a:\n\tb: 1\n", 2, 1, "erreur de syntaxe YAML"),
    ("empty", "", 1, 1, "fichier vide"),
    ("only-comment", "# rien\n", 1, 1, "fichier vide"),
    ("list-root", "- a\n- b\n", 1, 1, "racine du document doit être un dictionnaire"),
    ("scalar-root", "bonjour\n", 1, 1, "racine du document doit être un dictionnaire"),
    ("duplicate", "s:\n  name: a\n  name: b\n", 3, 3, "clé « name » en double"),
    ("recursive-alias", "a: &a [*a]\n", 1, 4, "alias récursif"),
    ("complex-key", "? [a, b]\n: 1\n", 1, 3, "clé complexe"),
    ("two-documents", "a: 1\n---\nb: 2\n", 2, 1, "erreur de syntaxe YAML"),
    ("unknown-tag", "a: !!python/object:os.system x\n", 1, 4, "non prise en charge"),
    ("binary", "a: !!binary aGk=\n", 1, 4, "non prise en charge"),
    ("set", "a: !!set {x}\n", 1, 4, "non prise en charge"),
    ("omap", "a: !!omap [{x: 1}]\n", 1, 4, "non prise en charge"),
    ("nan", "a: .nan\n", 1, 4, "nombre non fini"),
    ("inf", "a: -.Inf\n", 1, 4, "nombre non fini"),
    ("overflowing-float", "a: 1.0e+400\n", 1, 4, "nombre non fini"),
    ("bool-key", "s:\n  on: 1\n", 2, 3, "lue comme un booléen"),
    ("int-key", "s:\n  1: 1\n", 2, 3, "lue comme un entier"),
    ("null-key", "s:\n  ~: 1\n", 2, 3, "lue comme une valeur nulle"),
    ("bad-explicit-int", 'a: !!int "abc"\n', 1, 4, "illisible comme un entier"),
    ("huge-int", "a: " + "9" * 5000 + "\n", 1, 4, "illisible comme un entier"),
    ("control-char", "a: x\x07y\n", 1, 5, "caractère interdit en YAML : U+0007"),
]


@pytest.mark.parametrize(
    ("name", "text", "line", "column", "fragment"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_yaml_is_one_located_error(
    write: Callable[..., Path], name: str, text: str, line: int, column: int, fragment: str
) -> None:
    path = write(text.encode())
    with pytest.raises(ManifestError) as info:
        load_document(path)
    problem = info.value.problems[0]
    assert problem.file == str(path)
    assert (problem.line, problem.column) == (line, column)
    assert fragment in problem.message


def test_not_utf8_names_the_byte_position(write: Callable[..., Path]) -> None:
    path = write(b"service:\n  name: caf\xe9\n")
    with pytest.raises(ManifestError) as info:
        load_document(path)
    p = info.value.problems[0]
    assert (p.line, p.column) == (2, 12)
    assert "UTF-8" in p.message


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="introuvable"):
        load_document(tmp_path / "absent.yaml")
    with pytest.raises(ManifestError, match="répertoire"):
        load_document(tmp_path)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs a character device")
def test_device_files_are_refused() -> None:
    with pytest.raises(ManifestError, match="fichier ordinaire"):
        load_document("/dev/zero")


def test_too_large_file_is_refused(write: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import doctrine_lint.document as document

    monkeypatch.setattr(document, "MAX_BYTES", 10)
    with pytest.raises(ManifestError, match="trop volumineux"):
        load_document(write("a: 1234567890\n"))


def test_deep_nesting_is_refused_before_the_c_composer() -> None:
    text = "a: " + "[" * 5000 + "]" * 5000 + "\n"
    with pytest.raises(ManifestError) as info:
        parse_document(text, "deep.yaml")
    assert "profonde" in str(info.value) or "nesting" in str(info.value)


def test_moderate_nesting_beyond_limit_is_refused() -> None:
    depth = MAX_DEPTH + 5
    text = "a:\n" + "".join("  " * i + "- \n" for i in range(1, depth)) + "  " * depth + "- x\n"
    with pytest.raises(ManifestError, match="profonde"):
        parse_document(text, "deep.yaml")


def test_alias_bomb_is_bounded() -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    with pytest.raises(ManifestError, match="trop volumineux"):
        parse_document("\n".join(lines) + "\n", "bomb.yaml")


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (("a", "b", 0, "c"), "a.b[0].c"),
        (("security", "measures", "AUTH.9"), 'security.measures["AUTH.9"]'),
        ((), ""),
        (("a b",), '["a b"]'),
    ],
)
def test_format_path(path: tuple[str | int, ...], text: str) -> None:
    assert format_path(path) == text
