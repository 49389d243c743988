"""Synthetic rules: the findings doctrine-lint gives of its own, outside any rule pack.

A dérogation that is expired, expiring soon, refused by the pack, too long or invalid becomes a
finding about the waiver itself; an acceptance profile requirement that is not met is reported
under PROFIL-EXIGENCE. Their ids, severities, titles, descriptions and remediations live here,
with the functions that build the dérogation findings, so that `waivers` (which raises them)
and the CI formatters (which describe them) agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .document import format_path
from .i18n import long_date
from .model import Finding, Location, Outcome, Severity, Text
from .packs import Rule


@dataclass(frozen=True, slots=True)
class SyntheticRule:
    """A rule that is not in any pack: the findings dérogations and profiles give of their own."""

    id: str
    title: Text
    description: Text
    remediation: Text
    severity: Severity


DEROGATION_EXPIREE = "DEROGATION-EXPIREE"
DEROGATION_BIENTOT_EXPIREE = "DEROGATION-BIENTOT-EXPIREE"
DEROGATION_REFUSEE = "DEROGATION-REFUSEE"
DEROGATION_TROP_LONGUE = "DEROGATION-TROP-LONGUE"
DEROGATION_INVALIDE = "DEROGATION-INVALIDE"
PROFILE_RULE = "PROFIL-EXIGENCE"

# The pseudo pack id of a dérogation's own findings: scoring skips them (they are reported,
# not scored) and `without_waivers` drops them.
DEROGATIONS_PACK = "derogations"
# The pseudo pack id of the evidence files' own findings (`evidence.merge`): reported and counted
# for --fail-on, not scored (the scores already judge the evidenced facts).
EVIDENCE_PACK = "preuves"
UNSCORED_PACKS = frozenset({DEROGATIONS_PACK, EVIDENCE_PACK})
PREUVE_CONTRADICTION = "PREUVE-CONTRADICTION"
PREUVE_CHIFFRE = "PREUVE-CHIFFRE-OFFICIEL"
PREUVE_SELECTION = "PREUVE-SELECTION-MSS"

SYNTHETIC_RULES: dict[str, SyntheticRule] = {
    r.id: r
    for r in (
        SyntheticRule(
            DEROGATION_EXPIREE,
            Text("Dérogation expirée", "Expired waiver"),
            Text(
                "Une dérogation déclarée dans le manifeste a dépassé sa date d'expiration : elle ne "
                "s'applique plus et la règle dérogée compte de nouveau.",
                "A waiver declared in the manifest is past its expiry date: it no longer applies "
                "and the waived rule counts again.",
            ),
            Text(
                "Mettre le service en conformité avec la règle dérogée, ou faire approuver une "
                "nouvelle dérogation et mettre à jour `derogations` dans le manifeste.",
                "Bring the service into line with the waived rule, or have a new waiver approved "
                "and update `derogations` in the manifest.",
            ),
            Severity.MAJEUR,
        ),
        SyntheticRule(
            DEROGATION_BIENTOT_EXPIREE,
            Text("Dérogation bientôt expirée", "Waiver expiring soon"),
            Text(
                "Une dérogation déclarée dans le manifeste expire dans les 30 jours.",
                "A waiver declared in the manifest expires within 30 days.",
            ),
            Text(
                "Préparer la mise en conformité avec la règle dérogée, ou le renouvellement "
                "approuvé de la dérogation, avant son échéance.",
                "Prepare compliance with the waived rule, or an approved renewal of the waiver, "
                "before it expires.",
            ),
            Severity.INFO,
        ),
        SyntheticRule(
            DEROGATION_REFUSEE,
            Text("Dérogation refusée", "Waiver refused"),
            Text(
                "Le pack de règles interdit de déroger à cette règle : la dérogation déclarée "
                "n'est pas appliquée.",
                "The rule pack forbids waiving this rule: the declared waiver is not applied.",
            ),
            Text(
                "Mettre le service en conformité avec la règle et retirer la dérogation du manifeste.",
                "Bring the service into line with the rule and remove the waiver from the manifest.",
            ),
            Severity.MAJEUR,
        ),
        SyntheticRule(
            DEROGATION_TROP_LONGUE,
            Text("Dérogation trop longue", "Waiver too long"),
            Text(
                "La durée de la dérogation dépasse le maximum que le pack fixe pour cette règle : "
                "elle n'est pas appliquée.",
                "The waiver lasts longer than the pack allows for this rule: it is not applied.",
            ),
            Text(
                "Ramener la date d'expiration dans la durée autorisée à compter de la date "
                "d'octroi, ou mettre le service en conformité avec la règle.",
                "Bring the expiry date within the allowed duration from the date granted, or bring "
                "the service into line with the rule.",
            ),
            Severity.MAJEUR,
        ),
        SyntheticRule(
            DEROGATION_INVALIDE,
            Text("Dérogation invalide", "Invalid waiver"),
            Text(
                "La dérogation est datée de façon incohérente (accordée après son expiration, ou "
                "après la date d'évaluation) : elle n'est pas appliquée.",
                "The waiver's dates are inconsistent (granted after it expires, or after the "
                "evaluation date): it is not applied.",
            ),
            Text(
                "Corriger les dates `granted` et `expires` de la dérogation dans le manifeste.",
                "Correct the waiver's `granted` and `expires` dates in the manifest.",
            ),
            Severity.MAJEUR,
        ),
        SyntheticRule(
            PREUVE_CONTRADICTION,
            Text(
                "Déclaration contredite par une preuve officielle",
                "Declaration contradicted by official evidence",
            ),
            Text(
                "Le manifeste déclare une valeur qu'un export d'outil officiel qu'il cite (Ara, "
                "MonServiceSécurisé, outil de déclaration RGESN, grille RGAA) contredit. La valeur de "
                "l'export est retenue pour l'évaluation.",
                "The manifest declares a value that an official tool's export it names (Ara, "
                "MonServiceSécurisé, RGESN declaration workbook, RGAA grid) contradicts. The export's "
                "value is used for the evaluation.",
            ),
            Text(
                "Retirer la valeur du manifeste (la preuve la donne) ou corriger la preuve à la source, "
                "dans l'outil officiel, puis l'exporter de nouveau.",
                "Remove the value from the manifest (the evidence gives it) or correct the evidence at "
                "its source, in the official tool, then export it again.",
            ),
            Severity.MAJEUR,
        ),
        SyntheticRule(
            PREUVE_CHIFFRE,
            Text("Chiffre officiel en désaccord", "Official figure in disagreement"),
            Text(
                "Un chiffre officiel (taux RGAA, score RGESN, indice cyber) diffère entre le fichier de "
                "preuve, la formule officielle appliquée à ses lignes, le manifeste ou le calcul de "
                "doctrine-lint à partir du manifeste.",
                "An official figure (RGAA rate, RGESN score, cyber index) differs between the evidence "
                "file, the official formula applied to its rows, the manifest, or doctrine-lint's "
                "computation from the manifest.",
            ),
            Text(
                "Réexporter le fichier depuis l'outil officiel sans le retoucher, et aligner le chiffre "
                "déclaré et la description du service sur ceux de l'outil.",
                "Export the file again from the official tool without editing it, and align the declared "
                "figure and the service description with the tool's.",
            ),
            Severity.MAJEUR,
        ),
        SyntheticRule(
            PREUVE_SELECTION,
            Text(
                "Mesure MonServiceSécurisé choisie autrement que d'après le manifeste",
                "MonServiceSécurisé measure selected otherwise than from the manifest",
            ),
            Text(
                "L'export de MonServiceSécurisé retient une mesure (ou son caractère indispensable ou "
                "recommandé) autrement que doctrine-lint d'après la description du service dans le "
                "manifeste : les deux ne décrivent pas le même service (niveau, caractéristiques).",
                "The MonServiceSécurisé export selects a measure (or makes it essential or recommended) "
                "otherwise than doctrine-lint does from the service description in the manifest: the two "
                "do not describe the same service (level, characteristics).",
            ),
            Text(
                "Aligner `security.level_facts`, `security.declared_level` et "
                "`security.service_characteristics` sur la description du service dans "
                "MonServiceSécurisé.",
                "Align `security.level_facts`, `security.declared_level` and "
                "`security.service_characteristics` with the service description in MonServiceSécurisé.",
            ),
            Severity.MINEUR,
        ),
        SyntheticRule(
            PROFILE_RULE,
            Text("Exigence du profil d'acceptation non atteinte", "Acceptance profile requirement not met"),
            Text(
                "Le profil d'acceptation (--profile) fixe des scores minimaux et des règles qui "
                "doivent être conformes ; ce manifeste ne satisfait pas l'une de ces exigences.",
                "The acceptance profile (--profile) sets minimum scores and rules that must be "
                "compliant; this manifest does not meet one of these requirements.",
            ),
            Text(
                "Corriger les constats qui font baisser le score concerné, ou mettre en conformité "
                "la règle exigée.",
                "Fix the findings that lower the score concerned, or bring the required rule into line.",
            ),
            Severity.MAJEUR,
        ),
    )
}


def synthetic_rule(rule_id: str, severity: Severity) -> SyntheticRule:
    """The description of a rule absent from the packs (an unknown id gets a bare one)."""
    known = SYNTHETIC_RULES.get(rule_id)
    if known is not None:
        return known
    bare = Text(rule_id)
    return SyntheticRule(rule_id, bare, bare, Text(""), severity)


def _derogation_finding(kind: str, rule: Rule, index: int, location: Location, message: Text) -> Finding:
    """A finding about the dérogation at `derogations[index]`, filed under the waived rule's
    chapter and references so that reports show it next to that rule."""
    return Finding(
        rule_id=kind,
        outcome=Outcome.NON_CONFORME,
        severity=SYNTHETIC_RULES[kind].severity,
        weight=0.0,
        message=message,
        path=format_path(("derogations", index)),
        location=location,
        chapter=rule.chapter,
        referentiel=rule.referentiel,
        pack_id=DEROGATIONS_PACK,
        references=rule.references,
        evidence=rule.provenance.evidence,
    )


def derogation_refused(rule: Rule, index: int, location: Location) -> Finding:
    """The pack forbids waiving `rule`."""
    return _derogation_finding(
        DEROGATION_REFUSEE,
        rule,
        index,
        location,
        Text(
            f"Dérogation à {rule.id} refusée : le pack ne permet pas de déroger à cette règle",
            f"Waiver of {rule.id} refused: the pack does not allow waiving this rule",
        ),
    )


def derogation_too_long(rule: Rule, index: int, location: Location, expires: date) -> Finding:
    """The waiver lasts longer than the pack's `waiver_max_months` for `rule`."""
    months = rule.waiver_max_months
    return _derogation_finding(
        DEROGATION_TROP_LONGUE,
        rule,
        index,
        location,
        Text(
            f"Dérogation à {rule.id} refusée : {months} mois au plus (expire le {long_date(expires, 'fr')})",
            f"Waiver of {rule.id} refused: at most {months} months (expires {long_date(expires, 'en')})",
        ),
    )


def derogation_invalid(rule: Rule, index: int, location: Location, why: Text) -> Finding:
    """The waiver's dates do not hold together (`why` says how)."""
    return _derogation_finding(
        DEROGATION_INVALIDE,
        rule,
        index,
        location,
        Text(f"Dérogation à {rule.id} invalide : {why.fr}", f"Waiver of {rule.id} invalid: {why.get('en')}"),
    )


def derogation_expiring(rule: Rule, index: int, location: Location, expires: date, today: date) -> Finding:
    """A waiver still valid that expires soon (a note, not a failure of the rule)."""
    days = (expires - today).days
    return _derogation_finding(
        DEROGATION_BIENTOT_EXPIREE,
        rule,
        index,
        location,
        Text(
            f"Dérogation à {rule.id} expirant le {long_date(expires, 'fr')} (dans {days} jours)",
            f"Waiver of {rule.id} expires on {long_date(expires, 'en')} (in {days} days)",
        ),
    )


def derogation_expired(rule: Rule, index: int, location: Location, expires: date) -> Finding:
    """An expired waiver whose rule still fails: the rule applies again."""
    return _derogation_finding(
        DEROGATION_EXPIREE,
        rule,
        index,
        location,
        Text(
            f"Dérogation à {rule.id} expirée le {long_date(expires, 'fr')} : la règle s'applique de nouveau",
            f"Waiver of {rule.id} expired on {long_date(expires, 'en')}: the rule applies again",
        ),
    )
