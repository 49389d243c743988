"""The generated MonServiceSécurisé pack selects the measures MonServiceSécurisé's engine selects,
at the tier it gives them, on every combination of the level facts, data categories, tolerable
outage, openness, data outside the EU, declared level and service characteristics.

The engine is restated here from the public rules file (`../shared/data/mss-mesures-v2-niveaux.csv`)
and the engine's code (betagouv/mon-service-securise, commit cc131242…), independently of
`tools/generate_packs.py`:

- `moteurReglesV2.ts`: only the rules with a status at the service's level (`estPourNiveau`), and
  the level is the one the service chose (`descriptionService.niveauSecurite`), which
  `descriptionServiceV2.ts` refuses below the computed level;
- `regleV2.ts`: a modifier column applies when the service's value equals the column's (or the
  list of characteristics contains it);
- `descriptionServiceV2.ts` `projectionPourMoteurV2`: the values compared are the RAW criticities
  (highest data category, 1 without category; tolerable outage; openness), not the ones the level
  matrices combine with volume or audience;
- `modifications.ts`: kept when in the initial set and not removed, or added; essential when the
  level says so unless a « Recommandation » modifier applies, or when an « Indispensable » one does.

The manifest profiles are enumerated whole (10,240 of them) and checked against the derived facts
the pack reads; the rules are then evaluated once per distinct set of those facts, with every
subset of the characteristics each measure's row mentions.
"""

from __future__ import annotations

import csv
import itertools
import json
import random
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import yaml

from doctrine_lint.conditions import TRUE, Context
from doctrine_lint.derived import DERIVED_ROOT, compute_derived
from doctrine_lint.document import parse_document
from doctrine_lint.linter import lint_document
from doctrine_lint.packs import Rule, all_derivations, all_rules, load_packs

from .conftest import REPO
from .test_derived import AUDIENCE, OPENNESS, OUTAGE, VOLUME, expected_level

DATA = REPO.parent / "shared" / "data"
CSV = DATA / "mss-mesures-v2-niveaux.csv"
CTX = Context(date(2026, 11, 28))

LEVELS = ("basique", "modere", "avance")
CSV_LEVELS = {"Basique": "basique", "Modéré": "modere", "Avancé": "avance"}
# CSV column -> value of `security.service_characteristics` (the manifest's vocabulary)
CHARACTERISTICS = {
    "Accès physique : Salles techniques": "acces-physique-salles-techniques",
    "Accès physique : Bureaux": "acces-physique-bureaux",
    "Annuaire": "annuaire",
    "Signature électronique": "signature-electronique",
    "Application mobile": "application-mobile",
    "Echange et/ou réception d'emails": "courriels",
    "API": "api",
    "Portail d'information": "portail-information",
    "Service en ligne": "service-en-ligne",
    "Autre Système d'information": "autre-si",
    "Poste de travail ou téléphone": "postes-de-travail",
    "EXT : PaaS / IaaS": "hebergement-paas-iaas",
    "EXT : SaaS": "hebergement-saas",
}
# Columns that only say who carries the measure (Projet, Presta, Mixte): no effect on selection
RESPONSIBILITY_ONLY = ("EXT : Admin tech", "EXT : Dév", "EXT : MCO/MCS", "EXT : On-premise")
ACTIONS = {
    "Ajoutée": "add",
    "Retirée": "remove",
    "Indispensable": "essential",
    "Recommandation": "recommended",
}
GRADES = {"+": 1, "++": 2, "+++": 3, "++++": 4}

# manifest `personal_data` -> MonServiceSécurisé's highest data category criticity
# (questionsV2.categorieDonneesTraitees; no category at all gives 1 in projectionPourMoteurV2)
PERSONAL: list[tuple[dict[str, Any], int]] = [
    ({"processed": False}, 1),
    ({"processed": True, "minors": False, "categories": ["identite", "scolarite"]}, 2),
    ({"processed": True, "minors": True, "categories": ["identite"]}, 3),
    ({"processed": True, "minors": False, "categories": ["situation-sociale"]}, 3),
    ({"processed": True, "minors": True, "categories": ["sante"]}, 4),
]
DECLARED = (None, "basique", "modere", "avance")


@dataclass(frozen=True)
class Service:
    """What MonServiceSécurisé's engine reads: the level and the projection of the description."""

    level: str
    data: int
    outage: int
    openness: int
    outside_eu: bool


@dataclass
class MssRule:
    ref: str
    initial: bool
    levels: dict[str, str]  # level -> "I" or "R" (absent: not for that level)
    modifiers: list[tuple[str, Any, frozenset[str]]]  # (field, value, actions)

    def chars(self) -> list[str]:
        return sorted({v for f, v, _ in self.modifiers if f == "char"})

    def fields(self) -> set[str]:
        return {f for f, _, _ in self.modifiers if f != "char"}


def read_rules() -> list[MssRule]:
    with CSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for row in rows:
        mods: list[tuple[str, Any, frozenset[str]]] = []
        for column, cell in row.items():
            if column in ("REF", "ORGA/SI", "Statut initial", *CSV_LEVELS):
                continue
            actions = frozenset(ACTIONS[a] for a in cell.split(", ") if a in ACTIONS)
            if column in RESPONSIBILITY_ONLY:
                assert not actions, (row["REF"], column)
            if not actions:
                continue
            head, _, grade = column.partition(" : ")
            if column in CHARACTERISTICS:
                mods.append(("char", CHARACTERISTICS[column], actions))
            elif column == "Données : Hors UE":
                mods.append(("outside_eu", True, actions))
            elif head in ("Données", "Dispo", "Ouv") and grade in GRADES:
                field = {"Données": "data", "Dispo": "outage", "Ouv": "openness"}[head]
                mods.append((field, GRADES[grade], actions))
            else:
                raise AssertionError(f"unknown modifier column {column!r} ({row['REF']})")
        status = {"Indispensable": "I", "Recommandation": "R"}
        levels = {lvl: status[row[col]] for col, lvl in CSV_LEVELS.items() if row[col]}
        out.append(MssRule(row["REF"], row["Statut initial"] == "Présente", levels, mods))
    return out


def mss_select(rule: MssRule, service: Service, chars: frozenset[str]) -> str | None:
    """MonServiceSécurisé's answer for one measure: "I", "R" or None (not selected)."""
    if service.level not in rule.levels:  # estPourNiveau
        return None
    applied: set[str] = set()
    for field, value, actions in rule.modifiers:
        actual = value in chars if field == "char" else getattr(service, field) == value
        if actual:
            applied |= actions
    if not ((rule.initial and "remove" not in applied) or "add" in applied):  # doitAjouter
        return None
    base = rule.levels[service.level]
    if base == "I" and "recommended" in applied:  # rendreIndispensable
        return "R"
    return "I" if base == "I" or "essential" in applied else "R"


def retained_level(computed: str, declared: str | None) -> str:
    """The level MonServiceSécurisé selects at: the chosen one, never below the computed one."""
    if declared is None or LEVELS.index(declared) < LEVELS.index(computed):
        return computed
    return declared


def profiles() -> list[tuple[dict[str, Any], Service]]:
    out = []
    for (personal, data), volume, audience, outage, openness, outside_eu, declared in itertools.product(
        PERSONAL, VOLUME, AUDIENCE, OUTAGE, OPENNESS, (False, True), DECLARED
    ):
        security: dict[str, Any] = {
            "level_facts": {
                "data_volume": volume,
                "audience_size": audience,
                "max_outage": outage,
                "exposure": openness,
            }
        }
        if declared is not None:
            security["declared_level"] = declared
        manifest = {
            "personal_data": {**personal, "transfers_outside_eu": outside_eu},
            "hosting": {"countries": ["FR"]},
            "security": security,
        }
        computed = expected_level(data, volume, audience, outage, openness)
        service = Service(
            retained_level(computed, declared), data, OUTAGE[outage], OPENNESS[openness], outside_eu
        )
        out.append((manifest, service))
    return out


# the derived facts the generated rules read, and the Service field each one must equal
PACK_FACTS = {
    "niveau_retenu": "level",
    "categorie_donnees": "data",
    "criticite_interruption": "outage",
    "ouverture": "openness",
    "donnees_hors_ue": "outside_eu",
}


def _derived_paths(cond: Any) -> set[str]:
    if isinstance(cond, dict):
        found = {cond["path"].split(".")[1]} if str(cond.get("path", "")).startswith(DERIVED_ROOT) else set()
        return found.union(*(_derived_paths(v) for v in cond.values()))
    if isinstance(cond, list):
        return set().union(*(_derived_paths(v) for v in cond))
    return set()


def pack_rules(packs: list[Any]) -> dict[str, list[Rule]]:
    """Measure id -> its generated rules (consistency rules left out)."""
    pack = next(p for p in packs if p.id == "dtne-securite-mss")
    out: dict[str, list[Rule]] = {}
    for r in pack.rules:
        if r.id.endswith("-COHERENCE"):
            continue
        out.setdefault(r.id.removeprefix("MSS-").removesuffix("-I").removesuffix("-R"), []).append(r)
    return out


def pack_select(rules: list[Rule], view: dict[str, Any]) -> str | None:
    """The tier of the one generated rule that applies, or None; fails if several apply."""
    applying = [r for r in rules if r.applies_when is not None and r.applies_when(view, CTX).state == TRUE]
    assert len(applying) <= 1, [r.id for r in applying]
    if not applying:
        return None
    return {"majeur": "I", "mineur": "R"}[applying[0].severity.slug]


def mismatches(packs: list[Any]) -> list[tuple[str, Service, frozenset[str], str | None, str | None]]:
    """Every (measure, service, characteristics) where the pack and the restated engine differ."""
    mss = read_rules()
    rules = pack_rules(packs)
    derivations = all_derivations(packs)
    # 1. every manifest profile: the facts the pack reads are MonServiceSécurisé's
    by_key: dict[Service, dict[str, Any]] = {}
    for manifest, service in profiles():
        values = compute_derived(manifest, derivations, CTX).values()
        got = {name: values.get(name) for name in PACK_FACTS}
        assert got == {name: getattr(service, field) for name, field in PACK_FACTS.items()}, (
            manifest,
            got,
            service,
        )
        by_key.setdefault(service, {**manifest, DERIVED_ROOT: values})
    all_chars = frozenset(CHARACTERISTICS.values())
    out = []

    def compare(rule: MssRule, service: Service, chars: frozenset[str]) -> None:
        view = {**by_key[service]}
        view["security"] = {
            **view["security"],
            "service_characteristics": sorted(chars),
            "measures": {rule.ref: "faite"},
        }
        expected = mss_select(rule, service, chars)
        got = pack_select(rules.get(rule.ref, []), view)
        if got != expected:
            out.append((rule.ref, service, chars, expected, got))

    for rule in mss:
        mentioned = frozenset(rule.chars())
        # 2. every service (all 384 sets of facts), with none and all of the characteristics
        for service in by_key:
            compare(rule, service, frozenset())
            compare(rule, service, all_chars)
        # 3. every subset of the characteristics the row mentions (alone, and with all the others),
        #    at every value of the facts the row reads
        fields = rule.fields()
        reps = {(s.level, *(getattr(s, f) for f in sorted(fields))): s for s in by_key}
        for service in reps.values():
            for n in range(len(mentioned) + 1):
                for subset in itertools.combinations(sorted(mentioned), n):
                    compare(rule, service, frozenset(subset))
                    compare(rule, service, frozenset(subset) | (all_chars - mentioned))
    return out


@pytest.mark.skipif(not CSV.exists(), reason="../shared/data is not beside this checkout")
def test_generated_pack_selects_measures_as_monservicesecurise() -> None:
    found = mismatches(load_packs())
    assert not found, f"{len(found)} differences, first: {found[:5]}"


@pytest.mark.skipif(not CSV.exists(), reason="../shared/data is not beside this checkout")
@pytest.mark.parametrize(
    ("manifest", "ref", "expected"),
    [
        # identity data of adults at low volume: data category criticity 2, RGPD.1 kept
        (
            {
                "personal_data": {"processed": True, "minors": False, "categories": ["identite"]},
                "level_facts": ("faible", "limitee", "plus-24h", "interne"),
            },
            "RGPD.1",
            "I",
        ),
        # no category at all: criticity 1, RGPD.1 removed
        (
            {
                "personal_data": {"processed": False},
                "level_facts": ("faible", "limitee", "plus-24h", "interne"),
            },
            "RGPD.1",
            None,
        ),
        # minors' data at low volume on the internet: Modéré level, DONNEES.1 essential (category 3)
        (
            {
                "personal_data": {"processed": True, "minors": True, "categories": ["identite"]},
                "level_facts": ("faible", "limitee", "plus-24h", "internet"),
            },
            "DONNEES.1",
            "I",
        ),
        # less than 12 h tolerable for a small audience at the Modéré level: anti-DDoS added
        (
            {
                "personal_data": {"processed": True, "minors": False, "categories": ["identite"]},
                "level_facts": ("faible", "limitee", "moins-12h", "internet"),
            },
            "FILTRE.4",
            "I",
        ),
        # declared Avancé above a computed Basique: measures of the Avancé level
        (
            {
                "personal_data": {"processed": False},
                "level_facts": ("faible", "limitee", "plus-24h", "interne"),
                "declared_level": "avance",
            },
            "RISQUE.1",
            "I",
        ),
        # declared Basique below a computed Avancé: the computed level is kept
        (
            {
                "personal_data": {"processed": True, "minors": True, "categories": ["sante"]},
                "level_facts": ("eleve", "large", "moins-4h", "internet"),
                "declared_level": "basique",
            },
            "RISQUE.1",
            "I",
        ),
    ],
)
def test_known_cases_through_the_whole_lint(manifest: dict[str, Any], ref: str, expected: str | None) -> None:
    """A few cases through the linter itself, naming the rule that applies."""
    volume, audience, outage, exposure = manifest["level_facts"]
    data: dict[str, Any] = {
        "personal_data": {**manifest["personal_data"], "transfers_outside_eu": False},
        "hosting": {"countries": ["FR"]},
        "security": {
            "level_facts": {
                "data_volume": volume,
                "audience_size": audience,
                "max_outage": outage,
                "exposure": exposure,
            },
            "service_characteristics": [],
            "measures": {ref: "faite"},
        },
    }
    if "declared_level" in manifest:
        data["security"]["declared_level"] = manifest["declared_level"]
    packs = load_packs()
    doc = parse_document(json.dumps(data), "m.yaml")
    findings = lint_document(doc, packs, all_rules(packs), CTX.today).findings
    applying = {
        f.rule_id: f.severity.slug
        for f in findings
        if f.rule_id.removeprefix("MSS-").removesuffix("-I").removesuffix("-R") == ref
        and not f.rule_id.endswith("-COHERENCE")
        and f.outcome.value != "non-applicable"
    }
    tiers = {"I" if sev == "majeur" else "R" for sev in applying.values()}
    assert tiers == ({expected} if expected else set()), applying


# --- the official cyber index (src/modeles/indiceCyber.js, statistiquesMesures.js) -------------

STATUSES = ("faite", "partielle", "non-faite", "non-applicable", None)


def official_index(selected: dict[str, str], statuses: dict[str, str], categories: dict[str, str]) -> float:
    """MonServiceSécurisé's index over the measures its engine selects: fait 1, enCours 0.5, any
    other status or none 0 (it has no « not applicable »); per category (0.6 + 0.4·fR)·fI, or the
    one fraction present; 5 × Σ n·score ÷ Σ n."""
    per: dict[str, dict[str, list[float]]] = {}
    for ref, tier in selected.items():
        value = {"faite": 1.0, "partielle": 0.5}.get(statuses.get(ref, ""), 0.0)
        per.setdefault(categories[ref], {"I": [], "R": []})[tier].append(value)
    weighted = total = 0.0
    for tiers in per.values():
        ind, rec = tiers["I"], tiers["R"]
        f_i = sum(ind) / len(ind) if ind else 0.0
        f_r = sum(rec) / len(rec) if rec else 0.0
        score = (0.6 + 0.4 * f_r) * f_i if ind and rec else (f_i if ind else f_r)
        weighted += (len(ind) + len(rec)) * score
        total += len(ind) + len(rec)
    return 5 * weighted / total


@pytest.mark.skipif(not CSV.exists(), reason="../shared/data is not beside this checkout")
def test_official_cyber_index_matches_a_restatement_of_monservicesecurise() -> None:
    rng = random.Random(20261128)
    packs = [p for p in load_packs() if p.id in ("dtne-securite", "dtne-securite-mss")]
    rules = [r for r in all_rules(packs) if "mss" in r.tags]
    mss = read_rules()
    categories = {
        m["id"]: m["categorie"]
        for m in json.loads((DATA / "mss-mesures-v2.json").read_text(encoding="utf-8"))["mesures"]
    }
    linked = set(
        yaml.safe_load((REPO / "tools" / "catalogues" / "liens.yaml").read_text(encoding="utf-8"))["mss"]
    )
    cases = rng.sample(profiles(), 60)
    checked = 0
    for n, (manifest, service) in enumerate(cases):
        chars = frozenset(rng.sample(sorted(CHARACTERISTICS.values()), rng.randint(0, 6)))
        selected = {r.ref: t for r in mss if (t := mss_select(r, service, chars))}
        # a measure with a dedicated manifest fact (tools/catalogues/liens.yaml) reads it when its
        # status is not declared: always declare those, the profiles say nothing of these facts
        statuses = {
            ref: s
            for ref in selected
            if (s := rng.choice(STATUSES if ref not in linked else STATUSES[:-1])) is not None
        }
        data = json.loads(json.dumps(manifest))
        data["security"]["service_characteristics"] = sorted(chars)
        data["security"]["measures"] = statuses
        # a few dérogations: the official index counts the measure by its declared status
        waived = [ref for ref, s in statuses.items() if s in ("non-faite", "partielle")][: n % 3]
        if waived:
            data["derogations"] = [
                {
                    "rule": next(
                        r.id
                        for r in rules
                        if r.id.startswith(f"MSS-{ref}") and not r.id.endswith("-COHERENCE")
                    ),
                    "justification": "écart accepté pour le test",
                    "expires": "2027-06-30",
                }
                for ref in waived
            ]
        result = lint_document(parse_document(json.dumps(data), "m.yaml"), packs, rules, CTX.today)
        metrics = {m.name: m for m in result.metrics}
        expected = official_index(selected, statuses, categories)
        assert metrics["indice_cyber"].value == round(expected, 1), (service, chars, statuses, waived)
        assert metrics["indice_cyber"].counted == len(selected)
        # the adjusted variant leaves out the measures declared not applicable
        not_applicable = sum(1 for ref in selected if statuses.get(ref) == "non-applicable")
        assert metrics["indice_cyber_ajuste"].counted == len(selected) - not_applicable
        checked += bool(waived) + bool(not_applicable)
    assert checked > 40  # the cases do exercise dérogations and measures declared not applicable
