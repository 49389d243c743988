"""Configuration files (issue 12, item 5): `.doctrine-lint.yaml` and `[tool.doctrine-lint]` in
`pyproject.toml`, found from the working directory upward; `--config`, `--isolated`; the command
line wins; paths relative to the configuration; located errors as for manifests; the stamp.

Every test works in its own `tmp_path` with a `.git` folder at the top, so that the upward search
stops there and nothing above the test's folder (nor the user's home) is ever read."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import textwrap
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from doctrine_lint import config
from doctrine_lint.cli import cli
from doctrine_lint.errors import UsageError
from doctrine_lint.formats import FORMATS
from doctrine_lint.tomlpositions import syntax_error_position, table_positions

from .conftest import EXAMPLES, PINNED_DATE, REPO

BAD = EXAMPLES / "service-tiers-non-conforme.yaml"


def _tree(root: Path, files: dict[str, str]) -> None:
    """Write `files` (path → dedented text; a path ending in "/" is a folder) under `root`."""
    for name, text in files.items():
        path = root / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository root (`.git`) with a manifest, as the working directory."""
    (tmp_path / ".git").mkdir()
    shutil.copy(BAD, tmp_path / "m.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def stamp(*args: str) -> dict[str, object]:
    code, out, err = run("m.yaml", "--date", PINNED_DATE, "--format", "json", *args)
    assert code in (0, 1), err
    result: dict[str, object] = json.loads(out)["stamp"]
    return result


# --- the TOML position index -----------------------------------------------------------------

LOCATOR_CASES = {
    "header": (
        """
        [project]
        name = "x"

        [tool.doctrine-lint]
        fail-on = "majeur"
        packs = ["a.yaml", 'b.yaml']
        """,
        {(): (4, 7), ("fail-on",): (5, 1, 5, 11), ("packs", 0): (6, 10), ("packs", 1): (6, 20)},
    ),
    "multi-line array with comments": (
        """
        [tool.doctrine-lint]
        select = [
          # the security chapters
          "securite",  # trailing comment, with "quotes" and ]
          "ri-6.1",
        ]
        lang = "en"
        """,
        {("select",): (2, 1, 2, 10), ("select", 0): (4, 3), ("select", 1): (5, 3), ("lang",): (7, 1, 7, 8)},
    ),
    "dotted keys under [tool]": (
        """
        [tool]
        doctrine-lint.lang = "en"
        doctrine-lint . fail-on = "info"
        """,
        {("lang",): (2, 15, 2, 22), ("fail-on",): (3, 17, 3, 27)},
    ),
    "dotted keys at the top": (
        """
        tool.doctrine-lint.show-all = true
        """,
        {("show-all",): (1, 20, 1, 31)},
    ),
    "inline table": (
        """
        [tool]
        doctrine-lint = { lang = "en", select = ["securite"] }
        """,
        {(): (2, 1), ("lang",): (2, 19, 2, 26), ("select", 0): (2, 42)},
    ),
    "quoted keys": (
        """
        [tool."doctrine-lint"]
        "fail-on" = "majeur"
        'lang' = "fr"
        """,
        {(): (1, 7), ("fail-on",): (2, 1, 2, 13), ("lang",): (3, 1, 3, 10)},
    ),
    "multi-line strings before a key": (
        '''
        [tool.doctrine-lint]
        profile = """p[1]
        # not a comment, "x = 1"
        ok"""""
        lang = 'en'
        notes = \'\'\'a
        \'\'\'
        format = "json"
        ''',
        {("profile",): (2, 1, 2, 11), ("lang",): (5, 1, 5, 8), ("format",): (8, 1, 8, 10)},
    ),
    "escaped quotes": (
        r"""
        [tool.doctrine-lint]
        select = ["a\"b", "c\\"]
        lang = "en"
        """,
        {("select", 1): (2, 19), ("lang",): (3, 1, 3, 8)},
    ),
    "sub-table and a table after": (
        """
        [tool.doctrine-lint]
        lang = "en"
        [tool.doctrine-lint.extra]
        x = 1
        [tool.other]
        lang = "fr"
        """,
        {("lang",): (2, 1, 2, 8), ("extra",): (3, 21), ("extra", "x"): (4, 1, 4, 5)},
    ),
    "dates and numbers end at the comma": (
        """
        [tool.doctrine-lint]
        x = [1979-05-27 07:32:00Z, 2, inf]
        fail-under = 8_0.5 # percent
        """,
        {("x", 0): (2, 6), ("x", 1): (2, 28), ("x", 2): (2, 31), ("fail-under",): (3, 1, 3, 14)},
    ),
}


@pytest.mark.parametrize(("text", "expected"), LOCATOR_CASES.values(), ids=LOCATOR_CASES.keys())
def test_toml_positions_of_keys_values_and_items(
    text: str, expected: dict[tuple[str | int, ...], tuple[int, ...]]
) -> None:
    text = textwrap.dedent(text).lstrip("\n")
    tomllib.loads(text)  # the cases are valid TOML: the locator is only asked about such text
    index = table_positions(text, config.TABLE)
    for path, where in expected.items():
        span = index[path]
        full = (span.key_line, span.key_column, span.line, span.column)
        got = full[:2] if len(where) == 2 else full
        assert got == where, (path, span)
    assert not any(p and p[0] == "other" for p in index)  # nothing from another table


def _leaves(value: object, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, (*path, k))] + [path]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in _leaves(v, (*path, i))] + [path]
    return [path]


@pytest.mark.parametrize("text", [c[0] for c in LOCATOR_CASES.values()], ids=LOCATOR_CASES.keys())
def test_every_value_of_the_table_is_indexed_at_its_own_text(text: str) -> None:
    text = textwrap.dedent(text).lstrip("\n")
    data = tomllib.loads(text)["tool"]["doctrine-lint"]
    index = table_positions(text, config.TABLE)
    lines = text.splitlines()
    for path in _leaves(data):
        assert path in index, path
        value = data
        for part in path:
            value = value[part]  # type: ignore[index]
        if path and isinstance(value, str | int | bool) and not isinstance(path[-1], int):
            span = index[path]
            # the value's position starts the value as written (a string's quote, a number's digit)
            assert lines[span.line - 1][span.column - 1] in "\"'0123456789tf-+", (path, span)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("[tool.doctrine-lint\n", (1, 20)),
        ('[tool.doctrine-lint]\nlang = "en\n', (2, 11)),
        ("[tool.doctrine-lint]\nlang = en\n", (2, 8)),
        ("a = 1\na = 2\n", (2, 6)),
    ],
)
def test_toml_syntax_error_position(text: str, where: tuple[int, int]) -> None:
    with pytest.raises(tomllib.TOMLDecodeError) as caught:
        tomllib.loads(text)
    assert syntax_error_position(caught.value) == where


# --- discovery ---------------------------------------------------------------------------------

YAML_CONFIG = "lang: en\n"
TABLE_CONFIG = '[tool.doctrine-lint]\nlang = "en"\n'
NO_TABLE = '[project]\nname = "doctrine-lint-user"\ndependencies = ["doctrine-lint"]\n'

DISCOVERY = {
    "yaml here": ({".doctrine-lint.yaml": YAML_CONFIG}, ".", ".doctrine-lint.yaml"),
    "yml here": ({".doctrine-lint.yml": YAML_CONFIG}, ".", ".doctrine-lint.yml"),
    "yaml before yml": (
        {".doctrine-lint.yml": YAML_CONFIG, ".doctrine-lint.yaml": YAML_CONFIG},
        ".",
        ".doctrine-lint.yaml",
    ),
    "yaml upward from a subfolder": (
        {".doctrine-lint.yaml": YAML_CONFIG, "a/b/": ""},
        "a/b",
        ".doctrine-lint.yaml",
    ),
    "pyproject upward": ({"pyproject.toml": TABLE_CONFIG, "a/": ""}, "a", "pyproject.toml"),
    "yaml before pyproject in one folder": (
        {"pyproject.toml": TABLE_CONFIG, ".doctrine-lint.yaml": YAML_CONFIG},
        ".",
        ".doctrine-lint.yaml",
    ),
    "pyproject without the table skipped": (
        {".doctrine-lint.yaml": YAML_CONFIG, "a/pyproject.toml": NO_TABLE},
        "a",
        ".doctrine-lint.yaml",
    ),
    "pyproject not naming the tool skipped unparsed": (
        {"pyproject.toml": TABLE_CONFIG, "a/pyproject.toml": "[broken\n"},
        "a",
        "pyproject.toml",
    ),
    "closest wins": (
        {".doctrine-lint.yaml": YAML_CONFIG, "a/pyproject.toml": TABLE_CONFIG},
        "a",
        "a/pyproject.toml",
    ),
    "repository root stops the search": (
        {".doctrine-lint.yaml": YAML_CONFIG, "repo/.git/": "", "repo/a/": ""},
        "repo/a",
        None,
    ),
    "a .git file (worktree) stops it too": (
        {".doctrine-lint.yaml": YAML_CONFIG, "repo/.git": "gitdir: /elsewhere\n", "repo/a/": ""},
        "repo/a",
        None,
    ),
    "a config at the repository root is found": (
        {"repo/.git/": "", "repo/.doctrine-lint.yaml": YAML_CONFIG, "repo/a/": ""},
        "repo/a",
        "repo/.doctrine-lint.yaml",
    ),
    "nothing": ({"a/": ""}, "a", None),
    "a folder named like the file is not a file": ({".doctrine-lint.yaml/": "", "a/": ""}, "a", None),
}


@pytest.mark.parametrize(("files", "cwd", "expected"), DISCOVERY.values(), ids=DISCOVERY.keys())
def test_discovery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], cwd: str, expected: str | None
) -> None:
    (tmp_path / ".git").mkdir()  # the search never leaves the test's folder
    _tree(tmp_path, files)
    monkeypatch.chdir(tmp_path / cwd)
    found = config.discover()
    assert found == (None if expected is None else tmp_path / expected)
    if expected is not None:  # shown relative to the working directory
        assert config.find_config() is not None
        assert config.load_config(found).file == os.path.relpath(expected, cwd)


def test_a_broken_pyproject_that_may_hold_the_table_is_an_error(repo: Path) -> None:
    _tree(repo, {"pyproject.toml": '[tool.doctrine-lint]\nlang = "en\n'})
    with pytest.raises(UsageError) as caught:
        config.discover()
    assert [str(p) for p in caught.value.problems] == [
        "pyproject.toml:2:11: TOML invalide : Illegal character '\\n'"
    ]


# --- the command line --------------------------------------------------------------------------


def _count(select: str) -> int:
    code, out, _ = run("rules", "--isolated", "--select", select, "--format", "json")
    assert code == 0
    return len(json.loads(out))


PRECEDENCE = {
    # the option: the file in YAML, the same in TOML, the command line overriding it
    "fail-on": ("fail-on: aucun\n", 'fail-on = "aucun"\n', ("--fail-on", "mineur")),
    "select": ("select: [securite]\n", 'select = ["securite"]\n', ("--select", "interoperabilite")),
    "lang": ("lang: en\n", 'lang = "en"\n', ("--lang", "fr")),
    "format": ("format: json\n", 'format = "json"\n', ("--format", "text")),
    "fail-under": (
        "fail-on: aucun\nfail-under: 99\n",
        'fail-on = "aucun"\nfail-under = 99\n',
        ("--fail-under", "10"),
    ),
    "show-all": ("show-all: true\nformat: json\n", 'show-all = true\nformat = "json"\n', ("--isolated",)),
}


@pytest.mark.parametrize("name", PRECEDENCE)
@pytest.mark.parametrize("form", ["yaml", "toml"])
def test_the_file_applies_and_the_command_line_wins(repo: Path, name: str, form: str) -> None:
    yaml_text, toml_text, override = PRECEDENCE[name]
    if form == "yaml":
        (repo / ".doctrine-lint.yaml").write_text(yaml_text, encoding="utf-8")
    else:
        (repo / "pyproject.toml").write_text(f"[tool.doctrine-lint]\n{toml_text}", encoding="utf-8")
    base = ("m.yaml", "--date", PINNED_DATE)
    from_file = run(*base)
    from_line = run(*base, *override)
    if name in ("fail-on", "fail-under"):
        expected = (0, 1) if name == "fail-on" else (1, 0)
        assert (from_file[0], from_line[0]) == expected, from_file[2] + from_line[2]
    elif name == "format":
        assert json.loads(from_file[1])["stamp"]["config"]["values"] == {"format": "json"}
        assert from_line[1].startswith("== m.yaml")
    elif name == "show-all":
        # a flag the file sets is turned off only by ignoring the file (no --no-show-all)
        assert "conforme" in {f["outcome"] for f in json.loads(from_file[1])["manifests"][0]["findings"]}
        assert "Scores" in from_line[1]
    else:
        file_stamp = stamp()
        line_stamp = stamp(*override)
        if name == "select":
            assert (file_stamp["rules_evaluated"], line_stamp["rules_evaluated"]) == (
                _count("securite"),
                _count("interoperabilite"),
            )
        else:
            assert (file_stamp["lang"], line_stamp["lang"]) == ("en", "fr")
        assert file_stamp["config"]["values"] == {name: ["securite"] if name == "select" else "en"}  # type: ignore[index]
        assert line_stamp["config"]["values"] == {}  # type: ignore[index]


def test_paths_are_relative_to_the_configuration_file(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(
        repo,
        {
            ".doctrine-lint.yaml": """
                packs: [packs/editeur.yaml]
                only-packs: true
                profile: profils/p.yaml
                reports: ["json:out/r.json", "markdown:out/r.md"]
            """,
            "packs/editeur.yaml": """
                pack: {id: editeur, version: 1.0.0, title: T, referentiel: securite, doctrine_version: t, chapters: {"1": C}}
                rules:
                  - id: E-1-EDITEUR
                    title: Éditeur nommé
                    chapter: "1"
                    severity: mineur
                    rationale: Pourquoi.
                    remediation: Nommer l'éditeur.
                    message: "éditeur : {value}"
                    references: [{url: "https://example.org/editeur"}]
                    provenance: {evidence: officiel, legal_basis: bonne-pratique}
                    check: {path: service.editor, equals: X}
                    examples:
                      - {outcome: conforme, manifest: {service: {editor: X}}}
                      - {outcome: non-conforme, manifest: {service: {editor: E}}}
            """,
            "profils/p.yaml": """
                profile: {id: p, title: Profil}
                required_rules: [E-1-EDITEUR]
            """,
            "out/": "",
            "a/b/": "",
        },
    )
    shutil.copy(repo / "m.yaml", repo / "a" / "b" / "m.yaml")
    monkeypatch.chdir(repo / "a" / "b")
    code, out, err = run("m.yaml", "--date", PINNED_DATE, "--format", "json")
    assert code == 1, err
    report = json.loads((repo / "out" / "r.json").read_text(encoding="utf-8"))
    assert report == json.loads(out)
    assert [p["id"] for p in report["stamp"]["packs"]] == ["editeur"]
    assert "E-1-EDITEUR" in report["manifests"][0]["profile"][0]["requirement"]
    assert (repo / "out" / "r.md").is_file()
    assert report["stamp"]["config"] == {
        "file": "../../.doctrine-lint.yaml",
        "table": None,
        "sha256": hashlib.sha256((repo / ".doctrine-lint.yaml").read_bytes()).hexdigest(),
        "values": {
            "packs": ["../../packs/editeur.yaml"],
            "only-packs": True,
            "profile": "../../profils/p.yaml",
            "reports": ["json:../../out/r.json", "markdown:../../out/r.md"],
        },
    }
    # the markdown stamp names the file and the keys it gave
    assert "- **Configuration** : ../../.doctrine-lint.yaml (packs, only-packs, profile, reports)" in (
        repo / "out" / "r.md"
    ).read_text(encoding="utf-8")


def test_explicit_config_skips_discovery(repo: Path) -> None:
    _tree(
        repo,
        {".doctrine-lint.yaml": "lang: [broken\n", "ci/lint.toml": '[tool.doctrine-lint]\nlang = "en"\n'},
    )
    code, _, err = run("m.yaml", "--date", PINNED_DATE)
    assert code == 2 and err.startswith("doctrine-lint: erreur: .doctrine-lint.yaml:1:7: ")
    s = stamp("--config", "ci/lint.toml")
    assert s["lang"] == "en"
    assert s["config"] == {
        "file": "ci/lint.toml",
        "table": "tool.doctrine-lint",
        "sha256": hashlib.sha256((repo / "ci" / "lint.toml").read_bytes()).hexdigest(),
        "values": {"lang": "en"},
    }


def test_isolated_ignores_every_file(repo: Path) -> None:
    _tree(repo, {".doctrine-lint.yaml": "lang: [broken\n"})
    s = stamp("--isolated")
    assert s["config"] is None and s["lang"] == "fr"
    code, _, err = run("m.yaml", "--isolated", "--config", ".doctrine-lint.yaml")
    assert code == 2 and "--config et --isolated s'excluent" in err


def test_rules_and_explain_read_the_file(repo: Path) -> None:
    _tree(
        repo,
        {"pyproject.toml": '[tool.doctrine-lint]\nselect = ["securite"]\nlang = "en"\nfail-on = "info"\n'},
    )
    code, out, _ = run("rules")
    assert code == 0 and out.splitlines()[-1] == f"{_count('securite')} rule(s)"
    code, out, _ = run("explain", "RI-6.1-SSO")
    assert code == 0 and "- **Chapter**" in out
    code, out, _ = run("explain", "RI-6.1-SSO", "--lang", "fr")
    assert code == 0 and "- **Chapitre**" in out


def test_html_stamp_line(repo: Path) -> None:
    _tree(repo, {".doctrine-lint.yml": "fail-on: aucun\n"})
    code, out, _ = run("m.yaml", "--date", PINNED_DATE, "--format", "html")
    assert code == 0
    assert "<dt>Configuration</dt><dd>.doctrine-lint.yml (fail-on)</dd>" in out


def test_no_file_no_stamp(repo: Path) -> None:
    assert stamp()["config"] is None


# --- located errors ----------------------------------------------------------------------------

ERRORS = {
    "wrong type (yaml)": (
        ".doctrine-lint.yaml",
        'fail-under: "80"\n',
        [".doctrine-lint.yaml:1:13: fail-under : type attendu : nombre (reçu : 80)"],
    ),
    "wrong type (toml)": (
        "pyproject.toml",
        '[tool.doctrine-lint]\nselect = "securite"\n',
        ["pyproject.toml:2:10: select : type attendu : liste (reçu : securite)"],
    ),
    "number for a text (toml wording)": (
        "pyproject.toml",
        "[tool.doctrine-lint]\npacks = [1]\n",
        [
            "pyproject.toml:2:10: packs[0] : texte attendu, reçu le nombre 1 : sans guillemets, TOML lit "
            'cette valeur comme un nombre ; écrivez-la entre guillemets, par ex. "1"'
        ],
    ),
    "unknown key with suggestion (yaml)": (
        ".doctrine-lint.yaml",
        "lang: en\nselcet: [securite]\n",
        [".doctrine-lint.yaml:2:1: clé inconnue « selcet » (vouliez-vous dire « select » ?)"],
    ),
    "unknown key with suggestion (toml)": (
        "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.doctrine-lint]\n  min-evidense = "officiel"\n',
        ["pyproject.toml:5:3: clé inconnue « min-evidense » (vouliez-vous dire « min-evidence » ?)"],
    ),
    "unknown key without a close one": (
        ".doctrine-lint.yaml",
        "zzz: 1\n",
        [f".doctrine-lint.yaml:1:1: clé inconnue « zzz » (clés permises : {', '.join(config.KEYS)})"],
    ),
    "snake_case key": (
        "pyproject.toml",
        "[tool.doctrine-lint]\nfail_on = 'majeur'\n",
        [
            "pyproject.toml:2:1: clé inconnue « fail_on » : écrivez « fail-on » "
            "(les clés s'écrivent avec des tirets, comme les options)"
        ],
    ),
    "command-line-only key": (
        ".doctrine-lint.yaml",
        "date: 2026-11-28\n",
        [
            ".doctrine-lint.yaml:1:1: clé « date » non lue ici : la date d'évaluation se donne sur la ligne "
            "de commande (--date) : figée dans un fichier, elle empêcherait les dérogations d'expirer"
        ],
    ),
    "bad enum (yaml)": (
        ".doctrine-lint.yaml",
        "fail-on: majuer\n",
        [
            ".doctrine-lint.yaml:1:10: fail-on : valeur « majuer » non reconnue "
            "(vouliez-vous dire « majeur » ?) (valeurs permises : bloquant, majeur, mineur, info, aucun)"
        ],
    ),
    "bad enum (toml dotted key)": (
        "pyproject.toml",
        'tool.doctrine-lint.lang = "de"\n',
        ["pyproject.toml:1:27: lang : valeur « de » non reconnue (valeurs permises : fr, en)"],
    ),
    "out of range": (
        "pyproject.toml",
        "[tool.doctrine-lint]\nmin-completeness = 120\n",
        ["pyproject.toml:2:20: min-completeness : 120 est supérieur au maximum 100"],
    ),
    "report target": (
        ".doctrine-lint.yaml",
        "reports:\n  - sarif:a.sarif\n  - htm:r.html\n",
        [
            ".doctrine-lint.yaml:3:5: reports[1] : « htm:r.html » : attendu FORMAT:FICHIER avec FORMAT "
            f"parmi {', '.join(FORMATS)} (vouliez-vous dire « html:r.html » ?)"
        ],
    ),
    "several problems, in file order": (
        "pyproject.toml",
        '[tool.doctrine-lint]\nshow-all = "yes"\nfailon = "info"\n',
        [
            "pyproject.toml:2:12: show-all : type attendu : booléen (true/false) (reçu : yes)",
            "pyproject.toml:3:1: clé inconnue « failon » (vouliez-vous dire « fail-on » ?)",
        ],
    ),
    "future version": (
        ".doctrine-lint.yaml",
        "version: 2\nnew-key: 1\n",
        [
            f".doctrine-lint.yaml:1:10: version : format de configuration 2 inconnu ; doctrine-lint "
            f"{__import__('doctrine_lint').__version__} lit la version 1 (mettez doctrine-lint à jour)"
        ],
    ),
    "bad version": (
        ".doctrine-lint.yaml",
        "version: '1'\n",
        [
            ".doctrine-lint.yaml:1:10: version : valeur « 1 » non reconnue (valeurs permises : 1)",
        ],
    ),
    "bad TOML syntax": (
        "pyproject.toml",
        "[tool.doctrine-lint]\nlang = en\n",
        ["pyproject.toml:2:8: TOML invalide : Invalid value"],
    ),
    "bad YAML syntax": (
        ".doctrine-lint.yaml",
        "select: [securite\n",
        [
            ".doctrine-lint.yaml:1:9: erreur de syntaxe YAML : la liste entre crochets « [ » ouverte ici "
            "n'est pas fermée — l'analyse s'est arrêtée ligne 2, colonne 1 : « , » ou « ] » attendu "
            "(entre crochets ou accolades, une valeur qui contient « [ », « { », « , » ou « : » s'écrit "
            "entre guillemets)"
        ],
    ),
    "YAML root not a mapping": (
        ".doctrine-lint.yaml",
        "- lang\n",
        [".doctrine-lint.yaml:1:1: la racine du document doit être un dictionnaire (clé: valeur)"],
    ),
    "non-finite TOML number": (
        "pyproject.toml",
        "[tool.doctrine-lint]\nfail-under = nan\n",
        ["pyproject.toml:2:14: nombre non fini « nan » interdit"],
    ),
    "table that is not a table": (
        "pyproject.toml",
        '[tool]\ndoctrine-lint = "fr"\n',
        ["pyproject.toml:2:17: tool.doctrine-lint : une table est attendue"],
    ),
    "underscore table name": (
        "pyproject.toml",
        "[tool.doctrine_lint]\nlang = 'en'\n",
        ["pyproject.toml:1:7: table « tool.doctrine_lint » : écrivez [tool.doctrine-lint]"],
    ),
    "unknown sub-table": (
        "pyproject.toml",
        "[tool.doctrine-lint]\nlang = 'en'\n[tool.doctrine-lint.rules]\nx = 1\n",
        ["pyproject.toml:3:21: clé inconnue « rules » (clés permises : " + ", ".join(config.KEYS) + ")"],
    ),
}


@pytest.mark.parametrize(("name", "text", "expected"), ERRORS.values(), ids=ERRORS.keys())
def test_invalid_configuration_is_located(
    repo: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str, expected: list[str]
) -> None:
    (repo / name).write_text(text, encoding="utf-8")
    code, out, err = run("m.yaml", "--date", PINNED_DATE)
    assert (code, out) == (2, "")
    assert err.splitlines() == [f"doctrine-lint: erreur: {line}" for line in expected]
    # the same through --config from a subfolder, for another command: shown as reached from there
    (repo / "sub").mkdir()
    monkeypatch.chdir(repo / "sub")
    code, out, err = run("rules", "--config", f"../{name}")
    assert (code, out) == (2, "")
    assert err.splitlines() == [f"doctrine-lint: erreur: ../{line}" for line in expected]


def test_missing_explicit_config(repo: Path) -> None:
    code, out, err = run("m.yaml", "--config", "nope.yaml")
    assert (code, out, err) == (2, "", "doctrine-lint: erreur: nope.yaml: fichier introuvable\n")


# --- schema and the table of settings ----------------------------------------------------------


def test_schema_command_and_settings_agree() -> None:
    code, out, _ = run("schema", "config")
    schema = json.loads(out)
    assert code == 0 and list(schema["properties"]) == list(config.KEYS)
    lint = cli.commands["lint"]
    params = {p.name: p for p in lint.params}
    for setting in config.SETTINGS:
        param = params[setting.param]  # every key gives a default to a real option of lint
        prop = schema["properties"][setting.key]
        if isinstance(param.type, click.Choice):
            assert prop["enum"] == list(param.type.choices), setting.key
        assert (prop.get("type") == "array") == param.multiple, setting.key
        assert (prop.get("type") == "boolean") == bool(getattr(param, "is_flag", False)), setting.key
        for command in setting.commands - {"lint"}:
            assert setting.param in {p.name for p in cli.commands[command].params}, (setting.key, command)
    assert schema["properties"]["reports"]["items"]["pattern"] == f"^({'|'.join(FORMATS)}):.+$"


def test_json_report_schema_accepts_the_stamp(repo: Path) -> None:
    import jsonschema

    (repo / ".doctrine-lint.yaml").write_text("fail-on: aucun\n", encoding="utf-8")
    code, out, _ = run("m.yaml", "--date", PINNED_DATE, "--format", "json")
    assert code == 0
    report = json.loads(out)
    jsonschema.validate(
        report, json.loads((REPO / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    )
    assert report["format_version"] == 5


def test_library_api_without_click(repo: Path) -> None:
    (repo / ".doctrine-lint.yaml").write_text("packs: [p.yaml]\nlang: en\nformat: json\n", encoding="utf-8")
    found = config.find_config()
    assert found is not None
    assert found.defaults("lint") == {"packs": ["p.yaml"], "lang": "en", "fmt": "json"}
    assert found.defaults("explain") == {"packs": ["p.yaml"], "lang": "en"}  # no format there
    assert found.defaults("rules") == {"packs": ["p.yaml"], "lang": "en"}  # its --format differs
    applied = found.applied(["lang", "packs_unrelated"])
    assert (applied.values, applied.describe()) == ({"lang": "en"}, ".doctrine-lint.yaml")


def test_docs_table_lists_every_key_with_its_option_and_commands() -> None:
    text = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    table = text.split("<!-- config-keys:start -->")[1].split("<!-- config-keys:end -->")[0]
    rows = [
        [cell.strip().strip("`") for cell in line.strip("|").split("|")] for line in table.splitlines()[3:]
    ]
    assert [row[0] for row in rows] == list(config.KEYS)
    options = {p.name: p.opts[-1] for p in cli.commands["lint"].params}
    for key, option, _, commands in rows[1:]:
        setting = config.BY_KEY[key]
        assert option == options[setting.param], key
        assert set(commands.split(", ")) == set(setting.commands), key


@pytest.mark.parametrize("name", ["doctrine-lint.yaml", "pyproject-extrait.toml"])
def test_shipped_examples_are_valid_and_apply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder)  # the example's reports are written beside it: not in the repository
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    found = config.load_config(folder / "config" / name)
    assert found.values["fail-on"] == "majeur"
    code, _, err = run(
        "examples/ent-premier-degre.yaml", "--date", PINNED_DATE, "--config", f"examples/config/{name}"
    )
    assert code == 1, err
    for entry in found.values["reports"]:
        assert (tmp_path / entry.partition(":")[2]).is_file(), entry


@pytest.mark.parametrize(
    ("files", "given", "expected"),
    [
        (
            {"p.toml": '[project]\nname = "x"\n'},
            "p.toml",
            "p.toml:1:1: pas de table [tool.doctrine-lint] dans ce fichier",
        ),
        ({"d/": ""}, "d", "d: est un répertoire, pas un fichier YAML"),
        (
            {"deep.toml": "[tool.doctrine-lint]\nx = " + "[" * 100_000 + "]" * 100_000 + "\n"},
            "deep.toml",
            "deep.toml: imbrication trop profonde",
        ),
        (
            {"deep2.toml": "[tool.doctrine-lint]\nx = " + "[" * 200 + "]" * 200 + "\n"},
            "deep2.toml",
            "deep2.toml:2:1: clé inconnue « x » (clés permises : " + ", ".join(config.KEYS) + ")",
        ),
        ({"c.yaml": "# rien\n"}, "c.yaml", "c.yaml:1:1: fichier vide : un document YAML est attendu"),
        (
            {"c.toml": b"[tool.doctrine-lint]\nlang = '\xff'\n"},
            "c.toml",
            "c.toml:2:9: fichier non encodé en UTF-8",
        ),
    ],
)
def test_explicit_config_file_problems(
    repo: Path, files: dict[str, str | bytes], given: str, expected: str
) -> None:
    for name, content in files.items():
        if name.endswith("/"):
            (repo / name).mkdir()
        elif isinstance(content, bytes):
            (repo / name).write_bytes(content)
        else:
            (repo / name).write_text(content, encoding="utf-8")
    code, _, err = run("m.yaml", "--date", PINNED_DATE, "--config", given)
    assert (code, err) == (2, f"doctrine-lint: erreur: {expected}\n")
