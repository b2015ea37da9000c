"""Who may comment, change or withdraw a comment, and dispose of one: one rule each, asked by the
thread's buttons and by the write paths alike."""

from __future__ import annotations

import pytest

from consensus.core.comment import CommentFacts, change_refusal, comment_refusal, dispose_refusal, reply_refusal
from consensus.core.refusal import Refusal
from consensus.core.tally import Words
from consensus.core.versions import frozen_refusal

AUTHOR = 7
MINE = CommentFacts(author_id=AUTHOR)
SUPERSEDED = frozen_refusal(1, 2, superseded=True, adopted=False)
ADOPTED = frozen_refusal(2, 2, superseded=False, adopted=True)


def says(refusal: Refusal | None) -> str:
    assert refusal is not None
    return Words().phrase(refusal.phrase)


@pytest.mark.parametrize("role", ["chair", "secretariat", "delegate", "observer"])
def test_every_member_comments_where_observers_may(role: str) -> None:
    assert comment_refusal(role, observers_may_comment=True, frozen=None) is None


def test_observers_only_read_where_the_group_says_so() -> None:
    refusal = comment_refusal("observer", observers_may_comment=False, frozen=None)
    assert refusal is not None and refusal.kind == "forbidden"
    assert says(refusal) == "Observers may read but not comment in this group."
    assert comment_refusal("delegate", observers_may_comment=False, frozen=None) is None


def test_nobody_comments_on_a_version_that_may_no_longer_change() -> None:
    assert comment_refusal("delegate", True, SUPERSEDED) is SUPERSEDED
    assert comment_refusal("chair", True, ADOPTED) is ADOPTED


def test_the_author_changes_their_comment_while_it_stands() -> None:
    assert change_refusal(AUTHOR, MINE, None) is None
    assert change_refusal(AUTHOR, CommentFacts(AUTHOR, reply=True), None) is None


def test_nobody_else_changes_it() -> None:
    refusal = change_refusal(8, MINE, None)
    assert refusal is not None and refusal.kind == "forbidden"
    assert says(refusal) == "Only the author of a comment can change or withdraw it."


@pytest.mark.parametrize(
    ("comment", "frozen", "words"),
    [
        (CommentFacts(AUTHOR, withdrawn=True), None, "This comment has been withdrawn."),
        (
            CommentFacts(AUTHOR, disposed=True),
            None,
            "The secretariat has disposed of this comment: it can no longer be changed.",
        ),
        (MINE, SUPERSEDED, "Version 1 has been superseded by version 2 and is read-only: work on the latest version."),
        (MINE, ADOPTED, "Version 2 has been adopted and is frozen: nothing in it can change."),
    ],
)
def test_a_comment_withdrawn_disposed_of_or_frozen_no_longer_changes(
    comment: CommentFacts, frozen: Refusal | None, words: str
) -> None:
    refusal = change_refusal(AUTHOR, comment, frozen)
    assert refusal is not None and refusal.kind == "conflict"
    assert says(refusal) == words


def test_the_secretariat_disposes_of_a_comment_even_on_a_superseded_version() -> None:
    assert dispose_refusal("secretariat", MINE, version=1, adopted=False) is None
    assert dispose_refusal("secretariat", CommentFacts(AUTHOR, disposed=True), 1, False) is None  # changed again


@pytest.mark.parametrize("role", ["chair", "delegate", "observer"])
def test_only_the_secretariat_disposes(role: str) -> None:
    refusal = dispose_refusal(role, MINE, 1, False)
    assert refusal is not None and refusal.kind == "forbidden"
    assert says(refusal) == "Only the secretariat disposes of comments."


@pytest.mark.parametrize(
    ("comment", "adopted", "words"),
    [
        (MINE, True, "Version 3 has been adopted and is frozen."),
        (CommentFacts(AUTHOR, reply=True), False, "Replies are discussion: dispose of the comment they answer."),
        (CommentFacts(AUTHOR, withdrawn=True), False, "This comment has been withdrawn by its author."),
    ],
)
def test_replies_withdrawn_comments_and_adopted_texts_are_not_disposed_of(
    comment: CommentFacts, adopted: bool, words: str
) -> None:
    refusal = dispose_refusal("secretariat", comment, 3, adopted)
    assert refusal is not None and refusal.kind == "conflict"
    assert says(refusal) == words


def test_a_comment_takes_replies_until_it_is_withdrawn() -> None:
    assert reply_refusal(MINE) is None
    assert reply_refusal(CommentFacts(AUTHOR, disposed=True)) is None
    refusal = reply_refusal(CommentFacts(AUTHOR, withdrawn=True))
    assert refusal is not None and refusal.kind == "conflict"
    assert says(refusal) == "That comment was withdrawn: it takes no replies."
