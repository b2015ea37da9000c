"""Group files: the YAML that sets up a whole working group, checked into plain values.

The check is pure: it takes what ``yaml.safe_load`` returned and gives back a ``GroupFile`` or
a list of problems, each naming the entry and the field at fault.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from consensus.core.membership import (
    DELEGATE_WITHOUT_DELEGATION,
    GROUP_ROLE_WITH_DELEGATION,
    HEAD_NOT_A_DELEGATE,
    ROLES,
    Seat,
    head_refusal,
    seat_refusals,
)
from consensus.core.refusal import Refusal

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
SLUG_FORM = "must be lowercase letters, digits and hyphens"
DELEGATION_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,15}$")
CLAUSE_NUMBER = re.compile(r"^[0-9A-Za-z]{1,8}(?:\.[0-9A-Za-z]{1,8}){0,5}$")
EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

VOTING_STATUSES = ("participating", "observing", "non_voting")
DOCUMENT_STATUSES = ("draft", "preparation", "open", "adopted", "withdrawn")
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
    exponent = weight.as_tuple().exponent  # an int for a finite number ('n', 'N', 'F' otherwise)
    if not isinstance(exponent, int) or exponent < -10 or weight.adjusted() >= 20:
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

    def key(
        self,
        entry: str,
        name: str,
        value: str,
        form: re.Pattern[str],
        malformed: str,
        seen: set[str],
        duplicate: str,
    ) -> None:
        """A field that names its entry in its list (a code, an address, a slug, a number): of its
        form, and not already taken by an earlier entry (``duplicate`` says what the value is)."""
        if value and not form.match(value):
            self.fail(entry, name, malformed)
        elif value in seen:
            self.fail(entry, name, f"{duplicate} {value}")
        seen.add(value)

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


def _entries(
    c: _Checker, items: list[Any], section: str, label_field: str, allowed: set[str]
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Each entry of a list that is a mapping, with its name for problems: ``users[1] (a@b.org)``."""
    for index, item in enumerate(items):
        label = str(item.get(label_field, "")) if isinstance(item, Mapping) else ""
        entry = _entry(section, index, label)
        fields = c.mapping(item, entry, allowed)
        if fields is not None:
            yield entry, fields


def _slug(c: _Checker, data: Mapping[str, Any], entry: str) -> str:
    slug = c.text(data, entry, "slug", max_length=64)
    if slug and not SLUG.match(slug):
        c.fail(entry, "slug", SLUG_FORM)
    return slug


def _group(c: _Checker, raw: Any) -> GroupSpec:
    """The ``group`` section: the forum's address, name and defaults."""
    if raw is None:
        c.fail("group", "", "is missing")
        return GroupSpec(slug="", name="")
    g = c.mapping(raw, "group", {"slug", "name", "description", "observers_may_comment"})
    if g is None:
        return GroupSpec(slug="", name="")
    return GroupSpec(
        slug=_slug(c, g, "group"),
        name=c.text(g, "group", "name"),
        description=c.text(g, "group", "description", required=False, max_length=2000),
        observers_may_comment=c.flag(g, "group", "observers_may_comment"),
    )


def _weight(c: _Checker, d: Mapping[str, Any], entry: str) -> Decimal:
    if "weight" not in d:
        return Decimal(1)
    weight = parse_weight(d["weight"])
    if weight is None:
        c.fail(entry, "weight", f"must be a positive number, got {d['weight']!r}")
        return Decimal(1)
    return weight


def _delegations(c: _Checker, items: list[Any]) -> list[DelegationSpec]:
    """The ``delegations`` section: codes unique, weights exact and positive."""
    delegations: list[DelegationSpec] = []
    codes: set[str] = set()
    for entry, d in _entries(c, items, "delegations", "code", {"code", "name", "weight", "voting_status"}):
        code = c.text(d, entry, "code", max_length=16)
        malformed = "must be 1-16 capital letters, digits, '-' or '_'"
        c.key(entry, "code", code, DELEGATION_CODE, malformed, codes, "duplicate delegation code")
        weight = _weight(c, d, entry)
        delegations.append(
            DelegationSpec(
                code=code,
                name=c.text(d, entry, "name"),
                weight=weight,
                voting_status=c.choice(d, entry, "voting_status", VOTING_STATUSES, "participating"),
            )
        )
    return delegations


FILE_WORDS = {
    DELEGATE_WITHOUT_DELEGATION: "is missing: a delegate belongs to a delegation",
    GROUP_ROLE_WITH_DELEGATION: "a {role} acts for the group, not for a delegation",
    HEAD_NOT_A_DELEGATE: "only a delegate can hold the delegation's voting right",
}
"""The seat rules' refusals in a group file's words (the checker's problems are English, for the
command line)."""


class _Users:
    """The ``users`` section, entry by entry: addresses unique, seats that the seat rules accept,
    one head per delegation."""

    def __init__(self, c: _Checker, codes: set[str]) -> None:
        self.c, self.codes = c, codes
        self.emails: set[str] = set()
        self.heads: dict[str, str] = {}
        """The e-mail address of each delegation's head so far."""

    def email(self, u: Mapping[str, Any], entry: str) -> str:
        email = self.c.text(u, entry, "email", max_length=254).lower()
        self.c.key(entry, "email", email, EMAIL, "is not an e-mail address", self.emails, "duplicate user")
        return email

    def role(self, u: Mapping[str, Any], entry: str) -> str:
        if "role" not in u:
            self.c.fail(entry, "role", "is missing")
            return ""
        return self.c.choice(u, entry, "role", ROLES, "")

    def password(self, u: Mapping[str, Any], entry: str) -> str | None:
        if "password" not in u:
            return None
        password = self.c.text(u, entry, "password", max_length=MAX_PASSWORD_LENGTH)
        if password and len(password) < MIN_PASSWORD_LENGTH:
            self.c.fail(entry, "password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
        return password

    def delegation(self, u: Mapping[str, Any], entry: str) -> str | None:
        delegation = self.c.text(u, entry, "delegation", required=False, max_length=16) or None
        if delegation and delegation not in self.codes:
            self.c.fail(entry, "delegation", f"unknown delegation {delegation}")
        return delegation

    def seat(self, u: Mapping[str, Any], entry: str, email: str, role: str, delegation: str | None) -> bool:
        """The seat's consistency and the one head per delegation (the rules of core/membership);
        returns the head flag."""
        refusals = seat_refusals(Seat(role, delegation or "", head=u.get("head") is True))
        self._report(refusals, "delegation", entry, role)
        head = self.c.flag(u, entry, "head")
        self._report(refusals, "head", entry, role)
        if head and delegation:
            if head_refusal(Seat(role, delegation, head), delegation, self.heads.get(delegation)):
                self.c.fail(entry, "head", f"{delegation} already has a head of delegation ({self.heads[delegation]})")
            self.heads[delegation] = email
        return head

    def _report(self, refusals: list[Refusal], name: str, entry: str, role: str) -> None:
        for refusal in refusals:
            if refusal.field == name:
                self.c.fail(entry, name, FILE_WORDS[refusal.phrase.text].format(role=role))

    def user(self, u: Mapping[str, Any], entry: str) -> UserSpec:
        email = self.email(u, entry)
        role = self.role(u, entry)
        password = self.password(u, entry)
        delegation = self.delegation(u, entry)
        head = self.seat(u, entry, email, role, delegation)
        return UserSpec(
            email=email,
            name=self.c.text(u, entry, "name"),
            role=role,
            password=password,
            delegation=delegation,
            head=head,
        )


def _users(c: _Checker, items: list[Any], codes: set[str]) -> list[UserSpec]:
    users = _Users(c, codes)
    allowed = {"email", "name", "password", "role", "delegation", "head"}
    return [users.user(u, entry) for entry, u in _entries(c, items, "users", "email", allowed)]


def _clauses(c: _Checker, doc: Mapping[str, Any], entry: str) -> list[ClauseSpec]:
    """A document's clauses: a non-empty list, numbers like 3.2 and unique."""
    items = doc.get("clauses")
    if not isinstance(items, list) or not items:
        c.fail(entry, "clauses", "must be a non-empty list")
        return []
    clauses: list[ClauseSpec] = []
    numbers: set[str] = set()
    for cl_entry, cl in _entries(c, items, f"{entry} clauses", "number", {"number", "heading", "text"}):
        number = c.text(cl, cl_entry, "number", max_length=32)
        malformed = "must look like 3 or 3.2 (letters and digits, dot-separated)"
        c.key(cl_entry, "number", number, CLAUSE_NUMBER, malformed, numbers, "duplicate clause number")
        clauses.append(
            ClauseSpec(
                number=number,
                heading=c.text(cl, cl_entry, "heading", required=False, max_length=300),
                text=c.text(cl, cl_entry, "text", max_length=20_000),
            )
        )
    return clauses


def _documents(c: _Checker, items: list[Any]) -> list[DocumentSpec]:
    """The ``documents`` section: slugs unique, each with its clauses."""
    documents: list[DocumentSpec] = []
    slugs: set[str] = set()
    for entry, doc in _entries(c, items, "documents", "slug", {"slug", "title", "status", "language", "clauses"}):
        slug = c.text(doc, entry, "slug", max_length=64)
        c.key(entry, "slug", slug, SLUG, SLUG_FORM, slugs, "duplicate document")
        clauses = _clauses(c, doc, entry)
        documents.append(
            DocumentSpec(
                slug=slug,
                title=c.text(doc, entry, "title", max_length=300),
                status=c.choice(doc, entry, "status", DOCUMENT_STATUSES, "open"),
                clauses=tuple(clauses),
                language=_language_tag(c, doc, entry),
            )
        )
    return documents


def check_group_file(raw: Any, source: str = "group file") -> GroupFile:
    """Check a loaded YAML document and return the group it describes, or raise ``GroupFileInvalid``."""
    c = _Checker()
    top = c.mapping(raw, "", {"group", "delegations", "users", "documents"})
    if top is None:
        raise GroupFileInvalid(source, c.problems)
    group = _group(c, top.get("group"))
    delegations = _delegations(c, c.sequence(top, "delegations", required=True))
    users = _users(c, c.sequence(top, "users", required=False), {d.code for d in delegations})
    documents = _documents(c, c.sequence(top, "documents", required=False))
    if c.problems:
        raise GroupFileInvalid(source, c.problems)
    return GroupFile(group, tuple(delegations), tuple(users), tuple(documents))
