"""Issue 11, items 3 and 4: hostile manifests, packs and outputs give a located error (exit 2),
never an internal error or a hang.

The reproducers live in tests/hostile/crashes/ (each file says what it broke); every one ended
in exit 3 or took from seconds to forever before the fixes. Runs that could hang are bounded by
a timeout (subprocess) or SIGALRM.
"""

from __future__ import annotations

import errno
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from doctrine_lint import packs
from doctrine_lint.conditions import compile_condition
from doctrine_lint.errors import PackError
from doctrine_lint.jsonsubset import compile_schema
from doctrine_lint.logic import FALSE, TRUE, ConditionError, Context
from doctrine_lint.operators import MAX_MATCHED
from doctrine_lint.packs import load_pack
from doctrine_lint.saferegex import MAX_COUNT, regex_risk

from .conftest import EXAMPLES, PINNED_DATE, REPO
from .test_packs import HEADER, RULE

CORPUS = REPO / "tests" / "hostile" / "crashes"
CTX = Context(today=date(2026, 11, 28))
GOOD = str(EXAMPLES / "ent-second-degre.yaml")


def cli(*args: str, stdout: Any = subprocess.PIPE, env: dict[str, str] | None = None) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "doctrine_lint", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )
    return done.returncode, done.stderr


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the block runs longer than `seconds`."""

    def expire(*_: object) -> None:
        raise TimeoutError(f"more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# --- item 3: the corpus through the command line ---------------------------------------------

# file -> (command before the file, expected stderr lines as (line:col, fragment))
CASES: dict[str, tuple[tuple[str, ...], list[tuple[str, str]]]] = {
    "manifest-url-open-bracket.yaml": (
        (),
        [("4:8", "service.url : « https://[x » n'est pas une URL http(s)")],
    ),
    "manifest-hex-4800-digits.yaml": (
        (),
        [("4:12", "service.version : entier trop grand (environ 4817 chiffres)")],
    ),
    "manifest-int-above-1e308-unique.yaml": (
        (),
        [
            ("4:13", "service.degrees[0] : entier trop grand (environ 401 chiffres)"),
            ("4:416", "service.degrees[1] : entier trop grand"),
        ],
    ),
    "pack-int-above-1e308-unique.yaml": (
        ("rules", "--only-packs", "--pack"),
        [("11:9", 'identity_keys["a.b"][0] : entier trop grand'), ("11:412", 'identity_keys["a.b"][1]')],
    ),
    "pack-regex-alternation-30.yaml": (
        ("rules", "--only-packs", "--pack"),
        [("19:39", "expression régulière refusée : alternative sous un quantificateur")],
    ),
    "pack-regex-star-12.yaml": (
        ("rules", "--only-packs", "--pack"),
        [("19:39", "expression régulière refusée : quantificateurs imbriqués")],
    ),
    "pack-regex-dot-dot.yaml": (
        ("rules", "--only-packs", "--pack"),
        [("19:39", "expression régulière refusée : quantificateurs voisins qui peuvent lire les mêmes")],
    ),
    "pack-ref-chain-20.yaml": (
        ("rules", "--only-packs", "--pack"),
        [("19:39", "schéma trop grand une fois ses références « $ref » développées")],
    ),
}


def test_every_reproducer_has_a_case() -> None:
    assert sorted(CASES) == sorted(p.name for p in CORPUS.glob("*.yaml"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_reproducer_is_a_located_error(name: str) -> None:
    before, expected = CASES[name]
    started = time.monotonic()
    code, err = cli(*before, str(CORPUS / name))
    assert time.monotonic() - started < 20
    assert code == 2, err
    assert "Traceback" not in err and "erreur interne" not in err
    lines = [line for line in err.splitlines() if "clé obligatoire manquante" not in line]
    for (where, fragment), line in zip(expected, lines, strict=True):
        assert line.startswith(f"doctrine-lint: erreur: {CORPUS / name}:{where}: "), line
        assert fragment in line, line


def test_baseline_with_an_unprintable_number() -> None:
    code, err = cli(GOOD, "--date", PINNED_DATE, "--baseline", str(CORPUS / "baseline-5000-digits.json"))
    assert code == 2
    assert (
        err
        == f"doctrine-lint: erreur: {CORPUS / 'baseline-5000-digits.json'}: JSON invalide : nombre trop long\n"
    )


def test_ara_report_with_an_unprintable_number() -> None:
    from doctrine_lint.evidence import DEFAULT_LIMITS, EvidenceError
    from doctrine_lint.evidence.ara import read_ara_json

    with pytest.raises(EvidenceError) as exc:
        read_ara_json(b'{"accessibilityRate": ' + b"9" * 5000 + b"}", "ara.json", DEFAULT_LIMITS)
    assert [str(p) for p in exc.value.problems] == ["ara.json: JSON illisible (nombre trop long)"]


@pytest.mark.parametrize(
    ("items", "unique"),
    [
        ([10**400, 10**400], False),
        ([10**400, 10**400 + 1], True),
        ([2**60, 2**60 + 1], True),  # float() made these equal
        ([1, 1.0], False),
        ([1, True], True),
        ([[10**400], [10**400]], False),
    ],
)
def test_unique_items_compares_numbers_exactly(items: list[Any], unique: bool) -> None:
    assert compile_schema({"uniqueItems": True})(items) is unique


# --- item 3: standard output and the top level -----------------------------------------------


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [(GOOD, "--date", PINNED_DATE), (GOOD, "--format", "json"), ("rules",)])
def test_full_disk_on_standard_output(args: tuple[str, ...]) -> None:
    with open("/dev/full", "w", encoding="utf-8") as full:
        code, err = cli(*args, stdout=full)
    assert code == 2
    assert err == "doctrine-lint: erreur: sortie standard : écriture impossible : No space left on device\n"


def test_write_error_reaching_the_top_is_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from doctrine_lint import cli as cli_module

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cli_module.cli, "main", full)
    with pytest.raises(SystemExit) as info:
        cli_module.main()
    assert info.value.code == 2
    assert capsys.readouterr().err == (
        "doctrine-lint: erreur: sortie standard : écriture impossible : No space left on device\n"
    )


@pytest.mark.parametrize("debug", ["", "1"])
def test_internal_error_is_exit_3_whatever_the_debug_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], debug: str
) -> None:
    from doctrine_lint import cli as cli_module

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(cli_module.cli, "main", boom)
    monkeypatch.setenv("DOCTRINE_LINT_DEBUG", debug)
    with pytest.raises(SystemExit) as info:
        cli_module.main()
    assert info.value.code == 3
    err = capsys.readouterr().err
    assert err.endswith("doctrine-lint: erreur interne : RuntimeError: panne simulée\n")
    assert ("Traceback" in err) is bool(debug)


# --- item 4: regular expressions with bounded matching time ----------------------------------

REFUSED = [
    ("(?:x|\\w\\w?){30}$", "alternative sous un quantificateur"),
    ("(a*){12}b", "quantificateurs imbriqués"),
    ("(?:a?){25}", "quantificateurs imbriqués"),
    (".*.*=", "quantificateurs voisins"),
    ("\\w+\\w+=", "quantificateurs voisins"),
    ("a*a*=", "quantificateurs voisins"),
    (".*x.*=", "quantificateurs voisins"),
    ("\\S+@\\S+", "quantificateurs voisins"),
    ("^a*a*a*a*$", "quantificateurs voisins"),
    ("(?m)^a*a*$", "quantificateurs voisins"),  # ^ after every newline: not an anchor
    ("(?=.*.*x)", "quantificateurs voisins"),
    (".*?.?\\w{2}a$", "quantificateurs voisins"),  # an optional counts in the chain
    ("^a?a?a?aaa$", "quantificateurs voisins"),  # a?ⁿaⁿ: exponential
    ("(?i)A+[a-z]+=", "quantificateurs voisins"),
    ("[a-z]+[^0-9]+=", "quantificateurs voisins"),
    ("(a+)+", "quantificateurs imbriqués"),
    ("(a|aa)+", "alternative sous un quantificateur"),
    ("(a)\\1", "référence arrière"),
    (f"a{{{MAX_COUNT + 1}}}", "nombre de répétitions trop grand"),
    (f"^a{{2,{MAX_COUNT + 1}}}$", "nombre de répétitions trop grand"),
]

ACCEPTED = [
    "\\S",
    "^ENT ",
    "^https://",
    "^(saml2|oidc|cas)$",
    "^[0-9]+(\\.[0-9]+)?(\\.[0-9]+)?$",
    "^(?:[A-Z]{2},)*[A-Z]{2}$",
    "(?i)educonnect",
    "^x{2,3}$",
    "^a*a*$",  # anchored: two overlapping repeats stay quadratic
    "\\Aa*a*$",
    ".*=",
    "a*ba*=",  # b fixes where the first repeat stops
    "[^x]*x[^x]*=",
    "[a-z]+[0-9]+$",
    "[^@\\s]+@[^@\\s]+",
    "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$",
    "\\d+\\s+\\w+",
    f"^a{{{MAX_COUNT}}}$",
]


@pytest.mark.parametrize(("pattern", "reason"), REFUSED, ids=[p for p, _ in REFUSED])
def test_risky_regex_is_refused(pattern: str, reason: str) -> None:
    risk = regex_risk(pattern)
    assert risk is not None and reason in risk.fr and risk.en
    with pytest.raises(ConditionError) as exc:
        compile_condition({"path": "a", "matches": pattern})
    assert exc.value.where == ("matches",)
    with pytest.raises(ConditionError, match="refusé dans « schema »"):
        compile_condition({"path": "a", "schema": {"type": "string", "pattern": pattern}})


def _adversarial_texts(pattern: str) -> list[str]:
    """Long texts built from the pattern's own characters, each ending with one that breaks it."""
    letters = sorted({c for c in pattern if c.isprintable()} | {"a", "x", "@", ".", " ", "0"})
    return [c * (MAX_MATCHED - 1) + "!" for c in letters] + [("a@" * MAX_MATCHED)[: MAX_MATCHED - 1] + "\n"]


@pytest.mark.parametrize("pattern", ACCEPTED)
def test_accepted_regex_is_fast_on_the_longest_text(pattern: str) -> None:
    assert regex_risk(pattern) is None
    regex = re.compile(pattern)
    with deadline(10):  # the worst of these takes well under a second
        for text in _adversarial_texts(pattern):
            regex.search(text)


def _shipped_patterns() -> Iterator[str]:
    for path in sorted((REPO / "rules").glob("*.yaml")):
        stack: list[Any] = [yaml.safe_load(path.read_text(encoding="utf-8"))]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                for key in ("matches", "pattern"):
                    if isinstance(node.get(key), str):
                        yield node[key]
                if isinstance(node.get("patternProperties"), dict):
                    yield from node["patternProperties"]
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)


def test_every_shipped_pattern_is_accepted() -> None:
    patterns = sorted(set(_shipped_patterns()))
    assert patterns  # the packs do use regexes
    assert {p: regex_risk(p) for p in patterns} == dict.fromkeys(patterns)


def test_hostile_regex_no_longer_runs_on_a_manifest(write: Callable[..., Path]) -> None:
    pack = write(HEADER + RULE.replace("equals: true}", 'matches: "(a*){12}b"}'), "p.yaml")
    with deadline(10), pytest.raises(PackError) as exc:
        load_pack(pack)
    assert [(p.line, p.column) for p in exc.value.problems] == [(18, 39)]


def test_schema_pattern_never_runs_on_a_text_past_the_limit() -> None:
    check = compile_condition({"path": "a", "schema": {"type": "string", "pattern": "^x"}})
    assert check({"a": "x" * MAX_MATCHED}, CTX).state == TRUE
    assert check({"a": "x" * (MAX_MATCHED + 1)}, CTX).state == FALSE
    assert check({"a": "y"}, CTX).state == FALSE


# --- item 4: $ref chains and the load budget --------------------------------------------------


def _chain(depth: int, width: int = 2) -> dict[str, Any]:
    defs: dict[str, Any] = {f"d{i}": {"allOf": [{"$ref": f"#/$defs/d{i + 1}"}] * width} for i in range(depth)}
    defs[f"d{depth}"] = {"type": "boolean"}
    return {"$defs": defs, "$ref": "#/$defs/d0"}


def test_deep_ref_chain_is_refused_quickly() -> None:
    with deadline(10):
        started = time.monotonic()
        with pytest.raises(ConditionError, match="schéma trop grand") as exc:
            compile_condition({"path": "a", "schema": _chain(40)})
        assert time.monotonic() - started < 2
    assert exc.value.where == ("schema",)


@pytest.mark.parametrize("depth", [1, 5, 10])
def test_shallow_ref_chain_still_works(depth: int) -> None:
    check = compile_condition({"path": "a", "schema": _chain(depth)})
    assert check({"a": True}, CTX).state == TRUE
    assert check({"a": 1}, CTX).state == FALSE


def test_long_ref_chain_is_refused_by_depth_not_by_recursion() -> None:
    assert compile_condition({"path": "a", "schema": _chain(30, width=1)})({"a": False}, CTX).state == TRUE
    with deadline(10), pytest.raises(ConditionError, match="schéma trop profond"):
        compile_condition({"path": "a", "schema": _chain(2000, width=1)})  # was a RecursionError


def test_pack_load_budget_is_a_clear_error(
    write: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = write(HEADER + RULE, "p.yaml")
    monkeypatch.setenv("DOCTRINE_LINT_CACHE", "off")
    monkeypatch.setattr(packs, "PACK_LOAD_BUDGET", -1.0)
    with pytest.raises(PackError) as exc:
        load_pack(pack)
    assert [str(p) for p in exc.value.problems] == [
        f"{pack}: chargement du pack trop long (plus de -1 s) : réduire le pack ou simplifier ses conditions"
    ]
