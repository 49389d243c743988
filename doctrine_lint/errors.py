"""Error types: everything the library raises for bad input, with a position when it has one,
and the exit codes a run ends with.

The CLI turns every `DoctrineLintError` into a one-line message per problem and exit code 2.
Every problem carries its message in French (`message`, the default language, what existing
callers read) and in English (`message_en`); `Problem.render(lang)` picks one. The library raises
before it knows the reader's language, so both are written where the problem is found (`Msg`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import NamedTuple


class ExitCode(IntEnum):
    """The process exit codes of doctrine-lint (the library decides them, the CLI exits with them)."""

    OK = 0
    FINDINGS = 1  # a finding at or above --fail-on, a --fail-under or profile threshold missed
    ERROR = 2  # usage, input or pack error
    INTERNAL = 3  # a bug in doctrine-lint


class Msg(NamedTuple):
    """An error message in French and in English, as the place that finds a problem writes it."""

    fr: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr

    def after(self, where: str) -> Msg:
        """The message introduced by what it is about: « a.b : … » / "a.b: …"."""
        return Msg(f"{where} : {self.fr}", f"{where}: {self.en}")

    def then(self, more: Msg, sep: str = " ") -> Msg:
        """Two messages joined, each in its language (a hint after a message)."""
        return Msg(f"{self.fr}{sep}{more.fr}", f"{self.en}{sep}{more.en}")

    @classmethod
    def same(cls, text: str) -> Msg:
        """A text that reads the same in both languages (a tool's own wording, a number)."""
        return cls(text, text)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input file, at a 1-based line and column (0 when unknown).

    `message` is French; `message_en` is its English version (empty only for a problem built by
    code that predates it: French is then shown in both languages)."""

    file: str
    line: int
    column: int
    message: str
    message_en: str = ""

    @classmethod
    def at(cls, file: str, line: int, column: int, msg: Msg) -> Problem:
        return cls(file, line, column, msg.fr, msg.en)

    def text(self, lang: str) -> str:
        """The message alone, in `lang`."""
        return self.message_en if lang == "en" and self.message_en else self.message

    def render(self, lang: str = "fr") -> str:
        """`file:line:col: message` (or `file: message` without a position), in `lang`."""
        if self.line:
            return f"{self.file}:{self.line}:{self.column}: {self.text(lang)}"
        return f"{self.file}: {self.text(lang)}"

    def __str__(self) -> str:
        return self.render("fr")


# Problems kept per error (one input file): a hostile file can produce hundreds of thousands
# (a duplicated key in every element of a long list); beyond this, one line gives the count.
MAX_PROBLEMS = 100


@dataclass(frozen=True, slots=True)
class OmittedProblems(Problem):
    """The last line of a capped list of problems: how many were not kept."""

    count: int = 0


def _omitted_message(count: int) -> Msg:
    if count == 1:
        return Msg(f"… et {count} autre erreur non affichée", f"… and {count} more error not shown")
    return Msg(f"… et {count} autres erreurs non affichées", f"… and {count} more errors not shown")


def cap_problems(problems: list[Problem], limit: int = MAX_PROBLEMS) -> list[Problem]:
    """The first `limit` problems, then one `OmittedProblems` counting the others (a count
    already in the list, from an error built on a capped one, is added in, not re-counted)."""
    real = [p for p in problems if not isinstance(p, OmittedProblems)]
    omitted = sum(p.count for p in problems if isinstance(p, OmittedProblems))
    if len(real) <= limit and not omitted:
        return problems
    omitted += max(0, len(real) - limit)
    kept = real[:limit]
    file = real[limit].file if len(real) > limit else (kept[-1].file if kept else "")
    msg = _omitted_message(omitted)
    return [*kept, OmittedProblems(file, 0, 0, msg.fr, msg.en, count=omitted)]


@dataclass
class DoctrineLintError(Exception):
    """Base error: one or more problems found in an input (manifest, pack, profile…), at most
    `MAX_PROBLEMS` of them followed by the count of the others."""

    problems: list[Problem] = field(default_factory=list)
    kind: str = "input"

    def __post_init__(self) -> None:
        self.problems = cap_problems(self.problems)

    def __str__(self) -> str:
        return self.render("fr")

    def render(self, lang: str) -> str:
        return "\n".join(p.render(lang) for p in self.problems)

    @classmethod
    def single(cls, file: str, line: int, column: int, message: Msg) -> DoctrineLintError:
        return cls([Problem.at(file, line, column, message)])


def cannot_write(exc: OSError) -> Msg:
    """Why a file could not be written (the system's reason, as the system words it)."""
    reason = exc.strerror or str(exc)
    return Msg(f"écriture impossible : {reason}", f"cannot write: {reason}")


class LocalizedWarning(UserWarning):
    """A warning shown on stderr in the reader's language (`msg`); `str()` is the French text."""

    def __init__(self, msg: Msg) -> None:
        super().__init__(msg.fr)
        self.msg = msg


class ManifestError(DoctrineLintError):
    """The manifest cannot be read, parsed or validated."""


class PackError(DoctrineLintError):
    """A rule pack is broken: bad YAML, schema violation, bad path, regex or operator."""


class UsageError(DoctrineLintError):
    """The command line asks for something that does not exist (unknown rule, pack…)."""
