"""Bounded reading (issue 11): every file the CLI reads is a regular file under a size limit, the
node limit holds while parsing, errors are capped with a count, and the hostile corpus
(`tests/hostile/`) ends with exit 2 and a located message, never an internal error.

Cases that would hang or exhaust memory before their fix run in a subprocess with a timeout.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

import doctrine_lint.document as document
from doctrine_lint import baseline
from doctrine_lint.cli import cli
from doctrine_lint.document import MAX_NODES, parse_document
from doctrine_lint.errors import MAX_PROBLEMS, ManifestError, Problem, cap_problems

from .conftest import EXAMPLES, PINNED_DATE

HOSTILE = Path(__file__).parent / "hostile"
EXAMPLE = str(EXAMPLES / "service-tiers-non-conforme.yaml")
ERROR = "doctrine-lint: erreur: "

# file in tests/hostile → fragment of its first error (a file not listed only has to exit 0, 1 or 2)
CORPUS = {
    "control-char-long-line.yaml": ":3:12: caractère interdit en YAML : U+0007",
    "control-char-many-brackets.yaml": ":652:18: caractère interdit en YAML : U+001B",
    "deep-flow-nesting.yaml": ":1:1003: ",  # libyaml's scanner stops first, located
    "duplicate-keys-in-every-element.yaml": ":2:10: clé « a » en double",
    "alias-bomb.yaml": "trop volumineux",
}


def _lint(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["lint", *args, "--date", PINNED_DATE])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stderr.splitlines()


@pytest.mark.parametrize("name", sorted(p.name for p in HOSTILE.iterdir() if p.suffix == ".yaml"))
def test_hostile_corpus_exits_2_with_located_errors(name: str) -> None:
    start = time.perf_counter()
    code, lines = _lint(str(HOSTILE / name), "--format", "json")
    assert time.perf_counter() - start < 10
    assert code in (0, 1, 2)
    assert not any("Traceback" in line or "erreur interne" in line for line in lines)
    if name in CORPUS:
        assert code == 2
        assert lines and all(line.startswith(ERROR) for line in lines)
        assert CORPUS[name] in lines[0]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        # a control character in a file with a line of 600+ characters: the depth scan raised
        # ReaderError, which it did not catch (exit 3); the real parse now reports it, located
        ("a: " + "x" * 700 + "\nb: \x07\n", (2, 4)),
        ("a: \x01" + "x" * 700 + "\n", (1, 4)),
        # the same with 600+ brackets on short lines
        ("a: [" + "[1],\n" * 650 + "]\nb: \x1b\n", (652, 4)),
    ],
)
def test_control_character_with_long_lines_is_located_not_a_crash(text: str, where: tuple[int, int]) -> None:
    with pytest.raises(ManifestError) as info:
        parse_document(text, "c.yaml")
    (problem,) = info.value.problems
    assert (problem.line, problem.column) == where
    assert "caractère interdit" in problem.message


def test_node_limit_is_enforced_while_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    # a flow list far beyond the limit: the event scan stops at the first node past it, so
    # memory stays small and the error is located there (the old check composed it all first)
    monkeypatch.setattr(document, "MAX_NODES", 1000)
    text = "a: [" + "1," * 200_000 + "1]\n"
    tracemalloc.start()
    try:
        with pytest.raises(ManifestError) as info:
            parse_document(text, "big.yaml")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    (problem,) = info.value.problems
    # nodes: the root, key a, the list, then its scalars at columns 5, 7, 9…
    assert (problem.line, problem.column) == (1, 5 + 2 * (1000 + 1 - 4))
    assert "plus de 1000 nœuds" in problem.message
    assert peak < 8 * 1024 * 1024, f"{peak >> 20} MiB"


def test_a_4_mb_flow_list_is_refused_quickly_and_located(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: [" + "1," * (2 * 1024 * 1024 - 4) + "1]\n", encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(ManifestError) as info:
        document.load_document(path)
    assert time.perf_counter() - start < 3
    (problem,) = info.value.problems
    assert (problem.line, problem.column) == (1, 5 + 2 * (MAX_NODES + 1 - 4))


def test_files_under_the_node_bound_skip_the_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(document, "_scan", lambda text, display, error: calls.append(display))
    for path in EXAMPLES.glob("*.yaml"):
        parse_document(path.read_text(encoding="utf-8"), path.name)
    assert calls == []
    with pytest.raises(ManifestError, match="trop volumineux"):  # the stub let it through
        parse_document("a: [" + "1," * MAX_NODES + "1]\n", "big.yaml")
    assert calls == ["big.yaml"]


# ---------------------------------------------------------------- regular files only


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """In a subprocess with a timeout: before the fix these cases hung or exhausted memory."""
    try:
        return subprocess.run(
            [sys.executable, "-m", "doctrine_lint", *args, "--date", PINNED_DATE],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={**os.environ, "DOCTRINE_LINT_DEBUG": ""},
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"doctrine-lint {' '.join(args)} hung")


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")


def _evidence_manifest(tmp_path: Path, target: str) -> str:
    text = (EXAMPLES / "service-tiers-non-conforme.yaml").read_text(encoding="utf-8")
    (tmp_path / "m.yaml").write_text(
        text + f"evidence:\n  - kind: ara-json\n    path: {target}\n", encoding="utf-8"
    )
    return "m.yaml"


@needs_fifo
@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("--baseline", "pipe.json: n'est pas un fichier ordinaire (un tube nommé)"),
        ("--profile", "pipe.json: n'est pas un fichier ordinaire (un tube nommé)"),
        ("--pack", "pipe.json: n'est pas un fichier ordinaire (un tube nommé)"),
        ("manifest", "pipe.json: n'est pas un fichier ordinaire (un tube nommé)"),
        (
            "evidence",
            "m.yaml:166:11: fichier de preuve « pipe.json » refusé : ce n'est pas un fichier ordinaire",
        ),
        ("import", "pipe.json: fichier de preuve refusé : n'est pas un fichier ordinaire (un tube nommé)"),
    ],
)
def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path, option: str, message: str) -> None:
    os.mkfifo(tmp_path / "pipe.json")
    args = {
        "manifest": ["pipe.json"],
        "evidence": [_evidence_manifest(tmp_path, "pipe.json")],
        "import": ["import", "ara-json", "pipe.json"],
    }.get(option, [EXAMPLE, option, "pipe.json"])
    if option == "import":
        proc = subprocess.run(
            [sys.executable, "-m", "doctrine_lint", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
    else:
        proc = _run(args, tmp_path)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert any(line.startswith(ERROR) and message in line for line in lines), proc.stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("option", ["--baseline", "--profile", "--pack"])
def test_a_link_to_dev_zero_is_refused(tmp_path: Path, option: str) -> None:
    (tmp_path / "zero.json").symlink_to("/dev/zero")
    proc = _run([EXAMPLE, option, "zero.json"], tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "n'est pas un fichier ordinaire (un périphérique)" in proc.stderr


def test_baseline_size_and_nesting_are_clear_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000, encoding="utf-8")
    code, lines = _lint(EXAMPLE, "--baseline", str(deep))
    assert (code, lines) == (2, [f"{ERROR}{deep}: JSON invalide : imbrication trop profonde"])
    monkeypatch.setattr(baseline, "MAX_BYTES", 100)
    big = tmp_path / "big.json"
    big.write_text('{"findings": []}' + " " * 200, encoding="utf-8")
    code, lines = _lint(EXAMPLE, "--baseline", str(big))
    assert (code, lines) == (2, [f"{ERROR}{big}: fichier trop volumineux (216 octets, maximum 100 octets)"])


# ---------------------------------------------------------------- errors capped


def test_errors_are_capped_with_a_count_of_those_not_shown(tmp_path: Path) -> None:
    path = tmp_path / "dups.yaml"
    path.write_text("x:\n" + "- {a: 1, a: 2}\n" * 300, encoding="utf-8")
    code, lines = _lint(str(path))
    assert code == 2
    assert len(lines) == MAX_PROBLEMS + 1
    assert (
        lines[0]
        == f"{ERROR}{path}:2:10: clé « a » en double (déjà définie ligne 2) : YAML garderait la dernière en silence"
    )
    assert lines[MAX_PROBLEMS - 1].startswith(f"{ERROR}{path}:{MAX_PROBLEMS + 1}:10: ")
    assert lines[-1] == f"{ERROR}{path}: … et 200 autres erreurs non affichées"


def test_capping_twice_counts_each_problem_once() -> None:
    first = cap_problems([Problem("a", i, 1, "x") for i in range(1, 151)], limit=100)
    again = cap_problems([*first, Problem("b", 1, 1, "y")], limit=100)
    assert len(again) == 101
    assert str(again[-1]) == "b: … et 51 autres erreurs non affichées"  # named after the first not shown
    assert str(cap_problems([Problem("a", i, 1, "x") for i in range(1, 102)], limit=100)[-1]) == (
        "a: … et 1 autre erreur non affichée"
    )
    few = [Problem("a", 1, 1, "x")]
    assert cap_problems(few) is few
