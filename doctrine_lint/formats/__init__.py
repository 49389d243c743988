"""Report formatters: each format is one module exposing `render(report, options) -> str`."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from ..linter import Report
from ..safetext import json_safe, visible_lines


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """What every formatter may be told: language and whether to list passing rules too."""

    lang: str = "fr"
    show_all: bool = False


Formatter = Callable[[Report, RenderOptions], str]


FORMATS: tuple[str, ...] = ("text", "json", "sarif", "junit", "gitlab", "markdown", "html")


JSON_FORMATS = frozenset({"json", "sarif", "gitlab"})


def get_formatter(name: str) -> Formatter:
    """Import one formatter module lazily: a text run should not pay for the others' imports.

    The output edge of every report: what a formatter returns passes through `safetext`, so no
    raw control or bidirectional character from a manifest or pack reaches a file, a pipe or a
    terminal whatever a formatter forgot (JSON losslessly as `\\uXXXX`, the others visibly)."""
    if name not in FORMATS:
        raise KeyError(name)
    module = importlib.import_module(f"{__name__}.{'json_report' if name == 'json' else name}")
    render: Formatter = module.render
    edge = json_safe if name in JSON_FORMATS else visible_lines

    def safe_render(report: Report, opts: RenderOptions) -> str:
        return edge(render(report, opts))

    return safe_render
