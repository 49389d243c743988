"""Display names and report headings, in French (default) and English."""

from __future__ import annotations

from datetime import date

from .model import Evidence, Outcome, Severity

_STRINGS: dict[str, tuple[str, str]] = {
    "scores": ("Scores", "Scores"),
    "findings": ("Constats", "Findings"),
    "facts_to_declare": ("Faits à déclarer", "Facts to declare"),
    "referentiel": ("Référentiel", "Reference framework"),
    "chapter": ("Chapitre", "Chapter"),
    "score": ("Conformité", "Conformity"),
    "completeness": ("Complétude", "Completeness"),
    "score_short": ("Conf.", "Conf."),
    "completeness_short": ("Compl.", "Compl."),
    "rules_short": ("Règles", "Rules"),
    "rules_weight": ("Règles (poids)", "Rules (weight)"),
    "weighting": ("Pondération", "Weighting"),
    "doctrine_part": ("règles de la doctrine", "doctrine rules"),
    "facts": ("faits", "facts"),
    "rules_label": ("règles", "rules"),
    "status": ("Statut", "Status"),
    "overall": ("Global", "Overall"),
    "rule": ("Règle", "Rule"),
    "severity": ("Sévérité", "Severity"),
    "outcome": ("Résultat", "Outcome"),
    "message": ("Message", "Message"),
    "title": ("Titre", "Title"),
    "evidence": ("Source", "Evidence"),
    "no_score": ("sans score", "no score"),
    "not_applicable_because": ("non applicable car", "not applicable because"),
    "add": ("à ajouter", "to add"),
    "summary": ("Résumé", "Summary"),
    "manifest": ("Manifeste", "Manifest"),
    # the review of many submissions (`review`)
    "review_title": ("Revue des dossiers", "Review of submissions"),
    "reviewed_on": ("évalués le", "evaluated on"),
    "statuses": ("Statuts", "Statuses"),
    "rank": ("Rang", "Rank"),
    "file": ("Fichier", "File"),
    "kind": ("Nature", "Kind"),
    "responsible": ("Responsable", "Responsible"),
    "bloquants": ("Bloquants", "Blocking"),
    "bloquants_short": ("Bloq.", "Block."),
    "profile_short": ("Profil", "Profile"),
    "profile_met": ("tenu", "met"),
    "profile_unmet": ("non tenu", "not met"),
    "unreadable": ("Dossiers illisibles", "Unreadable submissions"),
    "sorted_by": ("tri", "sorted by"),
    "reversed": ("ordre inverse", "reversed"),
    "filters": ("filtres", "filters"),
    "min_score": ("conformité minimale", "minimum conformity"),
    "submissions": ("Dossiers", "Submissions"),
    "report": ("Rapport", "Report"),
    "rationale": ("Pourquoi", "Why"),
    "remediation": ("Comment corriger", "How to fix"),
    "references": ("Références", "References"),
    "provenance": ("Provenance", "Provenance"),
    "examples": ("Exemples", "Examples"),
    "applies_when": ("S'applique si", "Applies when"),
    "check": ("Vérification", "Check"),
    "for_each": ("Pour chaque élément de", "For each element of"),
    "named_conditions": ("Conditions nommées utilisées", "Named conditions used"),
    "legal_basis": ("Base juridique", "Legal basis"),
    "verified": ("vérifiée", "verified"),
    "unverified": ("non vérifiée", "unverified"),
    "contribution": ("Contribution", "Contribution"),
    "weight": ("Poids", "Weight"),
    "earned": ("obtenu", "earned"),
    "formula": (
        "conformité = 100 × Σ poids(conforme) ÷ Σ poids(conforme + non conforme) ; "
        "complétude = 100 × Σ poids(décidé) ÷ Σ poids(applicable) ; un fait « à renseigner » "
        "baisse la complétude, pas la conformité",
        "conformity = 100 × Σ weight(compliant) ÷ Σ weight(compliant + non-compliant); "
        "completeness = 100 × Σ weight(decided) ÷ Σ weight(applicable); a fact 'to be declared' "
        "lowers completeness, not conformity",
    ),
    "blocking": ("règle bloquante en échec", "blocking rule failed"),
    "errors": ("Erreurs", "Errors"),
    "nothing_to_report": ("Aucun constat à signaler.", "Nothing to report."),
    "rules_count": ("règles évaluées", "rules evaluated"),
    "computed": ("Faits calculés", "Computed facts"),
    "evidence_files": ("Preuves des outils officiels", "Evidence from official tools"),
    "proof": ("preuve", "evidence"),
    "facts_read": ("faits lus", "facts read"),
    "in_file": ("dans le fichier", "in the file"),
    "recomputed": ("recalculé par la formule officielle", "recomputed with the official formula"),
    "decided_by_proof": ("constats décidés par une preuve", "findings decided by evidence"),
    "decided_by_declaration": ("sur la seule déclaration", "on the manifest's word alone"),
    "derogations": ("Dérogations", "Waivers (dérogations)"),
    "profile": ("Exigences du profil", "Profile requirements"),
    "baseline": ("Référence (baseline)", "Baseline"),
    "undecided": ("à renseigner", "to be declared"),
    "measures": ("mesures comptées", "measures counted"),
    "measure": ("mesure comptée", "measure counted"),
    "rules_by_evidence": ("Règles par source", "Rules by evidence"),
    "report_title": ("Rapport doctrine-lint", "doctrine-lint report"),
    "stamp": ("Empreinte de reproductibilité", "Reproducibility stamp"),
    "tool": ("Outil", "Tool"),
    "evaluation_date": ("Date d'évaluation", "Evaluation date"),
    "packs": ("Packs de règles", "Rule packs"),
    "pack": ("Pack", "Pack"),
    "version": ("Version", "Version"),
    "doctrine_version": ("Version de la doctrine", "Doctrine version"),
    "extends": ("étend", "extends"),
    "min_evidence": ("Source minimale exigée", "Minimum evidence required"),
    "configuration": ("Configuration", "Configuration"),
    "derogations_ignored": (
        "ignorées (mode relecteur, --no-derogations)",
        "ignored (reviewer mode, --no-derogations)",
    ),
    "scope": ("Référentiel / chapitre", "Framework / chapter"),
    "location": ("Emplacement", "Location"),
    "excerpt": ("Extrait du manifeste", "Manifest excerpt"),
    "service": ("Service", "Service"),
    "editor": ("Éditeur", "Publisher"),
    "description": ("Description", "Description"),
    "state": ("État", "State"),
    "path": ("Chemin", "Path"),
    "element": ("Élément", "Element"),
    "justification": ("Justification", "Justification"),
    "approver": ("Approbateur", "Approver"),
    "granted": ("Accordée le", "Granted on"),
    "expires": ("Expire le", "Expires on"),
    "clause": ("Clause de la doctrine", "Doctrine clause"),
    "chart": ("Scores par chapitre", "Scores per chapter"),
    "chapter_scores": ("Scores par chapitre", "Scores per chapter"),
    "evaluated_on": ("évalué le", "evaluated on"),
    "blocking_short": ("bloquant", "blocking"),
    "provenance_title": ("Provenance et empreintes", "Provenance and digests"),
    "how_to_read": ("Comment lire ces scores", "How to read these scores"),
    "profile_all_met": (
        "toutes les exigences du profil sont tenues",
        "every requirement of the profile is met",
    ),
    "placement": ("Référentiels transverses", "Cross-cutting frameworks"),
    "progress_label": ("Analyse", "Linting"),
    "generated_by": ("Rapport produit par", "Report produced by"),
    "requirement": ("Exigence", "Requirement"),
    "expected": ("Attendu", "Expected"),
    "actual": ("Obtenu", "Actual"),
    "met": ("Tenue", "Met"),
    "requirement_met": ("✓ tenue", "✓ met"),
    "requirement_failed": ("✗ non tenue", "✗ not met"),
    # « À corriger en priorité » and the verdict that opens a manifest's report
    "priorities": ("À corriger en priorité", "Fix first"),
    "verdict": ("Verdict", "Verdict"),
    "profile_verdict": ("Profil d'acceptation", "Acceptance profile"),
    "line_to_change": ("ligne à modifier", "line to change"),
    "where_to_add": ("où l'ajouter", "where to add it"),
    "declare": ("déclarer", "declare"),
    "gain": ("gain", "gain"),
    "verdict_after": ("verdict ensuite", "verdict after"),
    "lifts_blocking": ("lève un échec bloquant", "lifts a blocking failure"),
    "no_gain": ("aucun point gagné", "no points gained"),
    "if_compliant": ("si le fait déclaré est conforme", "if the declared fact is compliant"),
    # comparisons: two versions of a submission (diff), two pack sets over a corpus (impact)
    "diff_title": ("Comparaison de deux versions", "Two versions compared"),
    "diff_new": ("Nouveaux constats", "New findings"),
    "diff_fixed": ("Constats corrigés", "Fixed findings"),
    "diff_changed": ("Constats modifiés", "Changed findings"),
    "diff_scores": ("Scores qui changent", "Scores that change"),
    "diff_no_score_change": ("aucun score ne change", "no score changes"),
    "unchanged": ("inchangé", "unchanged"),
    "before": ("Avant", "Before"),
    "after": ("Après", "After"),
    "now": ("Maintenant", "Now"),
    "delta": ("Écart", "Change"),
    "what_changes": ("Ce qui change", "What changes"),
    "absent": ("absent", "absent"),
    "held": ("tenu", "met"),
    "not_held": ("non tenu", "not met"),
    "impact_title": ("Effet d'une mise à jour des packs", "Effect of a pack upgrade"),
    "impact_submissions": ("Soumissions qui changent", "Submissions that change"),
    "impact_rules": ("Règles en cause", "Rules that cause it"),
    "impact_unreadable": ("Soumissions illisibles", "Unreadable submissions"),
    "submission": ("Soumission", "Submission"),
    "causes": ("Causes", "Causes"),
    "submissions_count": ("Soumissions", "Submissions"),
    "points_moved": ("Points de conformité déplacés", "Conformity points moved"),
}

_OUTCOMES: dict[Outcome, tuple[str, str]] = {
    Outcome.CONFORME: ("conforme", "compliant"),
    Outcome.NON_CONFORME: ("non conforme", "non-compliant"),
    Outcome.NON_APPLICABLE: ("non applicable", "not applicable"),
    Outcome.A_RENSEIGNER: ("à renseigner", "to be declared"),
    Outcome.DEROGATION: ("dérogation", "waived"),
}

_SEVERITIES: dict[Severity, tuple[str, str]] = {
    Severity.BLOQUANT: ("bloquant", "blocking"),
    Severity.MAJEUR: ("majeur", "major"),
    Severity.MINEUR: ("mineur", "minor"),
    Severity.INFO: ("info", "info"),
}

_STATUSES: dict[str, tuple[str, str]] = {
    "conforme": ("conforme", "compliant"),
    "partiellement-conforme": ("partiellement conforme", "partially compliant"),
    "non-conforme": ("non conforme", "non-compliant"),
    "incomplet": ("incomplet", "incomplete"),
}

_EVIDENCE: dict[Evidence, tuple[str, str]] = {
    Evidence.DOCTRINE: ("lu dans la doctrine", "read in the doctrine"),
    Evidence.OFFICIEL: ("autre source officielle", "other official source"),
    Evidence.SECONDAIRE: ("source secondaire", "secondary source"),
    Evidence.INFERENCE: ("inférence", "inference"),
}

_LEGAL: dict[str, tuple[str, str]] = {
    "doctrine": ("texte de la doctrine", "doctrine text"),
    "decret-2025-1165": ("décret n° 2025-1165 et arrêtés", "decree no. 2025-1165 and orders"),
    "loi-generale": ("loi générale (RGPD, RGAA, RGS…)", "general law (GDPR, RGAA, RGS…)"),
    "contrat": ("contrat", "contract"),
    "bonne-pratique": ("bonne pratique", "good practice"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def t(key: str, lang: str) -> str:
    return _pick(_STRINGS[key], lang)


def outcome(o: Outcome, lang: str) -> str:
    return _pick(_OUTCOMES[o], lang)


def severity(s: Severity, lang: str) -> str:
    return _pick(_SEVERITIES[s], lang)


def status(slug: str | None, lang: str) -> str:
    return "—" if slug is None else _pick(_STATUSES[slug], lang)


def evidence(e: Evidence, lang: str) -> str:
    return _pick(_EVIDENCE[e], lang)


def legal_basis(slug: str, lang: str) -> str:
    return _pick(_LEGAL.get(slug, (slug, slug)), lang)


# --- numbers and punctuation of human outputs ----------------------------------------------------
# The one place where human reports (text, terminal, Markdown, HTML, explain) format numbers and
# label separators. French: decimal comma, a no-break space (U+00A0) before "%", a space before
# ":"; English: decimal point, no space before "%" or ":". Machine formats (JSON, SARIF, GitLab,
# JUnit properties) keep their own plain numbers.

NBSP = "\u00a0"
_FRENCH_DIGITS = str.maketrans({",": NBSP, ".": ","})


def number(value: float, lang: str, spec: str = "g") -> str:
    """A number as people of `lang` write it: `number(1234.5, "fr")` → "1 234,5" (no-break
    space), "1,234.5" in English."""
    text = format(value, "," + spec)
    return text if lang == "en" else text.translate(_FRENCH_DIGITS)


def signed(value: float, lang: str, spec: str = ".1f") -> str:
    """A change with its sign: "+1,2", "−2,5" (a true minus sign), "+0,0"."""
    return f"{'−' if value < 0 else '+'}{number(abs(value), lang, spec)}"


def points(value: float, lang: str) -> str:
    """A change of a rate in points: "+1,2 pt", "−2,5 pts" / "+1.2 pts" (a no-break space keeps
    the figure with its unit; French singular below 2)."""
    singular = abs(value) < 2 if lang != "en" else abs(value) == 1
    return f"{signed(value, lang)}{NBSP}{'pt' if singular else 'pts'}"


def percent(value: float | None, lang: str, spec: str = ".1f") -> str:
    """A rate: "97,6 %" (no-break space) in French, "97.6%" in English, "—" without a rate."""
    if value is None:
        return "—"
    return f"{number(value, lang, spec)}{'' if lang == 'en' else NBSP}%"


_MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(day: date, lang: str) -> str:
    """A date as people write it: « 1er décembre 2026 », « 28 novembre 2026 », "28 November 2026".
    Machine fields (JSON, baselines, `<time datetime>`) keep the ISO form."""
    if lang == "en":
        return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {_MONTHS_FR[day.month - 1]} {day.year}"


def colon(lang: str) -> str:
    """What separates a label from its value: " : " in French, ": " in English."""
    return ": " if lang == "en" else " : "


def labelled(label: str, value: str, lang: str) -> str:
    """ "Résumé : …" / "Summary: …"."""
    return f"{label}{colon(lang)}{value}"
