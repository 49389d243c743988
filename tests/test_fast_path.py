"""The fast paths give exactly what the careful ones give: set look-ups for `in`/`not_in`, the
one-walk YAML loader, rules evaluated in report order, the incremental re-scoring of the
priorities, the bundled pack cache served without schema validation (but still bound to its
pack's bytes), and a text lint to a pipe that imports neither rich nor jsonschema."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import date
from itertools import combinations, pairwise
from pathlib import Path
from typing import Any

import pytest

from doctrine_lint import document, packcache
from doctrine_lint.conditions import Context, compile_condition
from doctrine_lint.document import parse_document
from doctrine_lint.engine import evaluate, in_report_order
from doctrine_lint.linter import lint_document, load_manifest
from doctrine_lint.model import Outcome
from doctrine_lint.operators import _same, member_test
from doctrine_lint.packs import all_rules, load_pack, load_packs
from doctrine_lint.priorities import Rates, _Rescorer
from doctrine_lint.scoring import compute, per_rule

from .conftest import EXAMPLES, PINNED_DATE, REPO

TODAY = date.fromisoformat(PINNED_DATE)
CTX = Context(TODAY)
SCALARS: list[Any] = [1, 1.0, True, False, 0, 0.0, "1", "true", "", "x", 2, 2.5, -1, 10**20]
PROBES: list[Any] = [*SCALARS, None, [1], {"a": 1}, [], {}, float("inf"), 3]


@pytest.mark.parametrize("values", [[v] for v in SCALARS] + [list(c) for c in combinations(SCALARS, 3)][::7])
def test_set_lookups_match_the_scan_with_same_for_mixed_types(values: list[Any]) -> None:
    member = member_test(values)
    for probe in PROBES:
        assert member(probe) is any(_same(probe, x) for x in values), (probe, values)


@pytest.mark.parametrize(
    ("op", "arg", "value", "expected"),
    [
        ("in", [1, "a"], True, False),  # true is not 1
        ("in", [True], 1, False),  # 1 is not true
        ("in", [1], 1.0, True),  # 1.0 is 1
        ("in", ["1"], 1, False),  # text is not a number
        ("in", [1, True], True, True),
        ("in", [0], False, False),
        ("in", ["a"], ["a"], False),  # a list is none of the values (unhashable)
        ("in", ["a"], {"a": 1}, False),
        ("not_in", [1], True, True),
        ("not_in", [True], True, False),
        ("not_in", ["a"], ["a"], True),
        ("equals", 1, True, False),
        ("equals", True, 1, False),
        ("equals", True, True, True),
        ("equals", 1, 1.0, True),
        ("equals", "a", ["a"], False),
    ],
)
def test_membership_and_equality_keep_their_exact_semantics(
    op: str, arg: Any, value: Any, expected: bool
) -> None:
    check = compile_condition({"path": "x", op: arg})
    verdict = check({"x": value}, CTX)
    assert verdict.state == (1 if expected else 0), (op, arg, value)
    assert verdict.path == ("x",)


def _yaml_files() -> list[Path]:
    skip = {".venv", ".git"}
    return sorted(p for p in REPO.rglob("*.y*ml") if not skip & set(p.relative_to(REPO).parts))


def _typed(value: Any) -> Any:
    """The value with every type spelled out (1, 1.0 and True compare equal in Python)."""
    if isinstance(value, dict):
        return ("dict", [(k, _typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(v) for v in value])
    return (type(value).__name__, value)


CASES = [
    "a: 1\nb: [1, 2, {c: d}]\n",
    "a: 010\nb: 0x1F\nc: 1_000\nd: -3\ne: 1:30\nf: +5\n",
    "a: 1.5\nb: -.5\nc: 1e3\nd: .inf\n",
    "a: yes\nb: No\nc: ~\nd: null\ne: 2024-02-30\nf: 2024-01-01T10:00:00Z\n",
    "a: 1\na: 2\n",
    "1: a\n",
    "? [a]\n: b\n",
    "a: !!binary aGk=\n",
    "a: !!int abc\n",
    "a: !!bool maybe\n",
    "a: !!float x\n",
    "a: !!str 12\nb: '12'\n",
    "a: &x {b: 1}\nc: *x\n",
    "base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n",
    "a: R&D\nb: x << y\n",
    "a: {}\nb: []\nc: [[], {}]\n",
    "a: " + "[" * 99 + "]" * 99 + "\n",
    "a: " + "[" * 100 + "]" * 100 + "\n",
    "a:\n  b:\n    - c: 1\n      d: [x, {e: f}]\n    - 2\n",
    "a: !custom x\n",
    "a: !!set {x}\n",
    "a: 99999999999999999999999999\n",
]


@pytest.mark.parametrize("text", CASES + [p.read_text(encoding="utf-8") for p in _yaml_files()][:60])
def test_the_one_walk_loader_equals_the_careful_path(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Data (with types), every position and its order in the index, or the very same errors."""

    def load() -> tuple[Any, Any]:
        try:
            doc = parse_document(text, "m.yaml")
        except document.ManifestError as exc:
            return "error", [str(p) for p in exc.problems]
        return _typed(doc.data), list(doc.index.items())

    fast = load()
    monkeypatch.setattr(document, "_build", lambda *a: None)
    assert fast == load()


def test_the_one_walk_loader_is_the_path_taken_for_plain_manifests(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*a: Any) -> None:
        raise AssertionError("careful path taken")

    monkeypatch.setattr(document, "_check_structure", refuse)
    doc = parse_document("a:\n  b: [1, x]\n", "m.yaml")
    assert doc.data == {"a": {"b": [1, "x"]}}
    assert doc.locate(("a", "b", 1)) == (2, 10, True)


PACKS = load_packs()
RULES = all_rules(PACKS)


def _key(rule: Any) -> Any:
    from doctrine_lint.model import finding_order

    return finding_order(rule.referentiel, rule.chapter, rule.id)


def test_rules_in_report_order_give_the_findings_a_sort_would() -> None:
    assert [r.id for r in in_report_order(RULES)] == [r.id for r in sorted(RULES, key=_key)]
    doc = load_manifest(EXAMPLES / "service-tiers-non-conforme.yaml")
    shuffled = list(reversed(RULES))
    findings = evaluate(doc, shuffled, TODAY)
    assert [f.sort_key for f in findings] == sorted(f.sort_key for f in findings)
    assert findings == sorted(evaluate(doc, RULES, TODAY), key=lambda f: f.sort_key)


@pytest.mark.parametrize("source", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_incremental_rescoring_equals_scoring_again(source: Path) -> None:
    result = lint_document(load_manifest(source), PACKS, RULES, TODAY)
    rules = per_rule(result.scored_findings)
    rescore = _Rescorer(rules, PACKS, {"securite": 2.0})
    failing = [f.rule_id for f, o in rules if o in (Outcome.NON_CONFORME, Outcome.A_RENSEIGNER)]
    changes: list[dict[str, Outcome]] = [{}, *({r: Outcome.CONFORME} for r in failing)] + [
        {a: Outcome.CONFORME, b: Outcome.CONFORME} for a, b in pairwise(failing)
    ]
    for changed in changes:
        again = [replace(f, outcome=changed.get(f.rule_id, o)) for f, o in rules]
        full = compute(again, PACKS, waived_as_conforme=True, referentiel_weights={"securite": 2.0})
        assert rescore.after(changed)[0] == Rates.of(full.overall), changed


def test_one_scoring_pass_without_derogations_equals_two() -> None:
    doc = load_manifest(EXAMPLES / "ent-second-degre.yaml")
    result = lint_document(doc, PACKS, RULES, TODAY)
    assert result.scores_other is None and not result.waivers
    again = compute(result.findings, PACKS, waived_as_conforme=True)
    assert again == result.scores
    assert compute(result.findings, PACKS) == result.scores  # no dérogation: the same either way


def _entry_for(folder: Path, pack: Path) -> Path:
    key = f"{hashlib.sha256(pack.read_bytes()).hexdigest()}"
    (entry,) = folder.glob(f"{key}-*.json")
    return entry


@pytest.fixture
def bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A pack and its bundled entry (made by the tool itself, then moved to the bundled folder)."""
    from .test_packs import HEADER, RULE

    cache, folder = tmp_path / "cache", tmp_path / "bundled"
    folder.mkdir()
    monkeypatch.setenv("DOCTRINE_LINT_CACHE_DIR", str(cache))
    monkeypatch.delenv("DOCTRINE_LINT_CACHE", raising=False)
    monkeypatch.setattr(packcache, "_MEMORY", {})
    pack = tmp_path / "p.yaml"
    pack.write_text(HEADER + RULE, encoding="utf-8")
    load_pack(pack)
    shutil.move(_entry_for(cache, pack), folder)
    monkeypatch.setattr(packcache, "_MEMORY", {})
    monkeypatch.setattr(packcache, "bundled_dir", lambda: folder)
    return pack, folder


def test_a_bundled_entry_is_served_without_schema_validation(
    bundled: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    pack, _ = bundled
    checked: list[Any] = []
    monkeypatch.setattr(packcache, "_valid", lambda data: checked.append(data) or True)
    assert packcache.get(pack.read_bytes(), str(pack)) is not None
    assert checked == []


@pytest.mark.parametrize("tamper", ["source", "payload"])
def test_a_bundled_entry_is_still_refused_when_its_hashes_do_not_match(
    bundled: tuple[Path, Path], tamper: str
) -> None:
    pack, folder = bundled
    entry = _entry_for(folder, pack)
    header, payload = entry.read_bytes().split(b"\n", 1)
    if tamper == "source":  # another pack's bytes under this name
        pack.write_text(pack.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        shutil.copyfile(entry, folder / f"{hashlib.sha256(pack.read_bytes()).hexdigest()}-{entry.name[65:]}")
    else:  # payload edited, header left as it was
        stored = json.loads(payload)
        stored["data"]["rules"] = []
        entry.write_bytes(header + b"\n" + json.dumps(stored).encode())
    assert packcache.get(pack.read_bytes(), str(pack)) is None


def _command_in_a_process(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`code` run by a fresh interpreter, given the example manifest and the pinned date."""
    return subprocess.run(
        [sys.executable, "-c", code, str(EXAMPLES / "ent-second-degre.yaml"), PINNED_DATE],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


def test_a_text_lint_to_a_pipe_imports_neither_rich_nor_jsonschema(tmp_path: Path) -> None:
    code = (
        "import sys, runpy\n"
        "sys.argv = ['doctrine-lint', sys.argv[1], '--date', sys.argv[2]]\n"
        "try:\n    runpy.run_module('doctrine_lint', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'rich', 'jsonschema', 'markdown_it', 'pygments'})\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    run = _command_in_a_process(code, tmp_path)
    assert "HEAVY []" in run.stderr, run.stderr[-2000:]
    assert "ent-second-degre.yaml" in run.stdout


# --- plain-path walks: `exists` and mapping-only paths, against the generic resolver ---------

WALK_DATA: list[Any] = [
    {},
    {"a": None},
    {"a": 1},
    {"a": {"b": None}},
    {"a": {"b": 0}},
    {"a": {"b": False}},
    {"a": {"b": {"c": ""}}},
    {"a": {"b": [1, None]}},
    {"a": [{"b": 1}, None]},
    {"a": "text"},
    {"a": [], "x": {"y": 2}},
]
WALK_PATHS = ["a", "a.b", "a.b.c", "a[0]", "a[1]", "a[0].b", "a.b[1]", "a.b[5]", "$root.a.b", "$root.x.y"]


def _reference_exists(path: str, data: Any, root: Any, wanted: bool) -> tuple[int, Any, Any]:
    """The `exists` verdict as it was computed before the fast walk: through `resolve`."""
    from doctrine_lint.logic import FALSE, TRUE
    from doctrine_lint.paths import parse_path, resolve

    res = resolve(data, parse_path(path), root)
    where = res.found[0][0] if res.found else (res.missing[0] if res.missing else None)
    value = res.found[0][1] if res.found else None
    return (TRUE if bool(res.found) is wanted else FALSE, where, value)


def _reference_test(path: str, data: Any, root: Any) -> tuple[int, Any, Any, Any]:
    """A plain-path operator's verdict from `resolve`: unknown at the first miss (the fact
    being the whole path), else the predicate on the value found."""
    from doctrine_lint.logic import FALSE, TRUE, UNKNOWN
    from doctrine_lint.paths import parse_path, resolve

    field = parse_path(path)
    res = resolve(data, field, root)
    if not res.found:
        gone = res.missing[0]
        return (UNKNOWN, gone, None, [(gone, document.format_path(field.segments))])
    where, value = res.found[0]
    return (TRUE if value == 1 else FALSE, where, value, [])


@pytest.mark.parametrize("path", WALK_PATHS)
@pytest.mark.parametrize("inside", [False, True], ids=["at-root", "in-element"])
@pytest.mark.parametrize("wanted", [True, False])
def test_exists_on_a_plain_path_equals_the_resolver(path: str, inside: bool, wanted: bool) -> None:
    evaluator = compile_condition({"path": path, "exists": wanted})
    for data in WALK_DATA:
        # in an element, `$root.` paths read the manifest given as the context's root
        root = {"a": {"b": 7}, "x": {"y": None}} if inside else None
        v = evaluator(data, Context(TODAY, root))
        assert (v.state, v.path, v.value) == _reference_exists(path, data, root, wanted), (path, data)
        assert v.missing == []


@pytest.mark.parametrize("path", WALK_PATHS)
@pytest.mark.parametrize("inside", [False, True], ids=["at-root", "in-element"])
def test_a_plain_path_operator_equals_the_resolver(path: str, inside: bool) -> None:
    evaluator = compile_condition({"path": path, "equals": 1})
    for data in WALK_DATA:
        root = {"a": {"b": 1}, "x": {"y": None}} if inside else None
        v = evaluator(data, Context(TODAY, root))
        assert (v.state, v.path, v.value, v.missing) == _reference_test(path, data, root), (path, data)


# --- start-up: the collector's threshold ---------------------------------------------------------


def test_the_console_script_is_the_entry_point_that_sets_the_start_up_threshold() -> None:
    import tomllib

    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["doctrine-lint"] == "doctrine_lint.__main__:run"


def test_the_start_up_threshold_gives_way_to_the_default_once_the_packs_are_loaded(tmp_path: Path) -> None:
    code = (
        "import gc, sys, runpy\n"
        "from doctrine_lint import cli\n"
        "seen = []\n"
        "load = cli._load\n"
        "def spy(*a, **k):\n"
        "    seen.append(gc.get_threshold())\n"
        "    out = load(*a, **k)\n"
        "    seen.append(gc.get_threshold())\n"
        "    return out\n"
        "cli._load = spy\n"
        "sys.argv = ['doctrine-lint', sys.argv[1], '--date', sys.argv[2], '-q']\n"
        "try:\n    runpy.run_module('doctrine_lint', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print('SEEN', seen, gc.get_freeze_count() > 0, file=sys.stderr)\n"
    )
    run = _command_in_a_process(code, tmp_path)
    assert "SEEN [(100000, 50, 100), (700, 10, 10)] True" in run.stderr, run.stderr[-2000:]


def test_a_threshold_the_caller_chose_is_left_alone() -> None:
    import gc

    from doctrine_lint import cli

    before = gc.get_threshold()
    try:
        gc.set_threshold(1234, 5, 6)
        cli._load([], False)
        assert gc.get_threshold() == (1234, 5, 6)
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def test_quiet_text_does_not_compute_the_priorities_it_does_not_show(monkeypatch: pytest.MonkeyPatch) -> None:
    from doctrine_lint.formats import RenderOptions, get_formatter
    from doctrine_lint.formats import view as view_module
    from doctrine_lint.linter import LintOptions, lint

    packs = load_packs()
    report = lint(
        [EXAMPLES / "service-tiers-non-conforme.yaml"],
        packs,
        LintOptions(today=date.fromisoformat(PINNED_DATE)),
    )
    quiet = get_formatter("text")(report, RenderOptions(quiet=True))
    loud = get_formatter("text")(report, RenderOptions())
    assert (
        "RI-6.1-SSO" in quiet and "À corriger en priorité" in loud and "À corriger en priorité" not in quiet
    )

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("priorities computed under --quiet")

    monkeypatch.setattr(view_module, "priorities", refused)
    assert get_formatter("text")(report, RenderOptions(quiet=True)) == quiet
    with pytest.raises(AssertionError, match="priorities computed"):
        get_formatter("text")(report, RenderOptions())
