"""The words people see for stored values (roles, statuses, kinds, choices): one table per list.

Each entry is marked for the catalogues and has up to three uses: as a label or heading ("In
preparation"), inside a sentence ("Round 4 is in preparation."), and in English where a file is
always English (the comment table as CSV). Pages, messages and exports all read these tables, so a
status has its words in one place. No framework imports: the web layer, the services and the
guard use it alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from consensus.i18n import N_, NC_, _, pgettext


@dataclass(frozen=True, slots=True)
class Label:
    """The words for one stored value."""

    title: str | tuple[str, str]
    """As a label or heading: a msgid, or (context, msgid) where the same English word has other
    meanings elsewhere ("Open" of a clause, of a round)."""
    in_sentence: str = ""
    """Inside a sentence, lower case where the language wants it ("is withdrawn"); the title if none."""

    @property
    def english(self) -> str:
        return self.title[1] if isinstance(self.title, tuple) else self.title


ROLES = {
    "chair": Label(N_("Chair")),
    "secretariat": Label(N_("Secretariat")),
    "delegate": Label(N_("Delegate")),
    "observer": Label(N_("Observer")),
}
VOTING_STATUSES = {
    "participating": Label(NC_("delegation status", "Participating")),
    "observing": Label(NC_("delegation status", "Observing")),
    "non_voting": Label(NC_("delegation status", "Non-voting")),
}
DOCUMENT_STATUSES = {
    "draft": Label(NC_("document status", "Draft")),
    "preparation": Label(NC_("document status", "In preparation")),
    "open": Label(NC_("document status", "Open for negotiation")),
    "adopted": Label(NC_("document status", "Adopted")),
    "withdrawn": Label(NC_("document status", "Withdrawn")),
}
CLAUSE_STATUSES = {
    "open": Label(NC_("clause status", "Open")),
    "agreed_ad_ref": Label(NC_("clause status", "Agreed ad referendum")),
    "adopted": Label(NC_("clause status", "Adopted")),
}
COMMENT_KINDS = {
    "general": Label(NC_("comment kind", "General")),
    "technical": Label(NC_("comment kind", "Technical")),
    "editorial": Label(NC_("comment kind", "Editorial")),
}
SPEAKER_KINDS = {
    "intervention": Label(NC_("speaker kind", "Intervention"), N_("an intervention")),
    "point_of_order": Label(NC_("speaker kind", "Point of order"), N_("a point of order")),
    "right_of_reply": Label(NC_("speaker kind", "Right of reply"), N_("a right of reply")),
}
DISPOSITIONS = {
    "accepted": Label(NC_("comment disposition", "Accepted")),
    "accepted_in_principle": Label(NC_("comment disposition", "Accepted in principle")),
    "noted": Label(NC_("comment disposition", "Noted")),
    "rejected": Label(NC_("comment disposition", "Rejected")),
}
AMENDMENT_STATUSES = {
    "proposed": Label(NC_("amendment status", "Proposed"), N_("proposed")),
    "withdrawn": Label(NC_("amendment status", "Withdrawn"), N_("withdrawn")),
    "accepted": Label(NC_("amendment status", "Accepted"), N_("accepted")),
    "rejected": Label(NC_("amendment status", "Rejected"), N_("rejected")),
    "superseded": Label(NC_("amendment status", "Superseded by a compromise"), N_("superseded by a compromise")),
}
ROUND_STATUSES = {
    "draft": Label(NC_("round status", "In preparation"), N_("in preparation")),
    "open": Label(NC_("round status", "Open"), N_("open")),
    "closed": Label(NC_("round status", "Closed"), N_("closed")),
    "cancelled": Label(NC_("round status", "Cancelled"), N_("cancelled")),
}
MEETING_STATUSES = {
    "scheduled": Label(NC_("meeting status", "Scheduled"), N_("scheduled")),
    "in_progress": Label(NC_("meeting status", "In progress"), N_("in progress")),
    "closed": Label(NC_("meeting status", "Closed"), N_("closed")),
    "cancelled": Label(NC_("meeting status", "Cancelled"), N_("cancelled")),
}
AGENDA_STATUSES = {
    "pending": Label(NC_("agenda item status", "To come"), N_("to come")),
    "current": Label(NC_("agenda item status", "Under discussion"), N_("under discussion")),
    "done": Label(NC_("agenda item status", "Done"), N_("done")),
}
CHOICES = {
    "yes": Label(N_("Yes")),
    "no": Label(N_("No")),
    "abstain": Label(N_("Abstain")),
    "support": Label(N_("Support")),
    "accept": Label(N_("Accept (can live with it)")),
    "reservation": Label(N_("Reservation")),
    "objection": Label(N_("Objection")),
    "none": Label(N_("None of these")),
    "silent": Label(N_("Did not vote")),
}
OPTION_CHOICE = N_("Alternative {letter}")
"""An options round's choice ``option:N``: the alternative's letter (option:2 is "Alternative B")."""
CHANGES = {
    "unchanged": Label(N_("unchanged")),
    "changed": Label(N_("changed")),
    "added": Label(N_("added")),
    "deleted": Label(N_("deleted")),
}
POSITION_SYMBOLS = {"support": "✔", "accept": "○", "reservation": "◐", "objection": "✖"}
"""Never colour alone: each position also has its symbol."""


def label(value: str, table: Mapping[str, Label]) -> str:
    """The words for a stored value as a label, in the reader's language (the value itself if the
    table does not know it)."""
    entry = table.get(value)
    if entry is None:
        return value
    if isinstance(entry.title, tuple):
        return pgettext(*entry.title)
    return _(entry.title)


def in_sentence(value: str, table: Mapping[str, Label]) -> str:
    """The words for a stored value inside a sentence, in the reader's language."""
    entry = table.get(value)
    if entry is None:
        return value
    return _(entry.in_sentence) if entry.in_sentence else label(value, table)


def english(value: str, table: Mapping[str, Label]) -> str:
    """The words for a stored value in English (files that are always English)."""
    entry = table.get(value)
    return entry.english if entry is not None else value


def choice_label(value: str) -> str:
    """A ballot choice as a label, in the reader's language; an alternative of an options round
    (``option:2``) by its letter."""
    number = value.removeprefix("option:")
    if number != value and number.isdigit() and 1 <= int(number) <= 26:
        return _(OPTION_CHOICE).format(letter=chr(ord("A") + int(number) - 1))
    return label(value, CHOICES)
