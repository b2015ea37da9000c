"""Password hashing with argon2id, rehashing when the parameters change."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from consensus.core.groupfile import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from consensus.i18n import _

# argon2-cffi's defaults are RFC 9106's low-memory profile; we name the type explicitly.
HASHER = PasswordHasher(type=Type.ID)


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return HASHER.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return HASHER.hash("a password nobody has; verifying it costs what a real check costs")


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether the password matches; takes the same time when there is no stored hash."""
    try:
        return HASHER.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash was made with other parameters than the current ones."""
    try:
        return HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def password_problem(password: str, confirmation: str | None = None) -> str | None:
    """Why a new password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("The password must be at least {n} characters long.").format(n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("The password must be at most {n} characters long.").format(n=MAX_PASSWORD_LENGTH)
    if confirmation is not None and confirmation != password:
        return _("The two passwords differ.")
    return None
