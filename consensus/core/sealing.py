"""Sealing a secret ballot: the delegation's choice, readable only with the change key its browser holds.

A secret round stores no ballot rows, only counters. To let a delegation change its ballot, the
server must learn its previous choice, yet must not be able to read it itself. So the choice and
its receipt are sealed (AES-GCM) under a key derived from the change key, which the server hands to
the browser once and never stores; the seal is bound to its round and delegation, and has the same
length whatever the choice, so the stored text says nothing about what is inside.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PLAINTEXT_LENGTH = 96
"""Every sealed ballot is padded to this many bytes before sealing (choice and receipt fit)."""
NONCE_LENGTH = 12


@dataclass(frozen=True, slots=True)
class SealedChoice:
    """What a seal holds: the delegation's current choice and the receipt it was given."""

    choice: str
    receipt: str


def _key(change_key: str, round_id: int, delegation_id: int) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=f"consensus secret ballot|{round_id}|{delegation_id}".encode(),
    ).derive(change_key.encode())


def _bound_to(round_id: int, delegation_id: int) -> bytes:
    return f"{round_id}|{delegation_id}".encode()


def seal(choice: SealedChoice, change_key: str, round_id: int, delegation_id: int) -> str:
    """The choice sealed under the change key, as URL-safe text of fixed length."""
    plain = json.dumps({"c": choice.choice, "r": choice.receipt}, separators=(",", ":")).encode()
    if len(plain) > PLAINTEXT_LENGTH:
        raise ValueError("a sealed choice must fit in the padded length")
    padded = plain.ljust(PLAINTEXT_LENGTH, b" ")
    nonce = os.urandom(NONCE_LENGTH)
    sealed = AESGCM(_key(change_key, round_id, delegation_id)).encrypt(
        nonce, padded, _bound_to(round_id, delegation_id)
    )
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(sealed: str, change_key: str, round_id: int, delegation_id: int) -> SealedChoice | None:
    """The choice inside a seal, or None when the key (or the round, or the delegation) is not the
    one it was sealed for."""
    try:
        raw = base64.urlsafe_b64decode(sealed.encode())
        plain = AESGCM(_key(change_key, round_id, delegation_id)).decrypt(
            raw[:NONCE_LENGTH], raw[NONCE_LENGTH:], _bound_to(round_id, delegation_id)
        )
        data = json.loads(plain.rstrip(b" "))
        return SealedChoice(str(data["c"]), str(data["r"]))
    except (InvalidTag, ValueError, KeyError, TypeError):
        return None
