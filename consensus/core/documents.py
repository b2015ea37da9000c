"""Documents in preparation and after: who sees one, who may edit it in place, circulate it, or
correct a circulated clause editorially, and the corrections made to a draft's clauses.

Pure: the services and lookups load the facts and ask these functions; the pages ask the same ones
for their buttons. A document in preparation is seen only by the group's secretariat and chair: to
everyone else it does not exist (``document_visible``), so every page, fragment, list and export
built on the lookups leaves it out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from consensus.core.clauses import Draft, DraftClause
from consensus.core.diff import TextDiff, word_diff
from consensus.core.refusal import Refusal
from consensus.core.tally import Phrase
from consensus.i18n import N_, Nn_

PREPARATION = "preparation"
CHAIR, SECRETARIAT = "chair", "secretariat"

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8}){0,3}$")
NUMBER = re.compile(r"^[\w.()\-]{1,32}$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""C0 control characters other than tab and newline: nothing typed needs them (as ``validation``)."""

RESERVED_SLUGS = frozenset({"import", "new"})
"""Words the addresses of the documents use themselves (``/documents/new``, ``/documents/import``)."""

TITLE_LIMIT = 300
HEADING_LIMIT = 300
CLAUSE_TEXT_LIMIT = 20_000
CLAUSES_LIMIT = 1_000
"""At most this many clauses in one document (the longest treaties have a few hundred articles)."""

EDITORIAL_WORDS = 3
"""An editorial correction changes at most this many words of a clause (its heading and text
together): a typo, a repeated word, a wrong article; more is a change of substance, made by
amendment."""


def document_visible(status: str, role: str | None) -> bool:
    """Whether someone holding ``role`` in the document's group (None: no member) sees it at all."""
    return status != PREPARATION or role in (CHAIR, SECRETARIAT)


def in_preparation_refusal() -> Refusal:
    """What comments, amendments, positions, rounds and adoption answer on a document in preparation."""
    return Refusal(
        "conflict",
        Phrase(
            N_(
                "This document is in preparation: it takes no comments, amendments, positions or rounds "
                "until the secretariat circulates it."
            ),
            {},
        ),
    )


def edit_refusal(role: str, status: str) -> Refusal | None:
    """Whether ``role`` may change a document's title, language and clauses in place now."""
    if role != SECRETARIAT:
        return Refusal("forbidden", Phrase(N_("Only the secretariat edits a document in preparation."), {}))
    if status != PREPARATION:
        return Refusal(
            "conflict",
            Phrase(
                N_(
                    "This document has been circulated: its text changes only through amendments and "
                    "consolidation, or an editorial correction."
                ),
                {},
            ),
        )
    return None


def circulate_refusal(role: str, status: str, clauses: int) -> Refusal | None:
    """Whether ``role`` may circulate the document now (version 1 is then frozen as it stands)."""
    if role != SECRETARIAT:
        return Refusal("forbidden", Phrase(N_("Only the secretariat circulates a document."), {}))
    if status != PREPARATION:
        return Refusal("conflict", Phrase(N_("This document has already been circulated."), {}))
    if clauses == 0:
        return Refusal("invalid", Phrase(N_("A document needs at least one clause to be circulated."), {}), "clauses")
    return None


# --- the draft's fields -------------------------------------------------------------------------------


def slug_refusal(slug: str, taken: bool) -> Refusal | None:
    """Whether ``slug`` may name a new document of the group (``taken``: another one has it)."""
    if not SLUG.match(slug):
        return Refusal(
            "invalid",
            Phrase(N_("The address name must be lowercase letters, digits and hyphens (at most 64)."), {}),
            "slug",
        )
    if taken or slug in RESERVED_SLUGS:
        return Refusal("invalid", Phrase(N_("The group already has a document called {slug}."), {"slug": slug}), "slug")
    return None


def language_refusal(language: str) -> Refusal | None:
    """Whether ``language`` is a language tag (BCP 47: ``en``, ``fr``, ``zh-Hans``)."""
    if len(language) > 35 or not LANGUAGE_TAG.match(language):
        return Refusal(
            "invalid", Phrase(N_("The language must be a language tag such as en, fr or zh-Hans."), {}), "language"
        )
    return None


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def normalised(draft: Draft) -> Draft:
    """The draft as it is stored: title, numbers and headings on one line without surrounding
    spaces, texts with plain line ends."""
    return Draft(
        " ".join(draft.title.split()),
        tuple(DraftClause(c.number.strip(), " ".join(c.heading.split()), _lines(c.text)) for c in draft.clauses),
        draft.notes,
    )


def draft_problems(draft: Draft) -> list[Refusal]:
    """Everything that keeps a draft from being saved, each on its field (``title``,
    ``clauses``, ``clauses.3.number``, ...); empty when it may be saved. The same limits are asked
    of a preview and of a save."""
    problems: list[Refusal] = []
    if CONTROL.search(draft.title):
        problems.append(_control("title"))
    elif not draft.title.strip():
        problems.append(Refusal("invalid", Phrase(N_("The title is empty: write one."), {}), "title"))
    elif len(draft.title) > TITLE_LIMIT:
        problems.append(_too_long("title", N_("The title"), len(draft.title), TITLE_LIMIT))
    if not draft.clauses:
        problems.append(Refusal("invalid", Phrase(N_("The document has no clause."), {}), "clauses"))
    elif len(draft.clauses) > CLAUSES_LIMIT:
        problems.append(
            Refusal(
                "invalid",
                Phrase(
                    N_("The document has {n} clauses, at most {limit}."),
                    {"n": len(draft.clauses), "limit": CLAUSES_LIMIT},
                ),
                "clauses",
            )
        )
    seen: set[str] = set()
    for index, clause in enumerate(draft.clauses):
        problems.extend(_clause_problems(index, clause, seen))
    return problems


def _control(name: str) -> Refusal:
    return Refusal("invalid", Phrase(N_("This contains control characters that cannot be stored."), {}), name)


def _too_long(name: str, label: str, n: int, limit: int) -> Refusal:
    return Refusal(
        "invalid",
        Phrase(
            N_("{what} is too long: {n} characters, at most {limit}."),
            {"what": Phrase(label), "n": n, "limit": limit},
        ),
        name,
    )


def _clause_problems(index: int, clause: DraftClause, seen: set[str]) -> list[Refusal]:
    problems: list[Refusal] = []
    where = f"clauses.{index}"
    if not NUMBER.match(clause.number):
        problems.append(
            Refusal(
                "invalid",
                Phrase(
                    N_("Clause {position}: the number must be 1 to 32 letters, digits, dots or brackets, such as 3.2."),
                    {"position": index + 1},
                ),
                f"{where}.number",
            )
        )
    elif clause.number in seen:
        problems.append(
            Refusal(
                "invalid",
                Phrase(
                    N_("Clause {position}: the number {number} is used twice."),
                    {"position": index + 1, "number": clause.number},
                ),
                f"{where}.number",
            )
        )
    seen.add(clause.number)
    if CONTROL.search(clause.heading):
        problems.append(_control(f"{where}.heading"))
    elif len(clause.heading) > HEADING_LIMIT:
        problems.append(_too_long(f"{where}.heading", N_("The heading"), len(clause.heading), HEADING_LIMIT))
    if CONTROL.search(clause.text):
        problems.append(_control(f"{where}.text"))
    elif not clause.text.strip():
        problems.append(
            Refusal(
                "invalid",
                Phrase(N_("Clause {position} has no text."), {"position": index + 1}),
                f"{where}.text",
            )
        )
    elif len(clause.text) > CLAUSE_TEXT_LIMIT:
        problems.append(_too_long(f"{where}.text", N_("The text"), len(clause.text), CLAUSE_TEXT_LIMIT))
    return problems


# --- corrections of a draft in preparation (in place, each a new draft) --------------------------------


def move_clause(draft: Draft, index: int, by: int) -> Draft:
    """The clause at ``index`` moved ``by`` places (-1 up, 1 down); at an end, nothing moves."""
    target = index + by
    if not (0 <= index < len(draft.clauses) and 0 <= target < len(draft.clauses)):
        return draft
    clauses = list(draft.clauses)
    clauses[index], clauses[target] = clauses[target], clauses[index]
    return replace(draft, clauses=tuple(clauses))


def insert_clause(draft: Draft, index: int, clause: DraftClause) -> Draft:
    """``clause`` inserted at ``index`` (at the end when ``index`` is past it)."""
    clauses = list(draft.clauses)
    clauses.insert(max(0, min(index, len(clauses))), clause)
    return replace(draft, clauses=tuple(clauses))


def remove_clause(draft: Draft, index: int) -> Draft:
    """The draft without the clause at ``index``."""
    return replace(draft, clauses=tuple(c for i, c in enumerate(draft.clauses) if i != index))


def change_clause(draft: Draft, index: int, clause: DraftClause) -> Draft:
    """The draft with the clause at ``index`` replaced by ``clause``."""
    return replace(draft, clauses=tuple(clause if i == index else c for i, c in enumerate(draft.clauses)))


def next_number(draft: Draft) -> str:
    """A number for a clause added at the end: one more than the last whole number used."""
    whole = [int(c.number) for c in draft.clauses if c.number.isascii() and c.number.isdecimal()]
    number = max(whole, default=0) + 1
    taken = {c.number for c in draft.clauses}
    while str(number) in taken:
        number += 1
    return str(number)


# --- editorial corrections of a circulated clause -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class CorrectionFacts:
    """What an editorial correction of one clause depends on."""

    role: str
    status: str
    """The document's status."""
    frozen: Refusal | None
    """What ``core.versions.frozen_refusal`` says of the clause's version (superseded, adopted)."""
    open_rounds: int = 0
    """Rounds open or prepared on this clause, on its version's whole text, or on its amendments."""
    pending_amendments: int = 0
    """Amendments to this clause proposed, or accepted and not yet consolidated."""


@dataclass(frozen=True, slots=True)
class CorrectionChange:
    """The words an editorial correction changes in a clause's heading and text."""

    heading: TextDiff
    text: TextDiff

    @property
    def words(self) -> int:
        """Words changed: for each part, the larger of the words taken out and put in."""
        return max(self.heading.deleted_words, self.heading.inserted_words) + max(
            self.text.deleted_words, self.text.inserted_words
        )

    @property
    def changed(self) -> bool:
        return self.heading.changed or self.text.changed


def correction_change(old_heading: str, old_text: str, new_heading: str, new_text: str) -> CorrectionChange:
    """The word differences of a correction."""
    return CorrectionChange(word_diff(old_heading, new_heading), word_diff(old_text, new_text))


def correction_refusal(facts: CorrectionFacts, change: CorrectionChange, reason: str) -> Refusal | None:
    """Whether this editorial correction may be made: by the secretariat, to the latest version of
    a circulated document, to a clause no open round, no pending amendment is about (they were
    written against its words), for a reason, changing a few words at most."""
    if facts.role != SECRETARIAT:
        return Refusal("forbidden", Phrase(N_("Only the secretariat makes editorial corrections."), {}))
    if facts.status == PREPARATION:
        return Refusal("conflict", Phrase(N_("This document is in preparation: edit its text directly."), {}))
    if facts.frozen is not None:
        return facts.frozen
    if facts.open_rounds:
        return Refusal(
            "conflict",
            Phrase(N_("A round on this clause or this version is prepared or open: correct it after the round."), {}),
        )
    if facts.pending_amendments:
        return Refusal(
            "conflict",
            Phrase.counted(
                Nn_(
                    "{n} amendment to this clause is proposed or accepted and not yet consolidated: it was "
                    "written against its words. Make the correction in the amendment, or after consolidation.",
                    "{n} amendments to this clause are proposed or accepted and not yet consolidated: they "
                    "were written against its words. Make the correction in the amendment, or after "
                    "consolidation.",
                ),
                facts.pending_amendments,
                {"n": facts.pending_amendments},
            ),
        )
    return _change_refusal(change, reason)


def _change_refusal(change: CorrectionChange, reason: str) -> Refusal | None:
    if not reason.strip():
        return Refusal(
            "invalid", Phrase(N_("Say what the correction corrects (a typo, a repeated word...)."), {}), "reason"
        )
    if not change.changed:
        return Refusal("invalid", Phrase(N_("The correction changes nothing."), {}), "text")
    if change.words > EDITORIAL_WORDS:
        return Refusal(
            "invalid",
            Phrase(
                N_(
                    "This correction changes {n} words; an editorial correction changes at most {limit}. "
                    "A change of substance is made by amendment."
                ),
                {"n": change.words, "limit": EDITORIAL_WORDS},
            ),
            "text",
        )
    return None
