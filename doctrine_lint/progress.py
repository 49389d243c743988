"""The progress bar of a long batch: on standard error, only for a person watching.

Shown when standard error is a terminal, more than one manifest is linted, and neither `CI` is
set in the environment (CI logs are not terminals one watches, and some fake one) nor `--quiet`
asked for silence. Never on standard output: the report stays clean, whatever is piped. The bar
is transient: it is gone when the run ends, leaving the terminal as the report left it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, TypeVar

from .i18n import t

T = TypeVar("T")


def wanted(total: int, quiet: bool, stream: IO[str], env: Mapping[str, str] = os.environ) -> bool:
    """Whether a batch of `total` manifests shows a progress bar on `stream` (see above)."""
    if total <= 1 or quiet or env.get("CI"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty())


def tracked(
    items: Iterable[T], total: int, lang: str, stream: IO[str], *, force: bool = False
) -> Iterator[T]:
    """`items` as they come, advancing a bar of `total` steps on `stream` (a terminal; `force`
    draws it on any stream, for tests)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(file=stream, force_terminal=force or None, highlight=False, emoji=False)
    columns = (
        TextColumn(t("progress_label", lang)),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True, redirect_stdout=False) as bar:
        task = bar.add_task("lint", total=total)
        for item in items:
            yield item
            bar.advance(task)
