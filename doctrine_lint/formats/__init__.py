"""Report formatters: each format is one module exposing `render(report, options) -> str`."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from ..linter import Report


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """What every formatter may be told: language and whether to list passing rules too."""

    lang: str = "fr"
    show_all: bool = False


Formatter = Callable[[Report, RenderOptions], str]


FORMATS: tuple[str, ...] = ("text", "json", "sarif", "junit", "gitlab", "markdown", "html")


def get_formatter(name: str) -> Formatter:
    """Import one formatter module lazily: a text run should not pay for the others' imports."""
    if name not in FORMATS:
        raise KeyError(name)
    module = importlib.import_module(f"{__name__}.{'json_report' if name == 'json' else name}")
    render: Formatter = module.render
    return render
