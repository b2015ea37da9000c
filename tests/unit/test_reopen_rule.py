"""When the chair may reopen the acceptance of an amendment (one rule for the button and the write path)."""

from __future__ import annotations

import pytest

from consensus.core.amendment import AmendmentFacts, reopen_refusal
from consensus.core.tally import Words
from consensus.core.versions import frozen_refusal

ACCEPTED = AmendmentFacts(4, "accepted", version=2)
FROZEN = frozen_refusal(2, 3, superseded=True, adopted=False)


def test_the_chair_reopens_an_accepted_amendment_not_yet_consolidated() -> None:
    assert reopen_refusal("chair", ACCEPTED) is None


@pytest.mark.parametrize("role", ["secretariat", "delegate", "observer"])
def test_nobody_else_does(role: str) -> None:
    refusal = reopen_refusal(role, ACCEPTED)
    assert refusal is not None and refusal.kind == "forbidden"


@pytest.mark.parametrize(
    ("amendment", "says"),
    [
        (
            AmendmentFacts(4, "proposed", 2),
            "Amendment 4 has not been accepted: only an accepted one can be reopened.",
        ),
        (AmendmentFacts(4, "rejected", 2), "Amendment 4 has not been accepted"),
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
