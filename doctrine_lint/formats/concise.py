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

from ..linter import Report
from . import RenderOptions
from .listing import Entry, entries, summary, threshold_lines


def line(e: Entry) -> str:
    return f"{e.file}:{max(1, e.line)}:{max(1, e.column)}: {e.severity.slug} {e.rule_id} {e.message}"


def render(report: Report, opts: RenderOptions) -> str:
    listed = entries(report, opts.lang)
    out = [line(e) for e in listed]
    out += threshold_lines(report, opts.lang)
    if not opts.quiet and (listed or not report.errors):  # « Aucun constat » is no news when nothing was read
        out.append(summary(listed, opts.lang))
    return "".join(f"{text}\n" for text in out)
