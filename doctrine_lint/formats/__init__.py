"""Report formatters: each format is one module exposing `render(report, options) -> str`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..linter import Report


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """What every formatter may be told: language and whether to list passing rules too."""

    lang: str = "fr"
    show_all: bool = False


Formatter = Callable[[Report, RenderOptions], str]


def get_formatter(name: str) -> Formatter:
    """Import the formatter lazily: a text run should not pay for the others' imports."""
    if name == "text":
        from .text import render
    elif name == "json":
        from .json import render
    else:
        raise KeyError(name)
    return render
