"""Password hashing with argon2id, rehashing when the parameters change."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from consensus.core.groupfile import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from consensus.i18n import _
from consensus.settings import password_hashing


@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    """argon2id at the configured cost (``settings.PasswordHashing``: RFC 9106's low-memory profile
    unless the environment lowers it, as the tests do)."""
    cost = password_hashing()
    return PasswordHasher(
        time_cost=cost.time_cost, memory_cost=cost.memory_kib, parallelism=cost.parallelism, type=Type.ID
    )


class PasswordTooLong(ValueError):
    """A password longer than any we accept: refused before argon2 spends time and memory on it."""


def too_long(password: str) -> bool:
    """Whether a password is longer than the limit (no account can have such a password)."""
    return len(password) > MAX_PASSWORD_LENGTH


def hash_password(password: str) -> str:
    """An argon2id hash of the password (callers check the length first; this refuses again)."""
    if too_long(password):
        raise PasswordTooLong(_("The password must be at most {n} characters long.").format(n=MAX_PASSWORD_LENGTH))
    return hasher().hash(password)


@lru_cache(maxsize=1)
def _dummy_hash(current: PasswordHasher) -> str:
    """A hash made with the current parameters, which no password matches (one per hasher)."""
    return current.hash("a password nobody has; verifying it costs what a real check costs")


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether the password matches; takes the same time when there is no stored hash.

    An over-long password never matches and costs nothing: no hash is computed for it.
    """
    if too_long(password):
        return False
    try:
        return hasher().verify(stored_hash or _dummy_hash(hasher()), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash was made with other parameters than the current ones."""
    try:
        return hasher().check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def password_problem(password: str, confirmation: str | None = None) -> str | None:
    """Why a new password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("The password must be at least {n} characters long.").format(n=MIN_PASSWORD_LENGTH)
    if too_long(password):
        return _("The password must be at most {n} characters long.").format(n=MAX_PASSWORD_LENGTH)
    if confirmation is not None and confirmation != password:
        return _("The two passwords differ.")
    return None
