"""Hostile text at the output edges (issue 11, items 1, 6 and 7): escape sequences and
bidirectional overrides from a manifest or a pack never reach a terminal, a log, a report or a
viewer raw; an error is one line whatever its key or value holds; YAML syntax errors, files in
another encoding and numbers where a text is expected are explained in French, with the fix."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from doctrine_lint.cli import cli
from doctrine_lint.console import present
from doctrine_lint.document import load_document
from doctrine_lint.errors import ManifestError
from doctrine_lint.formats import FORMATS, RenderOptions
from doctrine_lint.linter import LintOptions, lint
from doctrine_lint.packs import load_packs
from doctrine_lint.safetext import json_safe, prose, visible, visible_lines

from .conftest import EXAMPLES, PINNED_DATE

# C0 but the newline (and the tab, which only layouts use), DEL, C1, line separators, bidi controls
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# the only escape sequences a terminal view may hold: rich's own colours and styles (SGR)
RICH_SGR = re.compile(r"\x1b\[[0-9;]*m")

# Screen clear, window title, OSC 8 hyperlink, OSC 52 clipboard write, 8-bit CSI, DEL, bidi
# overrides and isolates, a carriage return and a newline followed by a forged log line, a
# Unicode line separator, and rich markup (a hyperlink) for the terminal view. YAML escapes:
# the raw characters are not allowed in a YAML file, but "\e", "\x9b"… are, in double quotes.
PAYLOAD = (
    r"\e[2J\e]0;TITRE\a\e]8;;https://evil.example/\e\\lien\e]8;;\e\\\e]52;c;cm0gLXJmIH4=\a"
    r"\u202eevil\u2066\x9b31m\x7f\u200f\u061c\r\nforged.yaml:1:1: faux\L[link=https://evil.example]x[/link]"
)
# the same, as Python reads it (to check the JSON report keeps the data exactly)
PAYLOAD_VALUE = (
    "\x1b[2J\x1b]0;TITRE\x07\x1b]8;;https://evil.example/\x1b\\lien\x1b]8;;\x1b\\\x1b]52;c;cm0gLXJmIH4=\x07"
    "\u202eevil\u2066\x9b31m\x7f\u200f\u061c\r\nforged.yaml:1:1: faux\u2028[link=https://evil.example]x[/link]"
)
HOSTILE_NAME = "m\x1b[2J\u202e\x9b.yaml"  # a file name holding an escape sequence and an override


def _hostile_manifest(tmp_path: Path, *, invalid: bool = False) -> Path:
    text = (EXAMPLES / "service-tiers-non-conforme.yaml").read_text(encoding="utf-8")
    for old, new in (
        ("name: QuizExpress Classe", f'name: "Quiz{PAYLOAD}"'),  # service name
        ("editor: Exemple EdTech Inc.", f'editor: "Ed{PAYLOAD}"'),
        ("- name: Régie publicitaire Exemple Ads", f'- name: "Régie{PAYLOAD}"'),  # element identity
        ("- name: Exemple Ads Network", f'- name: "Ads{PAYLOAD}"'),
        ("  - name: Export des scores", f'  - name: "Export{PAYLOAD}"'),  # quoted in a message
        ("service:\n", f'service:\n  "x-clé{PAYLOAD}": 1\n'),  # an extension key, allowed
    ):
        assert old in text
        text = text.replace(old, new, 1)
    text += (
        "derogations:\n"
        "  - rule: SEC-MSS-FILTRE-WAF\n"
        f'    path: "security{PAYLOAD}"\n'
        f'    justification: "Justification {PAYLOAD} assez longue"\n'
        f'    approver: "RSSI{PAYLOAD}"\n'
        "    expires: 2026-12-15\n"
        "  - rule: SEC-NIVEAU-DECLARE-COHERENT\n"  # expired: a finding of its own, quoting it
        f'    justification: "Expirée {PAYLOAD} depuis longtemps"\n'
        "    expires: 2026-01-01\n"
    )
    if invalid:  # a value out of its enumeration and an unknown key: errors quoting both
        text = text.replace("kind: service-tiers", f'kind: "tiers{PAYLOAD}"')
        text = text.replace("service:\n", f'service:\n  "clé{PAYLOAD}": 1\n', 1)
    path = tmp_path / HOSTILE_NAME
    path.write_text(text, encoding="utf-8")
    return path


def _shown_texts(value: object, key: str = "") -> Iterator[str]:
    """The texts of a SARIF or GitLab report that viewers display (messages, descriptions…)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _shown_texts(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _shown_texts(v, key)
    elif isinstance(value, str) and key in ("text", "markdown", "description", "body", "justification"):
        yield value


def _raw(text: str) -> list[str]:
    return [f"U+{ord(c):04X}" for c in RAW.findall(text)]


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("show_all", [False, True], ids=["default", "show-all"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_no_raw_control_character_in_any_format(tmp_path: Path, fmt: str, show_all: bool) -> None:
    manifest = _hostile_manifest(tmp_path)
    args = [str(manifest), "--date", PINNED_DATE, "--format", fmt] + (["--show-all"] if show_all else [])
    code, out, err = _run(*args)
    assert code == 1, err
    assert _raw(out) == [] and _raw(err) == []
    # no value can start a line of its own: a CI log parser sees no forged `file:line:col` line
    assert not [line for line in out.splitlines() if line.lstrip(' "<').startswith("forged.yaml")]
    if fmt == "json":  # the machine format keeps the exact data, escaped losslessly
        report = json.loads(out)
        assert report["manifests"][0]["file"] == str(manifest)
        waivers = report["manifests"][0]["derogations"]
        assert any(PAYLOAD_VALUE in w["justification"] for w in waivers), waivers
    elif fmt == "jsonl":  # one object per line, whatever the data: no value can break a line
        lines = [json.loads(line) for line in out.splitlines()]
        assert [line["type"] for line in lines] == ["run", "manifest", "end"]
        assert lines[1]["file"] == str(manifest)
        assert any(PAYLOAD_VALUE in w["justification"] for w in lines[1]["derogations"])
    elif fmt in ("sarif", "gitlab"):  # what viewers show people, once the JSON is decoded
        texts = list(_shown_texts(json.loads(out)))
        assert texts and [t for t in texts if _raw(t)] == []
        assert any("\\x1b]52;c;" in t for t in texts)
    if fmt in ("text", "markdown", "html", "junit", "concise", "github"):  # shown, visibly escaped, to people
        unescaped = re.sub(r"\\(.)", r"\1", out) if fmt == "markdown" else out  # Markdown's own escapes
        assert "\\x1b]52;c;" in unescaped and "\\u202e" in unescaped
        assert "m\\x1b[2J\\u202e\\x9b.yaml" in unescaped  # the file name too


# a GitHub Actions workflow command: our own name, properties with no raw separator inside a
# value, then the message; a command is only read at the start of a line
GITHUB_COMMAND = re.compile(r"^::(error|warning|notice)( [a-z]+=[^,:]*(,[a-z]+=[^,:]*)*)?::[^\r\n]*$")


@pytest.mark.parametrize("invalid", [False, True], ids=["findings", "input-errors"])
def test_no_forged_github_command(tmp_path: Path, invalid: bool) -> None:
    manifest = _hostile_manifest(tmp_path, invalid=invalid)
    code, out, err = _run(str(manifest), "--date", PINNED_DATE, "--format", "github")
    assert code == (2 if invalid else 1), err
    lines = out.splitlines()
    assert lines and [line for line in lines if not GITHUB_COMMAND.match(line)] == []
    assert _raw(out) == [] and _raw(err) == []
    # the hostile file name is one property value, its escapes visible
    assert all("/m\\x1b[2J\\u202e\\x9b.yaml," in line for line in lines if "file=" in line)


@pytest.mark.parametrize("args", [["--statistics"], ["--format", "concise", "-q"], ["-q"]], ids=str)
def test_one_line_modes_are_inert_too(tmp_path: Path, args: list[str]) -> None:
    code, out, err = _run(str(_hostile_manifest(tmp_path)), "--date", PINNED_DATE, "--show-all", *args)
    assert code == 1 and out, err
    assert _raw(out) == [] and _raw(err) == []
    assert not [line for line in out.splitlines() if line.lstrip(' "<').startswith("forged.yaml")]


@pytest.mark.parametrize("no_color", [True, False], ids=["no-color", "color"])
def test_terminal_view_runs_nothing_from_the_manifest(tmp_path: Path, no_color: bool) -> None:
    report = lint([_hostile_manifest(tmp_path)], load_packs([]), LintOptions(today=date(2026, 11, 28)))
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, no_color=no_color, width=120, highlight=False)
    present(report, console, RenderOptions(show_all=True))
    shown = buffer.getvalue()
    assert "\x1b]" not in shown  # no OSC at all: neither title, nor hyperlink, nor clipboard
    assert _raw(RICH_SGR.sub("", shown)) == []  # only rich's own styles remain
    assert "\\x1b]52;c;" in shown and "\\u202e" in shown
    assert "[link=https://evil.example]x[/link]" in shown  # rich markup from a value stays text


def test_error_lines_are_one_line_each_and_inert(tmp_path: Path) -> None:
    manifest = _hostile_manifest(tmp_path, invalid=True)
    code, out, err = _run(str(manifest), "--date", PINNED_DATE)
    assert code == 2 and out == ""
    assert _raw(err) == []
    lines = err.splitlines()
    assert len(lines) == 2  # the unknown key and the bad value: two errors, two lines
    shown_name = visible(str(manifest))
    assert all(line.startswith(f"doctrine-lint: erreur: {shown_name}:") for line in lines), lines
    assert "clé inconnue" in lines[0] and "\\r\\nforged.yaml:1:1: faux\\u2028" in lines[0]
    assert "service.kind : valeur « tiers\\x1b[2J" in lines[1]


def test_a_pack_s_texts_are_neutralised_too(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(
        "pack: {id: hostile, version: 1.0.0, title: T, referentiel: securite, doctrine_version: t,"
        f' chapters: {{"1": "Chapitre{PAYLOAD}"}}}}\n'
        "rules:\n"
        "  - id: H-1-EDITEUR\n"
        f'    title: "Titre{PAYLOAD}"\n'
        '    chapter: "1"\n'
        "    severity: mineur\n"
        f'    rationale: "Pourquoi{PAYLOAD}"\n'
        f'    remediation: "Corriger{PAYLOAD}"\n'
        f'    message: "Message{PAYLOAD} ({{value}})"\n'
        '    references: [{url: "https://example.org/editeur"}]\n'
        "    provenance: {evidence: officiel, legal_basis: bonne-pratique}\n"
        "    check: {path: service.editor, equals: X}\n"
        "    examples:\n"
        "      - {outcome: conforme, manifest: {service: {editor: X}}}\n"
        "      - {outcome: non-conforme, manifest: {service: {editor: E}}}\n",
        encoding="utf-8",
    )
    manifest = tmp_path / "m.yaml"
    manifest.write_text(
        f'service: {{name: N, editor: "E{PAYLOAD}", kind: service-tiers}}\n', encoding="utf-8"
    )
    base = ["--only-packs", "--pack", str(pack)]
    for fmt in FORMATS:
        code, out, err = _run(str(manifest), *base, "--date", PINNED_DATE, "--format", fmt, "--show-all")
        assert code == 1, err
        assert _raw(out) == [] and _raw(err) == [], fmt
    for listing in ("text", "json", "markdown"):
        code, out, err = _run("rules", *base, "--format", listing)
        assert code == 0 and _raw(out) == [] and _raw(err) == [], listing
    code, out, _ = _run("explain", "H-1-EDITEUR", *base)
    assert code == 0 and _raw(out) == [] and "\\u202e" in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\x1b[2Jb", "a\\x1b[2Jb"),  # CSI
        ("\x1b]8;;https://x/\x1b\\l", "\\x1b]8;;https://x/\\x1b\\l"),  # OSC 8, backslash kept as is
        ("\x9b31m\x85\x7f", "\\x9b31m\\x85\\x7f"),  # C1 CSI, NEL, DEL
        ("a\nb\rc\td\x00", "a\\nb\\rc\\td\\x00"),  # one line, always
        (
            "\u202eabc\u202c\u2066\u2069\u200e\u200f\u061c",
            "\\u202eabc\\u202c\\u2066\\u2069\\u200e\\u200f\\u061c",
        ),
        ("x\u2028y\u2029", "x\\u2028y\\u2029"),
        ("École « ok » 😀 \u00a0", "École « ok » 😀 \u00a0"),  # ordinary text is untouched
    ],
)
def test_visible_escapes_every_control_and_bidi_character(text: str, expected: str) -> None:
    assert visible(text) == expected
    assert visible(expected) == expected  # already safe text is left as is


def test_prose_layout_and_json_variants() -> None:
    assert prose("un\n  deux\r\n\ntrois\u2028quatre \x1b") == "un deux trois quatre \\x1b"
    assert visible_lines("l1\n\tl2\x07\u202e\n") == "l1\n\tl2\\x07\\u202e\n"
    serialised = json.dumps({"k": "a\u202e\x9b\x7f\u2028"}, ensure_ascii=False)
    safe = json_safe(serialised)
    assert _raw(safe) == [] and json.loads(safe) == {"k": "a\u202e\x9b\x7f\u2028"}


# --- item 7: messages people can act on ----------------------------------------------------------

YAML_ERRORS = [
    # an unclosed construct: located where it was opened, with where the parser stopped
    ("flow-list", "a: 1\nb: [x, y\nc: 2\n", 2, 4, ("la liste entre crochets", "ligne 3, colonne 2")),
    ("flow-map", "a: {x: 1, y: 2\n", 1, 4, ("accolades", "n'est pas fermé", "ligne 2, colonne 1")),
    ("quote", 'a: "texte\nb: 2\n', 1, 4, ("le texte entre guillemets ouvert ici", "fin du fichier")),
    # the others: where the parser stopped, with the construct it was in
    (
        "bracket-in-braces",
        "a: {path: x[*].y, equals: 1}\n",
        1,
        12,
        ("« , » ou « } » attendu", "entre guillemets", "commencé ligne 1, colonne 4"),
    ),
    ("colon", "a: x: y\n", 1, 5, ("« : » inattendu", "entre guillemets")),
    ("indent", "a:\n  b: 1\n c: 2\n", 3, 2, ("clé attendue", "indentation", "commencé ligne 1, colonne 1")),
    ("tab", "a:\n\tb: 1\n", 2, 1, ("tabulation",)),
    ("escape", 'a: "x\\qy"\n', 1, 6, ("séquence d'échappement inconnue", "commencé ligne 1, colonne 4")),
    ("alias", "a: &x 1\nb: *y\n", 2, 4, ("alias sans ancre",)),
    ("two-documents", "a: 1\n---\nb: 2\n", 2, 1, ("un seul document YAML", "commencé ligne 1, colonne 1")),
]


@pytest.mark.parametrize(
    ("name", "text", "line", "column", "fragments"), YAML_ERRORS, ids=[c[0] for c in YAML_ERRORS]
)
def test_yaml_syntax_errors_are_french_and_located(
    tmp_path: Path, name: str, text: str, line: int, column: int, fragments: tuple[str, ...]
) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ManifestError) as info:
        load_document(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.column) == (line, column), problem
    assert problem.message.startswith("erreur de syntaxe YAML : ")
    for fragment in fragments:
        assert fragment in problem.message, problem.message
    assert not re.search(r"\b(?:while|found|expected|did not)\b", problem.message), problem.message


TEXT = "service:\n  name: Élève € et École\n"
ENCODINGS = [
    ("utf-16", TEXT.encode("utf-16"), 1, 1, "encodé en UTF-16 (petit-boutiste, avec BOM)", "-f UTF-16"),
    ("utf-16-be", b"\xfe\xff" + TEXT.encode("utf-16-be"), 1, 1, "UTF-16 (gros-boutiste", "-f UTF-16"),
    ("utf-16-no-bom", "a: b\n".encode("utf-16-le"), 1, 1, "semble encodé en UTF-16 (sans BOM)", "-f UTF-16"),
    ("utf-32", TEXT.encode("utf-32"), 1, 1, "encodé en UTF-32", "-f UTF-32"),
    (
        "latin-1",
        TEXT.replace("€", "E").encode("latin-1"),
        2,
        9,
        "Latin-1 (ISO-8859-1) ou Windows-1252",
        "« É »",
    ),
    ("windows-1252", "a: 10 €\n".encode("cp1252"), 1, 7, "0x80", "« € »"),
    ("neither", b"a: \x81\x8d\n", 1, 4, "octet 0x81 invalide : le fichier doit être en UTF-8", "UTF-8"),
]


@pytest.mark.parametrize(
    ("name", "raw", "line", "column", "fragment", "hint"), ENCODINGS, ids=[c[0] for c in ENCODINGS]
)
def test_a_file_in_another_encoding_is_named_as_such(
    tmp_path: Path, name: str, raw: bytes, line: int, column: int, fragment: str, hint: str
) -> None:
    path = tmp_path / "m.yaml"
    path.write_bytes(raw)
    with pytest.raises(ManifestError) as info:
        load_document(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.column) == (line, column), problem
    assert fragment in problem.message and hint in problem.message, problem.message


SERVICE = "manifest_version: 1\nservice:\n  name: N\n  editor: E\n  kind: service-tiers\n"
NUMBERS = [
    # a version written without quotes: YAML reads a number, and 3.10 loses its zero
    (
        "version",
        "  version: 3.10\n",
        6,
        12,
        ("service.version : texte attendu, reçu le nombre 3.1", '"3.10"'),
    ),
    ("version-4.1", "  version: 4.1\n", 6, 12, ("reçu le nombre 4.1", 'par ex. "4.1"')),
    ("integer", "  version: 2\n", 6, 12, ("reçu le nombre 2", 'par ex. "2"')),
    # a number where the permitted values are texts: the one meant is named
    ("enum", "security: {tls: {min_version: 1.2}}\n", 6, 31, ("valeurs permises : 1.0", 'par ex. "1.2"')),
    ("enum-zero", "security: {tls: {min_version: 1.10}}\n", 6, 31, ('par ex. "1.1"',)),
]


@pytest.mark.parametrize(
    ("name", "extra", "line", "column", "fragments"), NUMBERS, ids=[c[0] for c in NUMBERS]
)
def test_a_number_where_a_text_is_expected_is_explained(
    tmp_path: Path, name: str, extra: str, line: int, column: int, fragments: tuple[str, ...]
) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(SERVICE + extra, encoding="utf-8")
    code, _, err = _run(str(path), "--date", PINNED_DATE)
    assert code == 2
    (error,) = err.splitlines()
    assert error.startswith(f"doctrine-lint: erreur: {path}:{line}:{column}: "), error
    for fragment in fragments:
        assert fragment in error, error
    assert "YAML lit cette valeur comme un nombre" in error


def test_the_baseline_file_keeps_the_data_without_raw_controls(tmp_path: Path) -> None:
    manifest = _hostile_manifest(tmp_path)
    baseline = tmp_path / "baseline.json"
    code, _, err = _run(str(manifest), "--date", PINNED_DATE, "--write-baseline", str(baseline))
    assert code == 1, err
    text = baseline.read_text(encoding="utf-8")
    assert _raw(text) == [] and "\\u202e" in text
    findings = json.loads(text)["findings"]
    assert findings and all(f["file"].endswith(HOSTILE_NAME) for f in findings)  # decoded exactly
    # read back, it knows every finding: none is new, none is fixed
    code, out, err = _run(
        str(manifest), "--date", PINNED_DATE, "--baseline", str(baseline), "--format", "json"
    )
    assert _raw(err) == []
    assert json.loads(out)["manifests"][0]["baseline"] == {"known": len(findings), "fixed": []}


def test_a_configuration_file_s_key_is_shown_inert(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a configuration file found upward is read before anything else: its errors are one line too
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    repo = tmp_path
    (repo / ".doctrine-lint.yaml").write_text(
        '"sel\\e[2Jct\\u202e\\r\\nforged.yaml:1:1: x": 1\n', encoding="utf-8"
    )
    code, _, err = _run("m.yaml")
    assert code == 2
    assert err.count("\n") == 1 and "\x1b" not in err and "\u202e" not in err
    assert err.startswith(
        "doctrine-lint: erreur: .doctrine-lint.yaml:1:1: clé inconnue « sel\\x1b[2Jct\\u202e\\r\\n"
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(
    "args",
    [
        ["lint", "--date", PAYLOAD_VALUE, "m.yaml"],  # our own message quotes the value
        ["lint", "--format", PAYLOAD_VALUE, "m.yaml"],  # click's quotes it (repr)
        ["lint", f"--x{PAYLOAD_VALUE}", "m.yaml"],  # an unknown option's name
        ["lint", "--report", f"{PAYLOAD_VALUE}:x", "m.yaml"],
        ["explain", PAYLOAD_VALUE],
        ["lint", "--select", PAYLOAD_VALUE, str(EXAMPLES / "ent-premier-degre.yaml")],
    ],
)
def test_usage_errors_quote_what_was_typed_inertly(args: list[str], lang: str) -> None:
    """click's usage errors, in either language, are a stderr path too: what was typed is escaped
    and the error stays on its line."""
    code, out, err = _run(*args, "--lang", lang)
    assert code == 2 and out == ""
    assert _raw(err) == []
    error = [
        line for line in err.splitlines() if line.startswith(("Erreur : ", "Error: ", "doctrine-lint: "))
    ]
    assert len(error) == 1 and "\\x1b[2J" in error[0], err


@pytest.mark.parametrize("fmt", ["text", "concise", "jsonl", "sarif"])
def test_streamed_chunks_from_workers_are_neutralised_too(tmp_path: Path, fmt: str) -> None:
    manifest = _hostile_manifest(tmp_path)
    twin = manifest.with_name("twin.yaml")
    twin.write_bytes(manifest.read_bytes())
    args = [str(manifest), str(twin), "--date", PINNED_DATE, "--format", fmt]
    one, two = _run(*args), _run(*args, "--jobs", "2")
    assert one == two
    assert _raw(two[1]) == [] and _raw(two[2]) == []


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_diff_and_impact_outputs_are_inert(tmp_path: Path, fmt: str) -> None:
    """The comparisons quote manifests too (file names, messages, elements): the same edges."""
    manifest = _hostile_manifest(tmp_path)
    clean = str(EXAMPLES / "service-tiers-non-conforme.yaml")
    for args in (
        ["diff", clean, str(manifest)],
        ["diff", str(manifest), clean],
        ["impact", str(manifest), "--packs-old", "shipped", "--packs-new", "shipped"],
    ):
        code, out, err = _run(*args, "--date", PINNED_DATE, "--format", fmt)
        assert code in (0, 1), err
        assert _raw(out) == [] and _raw(err) == []
        assert not [line for line in out.splitlines() if line.lstrip(' "<|').startswith("forged.yaml")]
        if fmt == "json" and args[0] == "diff":
            doc = json.loads(out)
            assert str(manifest) in [side["file"] for side in doc["inputs"]]  # the exact data
            occurrences = [c["occurrence"] for listed in doc["findings"].values() for c in listed]
            assert any("\x1b[2J" in o for o in occurrences)  # element names kept exactly
        elif fmt != "json" and args[0] == "diff":
            unescaped = re.sub(r"\\(.)", r"\1", out) if fmt == "markdown" else out
            assert "m\\x1b[2J\\u202e\\x9b.yaml" in unescaped  # the file name, visibly escaped


@pytest.mark.parametrize("fmt", ["text", "csv", "markdown", "html", "json"])
def test_review_outputs_are_inert(tmp_path: Path, fmt: str) -> None:
    """`review` (issue 13): a hostile service name and file name, next to an unreadable hostile
    manifest, reach no output raw; HTML from a name stays text."""
    _hostile_manifest(tmp_path)
    (tmp_path / "bad").mkdir()
    _hostile_manifest(tmp_path / "bad", invalid=True)
    html_name = tmp_path / "h.yaml"
    html_name.write_text(
        (EXAMPLES / "vie-scolaire.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "name: Exemple Vie Scolaire & EDT", 'name: "<script>alert(1)</script><img src=x onerror=y>"', 1
        ),
        encoding="utf-8",
    )
    code, out, err = _run(
        "review", str(tmp_path), str(tmp_path / "bad"), "--date", PINNED_DATE, "--format", fmt
    )
    assert code == 2, err  # the invalid one is listed, the others reviewed
    assert _raw(out) == [] and _raw(err) == []
    assert not [line for line in out.splitlines() if line.lstrip(' "<;,').startswith("forged.yaml")]
    assert not [line for line in err.splitlines() if not line.startswith("doctrine-lint: erreur: ")]
    if fmt == "json":
        names = {s["service"]["name"] for s in json.loads(out)["submissions"]}
        assert f"Quiz{PAYLOAD_VALUE}" in names
    else:
        assert "\\x1b]52;c;" in re.sub(r"\\(.)", r"\1", out) if fmt == "markdown" else "\\x1b]52;c;" in out
    if fmt == "html":
        assert "<script" not in out and "<img" not in out
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
