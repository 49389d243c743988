"""Report formatters: each format is one module exposing `render(report, options) -> str`."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from ..linter import Report
from ..safetext import json_safe, visible_lines


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """What every formatter may be told: language, whether to list passing rules too, and
    `quiet` (`-q`): what a person reads is cut to the findings (text) and the one-line formats
    drop their summary line; the documents (JSON, SARIF, JUnit, GitLab, Markdown, HTML) ignore it."""

    lang: str = "fr"
    show_all: bool = False
    quiet: bool = False


Formatter = Callable[[Report, RenderOptions], str]


FORMATS: tuple[str, ...] = (
    "text",
    "concise",
    "github",
    "json",
    "sarif",
    "junit",
    "gitlab",
    "markdown",
    "html",
)

# Outputs for a person or a log, which `--quiet` cuts down and which print nothing when the run
# passes under `--quiet`; the other formats are documents for machines or archives, kept whole.
QUIET_FORMATS = frozenset({"text", "concise", "github"})

# `--statistics` is an option, not a `--format`, but it is rendered (and neutralised) the same way
EXTRA_RENDERERS = ("statistics",)


JSON_FORMATS = frozenset({"json", "sarif", "gitlab"})


def get_formatter(name: str) -> Formatter:
    """Import one formatter module lazily: a text run should not pay for the others' imports.

    The output edge of every report: what a formatter returns passes through `safetext`, so no
    raw control or bidirectional character from a manifest or pack reaches a file, a pipe or a
    terminal whatever a formatter forgot (JSON losslessly as `\\uXXXX`, the others visibly)."""
    if name not in FORMATS and name not in EXTRA_RENDERERS:
        raise KeyError(name)
    module = importlib.import_module(f"{__name__}.{'json_report' if name == 'json' else name}")
    render: Formatter = module.render
    edge = json_safe if name in JSON_FORMATS else visible_lines

    def safe_render(report: Report, opts: RenderOptions) -> str:
        return edge(render(report, opts))

    return safe_render
