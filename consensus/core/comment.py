"""Who may do what with a comment now: post one, change or withdraw one's own, dispose of one.

Pure: the services load the facts into these values and ask before writing; the thread's flags
(``can_comment``, ``can_reply``, ``can_edit``, ``can_dispose``) ask the same functions, so nobody is shown a form
the write path would refuse. ``frozen`` is what ``core.versions.frozen_refusal`` says of the version
the comment is on (None while it may change).
"""

from __future__ import annotations

from dataclasses import dataclass

from consensus.core.refusal import Refusal
from consensus.core.tally import Phrase
from consensus.i18n import N_

OBSERVER, SECRETARIAT = "observer", "secretariat"


@dataclass(frozen=True, slots=True)
class CommentFacts:
    """What the rules on one comment depend on."""

    author_id: int
    reply: bool = False
    """A reply (discussion under a comment), not a comment of its own."""
    withdrawn: bool = False
    disposed: bool = False


def comment_refusal(role: str, observers_may_comment: bool, frozen: Refusal | None) -> Refusal | None:
    """Why a member with ``role`` may not comment on a clause of the version now, or None."""
    if role == OBSERVER and not observers_may_comment:
        return Refusal("forbidden", Phrase(N_("Observers may read but not comment in this group.")))
    return frozen


def reply_refusal(parent: CommentFacts) -> Refusal | None:
    """Why ``parent`` takes no reply now, or None: a withdrawn comment takes none."""
    if parent.withdrawn:
        return Refusal("conflict", Phrase(N_("That comment was withdrawn: it takes no replies.")))
    return None


def change_refusal(user_id: int, comment: CommentFacts, frozen: Refusal | None) -> Refusal | None:
    """Why user ``user_id`` may not edit or withdraw ``comment`` now, or None: only its author may,
    until it is withdrawn or disposed of, while its version may change."""
    if comment.author_id != user_id:
        return Refusal("forbidden", Phrase(N_("Only the author of a comment can change or withdraw it.")))
    if comment.withdrawn:
        return Refusal("conflict", Phrase(N_("This comment has been withdrawn.")))
    if comment.disposed:
        return Refusal(
            "conflict", Phrase(N_("The secretariat has disposed of this comment: it can no longer be changed."))
        )
    return frozen


def dispose_refusal(role: str, comment: CommentFacts, version: int, adopted: bool) -> Refusal | None:
    """Why a member with ``role`` may not dispose of ``comment`` (made on ``version``) now, or None.

    Only the secretariat disposes, of comments rather than replies, while they stand; comments on a
    superseded version are still disposed of, those on an adopted one are frozen.
    """
    if role != SECRETARIAT:
        return Refusal("forbidden", Phrase(N_("Only the secretariat disposes of comments.")))
    if adopted:
        return Refusal("conflict", Phrase(N_("Version {n} has been adopted and is frozen."), {"n": version}))
    if comment.reply:
        return Refusal("conflict", Phrase(N_("Replies are discussion: dispose of the comment they answer.")))
    if comment.withdrawn:
        return Refusal("conflict", Phrase(N_("This comment has been withdrawn by its author.")))
    return None


DELEGATE = "delegate"


def import_refusal(role: str, own_delegation: str, chosen: str) -> Refusal | None:
    """Why a member with ``role`` (of delegation ``own_delegation``, '' for none) may not import a
    commenting form for delegation ``chosen`` ('' when none was chosen), or None.

    A national body's form is its delegation's comments: a delegate brings in their own
    delegation's, the secretariat brings in any delegation's on its behalf (and must say whose).
    """
    if role == SECRETARIAT:
        if not chosen:
            return Refusal("invalid", Phrase(N_("Choose the delegation whose comments these are.")), field="delegation")
        return None
    if role != DELEGATE or not own_delegation:
        return Refusal(
            "forbidden",
            Phrase(N_("Only the secretariat, or a delegate for their own delegation, imports a commenting form.")),
        )
    if chosen and chosen.upper() != own_delegation.upper():
        return Refusal("forbidden", Phrase(N_("A delegate imports comments for their own delegation only.")))
    return None
