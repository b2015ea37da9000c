"""Setting a group up: the rules for a new working group and for its delegations.

Pure: the services load what the rules need (the slugs and codes taken, what a delegation is
already part of) and the pages ask the same questions, so a form refuses on preview exactly what
the write path would. Each answer is a list of ``Refusal``, one per field at fault; the group file's
checker shares the forms (slug, code, weight) through ``core.groupfile``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from consensus.core.groupfile import CONTROL, DELEGATION_CODE, SLUG, VOTING_STATUSES, parse_weight
from consensus.core.refusal import Refusal
from consensus.core.tally import Phrase
from consensus.i18n import N_, Nn_

NAME_LIMIT = 200
RESERVED_SLUGS = frozenset({"new"})
"""Addresses the pages themselves use (``/groups/new``)."""
DESCRIPTION_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class GroupInput:
    """A new working group as the administrator describes it."""

    slug: str
    name: str
    description: str = ""
    observers_may_comment: bool = False


@dataclass(frozen=True, slots=True)
class DelegationInput:
    """A delegation as the secretariat describes it (the weight as typed: an exact decimal)."""

    code: str
    name: str
    weight: str = "1"
    voting_status: str = "participating"


def _text_refusal(value: str, field: str, limit: int, *, required: bool) -> Refusal | None:
    if required and not value.strip():
        return Refusal("invalid", Phrase(N_("This cannot be empty.")), field)
    if CONTROL.search(value):
        return Refusal("invalid", Phrase(N_("This contains control characters that cannot be stored.")), field)
    if len(value) > limit:
        return Refusal("invalid", Phrase(N_("This must be at most {n} characters long."), {"n": limit}), field)
    return None


def _present(*refusals: Refusal | None) -> list[Refusal]:
    return [refusal for refusal in refusals if refusal is not None]


def group_refusals(group: GroupInput, slug_taken: bool) -> list[Refusal]:
    """What is wrong with a new group: its address (lowercase letters, digits and hyphens, not
    taken), its name and its description."""
    slug = None
    if not SLUG.match(group.slug):
        slug = Refusal(
            "invalid", Phrase(N_("Use 1 to 64 lowercase letters, digits and hyphens, such as oewg-ict.")), "slug"
        )
    elif slug_taken or group.slug in RESERVED_SLUGS:
        slug = Refusal("conflict", Phrase(N_("There is already a group at {slug}."), {"slug": group.slug}), "slug")
    return _present(
        slug,
        _text_refusal(group.name, "name", NAME_LIMIT, required=True),
        _text_refusal(group.description, "description", DESCRIPTION_LIMIT, required=False),
    )


def weight_of(delegation: DelegationInput) -> Decimal | None:
    """The delegation's weight as an exact decimal, or None when it is not a positive number."""
    return parse_weight(delegation.weight)


def delegation_refusals(delegation: DelegationInput, taken_codes: Collection[str], *, new: bool) -> list[Refusal]:
    """What is wrong with a delegation: a code of capitals, digits, '-' or '_' not taken by another
    one of the group (only asked of a new delegation: a code never changes, it is the delegation's
    name in the record), a name, a positive exact weight, a known voting status."""
    code = None
    if new and not DELEGATION_CODE.match(delegation.code):
        code = Refusal("invalid", Phrase(N_("Use 1 to 16 capital letters, digits, '-' or '_', such as KEN.")), "code")
    elif new and delegation.code in taken_codes:
        code = Refusal(
            "conflict",
            Phrase(N_("There is already a delegation {code} in this group."), {"code": delegation.code}),
            "code",
        )
    weight = None
    if weight_of(delegation) is None:
        weight = Refusal(
            "invalid",
            Phrase(N_("Enter the weight as a positive number such as 1 or 54.03 (at most ten decimals).")),
            "weight",
        )
    status = None
    if delegation.voting_status not in VOTING_STATUSES:
        status = Refusal("invalid", Phrase(N_("Choose participating, observing or non-voting.")), "voting_status")
    return _present(code, _text_refusal(delegation.name, "name", NAME_LIMIT, required=True), weight, status)


@dataclass(frozen=True, slots=True)
class DelegationUse:
    """What a delegation already takes part in: its members and pending invitations, and the record
    it has left (comments, amendments, co-sponsorships, positions, rounds it was an elector of)."""

    members: int = 0
    invitations: int = 0
    record: int = 0


def removal_refusal(use: DelegationUse) -> Refusal | None:
    """A delegation is removed only while nothing refers to it: the record of what it said and how
    it voted is never erased. A delegation that has left is set to non-voting instead."""
    if use.members or use.invitations:
        return Refusal(
            "conflict",
            Phrase.counted(
                Nn_(
                    "This delegation still has {n} member or invitation: remove them first.",
                    "This delegation still has {n} members or invitations: remove them first.",
                ),
                use.members + use.invitations,
                {"n": use.members + use.invitations},
            ),
        )
    if use.record:
        return Refusal(
            "conflict",
            Phrase(
                N_(
                    "This delegation has taken part in the negotiation (comments, amendments, positions or "
                    "rounds), which stays on the record: set its voting status to non-voting instead."
                )
            ),
        )
    return None


# --- lists from a spreadsheet ----------------------------------------------------------------------

DELEGATION_COLUMNS = ("code", "name", "weight", "voting_status")
MEMBER_COLUMNS = ("email", "name", "role", "delegation", "head")
IMPORT_ROW_LIMIT = 1000
YES = frozenset({"yes", "y", "true", "1", "x", "oui", "sí", "si", "да", "是", "نعم"})


@dataclass(frozen=True, slots=True)
class Sheet:
    """The rows of a CSV file under its header (each a mapping of our column names to the cell), or
    why the file as a whole cannot be read."""

    rows: tuple[dict[str, str], ...] = ()
    refusal: Refusal | None = None


def _header_refusal(header: list[str], columns: tuple[str, ...], required: tuple[str, ...]) -> Refusal | None:
    unknown = [name for name in header if name and name not in columns]
    missing = [name for name in required if name not in header]
    if not unknown and not missing:
        return None
    phrase = Phrase(
        N_("The first row must name the columns {columns} (missing: {missing}; not known: {unknown})."),
        {"columns": ", ".join(columns), "missing": ", ".join(missing) or "–", "unknown": ", ".join(unknown) or "–"},
    )
    return Refusal("invalid", phrase, "file")


def _rows_refusal(rows: tuple[dict[str, str], ...]) -> Refusal | None:
    if not rows:
        return Refusal("invalid", Phrase(N_("The file has a header but no rows.")), "file")
    if len(rows) > IMPORT_ROW_LIMIT:
        phrase = Phrase(
            N_("The file has {n} rows; at most {limit} are imported at once."),
            {"n": len(rows), "limit": IMPORT_ROW_LIMIT},
        )
        return Refusal("invalid", phrase, "file")
    return None


def read_sheet(text: str, columns: tuple[str, ...], required: tuple[str, ...]) -> Sheet:
    """A CSV file as Excel, LibreOffice or a script writes it (comma, semicolon or tab; a byte-order
    mark; quoted line breaks), whose first row names its columns (in any order, any case)."""
    text = text.removeprefix("\ufeff")
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return Sheet(refusal=Refusal("invalid", Phrase(N_("The file is empty.")), "file"))
    delimiter = max((";", ",", "\t"), key=lines[0].count)
    table = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = [cell.strip().lower().replace(" ", "_") for cell in table[0]]
    if refusal := _header_refusal(header, columns, required):
        return Sheet(refusal=refusal)
    rows = tuple(
        {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header) if name}
        for cells in table[1:]
        if any(cell.strip() for cell in cells)
    )
    if refusal := _rows_refusal(rows):
        return Sheet(refusal=refusal)
    return Sheet(rows)


def delegation_of_row(row: dict[str, str]) -> DelegationInput:
    """A spreadsheet row as a delegation (weight 1 and participating when the cells are empty)."""
    status = row.get("voting_status", "").lower().replace("-", "_").replace(" ", "_") or "participating"
    return DelegationInput(row.get("code", "").upper(), row.get("name", ""), row.get("weight", "") or "1", status)


def flag_of(cell: str) -> bool:
    """A yes/no cell ("yes", "x", "true", "1"; empty is no)."""
    return cell.strip().lower() in YES
