"""The secretariat disposes of comments from the comment table, row by row: with htmx the row comes
back in place, without it the same filtered table; and filters to what is still undisposed."""

from __future__ import annotations

import csv
import io

from sqlmodel import Session

from consensus.comments import services as comments
from consensus.models import Comment
from tests.conftest import D, csrf_token, post_form, q, who

TABLE = f"{D}/comments"


def comment(db: Session, account: str, number: str, body: str) -> int:
    return comments.post_comment(
        db,
        who(db, f"{account}@demo.example"),
        "oewg-ict",
        "declaration",
        number,
        comments.CommentInput(body, "technical"),
    )


def dispose_url(comment_id: int, query: str = "") -> str:
    return f"{TABLE}/{comment_id}/disposition" + (f"?{query}" if query else "")


def test_the_secretariat_sees_a_form_in_each_row_and_others_do_not(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    comment_id = comment(db, "ken.head", "3.2", "Tighten the wording.")
    page = browsers("secretariat").get(f"{TABLE}?clause=3.2").text
    assert f'action="{dispose_url(comment_id, "clause=3.2")}"' in page
    assert f'data-hx-post="{dispose_url(comment_id, "clause=3.2")}"' in page
    assert 'data-hx-target="closest tr"' in page and f'id="row-{comment_id}"' in page
    assert "Disposition of the comment by Kenya on clause 3.2" in page, "each field is named for its row"
    for account in ("chair", "ken.head", "observer"):
        assert "row-dispose" not in browsers(account).get(TABLE).text, account


def test_without_javascript_a_disposal_returns_to_the_same_filtered_table(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    first = comment(db, "ken.head", "3.2", "Tighten the wording.")
    second = comment(db, "ind.head", "3.2", "Add a reference.")
    secretariat = browsers("secretariat")
    response = post_form(
        secretariat,
        dispose_url(first, "disposition=none&clause=3.2"),
        {"disposition": "accepted", "observation": "Done in v2."},
        page=TABLE,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"{TABLE}?disposition=none&clause=3.2#row-{first}"
    stored = q(db).get(Comment, first)
    assert stored is not None and stored.disposition == "accepted" and stored.observation == "Done in v2."
    page = secretariat.get(response.headers["location"]).text
    assert f'id="row-{second}"' in page and f'id="row-{first}"' not in page, "the undisposed are left"


def test_with_htmx_the_row_comes_back_in_place(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    comment_id = comment(db, "ken.head", "3.2", "Tighten the wording.")
    secretariat = browsers("secretariat")
    token = csrf_token(secretariat, TABLE)
    response = secretariat.post(
        dispose_url(comment_id, "disposition=none"),
        data={"disposition": "noted", "observation": "", "_csrf_token": token},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<tr id="row-{comment_id}">') and "<html" not in response.text
    assert "<strong>Noted</strong>" in response.text and "Disposition recorded." in response.text
    assert f'action="{dispose_url(comment_id, "disposition=none")}"' in response.text


def test_a_refused_disposal_says_why_in_its_row_and_writes_nothing(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    comment_id = comment(db, "ken.head", "3.2", "Tighten the wording.")
    secretariat = browsers("secretariat")
    token = csrf_token(secretariat, TABLE)
    data = {"disposition": "rejected", "observation": "", "_csrf_token": token}
    fragment = secretariat.post(dispose_url(comment_id), data=data, headers={"HX-Request": "true"})
    assert fragment.status_code == 422
    assert "an observation is required" in fragment.text and 'aria-invalid="true"' in fragment.text
    assert '<option value="rejected" selected>' in fragment.text, "the choice is kept"
    page = secretariat.post(dispose_url(comment_id, "clause=3.2"), data=data)
    assert page.status_code == 422 and "<h1>" in page.text and "an observation is required" in page.text
    stored = q(db).get(Comment, comment_id)
    assert stored is not None and stored.disposition is None


def test_a_disposal_is_refused_for_a_comment_of_another_document_or_by_another_role(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    comment_id = comment(db, "ken.head", "3.2", "Tighten the wording.")
    other = post_form(
        browsers("secretariat"),
        f"/groups/oewg-ict/documents/no-such/comments/{comment_id}/disposition",
        {"disposition": "noted"},
        page=TABLE,
    )
    assert other.status_code == 404
    chair = post_form(browsers("chair"), dispose_url(comment_id), {"disposition": "noted"}, page=TABLE)
    assert chair.status_code == 403
    stored = q(db).get(Comment, comment_id)
    assert stored is not None and stored.disposition is None


def test_undisposed_only_filters_the_page_the_csv_and_the_api(browsers, api, db: Session) -> None:  # type: ignore[no-untyped-def]
    disposed = comment(db, "ken.head", "3.2", "Tighten the wording.")
    open_one = comment(db, "ind.head", "4.1", "Add a reference.")
    comments.dispose_comment(db, who(db, "secretariat@demo.example"), "oewg-ict", disposed, "noted", "")
    secretariat = browsers("secretariat")
    table = secretariat.get(TABLE).text
    assert 'href="?disposition=none&amp;page=1">Only those not yet disposed of</a>' in table
    page = secretariat.get(f"{TABLE}?disposition=none").text
    assert f'id="row-{open_one}"' in page and f'id="row-{disposed}"' not in page
    rows = list(csv.reader(io.StringIO(secretariat.get(f"{TABLE}.csv?disposition=none").text.lstrip("\ufeff"))))
    column = rows[0].index("Comment ID")
    assert [row[column] for row in rows[1:]] == [str(open_one)]
    listed = api("secretariat").get("/api/v1/groups/oewg-ict/documents/declaration/comments?disposition=none")
    assert listed.status_code == 200 and [c["id"] for c in listed.json()] == [open_one]
