"""The review of many submissions at once (the DNE's matrix): one small summary row per
submission, its ranking, sorting and filters. No click here; the presenters are in
`formats.review` and `formats.review_html`.

A review reads results one at a time (`results`, over the streaming linter's `iter_results`, in
worker processes with `--jobs`) and keeps only a `ReviewRow` per submission: rates rounded as the reports show them, statuses,
counts and a few service facts, never the `ManifestResult`, its findings or its `Document`. The
memory of a review of 10,000 submissions is then that of 10,000 small rows.

Unreadable submissions are kept apart (`Unreadable`, with their `file:line:col` problems): they
are listed, never ranked, and never stop the others.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from .errors import Msg, UsageError
from .files import FileRefused, StdinSource, read_regular
from .labels import label_at
from .linter import LintOptions, ManifestResult, Unreadable, iter_results
from .model import Outcome, ScoreLine, Severity, Text, chapter_key, referentiel_rank
from .packs import Pack, Rule, all_rules
from .renames import renamed_ids
from .scoring import REFERENTIEL_TITLES, per_rule
from .selection import at_least, select_rules
from .suggest import did_you_mean

FORMAT_VERSION = 1  # of the JSON review (schemas/review.schema.json)

STATUSES = ("conforme", "partiellement-conforme", "non-conforme", "incomplet")
LEVELS = ("referentiel", "chapter")
FIXED_SORTS = ("global", "completeness", "bloquants", "name", "file")
KIND_PATH = ("service", "kind")


@dataclass(frozen=True, slots=True)
class Cell:
    """One group's figures for one submission: conformity and completeness in percent as the
    reports show them (to a tenth, `model.pct`), None when nothing applies or nothing is decided,
    and the RGAA-style status slug (None when nothing applies)."""

    conformity: float | None
    completeness: float | None
    status: str | None

    @classmethod
    def of(cls, line: ScoreLine | None) -> Cell:
        if line is None:
            return EMPTY
        return cls(line.score, line.completeness, line.status)


EMPTY = Cell(None, None, None)


@dataclass(frozen=True, slots=True)
class ProfileVerdict:
    """The acceptance profile's verdict on a submission: how many of its requirements are unmet."""

    unmet: int
    total: int

    @property
    def met(self) -> bool:
        return self.unmet == 0


@dataclass(frozen=True, slots=True)
class ChapterColumn:
    referentiel: str
    chapter: str
    title: Text  # the pack's chapter (a `chapters.Chapter`), shown with `chapter_label`

    @property
    def key(self) -> str:
        """`referentiel:chapter`, as `--sort` and the JSON review name it."""
        return f"{self.referentiel}:{self.chapter}"


@dataclass(frozen=True, slots=True)
class Columns:
    """The référentiels and chapters of the run's rules, in doctrine order: the matrix's columns,
    the same for every submission (known before the first one is read)."""

    referentiels: tuple[str, ...]
    chapters: tuple[ChapterColumn, ...]

    @classmethod
    def of(cls, packs: Sequence[Pack], rules: Sequence[Rule]) -> Columns:
        titles: dict[tuple[str, str], Text] = {}
        for pack in packs:
            for number, title in pack.chapters.items():
                titles.setdefault((pack.referentiel, number), title)
        keys = sorted(
            {(r.referentiel, r.chapter) for r in rules},
            key=lambda k: (referentiel_rank(k[0]), chapter_key(k[1])),
        )
        refs = tuple(dict.fromkeys(ref for ref, _ in keys))
        return cls(
            refs, tuple(ChapterColumn(ref, chap, titles.get((ref, chap), Text(chap))) for ref, chap in keys)
        )

    def referentiel_title(self, key: str, lang: str) -> str:
        return REFERENTIEL_TITLES.get(key, Text(key)).get(lang)


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """What a review keeps of one submission. Plain values only: no finding, no document."""

    file: str
    sha256: str
    name: str | None  # service.name
    kind: str | None  # service.kind (slug; `kind_label` for people)
    responsible: str | None  # service.responsible, else service.operator (which stands for it)
    overall: Cell
    referentiels: tuple[Cell, ...]  # in `Columns.referentiels` order
    chapters: tuple[Cell, ...]  # in `Columns.chapters` order
    bloquants: int  # bloquant rules non conformes or à renseigner
    counts: tuple[tuple[str, int], ...]  # rules per outcome (slug, count), in `Outcome` order
    profile: ProfileVerdict | None = None
    rank: int = 0  # set by `ReviewTable.sorted`: ties share a rank
    report: str | None = None  # relative link to the submission's own report (--reports-dir)

    def kind_label(self, lang: str) -> str:
        if self.kind is None:
            return "—"
        return label_at(KIND_PATH, self.kind, lang) or self.kind

    def responsible_label(self, lang: str) -> str:
        if self.responsible is None:
            return "—"
        return label_at(("service", "responsible"), self.responsible, lang) or self.responsible

    def title(self) -> str:
        """The service's name, or its file when the manifest names none."""
        return self.name or self.file


def summarise(result: ManifestResult, columns: Columns) -> ReviewRow:
    """The row of one result: everything a review shows, nothing that holds the document."""
    data = result.document.data
    service: Any = data.get("service") if isinstance(data, dict) else None
    service = service if isinstance(service, dict) else {}
    scores = result.scores
    refs = {line.key: line for line in scores.referentiels}
    chapters = {(ref, line.key): line for ref, line in scores.chapters}
    bloquants = sum(
        1
        for f, outcome in per_rule(result.scored_findings)
        if f.severity is Severity.BLOQUANT and outcome.failing
    )
    counts = scores.overall.counts
    profile = None
    if result.profile:
        profile = ProfileVerdict(sum(1 for c in result.profile if not c.ok), len(result.profile))
    return ReviewRow(
        file=result.file,
        sha256=result.sha256,
        name=_text(service.get("name")),
        kind=_text(service.get("kind")),
        responsible=_text(service.get("responsible") or service.get("operator")),
        overall=Cell.of(scores.overall),
        referentiels=tuple(Cell.of(refs.get(key)) for key in columns.referentiels),
        chapters=tuple(Cell.of(chapters.get((c.referentiel, c.chapter))) for c in columns.chapters),
        bloquants=bloquants,
        counts=tuple((o.value, counts.get(o.value, 0)) for o in Outcome),
        profile=profile,
    )


def _text(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


# --- the results of a run, one at a time ----------------------------------------------------------


def resolve_rules(packs: Sequence[Pack], options: LintOptions) -> list[Rule]:
    """The rules a run evaluates (selection and minimum evidence resolved once, not per file)."""
    start = list(options.rules) if options.rules is not None else all_rules(packs)
    return at_least(
        select_rules(start, options.select, options.ignore, renamed_ids(packs)), options.min_evidence
    )


def results(
    files: Sequence[str | Path | StdinSource], packs: Sequence[Pack], options: LintOptions, jobs: int = 1
) -> Iterator[ManifestResult | Unreadable]:
    """Each submission's result or its problems (`Unreadable`), in input order, one at a time:
    what was linted is dropped before the next file is read. `jobs` > 1 lints in that many worker
    processes (`linter.iter_results`), the order kept."""
    rules = resolve_rules(packs, options)
    once = replace(options, rules=rules, select=(), ignore=(), min_evidence=None, baseline=None)
    # without `prepare`, no item comes as `Prepared`
    return cast(Iterator[ManifestResult | Unreadable], iter_results(files, packs, once, jobs))


# --- sorting, ranking and filters -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Filters:
    """Which submissions a review shows: kinds of service, overall statuses, a minimum overall
    conformity (percent). Empty: no filter. Unreadable submissions are always listed."""

    kinds: tuple[str, ...] = ()
    verdicts: tuple[str, ...] = ()
    min_score: float | None = None

    def keeps(self, row: ReviewRow) -> bool:
        if self.kinds and row.kind not in self.kinds:
            return False
        if self.verdicts and row.overall.status not in self.verdicts:
            return False
        conformity = row.overall.conformity
        return self.min_score is None or (conformity is not None and conformity >= self.min_score)

    @property
    def active(self) -> bool:
        return bool(self.kinds or self.verdicts or self.min_score is not None)


def check_filters(kinds: Sequence[str], verdicts: Sequence[str]) -> None:
    """Refuse an unknown kind of service or status, with « vouliez-vous dire… »."""
    from .labels import labels_at

    known_kinds = sorted(labels_at(KIND_PATH) or {})
    for option, values, known in (("--kind", kinds, known_kinds), ("--verdict", verdicts, list(STATUSES))):
        for value in values:
            if value not in known:
                raise UsageError.single(
                    option,
                    0,
                    0,
                    Msg(
                        f"« {value} » inconnu ; valeurs permises : {', '.join(known)}",
                        f"unknown '{value}'; allowed values: {', '.join(known)}",
                    ).then(did_you_mean(value, known), ""),
                )


@dataclass(frozen=True, slots=True)
class SortKey:
    """A `--sort` value resolved: `kind` is one of `FIXED_SORTS`, "referentiel" or "chapter",
    `index` the column for the last two."""

    name: str
    kind: str
    index: int = -1

    def value(self, row: ReviewRow) -> float | str | None:
        """The value ranked on: higher is better for rates, lower for bloquants, names A to Z."""
        if self.kind == "global":
            return row.overall.conformity
        if self.kind == "completeness":
            return row.overall.completeness
        if self.kind == "bloquants":
            return row.bloquants
        if self.kind == "name":
            return row.title().casefold()
        if self.kind == "file":
            return row.file
        cells = row.referentiels if self.kind == "referentiel" else row.chapters
        return cells[self.index].conformity

    @property
    def descending(self) -> bool:
        return self.kind not in ("bloquants", "name", "file")


def sort_key(name: str, columns: Columns) -> SortKey:
    """Resolve `--sort`: global, completeness, bloquants, name, file, a référentiel (`securite`),
    or a chapter (`securite:doctrine-6.1.4`, or the chapter alone when one référentiel has it)."""
    if name in FIXED_SORTS:
        return SortKey(name, name)
    if name in columns.referentiels:
        return SortKey(name, "referentiel", columns.referentiels.index(name))
    keys = [c.key for c in columns.chapters]
    if name in keys:
        return SortKey(name, "chapter", keys.index(name))
    alone = [i for i, c in enumerate(columns.chapters) if c.chapter == name]
    if len(alone) == 1:
        return SortKey(keys[alone[0]], "chapter", alone[0])
    known = [*FIXED_SORTS, *columns.referentiels, *keys]
    raise UsageError.single(
        "--sort",
        0,
        0,
        Msg(
            f"« {name} » : tri inconnu ; global, completeness, bloquants, name, file, un référentiel "
            "(securite) ou référentiel:chapitre (securite:doctrine-6.1.4)",
            f"'{name}': unknown sort; global, completeness, bloquants, name, file, a référentiel "
            "(securite) or référentiel:chapter (securite:doctrine-6.1.4)",
        ).then(did_you_mean(name, known), ""),
    )


def _order(key: SortKey) -> Callable[[ReviewRow], tuple[Any, ...]]:
    def primary(row: ReviewRow) -> tuple[int, Any]:
        value = key.value(row)
        if value is None:
            return (1, 0)  # nothing to rank on: after every ranked row
        if isinstance(value, str):
            return (0, value)
        return (0, -value if key.descending else value)

    def order(row: ReviewRow) -> tuple[Any, ...]:
        conformity, completeness = row.overall.conformity, row.overall.completeness
        # ties broken by the overall rates, then the file: the order never depends on the input's
        return (
            primary(row),
            conformity is None,
            -(conformity or 0.0),
            completeness is None,
            -(completeness or 0.0),
            row.file,
        )

    return order


@dataclass(slots=True)
class ReviewTable:
    """The matrix: rows (shown, ranked, in order), the columns, the unreadable submissions, and
    what was asked (sort, filters) so that every presenter can say it."""

    columns: Columns
    rows: list[ReviewRow] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)
    read: int = 0  # readable submissions, before the filters
    sort: SortKey = SortKey("global", "global")
    reverse: bool = False
    filters: Filters = Filters()

    def sorted(self, key: SortKey, reverse: bool = False) -> ReviewTable:
        """The rows ranked on `key` (best first: highest rates, fewest bloquants, names A to Z),
        ties sharing a rank (1, 2, 2, 4), then shown in that order or, `reverse`, the other way."""
        ordered = sorted(self.rows, key=_order(key))
        ranked: list[ReviewRow] = []
        previous: object = object()
        rank = 0
        for position, row in enumerate(ordered, start=1):
            value = key.value(row)
            if value != previous:
                rank, previous = position, value
            ranked.append(replace(row, rank=rank))
        if reverse:
            ranked.reverse()
        return replace(self, rows=ranked, sort=key, reverse=reverse)

    def status_counts(self) -> list[tuple[str, int]]:
        """Shown submissions per overall status, in `STATUSES` order (with « — » for none)."""
        counts = {s: 0 for s in (*STATUSES, None)}
        for row in self.rows:
            counts[row.overall.status] = counts.get(row.overall.status, 0) + 1
        return [(s or "", n) for s, n in counts.items() if n or s is not None]


def build(
    items: Iterable[ManifestResult | Unreadable],
    columns: Columns,
    *,
    filters: Filters | None = None,
    on_result: Callable[[ManifestResult], str | None] | None = None,
) -> ReviewTable:
    """The review of `items` (results or unreadable submissions, consumed one at a time): a row
    per readable submission that passes the filters. `on_result` sees each result before it is
    dropped (to write its own report) and may return the link to put in its row."""
    chosen = filters or Filters()
    table = ReviewTable(columns, filters=chosen)
    for item in items:
        if isinstance(item, Unreadable):
            table.unreadable.append(item)
            continue
        table.read += 1
        row = summarise(item, columns)
        if not chosen.keeps(row):
            continue
        if on_result is not None:
            row = replace(row, report=on_result(item))
        table.rows.append(row)
    return table


# --- the submissions of a review -------------------------------------------------------------------

LIST_LIMIT = 4 * 1024 * 1024  # bytes of a --from-list file
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def read_list(path: str) -> list[str]:
    """The submissions named in a `--from-list` file: one path (or folder, or glob) per line, blank
    lines and lines starting with « # » skipped; a relative path is read from the list's folder."""
    try:
        raw = read_regular(path, LIST_LIMIT)
    except FileRefused as exc:
        raise UsageError.single(path, 0, 0, exc.message) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError.single(
            path, 0, 0, Msg(f"pas en UTF-8 (octet {exc.start + 1})", f"not UTF-8 (byte {exc.start + 1})")
        ) from None
    folder = Path(path).parent
    out = []
    for line in text.splitlines():
        entry = line.strip()
        if entry and not entry.startswith("#"):
            out.append(entry if Path(entry).is_absolute() else str(folder / entry))
    if not out:
        raise UsageError.single(
            path, 0, 0, Msg("aucun dossier dans cette liste", "no submission in this list")
        )
    return out


def report_filename(file: str) -> str:
    """The name of a submission's own report in `--reports-dir`: its file's stem made safe
    (letters, digits, « . _ - »), and a digest of its path, so that two `manifest.yaml` of two
    folders never share a report."""
    stem = _UNSAFE_NAME.sub("_", Path(file).stem).strip("._")[:60] or "manifeste"
    digest = hashlib.sha256(file.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return f"{stem}-{digest}.html"
