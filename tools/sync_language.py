"""Regenerate what the operator registry (`doctrine_lint/operators.py`) defines elsewhere: the
rulepack schema's `$defs/test`, and the operator tables of `docs/reference.md` and
`docs/reference.en.md` (between the `operators:start` / `operators:end` markers).

    python tools/sync_language.py          # rewrite
    python tools/sync_language.py --check  # exit 1 when something is out of date (tests do this)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from doctrine_lint.operators import operator_table, schema_of_path_tests  # noqa: E402

SCHEMA = REPO / "schemas" / "rulepack.schema.json"
DOCS = {"fr": REPO / "docs" / "reference.md", "en": REPO / "docs" / "reference.en.md"}
START, END = "<!-- operators:start -->", "<!-- operators:end -->"


def expected() -> dict[Path, str]:
    out: dict[Path, str] = {}
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    schema["$defs"]["test"] = schema_of_path_tests()
    out[SCHEMA] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    for lang, doc in DOCS.items():
        if not doc.exists():
            continue
        text = doc.read_text(encoding="utf-8")
        head, sep, rest = text.partition(START)
        _, sep2, tail = rest.partition(END)
        if sep and sep2:
            out[doc] = f"{head}{START}\n{operator_table(lang)}{END}{tail}"
    return out


def main() -> int:
    check = "--check" in sys.argv[1:]
    stale = [path for path, text in expected().items() if path.read_text(encoding="utf-8") != text]
    if check:
        for path in stale:
            print(f"{path.relative_to(REPO)} n'est pas à jour : python tools/sync_language.py")
        return 1 if stale else 0
    for path, text in expected().items():
        path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
