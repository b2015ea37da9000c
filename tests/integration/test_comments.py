"""Comments on clauses through HTTP: threads, edits with history, withdrawal, dispositions, the table."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import func, select, update
from sqlmodel import Session

from consensus.comments import services as comments
from consensus.models import Comment, CommentRevision, WorkingGroup
from tests.conftest import D, clause_url, csrf_token, post_form, q, who


def comment_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<article class="comment[^"]*" id="comment-(\d+)"', html)]


def post(client, number: str = "3.2", version: int = 1, htmx: bool = False, **fields: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client, D)
    headers = {"HX-Request": "true"} if htmx else {}
    data = {"kind": "technical", "body": "The scope of this clause is unclear.", **fields, "_csrf_token": token}
    return client.post(f"{clause_url(number, version)}/comments", data=data, headers=headers, follow_redirects=False)


def count(db: Session, model=Comment) -> int:  # type: ignore[no-untyped-def]
    return q(db).execute(select(func.count()).select_from(model)).scalar_one()


def test_a_delegate_comments_for_their_delegation_and_the_clause_counts_it(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    ken = browsers("ken.head")
    response = post(ken, proposed_change="Say 'personal data' instead.", paragraph="2")
    assert response.status_code == 303
    assert re.search(r"/versions/1/clauses/3\.2#comment-\d+$", response.headers["location"])
    page = ken.get(clause_url("3.2")).text
    assert "The scope of this clause is unclear." in page and "Say &#39;personal data&#39; instead." in page
    assert "<strong>Kenya</strong>" in page and "Technical" in page and "paragraph 2" in page
    document = ken.get(D).text
    assert re.search(r'id="count-3-2">1 comment<', document)
    stored = q(db).execute(select(Comment)).scalar_one()
    assert stored.delegation_id == who(db, "ken.head@demo.example").membership("oewg-ict").delegation_id


def test_htmx_gets_the_thread_back_with_the_new_count_out_of_band(browsers) -> None:  # type: ignore[no-untyped-def]
    ken = browsers("ken.head")
    fragment = post(ken, htmx=True)
    assert fragment.status_code == 201
    assert fragment.text.lstrip().startswith('<div class="thread-panel" id="thread-3-2">')
    assert '<span id="count-3-2" hx-swap-oob="true">1 comment</span>' in fragment.text
    assert 'role="status"' in fragment.text and "<html" not in fragment.text
    # The same address without htmx is the full clause page.
    assert "<html" in ken.get(clause_url("3.2")).text
    assert "<html" not in ken.get(clause_url("3.2"), headers={"HX-Request": "true"}).text


def test_replies_form_one_thread(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    ken, ind = browsers("ken.head"), browsers("ind.head")
    post(ken)
    first = q(db).execute(select(Comment.id)).scalar_one()
    assert post(ind, body="We agree and suggest an example.", parent_id=str(first)).status_code == 303
    second_reply = post(ken, body="Replying to the reply.", parent_id=str(first + 1))
    assert second_reply.status_code == 303
    parents = q(db).execute(select(Comment.parent_id).where(Comment.id != first)).scalars().all()
    assert parents == [first, first]
    page = ken.get(clause_url("3.2")).text
    replies = page.split('class="replies"', 1)[1]
    assert "We agree and suggest an example." in replies and "Replying to the reply." in replies


def test_the_author_edits_and_the_earlier_text_is_kept(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    ken = browsers("ken.head")
    post(ken, body="First wording.")
    comment_id = q(db).execute(select(Comment.id)).scalar_one()
    edit = post_form(
        ken, f"/groups/oewg-ict/comments/{comment_id}/edit", {"kind": "editorial", "body": "Second wording."}
    )
    assert edit.status_code == 303
    page = ken.get(clause_url("3.2")).text
    assert "Second wording." in page and "1 earlier text" in page and "First wording." in page
    assert count(db, CommentRevision) == 1
    assert q(db).get(Comment, comment_id).kind == "editorial"  # type: ignore[union-attr]


def test_only_the_author_changes_or_withdraws_a_comment(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    post(browsers("ken.head"))
    comment_id = q(db).execute(select(Comment.id)).scalar_one()
    colleague = browsers("ken.delegate")
    for path, data in [("edit", {"body": "Hijacked."}), ("withdraw", {})]:
        refused = post_form(colleague, f"/groups/oewg-ict/comments/{comment_id}/{path}", data, page=D)
        assert refused.status_code == 403
        assert "Only the author" in refused.text
    assert q(db).get(Comment, comment_id).body == "The scope of this clause is unclear."  # type: ignore[union-attr]


def test_a_withdrawn_comment_stays_marked_and_stops_counting(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    ken = browsers("ken.head")
    post(ken, body="Second thoughts.")
    comment_id = q(db).execute(select(Comment.id)).scalar_one()
    assert post_form(ken, f"/groups/oewg-ict/comments/{comment_id}/withdraw", {}, page=D).status_code == 303
    page = ken.get(clause_url("3.2")).text
    assert "Withdrawn by its author." in page and "Second thoughts." not in page
    assert re.search(r'id="count-3-2">0 comments<', ken.get(D).text)


def test_the_secretariat_disposes_and_the_author_can_no_longer_edit(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    ken, secretariat = browsers("ken.head"), browsers("secretariat")
    post(ken)
    comment_id = q(db).execute(select(Comment.id)).scalar_one()
    disposed = post_form(
        secretariat,
        f"/groups/oewg-ict/comments/{comment_id}/disposition",
        {"disposition": "accepted_in_principle", "observation": "Will be clarified in the next version."},
        page=D,
    )
    assert disposed.status_code == 303
    page = ken.get(clause_url("3.2")).text
    assert "Accepted in principle" in page and "Will be clarified in the next version." in page
    late_edit = post_form(ken, f"/groups/oewg-ict/comments/{comment_id}/edit", {"body": "Too late."}, page=D)
    assert late_edit.status_code == 409 and "disposed of" in late_edit.text


@pytest.mark.parametrize("account", ["chair", "ken.head", "observer"])
def test_only_the_secretariat_disposes(browsers, db: Session, account: str) -> None:  # type: ignore[no-untyped-def]
    post(browsers("ken.head"))
    comment_id = q(db).execute(select(Comment.id)).scalar_one()
    refused = post_form(
        browsers(account), f"/groups/oewg-ict/comments/{comment_id}/disposition", {"disposition": "noted"}, page=D
    )
    assert refused.status_code == 403
    assert q(db).get(Comment, comment_id).disposition is None  # type: ignore[union-attr]


def test_a_rejection_needs_an_observation(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    post(browsers("ken.head"))
    comment_id = q(db).execute(select(Comment.id)).scalar_one()
    secretariat = browsers("secretariat")
    refused = secretariat.post(
        f"/groups/oewg-ict/comments/{comment_id}/disposition",
        data={"disposition": "rejected", "observation": "", "_csrf_token": csrf_token(secretariat, D)},
        headers={"HX-Request": "true"},
    )
    assert refused.status_code == 422 and "observation is required" in refused.text
    assert q(db).get(Comment, comment_id).disposition is None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("fields", "status", "says"),
    [
        ({"body": ""}, 422, "The comment is empty"),
        ({"body": "   "}, 422, "The comment is empty"),
        ({"body": "x" * 10_001}, 422, "The comment is too long"),
        ({"proposed_change": "y" * 10_001}, 422, "The proposed change is too long"),
        ({"kind": "rude"}, 422, "The kind must be one of"),
    ],
)
def test_bad_comments_are_refused_and_nothing_is_written(browsers, db: Session, fields, status, says) -> None:  # type: ignore[no-untyped-def]
    response = post(browsers("ken.head"), **fields)
    assert response.status_code == status
    assert says in response.text
    assert count(db) == 0


def test_a_comment_on_a_clause_that_does_not_exist_is_a_404(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    response = post(browsers("ken.head"), number="99.9")
    assert response.status_code == 404 and "no clause 99.9" in response.text
    assert count(db) == 0


def test_observers_comment_only_where_the_group_allows(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    observer = browsers("observer")
    assert post(observer).status_code == 303  # the demo group allows it
    q(db).execute(update(WorkingGroup).values(observers_may_comment=False))
    db.commit()
    refused = post(observer, body="Another one.")
    assert refused.status_code == 403 and "Observers may read but not comment" in refused.text
    assert count(db) == 1
    assert "Observers may read but not comment" in observer.get(clause_url("3.2")).text


def test_the_chair_and_the_secretariat_speak_for_the_group(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    assert post(browsers("chair"), body="Chair's note.").status_code == 303
    stored = q(db).execute(select(Comment)).scalar_one()
    assert stored.delegation_id is None and stored.role == "chair"
    assert "<strong>Chair</strong>" in browsers("ken.head").get(clause_url("3.2")).text


def test_typed_html_stays_text_in_threads_tables_and_csv(browsers) -> None:  # type: ignore[no-untyped-def]
    ken = browsers("ken.head")
    post(
        ken, body="<script>alert(1)</script>", proposed_change='=HYPERLINK("http://evil.example")', paragraph="<b>2</b>"
    )
    for path in [clause_url("3.2"), f"{D}/comments"]:
        text = ken.get(path).text
        assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert "<b>2</b>" not in text
    rows = list(csv.reader(io.StringIO(ken.get(f"{D}/comments.csv").text.lstrip("\ufeff"))))
    assert rows[1][5] == "<script>alert(1)</script>"
    assert rows[1][6].startswith("'=HYPERLINK")


def test_the_comment_table_has_the_iso_columns_and_filters(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    ken, ind, secretariat = browsers("ken.head"), browsers("ind.head"), browsers("secretariat")
    post(ken, number="3.2", kind="technical", body="Kenya on 3.2")
    post(ind, number="3.2", kind="editorial", body="India on 3.2")
    post(ind, number="4.1", kind="general", body="India on 4.1")
    noted = q(db).execute(select(Comment.id).where(Comment.body == "India on 4.1")).scalar_one()
    post_form(secretariat, f"/groups/oewg-ict/comments/{noted}/disposition", {"disposition": "noted"}, page=D)

    def bodies(query: str) -> list[str]:
        page = ken.get(f"{D}/comments?{query}")
        assert page.status_code == 200
        return re.findall(r"<td><p>((?:Kenya|India) on [\d.]+)</p></td>", page.text)

    assert bodies("") == ["Kenya on 3.2", "India on 3.2", "India on 4.1"]
    assert bodies("clause=3.2") == ["Kenya on 3.2", "India on 3.2"]
    assert bodies("kind=editorial") == ["India on 3.2"]
    assert bodies("delegation=IND") == ["India on 3.2", "India on 4.1"]
    assert bodies("disposition=noted") == ["India on 4.1"]
    assert bodies("disposition=none") == ["Kenya on 3.2", "India on 3.2"]
    header = ken.get(f"{D}/comments").text
    for column in [
        "Delegation",
        "Clause",
        "Paragraph",
        "Type",
        "Comment",
        "Proposed change",
        "Observations of the secretariat",
    ]:
        assert f'<th scope="col">{column}</th>' in header or f">{column}</abbr></th>" in header
    download = ken.get(f"{D}/comments.csv?delegation=IND")
    assert download.headers["content-type"] == "text/csv; charset=utf-8", "the charset named once"
    assert "attachment" in download.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(download.text.lstrip("\ufeff"))))
    assert rows[0][:8] == [
        "MB/NC",
        "Line number",
        "Clause/Subclause",
        "Paragraph/Figure/Table",
        "Type of comment",
        "Comments",
        "Proposed change",
        "Observations of the secretariat",
    ]
    assert [(r[0], r[2], r[4], r[5], r[7]) for r in rows[1:]] == [
        ("IND", "3.2", "ed", "India on 3.2", ""),
        ("IND", "4.1", "ge", "India on 4.1", "Noted"),
    ]


def test_a_bad_filter_is_named(browsers) -> None:  # type: ignore[no-untyped-def]
    page = browsers("ken.head").get(f"{D}/comments?kind=shouting")
    assert page.status_code == 422 and "The kind must be one of" in page.text


def test_the_table_pages_through_many_comments(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    ken = who(db, "ken.head@demo.example")
    for i in range(comments.TABLE_PAGE_SIZE + 5):
        comments.post_comment(db, ken, "oewg-ict", "declaration", "1", comments.CommentInput(f"Note {i}", "general"))
    client = browsers("ken.head")
    first, second = client.get(f"{D}/comments").text, client.get(f"{D}/comments?page=2").text
    assert f"{comments.TABLE_PAGE_SIZE + 5} comments" in first
    assert first.count('<tr id="row-') == comments.TABLE_PAGE_SIZE and second.count('<tr id="row-') == 5
    assert 'href="?page=2"' in first
