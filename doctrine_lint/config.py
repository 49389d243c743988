"""Configuration files: the options a project keeps beside its manifests, found like ruff's.

A configuration is a `.doctrine-lint.yaml` (or `.doctrine-lint.yml`) file, or the
`[tool.doctrine-lint]` table of a `pyproject.toml`. Without `--config`, it is searched from the
working directory upward: in each folder the YAML file first, then a `pyproject.toml` that has the
table (one without it is skipped, as ruff does); the first found is the only one read (files are
not merged). The search stops at the filesystem root, and after the first folder that holds a
`.git` entry — the repository's root: a file above it belongs to another project, and the suite
of a project never depends on what sits in its parent folders. There is no user-wide file: what
a CI run reads is in the repository.

Keys are written in kebab-case, like the options (`fail-on`, not `fail_on`: a snake_case key is
refused with the right spelling); `SETTINGS` maps each key to the click parameter it gives a
default to and to the commands that read it. Paths (`packs`, `profile`, the file of each
`reports` entry) are relative to the configuration file's folder. The evaluation date is not a
key: a date kept in a file would silently freeze expiry checks, so it stays on the command line.

Files are validated by `schemas/config.schema.json` with the manifests' located errors
(`file:line:col: message`, exit code 2): YAML through `document`, TOML through `tomllib` with
positions from `tomlpositions`. This module knows nothing of click; the command line turns
`Config.defaults` into click's `default_map`, so an option given on the command line always wins,
and a list given there replaces the file's list (as ruff's `--select` does).
"""

from __future__ import annotations

import hashlib
import math
import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from enum import Enum
from pathlib import Path
from typing import Any

from . import __version__
from .document import Document, PathKey, Span, load_document
from .errors import Msg, Problem, UsageError
from .files import FileRefused, read_regular
from .suggest import NO_HINT, close_matches, did_you_mean
from .tomlpositions import syntax_error_message, syntax_error_position, table_positions
from .validation import load_schema, validate_document

CONFIG_FORMAT_VERSION = 1
YAML_NAMES = (".doctrine-lint.yaml", ".doctrine-lint.yml")
PYPROJECT = "pyproject.toml"
TABLE = ("tool", "doctrine-lint")
MAX_BYTES = 1024 * 1024  # a pyproject.toml is read whole to look for the table
_TOO_DEEP = Msg("imbrication trop profonde", "nesting too deep")


class Kind(Enum):
    """How a key's value is turned into the option's default."""

    VALUE = "value"  # as written
    PATH = "path"  # one path, relative to the configuration's folder
    PATHS = "paths"  # a list of such paths
    REPORTS = "reports"  # FORMAT:FILE entries, FILE relative to the configuration's folder


LINT = frozenset({"lint"})
REVIEWING = frozenset({"lint", "review"})
SELECTING = frozenset({"lint", "rules", "review"})
LOADING = frozenset({"lint", "rules", "explain", "review"})


@dataclass(frozen=True, slots=True)
class Setting:
    """One key of the file ↔ one click parameter, for the commands listed."""

    key: str
    param: str
    kind: Kind = Kind.VALUE
    commands: frozenset[str] = LINT


# One line per configurable option (the schema lists the same keys, a test keeps both equal).
SETTINGS: tuple[Setting, ...] = (
    Setting("packs", "packs", Kind.PATHS, LOADING),
    Setting("only-packs", "only_packs", commands=LOADING),
    Setting("select", "select", commands=SELECTING),
    Setting("ignore", "ignore", commands=SELECTING),
    Setting("min-evidence", "min_evidence", commands=SELECTING),
    Setting("fail-on", "fail_on"),
    Setting("fail-under", "fail_under"),
    Setting("min-completeness", "min_completeness"),
    Setting("profile", "profile_file", Kind.PATH, REVIEWING),
    Setting("lang", "lang", commands=LOADING),
    Setting("format", "fmt"),
    Setting("reports", "reports", Kind.REPORTS),
    Setting("show-all", "show_all"),
    Setting("no-derogations", "no_derogations", commands=REVIEWING),
    Setting("quiet", "quiet"),
    Setting("statistics", "statistics"),
    Setting("jobs", "jobs"),
)
BY_KEY = {s.key: s for s in SETTINGS}
KEYS = ("version", *BY_KEY)

# Options that only the command line takes, and why (a key named so gets this reason).
COMMAND_LINE_ONLY = {
    "date": Msg(
        "la date d'évaluation se donne sur la ligne de commande (--date) : figée dans un fichier, "
        "elle empêcherait les dérogations d'expirer",
        "the evaluation date is given on the command line (--date): fixed in a file, "
        "it would keep waivers from expiring",
    ),
    "output": Msg(
        "le fichier du rapport principal se donne avec -o ; dans un fichier, utilisez « reports »",
        'the main report\'s file is given with -o; in a file, use "reports"',
    ),
    "config": Msg("--config se donne sur la ligne de commande", "--config is given on the command line"),
    "isolated": Msg(
        "--isolated se donne sur la ligne de commande", "--isolated is given on the command line"
    ),
    "baseline": Msg(
        "la référence se donne sur la ligne de commande (--baseline)",
        "the baseline is given on the command line (--baseline)",
    ),
    "write-baseline": Msg(
        "--write-baseline se donne sur la ligne de commande", "--write-baseline is given on the command line"
    ),
    "no-color": Msg(
        "les couleurs se règlent sur la ligne de commande (--no-color) ou par NO_COLOR",
        "colours are set on the command line (--no-color) or by NO_COLOR",
    ),
    "decided-by": Msg(
        "--decided-by, vue de relecture, se donne sur la ligne de commande",
        "--decided-by, a reviewer's view, is given on the command line",
    ),
    "stdin-filename": Msg(
        "--stdin-filename nomme l'entrée standard d'une exécution : il se donne sur la ligne de commande",
        "--stdin-filename names one run's standard input: it is given on the command line",
    ),
}


@dataclass(frozen=True, slots=True)
class AppliedConfig:
    """The configuration in force for one run, as the report's stamp records it: the file, the
    table read in it (pyproject.toml), its SHA-256, and the values that came from it (the keys
    the command line did not override), resolved as the options received them."""

    file: str
    table: str | None
    sha256: str
    values: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """« pyproject.toml [tool.doctrine-lint] », or the YAML file's path."""
        return f"{self.file} [{self.table}]" if self.table else self.file

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "table": self.table, "sha256": self.sha256, "values": self.values}


@dataclass(frozen=True, slots=True)
class Config:
    """A loaded, validated configuration. `values` holds the keys written in the file (but
    `version`), paths already resolved from the file's folder."""

    file: str  # as shown in messages: relative to the working directory
    table: str | None
    sha256: str
    values: dict[str, Any]

    def defaults(self, command: str) -> dict[str, Any]:
        """click parameter name → default, for the keys `command` reads."""
        return {
            BY_KEY[key].param: value for key, value in self.values.items() if command in BY_KEY[key].commands
        }

    def applied(self, params: Iterable[str]) -> AppliedConfig:
        """The part of this configuration that `params` (click parameter names whose value came
        from it) took."""
        taken = set(params)
        values = {key: value for key, value in self.values.items() if BY_KEY[key].param in taken}
        return AppliedConfig(self.file, self.table, self.sha256, values)


# --- discovery ----------------------------------------------------------------------------------


def discover(start: Path | None = None) -> Path | None:
    """The configuration file that applies in `start` (default: the working directory), or
    None. See the module docstring for the order and where the search stops."""
    folder = (start or Path.cwd()).absolute()
    for here in (folder, *folder.parents):
        for name in YAML_NAMES:
            if (here / name).is_file():
                return here / name
        pyproject = here / PYPROJECT
        if pyproject.is_file() and _has_table(pyproject):
            return pyproject
        if (here / ".git").exists():
            return None
    return None


def find_config(start: Path | None = None) -> Config | None:
    """Discover and load the configuration that applies in `start`, if any."""
    found = discover(start)
    return None if found is None else load_config(found)


def _has_table(path: Path) -> bool:
    """Whether a pyproject.toml has a `[tool.doctrine-lint]` table. A file that does not even
    name doctrine-lint is skipped unparsed; one that does must be valid TOML (as with ruff, a
    broken pyproject.toml that may hold the configuration is an error, not a silent skip)."""
    text, _ = _read(path, _shown(path))
    if "doctrine-lint" not in text and "doctrine_lint" not in text:
        return False
    tool = _parse_toml(text, _shown(path)).get("tool")
    return isinstance(tool, dict) and ("doctrine-lint" in tool or "doctrine_lint" in tool)


# --- loading ------------------------------------------------------------------------------------


def load_config(path: Path | str) -> Config:
    """Load and validate one configuration file (YAML, or a pyproject.toml's table); raise
    `UsageError` with every problem at its line and column."""
    path = Path(path)
    shown = _shown(path)
    if path.name == PYPROJECT or path.suffix == ".toml":
        doc = _toml_document(path, shown)
        table: str | None = ".".join(TABLE)
    else:
        doc = load_document(path, display=shown, error=UsageError)
        table = None
    _check(doc)
    folder = path.absolute().parent
    values = {
        key: _resolve(BY_KEY[key].kind, value, folder) for key, value in doc.data.items() if key != "version"
    }
    return Config(shown, table, doc.sha256, values)


def _shown(path: Path) -> str:
    """A path as messages and stamps show it: relative to the working directory (`../x` for a
    file found above it), absolute only when no relative path exists."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)


def _read(path: Path, shown: str) -> tuple[str, bytes]:
    try:
        raw = read_regular(path, MAX_BYTES, noun=Msg("fichier de configuration", "configuration file"))
    except FileRefused as exc:
        raise UsageError.single(shown, 0, 0, exc.message) from None
    try:
        return raw.decode("utf-8-sig"), raw
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise UsageError.single(
            shown, line, column, Msg("fichier non encodé en UTF-8", "file not encoded in UTF-8")
        ) from None


def _parse_toml(text: str, shown: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, column = syntax_error_position(exc)
        reason = syntax_error_message(exc)  # tomllib's own (English) wording
        raise UsageError.single(
            shown, line, column, Msg(f"TOML invalide : {reason}", f"invalid TOML: {reason}")
        ) from None
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise UsageError.single(shown, 0, 0, _TOO_DEEP) from None


def _toml_document(path: Path, shown: str) -> Document:
    text, raw = _read(path, shown)
    data = _parse_toml(text, shown)
    tool = data.get("tool")
    if not isinstance(tool, dict) or "doctrine-lint" not in tool:
        if isinstance(tool, dict) and "doctrine_lint" in tool:
            at = table_positions(text, ("tool", "doctrine_lint")).get((), Span(1, 1, 1, 1))
            raise UsageError.single(
                shown,
                at.key_line,
                at.key_column,
                Msg(
                    "table « tool.doctrine_lint » : écrivez [tool.doctrine-lint]",
                    'table "tool.doctrine_lint": write [tool.doctrine-lint]',
                ),
            )
        raise UsageError.single(
            shown,
            1,
            1,
            Msg(
                "pas de table [tool.doctrine-lint] dans ce fichier",
                "no [tool.doctrine-lint] table in this file",
            ),
        )
    try:  # what tomllib could nest, the locator and `_plain` (one frame a level) can walk
        doc = Document(shown, tool["doctrine-lint"], table_positions(text, TABLE))
        doc.sha256 = hashlib.sha256(raw).hexdigest()
        if not isinstance(doc.data, dict):
            line, column, _ = doc.locate(())
            raise UsageError.single(
                shown,
                line,
                column,
                Msg("tool.doctrine-lint : une table est attendue", "tool.doctrine-lint: a table is expected"),
            )
        problems = _plain(doc, doc.data, ())
    except RecursionError:
        raise UsageError.single(shown, 0, 0, _TOO_DEEP) from None
    if problems:
        raise UsageError(problems)
    return doc


def _plain(doc: Document, value: Any, where: PathKey) -> list[Problem]:
    """TOML dates and times become ISO text (as the YAML loader keeps them); `inf` and `nan`,
    which TOML allows and no threshold means, are refused where they are written."""
    problems: list[Problem] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, datetime | date | time):
                value[key] = item.isoformat()
            problems += _plain(doc, item, (*where, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, datetime | date | time):
                value[i] = item.isoformat()
            problems += _plain(doc, item, (*where, i))
    elif isinstance(value, float) and not math.isfinite(value):
        problems.append(
            doc.problem(
                where,
                Msg(f"nombre non fini « {value} » interdit", f'non-finite number "{value}" not allowed'),
            )
        )
    return problems


# --- validation ---------------------------------------------------------------------------------


def _check(doc: Document) -> None:
    """The version first (a newer file may use keys this version does not know), then unknown
    keys with the right spelling, report targets, and the schema; every problem located."""
    data: dict[str, Any] = doc.data
    version = data.get("version", CONFIG_FORMAT_VERSION)
    if isinstance(version, int) and not isinstance(version, bool) and version > CONFIG_FORMAT_VERSION:
        raise UsageError(
            [
                doc.problem(
                    ("version",),
                    Msg(
                        f"version : format de configuration {version} inconnu ; doctrine-lint {__version__} "
                        f"lit la version {CONFIG_FORMAT_VERSION} (mettez doctrine-lint à jour)",
                        f"version: unknown configuration format {version}; doctrine-lint {__version__} "
                        f"reads version {CONFIG_FORMAT_VERSION} (upgrade doctrine-lint)",
                    ),
                )
            ]
        )
    mine = [_unknown(doc, key) for key in data if key not in KEYS]
    mine += _report_problems(doc)
    taken = {(p.line, p.column) for p in mine}
    # the schema's own message for a spot already explained (an unknown key) is left out
    problems = mine + [p for p in validate_document(doc, "config") if (p.line, p.column) not in taken]
    if doc.file.endswith(".toml"):
        # the schema messages explain YAML's reading of unquoted values; TOML reads them alike
        problems = [
            replace(
                p, message=p.message.replace("YAML", "TOML"), message_en=p.message_en.replace("YAML", "TOML")
            )
            for p in problems
        ]
    if problems:
        problems.sort(key=lambda p: (p.line, p.column, p.message))
        raise UsageError(problems)


def _unknown(doc: Document, key: str) -> Problem:
    """An unknown key, with what was meant: the kebab-case spelling, the reason an option is
    command-line only, or the closest key."""
    kebab = key.replace("_", "-")
    if kebab in COMMAND_LINE_ONLY:
        why = COMMAND_LINE_ONLY[kebab]
        message = Msg(f"clé « {key} » non lue ici : {why.fr}", f'key "{key}" not read here: {why.en}')
    elif kebab != key and kebab in KEYS:
        message = Msg(
            f"clé inconnue « {key} » : écrivez « {kebab} » (les clés s'écrivent avec des tirets, comme les options)",
            f'unknown key "{key}": write "{kebab}" (keys are written with dashes, like the options)',
        )
    else:
        listed = ", ".join(KEYS)
        hint = did_you_mean(
            kebab, KEYS, n=1, otherwise=Msg(f" (clés permises : {listed})", f" (allowed keys: {listed})")
        )
        message = Msg(f"clé inconnue « {key} »{hint.fr}", f'unknown key "{key}"{hint.en}')
    return doc.problem((key,), message, key=True)


def _report_problems(doc: Document) -> list[Problem]:
    # the format names from the schema (a test keeps them equal to --format's): `formats` depends
    # on the linter, which depends on this module
    formats: list[str] = load_schema("config")["properties"]["format"]["enum"]
    entries = doc.data.get("reports")
    if not isinstance(entries, list):
        return []
    problems = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, str):
            continue  # the schema says « texte attendu »
        name, sep, target = entry.partition(":")
        if sep and target and name in formats:
            continue
        close = close_matches(name, formats, n=1) if sep and target else []
        hint = did_you_mean(f"{name}:{target}", [f"{close[0]}:{target}"]) if close else NO_HINT
        problems.append(
            doc.problem(
                ("reports", i),
                Msg(
                    f"« {entry} » : attendu FORMAT:FICHIER avec FORMAT parmi {', '.join(formats)}{hint.fr}",
                    f'"{entry}": expected FORMAT:FILE with FORMAT among {", ".join(formats)}{hint.en}',
                ).after(f"reports[{i}]"),
            )
        )
    return problems


# --- values -------------------------------------------------------------------------------------


def _resolve(kind: Kind, value: Any, folder: Path) -> Any:
    if kind is Kind.PATH:
        return _relative(folder, value)
    if kind is Kind.PATHS:
        return [_relative(folder, v) for v in value]
    if kind is Kind.REPORTS:
        out = []
        for entry in value:
            name, _, target = entry.partition(":")
            out.append(f"{name}:{_relative(folder, target)}")
        return out
    return value


def _relative(folder: Path, value: str) -> str:
    """A path written in the configuration, as the working directory reaches it."""
    if Path(value).is_absolute() or folder == Path.cwd().absolute():
        return value
    return _shown(folder / value)
