"""Consensus: negotiate, agree and publish texts in multilateral working groups."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
