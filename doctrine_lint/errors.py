"""Error types: everything the library raises for bad input, with a position when it has one,
and the exit codes a run ends with.

The CLI turns every `DoctrineLintError` into a one-line message per problem and exit code 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class ExitCode(IntEnum):
    """The process exit codes of doctrine-lint (the library decides them, the CLI exits with them)."""

    OK = 0
    FINDINGS = 1  # a finding at or above --fail-on, a --fail-under or profile threshold missed
    ERROR = 2  # usage, input or pack error
    INTERNAL = 3  # a bug in doctrine-lint


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input file, at a 1-based line and column (0 when unknown)."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}: {self.message}"
        return f"{self.file}: {self.message}"


# Problems kept per error (one input file): a hostile file can produce hundreds of thousands
# (a duplicated key in every element of a long list); beyond this, one line gives the count.
MAX_PROBLEMS = 100


@dataclass(frozen=True, slots=True)
class OmittedProblems(Problem):
    """The last line of a capped list of problems: how many were not kept."""

    count: int = 0


def _omitted_message(count: int) -> str:
    return (
        f"… et {count} autre erreur non affichée"
        if count == 1
        else f"… et {count} autres erreurs non affichées"
    )


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
    return [*kept, OmittedProblems(file, 0, 0, _omitted_message(omitted), omitted)]


@dataclass
class DoctrineLintError(Exception):
    """Base error: one or more problems found in an input (manifest, pack, profile…), at most
    `MAX_PROBLEMS` of them followed by the count of the others."""

    problems: list[Problem] = field(default_factory=list)
    kind: str = "input"

    def __post_init__(self) -> None:
        self.problems = cap_problems(self.problems)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    @classmethod
    def single(cls, file: str, line: int, column: int, message: str) -> DoctrineLintError:
        return cls([Problem(file, line, column, message)])


class ManifestError(DoctrineLintError):
    """The manifest cannot be read, parsed or validated."""


class PackError(DoctrineLintError):
    """A rule pack is broken: bad YAML, schema violation, bad path, regex or operator."""


class UsageError(DoctrineLintError):
    """The command line asks for something that does not exist (unknown rule, pack…)."""
