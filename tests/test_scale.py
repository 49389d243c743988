"""Batches at scale: worker processes (`--jobs`), streamed outputs, JSON Lines, the lean JSON
report (format 5) and its `expand`, the progress bar, memory that does not grow with the batch."""

from __future__ import annotations

import gc
import io
import json
import shutil
import sys
import tracemalloc
from collections import ChainMap
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from doctrine_lint import batch, progress
from doctrine_lint.cli import cli
from doctrine_lint.formats import FORMATS, STREAMED, RenderOptions, Streams, get_formatter
from doctrine_lint.formats.json_report import _finding, as_dict, expand, expand_findings
from doctrine_lint.linter import LintOptions, ManifestResult, Unreadable, iter_results, lint, start
from doctrine_lint.packs import Pack, load_packs

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
from bench import generate  # noqa: E402

DAY = "2025-01-01"
SCHEMA = json.loads((REPO / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
SCHEMA_V4 = json.loads((REPO / "schemas" / "report.v4.schema.json").read_text(encoding="utf-8"))
BROKEN = "m0005-broken.yaml"  # sorts in the middle of the generated corpus


@pytest.fixture(scope="module")
def packs() -> list[Pack]:
    return load_packs()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten generated manifests, the examples with a dérogation and evidence, and an unreadable
    file in the middle (by name order)."""
    folder = tmp_path_factory.mktemp("corpus")
    generate(folder, 10)
    (folder / BROKEN).write_text("service: [\n", encoding="utf-8")
    for name in ("ent-premier-degre.yaml", "service-tiers-non-conforme.yaml"):
        shutil.copy(REPO / "examples" / name, folder / f"z-{name}")
    return folder


def _run(*args: str) -> tuple[int, bytes, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout_bytes, result.stderr


# --- parallel and single-process runs give the same bytes ---------------------------------------


@pytest.mark.parametrize(
    "extra", [[], ["--show-all", "--lang", "en"], ["-q"]], ids=["default", "all-en", "quiet"]
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_two_workers_write_the_same_bytes_as_one(corpus: Path, fmt: str, extra: list[str]) -> None:
    args = [str(corpus), "--date", DAY, "--format", fmt, *extra]
    single = _run(*args, "--jobs", "1")
    double = _run(*args, "--jobs", "2")
    assert single[0] == double[0] == 2  # the unreadable manifest
    assert single[1] == double[1]
    assert single[2] == double[2]
    assert f"{BROKEN}:2:1:" in single[2]


def test_report_files_are_the_same_bytes_too(corpus: Path, tmp_path: Path) -> None:
    outputs = {}
    for jobs in ("1", "2"):
        folder = tmp_path / jobs
        folder.mkdir()
        reports = [f"--report={name}:{folder / name}" for name in ("jsonl", "sarif", "text", "json", "junit")]
        code, out, _ = _run(str(corpus), "--date", DAY, "--format", "concise", "-j", jobs, *reports)
        assert code == 2
        outputs[jobs] = (out, {p.name: p.read_bytes() for p in folder.iterdir()})
    assert outputs["1"] == outputs["2"]
    assert len(outputs["1"][1]) == 5


def test_jobs_0_uses_every_core(corpus: Path) -> None:
    assert batch.cores() >= 1
    assert _run(str(corpus), "--date", DAY, "--format", "concise", "-j", "0") == _run(
        str(corpus), "--date", DAY, "--format", "concise"
    )


def test_a_negative_jobs_count_is_a_usage_error() -> None:
    code, _, err = _run("examples/vie-scolaire.yaml", "--jobs", "-1")
    assert code == 2 and "--jobs" in err


# --- order, unreadable files, errors in workers --------------------------------------------------


def _files(corpus: Path) -> list[str]:
    return sorted(str(p) for p in corpus.iterdir())


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_results_come_in_input_order_with_the_unreadable_one_in_its_place(
    corpus: Path, packs: list[Pack], jobs: int
) -> None:
    files = _files(corpus)
    items = list(iter_results(files, packs, LintOptions(today=date(2025, 1, 1)), jobs))
    assert [i.file for i in items] == files
    (bad,) = [i for i in items if isinstance(i, Unreadable)]
    assert bad.file.endswith(BROKEN) and (bad.problems[0].line, bad.problems[0].column) == (2, 1)
    # the parsed document is dropped: only its data and digest stay
    kept = [i for i in items if isinstance(i, ManifestResult)]
    assert all(r.document.index == {} and r.document.data and r.document.sha256 == r.sha256 for r in kept)


def test_lint_keeps_the_documents_and_gives_the_same_results(corpus: Path, packs: list[Pack]) -> None:
    files = _files(corpus)
    one = lint(files, packs, LintOptions(today=date(2025, 1, 1)))
    two = lint(files, packs, LintOptions(today=date(2025, 1, 1)), jobs=2)
    assert one.results[0].document.index  # the API keeps the positions (callers locate paths)
    assert [r.file for r in one.results] == [r.file for r in two.results]
    assert one.reasons == two.reasons and one.errors == two.errors
    text = get_formatter("json")
    assert text(one, RenderOptions()) == text(two, RenderOptions())


def test_a_bug_in_a_worker_is_raised_when_its_manifest_comes(
    corpus: Path, packs: list[Pack], monkeypatch: pytest.MonkeyPatch
) -> None:
    from doctrine_lint import linter

    real = linter.lint_document

    def faulty(doc: Any, *args: Any, **kwargs: Any) -> ManifestResult:
        if doc.file.endswith("m0007.yaml"):
            raise RuntimeError("boom m0007")
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(linter, "lint_document", faulty)
    seen: list[str] = []
    items = iter_results(_files(corpus), packs, LintOptions(today=date(2025, 1, 1)), 2)
    with pytest.raises(RuntimeError, match="boom m0007"):
        seen.extend(Path(item.file).name for item in items)
    # every manifest before it was given, in order, as a single process would
    assert seen == [Path(f).name for f in _files(corpus)][: seen.index("m0006.yaml") + 1]
    assert seen[-1] == "m0006.yaml"


def test_a_dead_worker_loses_no_manifest(
    corpus: Path, packs: list[Pack], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from doctrine_lint import linter

    real = linter.lint_document
    parent = os.getpid()

    def dying(doc: Any, *args: Any, **kwargs: Any) -> ManifestResult:
        if os.getpid() != parent and doc.file.endswith("m0003.yaml"):
            os._exit(9)  # a worker killed (out of memory…): the parent lints what it owed
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(linter, "lint_document", dying)
    monkeypatch.setattr(batch, "CHUNK_MAX", 2)
    items = list(iter_results(_files(corpus), packs, LintOptions(today=date(2025, 1, 1)), 2))
    assert [i.file for i in items] == _files(corpus)
    assert sum(isinstance(i, ManifestResult) for i in items) == len(items) - 1


def test_spawned_workers_load_the_packs_again(corpus: Path, packs: list[Pack]) -> None:
    options = LintOptions(today=date(2025, 1, 1))
    head = start(packs, options)
    files = _files(corpus)[:4]
    from doctrine_lint.linter import _Job

    job = _Job(list(packs), head.rules, head.today, options)
    spawned = list(batch.parallel(job, files, 2, start_method="spawn"))
    alone = list(iter_results(files, packs, options))
    assert [type(i) for i in spawned] == [type(i) for i in alone]
    for a, b in zip(spawned, alone, strict=True):
        if isinstance(a, ManifestResult) and isinstance(b, ManifestResult):
            assert [(f.rule_id, f.outcome, f.path) for f in a.findings] == [
                (f.rule_id, f.outcome, f.path) for f in b.findings
            ]
            assert a.scores.overall == b.scores.overall


# --- streams ------------------------------------------------------------------------------------


@pytest.mark.parametrize("quiet", [False, True])
@pytest.mark.parametrize("fmt", sorted(STREAMED))
def test_a_stream_is_the_rendered_report(corpus: Path, packs: list[Pack], fmt: str, quiet: bool) -> None:
    options = LintOptions(today=date(2025, 1, 1))
    whole = lint(_files(corpus), packs, options)
    opts = RenderOptions(quiet=quiet)
    head = start(packs, options)
    chunks: list[str] = []
    streams = Streams(head, [(fmt, opts, chunks.append)])
    for item in iter_results(_files(corpus), packs, options, report=head):
        head.add(item, options, keep=False)
        if isinstance(item, ManifestResult):
            streams.push(item)
            # written as it comes, not at the end; JUnit's suites wait for the root's totals
            assert bool(chunks) is (fmt != "junit")
    streams.close()
    assert head.results == []  # nothing kept
    assert "".join(chunks) == get_formatter(fmt)(whole, opts)


def test_a_non_streamed_format_is_refused_by_streams(packs: list[Pack]) -> None:
    with pytest.raises(KeyError):
        Streams(start(packs, LintOptions()), [("json", RenderOptions(), print)])


def test_junit_suites_wait_on_disk_past_the_spool_size(
    corpus: Path, packs: list[Pack], monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    from doctrine_lint.formats import junit

    options = LintOptions(today=date(2025, 1, 1))
    whole = get_formatter("junit")(lint(_files(corpus), packs, options), RenderOptions())
    rolled: list[bool] = []
    real = tempfile.SpooledTemporaryFile

    class Watched(real):  # type: ignore[misc, valid-type]
        def __exit__(self, *exc: object) -> None:
            rolled.append(self._rolled)
            super().__exit__(*exc)

    monkeypatch.setattr(junit, "_SPOOL_BYTES", 64)
    monkeypatch.setattr(junit, "_READ_BLOCK", 100)
    monkeypatch.setattr(junit.tempfile, "SpooledTemporaryFile", Watched)
    head = start(packs, options)
    chunks: list[str] = []
    streams = Streams(head, [("junit", RenderOptions(), chunks.append)])
    for item in iter_results(_files(corpus), packs, options, report=head):
        head.add(item, options, keep=False)
        if isinstance(item, ManifestResult):
            streams.push(item)
    streams.close()
    assert rolled == [True]  # the suites went to a file, not memory
    assert len(chunks) > 3  # read back in blocks, not as one string
    assert "".join(chunks) == whole
    assert whole.startswith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="doctrine-lint" tests="'
    )
    assert whole.endswith("</testsuites>\n")


# --- JSON Lines ---------------------------------------------------------------------------------


def _lines(corpus: Path, *extra: str) -> list[dict[str, Any]]:
    code, out, _ = _run(str(corpus), "--date", DAY, "--format", "jsonl", "-j", "2", *extra)
    assert code == 2
    text = out.decode("utf-8")
    assert text.endswith("\n") and "\n\n" not in text
    return [json.loads(line) for line in text.splitlines()]


def test_json_lines_one_manifest_per_line_between_the_run_and_the_end(corpus: Path) -> None:
    lines = _lines(corpus)
    kinds = [line["type"] for line in lines]
    files = _files(corpus)
    assert kinds == ["run", *["manifest"] * (len(files) - 1), "error", "end"]
    assert {line["run"] for line in lines} == {lines[0]["run"]}
    assert [line["file"] for line in lines[1:-2]] == [f for f in files if not f.endswith(BROKEN)]
    error, end = lines[-2:]
    assert error["file"].endswith(BROKEN) and (error["line"], error["column"]) == (2, 1)
    assert end == {
        "type": "end",
        "run": lines[0]["run"],
        "manifests": len(files) - 1,
        "errors": 1,
        "exit_code": 2,
        "evidence_files": [],
    }


def test_each_json_line_reassembles_into_a_valid_report(corpus: Path) -> None:
    run, *manifests, _, _ = _lines(corpus)
    for line in manifests:
        manifest = {k: v for k, v in line.items() if k not in ("type", "run", "rules")}
        doc = {
            "format_version": run["format_version"],
            "stamp": {**run["stamp"], "evidence_files": []},
            "placement": run["placement"],
            "rules": {**run["rules"], **line["rules"]},
            "manifests": [manifest],
            "errors": [],
        }
        jsonschema.validate(doc, SCHEMA)
        jsonschema.validate(expand(doc), SCHEMA_V4)


def test_json_lines_findings_expand_to_the_whole_findings(corpus: Path, packs: list[Pack]) -> None:
    report = lint(_files(corpus), packs, LintOptions(today=date(2025, 1, 1)))
    run, *manifests, _, _ = [
        json.loads(x) for x in get_formatter("jsonl")(report, RenderOptions()).splitlines()
    ]
    assert len(manifests) == len(report.results)
    for line, result in zip(manifests, report.results, strict=True):
        table = ChainMap(line["rules"], run["rules"])
        assert expand_findings(line["findings"], line["file"], table) == [
            json.loads(json.dumps(_finding(f, "fr"), ensure_ascii=False)) for f in result.findings
        ]


# --- the lean JSON report (format 5) and expand --------------------------------------------------


def _v4(doc: dict[str, Any], report: Any) -> dict[str, Any]:
    """The format-4 rendering of the same run: every finding whole, no rules table."""
    out = {k: v for k, v in doc.items() if k != "rules"} | {"format_version": 4}
    out["manifests"] = [
        m | {"findings": [_finding(f, "fr") for f in r.findings]}
        for m, r in zip(doc["manifests"], report.results, strict=True)
    ]
    return json.loads(json.dumps(out, ensure_ascii=False))


def test_format_5_validates_and_expands_to_format_4(corpus: Path, packs: list[Pack]) -> None:
    report = lint(_files(corpus), packs, LintOptions(today=date(2025, 1, 1)))
    doc = json.loads(get_formatter("json")(report, RenderOptions()))
    assert doc["format_version"] == 5
    jsonschema.validate(doc, SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, SCHEMA_V4)
    old = _v4(as_dict(report, RenderOptions()), report)
    jsonschema.validate(old, SCHEMA_V4)
    assert expand(doc) == old
    assert expand(old) is old  # a format-4 report reads as it is
    # the rules' texts are listed once: the lean report is much smaller
    assert len(json.dumps(doc)) * 2 < len(json.dumps(old))
    finding = doc["manifests"][0]["findings"][0]
    assert "references" not in finding and finding["rule_id"] in doc["rules"]


@pytest.mark.parametrize("version", [1, 2, 3, 6, None])
def test_expand_says_which_versions_it_reads(version: int | None) -> None:
    with pytest.raises(ValueError, match="format 4 and 5"):
        expand({"format_version": version})


def test_a_finding_keeps_what_differs_from_its_rule(packs: list[Pack]) -> None:
    report = lint(
        [REPO / "examples" / "service-tiers-non-conforme.yaml"], packs, LintOptions(today=date(2025, 1, 1))
    )
    f = report.results[0].findings[0]
    f.severity = type(f.severity).BLOQUANT if f.severity.slug != "bloquant" else type(f.severity).INFO
    f.keyed_path = f.path + "[x]"
    doc = as_dict(report, RenderOptions())
    lean = doc["manifests"][0]["findings"][0]
    assert lean["severity"] == f.severity.slug and lean["keyed_path"] == f.path + "[x]"
    assert expand(json.loads(json.dumps(doc)))["manifests"][0]["findings"][0]["severity"] == f.severity.slug


# --- progress -----------------------------------------------------------------------------------


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("total", "quiet", "tty", "env", "expected"),
    [
        (5, False, True, {}, True),
        (1, False, True, {}, False),  # one manifest: nothing to follow
        (5, True, True, {}, False),  # --quiet
        (5, False, False, {}, False),  # piped or redirected
        (5, False, True, {"CI": "true"}, False),  # a CI log
        (5, False, True, {"CI": ""}, True),
    ],
)
def test_when_the_bar_is_shown(
    total: int, quiet: bool, tty: bool, env: dict[str, str], expected: bool
) -> None:
    stream = _Tty() if tty else io.StringIO()
    assert progress.wanted(total, quiet, stream, env) is expected


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_bar_counts_the_manifests_on_its_stream(lang: str) -> None:
    stream = _Tty()
    assert list(progress.tracked(range(3), 3, lang, stream, force=True)) == [0, 1, 2]
    drawn = stream.getvalue()
    assert ("Analyse" if lang == "fr" else "Linting") in drawn and "3/3" in drawn


def test_no_bar_when_standard_error_is_not_a_terminal(corpus: Path) -> None:
    code, out, err = _run(str(corpus), "--date", DAY, "--format", "concise", "-j", "2")
    assert code == 2
    assert "Analyse" not in err and "\x1b[" not in err
    assert "Analyse" not in out.decode("utf-8")


# --- memory -------------------------------------------------------------------------------------


def _peak(files: list[str], packs: list[Pack]) -> int:
    options = LintOptions(today=date(2025, 1, 1))
    head = start(packs, options)
    sink = io.StringIO()
    gc.collect()
    tracemalloc.start()
    try:
        streams = Streams(head, [("jsonl", RenderOptions(), lambda text: sink.write(text[:0]))])
        for item in iter_results(files, packs, options, report=head):
            head.add(item, options, keep=False)
            if isinstance(item, ManifestResult):
                streams.push(item)
        streams.close()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_batch(corpus: Path, packs: list[Pack]) -> None:
    files = [f for f in _files(corpus) if not f.endswith(BROKEN)]
    few = _peak(files[:6] * 3, packs)  # 18 manifests
    many = _peak(files[:6] * 30, packs)  # 180 manifests
    assert many < few * 1.25, (few, many)
