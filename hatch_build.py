"""Wheel build hook: ship the shipped packs already validated, so a fresh install (a CI runner
starting from scratch, for instance) does not parse ~1 MB of YAML on its first run.

It loads every pack of `rules/` with the project's own loader into a temporary cache folder and
adds the resulting JSON entries to the wheel under `doctrine_lint/_data/packcache/`. The entries
are keyed by each pack's SHA-256 and the tool version, exactly like the user cache.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):  # type: ignore[misc]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        out = Path(tempfile.mkdtemp(prefix="doctrine-lint-packcache-"))
        # the cache must be on while building, even if the builder's environment turns it off
        saved = {
            name: os.environ.pop(name, None) for name in ("DOCTRINE_LINT_CACHE", "DOCTRINE_LINT_CACHE_DIR")
        }
        os.environ["DOCTRINE_LINT_CACHE_DIR"] = str(out)
        sys.path.insert(0, str(root))
        try:
            from doctrine_lint.packs import load_packs

            load_packs()
        finally:
            sys.path.remove(str(root))
            del os.environ["DOCTRINE_LINT_CACHE_DIR"]
            os.environ.update({name: value for name, value in saved.items() if value is not None})
        for entry in sorted(out.glob("*.json")):
            build_data["force_include"][str(entry)] = f"doctrine_lint/_data/packcache/{entry.name}"
