"""Why something may not be done now: the answer of the rules in ``core`` ("may this person do this
now?"), as a value the service turns into its error and the page into a reason shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from consensus.core.tally import Phrase


@dataclass(frozen=True, slots=True)
class Refusal:
    """``kind`` says which answer it is: the person may not (forbidden), the state of things forbids
    it (conflict), a value given is wrong (invalid, on ``field``), or what is still unsettled stands
    in the way (unsettled: someone else may override). ``phrase`` says why, in the reader's language
    once rendered."""

    kind: Literal["forbidden", "conflict", "invalid", "unsettled"]
    phrase: Phrase
    field: str = ""
