"""Every documented manifest field is read by some shipped rule, condition or derivation, or is
in the allowlist below with the reason no rule needs it."""

from __future__ import annotations

import json
from typing import Any

from doctrine_lint.packs import load_packs
from doctrine_lint.reads import Reads, identity_paths

from .conftest import REPO

# Fields no rule needs to read, with the reason.
ALLOWED_UNREAD: dict[str, str] = {
    "manifest_version": "format version of the manifest, checked by the schema",
    "service.name": "descriptive: names the service in reports",
    "service.editor": "descriptive: who publishes the service",
    "service.url": "descriptive: where the service lives",
    "service.description": "descriptive free text",
    "service.version": "descriptive: the service's own version",
    "service.contacts.email": "contact details (role and name are read)",
    "service.contacts.url": "contact details (role and name are read)",
    **{
        f"derogations.{f}": "waiver data: read by the waiver engine (doctrine_lint/waivers.py), not by rules"
        for f in ("rule", "path", "justification", "approver", "granted", "expires", "clause")
    },
    **{
        f"evidence.{f}": "evidence files: read by doctrine_lint/evidence (their facts fill the fields rules read)"
        for f in ("kind", "path", "note")
    },
    "hosting.provider": "descriptive: the host's name; facts about it have their own fields",
    "interoperability.apis.url": "descriptive: where the API lives (its name is the identity key)",
    "interoperability.data_flows.partner": "descriptive: the other end of a flow",
    "personal_data.sub_processors.purpose": "descriptive free text; country and name are read",
    "security.pentest.scope": "descriptive free text on what was tested",
    "ecodesign.referent": "contact: who answers for eco-design (a person, not a fact to check)",
    "security.incident_response.contact": "contact: who handles incidents (a person, not a fact to check)",
}

# Fields with a real requirement and no rule yet, each with what is missing. Empty: every
# documented field is read by a rule or is descriptive (ALLOWED_UNREAD). Keep the mechanism for
# the day a field is documented before its rule is written.
PENDING_RULES: dict[str, str] = {}


def all_read_paths() -> set[str]:
    packs = load_packs()
    reads = Reads(packs)
    out: set[str] = set()
    for pack in packs:
        for rule in pack.rules:
            out |= reads.of_rule(rule)
    out |= identity_paths(packs)  # identity keys name an element in messages, waivers and baselines
    for pack in packs:  # every named condition and computed fact, used by a rule or not
        out |= reads.expand({f"use:{name}" for name in pack.raw_conditions})
        out |= reads.expand({f"$derived.{d.name}" for d in pack.derivations})
    return out


def documented_fields() -> set[str]:
    schema = json.loads((REPO / "schemas" / "manifest.schema.json").read_text(encoding="utf-8"))
    defs = schema.get("$defs", {})
    out: set[str] = set()

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = defs[node["$ref"].rsplit("/", 1)[-1]]
        return node

    def walk(node: dict[str, Any], prefix: str) -> None:
        node = resolve(node)
        if node.get("type") == "array" and isinstance(node.get("items"), dict):
            items = resolve(node["items"])
            if "properties" in items:
                walk(items, prefix)
                return
        props = node.get("properties")
        if props:
            for name, sub in props.items():
                walk(sub, f"{prefix}.{name}" if prefix else name)
        else:
            out.add(prefix)  # a leaf, or a map keyed by id (security.measures, ecodesign.criteria)

    walk(schema, "")
    return out


def _covered(field: str, read: set[str]) -> bool:
    # reading a path under a field reads the field; reading a whole object reads its leaves only
    # when the condition is about the object itself (count, exists) — so a leaf needs its own path
    return field in read or any(r.startswith(field + ".") for r in read)


def test_every_documented_field_is_read_by_a_rule() -> None:
    read = all_read_paths()
    known = ALLOWED_UNREAD.keys() | PENDING_RULES.keys()
    unread = sorted(f for f in documented_fields() if not _covered(f, read) and f not in known)
    assert unread == [], "documented manifest fields read by no rule: " + ", ".join(unread)


def test_the_fields_named_in_the_issue_are_read() -> None:
    read = all_read_paths()
    for field in (
        "hosting.non_eu_law_exposure",
        "accessibility.audit_scope",
        "security.protections.login_throttling",
        "security.session_timeout_minutes",
        "hosting.continuity_plan",
        "hosting.recovery_plan",
        "hosting.rto_hours",
        "hosting.rpo_hours",
        "interoperability.export_formats",
    ):
        assert _covered(field, read), field


def test_the_allowlist_names_documented_unread_fields_only() -> None:
    read = all_read_paths()
    fields = documented_fields()
    for field in ALLOWED_UNREAD.keys() | PENDING_RULES.keys():
        assert field in fields, f"{field}: not a documented field"
        assert not _covered(field, read), f"{field} is read by a rule: take it off the allowlist"


def test_reads_follow_each_pack_s_own_named_conditions_and_survive_a_malformed_among() -> None:
    from doctrine_lint.reads import condition_paths

    assert list(condition_paths({"among": {"where": {"path": "x", "exists": True}}})) == []
    assert list(condition_paths({"among": 3})) == []
    packs = load_packs()
    reads = Reads(packs)
    # `responsable-public` exists in two packs; each rule reads its own pack's definition
    rule = next(r for p in packs for r in p.rules if r.id == "NR-6.1.2-RGAA-DECLARATION")
    assert "service.responsible" in reads.of_rule(rule)
    assert reads.expand({"use:no-such-condition"}, rule.pack_id) == set()
