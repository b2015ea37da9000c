"""Password hashing: argon2id, constant-cost failures, rehashing, and the password rule."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, Type
from argon2.profiles import RFC_9106_LOW_MEMORY

from consensus.accounts.passwords import hash_password, hasher, needs_rehash, password_problem, verify_password
from consensus.settings import PasswordHashing, password_hashing


def test_passwords_are_hashed_with_argon2id() -> None:
    digest = hash_password("correct horse battery")
    assert digest.startswith("$argon2id$")
    assert verify_password(digest, "correct horse battery")
    assert not verify_password(digest, "correct horse battery!")


def test_a_missing_hash_never_verifies() -> None:
    assert not verify_password(None, "anything at all")


def test_a_hash_made_with_other_parameters_needs_rehashing() -> None:
    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1, type=Type.ID).hash("correct horse battery")
    assert verify_password(old, "correct horse battery")
    assert needs_rehash(old)
    assert not needs_rehash(hash_password("correct horse battery"))


def test_the_password_rule_names_what_is_wrong() -> None:
    assert "at least 10" in (password_problem("short") or "")
    assert "differ" in (password_problem("long enough one", "long enough two") or "")
    assert password_problem("long enough one", "long enough one") is None


def test_an_over_long_password_is_never_hashed_nor_verified() -> None:
    import pytest

    from consensus.accounts.passwords import PasswordTooLong

    huge = "x" * 5_000_000
    with pytest.raises(PasswordTooLong, match="at most 1024"):
        hash_password(huge)
    # Refused without running argon2 (which would accept and pre-hash any length).
    assert not verify_password(hash_password("x" * 1024), huge)
    assert "at most 1024" in (password_problem(huge) or "")


def test_production_hashes_with_rfc_9106s_low_memory_profile() -> None:
    profile = RFC_9106_LOW_MEMORY
    assert PasswordHashing() == PasswordHashing(profile.time_cost, profile.memory_cost, profile.parallelism)


def test_the_hashing_cost_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASSWORD_HASH_TIME_COST", "2")
    monkeypatch.setenv("PASSWORD_HASH_MEMORY_KIB", "256")
    monkeypatch.setenv("PASSWORD_HASH_PARALLELISM", "2")
    password_hashing.cache_clear()
    hasher.cache_clear()
    try:
        digest = hash_password("correct horse battery")
        assert digest.startswith("$argon2id$v=19$m=256,t=2,p=2$")
        assert verify_password(digest, "correct horse battery") and not needs_rehash(digest)
    finally:
        monkeypatch.undo()
        password_hashing.cache_clear()
        hasher.cache_clear()
    assert needs_rehash(digest)  # made with other parameters than the tests' own
