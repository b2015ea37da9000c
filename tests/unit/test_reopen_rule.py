"""When the chair may reopen the decision on an amendment, accepted or rejected (one rule for the
button and the write path)."""

from __future__ import annotations

import pytest

from consensus.core.amendment import AmendmentFacts, reopen_refusal
from consensus.core.tally import Words
from consensus.core.versions import frozen_refusal

ACCEPTED = AmendmentFacts(4, "accepted", version=2)
FROZEN = frozen_refusal(2, 3, superseded=True, adopted=False)


def test_the_chair_reopens_an_accepted_amendment_not_yet_consolidated() -> None:
    assert reopen_refusal("chair", ACCEPTED) is None


def test_the_chair_reopens_a_rejected_amendment_and_a_rejected_compromise() -> None:
    assert reopen_refusal("chair", AmendmentFacts(4, "rejected", 2)) is None
    assert reopen_refusal("chair", AmendmentFacts(4, "rejected", 2, compromise=True)) is None


@pytest.mark.parametrize("role", ["secretariat", "delegate", "observer"])
def test_nobody_else_does(role: str) -> None:
    refusal = reopen_refusal(role, ACCEPTED)
    assert refusal is not None and refusal.kind == "forbidden"


@pytest.mark.parametrize(
    ("amendment", "says"),
    [
        (
            AmendmentFacts(4, "proposed", 2),
            "Amendment 4 is proposed: only an accepted or rejected one can be reopened.",
        ),
        (AmendmentFacts(4, "withdrawn", 2), "Amendment 4 is withdrawn: only an accepted or rejected"),
        (AmendmentFacts(4, "superseded", 2), "Amendment 4 is superseded by a compromise: only an accepted"),
        (AmendmentFacts(4, "rejected", 2, FROZEN), "Version 2 is frozen (superseded or adopted)"),
        (
            AmendmentFacts(4, "accepted", 2, FROZEN, applied_in=3),
            "Amendment 4 has been consolidated into version 3: it can no longer be reopened.",
        ),
        (AmendmentFacts(4, "accepted", 2, FROZEN), "Version 2 is frozen (superseded or adopted)"),
    ],
)
def test_a_decision_that_can_no_longer_change_is_not_reopened(amendment: AmendmentFacts, says: str) -> None:
    refusal = reopen_refusal("chair", amendment)
    assert refusal is not None and refusal.kind == "conflict"
    assert Words().phrase(refusal.phrase).startswith(says)
