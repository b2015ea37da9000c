"""The versions page offers each person only the adoption they may record, exactly as the write path
decides (core.adoption): the secretariat is no longer shown a form it cannot use."""

from __future__ import annotations

import re

from sqlalchemy import func, select, update
from sqlmodel import Session

from consensus.models import Adoption, Clause
from consensus.voting import services as voting
from tests.conftest import D, post_form, q, who

ADOPT = f'action="{D}/versions/1/adopt"'


def passed_round(db: Session) -> int:
    chair = who(db, "chair@demo.example")
    rid = voting.create_round(
        db, chair, "oewg-ict", voting.RoundInput(document="declaration", title="Adoption vote", rule="simple_majority")
    )
    voting.open_round(db, chair, "oewg-ict", rid)
    voting.cast_ballot(db, who(db, "ken.head@demo.example"), "oewg-ict", rid, "yes")
    voting.close_round(db, chair, "oewg-ict", rid)
    return rid


def agree_everything(db: Session) -> None:
    q(db).execute(update(Clause).values(status="agreed_ad_ref"))
    db.commit()


def radios(page: str) -> dict[str, str]:
    """value -> 'disabled' / 'checked' / '' of each round choice on the page."""
    found = {}
    for value, rest in re.findall(r'<input type="radio" name="round" value="([^"]*)"([^>]*)>', page):
        found[value] = "disabled" if "disabled" in rest else "checked" if "checked" in rest else ""
    return found


def test_the_secretariat_sees_no_adoption_form_before_a_round_has_passed(browsers) -> None:  # type: ignore[no-untyped-def]
    page = browsers("secretariat").get(f"{D}/versions").text
    assert ADOPT not in page and 'name="override_reason"' not in page
    assert "there is none on version 1 yet" in page and 'id="adoption-blocked"' in page


def test_the_chair_is_offered_consensus_and_the_override_while_clauses_are_open(browsers) -> None:  # type: ignore[no-untyped-def]
    page = browsers("chair").get(f"{D}/versions").text
    assert ADOPT in page and radios(page) == {"": "checked"}
    assert 'name="override_reason"' in page


def test_after_a_passed_round_the_secretariat_is_offered_that_round_and_it_works(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    agree_everything(db)
    rid = passed_round(db)
    secretariat = browsers("secretariat")
    page = secretariat.get(f"{D}/versions").text
    assert ADOPT in page and radios(page) == {str(rid): "checked"}
    assert 'name="override_reason"' not in page
    chair_page = browsers("chair").get(f"{D}/versions").text
    assert radios(chair_page) == {str(rid): "", "": "checked"} and 'name="override_reason"' not in chair_page
    # What the page offered is accepted.
    assert post_form(secretariat, f"{D}/versions/1/adopt", {"round": str(rid)}, page=f"{D}/versions").status_code == 303
    assert q(db).execute(select(Adoption.round_id)).scalar_one() == rid


def test_with_clauses_open_the_secretariat_is_told_why_instead_of_given_a_form(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    rid = passed_round(db)
    secretariat = browsers("secretariat")
    page = secretariat.get(f"{D}/versions").text
    assert ADOPT not in page
    assert "cannot be adopted yet: clauses still open" in page and "The chair may override" in page
    # ... and the write path agrees: the same refusal, nothing written.
    refused = post_form(secretariat, f"{D}/versions/1/adopt", {"round": str(rid)}, page=f"{D}/versions")
    assert refused.status_code == 409 and "cannot be adopted yet" in refused.text
    assert q(db).execute(select(func.count()).select_from(Adoption)).scalar_one() == 0


def test_delegates_and_observers_see_no_adoption_form(browsers) -> None:  # type: ignore[no-untyped-def]
    for name in ["ken.head", "observer"]:
        page = browsers(name).get(f"{D}/versions").text
        assert ADOPT not in page and 'id="adoption-blocked"' not in page
