"""Settings: database URLs in their usual forms, and the secret key kept out of the repository."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from consensus.settings import normalise_database_url, read_settings


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///data/x.db", "sqlite+pysqlite:///data/x.db"),
        ("sqlite:////abs/x.db", "sqlite+pysqlite:////abs/x.db"),
        ("postgresql://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgres://u:p@h:5433/db", "postgresql+psycopg://u:p@h:5433/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ],
)
def test_usual_database_urls_get_our_drivers(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


def test_without_secret_key_one_is_generated_once_and_kept_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("CONSENSUS_DATA_DIR", str(tmp_path))
    first = read_settings().security.secret_key
    second = read_settings().security.secret_key
    assert first == second and len(first) >= 40
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_the_environment_sets_database_host_port_and_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENSUS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("DATABASE_URL", "postgresql://me@db.example/consensus")
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "9000")
    settings = read_settings()
    assert settings.security.secret_key == "from-the-environment"
    assert settings.database.url == "postgresql+psycopg://me@db.example/consensus"
    assert (settings.server.host, settings.server.port) == ("0.0.0.0", 9000)
    assert not (tmp_path / "secret_key").exists()


def test_the_default_database_is_a_sqlite_file_in_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONSENSUS_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = read_settings()
    assert settings.database.is_sqlite
    assert settings.database.url.endswith(str(tmp_path / "consensus.db"))
