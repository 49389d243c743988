"""JUnit XML report, for CI test dashboards (GitLab `artifacts:reports:junit`, Jenkins…).

One `<testsuite>` per manifest and chapter, one `<testcase>` per evaluated rule, or per
occurrence for a rule that walks a list (named with the occurrence's path): *non conforme*
and *à renseigner* are `<failure>`s (type = severity), *non applicable* is `<skipped>` with its
reason, *conforme* passes, and a *dérogation* passes with a `<system-out>` note saying who waived
it and until when. A failure already in the `--baseline` passes with a note too. The findings
dérogations give of their own (expired, refused…) are test cases of the waived rule's chapter;
unmet acceptance-profile requirements and unreadable manifests get suites of their own, the
latter with `<error>`s. Counts are exact at every level; the output is deterministic.
"""

from __future__ import annotations

import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from itertools import groupby

from ..chapters import chapter_label
from ..errors import Problem
from ..i18n import colon, t
from ..i18n import outcome as outcome_name
from ..linter import ManifestResult, Report
from ..model import Finding, Outcome
from ..packs import Rule
from ..safetext import prose, visible_lines
from ..synthetic import synthetic_rule
from . import RenderOptions, render_stream
from .sarif import covering_waiver

# characters XML 1.0 cannot carry, even escaped
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    # attributes (names, messages) are one line for CI dashboards; element text keeps its lines
    el = ET.SubElement(parent, tag, {k: _clean(prose(v)) for k, v in attrs.items()})
    if text is not None:
        el.text = _clean(visible_lines(text))
    return el


def _root(tag: str, **attrs: str) -> ET.Element:
    """An element of its own (a suite written as soon as it is complete), cleaned as `_el` does."""
    return ET.Element(tag, {k: _clean(prose(v)) for k, v in attrs.items()})


class _Suite:
    """A `<testsuite>` being filled, with its counts."""

    def __init__(self, parent: ET.Element | None, name: str, file: str) -> None:
        self.el = _el(parent, "testsuite", name=name) if parent is not None else _root("testsuite", name=name)
        self.file = file
        self.tests = self.failures = self.errors = self.skipped = 0

    def case(self, classname: str, name: str) -> ET.Element:
        self.tests += 1
        return _el(self.el, "testcase", classname=classname, name=name, file=self.file, time="0")

    def close(self) -> None:
        for key, value in (
            ("tests", self.tests),
            ("failures", self.failures),
            ("errors", self.errors),
            ("skipped", self.skipped),
        ):
            self.el.set(key, str(value))
        self.el.set("time", "0")


def _title(f: Finding, rules: dict[str, Rule], lang: str) -> str:
    rule = rules.get(f.rule_id)
    return (rule.title if rule is not None else synthetic_rule(f.rule_id, f.severity).title).get(lang)


def _remediation(f: Finding, rules: dict[str, Rule], lang: str) -> str:
    rule = rules.get(f.rule_id)
    text = rule.remediation if rule is not None else synthetic_rule(f.rule_id, f.severity).remediation
    return text.get(lang).strip()


def _case_names(items: list[Finding], rules: dict[str, Rule], lang: str) -> list[str]:
    """Test case names, unique within the suite: the rule id and title, plus the occurrence's
    path when the rule has several occurrences (CI dashboards merge cases of the same name)."""
    per_rule: dict[str, int] = {}
    for f in items:
        per_rule[f.rule_id] = per_rule.get(f.rule_id, 0) + 1
    names: list[str] = []
    seen: set[str] = set()
    for f in items:
        where = f" [{f.keyed_path or f.path}]" if per_rule[f.rule_id] > 1 else ""
        name = base = f"{f.rule_id}{where} — {_title(f, rules, lang)}"
        n = 1
        while name in seen:  # same rule and path twice: still one case each
            n += 1
            name = f"{base} ({n})"
        seen.add(name)
        names.append(name)
    return names


def _failure_body(f: Finding, rules: dict[str, Rule], lang: str) -> str:
    loc = f.location
    lines = [f"{loc.file}:{loc.line}:{loc.column}: {outcome_name(f.outcome, lang)} — {f.message.get(lang)}"]
    if f.element:
        lines.append(f"{t('element', lang)}{colon(lang)}{f.element_text(lang)}")
    if f.path:
        lines.append(f"{'path' if lang == 'en' else 'chemin'} : {f.path}")
    if f.missing:
        lines.append(f"{t('add', lang)} : {', '.join(f.missing)}")
    remediation = _remediation(f, rules, lang)
    if remediation:
        lines.append(f"{t('remediation', lang)} : {remediation}")
    lines += [f"{t('references', lang)} : {r.url}" for r in f.references[:1]]
    return "\n".join(lines)


def _waiver_note(result: ManifestResult, f: Finding, lang: str) -> str:
    en = lang == "en"
    note = f.message.get(lang)
    w = covering_waiver(result, f)
    if w is not None:
        who = f" ({'approved by' if en else 'approuvée par'} {w.approver})" if w.approver else ""
        note += f"\nJustification : {w.justification.strip()}{who}"
        note += f"\n{w.location.file}:{w.location.line}:{w.location.column}"
    return note


def _manifest(
    root: ET.Element | None, result: ManifestResult, rules: dict[str, Rule], lang: str
) -> list[_Suite]:
    suites = []
    scores = result.scores
    findings = sorted(result.findings, key=lambda f: (f.sort_key, f.path))
    for (ref, chapter), group in groupby(findings, key=lambda f: (f.referentiel, f.chapter)):
        ref_line = scores.referentiel(ref)
        ref_title = ref_line.title.get(lang) if ref_line else ref
        chap_line = scores.chapter(ref, chapter)
        items = list(group)
        if chap_line is not None:
            chap_title = chapter_label(chap_line.title, lang)
        else:
            rule = next((rules[f.rule_id] for f in items if f.rule_id in rules), None)
            chap_title = chapter_label(rule.chapter_title, lang) if rule else chapter
        suite = _Suite(root, f"{result.file} — {ref_title} — {chap_title}", result.file)
        props = _el(suite.el, "properties")
        _el(props, "property", name="manifest", value=result.file)
        _el(props, "property", name="referentiel", value=ref)
        _el(props, "property", name="chapter", value=chapter)
        if chap_line is not None and chap_line.score is not None:
            _el(props, "property", name="score", value=f"{chap_line.score:.1f}")
        for f, name in zip(items, _case_names(items, rules, lang), strict=True):
            case = suite.case(f"{ref}.{chapter}", name)
            if f.outcome.failing and f.known:
                known = "already in the baseline" if lang == "en" else "déjà dans la référence (baseline)"
                _el(case, "system-out", f"{known} : {f.message.get(lang)}")
            elif f.outcome.failing:
                suite.failures += 1
                _el(
                    case,
                    "failure",
                    _failure_body(f, rules, lang),
                    message=f.message.get(lang) or outcome_name(f.outcome, lang),
                    type=f.severity.slug,
                )
            elif f.outcome is Outcome.NON_APPLICABLE:
                suite.skipped += 1
                reason = f.reason.get(lang) if f.reason is not None else f.message.get(lang)
                _el(case, "skipped", message=reason or outcome_name(f.outcome, lang))
            elif f.outcome is Outcome.DEROGATION:
                _el(case, "system-out", _waiver_note(result, f, lang))
        suites.append(suite)
    if result.profile:
        suite = _Suite(root, f"{result.file} — {t('profile', lang)}", result.file)
        expected = "expected" if lang == "en" else "attendu"
        for check in result.profile:
            case = suite.case("profil", check.requirement.get(lang))
            if not check.ok:
                suite.failures += 1
                message = f"{check.actual.get(lang)} ({expected} {check.expected.get(lang)})"
                _el(
                    case,
                    "failure",
                    f"{check.requirement.get(lang)} : {message}",
                    message=message,
                    type="profil",
                )
        suites.append(suite)
    return suites


def _errors(root: ET.Element | None, problems: list[Problem], lang: str) -> list[_Suite]:
    suites = []
    by_file: dict[str, list[Problem]] = {}
    for p in problems:
        by_file.setdefault(p.file, []).append(p)
    for file, group in by_file.items():
        suite = _Suite(root, f"{file} — {t('errors', lang)}", file)
        case = suite.case("manifeste", "lecture et validation" if lang != "en" else "read and validate")
        suite.errors += 1
        _el(
            case, "error", "\n".join(p.render(lang) for p in group), message=group[0].text(lang), type="input"
        )
        suites.append(suite)
    return suites


# A suite of one manifest, as XML already, and its counts (tests, failures, errors, skipped): what a
# worker process sends, and what `stream` adds to the root's totals.
Piece = tuple[str, tuple[int, int, int, int]]

_COUNTS = ("tests", "failures", "errors", "skipped")
_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
# past this size, the suites written so far wait in a temporary file, not in memory
_SPOOL_BYTES = 8 * 1024 * 1024
_READ_BLOCK = 1024 * 1024


def _written(suites: list[_Suite]) -> Piece:
    """Suites closed and written at their place under the root (indented one level)."""
    parts = []
    totals = [0, 0, 0, 0]
    for suite in suites:
        suite.close()
        ET.indent(suite.el, space="  ", level=1)
        parts.append("  " + ET.tostring(suite.el, encoding="unicode") + "\n")
        for i, key in enumerate(_COUNTS):
            totals[i] += getattr(suite, key)
    return "".join(parts), (totals[0], totals[1], totals[2], totals[3])


def pieces(report: Report, opts: RenderOptions) -> Callable[[ManifestResult], Piece]:
    """One manifest's suites as XML, with their counts."""
    rules = {r.id: r for r in report.rules}
    lang = opts.lang
    return lambda result: _written(_manifest(None, result, rules, lang))


def stream(report: Report, pieces: Iterable[Piece], opts: RenderOptions) -> Iterator[str]:
    """The document, its suites rendered as the results come and the results dropped. The root
    element carries the run's totals, known only at the end: the suites wait for it in a
    temporary file once they pass `_SPOOL_BYTES` (memory stays flat), then follow the root's
    opening tag in blocks. Same bytes as rendering the whole tree at once."""
    totals = [0, 0, 0, 0]
    with tempfile.SpooledTemporaryFile(_SPOOL_BYTES, mode="w+", encoding="utf-8", newline="") as spool:
        yield ""
        for text, counts in pieces:
            spool.write(text)
            for i, n in enumerate(counts):
                totals[i] += n
            yield ""
        text, counts = _written(_errors(None, report.errors, opts.lang))
        spool.write(text)
        for i, n in enumerate(counts):
            totals[i] += n
        attrs = " ".join(f'{key}="{n}"' for key, n in zip(_COUNTS, totals, strict=True))
        root = f'<testsuites name="doctrine-lint" {attrs} time="0"'
        if not spool.tell():  # no suite at all: an empty element, as ElementTree writes it
            yield f"{_HEAD}{root} />\n"
            return
        yield f"{_HEAD}{root}>\n"
        spool.seek(0)
        while block := spool.read(_READ_BLOCK):
            yield block
        yield "</testsuites>\n"


def render(report: Report, opts: RenderOptions) -> str:
    return render_stream("junit", report, opts)
