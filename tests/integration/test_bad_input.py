"""Bad input through HTTP: previews checked like saving, deeply nested JSON, non-ASCII digits in
ids, formula cells in CSV downloads. Each gets a clear 4xx naming what is wrong, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from consensus.models import Amendment
from tests.conftest import D, clause_url, csrf_token, q

NEW_TEXT = "States should cooperate, in a manner consistent with national law, to share threat information."


# --- the amendment preview applies the limits of saving ---------------------------------------------


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"text": "x" * 20_001}, "The amended text is too long"),
        ({"text": "States\x00 should"}, "control characters"),
        ({"kind": "insert", "text": ""}, "The amended text is empty"),
        ({"kind": "delete", "text": "Some text"}, "A deletion takes no text"),
        ({"rationale": "y" * 10_001}, "The rationale is too long"),
        ({"heading": "h" * 301}, "The heading is too long"),
        ({"kind": "rewrite"}, "The kind of amendment must be one of"),
    ],
)
def test_the_preview_refuses_exactly_what_proposing_refuses(browsers, db: Session, fields, says) -> None:  # type: ignore[no-untyped-def]
    ken = browsers("ken.head")
    data = {"kind": "replace", "text": NEW_TEXT, "rationale": "", **fields, "_csrf_token": csrf_token(ken, D)}
    preview_url = f"{clause_url('3.2')}/amendments/preview"
    proposed = ken.post(f"{clause_url('3.2')}/amendments", data=data, follow_redirects=False)
    fragment = ken.post(preview_url, data=data, headers={"HX-Request": "true"})
    page = ken.post(preview_url, data=data)
    for response in (proposed, fragment, page):
        assert response.status_code == 422, response.text[:300]
        assert says in response.text
    assert fragment.text.lstrip().startswith('<div id="diff-preview"')
    assert "<ins>" not in fragment.text and "<del>" not in fragment.text
    assert "<html" in page.text and "Please correct the following" in page.text
    assert q(db).execute(select(func.count()).select_from(Amendment)).scalar_one() == 0


def test_a_valid_preview_still_shows_the_difference(browsers) -> None:  # type: ignore[no-untyped-def]
    ken = browsers("ken.head")
    data = {"kind": "replace", "text": NEW_TEXT, "_csrf_token": csrf_token(ken, D)}
    fragment = ken.post(f"{clause_url('3.2')}/amendments/preview", data=data, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<ins>" in fragment.text
    blank = ken.get(f"{clause_url('3.2')}/amendments/new")
    assert blank.status_code == 200 and "No change yet" in blank.text and "Please correct" not in blank.text
    deletion = ken.get(f"{clause_url('3.2')}/amendments/new?kind=delete")
    assert "<del>" in deletion.text
