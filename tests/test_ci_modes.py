"""Outputs for CI (issue 12, items 4 and 6): `--format concise` (one parsable line per
occurrence), `--format github` (workflow commands, escaped so a manifest cannot forge one),
`-q/--quiet`, `--statistics`, the pre-commit hook quiet on success, and a manifest read from
standard input (`-`, `--stdin-filename`) under the same bounds as a file."""

from __future__ import annotations

import io
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from doctrine_lint.cli import cli
from doctrine_lint.document import MAX_BYTES
from doctrine_lint.files import FileRefused, read_stream
from doctrine_lint.formats.github import command, data, prop
from doctrine_lint.formats.listing import Entry, summary
from doctrine_lint.model import Severity, natural_key

from .conftest import EXAMPLES, PINNED_DATE, REPO

CONCISE = re.compile(
    r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>bloquant|majeur|mineur|info) "
    r"(?P<rule>[A-Z][A-Za-z0-9._-]*) (?P<message>\S.*)$"
)
# a workflow command: its name, properties without a raw separator inside a value, then data
GITHUB = re.compile(
    r"^::(?P<cmd>error|warning|notice)(?: (?P<props>[a-z]+=[^,:]*(?:,[a-z]+=[^,:]*)*))?::(?P<data>.*)$"
)
EXAMPLE_ARGS = [f"examples/{p.name}" for p in sorted(EXAMPLES.glob("*.yaml"))]
FAILING_EXAMPLE = "examples/service-tiers-non-conforme.yaml"
PASSING_EXAMPLE = "examples/ent-second-degre.yaml"  # exit 0 at the default --fail-on


def _run(
    *args: str, stdin: bytes | str | None = None, cwd: Path = REPO, date: bool = True
) -> tuple[int, str, str]:
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(cwd)
        extra = ["--date", PINNED_DATE] if date else []
        result = CliRunner().invoke(cli, [*args, *extra], input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _unescape(text: str) -> str:
    return (
        text.replace("%2C", ",")
        .replace("%3A", ":")
        .replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%25", "%")
    )


def _props(props: str | None) -> dict[str, str]:
    return dict(p.split("=", 1) for p in props.split(",")) if props else {}


# ---------------------------------------------------------------- concise


@pytest.fixture(scope="module")
def all_examples() -> dict[str, str]:
    """The bundled examples in concise, github and GitLab form, from one run each."""
    out = {}
    for fmt in ("concise", "github", "gitlab"):
        code, text, err = _run(*EXAMPLE_ARGS, "--format", fmt)
        assert code == 1 and err == "", err
        out[fmt] = text
    return out


def test_concise_lists_what_gitlab_lists_one_parsable_line_each(all_examples: dict[str, str]) -> None:
    *lines, last = all_examples["concise"].splitlines()
    parsed = [CONCISE.match(line) for line in lines]
    assert all(parsed), [line for line, m in zip(lines, parsed, strict=True) if not m][:3]
    issues = json.loads(all_examples["gitlab"])
    sev = {"blocker": "bloquant", "major": "majeur", "minor": "mineur", "info": "info"}
    # the same occurrences, at the same file, line and rule, with the same severity
    assert Counter((m["file"], int(m["line"]), m["rule"], m["sev"]) for m in parsed if m) == Counter(
        (i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"], sev[i["severity"]])
        for i in issues
    )
    counts = Counter(m["sev"] for m in parsed if m)
    assert last.startswith(f"{len(lines)} constats : ") and f"{counts['majeur']} majeurs" in last


def test_concise_lines_follow_each_manifest_in_line_order(all_examples: dict[str, str]) -> None:
    matches = [m for m in map(CONCISE.match, all_examples["concise"].splitlines()) if m]
    files = [m["file"] for m in matches]
    # manifests in the order given, each one's lines together
    assert list(dict.fromkeys(files)) == [f for f in EXAMPLE_ARGS if f in files]
    for file in set(files):
        keys = [(int(m["line"]), int(m["col"]), natural_key(m["rule"])) for m in matches if m["file"] == file]
        assert keys == sorted(keys), file


def test_concise_names_the_element_of_each_occurrence() -> None:
    code, out, _ = _run(FAILING_EXAMPLE, "--format", "concise")
    assert code == 1
    sso = [line for line in out.splitlines() if " RI-6.1.1-SANS-CONTOURNEMENT " in line]
    assert [line.split(": ", 1)[0] for line in sso] == [
        f"{FAILING_EXAMPLE}:36:17",
        f"{FAILING_EXAMPLE}:39:17",
    ]
    assert "(audience = élèves" in sso[0] and "(audience = enseignants" in sso[1]
    assert f"{FAILING_EXAMPLE}:41:20: bloquant RI-6.1-SSO Le service ne déclare pas" in out


def test_concise_in_english_keeps_the_severity_words_a_script_matches() -> None:
    code, out, _ = _run(FAILING_EXAMPLE, "--format", "concise", "--lang", "en")
    assert code == 1
    assert f"{FAILING_EXAMPLE}:41:20: bloquant RI-6.1-SSO The service does not declare SSO" in out
    assert out.splitlines()[-1].startswith("Found ") and " blocking" in out.splitlines()[-1]


def test_concise_says_why_a_score_threshold_fails() -> None:
    code, out, _ = _run(PASSING_EXAMPLE, "--format", "concise", "--fail-under", "100", "--select", "RGESN-*")
    lines = out.splitlines()
    assert code == 0 and lines == ["Aucun constat."]
    code, out, _ = _run(
        "examples/vie-scolaire.yaml", "--format", "concise", "--fail-on", "aucun", "--fail-under", "99"
    )
    assert code == 1
    assert (
        "examples/vie-scolaire.yaml: conformité globale 95,8\u00a0% inférieure au seuil --fail-under 99\u00a0%"
        in out
    )


def _entry(severity: Severity, rule: str = "R-1") -> Entry:
    return Entry("m.yaml", 1, 1, severity, rule, "titre", "message")


@pytest.mark.parametrize(
    ("severities", "lang", "expected"),
    [
        ([], "fr", "Aucun constat."),
        ([], "en", "No findings."),
        ([Severity.MAJEUR], "fr", "1 constat : 1 majeur"),
        ([Severity.MAJEUR], "en", "Found 1 finding: 1 major"),
        ([Severity.INFO, Severity.INFO], "fr", "2 constats : 2 info"),
        ([Severity.MINEUR, Severity.BLOQUANT, Severity.MINEUR], "fr", "3 constats : 1 bloquant, 2 mineurs"),
        (
            [Severity.MINEUR, Severity.BLOQUANT, Severity.BLOQUANT],
            "en",
            "Found 3 findings: 2 blocking, 1 minor",
        ),
        (
            [Severity.INFO, Severity.MAJEUR, Severity.MAJEUR, Severity.MINEUR],
            "fr",
            "4 constats : 2 majeurs, 1 mineur, 1 info",
        ),
    ],
)
def test_summary_line(severities: list[Severity], lang: str, expected: str) -> None:
    assert summary([_entry(s) for s in severities], lang) == expected


# ---------------------------------------------------------------- github


def test_github_annotations_match_the_concise_lines(all_examples: dict[str, str]) -> None:
    summary_line, *lines = all_examples["github"].splitlines()
    assert summary_line == "::notice title=doctrine-lint::" + all_examples["concise"].splitlines()[-1]
    level = {"bloquant": "error", "majeur": "error", "mineur": "warning", "info": "notice"}
    concise = [m for m in map(CONCISE.match, all_examples["concise"].splitlines()) if m]
    expected = Counter(
        (level[m["sev"]], m["file"], m["line"], m["col"], f"{m['rule']} ({m['sev']})", m["message"])
        for m in concise
    )
    seen: Counter[tuple[str, ...]] = Counter()
    for line in lines:
        found = GITHUB.match(line)
        assert found, line
        p = {k: _unescape(v) for k, v in _props(found["props"]).items()}
        seen[(found["cmd"], p["file"], p["line"], p["col"], p["title"], _unescape(found["data"]))] += 1
    assert seen == expected


def test_github_shows_the_most_severe_first(all_examples: dict[str, str]) -> None:
    # GitHub shows 10 annotations of a level per step: blocking ones must come before major ones
    titles = [
        _props(m["props"])["title"] for m in map(GITHUB.match, all_examples["github"].splitlines()[1:]) if m
    ]
    ranks = [("bloquant", "majeur", "mineur", "info").index(t.rsplit("(", 1)[1].rstrip(")")) for t in titles]
    assert ranks == sorted(ranks) and ranks[0] == 0


@pytest.mark.parametrize(
    ("text", "as_data", "as_property"),
    [
        ("simple", "simple", "simple"),
        ("50 %", "50 %25", "50 %25"),
        ("a\nb", "a%0Ab", "a%0Ab"),
        ("a\r\n::error::x", "a%0D%0A::error::x", "a%0D%0A%3A%3Aerror%3A%3Ax"),
        ("f,line=1", "f,line=1", "f%2Cline=1"),
        ("%0A", "%250A", "%250A"),
        ("C:\\x.yaml", "C:\\x.yaml", "C%3A\\x.yaml"),
    ],
)
def test_github_escaping(text: str, as_data: str, as_property: str) -> None:
    assert data(text) == as_data and prop(text) == as_property
    assert _unescape(as_property) == text


def test_github_command_leaves_out_unknown_positions() -> None:
    assert command("error", "m", file="f.xlsx", line=0, col=0, title="T") == "::error file=f.xlsx,title=T::m"
    assert command("notice", "a\nb") == "::notice::a%0Ab"


def test_github_cannot_be_forged_by_a_manifest(tmp_path: Path) -> None:
    forged = "X\n::error file=forged.yaml,line=1::faux\r\n::warning::y, z: %0A"
    text = (EXAMPLES / "service-tiers-non-conforme.yaml").read_text(encoding="utf-8")
    text = text.replace("  - name: Export des scores", f"  - name: {json.dumps(forged)}", 1)
    folder = tmp_path / "a,b:c"
    folder.mkdir()
    manifest = folder / "m::x,line=9.yaml"
    manifest.write_text(text, encoding="utf-8")
    code, out, _ = _run(str(manifest), "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert all(GITHUB.match(line) for line in lines), [line for line in lines if not GITHUB.match(line)]
    files = {_unescape(_props(GITHUB.match(line)["props"]).get("file", "")) for line in lines[1:]}  # type: ignore[index]
    assert files == {str(manifest)}
    # the value is shown, mid-line, its line breaks as spaces and its literal "%0A" kept literal
    quoting = [line for line in lines if "« X ::error file=forged.yaml" in line]
    assert quoting and all("faux ::warning::y, z: %250A »" in line for line in quoting)
    assert not any(line.startswith("::error file=forged") for line in lines)


# ---------------------------------------------------------------- quiet


@pytest.mark.parametrize("fmt", ["text", "concise", "github"])
def test_quiet_prints_nothing_when_the_run_passes(fmt: str) -> None:
    code, out, err = _run(PASSING_EXAMPLE, "-q", "--format", fmt)
    assert (code, out, err) == (0, "", "")
    code, out, _ = _run(PASSING_EXAMPLE, "--statistics", "--quiet")
    assert (code, out) == (0, "")


def test_quiet_keeps_only_the_findings_when_it_fails() -> None:
    code, full, _ = _run(FAILING_EXAMPLE, "--format", "concise")
    code_q, quiet, _ = _run(FAILING_EXAMPLE, "--format", "concise", "-q")
    assert code == code_q == 1
    assert quiet.splitlines() == full.splitlines()[:-1]  # the summary line left out
    code, text, _ = _run(FAILING_EXAMPLE, "-q")
    assert code == 1
    assert text.startswith(f"== {FAILING_EXAMPLE}\n\nConstats\n")
    for gone in ("Scores", "Résumé", "Règles par source", "Référentiels transverses", "Dérogations"):
        assert f"\n{gone}" not in text, gone
    assert f"{FAILING_EXAMPLE}:41:20: bloquant non conforme [RI-6.1-SSO]" in text
    code, github, _ = _run(FAILING_EXAMPLE, "--format", "github", "--quiet")
    assert code == 1 and not github.startswith("::notice title=doctrine-lint::")


def test_quiet_text_names_a_missed_threshold() -> None:
    code, out, _ = _run(
        PASSING_EXAMPLE, "-q", "--fail-under", "100", "--select", "securite", "--ignore", "SEC-*"
    )
    assert code == 0 and out == ""
    code, out, _ = _run(
        "examples/vie-scolaire.yaml", "-q", "--fail-on", "aucun", "--fail-under", "99", "--select", "RGESN-*"
    )
    assert code == 1
    assert out.splitlines()[-1].startswith("examples/vie-scolaire.yaml: conformité globale ")


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "gitlab", "markdown"])
def test_quiet_leaves_documents_whole(fmt: str) -> None:
    for example in (PASSING_EXAMPLE, FAILING_EXAMPLE):
        plain = _run(example, "--format", fmt)
        assert _run(example, "--format", fmt, "-q") == plain and plain[1]


def test_quiet_with_output_still_writes_the_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    code, out, _ = _run(FAILING_EXAMPLE, "-q", "--format", "concise", "-o", str(target))
    assert code == 1 and out == ""
    assert target.read_text(encoding="utf-8").startswith(f"{FAILING_EXAMPLE}:")


def test_quiet_keeps_errors_on_stderr() -> None:
    code, out, err = _run("absent.yaml", "-q", "--format", "concise")
    assert code == 2 and out == "" and err == "doctrine-lint: erreur: absent.yaml: fichier introuvable\n"


# ---------------------------------------------------------------- statistics


def test_statistics_count_what_concise_lists(all_examples: dict[str, str]) -> None:
    code, out, _ = _run(*EXAMPLE_ARGS, "--statistics")
    assert code == 1
    *rows, last = out.splitlines()
    assert last == all_examples["concise"].splitlines()[-1]
    concise = Counter(m["rule"] for m in map(CONCISE.match, all_examples["concise"].splitlines()) if m)
    parsed = [re.match(r"^ *(\d+)  (\S+) +(bloquant|majeur|mineur|info) +(\S.*)$", row) for row in rows]
    assert all(parsed), rows[:3]
    counted = [(int(m[1]), m[2]) for m in parsed if m]
    assert dict((rule, n) for n, rule in counted) == dict(concise)
    assert counted == sorted(counted, key=lambda c: (-c[0], natural_key(c[1])))
    assert counted[0][0] > 1  # a rule that fails in several manifests or on several elements


def test_statistics_rows_name_rule_severity_and_title() -> None:
    code, out, _ = _run(FAILING_EXAMPLE, "--statistics")
    assert code == 1
    row = next(r for r in out.splitlines() if " RI-6.1.1-SANS-CONTOURNEMENT " in r)
    assert re.match(r"^ *2  RI-6\.1\.1-SANS-CONTOURNEMENT +mineur +\S", row), row
    code, out_en, _ = _run(FAILING_EXAMPLE, "--statistics", "--lang", "en")
    row_en = next(r for r in out_en.splitlines() if " RI-6.1.1-SANS-CONTOURNEMENT " in r)
    assert row_en.split("mineur")[0] == row.split("mineur")[0] and row_en != row  # title in English


@pytest.mark.parametrize("fmt", ["json", "github", "sarif"])
def test_statistics_refuses_a_document_format(fmt: str) -> None:
    code, out, err = _run(FAILING_EXAMPLE, "--statistics", "--format", fmt)
    assert code == 2 and out == "" and "--statistics" in err and fmt in err


# ---------------------------------------------------------------- pre-commit hook


def _hook() -> dict[str, object]:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    return hook  # type: ignore[no-any-return]


def test_pre_commit_hook_is_quiet_and_concise() -> None:
    args = _hook()["args"]
    assert isinstance(args, list) and "--quiet" in args and args[args.index("--format") + 1] == "concise"


def test_pre_commit_hook_prints_nothing_for_passing_files_and_lines_for_a_failing_one(tmp_path: Path) -> None:
    hook = _hook()
    files = re.compile(str(hook["files"]))
    names = ["manifeste-a.yaml", "config/manifeste-b.yml"]
    for name in names:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        shutil.copy(EXAMPLES / "ent-second-degre.yaml", tmp_path / name)
        assert files.search(name), name
    assert not files.search(".github/workflows/ci.yml")
    args = [str(a) for a in hook["args"]]  # type: ignore[attr-defined]
    # pre-commit runs `entry args… files…`
    assert _run(*args, *names, cwd=tmp_path) == (0, "", "")
    shutil.copy(EXAMPLES / "service-tiers-non-conforme.yaml", tmp_path / "manifeste-c.yaml")
    code, out, err = _run(*args, *names, "manifeste-c.yaml", cwd=tmp_path)
    assert code == 1 and err == ""
    lines = out.splitlines()
    assert lines and all(CONCISE.match(line) and line.startswith("manifeste-c.yaml:") for line in lines)


# ---------------------------------------------------------------- standard input


def test_stdin_with_a_filename_reads_like_the_file() -> None:
    manifest = "examples/service-tiers-non-conforme.yaml"
    text = (REPO / manifest).read_bytes()
    from_file = _run(manifest, "--format", "concise")
    assert _run("-", "--stdin-filename", manifest, "--format", "concise", stdin=text) == from_file
    # --stdin-filename alone reads standard input, as ruff does
    assert _run("--stdin-filename", manifest, "--format", "concise", stdin=text) == from_file
    # the JSON report names it and fingerprints it the same way
    j_file = json.loads(_run(manifest, "--format", "json")[1])["manifests"][0]
    j_stdin = json.loads(_run("-", "--stdin-filename", manifest, "--format", "json", stdin=text)[1])[
        "manifests"
    ][0]
    assert j_stdin["file"] == manifest and j_stdin["sha256"] == j_file["sha256"]


def test_stdin_without_a_filename_is_shown_as_stdin() -> None:
    text = (EXAMPLES / "service-tiers-non-conforme.yaml").read_bytes()
    code, out, _ = _run("-", "--format", "concise", stdin=text)
    assert code == 1
    assert "<stdin>:41:20: bloquant RI-6.1-SSO " in out
    assert all(line.startswith("<stdin>:") for line in out.splitlines()[:-1])


def test_stdin_among_files_keeps_its_place() -> None:
    text = (EXAMPLES / "ent-second-degre.yaml").read_bytes()
    code, out, _ = _run(FAILING_EXAMPLE, "-", "examples/vie-scolaire.yaml", "--format", "json", stdin=text)
    assert code == 1
    files = [m["file"] for m in json.loads(out)["manifests"]]
    assert files == [FAILING_EXAMPLE, "<stdin>", "examples/vie-scolaire.yaml"]


def test_a_baseline_written_from_the_file_knows_the_stdin_findings(tmp_path: Path) -> None:
    baseline = tmp_path / "b.json"
    assert _run(FAILING_EXAMPLE, "--write-baseline", str(baseline))[0] == 1
    text = (REPO / FAILING_EXAMPLE).read_bytes()
    code, out, _ = _run(
        "-", "--stdin-filename", FAILING_EXAMPLE, "--baseline", str(baseline), "-q", stdin=text
    )
    assert (code, out) == (0, "")


@pytest.mark.parametrize(
    ("stdin", "name", "expected"),
    [
        (b"", None, "<stdin>:1:1: fichier vide : un document YAML est attendu"),
        (b"manifest_version: 1\nservice: [\n", None, "<stdin>:3:1: "),
        (b"a: 1\na: 2\n", "dir/m.yaml", "dir/m.yaml:2:1: "),
        (b"\xff\xfeh\x00i\x00", "m.yaml", "m.yaml:1:1: le fichier est encodé en UTF-16"),
        (b"name: caf\xe9\n", None, "<stdin>:1:10: "),
        (b"\x00\x01\x02binary", None, "<stdin>:1:1: "),
        (b"- 1\n- 2\n", None, "<stdin>:1:1: la racine du document doit être un dictionnaire"),
        (
            b"x" * (MAX_BYTES + 1),
            None,
            f"<stdin>: entrée standard trop volumineuse (maximum {MAX_BYTES} octets)",
        ),
    ],
    ids=["empty", "syntax", "duplicate-key", "utf16", "latin1", "binary", "list-root", "oversized"],
)
def test_bad_stdin_is_a_located_error(stdin: bytes, name: str | None, expected: str) -> None:
    args = ["-", *(["--stdin-filename", name] if name else [])]
    code, out, err = _run(*args, stdin=stdin)
    assert code == 2 and out == ""
    assert err.startswith(f"doctrine-lint: erreur: {expected}"), err
    assert "Traceback" not in err and len(err.splitlines()) <= 3


class _Endless(io.RawIOBase):
    """A stream that never ends, counting what was read from it."""

    def __init__(self) -> None:
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        n = min(len(buffer), 4096)  # short reads, as a pipe gives
        buffer[:n] = b"a" * n
        self.served += n
        return n


def test_read_stream_stops_one_byte_past_the_limit() -> None:
    endless = _Endless()
    with pytest.raises(FileRefused) as refused:
        read_stream(endless, 100_000)  # type: ignore[arg-type]
    assert refused.value.reason == "too-large" and endless.served == 100_001
    assert read_stream(io.BytesIO(b"abc"), 3) == b"abc"
    with pytest.raises(FileRefused, match="fermée"):
        read_stream(None, 10)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-", "-"], "l'entrée standard (-) ne peut être lue qu'une fois"),
        ([FAILING_EXAMPLE, "--stdin-filename", "x.yaml"], "--stdin-filename"),
    ],
)
def test_stdin_usage_errors(args: list[str], message: str) -> None:
    code, out, err = _run(*args, stdin=b"a: 1\n")
    assert code == 2 and out == "" and message in err


def test_evidence_from_stdin_needs_a_filename_to_find_its_folder(tmp_path: Path) -> None:
    manifest = EXAMPLES / "preuves" / "ressource-gar-preuves.yaml"
    text = manifest.read_bytes()
    code, out, err = _run("-", "--format", "concise", stdin=text)
    assert code == 2 and out == ""
    lines = text.decode().splitlines()
    first = next(i for i, line in enumerate(lines, 1) if line.strip() == "path: fichiers/ara-rapport.json")
    errors = err.splitlines()
    assert errors[0].startswith(
        f"doctrine-lint: erreur: <stdin>:{first}:11: fichier de preuve « fichiers/ara-rapport.json »"
    )
    assert "--stdin-filename" in errors[0] and len(errors) == 3  # one per evidence file
    # named, its evidence is read from the named file's folder, as for the file itself
    rel = "examples/preuves/ressource-gar-preuves.yaml"
    assert _run("-", "--stdin-filename", rel, "--format", "concise", stdin=text) == _run(
        rel, "--format", "concise"
    )
    # and a name elsewhere reads (or misses) the evidence there, never next to the working folder
    code, _, err = _run("-", "--stdin-filename", str(tmp_path / "m.yaml"), stdin=text)
    assert code == 2 and "fichier de preuve introuvable : « fichiers/ara-rapport.json »" in err


@pytest.mark.parametrize("name", sorted(p.name for p in (REPO / "tests" / "hostile").glob("*.yaml")))
def test_the_hostile_corpus_on_stdin_meets_the_same_bounds(name: str) -> None:
    """Alias bombs, deep nesting, too many nodes: refused on standard input exactly as from the file."""
    path = f"tests/hostile/{name}"
    from_file = _run(path, "--format", "concise")
    assert from_file[0] == 2
    assert (
        _run("-", "--stdin-filename", path, "--format", "concise", stdin=(REPO / path).read_bytes())
        == from_file
    )


def test_every_registered_format_is_a_format_choice_and_documented() -> None:
    from doctrine_lint.formats import FORMATS, QUIET_FORMATS

    param = next(p for p in cli.commands["lint"].params if p.name == "fmt")
    assert tuple(param.type.choices) == FORMATS  # type: ignore[attr-defined]
    assert set(FORMATS) >= QUIET_FORMATS
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in FORMATS:
        assert f"| `{name}` |" in readme, name  # a row of the formats table


@pytest.mark.parametrize("fmt", ["text", "concise", "github"])
def test_quiet_does_not_cut_the_report_files(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "r.out"
    code, out, _ = _run(PASSING_EXAMPLE, "-q", "--report", f"{fmt}:{target}")
    assert (code, out) == (0, "")
    assert target.read_text(encoding="utf-8") == _run(PASSING_EXAMPLE, "--format", fmt)[1] != ""
