"""Fuzzing kept in the repository (hypothesis): hostile inputs never give an internal error.

Property, for every case: the run ends with exit code 0, 1 or 2 (never an exception that would be
exit 3 or a traceback), within `MAX_SECONDS`, and without the process's peak memory growing by more
than `MAX_RSS_GROWTH`. Strategies: byte mutations of the bundled examples, of a small pack and of
the hostile corpus (`tests/hostile/`); manifests generated from the manifest schema, well typed or
not; random command lines (formats, options, baselines, profiles, packs, sub-commands).

Budget: `DOCTRINE_LINT_FUZZ_EXAMPLES` cases per test (default 15: a few seconds, run in CI and
derandomised there so that CI stays reproducible). A longer, random run by hand:

    DOCTRINE_LINT_FUZZ_EXAMPLES=20000 DOCTRINE_LINT_FUZZ_LOG=fuzz.log pytest tests/test_fuzz.py

`DOCTRINE_LINT_FUZZ_LOG` appends, per test, the count of cases, the slowest case and its time.
A case that fails is shrunk by hypothesis and printed: add it to `tests/hostile/` (see
docs/maintenance.md) so it stays a regression case.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doctrine_lint.cli import cli
from doctrine_lint.document import node_bound
from doctrine_lint.errors import DoctrineLintError
from doctrine_lint.formats import FORMATS, RenderOptions, get_formatter
from doctrine_lint.linter import LintOptions, lint
from doctrine_lint.model import Severity
from doctrine_lint.packs import Pack, load_packs

from .conftest import EXAMPLES, REPO
from .test_formats_ci import PACK, PROFILE

HOSTILE = Path(__file__).parent / "hostile"
DEFAULT_EXAMPLES = 15
EXAMPLES_PER_TEST = int(os.environ.get("DOCTRINE_LINT_FUZZ_EXAMPLES", DEFAULT_EXAMPLES))
FUZZ_LOG = os.environ.get("DOCTRINE_LINT_FUZZ_LOG")
MAX_SECONDS = 10.0
MAX_RSS_GROWTH = 512 * 1024 * 1024
TODAY = date(2026, 11, 28)

FUZZ = settings(
    max_examples=EXAMPLES_PER_TEST,
    deadline=None,  # time is bounded by `bounded` below, with a margin a loaded CI machine keeps
    derandomize=EXAMPLES_PER_TEST == DEFAULT_EXAMPLES,
    database=None,  # nothing written into the working tree
    suppress_health_check=list(HealthCheck),
)

SEEDS = [
    *(p.read_bytes() for p in sorted(EXAMPLES.glob("*.yaml"))),
    *(p.read_bytes() for p in sorted(HOSTILE.glob("*.yaml")) if p.stat().st_size < 64 * 1024),
]
# Reproducers of the crashes of issue 11 item 3 (an unclosed IPv6 bracket in a URL, integers of
# 4,300+ digits): fixed, and fuzzed like any other fragment.
FIXED_CRASHES = [b"https://[x", b"0x" + b"f" * 4000, b"9" * 4400]
# Fragments an attacker would try: control and escape sequences, bidi overrides, YAML syntax that
# opens constructs, tags, anchors and aliases, huge or non-finite numbers, long lines, deep nesting.
TOKENS = [
    b"\x1b[2J",
    b"\x1b]52;c;SGVsbG8=\x07",
    b"\x07",
    b"\x00",
    b"\x7f",
    b"\x85",
    b"\t",
    b"\r",
    b"\r\n",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xe9",
    "\u202e".encode(),
    "\u2028".encode(),
    b"\\u202e",
    b"\n",
    b"\n  ",
    b"\n- ",
    b": ",
    b"- ",
    b"? ",
    b"[",
    b"]",
    b"{",
    b"}",
    b",",
    b"'",
    b'"',
    b"|",
    b">-",
    b"#",
    b"&a ",
    b"*a",
    b"<<: *a\n",
    b"!!binary ",
    b"!!set ",
    b"!!python/object:os.system ",
    b"!!int ",
    b"!!float ",
    b"!custom ",
    b"%YAML 1.1\n---\n",
    b"---\n",
    b"...\n",
    b"~",
    b"null",
    b"yes",
    b"1e400",
    b"-.inf",
    b".nan",
    b"0x" + b"f" * 400,
    *FIXED_CRASHES,
    b"9" * 400,
    b"1" * 310,
    b"2026-02-30",
    b"4.1",
    b"3.10",
    b"[" * 700,
    b"{a: " * 120,
    b"a" * 700,
    b"- " * 120,
]


# ---------------------------------------------------------------- bounds and records


class _Record:
    cases = 0
    slowest = 0.0
    slowest_case = ""


_RECORDS: dict[str, _Record] = {}


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)


@contextmanager
def bounded(test: str, case: object) -> Iterator[None]:
    """Time and peak memory of one case, checked against the bounds; recorded for the log. The
    peak is the process's: a case fails when it raises that peak by more than the bound (slow
    growth over thousands of in-process cases — caches, hypothesis's own data — is not a case's)."""
    base = _peak_rss()
    start = time.perf_counter()
    yield
    elapsed = time.perf_counter() - start
    record = _RECORDS.setdefault(test, _Record())
    record.cases += 1
    if elapsed > record.slowest:
        record.slowest, record.slowest_case = elapsed, repr(case)[:300]
    assert elapsed < MAX_SECONDS, f"case took {elapsed:.1f} s: {case!r:.300}"
    grown = _peak_rss() - base
    assert grown < MAX_RSS_GROWTH, f"peak memory grew by {grown >> 20} MiB: {case!r:.300}"


@pytest.fixture(scope="module", autouse=True)
def _log_records() -> Iterator[None]:
    yield
    if FUZZ_LOG:
        with open(FUZZ_LOG, "a", encoding="utf-8") as fh:
            for test, r in sorted(_RECORDS.items()):
                fh.write(f"{test}\t{r.cases} cases\tslowest {r.slowest:.3f} s\t{r.slowest_case}\n")


@cache
def shipped() -> list[Pack]:
    return load_packs([], shipped=True)


def lint_in_process(path: Path, fmt: str, options: LintOptions, packs: list[Pack] | None = None) -> int:
    """The CLI's lint path without the process: 2 for bad input, else the report's exit code.
    Any other exception escapes, and is the failure hypothesis looks for (exit 3)."""
    try:
        report = lint([str(path)], shipped() if packs is None else packs, options)
    except DoctrineLintError:
        return 2
    get_formatter(fmt)(report, RenderOptions(lang="fr", show_all=True))
    return 2 if report.errors else int(report.exit_code)


# ---------------------------------------------------------------- strategies


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes] = SEEDS) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(("insert", "replace", "delete", "duplicate", "flip", "truncate")))
        at = draw(st.integers(0, len(data)))
        width = draw(st.integers(0, 64))
        if op == "insert":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif op == "replace":
            data[at : at + width] = draw(st.sampled_from(TOKENS))
        elif op == "delete":
            del data[at : at + width]
        elif op == "duplicate":
            data[at:at] = data[at : at + width] * draw(st.integers(1, 50))
        elif op == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif op == "truncate":
            del data[at:]
    return bytes(data)


def _schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REPO / "schemas" / "manifest.schema.json").read_text(encoding="utf-8"))
    return data


_JSON_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**80), 2**80),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
_ANY_JSON = st.recursive(
    _JSON_LEAF,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def from_schema(node: dict[str, Any], root: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values for a JSON Schema node (the subset the manifest schema uses), sometimes ill-typed."""
    if depth > 8:
        return st.none()
    if "$ref" in node:
        target: Any = root
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return from_schema(target, root, depth + 1)
    if "const" in node:
        return st.just(node["const"])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    choices = node.get("anyOf") or node.get("oneOf")
    if choices:
        return st.one_of([from_schema(c, root, depth + 1) for c in choices])
    kind = node.get("type")
    if isinstance(kind, list):
        return st.one_of([from_schema({**node, "type": k}, root, depth) for k in kind])
    if kind == "object" or "properties" in node:
        props = node.get("properties", {})
        required = set(node.get("required", []))
        return st.fixed_dictionaries(
            {k: from_schema(v, root, depth + 1) for k, v in props.items() if k in required},
            optional={k: from_schema(v, root, depth + 1) for k, v in props.items() if k not in required},
        )
    if kind == "array":
        return st.lists(from_schema(node.get("items", {}), root, depth + 1), max_size=4)
    if kind == "string":
        fmt = node.get("format")
        if fmt == "date":
            return st.dates().map(str) | st.text(max_size=12)
        if fmt in ("uri", "url"):
            return st.sampled_from(["https://example.org/a", "http://", "ftp://x", "https://[x"]) | st.text(
                max_size=30
            )
        return st.text(min_size=node.get("minLength", 0), max_size=30)
    if kind == "integer":
        return st.integers(-(10**6), 10**6) | st.integers(-(2**80), 2**80)
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(10**6), 10**6)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    return _ANY_JSON


@cache
def _manifest_strategy() -> st.SearchStrategy[Any]:
    schema = _schema()
    return from_schema(schema, schema)


@st.composite
def schema_manifest(draw: st.DrawFn) -> Any:
    data = draw(_manifest_strategy())
    if isinstance(data, dict) and draw(st.booleans()):
        # one field replaced by a value of any type: the validator must name it, not crash
        path = draw(st.sampled_from(sorted(data))) if data else "x"
        data[path] = draw(_ANY_JSON)
    return data


# ---------------------------------------------------------------- properties


def _write(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


@FUZZ
@given(data=mutated(), fmt=st.sampled_from(sorted(FORMATS)))
def test_mutated_manifests_never_crash(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, fmt: str
) -> None:
    path = _write(tmp_path_factory.mktemp("m"), "m.yaml", data)
    with bounded("mutated-manifests", data):
        assert lint_in_process(path, fmt, LintOptions(today=TODAY)) in (0, 1, 2)


@FUZZ
@given(data=schema_manifest(), fmt=st.sampled_from(sorted(FORMATS)))
def test_schema_generated_manifests_never_crash(
    tmp_path_factory: pytest.TempPathFactory, data: Any, fmt: str
) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path = _write(tmp_path_factory.mktemp("s"), "m.yaml", text.encode("utf-8"))
    with bounded("schema-manifests", text):
        assert lint_in_process(path, fmt, LintOptions(today=TODAY, fail_on=Severity.INFO)) in (0, 1, 2)


@FUZZ
@given(data=mutated([PACK.encode("utf-8")]))
def test_mutated_packs_never_crash(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    folder = tmp_path_factory.mktemp("p")
    pack = _write(folder, "pack.yaml", data)
    manifest = EXAMPLES / "service-tiers-non-conforme.yaml"
    with bounded("mutated-packs", data):
        try:
            packs = load_packs([str(pack)], shipped=False)
        except DoctrineLintError:
            return
        assert lint_in_process(manifest, "json", LintOptions(today=TODAY), packs) in (0, 1, 2)


_TEXT_ARG = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@st.composite
def command_line(draw: st.DrawFn, folder: Path) -> list[str]:
    """A command line: a sub-command with random options, some of them files made hostile."""
    manifest = draw(
        st.sampled_from([*sorted(EXAMPLES.glob("*.yaml")), folder / "m.yaml", folder, Path("absent.yaml")])
    )
    (folder / "m.yaml").write_bytes(draw(mutated()))
    command = draw(st.sampled_from(("lint", "lint", "lint", "rules", "explain", "schema", "import")))
    if command == "rules":
        return [
            "rules",
            "--format",
            draw(st.sampled_from(["text", "json", "markdown", "x"])),
            *draw(
                st.lists(
                    st.sampled_from(["--select", "securite", "--lang", "en", "--only-packs"]), max_size=3
                )
            ),
        ]
    if command == "explain":
        target = draw(st.sampled_from(["RI-6.1-SSO", "X", "--score"]))
        return ["explain", target, *([str(manifest)] if target == "--score" else []), "--date", "2026-11-28"]
    if command == "schema":
        return ["schema", draw(st.sampled_from(["manifest", "rulepack", "report", "x"]))]
    if command == "import":
        kind = draw(
            st.sampled_from(["ara-json", "ara-csv", "mss-csv", "rgesn-xlsx", "rgesn-ods", "rgaa-grille-ods"])
        )
        evidence = draw(
            st.sampled_from(
                [*sorted((REPO / "tests" / "fixtures" / "evidence").iterdir()), folder / "m.yaml"]
            )
        )
        return ["import", kind, str(evidence), *(["-m", str(manifest)] if draw(st.booleans()) else [])]
    args = [str(manifest), "--format", draw(st.sampled_from([*sorted(FORMATS), "x"]))]
    options = {
        "--fail-on": st.sampled_from(["bloquant", "majeur", "mineur", "info", "aucun", "x"]),
        "--fail-under": st.sampled_from(["0", "50", "100", "-1", "nan", "1e999"]) | _TEXT_ARG,
        "--min-completeness": st.sampled_from(["0", "99.9", "101"]),
        "--select": st.sampled_from(["securite", "RI-6.1-*", "doctrine-6.1", "x:y"]) | _TEXT_ARG,
        "--ignore": st.sampled_from(["numerique-responsable", "*"]) | _TEXT_ARG,
        "--lang": st.sampled_from(["fr", "en", "de"]),
        "--date": st.sampled_from(["2026-11-28", "1900-01-01", "9999-12-31", "2026-02-30"]) | _TEXT_ARG,
        "--min-evidence": st.sampled_from(["doctrine", "officiel", "secondaire", "inference"]),
        "--decided-by": st.sampled_from(["preuve", "declaration"]),
    }
    for name in draw(st.lists(st.sampled_from(sorted(options)), max_size=4, unique=True)):
        args += [name, draw(options[name])]
    for flag in draw(
        st.lists(
            st.sampled_from(
                ["--show-all", "--no-color", "--no-derogations", "--only-packs", "--quiet", "--statistics"]
            ),
            max_size=2,
        )
    ):
        args.append(flag)
    if draw(st.booleans()):
        args += ["--report", f"{draw(st.sampled_from(sorted(FORMATS)))}:{folder / 'r.out'}"]
    if draw(st.integers(0, 3)) == 0:
        base = draw(st.sampled_from(["json", "/dev/null", "dir", "absent"]))
        if base == "json":
            (folder / "b.json").write_bytes(
                draw(
                    st.sampled_from([b"{}", b"[" * 5000, b'{"format_version": 2, "findings": [1]}', b"\xff"])
                )
            )
        args += [
            "--baseline",
            {"json": str(folder / "b.json"), "dir": str(folder), "absent": "absent.json"}.get(base, base),
        ]
    if draw(st.integers(0, 3)) == 0:
        (folder / "profil.yaml").write_bytes(draw(mutated([PROFILE.encode("utf-8")])))
        args += ["--profile", str(folder / "profil.yaml")]
    if draw(st.integers(0, 4)) == 0:
        (folder / "pack.yaml").write_bytes(draw(mutated([PACK.encode("utf-8")])))
        args += ["--pack", str(folder / "pack.yaml")]
    if draw(st.integers(0, 3)) == 0:  # the manifest on standard input (the test feeds it)
        args[0] = "-"
        args += ["--stdin-filename", str(manifest)]
    if draw(st.booleans()):
        args.insert(0, "lint")
    return args


def _stdin_of(args: list[str]) -> bytes | None:
    """What a command line drawn by `command_line` reads on standard input: its manifest's bytes."""
    if "-" not in args or "--stdin-filename" not in args:
        return None
    named = Path(args[args.index("--stdin-filename") + 1])
    return named.read_bytes() if named.is_file() else b""  # an absent file or a folder: empty input


@FUZZ
@given(data=st.data())
def test_random_command_lines_exit_0_1_or_2(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    folder = tmp_path_factory.mktemp("c")
    args = data.draw(command_line(folder))
    with bounded("command-lines", args):
        result = CliRunner().invoke(cli, args, input=_stdin_of(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1, 2), (args, result.output[-2000:])
    assert "Traceback" not in result.output


_STRUCTURE = st.text(alphabet="-[]{},:?*&!|>'\"# \n\tab0", max_size=200)


@FUZZ
@given(text=_STRUCTURE | mutated().map(lambda b: b.decode("utf-8", "replace")))
def test_node_bound_is_an_upper_bound(text: str) -> None:
    """`document.node_bound` lets normal files skip the event scan: it must never undercount."""
    try:
        events = list(yaml.parse(text, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        return
    nodes = sum(isinstance(e, yaml.NodeEvent) for e in events)
    documents = sum(isinstance(e, yaml.DocumentStartEvent) for e in events)
    if documents <= 1:
        assert nodes <= node_bound(text), text


CONFIG_SEEDS = [
    *(p.read_bytes() for p in sorted((EXAMPLES / "config").iterdir())),
    b'[tool]\ndoctrine-lint = { lang = "en", select = ["a\\"b", \'c\'], x = [1979-05-27 07:32:00Z, inf] }\n'
    b'[tool.doctrine-lint.sub]\n"q.k" . z = """m\n"""""\n',
]


@FUZZ
@given(data=mutated(CONFIG_SEEDS))
def test_mutated_configuration_files_never_crash(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    """A configuration file (TOML or YAML) is valid or refused with located problems; the TOML
    position scanner never fails on text tomllib accepts, and never points outside the file."""
    from doctrine_lint.config import load_config
    from doctrine_lint.tomlpositions import table_positions

    folder = tmp_path_factory.mktemp("c")
    with bounded("mutated-configs", data):
        for name in ("pyproject.toml", ".doctrine-lint.yaml"):
            try:
                load_config(_write(folder, name, data))
            except DoctrineLintError as exc:
                assert all(p.line >= 0 and p.column >= 0 for p in exc.problems)
        try:
            text = data.decode("utf-8")
            tomllib.loads(text)
        except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
            return
        lines = text.split("\n")
        for span in table_positions(text, ("tool", "doctrine-lint")).values():
            assert 1 <= span.line <= len(lines) and 1 <= span.column <= len(lines[span.line - 1]) + 1
