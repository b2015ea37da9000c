"""Reading pages: dashboard, group, document; security headers; escaping; errors as pages."""

from __future__ import annotations

import re

import pytest
import yaml
from litestar.testing import TestClient
from sqlmodel import Session

from consensus.audit.services import Actor
from consensus.core.groupfile import check_group_file
from consensus.groups.services import load_group_file
from consensus.i18n import format_number
from tests.conftest import login

DOC = "/groups/oewg-ict/documents/declaration"


def test_the_dashboard_lists_my_groups_and_documents(as_user) -> None:  # type: ignore[no-untyped-def]
    page = as_user("ken.head@demo.example").get("/")
    assert "Open-ended Working Group" in page.text
    assert "head of delegation" in page.text
    assert f'href="{DOC}"' in page.text


def test_the_group_page_lists_delegations_with_weights_and_status(as_user, demo_spec) -> None:  # type: ignore[no-untyped-def]
    page = as_user("ken.delegate@demo.example").get("/groups/oewg-ict")
    assert page.status_code == 200
    for delegation in demo_spec.delegations:
        assert delegation.name in page.text
        assert format_number(delegation.weight) in page.text  # 1,428.63 in English
    assert "Observing" in page.text and "Non-voting" in page.text
    for heading in ("Chair", "Secretariat", "Delegate", "Observer"):
        assert f"<h3>{heading} " in page.text
    # Delegates see names, not the members' e-mail addresses.
    assert "chair@demo.example" not in page.text


def test_the_secretariat_sees_member_emails(as_user) -> None:  # type: ignore[no-untyped-def]
    page = as_user("secretariat@demo.example").get("/groups/oewg-ict")
    assert "chair@demo.example" in page.text
    assert "Add a member" in page.text


def test_the_document_page_shows_every_clause_with_a_stable_anchor(as_user, demo_spec) -> None:  # type: ignore[no-untyped-def]
    page = as_user("ken.head@demo.example").get(DOC)
    assert page.status_code == 200
    document = demo_spec.documents[0]
    assert document.title in page.text
    assert "Version" in page.text and "Open for negotiation" in page.text
    ids = re.findall(r'<section class="clause[^"]*" id="([^"]+)"', page.text)
    assert ids == [f"clause-{c.number}" for c in document.clauses]
    for clause in document.clauses:
        assert f'href="#clause-{clause.number}"' in page.text
        assert clause.heading in page.text
    # Clause status is written out, not shown by colour alone.
    assert page.text.count(">Open</span>") + page.text.count("Open</span>") >= len(document.clauses)


def test_an_unknown_version_is_a_404_page(as_user) -> None:  # type: ignore[no-untyped-def]
    page = as_user("ken.head@demo.example").get(DOC + "?version=9")
    assert page.status_code == 404
    assert "has no version 9" in page.text


@pytest.mark.parametrize("bad", ["abc", "0", "-1"])
def test_a_malformed_version_is_refused_with_the_field_named(as_user, bad: str) -> None:  # type: ignore[no-untyped-def]
    page = as_user("ken.head@demo.example").get(DOC + f"?version={bad}")
    assert page.status_code in (400, 422)
    assert "version" in page.text


def test_an_unknown_page_is_a_404_page_with_security_headers(client: TestClient) -> None:
    page = client.get("/no/such/page")
    assert page.status_code == 404
    assert "Not found" in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


@pytest.mark.parametrize("path", ["/login", "/", DOC, "/api/v1/groups/oewg-ict", "/static/css/app.css"])
def test_every_response_carries_security_headers(as_user, path: str) -> None:  # type: ignore[no-untyped-def]
    response = as_user("ken.head@demo.example").get(path)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


def test_pages_have_no_inline_script(as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("secretariat@demo.example")
    for path in ["/login", "/", "/groups/oewg-ict", DOC, "/groups/oewg-ict/members/new"]:
        text = client.get(path).text
        for tag in re.findall(r"<script[^>]*>", text):
            assert "src=" in tag, f"inline script on {path}"
        assert not re.search(r"\son[a-z]+=", text), f"event handler attribute on {path}"


def test_htmx_is_served_from_the_npm_package(client: TestClient) -> None:
    page = client.get("/login")
    src = re.search(r'<script src="(/vendor/htmx/htmx\.min\.js\?v=[0-9a-f]+)"', page.text)
    assert src, "htmx script tag missing (run npm ci)"
    script = client.get(src.group(1))
    assert script.status_code == 200
    assert "htmx" in script.text[:2000]
    assert "consensus_session" not in script.headers.get("set-cookie", "")


def test_names_and_clause_text_from_a_group_file_cannot_inject_script(client: TestClient, db: Session) -> None:
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    raw = yaml.safe_load(
        f"""
group: {{slug: xss, name: "{hostile}"}}
delegations: [{{code: EVL, name: "{hostile}"}}]
users:
  - {{email: x@example.org, name: "{hostile}", password: "xss-password-1", role: delegate, delegation: EVL, head: true}}
documents:
  - slug: doc
    title: "{hostile}"
    clauses: [{{number: "1", heading: "{hostile}", text: "{hostile}"}}]
"""
    )
    load_group_file(db, check_group_file(raw), Actor.command_line(), "test")
    login(client, "x@example.org", password="xss-password-1")
    for path in ["/", "/groups/xss", "/groups/xss/documents/doc"]:
        text = client.get(path).text
        assert "<script>alert" not in text
        assert "<img src=x" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
