"""doctrine-lint: check a declared architecture manifest against the Doctrine technique du
numérique pour l'éducation and its référentiels, with declarative rule packs."""

from __future__ import annotations

__version__ = "0.4.0"

__all__ = ["__version__"]
