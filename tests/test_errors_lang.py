"""Errors in the user's language (issue 12, item 7): every error and warning on stderr, click's
own usage errors included, follows --lang (or DOCTRINE_LINT_LANG); "did you mean" for mistyped
keys, values, rule ids, chapters, selectors and options; shell completion."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from doctrine_lint.cli import _error_lang, cli
from doctrine_lint.errors import Msg, Problem, cap_problems
from doctrine_lint.suggest import close_matches, did_you_mean, fold

from .conftest import EXAMPLES, PINNED_DATE
from .test_packs import HEADER, RULE

HOSTILE = Path(__file__).parent / "hostile"
EXAMPLE = (EXAMPLES / "ent-premier-degre.yaml").read_text(encoding="utf-8")


def run(args: list[str], lang: str | None = None, cwd: Path | None = None) -> tuple[int, str, str]:
    env = {"DOCTRINE_LINT_LANG": lang} if lang else {"DOCTRINE_LINT_LANG": ""}
    result = CliRunner().invoke(cli, args, env=env, prog_name="doctrine-lint")
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def _edited(old: str, new: str) -> str:
    assert old in EXAMPLE
    return EXAMPLE.replace(old, new, 1)


# --- a corpus of bad inputs: nothing French reaches stderr under --lang en --------------------

# Words and accents that only French has; the names of things in French tools (column titles,
# statuses, the référentiels) are data, not wording, and are removed before looking.
FRENCH = re.compile(
    r"[àâçéèêëîïôûùüÿœæ«»]|\b(le|la|les|des|du|est|une|un|pas|attendu|fichier|clé|valeur|erreur|"
    r"avertissement|inconnue?|ligne|colonne|Essayez|Utilisation|Erreur|dans|ou|et|règle)\b",
    re.IGNORECASE,
)
PROPER_NAMES = ("référentiel", "MonServiceSécurisé", "données additionnelles", "Critère", "Évaluation")

PACK_BROKEN = {
    "regex": RULE.replace("equals: true}", 'matches: "(a+)+"}'),
    "operator": RULE.replace("equals: true}", "equal: true}"),
    "path": RULE.replace("identity.admin_mfa", "identity..admin_mfa"),
    "chapter": RULE.replace('chapter: "6.1"', 'chapter: "6.2"'),
    "duplicate": RULE + RULE,
    "quantifier": RULE.replace("equals: true}", "equals: true, quantifier: few}"),
    "schema": RULE.replace("equals: true}", "schema: {$ref: 'http://x/y'}}"),
    "count": RULE.replace("equals: true}", "count: {min: -1}}"),
}


def _corpus_case(name: str, tmp_path: Path) -> list[str]:
    """The command line of one bad input (files written into tmp_path)."""
    m = tmp_path / "m.yaml"

    def manifest(text: str) -> list[str]:
        m.write_text(text, encoding="utf-8")
        return [str(m), "--date", PINNED_DATE]

    if name.startswith("hostile:"):
        return [str(HOSTILE / name.partition(":")[2]), "--date", PINNED_DATE]
    if name.startswith("yaml:"):
        return manifest(YAML_SYNTAX[name.partition(":")[2]])
    if name.startswith("pack:"):
        pack = tmp_path / "p.yaml"
        pack.write_text(HEADER + PACK_BROKEN[name.partition(":")[2]], encoding="utf-8")
        return ["rules", "--only-packs", "--pack", str(pack)]
    simple: dict[str, Callable[[], list[str]]] = {
        "utf16": lambda: (m.write_bytes("a: 1\n".encode("utf-16")), [str(m)])[1],
        "latin1": lambda: (m.write_bytes(b"a: caf\xa4\n"), [str(m)])[1],
        "empty": lambda: manifest(""),
        "root-list": lambda: manifest("- a\n- b\n"),
        "directory": lambda: [str(tmp_path)],
        "missing": lambda: [str(tmp_path / "absent.yaml")],
        "no-match": lambda: [str(tmp_path / "*.nothing.yaml")],
        "unknown-key": lambda: manifest(_edited("\nidentity:\n", "\nidentiy:\n")),
        "bad-enum": lambda: manifest(_edited("provider: educonnect", "provider: educonect")),
        "wrong-type": lambda: manifest(_edited("used_by_eple: false", "used_by_eple: [1]")),
        "number-for-text": lambda: manifest(_edited('version: "3.8.1"', "version: 3.10")),
        "bad-url": lambda: manifest(_edited("url: https://ent-ecoles.valbois.example.fr", "url: nowhere")),
        "duplicate-key": lambda: manifest(_edited("  kind: ent-1d\n", "  kind: ent-1d\n  kind: ent-2d\n")),
        "missing-required": lambda: manifest("manifest_version: 1\nservice: {}\n"),
        "huge-int": lambda: manifest("manifest_version: 1\nx: " + "9" * 400 + "\n"),
        "tag": lambda: manifest("manifest_version: !!binary aGk=\n"),
        "non-finite": lambda: manifest("manifest_version: .inf\n"),
        "waiver": lambda: manifest(
            EXAMPLE
            + "derogations:\n  - rule: RI-6.1-SS0\n    justification: a long enough reason for the waiver\n    approver: y\n"
            "    granted: 2026-01-01\n    expires: 2027-01-01\n"
        ),
        "evidence-kind": lambda: manifest(EXAMPLE + "evidence:\n  - kind: ara-jsn\n    path: x.json\n"),
        "evidence-outside": lambda: manifest(
            EXAMPLE + "evidence:\n  - kind: ara-json\n    path: ../x.json\n"
        ),
        "evidence-absolute": lambda: manifest(EXAMPLE + "evidence:\n  - kind: ara-json\n    path: /x.json\n"),
        "evidence-missing": lambda: manifest(EXAMPLE + "evidence:\n  - kind: ara-json\n    path: x.json\n"),
        "baseline-json": lambda: _with(tmp_path, "b.json", "{not json", ["--baseline"]),
        "baseline-format": lambda: _with(tmp_path, "b.json", '{"format_version": 1}', ["--baseline"]),
        "baseline-newer": lambda: _with(
            tmp_path, "b.json", '{"format_version": 99, "findings": []}', ["--baseline"]
        ),
        "baseline-missing": lambda: [
            str(EXAMPLES / "ent-premier-degre.yaml"),
            "--baseline",
            str(tmp_path / "none.json"),
        ],
        "profile-rule": lambda: _with(
            tmp_path,
            "p.yaml",
            "profile: {id: p, title: P}\nrequired_rules: [RI-6.1-SS0]\n",
            ["--profile"],
        ),
        "profile-chapter": lambda: _with(
            tmp_path,
            "p.yaml",
            "profile: {id: p, title: P}\nmin_scores: {chapters: {'securite:doctrine-6.l': 50}}\n",
            ["--profile"],
        ),
        "profile-schema": lambda: _with(tmp_path, "p.yaml", "profile: {id: p}\nextra: 1\n", ["--profile"]),
        "date": lambda: ["lint", "--date", "2026-13-01", "x.yaml"],
        "format": lambda: ["lint", "--format", "jsn", "x.yaml"],
        "option": lambda: ["lint", "--formt", "json", "x.yaml"],
        "option-value": lambda: ["lint", "x.yaml", "--output"],
        "range": lambda: ["lint", "--fail-under", "200", "x.yaml"],
        "report": lambda: ["lint", "--report", "yaml:x.out", "x.yaml"],
        "report-folder": lambda: ["lint", "--report", f"json:{tmp_path}/none/x.json", "x.yaml"],
        "only-packs": lambda: ["lint", "--only-packs", "x.yaml"],
        "no-manifest": lambda: ["lint"],
        "select": lambda: ["lint", "--select", "securit", str(EXAMPLES / "ent-premier-degre.yaml")],
        "explain-unknown": lambda: ["explain", "RI-6.1-SS0"],
        "explain-nothing": lambda: ["explain"],
        "schema-name": lambda: ["schema", "manifst"],
        "extra-argument": lambda: ["schema", "manifest", "report"],
        "import-kind": lambda: ["import", "ara-jsn", "x.json"],
        "import-missing": lambda: ["import", "ara-json", str(tmp_path / "x.json")],
        "ara-json": lambda: _import(tmp_path, "ara-json", "a.json", b'{"results": [1, 2'),
        "ara-json-shape": lambda: _import(
            tmp_path,
            "ara-json",
            "a.json",
            json.dumps(
                {"consultUniqueId": "", "auditType": "X", "results": {}, "accessibilityRate": "1"}
            ).encode(),
        ),
        "ara-csv": lambda: _import(tmp_path, "ara-csv", "a.csv", b"Crit\xc3\xa8res,x\n99.1,C\n"),
        "mss-csv": lambda: _import(tmp_path, "mss-csv", "m.csv", b"Nom;Statut\nx;y\n"),
        "rgesn-xlsx": lambda: _import(tmp_path, "rgesn-xlsx", "r.xlsx", b"not a zip"),
        "rgaa-ods": lambda: _import(tmp_path, "rgaa-grille-ods", "g.ods", b"PK\x03\x04 broken"),
        "config-key": lambda: _config(tmp_path, "c.yaml", "selcet: [securite]\ndate: 2026-01-01\n"),
        "config-value": lambda: _config(tmp_path, "c.yaml", "fail-on: majuer\nreports: [htm:x.html]\n"),
        "config-toml": lambda: _config(tmp_path, "pyproject.toml", "[tool.doctrine-lint\n"),
        "config-table": lambda: _config(tmp_path, "pyproject.toml", "[tool.other]\nx = 1\n"),
        "config-version": lambda: _config(tmp_path, "c.yaml", "version: 9\n"),
        "config-isolated": lambda: ["lint", "--config", "c.yaml", "--isolated", "x.yaml"],
        "stdin-twice": lambda: ["lint", "-", "-"],
        "stdin-filename": lambda: ["lint", "--stdin-filename", "m.yaml", "x.yaml"],
    }
    return simple[name]()


def _with(tmp_path: Path, name: str, text: str, option: list[str]) -> list[str]:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return [str(EXAMPLES / "ent-premier-degre.yaml"), "--date", PINNED_DATE, *option, str(tmp_path / name)]


def _config(tmp_path: Path, name: str, text: str) -> list[str]:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return ["lint", "--config", str(tmp_path / name), "x.yaml"]


def _import(tmp_path: Path, kind: str, name: str, data: bytes) -> list[str]:
    (tmp_path / name).write_bytes(data)
    return ["import", kind, str(tmp_path / name)]


YAML_SYNTAX = {
    "open-list": "a: [1, 2\nb: 3\n",
    "open-map": "a: {b: 1\nc: 2\n",
    "open-quote": 'a: "x\nb: 2\n',
    "tab": "a:\n\t- b\n",
    "colon": "a: b: c\n",
    "bad-key": "a: 1\n b: 2\n",
    "alias": "a: *nowhere\n",
    "second-document": "a: 1\n---\nb: 2\n",
    "escape": 'a: "\\q"\n',
    "at": "a: @x\n",
    "complex-key": "? [a]\n: 1\n",
}

CORPUS = [
    *(f"hostile:{p.name}" for p in sorted(HOSTILE.glob("*.yaml"))),
    *(f"hostile:crashes/{p.name}" for p in sorted((HOSTILE / "crashes").glob("manifest-*.yaml"))),
    *(f"yaml:{k}" for k in YAML_SYNTAX),
    *(f"pack:{k}" for k in PACK_BROKEN),
    "utf16",
    "latin1",
    "empty",
    "root-list",
    "directory",
    "missing",
    "no-match",
    "unknown-key",
    "bad-enum",
    "wrong-type",
    "number-for-text",
    "bad-url",
    "duplicate-key",
    "missing-required",
    "huge-int",
    "tag",
    "non-finite",
    "waiver",
    "evidence-kind",
    "evidence-outside",
    "evidence-absolute",
    "evidence-missing",
    "baseline-json",
    "baseline-format",
    "baseline-newer",
    "baseline-missing",
    "profile-rule",
    "profile-chapter",
    "profile-schema",
    "date",
    "format",
    "option",
    "option-value",
    "range",
    "report",
    "report-folder",
    "only-packs",
    "no-manifest",
    "select",
    "explain-unknown",
    "explain-nothing",
    "schema-name",
    "extra-argument",
    "import-kind",
    "import-missing",
    "ara-json",
    "ara-json-shape",
    "ara-csv",
    "mss-csv",
    "rgesn-xlsx",
    "rgaa-ods",
    "config-key",
    "config-value",
    "config-toml",
    "config-table",
    "config-version",
    "config-isolated",
    "stdin-twice",
    "stdin-filename",
]


@pytest.mark.parametrize("case", CORPUS)
def test_no_french_on_stderr_in_english(case: str, tmp_path: Path) -> None:
    code, _, err = run(_corpus_case(case, tmp_path), lang="en")
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert any(line.startswith(("doctrine-lint: error: ", "Error: ")) for line in lines), err
    for line in lines:
        if line.startswith(("Usage:", "Try ")):
            continue
        text = line
        for name in PROPER_NAMES:
            text = text.replace(name, "")
        # what the input itself holds (a file name, a quoted value or column title) is shown as written
        text = text.replace(str(tmp_path), "").replace(str(HOSTILE), "")
        text = re.sub(r'"[^"]*"', "", text)
        assert not FRENCH.search(text), line


@pytest.mark.parametrize(
    "case", ["unknown-key", "date", "option", "explain-unknown", "pack:regex", "ara-csv"]
)
def test_the_same_inputs_stay_french_by_default(case: str, tmp_path: Path) -> None:
    code, _, err = run(_corpus_case(case, tmp_path))
    assert code == 2
    assert err.startswith(("doctrine-lint: erreur: ", "Utilisation : ", "Erreur : ")), err
    assert "error:" not in err and "Error:" not in err


# --- where the language comes from ------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        ([], None, "fr"),
        (["lint", "--lang", "en", "x"], None, "en"),
        (["lint", "--lang=en", "x"], None, "en"),
        (["--lang", "en", "lint"], None, "en"),
        (["lint", "--lang", "en", "--lang", "fr"], None, "fr"),  # the last one wins, as click reads it
        (["lint", "--lang", "de"], None, "fr"),  # not a language: click reports it, in French
        (["lint"], "en", "en"),
        (["lint", "--lang", "fr"], "en", "fr"),  # the command line wins over the environment
        (["lint"], "de", "fr"),
        (["lint", "--", "--lang", "en"], None, "fr"),  # after --, a file name
    ],
)
def test_error_language_is_read_before_parsing(
    args: list[str], env: str | None, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if env is None:
        monkeypatch.delenv("DOCTRINE_LINT_LANG", raising=False)
    else:
        monkeypatch.setenv("DOCTRINE_LINT_LANG", env)
    assert _error_lang(args) == expected


# --- click's own messages ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "lang", "usage", "error"),
    [
        (
            ["lint", "--date", "2026-13-01", "x.yaml"],
            "fr",
            "Utilisation : doctrine-lint lint [OPTIONS] MANIFESTE…\n"
            "Essayez « doctrine-lint lint --help » pour l'aide.",
            "Erreur : valeur invalide pour « --date » : « 2026-13-01 » n'est pas une date AAAA-MM-JJ",
        ),
        (
            ["lint", "--date", "2026-13-01", "--lang", "en", "x.yaml"],
            "",
            "Usage: doctrine-lint lint [OPTIONS] MANIFESTE…\nTry 'doctrine-lint lint --help' for help.",
            "Error: Invalid value for '--date': '2026-13-01' is not a YYYY-MM-DD date",
        ),
        (
            ["lint", "--format", "jsn", "x.yaml"],
            "fr",
            None,
            "Erreur : valeur invalide pour « --format » : 'jsn' n'est pas parmi 'text', 'concise', 'github', "
            "'json', 'jsonl', 'sarif', 'junit', 'gitlab', 'markdown', 'html'.",
        ),
        (
            ["lint", "--format", "jsn", "x.yaml"],
            "en",
            None,
            "Error: Invalid value for '--format': 'jsn' is not one of 'text', 'concise', 'github', "
            "'json', 'jsonl', 'sarif', 'junit', 'gitlab', 'markdown', 'html'.",
        ),
        (
            ["lint", "--formt", "json", "x.yaml"],
            "fr",
            None,
            "Erreur : option inconnue : « --formt » (vouliez-vous dire « --format » ou « --report » ?)",
        ),
        (
            ["lint", "--formt", "json", "x.yaml"],
            "en",
            None,
            "Error: No such option '--formt'. (Did you mean one of: '--format', '--report'?)",
        ),
        (
            ["lint", "--fail-under", "200", "x.yaml"],
            "fr",
            None,
            "Erreur : valeur invalide pour « --fail-under » : 200.0 n'est pas dans l'intervalle 0<=x<=100.",
        ),
        (
            ["lint", "--fail-under", "200", "x.yaml"],
            "en",
            None,
            "Error: Invalid value for '--fail-under': 200.0 is not in the range 0<=x<=100.",
        ),
        (["lint", "x.yaml", "--output"], "fr", None, "Erreur : l'option '--output' attend une valeur."),
        (["lint", "x.yaml", "--output"], "en", None, "Error: Option '--output' requires an argument."),
        (
            ["schema", "manifest", "report"],
            "fr",
            "Utilisation : doctrine-lint schema [OPTIONS] [manifest|rulepack|report|profile|config|diff|review]\n"
            "Essayez « doctrine-lint schema --help » pour l'aide.",
            "Erreur : argument en trop (report)",
        ),
        (["schema", "manifest", "report"], "en", None, "Error: Got unexpected extra argument (report)"),
        (
            ["lint"],
            "fr",
            None,
            "Erreur : aucun manifeste donné (doctrine-lint MANIFESTE.yaml…, ou - pour l'entrée standard)",
        ),
        (
            ["lint"],
            "en",
            None,
            "Error: no manifest given (doctrine-lint MANIFEST.yaml…, or - for standard input)",
        ),
        (
            ["lint", "--stdin-filename", "m.yaml", "x.yaml"],
            "en",
            None,
            'Error: --stdin-filename names the manifest read on standard input: give "-" too',
        ),
        (
            ["lint", "--config", "c.yaml", "--isolated", "x.yaml"],
            "en",
            None,
            "Error: --config and --isolated exclude each other (--isolated ignores every configuration file)",
        ),
        (
            ["explain"],
            "fr",
            None,
            "Erreur : donnez soit un identifiant de règle, soit --score MANIFESTE",
        ),
        (["explain"], "en", None, "Error: give either a rule id or --score MANIFEST"),
    ],
)
def test_click_errors_follow_the_language(args: list[str], lang: str, usage: str | None, error: str) -> None:
    code, out, err = run(args, lang=lang)
    assert code == 2 and out == ""
    assert err.rstrip("\n").splitlines()[-1] == error
    if usage is not None:
        # click wraps the usage line at the terminal's width: compared without whitespace
        assert re.sub(r"\s+", "", err).startswith(re.sub(r"\s+", "", usage)), err
        assert err.split("\n\n")[0].endswith(usage.splitlines()[-1]), err


def test_help_texts_are_left_as_they_are() -> None:
    fr = run(["lint", "--help"])[1]
    en = run(["lint", "--help"], lang="en")[1]
    assert fr == en
    assert fr.startswith("Usage: doctrine-lint lint [OPTIONS] MANIFESTE…")
    assert "Show this message and exit." in fr


# --- our own stderr lines: prefix and message -------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "doctrine-lint: erreur: {m}:50:1: identiy : clé inconnue (vouliez-vous dire « identity » ?)"),
        ("en", 'doctrine-lint: error: {m}:50:1: identiy: unknown key (did you mean "identity"?)'),
    ],
)
def test_error_prefix_and_message_follow_the_language(lang: str, expected: str, tmp_path: Path) -> None:
    m = tmp_path / "m.yaml"
    m.write_text(_edited("\nidentity:\n", "\nidentiy:\n"), encoding="utf-8")
    code, _, err = run([str(m), "--date", PINNED_DATE, "--lang", lang])
    assert code == 2
    assert err.splitlines() == [expected.format(m=m)]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "doctrine-lint: avertissement: --select/--ignore : « RI-6.1-OLD » est l'ancien identifiant"),
        ("en", "doctrine-lint: warning: --select/--ignore: rule id RI-6.1-OLD was renamed"),
    ],
)
def test_warnings_follow_the_language(lang: str, expected: str, tmp_path: Path) -> None:
    pack = tmp_path / "p.yaml"
    pack.write_text(
        HEADER.replace("rules:\n", "renamed: {RI-6.1-OLD: T-6.1-A}\nrules:\n") + RULE, encoding="utf-8"
    )
    code, _, err = run(
        ["rules", "--only-packs", "--pack", str(pack), "--select", "RI-6.1-OLD", "--lang", lang]
    )
    assert code == 0
    assert err.startswith(expected), err


def test_omitted_problems_are_counted_in_both_languages() -> None:
    problems = [Problem.at("m.yaml", i, 1, Msg("x", "x")) for i in range(1, 5)]
    last = cap_problems(problems, limit=2)[-1]
    assert (last.render("fr"), last.render("en")) == (
        "m.yaml: … et 2 autres erreurs non affichées",
        "m.yaml: … and 2 more errors not shown",
    )


# --- "did you mean" ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "where", "fr", "en"),
    [
        (
            "\nidentity:\n",
            "\nidentiy:\n",
            "50:1",
            "identiy : clé inconnue (vouliez-vous dire « identity » ?)",
            'identiy: unknown key (did you mean "identity"?)',
        ),
        (
            "      via: proconnect\n      protocol: oidc\n    - audience: personnels",
            "      vai: proconnect\n      protocol: oidc\n    - audience: personnels",
            "67:7",
            "identity.providers[2].vai : clé inconnue (vouliez-vous dire « via » ?)",
            'identity.providers[2].vai: unknown key (did you mean "via"?)',
        ),
        (
            "provider: educonnect",
            "provider: educonect",
            "60:17",
            "identity.providers[1].provider : valeur « educonect » non reconnue (vouliez-vous dire "
            "« educonnect » ou « franceconnect » ?) (valeurs permises : educonnect, idp-academique, "
            "franceconnect, ent, gar, comptes-locaux, autre)",
            'identity.providers[1].provider: value "educonect" not recognised (did you mean "educonnect" '
            'or "franceconnect"?) (allowed values: educonnect, idp-academique, franceconnect, ent, gar, '
            "comptes-locaux, autre)",
        ),
        (
            "provider: educonnect",
            "provider: EduConnect",
            "60:17",
            "identity.providers[1].provider : valeur « EduConnect » non reconnue (vouliez-vous dire "
            "« educonnect » ?) (valeurs permises : educonnect, idp-academique, franceconnect, ent, gar, "
            "comptes-locaux, autre)",
            'identity.providers[1].provider: value "EduConnect" not recognised (did you mean "educonnect"?) '
            "(allowed values: educonnect, idp-academique, franceconnect, ent, gar, comptes-locaux, autre)",
        ),
        (
            "provider: educonnect",
            "provider: éduconnect",
            "60:17",
            "identity.providers[1].provider : valeur « éduconnect » non reconnue (vouliez-vous dire "
            "« educonnect » ?) (valeurs permises : educonnect, idp-academique, franceconnect, ent, gar, "
            "comptes-locaux, autre)",
            'identity.providers[1].provider: value "éduconnect" not recognised (did you mean "educonnect"?) '
            "(allowed values: educonnect, idp-academique, franceconnect, ent, gar, comptes-locaux, autre)",
        ),
        (
            "degrees: [premier-degre]",
            "degrees: [premier-degré]",
            "21:13",
            "service.degrees[0] : valeur « premier-degré » non reconnue (vouliez-vous dire « premier-degre » ?)",
            'service.degrees[0]: value "premier-degré" not recognised (did you mean "premier-degre"?)',
        ),
    ],
)
def test_manifest_typos_get_a_suggestion_at_their_place(
    old: str, new: str, where: str, fr: str, en: str, tmp_path: Path
) -> None:
    m = tmp_path / "m.yaml"
    m.write_text(_edited(old, new), encoding="utf-8")
    for lang, message in (("fr", fr), ("en", en)):
        code, _, err = run([str(m), "--date", PINNED_DATE, "--lang", lang])
        assert code == 2
        (line,) = err.splitlines()
        assert line.split(": ", 2)[2].startswith(f"{m}:{where}: {message}"), line


@pytest.mark.parametrize(
    ("args", "fr", "en"),
    [
        (
            ["explain", "RI-6.1-SS0"],
            "explain: règle inconnue : RI-6.1-SS0 (vouliez-vous dire « RI-6.1-SSO » ?)",
            'explain: unknown rule: RI-6.1-SS0 (did you mean "RI-6.1-SSO"?)',
        ),
        (
            ["explain", "ri-6.1-sso"],
            "explain: règle inconnue : ri-6.1-sso (vouliez-vous dire « RI-6.1-SSO » ?)",
            'explain: unknown rule: ri-6.1-sso (did you mean "RI-6.1-SSO"?)',
        ),
        (
            ["explain", "ZZZ-9"],
            "explain: règle inconnue : ZZZ-9 (voir doctrine-lint rules)",
            "explain: unknown rule: ZZZ-9 (see doctrine-lint rules)",
        ),
        (
            ["rules", "--select", "securit"],
            "--select/--ignore: « securit » ne désigne aucune règle chargée (vouliez-vous dire « securite »",
            '--select/--ignore: "securit" designates no loaded rule (did you mean "securite"',
        ),
        (
            ["rules", "--select", "doctrine-6.l"],
            "--select/--ignore: « doctrine-6.l » ne désigne aucune règle chargée (vouliez-vous dire "
            "« doctrine-6.1 »",
            '--select/--ignore: "doctrine-6.l" designates no loaded rule (did you mean "doctrine-6.1"',
        ),
        (
            ["rules", "--ignore", "RI-6.1-SS0"],
            "--select/--ignore: « RI-6.1-SS0 » ne désigne aucune règle chargée (vouliez-vous dire "
            "« RI-6.1-SSO »",
            '--select/--ignore: "RI-6.1-SS0" designates no loaded rule (did you mean "RI-6.1-SSO"',
        ),
        (
            ["rules", "--select", "securite:doctrine-6.1.5"],
            "--select/--ignore: « securite:doctrine-6.1.5 » ne désigne aucune règle chargée (vouliez-vous "
            "dire « securite:doctrine-6.1.4 »",
            '--select/--ignore: "securite:doctrine-6.1.5" designates no loaded rule (did you mean '
            '"securite:doctrine-6.1.4"',
        ),
    ],
)
def test_command_line_typos_get_a_suggestion(args: list[str], fr: str, en: str) -> None:
    for lang, message in (("fr", fr), ("en", en)):
        code, _, err = run([*args, "--lang", lang])
        assert code == 2
        (line,) = err.splitlines()
        kind = "erreur" if lang == "fr" else "error"
        assert line.startswith(f"doctrine-lint: {kind}: {message}"), line


@pytest.mark.parametrize(
    ("profile", "where", "fr", "en"),
    [
        (
            "profile: {id: p, title: P}\nrequired_rules: [RI-6.1-SS0]\n",
            "2:18",
            "règle inconnue : RI-6.1-SS0 (vouliez-vous dire « RI-6.1-SSO » ?)",
            'unknown rule: RI-6.1-SS0 (did you mean "RI-6.1-SSO"?)',
        ),
        (
            "profile: {id: p, title: P}\nmin_scores:\n  chapters:\n    'securite:doctrine-6.l': 50\n",
            "4:5",
            "chapitre inconnu : securite:doctrine-6.l (vouliez-vous dire « securite:doctrine-6.1.4 »",
            'unknown chapter: securite:doctrine-6.l (did you mean "securite:doctrine-6.1.4"',
        ),
    ],
)
def test_profile_typos_get_a_suggestion_at_their_place(
    profile: str, where: str, fr: str, en: str, tmp_path: Path
) -> None:
    p = tmp_path / "p.yaml"
    p.write_text(profile, encoding="utf-8")
    for lang, message in (("fr", fr), ("en", en)):
        code, _, err = run(
            [
                str(EXAMPLES / "ent-premier-degre.yaml"),
                "--date",
                PINNED_DATE,
                "--profile",
                str(p),
                "--lang",
                lang,
            ]
        )
        assert code == 2
        (line,) = err.splitlines()
        assert line.split(": ", 2)[2].startswith(f"{p}:{where}: {message}"), line


def test_a_waiver_of_a_mistyped_rule_gets_a_suggestion(tmp_path: Path) -> None:
    m = tmp_path / "m.yaml"
    m.write_text(
        EXAMPLE
        + "derogations:\n  - rule: RI-6.1-SS0\n    justification: a long enough reason for the waiver\n    approver: y\n"
        "    granted: 2026-01-01\n    expires: 2027-01-01\n",
        encoding="utf-8",
    )
    line = EXAMPLE.count("\n") + 2
    code, _, err = run([str(m), "--date", PINNED_DATE, "--lang", "en"])
    assert code == 2
    assert err.splitlines() == [
        f'doctrine-lint: error: {m}:{line}:11: waiver of an unknown rule: RI-6.1-SS0 (did you mean "RI-6.1-SSO"?)'
    ]


@pytest.mark.parametrize(
    ("word", "candidates", "expected"),
    [
        ("identiy", ["identity", "service", "security"], ["identity"]),
        ("educonect", ["educonnect", "franceconnect", "gar"], ["educonnect", "franceconnect"]),
        ("EDUCONNECT", ["educonnect", "franceconnect"], ["educonnect"]),  # case alone: that one only
        ("Sécurité", ["securite", "security-txt"], ["securite"]),  # accents alone: that one only
        ("zzz", ["identity", "service"], []),
        ("identity", ["identity"], []),  # never the word itself
    ],
)
def test_close_matches(word: str, candidates: list[str], expected: list[str]) -> None:
    assert close_matches(word, candidates) == expected


def test_did_you_mean_wording() -> None:
    assert did_you_mean("identiy", ["identity"]) == Msg(
        " (vouliez-vous dire « identity » ?)", ' (did you mean "identity"?)'
    )
    assert did_you_mean(3, ["3"]) == Msg("", "")  # a number typed where a key was: nothing to say
    assert fold("Éduconnect") == "educonnect"


# --- shell completion -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shell", "marker"), [("bash", "complete -o"), ("zsh", "#compdef"), ("fish", "complete")]
)
def test_completion_script_is_produced(shell: str, marker: str) -> None:
    result = CliRunner().invoke(
        cli, [], env={"_DOCTRINE_LINT_COMPLETE": f"{shell}_source"}, prog_name="doctrine-lint"
    )
    assert result.exit_code == 0
    assert "_doctrine_lint_completion" in result.stdout and marker in result.stdout


def _complete(words: str) -> list[str]:
    parts = words.split(" ")
    result = CliRunner().invoke(
        cli,
        [],
        env={
            "_DOCTRINE_LINT_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(parts) - 1),
        },
        prog_name="doctrine-lint",
    )
    assert result.exit_code == 0
    return [line.partition(",")[2] for line in result.stdout.splitlines()]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (
            "doctrine-lint --format ",
            ["text", "concise", "github", "json", "jsonl", "sarif", "junit", "gitlab", "markdown", "html"],
        ),
        ("doctrine-lint lint --lang ", ["fr", "en"]),
        ("doctrine-lint explain RI-6.1-S", ["RI-6.1-SSO", "RI-6.1-SSO-RECOMMANDEE"]),
        (
            "doctrine-lint lint --select securite:doctrine-6.1.",
            ["securite:doctrine-6.1.1", "securite:doctrine-6.1.4"],
        ),
    ],
)
def test_completion_offers_choices_and_rule_ids(words: str, expected: list[str]) -> None:
    assert _complete(words) == expected


@pytest.mark.parametrize(
    ("config", "args", "prefix"),
    [
        ("lang: en\n", [], "doctrine-lint: error: "),
        ("lang: en\n", ["--lang", "fr"], "doctrine-lint: erreur: "),  # the command line wins
        ("lang: fr\n", [], "doctrine-lint: erreur: "),
    ],
)
def test_a_configuration_file_s_lang_applies_to_the_errors_after_it(
    config: str, args: list[str], prefix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".doctrine-lint.yaml").write_text(config, encoding="utf-8")
    (tmp_path / "m.yaml").write_text(_edited("\nidentity:\n", "\nidentiy:\n"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["m.yaml", "--date", PINNED_DATE, *args])
    assert code == 2
    assert err.splitlines()[0].startswith(f"{prefix}m.yaml:50:1: identiy"), err


def test_a_configuration_file_s_own_errors_are_in_the_command_line_s_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".doctrine-lint.yaml").write_text("lang: en\nselcet: [securite]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run(["m.yaml"])[2] == (
        "doctrine-lint: erreur: .doctrine-lint.yaml:2:1: clé inconnue « selcet » (vouliez-vous dire « select » ?)\n"
    )
    assert run(["m.yaml"], lang="en")[2] == (
        'doctrine-lint: error: .doctrine-lint.yaml:2:1: unknown key "selcet" (did you mean "select"?)\n'
    )
