"""`--statistics`: how many occurrences each rule gives, instead of listing them (as ruff's
`--statistics`): one line per rule, `count  RULE  severity  title`, the most frequent first (ties
by rule id, naturally), then the summary line of `formats.listing` (left out under `--quiet`).

What is counted is what `--format concise` lists, so the counts add up to its lines. The severity
is `--fail-on`'s word (`bloquant`, `majeur`, `mineur`, `info`) in both languages; the title is in
the `--lang` language. Missed score thresholds follow as `fichier: raison` lines, as in `concise`.
"""

from __future__ import annotations

from collections import Counter

from ..linter import Report
from ..model import natural_key
from . import RenderOptions
from .listing import Entry, entries, summary, threshold_lines


def rows(listed: list[Entry]) -> list[tuple[int, Entry]]:
    """(count, first entry) per rule, the most frequent first, then by rule id."""
    counts = Counter(e.rule_id for e in listed)
    first: dict[str, Entry] = {}
    for e in listed:
        first.setdefault(e.rule_id, e)
    order = sorted(counts, key=lambda rule: (-counts[rule], natural_key(rule)))
    return [(counts[rule], first[rule]) for rule in order]


def render(report: Report, opts: RenderOptions) -> str:
    listed = entries(report, opts.lang)
    table = rows(listed)
    count_width = max((len(str(n)) for n, _ in table), default=1)
    id_width = max((len(e.rule_id) for _, e in table), default=1)
    out = [f"{n:>{count_width}}  {e.rule_id:<{id_width}}  {e.severity.slug:<8}  {e.title}" for n, e in table]
    out += threshold_lines(report, opts.lang)
    if not opts.quiet and (listed or not report.errors):  # « Aucun constat » is no news when nothing was read
        out.append(summary(listed, opts.lang))
    return "".join(f"{line}\n" for line in out)
