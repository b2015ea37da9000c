"""Consolidation into new versions, superseded versions, and comparing versions, through HTTP."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from consensus.amendments import services as amendments
from consensus.audit.services import verify
from consensus.comments import services as comments
from consensus.models import Amendment, Clause, Version
from tests.conftest import D, clause_url, post_form, q, who

G, DOC = "oewg-ict", "declaration"


def accepted(db: Session, author: str, number: str, data: amendments.AmendmentInput) -> int:
    amendment_id = amendments.propose(db, who(db, f"{author}@demo.example"), G, DOC, number, data)
    amendments.decide(db, who(db, "chair@demo.example"), G, amendment_id, "accepted", "")
    return amendment_id


def clauses(db: Session, version: int) -> list[tuple[str, str, str, str]]:
    return [
        tuple(row)  # type: ignore[misc]
        for row in q(db)
        .execute(
            select(Clause.number, Clause.lineage, Clause.heading, Clause.text)
            .join(Version, Version.id == Clause.version_id)
            .where(Version.number == version)
            .order_by(Clause.position)
        )
        .all()
    ]


def consolidate(client, note: str = ""):  # type: ignore[no-untyped-def]
    return post_form(client, f"{D}/versions", {"note": note}, page=f"{D}/versions")


def test_the_secretariat_consolidates_accepted_amendments_into_the_next_version(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    before = clauses(db, 1)
    by_number = {number: lineage for number, lineage, _h, _t in before}
    replaced = accepted(
        db, "ken.head", "3.2", amendments.AmendmentInput("replace", "States shall protect personal data.")
    )
    inserted = accepted(
        db, "ind.head", "1.1", amendments.AmendmentInput("insert", "A new clause after 1.1.", heading="New")
    )
    deleted = accepted(db, "bra.head", "4.4", amendments.AmendmentInput("delete"))
    undecided = amendments.propose(
        db, who(db, "jpn.head@demo.example"), G, DOC, "5.1", amendments.AmendmentInput("delete")
    )

    response = consolidate(browsers("secretariat"), note="After the second reading.")
    assert response.status_code == 303 and response.headers["location"].endswith("?version=2&consolidated=1")
    after = clauses(db, 2)
    assert len(after) == len(before)  # one in, one out
    new_by_lineage = {lineage: (number, heading, text) for number, lineage, heading, text in after}
    assert new_by_lineage[by_number["3.2"]][2] == "States shall protect personal data."
    assert by_number["4.4"] not in new_by_lineage
    assert [number for number, *_ in after][:4] == ["1", "1.1", "1.2", "1.3"]
    assert new_by_lineage[by_number["1.2"]][0] == "1.3"  # renumbered to make room
    assert ("1.2", "New", "A new clause after 1.1.") in [(n, h, t) for n, _l, h, t in after]
    assert {lineage for _n, lineage, *_ in before} - {by_number["4.4"]} <= set(new_by_lineage)
    db_ = q(db)
    assert db_.execute(select(Version.note).where(Version.number == 2)).scalar_one() == "After the second reading."
    assert db_.execute(select(Version.superseded_at).where(Version.number == 1)).scalar_one() is not None
    applied = dict(db_.execute(select(Amendment.id, Amendment.applied_in_version_id)).all())
    version_two = db_.execute(select(Version.id).where(Version.number == 2)).scalar_one()
    assert applied[replaced] == applied[inserted] == applied[deleted] == version_two
    assert applied[undecided] is None
    lapsed = browsers("jpn.head").get(f"/groups/oewg-ict/amendments/{undecided}").text
    assert "it was not carried over" in lapsed
    assert verify(db_).ok


def test_conflicting_amendments_are_named_and_nothing_is_written(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    first = accepted(db, "ken.head", "3.2", amendments.AmendmentInput("replace", "One wording."))
    second = accepted(db, "ind.head", "3.2", amendments.AmendmentInput("delete"))
    versions_before = q(db).execute(select(func.count()).select_from(Version)).scalar_one()
    response = consolidate(browsers("secretariat"))
    assert response.status_code == 409
    link = '<a href="/groups/oewg-ict/amendments/{}">{}</a>'
    assert (
        f"Amendments {link.format(first, first)} and {link.format(second, second)} on clause 3.2: "
        "one deletes the clause the other changes"
    ) in response.text
    assert q(db).execute(select(func.count()).select_from(Version)).scalar_one() == versions_before
    assert q(db).execute(select(Version.superseded_at).where(Version.number == 1)).scalar_one() is None
    plan = browsers("chair").get(f"{D}/versions").text
    assert "conflict" in plan and f"Amendments {link.format(first, first)} and {link.format(second, second)}" in plan


def test_with_nothing_accepted_there_is_nothing_to_consolidate(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    response = consolidate(browsers("secretariat"))
    assert response.status_code == 422 and "nothing to consolidate" in response.text
    assert q(db).execute(select(func.count()).select_from(Version)).scalar_one() == 1


@pytest.mark.parametrize("account", ["chair", "ken.head", "observer"])
def test_only_the_secretariat_consolidates(browsers, db: Session, account: str) -> None:  # type: ignore[no-untyped-def]
    accepted(db, "ken.head", "3.2", amendments.AmendmentInput("replace", "Changed."))
    assert consolidate(browsers(account)).status_code == 403
    assert q(db).execute(select(func.count()).select_from(Version)).scalar_one() == 1


def test_a_superseded_version_is_read_only_but_readable(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    accepted(db, "ken.head", "3.2", amendments.AmendmentInput("replace", "Changed."))
    consolidate(browsers("secretariat"))
    ken = browsers("ken.head")
    old = ken.get(f"{D}?version=1")
    assert old.status_code == 200 and "superseded and is read-only" in old.text
    comment = post_form(ken, f"{clause_url('3.2', 1)}/comments", {"kind": "general", "body": "Late."}, page=D)
    assert comment.status_code == 409 and "read-only" in comment.text
    amendment = post_form(ken, f"{clause_url('3.2', 1)}/amendments", {"kind": "delete", "text": ""}, page=D)
    assert amendment.status_code == 409
    assert "Propose an amendment" not in old.text.split('id="clause-3.2"', 1)[1].split("</section>", 1)[0]


def test_the_newest_version_shows_what_was_said_about_earlier_text(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    comments.post_comment(
        db, who(db, "ken.head@demo.example"), G, DOC, "3.2", comments.CommentInput("On the old text.", "technical")
    )
    accepted(db, "ken.head", "3.1", amendments.AmendmentInput("insert", "Inserted before 3.2."))
    consolidate(browsers("secretariat"))
    ken = browsers("ken.head")
    document = ken.get(D).text
    moved = document.split('id="clause-3.3"', 1)[1].split("</section>", 1)[0]  # 3.2 became 3.3
    assert "1 on earlier versions" in moved
    thread = ken.get(clause_url("3.3", 2)).text
    assert "in version 1 (then numbered 3.2)" in thread and "On the old text." in thread


def test_comparing_versions_shows_changes_and_folds_the_rest(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    accepted(db, "ken.head", "3.2", amendments.AmendmentInput("replace", "States shall adopt frameworks."))
    accepted(db, "ind.head", "2", amendments.AmendmentInput("insert", "Inserted clause text."))
    accepted(db, "bra.head", "10.1", amendments.AmendmentInput("delete"))
    consolidate(browsers("secretariat"))
    page = browsers("observer").get(f"{D}/compare?from=1&to=2")
    assert page.status_code == 200
    assert "1 clause changed, 1 added, 1 deleted" in " ".join(page.text.split())
    assert re.search(r"<del><span class=\"visually-hidden\">\[deleted: </span>should", page.text)
    assert "was 3</span>" in page.text  # old 3 is now 4
    assert "unchanged clauses" in page.text
    everything = browsers("observer").get(f"{D}/compare?from=1&to=2&all=1").text
    assert everything.count('<section class="change') > page.text.count('<section class="change')


@pytest.mark.parametrize(
    ("query", "status"),
    [("from=1&to=9", 404), ("from=1", 400), ("from=x&to=1", 400), ("from=0&to=1", 400)],
)
def test_bad_comparisons_are_refused(browsers, query: str, status: int) -> None:  # type: ignore[no-untyped-def]
    response = browsers("ken.head").get(f"{D}/compare?{query}")
    assert response.status_code in {status, 422}
