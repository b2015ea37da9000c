"""Secret rounds through HTTP and in the database: figures that would name a voter are withheld on
every page, API answer, public text and export; the chair is warned about small or unequal
electorates; and the stored data keeps no link between a delegation and its choice."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import pytest
from docx import Document
from pypdf import PdfReader
from sqlalchemy import MetaData, select, text, update
from sqlmodel import Session

from consensus.core.sealing import unseal
from consensus.models import AuditEvent, Delegation, Participation, SecretTally
from tests.conftest import q

API = "/api/v1"
GROUP = f"{API}/groups/oewg-ict"
VERSION = f"{GROUP}/documents/declaration/versions/1"
WITHHELD = "withheld to keep the ballot secret"
SIGN_IN = {"api_token", "auth_session"}
"""Rows a request may touch to record that its token or session was used (never a choice)."""


def set_weights(db: Session, **weights: str) -> None:
    session = q(db)
    for code, weight in weights.items():
        session.execute(update(Delegation).where(Delegation.code == code).values(weight=Decimal(weight)))
    session.commit()


def secret_round(api, rule: object = "weighted_majority", **body: object) -> int:  # type: ignore[no-untyped-def]
    created = api("chair").post(
        f"{GROUP}/rounds",
        {"document": "declaration", "title": "Secret vote on the text", "rule": rule, "secret": True, **body},
    )
    assert created.status_code == 201, created.text
    rid = int(created.json()["id"])
    assert api("chair").post(f"{API}/rounds/{rid}/open").status_code == 200
    return rid


def cast(api, rid: int, ballots: dict[str, str]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each head casts its ballot; returns the change keys."""
    keys = {}
    for head, choice in ballots.items():
        response = api(f"{head}.head").put(f"{API}/rounds/{rid}/ballot", {"choice": choice})
        assert response.status_code == 200, response.text
        keys[head] = response.json()["change_key"]
    return keys


def test_a_secret_weighted_round_with_weights_10_5_1_shows_its_outcome_and_nothing_that_names_a_voter(
    api, client, db: Session
) -> None:  # type: ignore[no-untyped-def]
    set_weights(db, KEN="10", IND="5", BRA="1")
    rid = secret_round(api)
    cast(api, rid, {"ken": "yes", "ind": "no", "bra": "yes"})
    closed = api("chair").post(f"{API}/rounds/{rid}/close").json()
    result = closed["result"]
    assert result["passed"] is True and result["quorum_met"] is True
    assert result["withheld"] == ["counts", "weights"]
    assert all(share == {"count": None, "weight": None} for share in result["tally"].values())
    assert "11" not in result["reason"] and WITHHELD in result["reason"]
    assert result["need_weight"] is None and result["need_count"] is None
    for viewer in ("observer", "ken.head", "chair"):
        page = api(viewer).get(f"/groups/oewg-ict/rounds/{rid}").text
        assert "Result: passed" in page and WITHHELD in page
        assert "yes weight 11" not in page and 'role="img"' not in page  # no chart, no table of figures
        assert "Delegations that took part" in page and "Kenya" in page
    # Adopted by that round and published: the public text and every download say no more.
    adopted = api("chair").post(f"{VERSION}/adopt", {"round": rid, "override_reason": "Adopted by secret ballot."})
    assert adopted.status_code == 200, adopted.text
    assert api("secretariat").post(f"{VERSION}/publish").status_code == 200
    public = client.get("/p/oewg-ict/declaration").text
    assert WITHHELD in public and "yes weight 11" not in public
    for suffix in ("html", "md", "json", "akn.xml"):
        body = client.get(f"/p/oewg-ict/declaration/v1.{suffix}").text
        assert "yes weight 11" not in body and "11 &gt; 5" not in body and WITHHELD in body, suffix
    docx = client.get("/p/oewg-ict/declaration/v1.docx")
    words = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "yes weight 11" not in words and WITHHELD in words
    pdf = PdfReader(io.BytesIO(client.get("/p/oewg-ict/declaration/v1.pdf").content))
    printed = " ".join((page.extract_text() or "") for page in pdf.pages).replace("\n", " ")
    assert "yes weight 11" not in printed and "withheld to keep the" in printed


def test_a_secret_round_with_figures_that_leave_every_choice_open_shows_them(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    set_weights(db, **dict.fromkeys(["KEN", "IND", "BRA", "JPN", "DEU", "CAN"], "1"))
    rid = secret_round(api)
    cast(api, rid, {"ken": "yes", "ind": "no", "bra": "yes", "jpn": "yes", "deu": "no", "can": "abstain"})
    result = api("chair").post(f"{API}/rounds/{rid}/close").json()["result"]
    assert result["withheld"] == []
    assert result["tally"]["yes"] == {"count": 3, "weight": "3"} and result["tally"]["no"]["count"] == 2
    assert result["reason"].startswith("Passed: yes weight 3 > no weight 2")


def test_a_secret_iso_round_never_gives_the_single_observing_delegation_away(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    # The demo's Holy See is the only observing delegation; ISO counts observing members apart.
    rid_draft = api("chair").post(
        f"{GROUP}/rounds", {"document": "declaration", "title": "ISO ballot", "rule": "iso", "secret": True}
    )
    warning = rid_draft.json()["secrecy_warning"]
    assert warning and "VAT" in warning and "only delegation with its voting status" in warning
    page = api("chair").get(f"/groups/oewg-ict/rounds/{rid_draft.json()['id']}").text
    assert "Warning:" in page and "VAT" in page
    assert "Warning:" not in api("ken.head").get(f"/groups/oewg-ict/rounds/{rid_draft.json()['id']}").text
    rid = secret_round(api, rule="iso")
    cast(api, rid, {"ken": "yes", "ind": "yes", "bra": "yes", "jpn": "no", "vat": "no"})
    result = api("chair").post(f"{API}/rounds/{rid}/close").json()["result"]
    assert result["withheld"] == ["split"]
    assert "participating members" not in result["reason"]  # the split would show what VAT chose
    assert result["tally"]["no"]["count"] == 2 and "all members voting: 2 no" in result["reason"]


def test_the_chair_is_not_warned_about_a_large_equal_electorate(api) -> None:  # type: ignore[no-untyped-def]
    created = api("chair").post(
        f"{GROUP}/rounds", {"document": "declaration", "title": "Vote", "rule": "simple_majority", "secret": True}
    )
    assert created.json()["secrecy_warning"] is None


def test_a_weighted_secret_round_warns_of_a_delegation_that_outweighs_the_rest(api) -> None:  # type: ignore[no-untyped-def]
    # India's weight (1,428.63 million) is more than all the other participating delegations together.
    created = api("chair").post(
        f"{GROUP}/rounds", {"document": "declaration", "title": "Vote", "rule": "weighted_majority", "secret": True}
    )
    assert "IND weighs as much as all the other delegations together" in created.json()["secrecy_warning"]


def test_a_secret_ballot_changes_only_with_its_own_key(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    rid = secret_round(api, rule="simple_majority")
    keys = cast(api, rid, {"ken": "no", "ind": "yes"})
    changed = api("ken.head").put(f"{API}/rounds/{rid}/ballot", {"choice": "yes", "change_key": keys["ken"]})
    assert changed.status_code == 200 and changed.json()["changed"] is True
    # India's key does not open Kenya's seal (it is bound to its delegation), and no key at all is refused.
    assert (
        api("ken.head").put(f"{API}/rounds/{rid}/ballot", {"choice": "no", "change_key": keys["ind"]}).status_code
        == 409
    )
    assert api("ken.head").put(f"{API}/rounds/{rid}/ballot", {"choice": "no"}).status_code == 409
    counters = q(db).get(SecretTally, rid)
    assert counters is not None and json.loads(counters.counts) == {"all": {"yes": {"count": 2, "weight": "0"}}}
    receipts = json.loads(counters.receipts)
    assert receipts == sorted(receipts) and changed.json()["receipt"] in receipts and len(receipts) == 2


def _rows(db: Session) -> dict[str, set[tuple[object, ...]]]:
    """Every row of every table, as text (what a copy of the database holds)."""
    metadata = MetaData()
    metadata.reflect(bind=q(db).get_bind())
    return {
        name: {tuple(str(value) for value in row) for row in q(db).execute(table.select()).all()}
        for name, table in metadata.tables.items()
    }


@pytest.mark.parametrize("choices", [("yes", "no"), ("no", "yes")])
def test_a_secret_ballot_writes_nothing_that_ties_its_delegation_to_its_choice(
    api, db: Session, choices: tuple[str, str]
) -> None:  # type: ignore[no-untyped-def]
    rid = secret_round(api, rule="simple_majority")
    written = []
    for head, choice in zip(("ken", "ind"), choices, strict=True):
        before = _rows(db)
        cast(api, rid, {head: choice})
        after = _rows(db)
        written.append(
            {name: after[name] - before.get(name, set()) for name in after if after[name] - before.get(name, set())}
        )
    for new_rows, choice in zip(written, choices, strict=True):
        # A participation (with its seal), the round's counters, an audit event (and the chain's head),
        # and the bearer token's last use.
        assert set(new_rows) <= {"participation", "secret_tally", "audit_event", "audit_head", *SIGN_IN}, set(new_rows)
        for table, rows in new_rows.items():
            if table != "secret_tally":
                # The choice as a word of its own (a seal is base64url: its letters may spell "no" by chance).
                spelled = re.compile(rf"(?<![A-Za-z0-9_-]){choice}(?![A-Za-z0-9_-])")
                assert not any(spelled.search(value) for row in rows for value in row), (table, rows)
    events = q(db).execute(select(AuditEvent.details).where(AuditEvent.action == "ballot.cast")).scalars().all()
    assert events == ['{"secret":true}', '{"secret":true}']
    seals = q(db).execute(select(Participation.sealed).where(Participation.round_id == rid)).scalars().all()
    assert len({len(seal or "") for seal in seals}) == 1
    assert all(unseal(seal or "", "a guess", rid, 1) is None for seal in seals)
    # With PostgreSQL, rows carry the transaction that wrote them (xmin): only the participation and
    # the audit event may share the first voter's; the counters were rewritten by the second ballot.
    if q(db).get_bind().dialect.name == "postgresql":
        first = (
            q(db)
            .execute(
                text(
                    "SELECT p.xmin::text FROM participation p JOIN delegation d ON d.id = p.delegation_id "
                    "WHERE p.round_id = :rid AND d.code = 'KEN'"
                ),
                {"rid": rid},
            )
            .scalar_one()
        )
        tables = q(db).execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars().all()
        sharing = {
            table
            for table in tables
            if q(db).execute(text(f'SELECT count(*) FROM "{table}" WHERE xmin::text = :x'), {"x": first}).scalar_one()
        }
        assert sharing <= {"participation", "audit_event", *SIGN_IN}, sharing


def test_an_objection_in_a_consensus_round_needs_its_text(api) -> None:  # type: ignore[no-untyped-def]
    created = api("chair").post(
        f"{GROUP}/rounds", {"document": "declaration", "title": "Consensus", "rule": "consensus", "clause": "3.2"}
    )
    rid = created.json()["id"]
    api("chair").post(f"{API}/rounds/{rid}/open")
    refused = api("ken.head").put(f"{API}/rounds/{rid}/ballot", {"choice": "objection", "explanation": "  "})
    assert refused.status_code == 422 and "explanation" in refused.text
    assert api("ken.head").put(f"{API}/rounds/{rid}/ballot", {"choice": "reservation"}).status_code == 422
    assert api("ken.head").put(f"{API}/rounds/{rid}/ballot", {"choice": "support"}).status_code == 200
    stated = api("ind.head").put(f"{API}/rounds/{rid}/ballot", {"choice": "objection", "explanation": "Too short."})
    assert stated.status_code == 200


def test_a_closed_simple_majority_round_draws_no_threshold_on_its_weights(api) -> None:  # type: ignore[no-untyped-def]
    created = api("chair").post(
        f"{GROUP}/rounds", {"document": "declaration", "title": "Majority", "rule": "simple_majority"}
    )
    rid = created.json()["id"]
    api("chair").post(f"{API}/rounds/{rid}/open")
    cast(api, rid, {"ken": "yes", "ind": "no", "bra": "yes"})
    result = api("chair").post(f"{API}/rounds/{rid}/close").json()["result"]
    assert result["need_weight"] is None and result["need_count"] is None
    page = api("observer").get(f"/groups/oewg-ict/rounds/{rid}").text
    assert "Needed for yes: 0" not in page and "needed: 0" not in page
