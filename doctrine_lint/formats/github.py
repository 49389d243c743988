"""`--format github`: GitHub Actions workflow commands, shown as annotations on the manifest's
lines in the run and in pull requests (`::error file=…,line=…,col=…,title=…::message`).

The entries are `formats.listing`'s (one per occurrence to fix). Level by severity, as in
SARIF: `error` for bloquant and majeur, `warning` for mineur, `notice` for info — a fact *à
renseigner* takes its rule's severity like a non-conformity. The title is the rule id and its
severity in the `--lang` language, the message the finding's. GitHub shows at most 10 annotations
of each level per step (and 50 per job), in the order they are printed, the log keeping every
line: so the run's summary comes first (a `notice`), then input errors and missed score
thresholds (`--fail-under`, `--min-completeness`: an `error` on the manifest), then entries from
the most severe (bloquant before majeur), each severity in file, line and column order. Under
`--quiet` the summary is left out and a run that passes prints nothing.

Escaping follows GitHub's toolkit (`escapeData`, `escapeProperty`): `%`, carriage return and
line feed in the message become `%25`, `%0D`, `%0A`, and in properties `:` and `,` also become
`%3A` and `%2C`. Texts are made one line first (`safetext`), so a manifest's value, key or file
name can never start a line of its own, hence never a second workflow command (a command is
only read at the start of a line).
"""

from __future__ import annotations

from ..errors import Problem
from ..i18n import severity
from ..linter import Report
from ..safetext import prose, visible
from . import RenderOptions
from .gitlab import INPUT_ERROR
from .listing import Entry, entries, summary, thresholds
from .sarif import LEVELS

# SARIF's levels, in GitHub's words
_COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}


def data(text: str) -> str:
    """A workflow command's message (`escapeData`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def prop(text: str) -> str:
    """A workflow command's property value (`escapeProperty`)."""
    return data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **props: str | int) -> str:
    """`::name k=v,…::message`, every part escaped; properties of value 0 (unknown line) left out."""
    shown = ",".join(f"{key}={prop(str(value))}" for key, value in props.items() if value != 0)
    return f"::{name}{' ' + shown if shown else ''}::{data(message)}"


def annotation(e: Entry, lang: str) -> str:
    return command(
        _COMMANDS[LEVELS[e.severity]],
        e.message,
        file=e.file,
        line=e.line,
        col=e.column,
        title=f"{e.rule_id} ({severity(e.severity, lang)})",
    )


def _error(p: Problem, lang: str) -> str:
    return command(
        "error", prose(p.text(lang)), file=visible(p.file), line=p.line, col=p.column, title=INPUT_ERROR
    )


def render(report: Report, opts: RenderOptions) -> str:
    lang = opts.lang
    listed = entries(report, lang)
    quiet = opts.quiet or not (listed or not report.errors)  # no « Aucun constat » when nothing was read
    out = [] if quiet else [command("notice", summary(listed, lang), title="doctrine-lint")]
    out += [_error(p, lang) for p in report.errors]
    out += [
        command("error", prose(r.message.get(lang)), file=visible(r.file), title=f"--{r.kind.value}")
        for r in thresholds(report)
    ]
    # stable: within a severity, the listing's file, line and column order stays
    out += [annotation(e, lang) for e in sorted(listed, key=lambda e: -e.severity)]
    return "".join(f"{line}\n" for line in out)
