"""The secretariat's desk in the browser and the API: a site administrator creates a group and names
its secretariat; the secretariat adds, changes, removes and imports delegations and members, and
renews or withdraws invitations. Each change is audited; an open round keeps its frozen electorate."""

from __future__ import annotations

import json
from decimal import Decimal
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlmodel import Session

from consensus.models import AuditEvent, Delegation, Invitation, Membership, RoundElector, User, WorkingGroup
from tests.conftest import GROUP, csrf_token, login, post_form, q, run_command

API = "/api/v1"
G = f"{API}/groups/{GROUP}"


def fields(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The fields a 422 names, with their messages."""
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def events(db: Session, action: str) -> list[dict[str, object]]:
    rows = q(db).execute(select(AuditEvent.details).where(AuditEvent.action == action)).scalars().all()
    return [json.loads(row) for row in rows]


# --- groups ----------------------------------------------------------------------------------------


def test_the_first_account_is_the_site_administrator(db: Session) -> None:
    admins = q(db).execute(select(User.email).where(User.is_admin)).scalars().all()
    assert admins == ["chair@demo.example"]  # the first account the demo file made


def test_an_administrator_creates_a_group_through_the_api_and_its_secretariat_is_invited(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    created = api("chair").post(
        f"{API}/groups",
        {
            "slug": "itu-sg17",
            "name": "ITU-T Study Group 17",
            "description": "Security.",
            "observers_may_comment": True,
            "secretariat_email": "tsb@itu.example",
            "secretariat_name": "TSB",
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["slug"], body["name"], body["observers_may_comment"]) == ("itu-sg17", "ITU-T Study Group 17", True)
    assert (
        body["secretariat"]["email"] == "tsb@itu.example" and "/invitations/" in body["secretariat"]["invitation_url"]
    )
    group = q(db).execute(select(WorkingGroup).where(WorkingGroup.slug == "itu-sg17")).scalar_one()
    invitation = q(db).execute(select(Invitation).where(Invitation.group_id == group.id)).scalar_one()
    assert invitation.role == "secretariat" and invitation.used_at is None
    assert events(db, "group.create")[-1]["slug"] == "itu-sg17"
    # The address is taken now; a bad one is named.
    again = api("chair").post(f"{API}/groups", {"slug": "itu-sg17", "name": "Again"})
    assert again.status_code == 422 and "slug" in fields(again)
    bad = api("chair").post(f"{API}/groups", {"slug": "Not A Slug", "name": ""})
    assert bad.status_code == 422 and set(fields(bad)) == {"slug", "name"}
    assert api("chair").post(f"{API}/groups", {"slug": "new", "name": "Reserved"}).status_code == 422


def test_only_an_administrator_creates_groups(api) -> None:  # type: ignore[no-untyped-def]
    refused = api("secretariat").post(f"{API}/groups", {"slug": "mine", "name": "Mine"})
    assert refused.status_code == 403 and "administrator" in refused.json()["detail"]


def test_an_administrator_naming_themselves_becomes_the_secretariat_in_the_browser(client, db: Session) -> None:  # type: ignore[no-untyped-def]
    assert login(client, "chair@demo.example").status_code == 303
    assert "Create a working group" in client.get("/").text
    form = client.get("/groups/new")
    assert form.status_code == 200 and 'name="secretariat_email"' in form.text
    refused = post_form(client, "/groups", {"slug": "x y", "name": "", "secretariat_email": ""}, "/groups/new")
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text
    response = post_form(
        client,
        "/groups",
        {"slug": "cyber-norms", "name": "Cyber norms group", "secretariat_email": "chair@demo.example"},
        "/groups/new",
    )
    assert response.status_code == 303 and response.headers["location"] == "/groups/cyber-norms"
    page = client.get("/groups/cyber-norms")
    assert page.status_code == 200 and "Add a delegation" in page.text
    group = q(db).execute(select(WorkingGroup).where(WorkingGroup.slug == "cyber-norms")).scalar_one()
    membership = q(db).execute(select(Membership).where(Membership.group_id == group.id)).scalar_one()
    assert membership.role == "secretariat"


def test_the_command_line_makes_an_administrator(settings, db: Session) -> None:  # type: ignore[no-untyped-def]
    env = {
        "DATABASE_URL": settings.database.url,
        "CONSENSUS_DATA_DIR": str(settings.data_dir),
        "SECRET_KEY": "desk-test",
    }
    without = run_command("user", "create", "admin@un.example", "--admin", "--name", "Admin", env=env)
    assert without.returncode != 0 and "--password-stdin" in without.stderr
    made = run_command(
        "user", "create", "admin@un.example", "--admin", "--name", "Admin", "--password-stdin", env=env,
        stdin="a long admin password\n",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "site administrator (a new account)" in made.stdout
    user = q(db).execute(select(User).where(User.email == "admin@un.example")).scalar_one()
    assert user.is_admin and user.password_hash
    neither = run_command("user", "create", "x@un.example", "--name", "X", env=env)
    assert neither.returncode == 2 and "--admin" in neither.stderr


# --- delegations -----------------------------------------------------------------------------------


def test_the_secretariat_adds_changes_and_removes_a_delegation_through_the_api(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    added = api("secretariat").post(
        f"{G}/delegations", {"code": "FRA", "name": "France", "weight": "68.17", "voting_status": "participating"}
    )
    assert added.status_code == 201, added.text
    assert added.json() == {"code": "FRA", "name": "France", "weight": "68.17", "voting_status": "participating"}
    duplicate = api("secretariat").post(f"{G}/delegations", {"code": "FRA", "name": "France again"})
    assert duplicate.status_code == 422 and "FRA" in fields(duplicate)["code"]
    bad = api("secretariat").post(f"{G}/delegations", {"code": "fr ance", "name": "", "weight": "-1"})
    assert bad.status_code == 422 and set(fields(bad)) == {"code", "name", "weight"}
    changed = api("secretariat").patch(f"{G}/delegations/FRA", {"weight": "0.000001", "voting_status": "observing"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["weight"] == "0.000001" and changed.json()["name"] == "France"
    assert api("secretariat").patch(f"{G}/delegations/FRA", {"weight": "1e400"}).status_code == 422
    assert api("secretariat").patch(f"{G}/delegations/XXX", {"name": "Nobody"}).status_code == 404
    change = events(db, "delegation.change")[-1]
    assert change["before"]["weight"] == "68.17" and change["after"]["voting_status"] == "observing"  # type: ignore[index]
    assert api("ken.head").patch(f"{G}/delegations/FRA", {"name": "F"}).status_code == 403
    assert api("secretariat").delete(f"{G}/delegations/FRA").status_code == 204
    assert q(db).execute(select(Delegation).where(Delegation.code == "FRA")).first() is None
    assert events(db, "delegation.remove")[-1]["code"] == "FRA"


def test_a_delegation_with_a_record_is_not_removed(api) -> None:  # type: ignore[no-untyped-def]
    refused = api("secretariat").delete(f"{G}/delegations/KEN")
    assert refused.status_code == 409 and "member" in refused.json()["detail"]


def test_a_weight_changed_while_a_round_is_open_leaves_its_frozen_electorate_alone(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    created = api("chair").post(
        f"{G}/rounds", {"document": "declaration", "title": "Weighted", "rule": "weighted_majority"}
    )
    rid = int(created.json()["id"])
    assert api("chair").post(f"{API}/rounds/{rid}/open").status_code == 200
    assert (
        api("secretariat").patch(f"{G}/delegations/KEN", {"weight": "5000", "voting_status": "observing"}).status_code
        == 200
    )
    elector = (
        q(db).execute(select(RoundElector).where(RoundElector.round_id == rid, RoundElector.code == "KEN")).scalar_one()
    )
    assert (elector.weight, elector.voting_status) == (Decimal("54.03"), "participating")
    # Kenya still votes in this round with the weight it had when the round opened.
    assert api("ken.head").put(f"{API}/rounds/{rid}/ballot", {"choice": "yes"}).status_code == 200
    assert api("ind.head").put(f"{API}/rounds/{rid}/ballot", {"choice": "no"}).status_code == 200
    closed = api("chair").post(f"{API}/rounds/{rid}/close").json()
    assert closed["result"]["tally"]["no"]["weight"] == "1428.63"
    assert closed["result"]["tally"]["yes"]["weight"] == "54.03"


def test_the_delegation_pages_refuse_on_the_form_what_the_api_refuses(client, db: Session) -> None:  # type: ignore[no-untyped-def]
    assert login(client, "secretariat@demo.example").status_code == 303
    group_page = client.get(f"/groups/{GROUP}")
    assert f'href="/groups/{GROUP}/delegations/KEN"' in group_page.text
    new = f"/groups/{GROUP}/delegations/new"
    refused = post_form(client, f"/groups/{GROUP}/delegations", {"code": "KEN", "name": "Kenya", "weight": "x"}, new)
    assert refused.status_code == 422
    assert "There is already a delegation KEN" in refused.text and "positive number" in refused.text
    added = post_form(
        client, f"/groups/{GROUP}/delegations", {"code": "gha", "name": "Ghana", "weight": "34.12",
        "voting_status": "participating"}, new,
    )  # fmt: skip
    assert added.status_code == 303
    page = client.get(f"/groups/{GROUP}/delegations/GHA")
    assert page.status_code == 200 and "Remove Ghana" in page.text
    saved = post_form(
        client, f"/groups/{GROUP}/delegations/GHA", {"name": "Republic of Ghana", "weight": "34.12",
        "voting_status": "non_voting"}, f"/groups/{GROUP}/delegations/GHA",
    )  # fmt: skip
    assert saved.status_code == 303
    ghana = q(db).execute(select(Delegation).where(Delegation.code == "GHA")).scalar_one()
    assert (ghana.name, ghana.voting_status, ghana.weight) == ("Republic of Ghana", "non_voting", Decimal("34.12"))
    kenya = client.get(f"/groups/{GROUP}/delegations/KEN")
    assert "remove them first" in kenya.text and f"/groups/{GROUP}/delegations/KEN/remove" not in kenya.text
    removed = post_form(client, f"/groups/{GROUP}/delegations/GHA/remove", {}, f"/groups/{GROUP}/delegations/GHA")
    assert removed.status_code == 303
    assert q(db).execute(select(Delegation).where(Delegation.code == "GHA")).first() is None


# --- importing lists -------------------------------------------------------------------------------

DELEGATIONS_CSV = "\ufeffCode;Name;Weight;Voting status\r\nFRA;France;68,17;participating\r\nGHA;Ghana;34.12;\r\n"


def _import(client, kind: str, text: str, confirm: bool = False):  # type: ignore[no-untyped-def]
    token = csrf_token(client, f"/groups/{GROUP}/import")
    data = {"_csrf_token": token, "kind": kind, "text": text, **({"confirm": "yes"} if confirm else {})}
    return client.post(f"/groups/{GROUP}/import", data=data, files={"file": ("", b"")}, follow_redirects=False)


def test_importing_delegations_previews_every_row_and_writes_nothing_until_all_are_right(client, db: Session) -> None:  # type: ignore[no-untyped-def]
    assert login(client, "secretariat@demo.example").status_code == 303
    before = q(db).execute(select(Delegation.code)).scalars().all()
    preview = _import(client, "delegations", DELEGATIONS_CSV)
    # "68,17" is not an exact decimal as typed: the row is named, nothing is written.
    assert preview.status_code == 422 and "Nothing was written" in preview.text and "positive number" in preview.text
    assert q(db).execute(select(Delegation.code)).scalars().all() == before
    fixed = DELEGATIONS_CSV.replace("68,17", "68.17")
    preview = _import(client, "delegations", fixed)
    assert preview.status_code == 200 and "2 rows are ready to import" in preview.text
    assert q(db).execute(select(Delegation.code)).scalars().all() == before
    done = _import(client, "delegations", fixed, confirm=True)
    assert done.status_code == 200 and "2 rows were imported" in done.text
    ghana = q(db).execute(select(Delegation).where(Delegation.code == "GHA")).scalar_one()
    assert (ghana.weight, ghana.voting_status) == (Decimal("34.12"), "participating")
    assert [e["code"] for e in events(db, "delegation.create")][-2:] == ["FRA", "GHA"]


def test_importing_members_gives_each_an_invitation_link_and_names_the_rows_at_fault(client, db: Session) -> None:  # type: ignore[no-untyped-def]
    assert login(client, "secretariat@demo.example").status_code == 303
    rows = (
        "email,name,role,delegation,head\n"
        "a.sato@mofa.example,Ms. Aiko Sato,delegate,JPN,no\n"
        "not-an-address,Nobody,delegate,JPN,\n"
        "b.k@mfa.example,Mr. B,delegate,KEN,yes\n"  # Kenya has its head already
        "c.d@mfa.example,Ms. C,observer,,\n"
    )
    preview = _import(client, "members", rows)
    assert preview.status_code == 422 and "2 rows cannot be imported" in preview.text
    assert "e-mail address" in preview.text and "already has a head of delegation" in preview.text
    assert q(db).execute(select(User).where(User.email == "a.sato@mofa.example")).first() is None
    good = "\n".join(line for line in rows.splitlines() if "not-an" not in line and "Mr. B" not in line)
    assert _import(client, "members", good).status_code == 200
    done = _import(client, "members", good, confirm=True)
    assert done.status_code == 200 and done.text.count("/invitations/") == 2
    invited = q(db).execute(select(Invitation.role).join(User, User.id == Invitation.user_id).where(
        User.email.in_(["a.sato@mofa.example", "c.d@mfa.example"]))).scalars().all()  # type: ignore[attr-defined]  # fmt: skip
    assert sorted(invited) == ["delegate", "observer"]


def test_a_list_that_is_not_one_is_refused_with_its_reason(client) -> None:  # type: ignore[no-untyped-def]
    assert login(client, "secretariat@demo.example").status_code == 303
    empty = _import(client, "delegations", "")
    assert empty.status_code == 422 and "The file is empty" in empty.text
    wrong = _import(client, "delegations", "country,population\nFrance,68\n")
    assert wrong.status_code == 422 and "missing: code, name" in wrong.text
    token = csrf_token(client, f"/groups/{GROUP}/import")
    latin1 = client.post(
        f"/groups/{GROUP}/import",
        data={"_csrf_token": token, "kind": "delegations"},
        files={"file": ("list.csv", "code,name\nCIV,Côte d’Ivoire\n".encode("cp1252"))},
    )
    assert latin1.status_code == 422 and "UTF-8" in latin1.text


# --- invitations -----------------------------------------------------------------------------------


def test_the_secretariat_renews_and_withdraws_a_pending_invitation(api, client, db: Session) -> None:  # type: ignore[no-untyped-def]
    invited = api("secretariat").post(
        f"{G}/members", {"email": "late@mfa.example", "name": "Mr. Late", "role": "observer"}
    )
    old_link = invited.json()["invitation_url"]
    assert login(client, "secretariat@demo.example").status_code == 303
    page = client.get(f"/groups/{GROUP}")
    invitation = q(db).execute(select(Invitation).join(User, User.id == Invitation.user_id).where(User.email == "late@mfa.example")).scalar_one()  # fmt: skip
    assert f"/invitations/{invitation.id}/renew" in page.text
    renewed = post_form(client, f"/groups/{GROUP}/invitations/{invitation.id}/renew", {}, f"/groups/{GROUP}")
    assert renewed.status_code == 200 and "/invitations/" in renewed.text
    assert client.get(urlsplit(old_link).path).status_code == 404  # the old link stopped working
    fresh = q(db).execute(select(Invitation).join(User, User.id == Invitation.user_id).where(User.email == "late@mfa.example")).scalar_one()  # fmt: skip
    fresh_id = fresh.id
    withdrawn = post_form(client, f"/groups/{GROUP}/invitations/{fresh_id}/cancel", {}, f"/groups/{GROUP}")
    assert withdrawn.status_code == 303
    assert q(db).execute(select(Invitation).where(Invitation.id == fresh_id)).first() is None
    assert events(db, "member.uninvite")[-1]["email"] == "late@mfa.example"
