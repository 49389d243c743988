"""Readers of Ara audits (DISIC/Ara, the State's RGAA audit tool): the public JSON report (kind
`ara-json`, `GET https://ara.numerique.gouv.fr/api/reports/<consultUniqueId>`, `AuditReportDto`)
and the CSV export of the results (kind `ara-csv`, `…/exports/csv`).

Read in DISIC/Ara at commit 822b6bacbdb70e3b1f70479666c50ef97ac1729a:
- `confiture-rest-api/src/audits/dto/audit-report.dto.ts` (the report's fields) and
  `audit.service.ts` `getAuditReportData` (what fills them: `publishDate` is the audit's
  publication, `updateDate` its last edition);
- `audit.service.ts` `groupResultsByStatus` (the rate: a criterion is applicable when one of its
  results is C or NC, compliant when applicable and every result is C or NA, an NT of the
  transverse elements page being ignored; `Math.round(100 × compliant / applicable) || 0`);
- `confiture-web-app/src/pages/StatementPage.vue` `getA11yLevel` (100 → totalement, ≥ 50 →
  partiellement, otherwise non conforme) and `pages/report/ReportPage.vue` (« Audit terminé le
  publishDate – Mis à jour le updateDate »);
- `audit-export.service.ts` `generateCsvExport` (header `Critères`, `Éléments transverses`, one
  column per page; one row per criterion of the audit type; C/NC/NA/NT);
- `prisma/schema.prisma` (audit types FAST 25, COMPLEMENTARY 50, FULL 106 criteria).

Only a FULL audit is « complet »: a FAST or COMPLEMENTARY audit is read as `audit_scope: partiel`
and gives neither a conformance rate nor a compliance status (Ara shows no statement for it; rule
NR-6.1.2-RGAA-TAUX).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..dates import parse_instant
from ..errors import Msg, Problem
from ..model import Text
from .contract import (
    EvidencedFact,
    EvidenceError,
    EvidenceReport,
    Figure,
    Limits,
    Located,
    fail,
    problem,
    register,
    sha256,
    too_large,
)
from .csvtable import cell, read_table, require_columns
from .referentiels import RGAA_412_CRITERIA

CRITERIA = frozenset(RGAA_412_CRITERIA)
# prisma/schema.prisma `AuditType` and the number of criteria of each
AUDIT_TYPES = {"FAST": 25, "COMPLEMENTARY": 50, "FULL": 106}
# `CriterionResultStatus` (JSON) and `CRITERIUM_STATUS` (CSV)
JSON_STATUSES = {"COMPLIANT": "C", "NOT_COMPLIANT": "NC", "NOT_APPLICABLE": "NA", "NOT_TESTED": "NT"}
CSV_STATUSES = frozenset(JSON_STATUSES.values())
TRANSVERSE = "Éléments transverses"
RGAA_VERSION = "4.1.2"
MAX_JSON_DEPTH = 64  # an Ara report nests 5 levels; Python's json parser is recursive

RGAA_NOTE = Text(
    "Ara audite selon le RGAA 4.1.2 (son seul référentiel) ; le fichier ne l'écrit pas.",
    "Ara audits against RGAA 4.1.2 (its only referential); the file does not write it.",
)
PARTIAL_NOTE = Text(
    "Audit « {type} » d'Ara ({n} critères) : audit partiel, qui ne fonde ni taux de conformité ni "
    "état de conformité (Ara n'affiche pas de déclaration pour lui) ; le taux du fichier n'est pas repris.",
    "Ara « {type} » audit ({n} criteria): a partial audit, which grounds neither a compliance rate "
    "nor a compliance status (Ara shows no statement for it); the file's rate is not used.",
)
STATUS_NOTE = Text(
    "Déduit du taux par les seuils d'Ara (100 : totalement, 50 et plus : partiellement, sinon non conforme).",
    "Derived from the rate with Ara's thresholds (100: fully, 50 or more: partially, else non-compliant).",
)
RATE_TITLE = Text("Taux de conformité RGAA (Ara)", "RGAA compliance rate (Ara)")
PARTIAL_RATE_TITLE = Text(
    "Taux de conformité RGAA d'un audit partiel (Ara) : ne fonde aucun taux déclaré",
    "RGAA compliance rate of a partial audit (Ara): grounds no declared rate",
)


def js_round(value: float) -> int:
    """JavaScript's `Math.round`: halves go up (Python's `round` would go to the even integer)."""
    floor = math.floor(value)
    return floor + 1 if value - floor >= 0.5 else floor


@dataclass(frozen=True, slots=True)
class Result:
    criterion: str  # "1.1"
    status: str  # C | NC | NA | NT
    transverse: bool


def ara_rate(results: Iterable[Result]) -> int:
    """`groupResultsByStatus` of Ara's audit.service.ts, rounded as Ara does."""
    by_criterion: dict[str, list[Result]] = {}
    for r in results:
        by_criterion.setdefault(r.criterion, []).append(r)
    applicable = compliant = 0
    for group in by_criterion.values():
        if not any(r.status in ("C", "NC") for r in group):
            continue
        applicable += 1
        kept = [r for r in group if not (r.transverse and r.status == "NT")]
        if any(r.status == "C" for r in kept) and all(r.status in ("C", "NA") for r in kept):
            compliant += 1
    # Ara's order of operations, `Math.round((compliant / applicable) * 100) || 0` (NaN → 0)
    return js_round(compliant / applicable * 100) if applicable else 0


def declared_status(rate: float) -> str:
    """`getA11yLevel` of StatementPage.vue, as the manifest's enum."""
    if rate == 100:
        return "totalement-conforme"
    return "partiellement-conforme" if rate >= 50 else "non-conforme"


def _scope_facts(
    audit_type: str, n_criteria: int, at: Located, raw: str, rate: float | None, rate_at: Located
) -> list[EvidencedFact]:
    """rgaa_version, audit_scope and, for a FULL audit only, the rate and status."""
    facts = [
        EvidencedFact(("accessibility", "rgaa_version"), RGAA_VERSION, at, note=RGAA_NOTE),
    ]
    if audit_type == "FULL":
        facts.append(EvidencedFact(("accessibility", "audit_scope"), "complet", at, raw=raw))
        if rate is not None:
            facts.append(EvidencedFact(("accessibility", "conformance_rate"), rate, rate_at, raw=str(rate)))
            facts.append(
                EvidencedFact(
                    ("accessibility", "declared_status"), declared_status(rate), rate_at, note=STATUS_NOTE
                )
            )
    else:
        note = Text(
            PARTIAL_NOTE.fr.format(type=audit_type, n=n_criteria),
            (PARTIAL_NOTE.en or "").format(type=audit_type, n=n_criteria),
        )
        facts.append(EvidencedFact(("accessibility", "audit_scope"), "partiel", at, raw=raw, note=note))
    return facts


def _rate_figure(full: bool, in_file: float | None, recomputed: int, at: Located) -> Figure:
    """Ara's rate; only a FULL audit's rate is the one a manifest declares."""
    return Figure(
        name="taux-rgaa",
        title=RATE_TITLE if full else PARTIAL_RATE_TITLE,
        in_file=in_file,
        recomputed=float(recomputed),
        at=at,
        path=("accessibility", "conformance_rate") if full else None,
        digits=0,
    )


# ---------------------------------------------------------------------------------------------- JSON


def _pointer(*parts: str | int) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def _check_depth(data: bytes, display: str, limit: int) -> None:
    """Refuse nesting deeper than `limit` before `json.loads` (which recurses once per level)."""
    depth = 0
    for match in _TOKENS.finditer(data):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                line = data.count(b"\n", 0, match.start()) + 1
                raise fail(
                    Located(display, line, match.start() - (data.rfind(b"\n", 0, match.start()) + 1) + 1),
                    Msg(
                        f"JSON imbriqué sur plus de {limit} niveaux : ce n'est pas un rapport Ara",
                        f"JSON nested over more than {limit} levels: not an Ara report",
                    ),
                )
        elif token in (b"]", b"}"):
            depth = max(depth - 1, 0)


def _load_json(data: bytes, display: str, limits: Limits) -> Any:
    if len(data) > limits.max_file_bytes:
        raise fail(
            Located(display),
            too_large(len(data), limits.max_file_bytes),
        )
    _check_depth(data, display, min(MAX_JSON_DEPTH, limits.max_xml_depth))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(
            Located(display, data.count(b"\n", 0, exc.start) + 1),
            Msg("le fichier doit être encodé en UTF-8", "the file must be UTF-8"),
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail(
            Located(display, exc.lineno, exc.colno),
            Msg(f"JSON illisible ({exc.msg})", f"unreadable JSON ({exc.msg})"),
        ) from None
    except ValueError:  # an integer of more than 4,300 digits (Python's int→str limit)
        raise fail(
            Located(display), Msg("JSON illisible (nombre trop long)", "unreadable JSON (number too long)")
        ) from None
    except RecursionError:  # unreachable after _check_depth; kept as a backstop
        raise fail(
            Located(display), Msg("JSON trop profondément imbriqué", "JSON nested too deeply")
        ) from None


class _Json:
    """Typed access to the report, collecting located problems."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.problems: list[Problem] = []

    def at(self, *parts: str | int) -> Located:
        return Located(self.display, pointer=_pointer(*parts) or "/")

    def bad(self, parts: tuple[str | int, ...], message: Msg) -> None:
        self.problems.append(problem(self.at(*parts), message))

    def obj(self, value: Any, parts: tuple[str | int, ...], required: bool = True) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        if value is not None or required:
            self.bad(parts, _expected(Msg("objet attendu", "object expected"), value))
        return None

    def lst(self, value: Any, parts: tuple[str | int, ...]) -> list[Any]:
        if isinstance(value, list):
            return value
        self.bad(parts, _expected(Msg("liste attendue", "list expected"), value))
        return []

    def integer(self, value: Any, parts: tuple[str | int, ...]) -> int | None:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        self.bad(parts, _expected(Msg("nombre entier attendu", "integer expected"), value))
        return None

    def text(self, value: Any, parts: tuple[str | int, ...]) -> str | None:
        """An optional string: None when absent or null."""
        if value is None or isinstance(value, str):
            return value or None
        self.bad(parts, _expected(Msg("texte attendu", "text expected"), value))
        return None

    def day(self, value: Any, parts: tuple[str | int, ...]) -> date | None:
        """An optional ISO date-time (`2024-03-12T09:30:00.000Z`) as the day Ara shows."""
        raw = self.text(value, parts)
        if raw is None:
            return None
        moment = parse_instant(raw)
        if moment is None:
            self.bad(
                parts,
                Msg(
                    f"date « {raw[:40]} » illisible (attendu : date et heure ISO 8601)",
                    f'unreadable date "{raw[:40]}" (expected: ISO 8601 date and time)',
                ),
            )
            return None
        return _paris_day(moment)


def _paris_day(moment: datetime) -> date:
    """The calendar day in France (Ara formats dates in the browser's zone, in practice Paris)."""
    if moment.tzinfo is None:
        return moment.date()
    try:
        from zoneinfo import ZoneInfo

        return moment.astimezone(ZoneInfo("Europe/Paris")).date()
    except Exception:  # no time zone database on this system: the UTC day
        return moment.date()


_KINDS: dict[type, Msg] = {
    bool: Msg("un booléen", "a boolean"),
    int: Msg("un nombre", "a number"),
    float: Msg("un nombre", "a number"),
    str: Msg("un texte", "a text"),
    list: Msg("une liste", "a list"),
    dict: Msg("un objet", "an object"),
}


def _kind(value: Any) -> Msg:
    if value is None:
        return Msg.same("null")
    return _KINDS.get(type(value), Msg.same(type(value).__name__))


def _expected(what: Msg, value: Any) -> Msg:
    found = _kind(value)
    return Msg(f"{what.fr}, trouvé {found.fr}", f"{what.en}, found {found.en}")


def _unknown_criterion(criterion: str) -> Msg:
    return Msg(
        f"critère « {criterion} » inconnu du RGAA {RGAA_VERSION}",
        f'criterion "{criterion}" unknown to RGAA {RGAA_VERSION}',
    )


def _is_url(value: str) -> bool:
    return re.match(r"https?://\S+$", value) is not None


def _is_email(value: str) -> bool:
    return re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value) is not None


@register("ara-json")
def read_ara_json(data: bytes, display: str, limits: Limits) -> EvidenceReport:
    doc = _load_json(data, display, limits)
    j = _Json(display)
    if not isinstance(doc, dict) or not {"consultUniqueId", "auditType", "results"} <= doc.keys():
        raise fail(
            j.at(),
            Msg(
                "ce n'est pas un rapport Ara (attendu : la réponse de GET /api/reports/<identifiant> avec "
                "consultUniqueId, auditType, accessibilityRate, results)",
                "not an Ara report (expected: the response of GET /api/reports/<id> with "
                "consultUniqueId, auditType, accessibilityRate, results)",
            ),
        )
    consult = doc.get("consultUniqueId")
    if not isinstance(consult, str) or not consult:
        j.bad(
            ("consultUniqueId",),
            Msg(
                "identifiant de consultation attendu (texte non vide)",
                "consultation id expected (non-empty text)",
            ),
        )
    audit_type = doc.get("auditType")
    if audit_type not in AUDIT_TYPES:
        j.bad(
            ("auditType",),
            Msg(
                f"type d'audit « {audit_type} » inconnu (attendu : FAST, COMPLEMENTARY ou FULL)",
                f'unknown audit type "{audit_type}" (expected: FAST, COMPLEMENTARY or FULL)',
            ),
        )
        audit_type = None
    rate_raw = doc.get("accessibilityRate")
    rate = j.integer(rate_raw, ("accessibilityRate",))
    if rate is not None and not 0 <= rate <= 100:
        j.bad(("accessibilityRate",), Msg(f"taux {rate} hors de 0 à 100", f"rate {rate} outside 0 to 100"))
        rate = None
    counts = j.obj(doc.get("criteriaCount"), ("criteriaCount",), required=False)
    if counts is not None and audit_type is not None:
        total = j.integer(counts.get("total"), ("criteriaCount", "total"))
        if total is not None and total != AUDIT_TYPES[audit_type]:
            j.bad(
                ("criteriaCount", "total"),
                Msg(
                    f"{total} critères pour un audit {audit_type}, qui en compte {AUDIT_TYPES[audit_type]}",
                    f"{total} criteria for a {audit_type} audit, which has {AUDIT_TYPES[audit_type]}",
                ),
            )

    # pages: context.samples (the transverse elements page has order -1, Ara's audit.service.ts)
    pages: dict[int, bool] = {}
    context = j.obj(doc.get("context"), ("context",))
    if context is not None:
        for i, sample in enumerate(j.lst(context.get("samples"), ("context", "samples"))):
            s = j.obj(sample, ("context", "samples", i))
            if s is None:
                continue
            page_id = j.integer(s.get("id"), ("context", "samples", i, "id"))
            if page_id is None:
                continue
            if page_id in pages:
                j.bad(
                    ("context", "samples", i, "id"), Msg(f"page {page_id} en double", f"page {page_id} twice")
                )
            pages[page_id] = s.get("order") == -1 or s.get("name") == TRANSVERSE

    results: list[Result] = []
    seen: dict[tuple[int, str], int] = {}
    for i, item in enumerate(j.lst(doc.get("results"), ("results",))):
        r = j.obj(item, ("results", i))
        if r is None:
            continue
        topic = j.integer(r.get("topic"), ("results", i, "topic"))
        criterium = j.integer(r.get("criterium"), ("results", i, "criterium"))
        page_id = j.integer(r.get("pageId"), ("results", i, "pageId"))
        status = r.get("status")
        if status not in JSON_STATUSES:
            expected = ", ".join(JSON_STATUSES)
            j.bad(
                ("results", i, "status"),
                Msg(
                    f"statut « {status} » inconnu (attendu : {expected})",
                    f'unknown status "{status}" (expected: {expected})',
                ),
            )
        if topic is None or criterium is None or page_id is None or status not in JSON_STATUSES:
            continue
        criterion = f"{topic}.{criterium}"
        if criterion not in CRITERIA:
            j.bad(
                ("results", i),
                Msg(
                    f"critère {criterion} inconnu du RGAA {RGAA_VERSION}",
                    f"criterion {criterion} unknown to RGAA {RGAA_VERSION}",
                ),
            )
            continue
        if pages and page_id not in pages:
            j.bad(
                ("results", i, "pageId"),
                Msg(
                    f"page {page_id} absente de /context/samples",
                    f"page {page_id} missing from /context/samples",
                ),
            )
            continue
        if (page_id, criterion) in seen:
            j.bad(
                ("results", i),
                Msg(
                    f"résultat du critère {criterion} pour la page {page_id} déjà lu en /results/{seen[page_id, criterion]}",
                    f"result of criterion {criterion} for page {page_id} already read at /results/{seen[page_id, criterion]}",
                ),
            )
            continue
        seen[page_id, criterion] = i
        results.append(Result(criterion, JSON_STATUSES[status], pages.get(page_id, False)))

    publish = j.day(doc.get("publishDate"), ("publishDate",))
    update = j.day(doc.get("updateDate"), ("updateDate",))
    stmt_pub = j.day(doc.get("statementPublicationDate"), ("statementPublicationDate",))
    stmt_edit = j.day(doc.get("statementEditionDate"), ("statementEditionDate",))
    plan = j.text(doc.get("schemaPluriannuelUrl"), ("schemaPluriannuelUrl",))
    action = j.text(doc.get("planActionUrl"), ("planActionUrl",))
    email = j.text(doc.get("contactEmail"), ("contactEmail",))
    form = j.text(doc.get("contactFormUrl"), ("contactFormUrl",))
    if j.problems:
        raise EvidenceError(j.problems, kind="evidence")
    assert audit_type is not None and rate is not None

    full = audit_type == "FULL"
    facts = _scope_facts(
        audit_type,
        AUDIT_TYPES[audit_type],
        j.at("auditType"),
        audit_type,
        rate if full else None,
        j.at("accessibilityRate"),
    )
    # the later of the two dates each page shows: « Audit terminé le publishDate – Mis à jour le
    # updateDate » (ReportPage.vue), « établie le … mise à jour le … » (StatementPage.vue)
    for field, dates in (
        ("audit_date", (("updateDate", update), ("publishDate", publish))),
        ("declaration_date", (("statementEditionDate", stmt_edit), ("statementPublicationDate", stmt_pub))),
    ):
        present = [(day, key) for key, day in dates if day is not None]
        if present:
            day, key = max(present)
            facts.append(EvidencedFact(("accessibility", field), day.isoformat(), j.at(key), raw=doc[key]))
    skipped: list[str] = []
    for key, value, field in (
        ("schemaPluriannuelUrl", plan, "multiyear_plan_url"),
        ("planActionUrl", action, "action_plan_url"),
    ):
        if value is None:
            continue
        if _is_url(value):
            facts.append(EvidencedFact(("accessibility", field), value, j.at(key), raw=value))
        else:
            skipped.append(key)
    if email is not None and _is_email(email):
        facts.append(EvidencedFact(("accessibility", "contact"), email, j.at("contactEmail"), raw=email))
    elif form is not None and _is_url(form):
        facts.append(EvidencedFact(("accessibility", "contact"), form, j.at("contactFormUrl"), raw=form))
    elif email is not None or form is not None:
        skipped.append("contactEmail" if email is not None else "contactFormUrl")

    figure = _rate_figure(full, float(rate), ara_rate(results), j.at("accessibilityRate"))
    info = {
        "consultUniqueId": str(consult),
        "auditType": audit_type,
        "résultats": str(len(results)),
        "pages": str(len(pages)),
    }
    if publish is None:
        info["publication"] = "audit non publié (pas de publishDate)"
    if skipped:
        info["non repris (adresse invalide)"] = ", ".join(skipped)
    return EvidenceReport(
        kind="ara-json",
        file=display,
        sha256=sha256(data),
        facts=tuple(facts),
        figures=(figure,),
        info=info,
        extra={"criteria": sorted({r.criterion for r in results}, key=_criterion_key)},
    )


def _criterion_key(criterion: str) -> tuple[int, int]:
    topic, number = criterion.split(".")
    return int(topic), int(number)


# ----------------------------------------------------------------------------------------------- CSV


@register("ara-csv")
def read_ara_csv(data: bytes, display: str, limits: Limits) -> EvidenceReport:
    table = read_table(data, display, limits, delimiter=",")
    cols = require_columns(
        table,
        ["Critères", TRANSVERSE],
        Msg("attendu : l'export CSV d'un audit Ara", "expected: the CSV export of an Ara audit"),
    )
    i_crit, i_trans = cols["Critères"], cols[TRANSVERSE]
    page_cols = [i for i in range(len(table.header)) if i not in (i_crit, i_trans)]
    problems: list[Problem] = []
    results: list[Result] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        criterion = cell(row, i_crit)
        if criterion not in CRITERIA:
            problems.append(problem(table.at(row, i_crit), _unknown_criterion(criterion)))
            continue
        if criterion in seen:
            problems.append(
                problem(
                    table.at(row, i_crit),
                    Msg(
                        f"critère {criterion} déjà lu ligne {seen[criterion]}",
                        f"criterion {criterion} already read at row {seen[criterion]}",
                    ),
                )
            )
            continue
        seen[criterion] = row.line
        if len(row.cells) > len(table.header):
            problems.append(
                problem(
                    table.at(row, None),
                    Msg(
                        f"{len(row.cells)} cellules pour {len(table.header)} colonnes d'en-tête",
                        f"{len(row.cells)} cells for {len(table.header)} header columns",
                    ),
                )
            )
        for i in [i_trans, *page_cols]:
            status = cell(row, i)
            if status not in CSV_STATUSES:
                found = (
                    Msg(f"statut « {status} » inconnu", f'unknown status "{status}"')
                    if status
                    else Msg("statut manquant", "missing status")
                )
                problems.append(
                    problem(
                        table.at(row, i),
                        Msg(
                            f"{found.fr} (attendu : C, NC, NA ou NT)",
                            f"{found.en} (expected: C, NC, NA or NT)",
                        ),
                    )
                )
                continue
            results.append(Result(criterion, status, i == i_trans))
    audit_type = next((t for t, n in AUDIT_TYPES.items() if n == len(seen)), None)
    if not problems and audit_type is None:
        problems.append(
            problem(
                Located(display, table.header_line),
                Msg(
                    f"{len(seen)} critères : un export Ara en compte 25 (audit rapide), 50 (complémentaire) "
                    "ou 106 (complet)",
                    f"{len(seen)} criteria: an Ara export has 25 (fast audit), 50 (complementary) "
                    "or 106 (full)",
                ),
            )
        )
    if problems:
        raise EvidenceError(problems, kind="evidence")
    assert audit_type is not None
    rate = ara_rate(results)
    at = Located(display, table.header_line, i_crit + 1, header="Critères")
    full = audit_type == "FULL"
    facts = _scope_facts(audit_type, len(seen), at, f"{len(seen)} critères", rate if full else None, at)
    figure = _rate_figure(full, None, rate, at)  # the CSV export carries only the results
    return EvidenceReport(
        kind="ara-csv",
        file=display,
        sha256=sha256(data),
        facts=tuple(facts),
        figures=(figure,),
        info={"auditType": audit_type, "critères": str(len(seen)), "pages": str(len(page_cols))},
    )
