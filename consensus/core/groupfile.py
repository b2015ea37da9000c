"""Group files: the YAML that sets up a whole working group, checked into plain values.

The check is pure: it takes what ``yaml.safe_load`` returned and gives back a ``GroupFile`` or
a list of problems, each naming the entry and the field at fault.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
DELEGATION_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,15}$")
CLAUSE_NUMBER = re.compile(r"^[0-9A-Za-z]{1,8}(?:\.[0-9A-Za-z]{1,8}){0,5}$")
EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

VOTING_STATUSES = ("participating", "observing", "non_voting")
ROLES = ("chair", "secretariat", "delegate", "observer")
DOCUMENT_STATUSES = ("draft", "open", "adopted", "withdrawn")
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a group file: where, which field, and what."""

    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.entry}: " if self.entry else ""
        what = f"{self.field}: " if self.field else ""
        return f"{where}{what}{self.message}"


class GroupFileInvalid(ValueError):
    """A group file that cannot be loaded; ``problems`` says every reason."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        listed = "\n".join(f"  {source}: {p}" for p in problems)
        super().__init__(f"{source} was not loaded ({len(problems)} problem(s)):\n{listed}")


@dataclass(frozen=True, slots=True)
class GroupSpec:
    slug: str
    name: str
    description: str = ""
    observers_may_comment: bool = False


@dataclass(frozen=True, slots=True)
class DelegationSpec:
    code: str
    name: str
    weight: Decimal = Decimal(1)
    voting_status: str = "participating"


@dataclass(frozen=True, slots=True)
class UserSpec:
    email: str
    name: str
    role: str
    password: str | None = None
    delegation: str | None = None
    head: bool = False


@dataclass(frozen=True, slots=True)
class ClauseSpec:
    number: str
    text: str
    heading: str = ""


@dataclass(frozen=True, slots=True)
class DocumentSpec:
    slug: str
    title: str
    status: str = "open"
    clauses: tuple[ClauseSpec, ...] = ()
    language: str = "en"
    """The language the text is written in (BCP 47: ``en``, ``fr``, ``zh-Hans``)."""


LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8}){0,3}$")


def _language_tag(c: _Checker, doc: Mapping[str, Any], entry: str) -> str:
    tag = c.text(doc, entry, "language", required=False, max_length=35) or "en"
    if not LANGUAGE_TAG.match(tag):
        c.fail(entry, "language", "must be a language tag such as en, fr or zh-Hans")
    return tag


@dataclass(frozen=True, slots=True)
class GroupFile:
    """A whole working group as described by one file."""

    group: GroupSpec
    delegations: tuple[DelegationSpec, ...] = ()
    users: tuple[UserSpec, ...] = ()
    documents: tuple[DocumentSpec, ...] = field(default_factory=tuple)


def parse_weight(value: Any) -> Decimal | None:
    """A weight as an exact positive decimal, or None when it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        weight = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not weight.is_finite() or weight <= 0:
        return None
    if weight.as_tuple().exponent < -10 or weight.adjusted() >= 20:  # type: ignore[operator]
        return None
    return weight


class _Checker:
    """Collects problems while reading a mapping field by field."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, entry: str, name: str, message: str) -> None:
        self.problems.append(Problem(entry, name, message))

    def mapping(self, value: Any, entry: str, allowed: set[str]) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.fail(entry, "", f"must be a mapping of fields, got {type(value).__name__}")
            return None
        for key in value:
            if key not in allowed:
                self.fail(entry, str(key), f"unknown field (expected one of: {', '.join(sorted(allowed))})")
        return value

    def text(
        self, data: Mapping[str, Any], entry: str, name: str, *, required: bool = True, max_length: int = 200
    ) -> str:
        value = data.get(name)
        if value is None:
            if required:
                self.fail(entry, name, "is missing")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(entry, name, "must be text")
            return ""
        text = str(value).strip()
        if CONTROL.search(text):
            self.fail(entry, name, "contains control characters")
            return ""
        if required and not text:
            self.fail(entry, name, "is empty")
        if len(text) > max_length:
            self.fail(entry, name, f"is longer than {max_length} characters")
        return text

    def choice(self, data: Mapping[str, Any], entry: str, name: str, choices: tuple[str, ...], default: str) -> str:
        value = data.get(name, default)
        if value not in choices:
            self.fail(entry, name, f"must be one of {', '.join(choices)}, got {value!r}")
            return default
        return str(value)

    def flag(self, data: Mapping[str, Any], entry: str, name: str) -> bool:
        value = data.get(name, False)
        if not isinstance(value, bool):
            self.fail(entry, name, f"must be true or false, got {value!r}")
            return False
        return value

    def sequence(self, data: Mapping[str, Any], name: str, *, required: bool) -> list[Any]:
        value = data.get(name)
        if value is None:
            if required:
                self.fail("", name, "is missing")
            return []
        if not isinstance(value, list):
            self.fail("", name, "must be a list")
            return []
        return value


def _entry(section: str, index: int, label: str) -> str:
    return f"{section}[{index}]" + (f" ({label})" if label else "")


def check_group_file(raw: Any, source: str = "group file") -> GroupFile:
    """Check a loaded YAML document and return the group it describes, or raise ``GroupFileInvalid``."""
    c = _Checker()
    top = c.mapping(raw, "", {"group", "delegations", "users", "documents"})
    if top is None:
        raise GroupFileInvalid(source, c.problems)

    group = GroupSpec(slug="", name="")
    group_raw = top.get("group")
    if group_raw is None:
        c.fail("group", "", "is missing")
    else:
        g = c.mapping(group_raw, "group", {"slug", "name", "description", "observers_may_comment"})
        if g is not None:
            slug = c.text(g, "group", "slug", max_length=64)
            if slug and not SLUG.match(slug):
                c.fail("group", "slug", "must be lowercase letters, digits and hyphens")
            group = GroupSpec(
                slug=slug,
                name=c.text(g, "group", "name"),
                description=c.text(g, "group", "description", required=False, max_length=2000),
                observers_may_comment=c.flag(g, "group", "observers_may_comment"),
            )

    delegations: list[DelegationSpec] = []
    codes: set[str] = set()
    for i, d_raw in enumerate(c.sequence(top, "delegations", required=True)):
        label = str(d_raw.get("code", "")) if isinstance(d_raw, Mapping) else ""
        entry = _entry("delegations", i, label)
        d = c.mapping(d_raw, entry, {"code", "name", "weight", "voting_status"})
        if d is None:
            continue
        code = c.text(d, entry, "code", max_length=16)
        if code and not DELEGATION_CODE.match(code):
            c.fail(entry, "code", "must be 1-16 capital letters, digits, '-' or '_'")
        elif code in codes:
            c.fail(entry, "code", f"duplicate delegation code {code}")
        codes.add(code)
        weight = Decimal(1)
        if "weight" in d:
            parsed = parse_weight(d["weight"])
            if parsed is None:
                c.fail(entry, "weight", f"must be a positive number, got {d['weight']!r}")
            else:
                weight = parsed
        delegations.append(
            DelegationSpec(
                code=code,
                name=c.text(d, entry, "name"),
                weight=weight,
                voting_status=c.choice(d, entry, "voting_status", VOTING_STATUSES, "participating"),
            )
        )

    users: list[UserSpec] = []
    emails: set[str] = set()
    heads: dict[str, str] = {}
    for i, u_raw in enumerate(c.sequence(top, "users", required=False)):
        label = str(u_raw.get("email", "")) if isinstance(u_raw, Mapping) else ""
        entry = _entry("users", i, label)
        u = c.mapping(u_raw, entry, {"email", "name", "password", "role", "delegation", "head"})
        if u is None:
            continue
        email = c.text(u, entry, "email", max_length=254).lower()
        if email and not EMAIL.match(email):
            c.fail(entry, "email", "is not an e-mail address")
        elif email in emails:
            c.fail(entry, "email", f"duplicate user {email}")
        emails.add(email)
        role = c.choice(u, entry, "role", ROLES, "") if "role" in u else ""
        if "role" not in u:
            c.fail(entry, "role", "is missing")
        password = None
        if "password" in u:
            password = c.text(u, entry, "password", max_length=MAX_PASSWORD_LENGTH)
            if password and len(password) < MIN_PASSWORD_LENGTH:
                c.fail(entry, "password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
        delegation = c.text(u, entry, "delegation", required=False, max_length=16) or None
        if delegation and delegation not in codes:
            c.fail(entry, "delegation", f"unknown delegation {delegation}")
        if role == "delegate" and not delegation:
            c.fail(entry, "delegation", "is missing: a delegate belongs to a delegation")
        if role in ("chair", "secretariat") and delegation:
            c.fail(entry, "delegation", f"a {role} acts for the group, not for a delegation")
        head = c.flag(u, entry, "head")
        if head and role != "delegate":
            c.fail(entry, "head", "only a delegate can hold the delegation's voting right")
        if head and delegation:
            if delegation in heads:
                c.fail(entry, "head", f"{delegation} already has a head of delegation ({heads[delegation]})")
            heads[delegation] = email
        users.append(
            UserSpec(
                email=email,
                name=c.text(u, entry, "name"),
                role=role,
                password=password,
                delegation=delegation,
                head=head,
            )
        )

    documents: list[DocumentSpec] = []
    slugs: set[str] = set()
    for i, doc_raw in enumerate(c.sequence(top, "documents", required=False)):
        label = str(doc_raw.get("slug", "")) if isinstance(doc_raw, Mapping) else ""
        entry = _entry("documents", i, label)
        doc = c.mapping(doc_raw, entry, {"slug", "title", "status", "language", "clauses"})
        if doc is None:
            continue
        slug = c.text(doc, entry, "slug", max_length=64)
        if slug and not SLUG.match(slug):
            c.fail(entry, "slug", "must be lowercase letters, digits and hyphens")
        elif slug in slugs:
            c.fail(entry, "slug", f"duplicate document {slug}")
        slugs.add(slug)
        clauses: list[ClauseSpec] = []
        numbers: set[str] = set()
        clause_list = doc.get("clauses")
        if not isinstance(clause_list, list) or not clause_list:
            c.fail(entry, "clauses", "must be a non-empty list")
            clause_list = []
        for j, cl_raw in enumerate(clause_list):
            cl_label = str(cl_raw.get("number", "")) if isinstance(cl_raw, Mapping) else ""
            cl_entry = f"{entry} clauses[{j}]" + (f" ({cl_label})" if cl_label else "")
            cl = c.mapping(cl_raw, cl_entry, {"number", "heading", "text"})
            if cl is None:
                continue
            number = c.text(cl, cl_entry, "number", max_length=32)
            if number and not CLAUSE_NUMBER.match(number):
                c.fail(cl_entry, "number", "must look like 3 or 3.2 (letters and digits, dot-separated)")
            elif number in numbers:
                c.fail(cl_entry, "number", f"duplicate clause number {number}")
            numbers.add(number)
            clauses.append(
                ClauseSpec(
                    number=number,
                    heading=c.text(cl, cl_entry, "heading", required=False, max_length=300),
                    text=c.text(cl, cl_entry, "text", max_length=20_000),
                )
            )
        documents.append(
            DocumentSpec(
                slug=slug,
                title=c.text(doc, entry, "title", max_length=300),
                status=c.choice(doc, entry, "status", DOCUMENT_STATUSES, "open"),
                clauses=tuple(clauses),
                language=_language_tag(c, doc, entry),
            )
        )

    if c.problems:
        raise GroupFileInvalid(source, c.problems)
    return GroupFile(group, tuple(delegations), tuple(users), tuple(documents))
