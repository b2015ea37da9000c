"""The published annex and every export show a position stated on an earlier text as such — the
version it was stated on and the words of the clause then — never as if it were on the adopted text
(Nigeria's objection "on a 24-hour timeline" under a clause that now says 72 hours)."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import docx
import pytest
from pypdf import PdfReader
from sqlalchemy import update
from sqlmodel import Session

from consensus.agreement import services as agreement
from consensus.amendments import services as amendments
from consensus.documents import versions
from consensus.models import Clause
from tests.conftest import D, post_form, q, who

G, DOC = "oewg-ict", "declaration"
PUBLIC = f"/p/{G}/{DOC}"
OLD_WORDS = "within [24][72] hours of its detection"
NEW_TEXT = (
    "Where a cyber incident with significant cross-border impact is detected, the national CERT of the affected "
    "State should notify the points of contact of other States likely to be affected within 72 hours of its detection."
)
NIGERIA = "Nigeria cannot accept notification on a 24-hour timeline."
BRAZIL = "Brazil reserves its position on the 72-hour deadline."
KENYA = "Kenya supports the designation of points of contact, with a reservation on annual checks."
INDIA = "India objects to the declaration as a whole."


@pytest.fixture
def published(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    """Positions stated on version 1; clause 4.3 changed by an amendment into version 2 (4.1 left
    as it was); a fresh reservation on 4.3 of version 2; version 2 adopted and published."""
    head = {code: who(db, f"{code}.head@demo.example") for code in ["nga", "ken", "ind", "bra"]}
    agreement.state_position(db, head["nga"], G, DOC, "4.3", "objection", NIGERIA)
    agreement.state_position(db, head["ken"], G, DOC, "4.1", "reservation", KENYA)
    agreement.state_position(db, head["ind"], G, DOC, None, "objection", INDIA)
    amendment = amendments.propose(
        db, head["bra"], G, DOC, "4.3", amendments.AmendmentInput("replace", NEW_TEXT, "Settle on 72 hours.")
    )
    amendments.decide(db, who(db, "chair@demo.example"), G, amendment, "accepted", "")
    assert versions.consolidate_version(db, who(db, "secretariat@demo.example"), G, DOC) == 2
    agreement.state_position(db, head["bra"], G, DOC, "4.3", "reservation", BRAZIL)
    q(db).execute(update(Clause).values(status="agreed_ad_ref"))
    db.commit()
    assert post_form(browsers("chair"), f"{D}/versions/2/adopt", {"round": ""}, page=f"{D}/versions").status_code == 303
    assert post_form(browsers("secretariat"), f"{D}/versions/2/publish", {}, page=f"{D}/versions").status_code == 303


def squash(text: str) -> str:
    return " ".join(text.split())


def test_the_public_annex_says_which_statements_were_made_on_an_earlier_text(published, client) -> None:  # type: ignore[no-untyped-def]
    page = squash(client.get(f"{PUBLIC}/v2").text)
    nigeria = page[page.index(NIGERIA) :]
    assert nigeria.startswith(f"{NIGERIA} <p") and "Stated on version 1, on clause 4.3 as it then read:" in nigeria
    assert OLD_WORDS in nigeria[: nigeria.index("</blockquote>")]
    india = page[page.index(INDIA) :]
    assert "Stated on version 1, on the whole text as it then stood." in india[:200]
    # On this text: nothing added. Kenya's clause 4.1 did not change, Brazil spoke on version 2.
    for current in (KENYA, BRAZIL):
        assert not page[page.index(current) :].split("</li>")[0].count("Stated on version")


def test_every_export_marks_the_statement_made_on_an_earlier_text(published, client) -> None:  # type: ignore[no-untyped-def]
    note = "Stated on version 1, on clause 4.3 as it then read:"
    for fmt in ["html", "md"]:
        body = squash(client.get(f"{PUBLIC}/v2.{fmt}").text.replace("\\", ""))
        after = body[body.index(NIGERIA) :]
        assert note in after[:300] and OLD_WORDS in after[:1200], fmt
        assert "Stated on version" not in body[body.index(BRAZIL) :][:120], fmt

    statements = client.get(f"{PUBLIC}/v2.json").json()["statements"]
    [objection] = statements["Nigeria"]
    assert objection["stated_on"]["version"] == 1 and objection["stated_on"]["clause"] == "4.3"
    assert OLD_WORDS in objection["stated_on"]["text"]
    assert statements["Brazil"][0]["stated_on"] is None and statements["Kenya"][0]["stated_on"] is None
    assert statements["India"][0]["stated_on"] == {"version": 1, "clause": None, "text": None}

    paragraphs = [p.text for p in docx.Document(io.BytesIO(client.get(f"{PUBLIC}/v2.docx").content)).paragraphs]
    at = next(i for i, p in enumerate(paragraphs) if NIGERIA in p)
    assert paragraphs[at + 1].startswith(note) and OLD_WORDS in paragraphs[at + 1]

    root = ET.fromstring(client.get(f"{PUBLIC}/v2.akn.xml").content)  # noqa: S314 (our own output)
    texts = [p.text or "" for p in root.iter("{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}p")]
    at = next(i for i, t in enumerate(texts) if NIGERIA in t)
    assert texts[at + 1].startswith(note) and OLD_WORDS in texts[at + 1]

    pdf = squash(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(client.get(f"{PUBLIC}/v2.pdf").content)).pages)
    )
    assert "Stated on version 1, on clause 4.3 as it then read" in pdf and "24][72] hours" in pdf


def test_the_json_export_is_valid_for_statements_on_this_text(published, client) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(client.get(f"{PUBLIC}/v2.json").content)
    assert all("stated_on" in s for items in data["statements"].values() for s in items)
