"""Shapes of the JSON API's responses (documented in the OpenAPI schema)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DelegationOut:
    code: str
    name: str
    weight: str
    """An exact decimal, as a string."""
    voting_status: str


@dataclass(frozen=True, slots=True)
class GroupOut:
    slug: str
    name: str
    delegations: list[DelegationOut]


@dataclass(frozen=True, slots=True)
class ClauseOut:
    number: str
    heading: str
    text: str
    status: str


@dataclass(frozen=True, slots=True)
class DocumentOut:
    slug: str
    title: str
    status: str
    version: int
    clauses: list[ClauseOut]


@dataclass(frozen=True, slots=True)
class MembershipOut:
    group: str
    role: str
    delegation: str | None
    head: bool


@dataclass(frozen=True, slots=True)
class MeOut:
    email: str
    name: str
    memberships: list[MembershipOut]


@dataclass(frozen=True, slots=True)
class ErrorOut:
    status_code: int
    detail: str
