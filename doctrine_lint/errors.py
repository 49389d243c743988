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


@dataclass
class DoctrineLintError(Exception):
    """Base error: one or more problems found in an input (manifest, pack, profile…)."""

    problems: list[Problem] = field(default_factory=list)
    kind: str = "input"

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
