"""Generate the two catalogue packs from public data and the team's own texts.

    python tools/generate_packs.py [--data ../shared/data] [--check]

- `rules/dtne-securite-mss.yaml`: the 135 measures of the ANSSI/CNIL MonServiceSécurisé
  référentiel v2 (betagouv/mon-service-securise, Apache-2.0). Facts taken from the data: measure
  ids, categories, the status of each measure at each security level, and the service
  characteristics that add or remove a measure or change its status.
- `rules/dtne-rgesn.yaml`: the 78 criteria of the RGESN 2024 (Arcep/Arcom with ADEME; data from
  DISIC/MiNumEco, Licence Ouverte 2.0). Facts: numbers, families, priorities, whether a criterion
  can be not applicable.

Every user-facing text comes from `tools/catalogues/*-textes.yaml`, written by the team in its own
words; nothing of the sources' wording is copied. With `--check` nothing is written and the exit
code is 1 when a committed pack differs from what the data would give (the test suite runs it).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from doctrine_lint.conditions import TRUE, Context, compile_condition  # noqa: E402
from doctrine_lint.derived import DERIVED_ROOT, compute_derived  # noqa: E402
from doctrine_lint.labels import labels_at  # noqa: E402
from doctrine_lint.packs import load_pack  # noqa: E402

CATALOGUES = REPO / "tools" / "catalogues"


def _expected(path: tuple[str, ...], value: str) -> tuple[str, str]:
    """How a message names the expected status: its label in the manifest schema (« validé »),
    never the raw value (`valide`)."""
    labels = labels_at(path) or {}
    entry = labels.get(value, {"fr": value, "en": value})
    return entry["fr"], entry["en"]


EXAMPLES_DATE = "2026-11-28"
# Shares of the catalogue packs in their référentiel's conformity and completeness rates
# (README, "Pondération"): the rest belongs to the rules written from the doctrine.
MSS_SHARE = 1 / 3
RGESN_SHARE = 1 / 4
MSS_COMMIT = "cc131242e04bce97eb9e2aa53b04b9920341e257"
MSS_REPO = "https://github.com/betagouv/mon-service-securise"
MINUMECO_COMMIT = "6a64404c8cb30ad6750dbe388baf37e15137b193"
RGESN_URL = "https://github.com/DISIC/MiNumEco"

LEVELS = {"Basique": "basique", "Modéré": "modere", "Avancé": "avance"}
LEVEL_TEXT = {
    "basique": ("basique", "basic"),
    "modere": ("modéré", "moderate"),
    "avance": ("avancé", "advanced"),
}
CATEGORY_TITLES = {
    "gouvernance": ("Gouvernance", "Governance"),
    "protection": ("Protection", "Protection"),
    "defense": ("Défense", "Defence"),
    "resilience": ("Résilience", "Resilience"),
}
# Chapters are named groups of their source (no section number): shown « MonServiceSécurisé — Défense ».
MSS_SOURCE = {"fr": "MonServiceSécurisé", "en": "MonServiceSécurisé"}
RGESN_SOURCE = {"fr": "RGESN 2024", "en": "RGESN 2024"}
# CSV column -> condition on the manifest (or a derived fact), and its wording
CHARACTERISTICS = {
    "Annuaire": "annuaire",
    "Signature électronique": "signature-electronique",
    "Application mobile": "application-mobile",
    "Echange et/ou réception d'emails": "courriels",
    "API": "api",
    "Portail d'information": "portail-information",
    "Service en ligne": "service-en-ligne",
    "Autre Système d'information": "autre-si",
    "Poste de travail ou téléphone": "postes-de-travail",
    "Accès physique : Salles techniques": "acces-physique-salles-techniques",
    "Accès physique : Bureaux": "acces-physique-bureaux",
    "EXT : SaaS": "hebergement-saas",
    "EXT : PaaS / IaaS": "hebergement-paas-iaas",
}
# The graded columns compare the RAW criticities MonServiceSécurisé's engine receives
# (descriptionServiceV2.ts, projectionPourMoteurV2): the highest data category criticity (1 with
# no category), the tolerable outage criticity and the openness criticity; never the criticities
# the level matrices combine with the volume or the audience.
GRADED = {"Données": "categorie_donnees", "Dispo": "criticite_interruption", "Ouv": "ouverture"}
GRADED_TEXT = {
    "categorie_donnees": ("criticité de la catégorie de données", "data category criticality"),
    "criticite_interruption": ("criticité de l'interruption tolérable", "tolerable outage criticality"),
    "ouverture": ("ouverture du système", "system openness"),
}
# MonServiceSécurisé selects measures at the level the service chose when it is at least the
# computed one (moteurReglesV2.ts, descriptionServiceV2.ts): `niveau_retenu` in dtne-securite.
LEVEL_FACT = "niveau_retenu"


def _column_fact(column: str) -> tuple[str, Any] | None:
    """What a CSV modifier column tests: ("char", slug), ("hors_ue", True) or (derived fact, grade)."""
    if column in CHARACTERISTICS:
        return "char", CHARACTERISTICS[column]
    if column == "Données : Hors UE":
        return "hors_ue", True
    head, _, grade = column.partition(" : ")
    if head in GRADED and grade and grade.strip("+") == "":
        return GRADED[head], len(grade)
    return None


ACTIONS = {
    "Ajoutée": ("ajoutée", "added"),
    "Retirée": ("retirée", "removed"),
    "Indispensable": ("indispensable", "essential"),
    "Recommandation": ("recommandée", "recommended"),
}


def _grouped(row: dict[str, str]) -> dict[str, list[tuple[dict[str, Any], tuple[str, str]]]]:
    """Per action, the conditions that trigger it (grades of one fact grouped), with wording."""
    per_action: dict[str, dict[str, list[Any]]] = {a: {} for a in ACTIONS}
    for column, value in row.items():
        found = _column_fact(column)
        if found is None or not value:
            continue
        kind, arg = found
        for action in {v.strip() for v in value.split(",")} & set(ACTIONS):
            per_action[action].setdefault(kind, []).append(arg)
    out: dict[str, list[tuple[dict[str, Any], tuple[str, str]]]] = {}
    for action, kinds in per_action.items():
        items: list[tuple[dict[str, Any], tuple[str, str]]] = []
        for kind, args in kinds.items():
            if kind == "char":
                cond = _any([{"path": "security.service_characteristics", "contains": a} for a in args])
                names = ", ".join(f"« {a} »" for a in args)
                items.append(
                    (
                        cond,
                        (
                            f"caractéristique {names}",
                            f"characteristic {names.replace('« ', chr(39)).replace(' »', chr(39))}",
                        ),
                    )
                )
            elif kind == "hors_ue":
                items.append(
                    (
                        {"path": f"{DERIVED_ROOT}.donnees_hors_ue", "equals": True},
                        ("données hors de l'UE", "data outside the EU"),
                    )
                )
            else:
                fr, en = GRADED_TEXT[kind]
                grades = sorted(args)
                cond = (
                    {"path": f"{DERIVED_ROOT}.{kind}", "equals": grades[0]}
                    if len(grades) == 1
                    else {"path": f"{DERIVED_ROOT}.{kind}", "in": grades}
                )
                shown = str(grades[0]) if len(grades) == 1 else " ou ".join(map(str, grades))
                shown_en = str(grades[0]) if len(grades) == 1 else " or ".join(map(str, grades))
                items.append((cond, (f"{fr} = {shown}", f"{en} = {shown_en}")))
        if items:
            out[action] = items
    return out


def _any(conds: list[dict[str, Any]]) -> dict[str, Any]:
    return conds[0] if len(conds) == 1 else {"any": conds}


def _all(conds: list[dict[str, Any]]) -> dict[str, Any]:
    return conds[0] if len(conds) == 1 else {"all": conds}


def _not(cond: dict[str, Any]) -> dict[str, Any]:
    return {"not": cond}


def mss_variants(row: dict[str, str]) -> tuple[dict[str, dict[str, Any]], list[tuple[str, str]]]:
    """For one measure: the applicability condition of each tier (I, R), and notes on modifiers."""
    base = {LEVELS[col]: row[col] for col in LEVELS if row[col]}
    groups = _grouped(row)
    added = [c for c, _ in groups.get("Ajoutée", [])]
    removed = [c for c, _ in groups.get("Retirée", [])]
    make_i = [c for c, _ in groups.get("Indispensable", [])]
    make_r = [c for c, _ in groups.get("Recommandation", [])]
    notes = [
        (f"{ACTIONS[a][0]} si {fr}", f"{ACTIONS[a][1]} when {en}")
        for a, items in groups.items()
        for _, (fr, en) in items
    ]
    # MonServiceSécurisé: a measure is kept when it is in the initial set and no modifier removes
    # it, or when a modifier adds it.
    if row["Statut initial"] == "Présente":
        present = [_any([_not(_any(removed)), *added])] if removed else []
    elif added:
        present = [_any(added)]
    else:
        return {}, notes  # never selected by any characteristic: no rule
    level = f"{DERIVED_ROOT}.{LEVEL_FACT}"
    levels_i = [lvl for lvl, s in base.items() if s == "Indispensable"]
    levels_r = [lvl for lvl, s in base.items() if s == "Recommandation"]
    levels_any = list(base)
    tiers: dict[str, dict[str, Any]] = {}

    def at(levels: list[str]) -> dict[str, Any]:
        return {"path": level, "in": list(levels)}

    if make_i or make_r:
        # modifications.ts, rendreIndispensable: essential at a level where it is essential unless
        # a « Recommandation » modifier applies (which wins over an « Indispensable » one there);
        # at a level where it is recommended, essential when an « Indispensable » modifier applies.
        to_i = _any(make_i) if make_i else None
        to_r = _any(make_r) if make_r else None

        def within(levels: list[str], cond: dict[str, Any] | None) -> list[dict[str, Any]]:
            """`cond` at these levels, knowing the level is one of `levels_any` ([] = always)."""
            return ([] if set(levels) == set(levels_any) else [at(levels)]) + ([cond] if cond else [])

        # (levels, modifier condition) pairs giving each tier; an empty pair list: never
        i_cases = ([within(levels_i, _not(to_r) if to_r else None)] if levels_i else []) + (
            [within(levels_r, to_i)] if levels_r and to_i else []
        )
        r_cases = ([within(levels_i, to_r)] if levels_i and to_r else []) + (
            [within(levels_r, _not(to_i) if to_i else None)] if levels_r else []
        )
        # the level test comes first: it is cheap and decides most rules (non applicable)
        for tier, cases in (("I", i_cases), ("R", r_cases)):
            if not cases:
                continue
            extra = [] if any(not c for c in cases) else [_any([_all(c) for c in cases])]
            tiers[tier] = _all([at(levels_any), *present, *extra])
    else:
        if levels_i:
            tiers["I"] = _all([at(levels_i), *present])
        if levels_r:
            tiers["R"] = _all([at(levels_r), *present])
    # no shared sub-objects: the YAML must not carry anchors and aliases
    return {k: json.loads(json.dumps(v)) for k, v in tiers.items()}, notes


def _level_sentence(row: dict[str, str]) -> tuple[str, str]:
    fr_parts, en_parts = [], []
    for col, lvl in LEVELS.items():
        fr, en = LEVEL_TEXT[lvl]
        status = row[col]
        fr_parts.append(
            f"{fr} : {'indispensable' if status == 'Indispensable' else 'recommandée' if status == 'Recommandation' else 'non demandée'}"
        )
        en_parts.append(
            f"{en}: {'essential' if status == 'Indispensable' else 'recommended' if status == 'Recommandation' else 'not required'}"
        )
    return " ; ".join(fr_parts), "; ".join(en_parts)


LEVEL_FACTS = {
    "basique": {
        "data_volume": "faible",
        "audience_size": "limitee",
        "max_outage": "plus-24h",
        "exposure": "interne",
    },
    "modere": {
        "data_volume": "moyen",
        "audience_size": "moyenne",
        "max_outage": "moins-24h",
        "exposure": "internet",
    },
    "avance": {
        "data_volume": "eleve",
        "audience_size": "large",
        "max_outage": "moins-4h",
        "exposure": "internet",
    },
}


def _candidates() -> list[dict[str, Any]]:
    """Service descriptions to find, for each rule, one fragment where it applies."""
    out = []
    all_chars = sorted(set(CHARACTERISTICS.values()) - {"portail-information"})
    char_sets = [all_chars, [], ["portail-information"], *[[c] for c in all_chars]]
    personal = [
        {
            "processed": True,
            "minors": True,
            "categories": ["identite", "scolarite"],
            "transfers_outside_eu": False,
        },
        {"processed": True, "minors": False, "categories": ["identite"], "transfers_outside_eu": False},
        {"processed": False, "transfers_outside_eu": False},
        {"processed": True, "minors": True, "categories": ["sante"], "transfers_outside_eu": True},
    ]
    exposures = ["internet", "interne-restreint", "interne", "interne-tiers"]
    for level, chars, pdata, exposure in itertools.product(LEVEL_FACTS, char_sets, personal, exposures):
        facts = dict(LEVEL_FACTS[level], exposure=exposure)
        out.append(
            {
                "personal_data": pdata,
                "hosting": {"countries": ["FR"]},
                "security": {"level_facts": facts, "service_characteristics": chars},
            }
        )
    return out


def _fragment_for(
    cond: dict[str, Any], derivations: list[Any], candidates: list[dict[str, Any]]
) -> dict[str, Any]:
    """The first candidate where the rule applies, with the characteristics it does not need removed."""
    check = compile_condition(cond)
    ctx = Context(date.fromisoformat(EXAMPLES_DATE))

    def applies(cand: dict[str, Any]) -> bool:
        derived = compute_derived(cand, derivations, ctx)
        return check({**cand, DERIVED_ROOT: derived.values()}, ctx).state == TRUE

    for cand in candidates:
        if applies(cand):
            chars = cand["security"]["service_characteristics"]
            for c in list(chars):
                trial = json.loads(json.dumps(cand))
                trial["security"]["service_characteristics"] = [x for x in chars if x != c]
                if applies(trial):
                    chars = trial["security"]["service_characteristics"]
            cand = json.loads(json.dumps(cand))
            cand["security"]["service_characteristics"] = chars
            return cand
    raise SystemExit(f"no example found for condition {cond}")


def _with_status(fragment: dict[str, Any], measure: str, status: str) -> dict[str, Any]:
    out = json.loads(json.dumps(fragment))
    out["security"]["measures"] = {measure: status}
    return out


# --- one requirement, one rule (tools/catalogues/liens.yaml) ----------------------------------


def _links(kind: str) -> dict[str, dict[str, Any]]:
    """The hand-written rules restating a measure (kind `mss`) or a criterion (kind `rgesn`)."""
    data = yaml.safe_load((CATALOGUES / "liens.yaml").read_text(encoding="utf-8"))
    return {str(k): v for k, v in (data.get(kind) or {}).items()}


def _merged(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = json.loads(json.dumps(base))
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merged(out[key], value)
        else:
            out[key] = json.loads(json.dumps(value))
    return out


def _paths(cond: Any) -> list[str]:
    """The manifest paths a condition reads, in order, once each."""
    out: list[str] = []
    if isinstance(cond, dict):
        for key, value in cond.items():
            if key == "path" and isinstance(value, str):
                out.append(value)
            elif key != "where":  # paths under `where` are relative to a list's elements
                out += _paths(value)
    elif isinstance(cond, list):
        for item in cond:
            out += _paths(item)
    return list(dict.fromkeys(p.removesuffix("[*]") for p in out))


def _without_fields(fragment: dict[str, Any], link: dict[str, Any]) -> dict[str, Any]:
    """The fragment minus the dedicated facts (plain dotted paths), so it says nothing about them."""
    out = json.loads(json.dumps(fragment))
    for path in _paths(link["done"]):
        *parents, leaf = path.split(".")
        node: Any = out
        for key in parents:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(leaf, None)
    return out


def _reading_field(status_path: str, done_value: str, link: dict[str, Any]) -> dict[str, Any]:
    """Three-valued: the declared status when there is one, else the dedicated fact."""
    return _any(
        [
            _all([{"path": status_path, "exists": True}, {"path": status_path, "equals": done_value}]),
            _all([{"path": status_path, "exists": False}, link["done"]]),
        ]
    )


def _coherence_rule(
    *,
    rule_id: str,
    label: tuple[str, str],
    chapter: str,
    status_path: str,
    done_value: str,
    fail_value: str,
    link: dict[str, Any],
    references: list[dict[str, str]],
    example_base: dict[str, Any],
    weight: float | None = None,
) -> dict[str, Any]:
    """A rule of its own for a contradiction: the status says done and the dedicated fact says not,
    or the other way round; it applies only when both are declared. `weight` 0 keeps it out of
    the scores (it is still reported, with its severity)."""
    fields = ", ".join(f"`{p}`" for p in _paths(link["done"]))
    label_fr, label_en = label
    example_base = _without_fields(example_base, link)
    with_status = lambda frag, value: _merged(frag, _merged({}, _status_fragment(status_path, value)))  # noqa: E731
    rule: dict[str, Any] = {
        "id": rule_id,
        "title": {
            "fr": f"{label_fr} : état déclaré cohérent avec {fields}",
            "en": f"{label_en}: declared status consistent with {fields}",
        },
        "chapter": chapter,
        "severity": "mineur",
        **({} if weight is None else {"weight": weight}),
        "tags": ["coherence", "declaration"],
        "rationale": {
            "fr": f"L'état de l'exigence ({label_fr}) se déclare deux fois : par son état (`{status_path}`) et par "
            f"le fait dédié du manifeste ({fields})"
            + (f", lu par les règles écrites à la main ({', '.join(link['rules'])})" if link["rules"] else "")
            + ". Les deux déclarations doivent dire la même chose : une exigence "
            "déclarée remplie alors que le fait dédié dit le contraire (ou l'inverse) rend le rapport "
            "indécidable.",
            "en": f"The requirement ({label_en}) is declared twice: through its status (`{status_path}`) and "
            f"through the manifest's dedicated fact ({fields})"
            + (f", read by the hand-written rules ({', '.join(link['rules'])})" if link["rules"] else "")
            + ". Both must say the same thing: a requirement declared met while "
            "the dedicated fact says otherwise (or the reverse) leaves the report undecidable.",
        },
        "remediation": {
            "fr": f"Corriger la déclaration fausse : `{status_path}` ou {fields}.",
            "en": f"Fix whichever declaration is wrong: `{status_path}` or {fields}.",
        },
        "message": {
            "fr": f"{label_fr} : l'état déclaré ({status_path}) contredit {fields}.",
            "en": f"{label_en}: the declared status ({status_path}) contradicts {fields}.",
        },
        "references": references,
        "provenance": {
            "evidence": "inference",
            "legal_basis": "bonne-pratique",
            "verified": False,
            "note": {
                "fr": "Contrôle de cohérence propre à doctrine-lint : l'équivalence entre l'état de l'exigence et le "
                "fait dédié est notre lecture de la source (tools/catalogues/liens.yaml).",
                "en": "A doctrine-lint consistency check: that the requirement's status and the dedicated fact are "
                "equivalent is our reading of the source (tools/catalogues/liens.yaml).",
            },
        },
        "applies_when": _all(
            [
                {"path": status_path, "exists": True},
                {"path": status_path, "in": [done_value, fail_value]},
                link["declared"],
            ]
        ),
        "check": _not(
            _any(
                [
                    _all([{"path": status_path, "equals": done_value}, _not(link["done"])]),
                    _all([{"path": status_path, "equals": fail_value}, link["done"]]),
                ]
            )
        ),
        "examples": [
            {"outcome": "conforme", "manifest": with_status(_merged(example_base, link["met"]), done_value)},
            {
                "outcome": "conforme",
                "manifest": with_status(_merged(example_base, link["unmet"]), fail_value),
            },
            {
                "outcome": "non-conforme",
                "note": "déclarée remplie, le fait dédié dit le contraire",
                "manifest": with_status(_merged(example_base, link["unmet"]), done_value),
            },
            {
                "outcome": "non-conforme",
                "note": "déclarée non remplie, le fait dédié dit le contraire",
                "manifest": with_status(_merged(example_base, link["met"]), fail_value),
            },
            {
                "outcome": "non-applicable",
                "note": "fait dédié non déclaré",
                "manifest": with_status(example_base, done_value),
            },
        ],
    }
    return rule


def _status_fragment(status_path: str, value: str) -> dict[str, Any]:
    """`security.measures["X.1"]` or `ecodesign.criteria["1.2"]` as a manifest fragment."""
    head, key = status_path.split("[", 1)
    root, leaf = head.split(".")
    return {root: {leaf: {json.loads(key.rstrip("]")): value}}}


def _link_catalogue_rule(
    rule: dict[str, Any],
    link: dict[str, Any],
    status_path: str,
    done_value: str,
    fragment: dict[str, Any],
    label_fr: str,
    label_en: str,
) -> None:
    """Mark a generated rule as counting the same requirement as hand-written rules: `same_as`,
    the weight on one side only, and (unless `reads_field: false`) the dedicated fact read when the
    status is not declared, with an example each way."""
    ordered: dict[str, Any] = {}
    for key, value in rule.items():
        if key == "weight":
            continue
        ordered[key] = value
        if key == "severity" and (link["weighs"] == "hand" or "weight" in rule):
            ordered["weight"] = 0 if link["weighs"] == "hand" else rule["weight"]
        if key == "tags" and link["rules"]:
            ordered["same_as"] = list(link["rules"])
    rule.clear()
    rule.update(ordered)
    fields = ", ".join(f"`{p}`" for p in _paths(link["done"]))
    if not link["rules"]:
        rule["rationale"]["fr"] += f"\n\nLe manifeste dit aussi l'état de cette mesure par {fields}."
        rule["rationale"]["en"] += f"\n\nThe manifest also tells this measure's status through {fields}."
    else:
        _same_requirement_note(rule, link, fields)
    aside = link.get("sets_aside")
    if aside is not None:
        # our reading of the source, not MonServiceSécurisé's data: the measure has no object in that case
        rule["applies_when"] = _all([*_conjuncts(rule["applies_when"]), _not(aside["when"])])
        rule["rationale"]["fr"] += f"\n\n{aside['why']['fr']}"
        rule["rationale"]["en"] += f"\n\n{aside['why']['en']}"
        rule["examples"].append(
            {
                "outcome": "non-applicable",
                "note": aside["why"]["fr"],
                "manifest": _merged(fragment, aside["example"]),
            }
        )
    if not link.get("reads_field", True):
        return
    _read_field(rule, link, status_path, done_value, fragment, label_fr, label_en, fields)


def _conjuncts(cond: dict[str, Any]) -> list[dict[str, Any]]:
    return list(cond["all"]) if set(cond) == {"all"} else [cond]


def _same_requirement_note(rule: dict[str, Any], link: dict[str, Any], fields: str) -> None:
    rule["rationale"]["fr"] += (
        f"\n\nMême exigence que {', '.join(link['rules'])} (écrite à la main), qui lit {fields} ; "
        + (
            "seule cette règle-ci pèse dans les scores."
            if link["weighs"] == "catalogue"
            else "seule la règle écrite à la main pèse dans les scores (poids 0 ici)."
        )
    )
    rule["rationale"]["en"] += (
        f"\n\nSame requirement as {', '.join(link['rules'])} (hand-written), which reads {fields}; "
        + (
            "only this rule weighs in the scores."
            if link["weighs"] == "catalogue"
            else "only the hand-written rule weighs in the scores (weight 0 here)."
        )
    )


def _read_field(
    rule: dict[str, Any],
    link: dict[str, Any],
    status_path: str,
    done_value: str,
    fragment: dict[str, Any],
    label_fr: str,
    label_en: str,
    fields: str,
) -> None:
    rule["check"] = _reading_field(status_path, done_value, link)
    # an undeclared status must not leave the rule undecided before the dedicated fact is read
    na = {"path": status_path, "equals": "non-applicable"}
    guarded = _not(_all([{"path": status_path, "exists": True}, na]))
    rule["applies_when"] = json.loads(
        json.dumps(rule["applies_when"]).replace(json.dumps(_not(na)), json.dumps(guarded))
    )
    rule["remediation"]["fr"] += f" Sans état déclaré, la règle lit {fields}."
    rule["remediation"]["en"] += f" With no declared status, the rule reads {fields}."
    # keep the tier the original message gives, e.g. "Mesure FILTRE.5 (indispensable)"
    tier_fr = rule["message"]["fr"].split(" : ", 1)[0].removeprefix(label_fr)
    tier_en = rule["message"]["en"].split(": ", 1)[0].removeprefix(label_en)
    rule["message"] = {
        "fr": f"{label_fr}{tier_fr} : non remplie d'après {{path}} ({{value}})",
        "en": f"{label_en}{tier_en}: not met according to {{path}} ({{value}})",
    }
    for example in rule["examples"]:
        if example["outcome"] == "a-renseigner":
            example["manifest"] = _without_fields(example["manifest"], link)
    rule["examples"] += [
        {
            "outcome": "conforme",
            "note": "état non déclaré, fait dédié favorable",
            "manifest": _merged(fragment, link["met"]),
        },
        {
            "outcome": "non-conforme",
            "note": "état non déclaré, fait dédié défavorable",
            "manifest": _merged(fragment, link["unmet"]),
        },
    ]


def build_mss(data: Path) -> dict[str, Any]:
    measures = json.loads((data / "mss-mesures-v2.json").read_text(encoding="utf-8"))["mesures"]
    with (data / "mss-mesures-v2-niveaux.csv").open(encoding="utf-8") as fh:
        rows = {r["REF"]: r for r in csv.DictReader(fh)}
    texts = yaml.safe_load((CATALOGUES / "mss-textes.yaml").read_text(encoding="utf-8"))
    derivations = load_pack(REPO / "rules" / "dtne-securite.yaml").derivations
    candidates = _candidates()
    links = _links("mss")
    rules = []
    for m in measures:
        mid, row, text = m["id"], rows[m["id"]], texts[m["id"]]
        tiers, notes = mss_variants(row)
        levels_fr, levels_en = _level_sentence(row)
        mods_fr = " ; ".join(n[0] for n in notes)
        mods_en = "; ".join(n[1] for n in notes)
        status_path = f'security.measures["{mid}"]'
        done_fr, done_en = _expected(("security", "measures", mid), "faite")
        for tier, cond in tiers.items():
            suffix = "" if len(tiers) == 1 else ("-I" if tier == "I" else "-R")
            severity = "majeur" if tier == "I" else "mineur"
            tier_fr = "indispensable" if tier == "I" else "recommandée"
            tier_en = "essential" if tier == "I" else "recommended"
            applies = _all([cond, _not({"path": status_path, "equals": "non-applicable"})])
            fragment = _fragment_for(cond, derivations, candidates)
            rationale_fr = (
                f"{text['rationale']['fr']}\n\nMesure {mid} du référentiel MonServiceSécurisé v2 "
                f"({'CNIL' if m['referentiel'] == 'CNIL' else 'ANSSI'}), {tier_fr} au niveau de sécurité du service. "
                f"Par niveau — {levels_fr}." + (f" Modificateurs : {mods_fr}." if mods_fr else "")
            )
            rationale_en = (
                f"{text['rationale']['en']}\n\nMeasure {mid} of the MonServiceSécurisé v2 catalogue "
                f"({'CNIL' if m['referentiel'] == 'CNIL' else 'ANSSI'}), {tier_en} at the service's security level. "
                f"By level — {levels_en}." + (f" Modifiers: {mods_en}." if mods_en else "")
            )
            rules.append(
                {
                    "id": f"MSS-{mid}{suffix}",
                    "title": {"fr": f"{mid} — {text['title']['fr']}", "en": f"{mid} — {text['title']['en']}"},
                    "chapter": f"mss-{m['categorie']}",
                    "severity": severity,
                    "tags": ["mss", m["categorie"], "cnil" if m["referentiel"] == "CNIL" else "anssi"],
                    "rationale": {"fr": rationale_fr, "en": rationale_en},
                    "remediation": {
                        "fr": f"{text['remediation']['fr']}\n\nDéclarer ensuite l'état de la mesure : `{status_path}: faite` "
                        "(ou `partielle`, `non-faite`, `non-applicable` si elle est sans objet).",
                        "en": f"{text['remediation']['en']}\n\nThen declare the measure's status: `{status_path}: faite` "
                        "(or `partielle`, `non-faite`, `non-applicable` when it does not apply).",
                    },
                    "message": {
                        "fr": f"Mesure {mid} ({tier_fr}) : état déclaré « {{value}} », attendu « {done_fr} »",
                        "en": f"Measure {mid} ({tier_en}): declared status '{{value}}', expected '{done_en}'",
                    },
                    "references": [
                        {
                            "url": f"{MSS_REPO}/blob/{MSS_COMMIT}/donneesReferentielMesuresV2.ts",
                            "section": f"Mesure {mid}",
                            "title": "Référentiel de mesures v2 (MonServiceSécurisé)",
                        },
                        {
                            "url": f"{MSS_REPO}/blob/{MSS_COMMIT}/src/moteurRegles/v2/mesures_V2_prod_05-02-2026.csv",
                            "section": f"{mid} — statut par niveau",
                            "title": "Règles de sélection des mesures v2",
                        },
                    ],
                    "provenance": {
                        "evidence": "officiel",
                        "legal_basis": "loi-generale" if m["referentiel"] == "CNIL" else "bonne-pratique",
                        "verified": True,
                        "note": {
                            "fr": "Mesure, catégorie et statut par niveau lus dans les données de MonServiceSécurisé (ANSSI). "
                            "Les modificateurs (caractéristiques du service) se combinent comme dans le moteur de MonServiceSécurisé "
                            "(moteurReglesV2.ts, modifications.ts), sur les criticités brutes ; un test le vérifie sur toutes les combinaisons.",
                            "en": "Measure, category and status per level read in MonServiceSécurisé's data (ANSSI). "
                            "Modifiers (service characteristics) combine as in MonServiceSécurisé's engine (moteurReglesV2.ts, "
                            "modifications.ts), on the raw criticalities; a test checks it on every combination.",
                        },
                    },
                    "applies_when": applies,
                    "check": {"path": status_path, "equals": "faite"},
                    "examples": [
                        {"outcome": "conforme", "manifest": _with_status(fragment, mid, "faite")},
                        {"outcome": "non-conforme", "manifest": _with_status(fragment, mid, "partielle")},
                        {
                            "outcome": "non-applicable",
                            "manifest": _with_status(fragment, mid, "non-applicable"),
                        },
                        {"outcome": "a-renseigner", "manifest": json.loads(json.dumps(fragment))},
                    ],
                }
            )
            if mid in links:
                _link_catalogue_rule(
                    rules[-1], links[mid], status_path, "faite", fragment, f"Mesure {mid}", "Measure " + mid
                )
        if mid in links:
            rules.append(
                _coherence_rule(
                    rule_id=f"MSS-{mid}-COHERENCE",
                    label=(f"Mesure {mid}", f"Measure {mid}"),
                    chapter=f"mss-{m['categorie']}",
                    status_path=status_path,
                    done_value="faite",
                    fail_value="non-faite",
                    link=links[mid],
                    references=rules[-1]["references"][:1],
                    example_base=_fragment_for(tiers[next(iter(tiers))], derivations, candidates),
                )
            )
    return {
        "pack": {
            "id": "dtne-securite-mss",
            "version": "0.2.0",
            "title": {
                "fr": "Mesures de sécurité MonServiceSécurisé (ANSSI/CNIL), selon le niveau du service",
                "en": "MonServiceSécurisé security measures (ANSSI/CNIL), by the service's level",
            },
            "description": {
                "fr": "Une règle par mesure du référentiel v2 de MonServiceSécurisé qui est indispensable (majeur) ou recommandée "
                "(mineur) au niveau de sécurité du service. Le niveau est calculé par le pack dtne-securite "
                "(`$derived.niveau_securite`). L'état de chaque mesure se déclare dans `security.measures`. "
                "Pack généré par tools/generate_packs.py : ne pas le modifier à la main.",
                "en": "One rule per measure of the MonServiceSécurisé v2 catalogue that is essential (major) or recommended "
                "(minor) at the service's security level. The level is computed by the dtne-securite pack "
                "(`$derived.niveau_securite`). Each measure's status is declared in `security.measures`. "
                "Generated by tools/generate_packs.py: do not edit by hand.",
            },
            "referentiel": "securite",
            # The 156 measures must not drown the doctrine's own security rules (homologation,
            # RGPD, hosting): together they count for a third of Sécurité's rates.
            "score_share": MSS_SHARE,
            "examples_date": EXAMPLES_DATE,
            "doctrine_version": f"Référentiel de mesures v2 de MonServiceSécurisé (ANSSI, CNIL), dépôt betagouv/mon-service-securise, commit {MSS_COMMIT}, "
            "licence Apache-2.0 ; retenu faute d'accès au référentiel de sécurité propre à la doctrine.",
            "url": MSS_REPO,
            "chapters": {
                f"mss-{k}": {"source": MSS_SOURCE, "title": {"fr": fr, "en": en}}
                for k, (fr, en) in CATEGORY_TITLES.items()
            },
        },
        "metrics": [
            {
                "name": "indice_cyber",
                "title": {
                    "fr": "Indice cyber (MonServiceSécurisé, sur 5)",
                    "en": "Cyber index (MonServiceSécurisé, out of 5)",
                },
                "description": {
                    "fr": "Le calcul de MonServiceSécurisé (src/modeles/indiceCyber.js, statistiquesMesures.js) : par catégorie, "
                    "part des mesures indispensables et recommandées faites (une mesure partielle compte pour moitié), "
                    "combinées avec les coefficients 0,6 et 0,4 ; moyenne pondérée par le nombre de mesures, sur 5. Toute "
                    "mesure que MonServiceSécurisé choisit compte : une mesure déclarée non applicable (état qu'il n'a pas) "
                    "ou couverte par une dérogation compte selon son état, donc comme non faite.",
                    "en": "MonServiceSécurisé's computation (src/modeles/indiceCyber.js, statistiquesMesures.js): per category, "
                    "share of essential and recommended measures done (a partial measure counts half), combined with "
                    "coefficients 0.6 and 0.4; average weighted by the number of measures, out of 5. Every measure "
                    "MonServiceSécurisé selects counts: a measure declared not applicable (a status it does not have) or "
                    "covered by a dérogation counts by its status, hence as not done.",
                },
                "kind": "indice_cyber",
                "tag": "mss",
                "tiers": {"majeur": "indispensable", "mineur": "recommandee"},
                "partial_values": ["partielle"],
                "not_applicable_values": ["non-applicable"],
                "derogations": "declared",
                "coefficients": {"indispensable": 0.6, "recommandee": 0.4, "partial": 0.5, "scale": 5},
                "digits": 1,
            },
            {
                "name": "indice_cyber_ajuste",
                "title": {
                    "fr": "Indice cyber ajusté (doctrine-lint : sans les mesures non applicables, dérogations comptées faites)",
                    "en": "Adjusted cyber index (doctrine-lint: without not-applicable measures, dérogations counted as done)",
                },
                "description": {
                    "fr": "Variante propre à doctrine-lint de l'indice cyber, même formule : les mesures déclarées non "
                    "applicables sont laissées de côté et une mesure couverte par une dérogation compte comme faite. "
                    "Ce n'est pas l'« indice cyber personnalisé » de MonServiceSécurisé, qui écarte les mesures « non prises "
                    "en compte » et ajoute les mesures spécifiques.",
                    "en": "doctrine-lint's own variant of the cyber index, same formula: measures declared not applicable are "
                    "left out and a measure covered by a dérogation counts as done. It is not MonServiceSécurisé's "
                    "'personalised cyber index', which leaves out measures 'not taken into account' and adds specific measures.",
                },
                "kind": "indice_cyber",
                "tag": "mss",
                "tiers": {"majeur": "indispensable", "mineur": "recommandee"},
                "partial_values": ["partielle"],
                "coefficients": {"indispensable": 0.6, "recommandee": 0.4, "partial": 0.5, "scale": 5},
                "digits": 1,
            },
        ],
        "rules": rules,
    }


# severity, weight, then how the texts name the level ("critère prioritaire", "high priority"):
# the level's name is never put after the word "priorité", which would say it twice.
PRIORITY = {
    "Prioritaire": ("majeur", 1.5, "prioritaire", "high priority"),
    "Recommandé": ("mineur", 1.25, "recommandé", "recommended"),
    "Modéré": ("mineur", 1.0, "modéré", "moderate priority"),
}
# The catalogue's not-applicable conditions start with these words; the rationale says the
# same thing in its own sentence ("peut être déclaré non applicable si…").
_NA_PREFIX = {"fr": "Sans objet ", "en": "Not applicable "}


def _fr_number(value: float) -> str:
    """A number in a French text: decimal comma (1,25)."""
    return f"{value:g}".replace(".", ",")


def _na_condition(text: dict[str, str], lang: str) -> str:
    """ "si le service…" from "Sans objet si le service…" (the catalogue's wording)."""
    condition = text[lang]
    if not condition.startswith(_NA_PREFIX[lang]):
        raise SystemExit(f"not_applicable.{lang} must start with {_NA_PREFIX[lang]!r}: {condition}")
    return condition.removeprefix(_NA_PREFIX[lang])


FAMILIES = {
    "Stratégie": ("1", "Stratégie", "Strategy"),
    "Spécifications": ("2", "Spécifications", "Specifications"),
    "Architecture": ("3", "Architecture", "Architecture"),
    "UX/UI": ("4", "Expérience et interface utilisateur", "User experience and interface"),
    "Contenus": ("5", "Contenus", "Content"),
    "Frontend": ("6", "Frontend", "Frontend"),
    "Backend": ("7", "Backend", "Backend"),
    "Hébergement": ("8", "Hébergement", "Hosting"),
    "Algorithmie": ("9", "Algorithmie", "Algorithms"),
}
ALWAYS = "Applicable à tous les services"


def _criterion_key(number: str) -> tuple[int, ...]:
    return tuple(int(p) for p in number.split("."))


def _rgesn_score(name: str, title: tuple[str, str], criteria: list[dict[str, Any]]) -> dict[str, Any]:
    """The workbook's progress score over `criteria` (all 78, or one family as on its « Score
    par thématique » line): weighted, rounded half up like the workbook shows it."""
    return {
        "name": name,
        "title": {"fr": title[0], "en": title[1]},
        "description": {
            "fr": "100 × Σ poids(critères validés) ÷ Σ poids(critères non « non applicables ») ; un critère non déclaré "
            "compte comme à évaluer ; arrondi au dixième, une demie vers le haut, comme l'affiche le tableur officiel.",
            "en": "100 × Σ weight(validated criteria) ÷ Σ weight(criteria not 'not applicable'); an undeclared criterion "
            "counts as to be assessed; rounded to a tenth, halves up, as the official workbook shows it.",
        },
        "aggregate": {
            "kind": "weighted_ratio",
            "statuses": "ecodesign.criteria",
            "weights": {c["numero"]: PRIORITY[c["priorite"]][1] for c in criteria},
            "earned": ["valide"],
            "excluded": ["non-applicable"],
            "always_counted": sorted(
                (c["numero"] for c in criteria if c["cible"] == ALWAYS), key=_criterion_key
            ),
            "scale": 100,
            "digits": 1,
        },
    }


def build_rgesn(data: Path) -> dict[str, Any]:
    criteria = json.loads((data / "rgesn-2024-criteres.json").read_text(encoding="utf-8"))
    texts = yaml.safe_load((CATALOGUES / "rgesn-textes.yaml").read_text(encoding="utf-8"))
    rules = []
    links = _links("rgesn")
    for c in criteria:
        num, text = c["numero"], texts[c["numero"]]
        family, fam_fr, fam_en = FAMILIES[c["thematique"]]
        severity, weight, prio_fr, prio_en = PRIORITY[c["priorite"]]
        status_path = f'ecodesign.criteria["{num}"]'
        valid_fr, valid_en = _expected(("ecodesign", "criteria", num), "valide")
        always = c["cible"] == ALWAYS
        na_fr = (
            "Ce critère s'applique à tous les services : il ne peut pas être déclaré non applicable."
            if always
            else f"Le critère peut être déclaré non applicable {_na_condition(text['not_applicable'], 'fr')}"
        )
        na_en = (
            "This criterion applies to every service: it cannot be declared not applicable."
            if always
            else f"The criterion may be declared not applicable {_na_condition(text['not_applicable'], 'en')}"
        )
        rule: dict[str, Any] = {
            "id": f"RGESN-{num}",
            "title": {
                "fr": f"RGESN {num} — {text['title']['fr']}",
                "en": f"RGESN {num} — {text['title']['en']}",
            },
            "chapter": f"rgesn-{family}",
            "severity": severity,
            "weight": weight,
            "tags": ["rgesn", "rgesn-critere", f"priorite-{prio_fr.replace('é', 'e')}"],
            "rationale": {
                "fr": f"{text['rationale']['fr']}\n\nCritère {num} du RGESN 2024 (famille « {fam_fr} », critère {prio_fr}) : "
                f"poids {_fr_number(weight)} dans le score d'avancement. {na_fr}",
                "en": f"{text['rationale']['en']}\n\nCriterion {num} of RGESN 2024 ('{fam_en}' family, {prio_en}): "
                f"weight {weight:g} in the progress score. {na_en}",
            },
            "remediation": {
                "fr": f"{text['remediation']['fr']}\n\nDéclarer ensuite l'état du critère : `{status_path}: valide` "
                f"(ou `en-cours`, `non-valide`, `a-evaluer`{'' if always else ', `non-applicable`'}).",
                "en": f"{text['remediation']['en']}\n\nThen declare the criterion's status: `{status_path}: valide` "
                f"(or `en-cours`, `non-valide`, `a-evaluer`{'' if always else ', `non-applicable`'}).",
            },
            "message": {
                "fr": f"Critère RGESN {num} : état déclaré « {{value}} », attendu « {valid_fr} »",
                "en": f"RGESN criterion {num}: declared status '{{value}}', expected '{valid_en}'",
            },
            "references": [
                {
                    "url": f"{RGESN_URL}/blob/{MINUMECO_COMMIT}/_data/referentiel-ecoconception.json",
                    "section": f"Critère {num}",
                    "title": "RGESN 2024 (données DISIC/MiNumEco)",
                },
                {
                    "url": "https://doctrine-technique-numerique.forge.apps.education.fr/texte/7-bonnes-pratiques/",
                    "section": "§7.1.1",
                    "title": "Doctrine — bonnes pratiques (loi REEN, référentiel d'écoconception)",
                },
            ],
            "provenance": {
                "evidence": "officiel",
                "legal_basis": "bonne-pratique",
                "verified": True,
                "note": {
                    "fr": "Numéro, famille, priorité et condition de non-applicabilité lus dans les données officielles du RGESN 2024 ; "
                    "la doctrine (§7, bonnes pratiques) y renvoie sans le rendre obligatoire dans les extraits lus.",
                    "en": "Number, family, priority and not-applicable condition read in the official RGESN 2024 data; "
                    "the doctrine (§7, good practice) points to it without making it binding in the excerpts read.",
                },
            },
            "check": {"path": status_path, "equals": "valide"},
            "examples": [
                {"outcome": "conforme", "manifest": {"ecodesign": {"criteria": {num: "valide"}}}},
                {"outcome": "non-conforme", "manifest": {"ecodesign": {"criteria": {num: "en-cours"}}}},
                {"outcome": "a-renseigner", "manifest": {"ecodesign": {"rgesn_version": "2024"}}},
            ],
        }
        if always:
            rule["examples"].append(
                {
                    "outcome": "non-conforme",
                    "manifest": {"ecodesign": {"criteria": {num: "non-applicable"}}},
                    "note": "critère applicable à tous les services",
                }
            )
        else:
            rule["applies_when"] = {"not": {"path": status_path, "equals": "non-applicable"}}
            rule["examples"].append(
                {
                    "outcome": "non-applicable",
                    "manifest": {"ecodesign": {"criteria": {num: "non-applicable"}}},
                }
            )
        if num in links:
            _link_catalogue_rule(
                rule, links[num], status_path, "valide", {}, f"Critère RGESN {num}", f"RGESN criterion {num}"
            )
        rules.append(rule)
        if num in links:
            rules.append(
                _coherence_rule(
                    rule_id=f"RGESN-{num}-COHERENCE",
                    label=(f"Critère RGESN {num}", f"RGESN criterion {num}"),
                    chapter=f"rgesn-{family}",
                    status_path=status_path,
                    done_value="valide",
                    fail_value="non-valide",
                    link=links[num],
                    references=rule["references"][:1],
                    example_base={},
                    # a criterion weighs once, with its official weight: the family's score stays
                    # the workbook's (a contradiction is still reported, as mineur)
                    weight=0,
                )
            )
    return {
        "pack": {
            "id": "dtne-rgesn",
            "version": "0.2.0",
            "title": {
                "fr": "RGESN 2024 — les 78 critères d'écoconception, un par règle",
                "en": "RGESN 2024 — the 78 eco-design criteria, one rule each",
            },
            "description": {
                "fr": "Chaque critère du RGESN 2024 est une règle, avec sa priorité (poids officiel 1,5 / 1,25 / 1) : le score "
                "d'une famille est donc son score d'avancement officiel. L'état de chaque critère se déclare dans "
                "`ecodesign.criteria`. Pack généré par tools/generate_packs.py : ne pas le modifier à la main.",
                "en": "Each RGESN 2024 criterion is one rule, with its priority (official weight 1.5 / 1.25 / 1), so a family's "
                "score is its official progress score. Each criterion's status is declared in `ecodesign.criteria`. "
                "Generated by tools/generate_packs.py: do not edit by hand.",
            },
            "referentiel": "numerique-responsable",
            # The RGESN is a reference the doctrine points to (§7.1.1), not a binding text: its 78
            # criteria count for a quarter of Numérique responsable's rates.
            "score_share": RGESN_SHARE,
            "examples_date": EXAMPLES_DATE,
            "doctrine_version": f"RGESN 2024 (Arcep, Arcom, ADEME, mai 2024), données DISIC/MiNumEco commit {MINUMECO_COMMIT} "
            "(Licence Ouverte 2.0) ; la doctrine §7.1.1 renvoie au référentiel général d'écoconception.",
            "url": RGESN_URL,
            "chapters": {
                f"rgesn-{n}": {"source": RGESN_SOURCE, "title": {"fr": f"{n}. {fr}", "en": f"{n}. {en}"}}
                for n, fr, en in FAMILIES.values()
            },
        },
        "derive": [
            _rgesn_score(
                "score_rgesn",
                (
                    "Score d'avancement RGESN recalculé (sur 100)",
                    "Recomputed RGESN progress score (out of 100)",
                ),
                criteria,
            ),
            *(
                _rgesn_score(
                    f"score_rgesn_{n}",
                    (
                        f"Score d'avancement RGESN, famille {n}. {fr} (sur 100)",
                        f"RGESN progress score, family {n}. {en} (out of 100)",
                    ),
                    [c for c in criteria if FAMILIES[c["thematique"]][0] == n],
                )
                for n, fr, en in FAMILIES.values()
            ),
        ],
        "rules": rules,
    }


HEADER = "# Généré par tools/generate_packs.py à partir de données publiques et de textes rédigés par l'équipe.\n# Ne pas modifier à la main : modifier tools/catalogues/ ou le générateur, puis relancer.\n"


class _Dumper(yaml.SafeDumper):
    """Readable output: no anchors, short leaf mappings and lists on one line, long texts as blocks."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _short(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) and len(str(value)) <= 60 and "\n" not in str(value)


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    flow = all(_short(v) for v in data.values()) and len(str(data)) <= 100
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=all(_short(v) for v in data))


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(str, _represent_str)


def render(pack: dict[str, Any]) -> str:
    body = yaml.dump(pack, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110)
    return HEADER + body


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument(
        "--check", action="store_true", help="compare with the committed packs; write nothing"
    )
    args = parser.parse_args()
    outputs = {
        REPO / "rules" / "dtne-securite-mss.yaml": render(build_mss(args.data)),
        REPO / "rules" / "dtne-rgesn.yaml": render(build_rgesn(args.data)),
    }
    stale = [p for p, text in outputs.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    if args.check:
        for p in stale:
            print(f"out of date: {p.relative_to(REPO)} (run python tools/generate_packs.py)")
        return 1 if stale else 0
    for p, text in outputs.items():
        p.write_text(text, encoding="utf-8")
        print(f"wrote {p.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
