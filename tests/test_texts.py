"""The texts people read: every human output of every bundled example, in French and English,
plus the rule list, the catalogue and every rule's explanation, checked for classes of defects
(doubled words, raw enum values where a label exists, number and colon typography, id order,
référentiel order). A new rule or presenter that brings one back fails here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from typing import Any

import pytest
from click.testing import CliRunner

from doctrine_lint.cli import cli
from doctrine_lint.explain import catalogue_markdown, rule_markdown
from doctrine_lint.formats import RenderOptions, get_formatter
from doctrine_lint.i18n import NBSP, colon, long_date, number, percent
from doctrine_lint.labels import all_labels, labels_at
from doctrine_lint.linter import Report, lint
from doctrine_lint.model import REFERENTIEL_ORDER, natural_key, referentiel_rank
from doctrine_lint.packs import all_rules, load_packs
from doctrine_lint.paths import parse_path
from doctrine_lint.scoring import REFERENTIEL_TITLES
from doctrine_lint.validation import load_schema

from .conftest import PINNED_DATE, REPO

EXAMPLES = sorted((REPO / "examples").glob("*.yaml"))
HUMAN = ("text", "markdown", "html")


@lru_cache(maxsize=1)
def _packs() -> list[Any]:
    return load_packs()


@lru_cache(maxsize=8)
def _report(name: str) -> Report:
    return lint([REPO / "examples" / name], _packs(), today=date.fromisoformat(PINNED_DATE))


def _plain(text: str) -> str:
    """Visible text of an HTML page (tags dropped, a few entities decoded)."""
    text = re.sub(r"<style.*?</style>|<[^>]+>", "", text, flags=re.S)
    return text.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<")


@lru_cache(maxsize=64)
def _rendered(name: str, fmt: str, lang: str) -> str:
    out = get_formatter(fmt)(_report(name), RenderOptions(lang=lang, show_all=True))
    return _plain(out) if fmt == "html" else out


_EXCERPT = re.compile(r"^\s*\d+ {2,}")  # a numbered line of the manifest quoted in HTML reports


def _own(text: str) -> str:
    """The report's own lines, without the manifest lines it quotes."""
    return "\n".join(line for line in text.splitlines() if not _EXCERPT.match(line))


def _texts(lang: str) -> Iterator[tuple[str, str]]:
    """(where, text) of every human output in `lang`."""
    for path in EXAMPLES:
        for fmt in HUMAN:
            yield f"{path.name} {fmt}", _rendered(path.name, fmt, lang)
    packs = _packs()
    yield "catalogue", catalogue_markdown(packs, all_rules(packs), lang)
    for pack in packs:
        for rule in pack.rules:
            yield f"explain {rule.id}", rule_markdown(rule, pack, lang)


@lru_cache(maxsize=2)
def _all(lang: str) -> list[tuple[str, str]]:
    return list(_texts(lang))


# --- wording ---------------------------------------------------------------------------------------

_DOUBLED = re.compile(r"(?<![\w.\-/'])([A-Za-zÀ-ÿ]{3,}) \1\b", re.IGNORECASE)
_BAD = {
    "fr": ["priorité prioritaire", "Non applicable : Sans objet", ". :", " :.", "  :"],
    "en": ["priority priority", "Not applicable: Not applicable", ". :", " :."],
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_doubled_word_nor_broken_punctuation(lang: str) -> None:
    problems = []
    for where, text in _all(lang):
        problems += [f"{where}: {m.group(0)!r}" for m in _DOUBLED.finditer(text)]
        problems += [f"{where}: {bad!r}" for bad in _BAD[lang] if bad in text]
    assert not problems, "\n".join(problems[:20])


def test_rgesn_rationales_say_the_level_once_and_read_the_not_applicable_condition() -> None:
    rgesn = next(p for p in _packs() if p.id == "dtne-rgesn")
    criteria = [r for r in rgesn.rules if "score d'avancement" in r.rationale.fr]
    assert len(criteria) == 78
    for rule in criteria:
        fr, en = rule.rationale.fr, rule.rationale.get("en")
        assert "priorité prioritaire" not in fr and "priority priority" not in en, rule.id
        assert "Sans objet si" not in fr and "Not applicable if" not in en, rule.id
        assert re.search(r"poids \d(,\d+)? dans", fr), rule.id  # decimal comma in French


def test_rgesn_claims_are_not_attributed_to_the_doctrine() -> None:
    """The RGESN's own statements cite the RGESN; the doctrine is named for its pointer only."""
    nr = next(p for p in _packs() if p.id == "dtne-numerique-responsable")
    for rule in nr.rules:
        for text in (rule.rationale.fr, rule.rationale.get("en")):
            assert "(doctrine **§7.1.1**)" not in text and "(doctrine §7.1.1)" not in text, rule.id


# --- numbers and colons ----------------------------------------------------------------------------


def test_number_and_percent_formats() -> None:
    assert number(405.25, "fr") == "405,25" and number(405.25, "en") == "405.25"
    assert percent(97.6, "fr") == f"97,6{NBSP}%" and percent(97.6, "en") == "97.6%"
    assert percent(None, "fr") == "—"
    assert colon("fr") == " : " and colon("en") == ": "


@pytest.mark.parametrize("fmt", HUMAN)
@pytest.mark.parametrize("name", [p.name for p in EXAMPLES])
def test_french_reports_write_numbers_the_french_way(name: str, fmt: str) -> None:
    text = _own(_rendered(name, fmt, "fr"))
    assert not re.search(r"\d\.\d+ ?%", text), re.search(r".{30}\d\.\d+ ?%", text)
    assert not re.search(r"\d %", text), "a percent sign after an ordinary space"
    assert not re.search(r"(poids|complétude) \d+\.\d", text)
    assert f"{NBSP}%" in text


@pytest.mark.parametrize("fmt", HUMAN)
@pytest.mark.parametrize("name", [p.name for p in EXAMPLES])
def test_english_reports_put_no_space_before_colons_or_percent(name: str, fmt: str) -> None:
    text = _own(_rendered(name, fmt, "en"))
    # manifests' own French descriptions may be quoted: check the labels the tool writes
    for label in ("Summary", "Weighting", "Rules by evidence", "facts", "rules", "Cross-cutting frameworks"):
        assert f"{label} :" not in text, label
    assert not re.search(r"\d %", text) and not re.search(r"\d,\d %", text)
    assert "%" in text


# --- labels instead of raw values ------------------------------------------------------------------


def test_every_enum_of_the_manifest_schema_has_labels_with_one_meaning_per_value() -> None:
    plain = {"min_version", "rgaa_version", "rgesn_version"}  # versions: written as people write them
    seen: dict[str, dict[str, str]] = {}
    problems = []

    def walk(node: Any, key: str) -> None:
        if isinstance(node, dict):
            if "enum" in node and key not in plain:
                labels = node.get("x-labels") or {}
                for value in node["enum"]:
                    entry = labels.get(value)
                    if not entry or not entry.get("fr") or not entry.get("en"):
                        problems.append(f"{key}: no fr/en label for {value}")
                    elif seen.setdefault(value, entry) != entry:
                        problems.append(f"{key}: {value} labelled {entry}, elsewhere {seen[value]}")
                assert set(labels) <= set(node["enum"]), key
            for k, sub in node.items():
                walk(sub, key if k == "items" else k)
        elif isinstance(node, list):
            for sub in node:
                walk(sub, key)

    walk(load_schema("manifest"), "")
    assert not problems, "\n".join(problems)
    assert all_labels()["avance"] == {"fr": "avancé", "en": "advanced"}
    assert labels_at(("security", "measures", "AUTH.1")) is not None
    assert labels_at(("identity", "providers", 0, "audience")) is not None


def _raw_shown(message: str, value: str) -> bool:
    return re.search(rf"(?<![\w\-\"'.\[]){re.escape(value)}(?![\w\-\"'\]])", message) is not None


@pytest.mark.parametrize("name", [p.name for p in EXAMPLES])
def test_no_message_shows_a_raw_enum_value_that_has_a_label(name: str) -> None:
    problems = []
    for f in _report(name).results[0].findings:
        if not isinstance(f.value, str) or f.path.startswith("$derived"):
            continue
        try:
            segments = tuple(s for s in parse_path(f.path).segments if isinstance(s, str | int))
        except ValueError:
            continue
        labels = labels_at(segments) or {}
        entry = labels.get(f.value)
        if entry is None:
            continue
        problems.extend(
            f"{f.rule_id} [{lang}] {text!r} shows {f.value!r}, not {entry[lang]!r}"
            for lang in ("fr", "en")
            for text in (f.message.get(lang), f.reason.get(lang) if f.reason else "")
            if entry[lang] != f.value and _raw_shown(text.replace(entry[lang], ""), f.value)
        )
    assert not problems, "\n".join(problems[:20])


def test_rule_messages_quote_no_raw_enum_value() -> None:
    """A message naming an expected value quotes its label (« validé »), not the slug."""
    relabelled = {v: e for v, e in all_labels().items() if e["fr"] != v}
    problems = []
    for rule in all_rules(_packs()):
        if rule.message is None:
            continue
        for lang, text in (("fr", rule.message.fr), ("en", rule.message.get("en"))):
            problems += [
                f"{rule.id} [{lang}]: {value}"
                for value in relabelled
                if f"« {value} »" in text or f"'{value}'" in text
            ]
    assert not problems, problems[:20]


def test_computed_facts_are_labelled() -> None:
    text = _rendered("service-tiers-non-conforme.yaml", "text", "fr")
    assert "Niveau de sécurité requis (MonServiceSécurisé) : avancé" in text
    text = _rendered("service-tiers-non-conforme.yaml", "text", "en")
    assert "Required security level (MonServiceSécurisé): advanced" in text


def test_findings_keep_the_raw_value_as_data() -> None:
    (result,) = _report("service-tiers-non-conforme.yaml").results
    finding = next(f for f in result.findings if f.rule_id == "MSS-RGPD.6")
    assert finding.value == "non-faite"
    assert finding.message.fr.endswith("état déclaré « non faite », attendu « faite »")
    assert finding.message.get("en").endswith("declared status 'not done', expected 'done'")


# --- order -----------------------------------------------------------------------------------------


def test_natural_key() -> None:
    ids = ["RGESN-1.10", "RGESN-1.2", "MSS-AUTH.10", "MSS-AUTH.9-I", "RI-6.1.1-X", "RI-6.1-SSO"]
    assert sorted(ids, key=natural_key) == [
        "MSS-AUTH.9-I",
        "MSS-AUTH.10",
        "RGESN-1.2",
        "RGESN-1.10",
        "RI-6.1-SSO",
        "RI-6.1.1-X",
    ]


def test_rules_command_lists_référentiels_in_order_and_ids_naturally() -> None:
    out = CliRunner().invoke(cli, ["rules"]).stdout.splitlines()[:-1]
    rows = [(line.split()[2], line.split()[0]) for line in out]
    assert [referentiel_rank(r) for r, _ in rows] == sorted(referentiel_rank(r) for r, _ in rows)
    for ref in REFERENTIEL_ORDER:
        ids = [i for r, i in rows if r == ref]
        assert ids == sorted(ids, key=natural_key), ref
    ids = [i for _, i in rows]
    assert ids.index("RGESN-1.2") < ids.index("RGESN-1.10")
    assert ids.index("MSS-AUTH.2") < ids.index("MSS-AUTH.10")


@pytest.mark.parametrize("name", [p.name for p in EXAMPLES])
def test_findings_and_facts_to_declare_are_in_natural_order(name: str) -> None:
    report = _report(name)
    (result,) = report.results
    keys = [f.sort_key for f in result.findings if not f.rule_id.startswith("DEROGATION")]
    assert keys == sorted(keys)
    from doctrine_lint.formats.view import facts_to_declare

    for fact in facts_to_declare(result, "fr"):
        assert fact.rules == sorted(fact.rules, key=natural_key)
        assert fact.facts == sorted(fact.facts, key=natural_key)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("fmt", HUMAN)
def test_every_section_lists_the_référentiels_in_the_same_order(fmt: str, lang: str) -> None:
    names = [REFERENTIEL_TITLES[k].get(lang) for k in REFERENTIEL_ORDER]
    for path in EXAMPLES:
        text = _rendered(path.name, fmt, lang)
        for line in text.splitlines():
            found = [(line.find(n), i) for i, n in enumerate(names) if n in line]
            if len(found) > 1:
                assert [i for _, i in sorted(found)] == sorted(i for _, i in found), (path.name, line)
        # the placement note, in its own words
        rgi, rgs, rgaa = text.find("RGI (§6.1.3)"), text.find("RGS (§6.1.1)"), text.find("RGAA (§6.1.2)")
        assert -1 < rgi < rgs < rgaa, path.name


# --- French formats: no decimal point, no ISO date, no slug in what people read ----------------------

# identifiers that hold a dot legitimately: rule ids, criteria and measure numbers, sections,
# versions, paths, file names, URLs, digests
_IDENTIFIERS = re.compile(
    r"https?://\S+|\S+\.ya?ml\S*|\[[^\]\s]*\]|\\?\[\\?\"[^\]]*\]|\"[0-9.]+\"|§\s?[0-9][0-9.]*"
    r"|\b(?:RGESN|RGAA|TLS|ISO|LTI|lti|version|Version)[ -]?[0-9][0-9.]*"
    r"|\b[0-9]+\.[0-9]+\.[0-9]+\b|\b[A-Z][A-Z0-9]*[.-][0-9][0-9.]*|[\w-]+(?:\.[\w\"\[\]-]+)+"
)
_ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@lru_cache(maxsize=64)
def _people(name: str, fmt: str, lang: str) -> str:
    """What people read of a report: HTML without its tags and without the manifest excerpts."""
    out = get_formatter(fmt)(_report(name), RenderOptions(lang=lang, show_all=True))
    return _plain(re.sub(r"<pre>.*?</pre>", "\n", out, flags=re.S)) if fmt == "html" else _own(out)


def _prose(text: str) -> str:
    """The report's own prose: no identifier, no code span."""
    return _IDENTIFIERS.sub("", re.sub(r"`[^`\n]*`", "", text))


def _slugs() -> dict[str, str]:
    """Values people must never see raw in a French report: every value a shipped pack's computed
    fact can take and every enum value of the manifest whose label is the same word with its
    accents or spaces (`modere` for « modéré », `en-vigueur` for « en vigueur »), and the keys
    of the référentiels."""
    import unicodedata

    def bare(text: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))

    out = {key: title.fr for key, title in REFERENTIEL_TITLES.items()}
    for value, entry in all_labels().items():
        if entry["fr"] != value and bare(entry["fr"]).replace(" ", "-") == value:
            out[value] = entry["fr"]
    for d in (d for pack in _packs() for d in pack.derivations):
        for value in [c.value for c in d.cases] + [d.default]:
            if isinstance(value, str) and value in d.labels:
                out[value] = d.labels[value]["fr"]
    return out


def _raw_slugs(text: str, slugs: dict[str, str]) -> list[str]:
    return [
        text[max(0, m.start() - 40) : m.end() + 10]
        for value in slugs
        for m in re.finditer(rf"(?<![\w\-'’/=.\[\"]){re.escape(value)}(?![\w\-\"\]=.])", text)
    ]


@pytest.mark.parametrize("fmt", HUMAN)
@pytest.mark.parametrize("name", [p.name for p in EXAMPLES])
def test_french_reports_show_no_decimal_point_iso_date_or_slug(name: str, fmt: str) -> None:
    text = _people(name, fmt, "fr")
    prose = _prose(text)
    assert not re.search(r"\d\.\d", prose), re.findall(r".{0,40}\d\.\d.{0,10}", prose)[:5]
    assert not _ISO_DAY.search(text), _ISO_DAY.findall(text)[:5]
    assert _raw_slugs(prose, _slugs()) == []
    if fmt != "text":  # the stamp: the evaluation date as people write it
        assert "28 novembre 2026" in text


@pytest.mark.parametrize("fmt", HUMAN)
@pytest.mark.parametrize("name", [p.name for p in EXAMPLES])
def test_english_reports_show_no_french_slug_or_iso_date(name: str, fmt: str) -> None:
    text = _people(name, fmt, "en")
    prose = _prose(text)
    derived = {v: e for d in (d for p in _packs() for d in p.derivations) for v, e in d.labels.items()}
    assert _raw_slugs(prose, {**_slugs(), **{v: e["en"] for v, e in derived.items()}}) == []
    assert not _ISO_DAY.search(text), _ISO_DAY.findall(text)[:5]


def test_the_derived_status_of_the_rgaa_version_is_labelled() -> None:
    assert "Statut de la version du RGAA déclarée : en vigueur" in _rendered(
        "vie-scolaire.yaml", "text", "fr"
    )
    assert "Status of the declared RGAA version: current" in _rendered("vie-scolaire.yaml", "text", "en")


def test_every_text_value_a_shipped_pack_computes_has_a_label() -> None:
    """A computed fact's text values are labelled by its pack (`labels`) or by the manifest
    schema (`avance` → « avancé »), and a pack labels only values it can produce."""
    problems = []
    derivations = [d for pack in _packs() for d in pack.derivations]
    assert any(d.labels for d in derivations)
    for d in derivations:
        values = {c.value for c in d.cases} | {d.default}
        texts = {v for v in values if isinstance(v, str)}
        problems += [f"{d.name}: {v}" for v in sorted(texts) if v not in d.labels and v not in all_labels()]
        problems += [f"{d.name}: labels {v}, which it never takes" for v in d.labels if v not in texts]
        problems += [
            f"{d.name}: {v} without fr/en" for v, e in d.labels.items() if not e.get("fr") or not e.get("en")
        ]
    assert not problems, problems


@pytest.mark.parametrize(
    ("day", "fr", "en"),
    [
        (date(2026, 11, 28), "28 novembre 2026", "28 November 2026"),
        (date(2026, 12, 1), "1er décembre 2026", "1 December 2026"),
        (date(2027, 2, 1), "1er février 2027", "1 February 2027"),
        (date(2025, 8, 15), "15 août 2025", "15 August 2025"),
        (date(2026, 1, 31), "31 janvier 2026", "31 January 2026"),
    ],
)
def test_long_dates(day: date, fr: str, en: str) -> None:
    assert long_date(day, "fr") == fr and long_date(day, "en") == en


@pytest.mark.parametrize(
    ("value", "spec", "fr", "en"),
    [
        (1234, "g", f"1{NBSP}234", "1,234"),
        (1234.5, "g", f"1{NBSP}234,5", "1,234.5"),
        (418.25, "g", "418,25", "418.25"),
        (6.1, ".1f", "6,1", "6.1"),
        (12345.678, ".1f", f"12{NBSP}345,7", "12,345.7"),
        (0, ".0f", "0", "0"),
    ],
)
def test_numbers_group_thousands(value: float, spec: str, fr: str, en: str) -> None:
    assert number(value, "fr", spec) == fr and number(value, "en", spec) == en
