"""The audit key: an Ed25519 key kept in the data folder, outside the database, that signs every event.

Whoever copies or edits the database cannot recompute the chain without it, and anyone holding the
public part (published at ``/audit-key.pem``) can check the signatures. The private key file is
readable by its owner only; it is made once, atomically, so several workers starting together agree
on one key.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class AuditKeyError(Exception):
    """The audit key file cannot be read or is not an Ed25519 key."""


@dataclass(frozen=True, slots=True)
class AuditKey:
    """The private key that signs events, with its public part."""

    private: Ed25519PrivateKey

    def sign(self, event_hash: str) -> str:
        return self.private.sign(event_hash.encode()).hex()

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    def public_pem(self) -> str:
        return public_pem(self.public)


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def public_path(key_file: Path) -> Path:
    """Where the public part is written next to the key."""
    return key_file.with_name(key_file.name + ".pub")


def load_or_create(key_file: Path) -> AuditKey:
    """The key in ``key_file``, made (owner-only) when there is none yet."""
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        draft = key_file.with_name(f".{key_file.name}.{secrets.token_hex(8)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        # A link fails if another process made the key first: then theirs is the key.
        with contextlib.suppress(FileExistsError):
            os.link(draft, key_file)
        draft.unlink()
    key = _read_private(key_file)
    public = public_path(key_file)
    if not public.exists() or public.read_text() != key.public_pem():
        draft = public.with_name(f".{public.name}.{secrets.token_hex(8)}")
        draft.write_text(key.public_pem())
        os.replace(draft, public)
    return key


def _read_private(key_file: Path) -> AuditKey:
    try:
        loaded = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    except (OSError, ValueError) as problem:
        raise AuditKeyError(f"{key_file}: not a readable audit key ({problem})") from None
    if not isinstance(loaded, Ed25519PrivateKey):
        raise AuditKeyError(f"{key_file}: the audit key must be an Ed25519 key")
    return AuditKey(loaded)


def load_public(path: Path) -> Ed25519PublicKey:
    """A public key from a PEM file (the published ``.pub``, or the private key file itself)."""
    try:
        data = path.read_bytes()
    except OSError as problem:
        raise AuditKeyError(f"{path}: cannot be read ({problem.strerror})") from None
    try:
        loaded: Any = serialization.load_pem_public_key(data)
    except ValueError:
        try:
            loaded = serialization.load_pem_private_key(data, password=None).public_key()
        except ValueError:
            raise AuditKeyError(f"{path}: not a PEM Ed25519 key") from None
    if not isinstance(loaded, Ed25519PublicKey):
        raise AuditKeyError(f"{path}: the audit key must be an Ed25519 key")
    return loaded


def signature_check(key: Ed25519PublicKey) -> Callable[[str, str], bool]:
    """A function telling whether a signature (hex) is this key's over an event hash."""

    def valid(event_hash: str, signature: str) -> bool:
        try:
            key.verify(bytes.fromhex(signature), event_hash.encode())
        except (InvalidSignature, ValueError):
            return False
        return True

    return valid


_KEYS: weakref.WeakKeyDictionary[Any, AuditKey] = weakref.WeakKeyDictionary()


def attach(engine: Any, key: AuditKey) -> None:
    """Sign every event written through this engine with ``key``."""
    _KEYS[engine] = key


def key_of(bind: Any) -> AuditKey | None:
    """The key events written through this engine (or connection) are signed with."""
    engine = getattr(bind, "engine", bind)
    return _KEYS.get(engine)


def sign_with(engine: Any, key_file: Path) -> AuditKey:
    """Sign every event written through ``engine`` with the key in ``key_file`` (made if missing)."""
    key = load_or_create(key_file)
    attach(engine, key)
    return key
