"""Settings read from the environment: one frozen dataclass per concern, cached."""

from __future__ import annotations

import contextlib
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from consensus import PROJECT_ROOT


@dataclass(frozen=True, slots=True)
class DatabaseSettings:
    """Where the data lives and how to reach it."""

    url: str
    """SQLAlchemy URL with the driver we chose (``sqlite+pysqlite`` or ``postgresql+psycopg``)."""
    echo: bool = False

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """Where the web server listens."""

    host: str
    port: int


@dataclass(frozen=True, slots=True)
class SecuritySettings:
    """Secrets and lifetimes for sessions, invitations and tokens."""

    secret_key: str
    session_idle_minutes: int = 120
    session_absolute_hours: int = 12
    invitation_days: int = 7
    login_failures_per_account: int = 5
    """Failed logins for one account from one client address before that address must wait (the
    owner signing in from elsewhere is not held up)."""
    login_failures_per_address: int = 30
    """Failed logins from one client address, over all accounts, before it must wait."""
    login_window_minutes: int = 15
    secure_cookies: bool = False
    """Force the Secure flag on cookies even when the request did not come over https."""


@dataclass(frozen=True, slots=True)
class PasswordHashing:
    """The cost of argon2id for new password hashes (PASSWORD_HASH_TIME_COST, PASSWORD_HASH_MEMORY_KIB,
    PASSWORD_HASH_PARALLELISM). The defaults are RFC 9106's low-memory profile (argon2-cffi's own):
    keep them in production. The tests lower them, where hashing was most of what a login cost. A
    hash carries its own parameters, so it verifies whatever the current ones are, and a login
    rehashes a password hashed with others."""

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 4


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the application needs, read once from the environment."""

    data_dir: Path
    database: DatabaseSettings
    server: ServerSettings
    security: SecuritySettings
    templates_dir: Path
    static_dir: Path
    vendor_dir: Path
    debug: bool = False
    live_poll_seconds: float | None = None
    """How often live pages re-read a round between wake-ups (LIVE_POLL_SECONDS). By default half a
    second on SQLite, and five seconds on PostgreSQL while its notifications are heard."""
    audit_key_file: Path | None = None
    """The Ed25519 key that signs the audit chain (AUDIT_KEY_FILE; by default ``audit-key.pem`` in
    the data folder). Every worker of a deployment must use the same key file."""

    @property
    def audit_key(self) -> Path:
        return self.audit_key_file or self.data_dir / "audit-key.pem"


def normalise_database_url(url: str) -> str:
    """Turn the usual ``sqlite:///`` and ``postgresql://`` forms into URLs with our drivers."""
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("sqlite://") and not url.startswith("sqlite+"):
        return "sqlite+pysqlite://" + url.split("://", 1)[1]
    return url


def private_folder(path: Path) -> Path:
    """Make a folder (and its parents) if missing; one made here is the owner's alone (0700)."""
    if not path.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            path.mkdir(mode=0o700)
    return path


def private_file(path: Path) -> Path:
    """Make an empty file if missing, readable and writable by the owner alone (0600), in a
    private folder; an existing file is left as it is."""
    private_folder(path.parent)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return path


def _secret_key(data_dir: Path) -> str:
    """Return SECRET_KEY from the environment, else one generated once and kept in the data folder."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    path = data_dir / "secret_key"
    if not path.exists():
        private_folder(data_dir)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def read_settings() -> Settings:
    """Build settings from the environment (not cached; see ``get_settings``)."""
    data_dir = Path(os.environ.get("CONSENSUS_DATA_DIR", PROJECT_ROOT / "data")).resolve()
    default_db = f"sqlite:///{data_dir / 'consensus.db'}"
    return Settings(
        data_dir=data_dir,
        database=DatabaseSettings(
            url=normalise_database_url(os.environ.get("DATABASE_URL") or default_db),
            echo=_flag("DATABASE_ECHO"),
        ),
        server=ServerSettings(
            host=os.environ.get("HOST", "127.0.0.1"),
            port=int(os.environ.get("PORT", "8000")),
        ),
        security=SecuritySettings(
            secret_key=_secret_key(data_dir),
            session_idle_minutes=int(os.environ.get("SESSION_IDLE_MINUTES", "120")),
            session_absolute_hours=int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12")),
            secure_cookies=_flag("SECURE_COOKIES"),
        ),
        templates_dir=PROJECT_ROOT / "templates",
        static_dir=PROJECT_ROOT / "consensus" / "static",
        vendor_dir=PROJECT_ROOT / "node_modules",
        debug=_flag("DEBUG"),
        live_poll_seconds=float(os.environ["LIVE_POLL_SECONDS"]) if os.environ.get("LIVE_POLL_SECONDS") else None,
        audit_key_file=Path(os.environ["AUDIT_KEY_FILE"]).resolve() if os.environ.get("AUDIT_KEY_FILE") else None,
    )


@lru_cache(maxsize=1)
def password_hashing() -> PasswordHashing:
    """The password hashing cost of this process, read from the environment on first use (apart
    from the other settings: hashing needs neither a data folder nor a secret key)."""
    default = PasswordHashing()
    return PasswordHashing(
        time_cost=int(os.environ.get("PASSWORD_HASH_TIME_COST", default.time_cost)),
        memory_kib=int(os.environ.get("PASSWORD_HASH_MEMORY_KIB", default.memory_kib)),
        parallelism=int(os.environ.get("PASSWORD_HASH_PARALLELISM", default.parallelism)),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read from the environment on first use."""
    return read_settings()
