"""Where the hostile-input corpora live (copies kept in the repository: tests/data/corpora)."""

from __future__ import annotations

from pathlib import Path

CORPORA = Path(__file__).resolve().parent.parent / "data" / "corpora"
