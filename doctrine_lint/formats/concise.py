"""`--format concise`: one line per occurrence to fix, for CI logs, editors and `grep`.

    fichier:ligne:colonne: sévérité RÈGLE message

The shape of yamllint's `parsable` and ruff's `concise` outputs: the position first (1-based
line and column, as in the other reports; 1:1 when the place is a whole file), then the
severity as `--fail-on` spells it (`bloquant`, `majeur`, `mineur`, `info`: the same words in both
languages, so a script can match them), the rule id, and the message in the `--lang` language.
What is listed is `formats.listing`'s business (one line per occurrence, facts to declare once
per rule that needs them). Then, when the run fails on a score threshold (`--fail-under`,
`--min-completeness`), one `fichier: raison` line each, and last one summary line
(« 17 constats : 3 majeurs, 14 mineurs »). Under `--quiet` the summary is left out and a run
that passes prints nothing.

Every value is on one line (`safetext`): a manifest's text cannot forge a second line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from ..linter import ManifestResult, Report
from ..model import Severity
from . import RenderOptions, render_stream
from .listing import Entry, manifest_entries, summary, threshold_lines


def line(e: Entry) -> str:
    return f"{e.file}:{max(1, e.line)}:{max(1, e.column)}: {e.severity.slug} {e.rule_id} {e.message}"


def pieces(report: Report, opts: RenderOptions) -> Callable[[ManifestResult], tuple[str, Counter[Severity]]]:
    """One manifest's lines, and how many entries of each severity it has (for the summary)."""

    def piece(result: ManifestResult) -> tuple[str, Counter[Severity]]:
        listed = manifest_entries(result, report, opts.lang)
        return "".join(f"{line(e)}\n" for e in listed), Counter(e.severity for e in listed)

    return piece


def stream(
    report: Report, pieces: Iterable[tuple[str, Counter[Severity]]], opts: RenderOptions
) -> Iterator[str]:
    """The lines manifest by manifest, as they come; the summary counts them on the way."""
    counts: Counter[Severity] = Counter()
    yield ""
    for text, counted in pieces:
        counts.update(counted)
        yield text
    out = threshold_lines(report, opts.lang)
    if not opts.quiet and (counts or not report.errors):  # « Aucun constat » is no news when nothing was read
        out.append(summary(counts, opts.lang))
    yield "".join(f"{text}\n" for text in out)


def render(report: Report, opts: RenderOptions) -> str:
    return render_stream("concise", report, opts)
