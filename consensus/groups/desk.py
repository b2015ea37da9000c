"""The secretariat's desk, in the browser: a new working group (site administrators), its
delegations added, changed, removed or imported from a spreadsheet, members imported, and pending
invitations renewed or withdrawn."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from consensus.core.setup import DelegationInput, GroupInput
from consensus.errors import Conflict, DomainError, Invalid
from consensus.groups import services as groups
from consensus.groups import setup
from consensus.groups.controllers import invitation_link
from consensus.labels import VOTING_STATUSES
from consensus.models import Role
from consensus.web.access import ADMIN, roles
from consensus.web.deps import AppSettings, Db, Id, Me
from consensus.web.forms import FormData, UploadForm, checkbox, field, text_of, uploaded
from consensus.web.routing import action, page

SECRETARIAT = roles(Role.secretariat)


# --- a new working group ---------------------------------------------------------------------------


def _group_form(values: dict[str, Any], errors: dict[str, str], status_code: int = 200) -> Template:
    return Template("groups/group_new.html", context={"values": values, "errors": errors}, status_code=status_code)


@page("/groups/new", name="group_new", access=ADMIN)
def group_new() -> Template:
    """The form where a site administrator creates a working group and names its secretariat."""
    return _group_form({}, {})


def _group_input(data: dict[str, Any]) -> GroupInput:
    return GroupInput(
        slug=field(data, "slug").lower(),
        name=field(data, "name"),
        description=field(data, "description"),
        observers_may_comment=checkbox(data, "observers_may_comment"),
    )


def secretariat_of(email: str, name: str) -> groups.NewMember | None:
    """The secretariat named for a new group (None when no address is given)."""
    if not email.strip():
        return None
    return groups.NewMember(email=email, name=name or email.split("@")[0], role=Role.secretariat.value)


@action("/groups", name="group_create", access=ADMIN)
def group_create(
    request: Request[Any, Any, Any], db: Db, user: Me, settings: AppSettings, data: FormData
) -> Response[Any]:
    """Create the group; show the secretariat's invitation link, or go to the group when the
    administrator named themselves."""
    group = _group_input(data)
    secretariat = secretariat_of(field(data, "secretariat_email"), field(data, "secretariat_name"))
    try:
        created = setup.create_group(db, group, secretariat, user, invitation_days=settings.security.invitation_days)
    except (Invalid, Conflict) as refusal:
        values = {**data, "observers_may_comment": group.observers_may_comment}
        errors = refusal.errors if isinstance(refusal, Invalid) else {"secretariat_email": refusal.message}
        errors = {("secretariat_" + k if k in ("email", "name") else k): v for k, v in errors.items()}
        return _group_form(values, errors, status_code=refusal.status_code)
    if created.invitation is None:
        return Redirect(request.app.route_reverse("group", group=created.slug), status_code=303)
    return Template(
        "groups/group_created.html",
        context={
            "slug": created.slug,
            "name": group.name,
            "invitation": created.invitation,
            "link": invitation_link(request, created.invitation.token),
            "days": settings.security.invitation_days,
        },
        status_code=201,
    )


# --- delegations -----------------------------------------------------------------------------------

DELEGATION_PATH = "/groups/{group:str}/delegations/{code:str}"


def _delegation_input(data: dict[str, Any], code: str = "") -> DelegationInput:
    return DelegationInput(
        code=code or field(data, "code").upper(),
        name=field(data, "name"),
        weight=field(data, "weight"),
        voting_status=field(data, "voting_status"),
    )


def _delegation_form(
    db: Db,
    group: str,
    code: str | None,
    values: dict[str, Any] | None,
    errors: dict[str, str],
    *,
    saved: bool = False,
    status_code: int = 200,
) -> Template:
    delegation = setup.read_delegation(db, group, code) if code else None
    shown = values or (
        {
            "code": delegation.code,
            "name": delegation.name,
            "weight": format(delegation.weight.normalize(), "f"),
            "voting_status": delegation.voting_status,
        }
        if delegation
        else {"weight": "1", "voting_status": "participating"}
    )
    return Template(
        "groups/delegation.html",
        context={
            "group": groups.read_group(db, group),
            "delegation": delegation,
            "statuses": VOTING_STATUSES,
            "values": shown,
            "errors": errors,
            "saved": saved,
        },
        status_code=status_code,
    )


@page("/groups/{group:str}/delegations/new", name="delegation_new", access=SECRETARIAT)
def delegation_new(db: Db, group: FromPath[str]) -> Template:
    """The form where the secretariat adds a delegation."""
    return _delegation_form(db, group, None, None, {})


@action("/groups/{group:str}/delegations", name="delegation_add", access=SECRETARIAT)
def delegation_add(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], data: FormData
) -> Response[Any]:
    """Add a delegation; back to the group's list of delegations."""
    delegation = _delegation_input(data)
    try:
        setup.add_delegations(db, group, [delegation], user.actor(group))
    except Invalid as refusal:
        return _delegation_form(db, group, None, dict(data), refusal.errors, status_code=422)
    return Redirect(request.app.route_reverse("group", group=group) + "#delegations-title", status_code=303)


@page(DELEGATION_PATH, name="delegation", access=SECRETARIAT)
def delegation_page(db: Db, group: FromPath[str], code: FromPath[str], saved: FromQuery[bool] = False) -> Template:
    """A delegation, where the secretariat renames it, changes its weight or voting status, or
    removes it (only while nothing refers to it)."""
    return _delegation_form(db, group, code, None, {}, saved=saved)


@action(DELEGATION_PATH, name="delegation_change", access=SECRETARIAT)
def delegation_change(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], code: FromPath[str], data: FormData
) -> Response[Any]:
    """Change a delegation; rounds already open keep the electorate frozen when they opened."""
    delegation = _delegation_input(data, code)
    try:
        setup.change_delegation(db, group, code, delegation, user.actor(group))
    except Invalid as refusal:
        return _delegation_form(db, group, code, {**data, "code": code}, refusal.errors, status_code=422)
    return Redirect(request.app.route_reverse("delegation", group=group, code=code) + "?saved=true", status_code=303)


@action(DELEGATION_PATH + "/remove", name="delegation_remove", access=SECRETARIAT)
def delegation_remove(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], code: FromPath[str]
) -> Response[Any]:
    """Remove a delegation nothing refers to (one added by mistake)."""
    setup.remove_delegation(db, group, code, user.actor(group))
    return Redirect(request.app.route_reverse("group", group=group) + "#delegations-title", status_code=303)


# --- importing a list ------------------------------------------------------------------------------


def _import_page(
    db: Db, group: str, values: dict[str, Any], errors: dict[str, str], report: Any = None, *, status_code: int = 200
) -> Template:
    return Template(
        "groups/import.html",
        context={
            "group": groups.read_group(db, group),
            "values": values,
            "errors": errors,
            "report": report,
            "kinds": setup.IMPORT_KINDS,
        },
        status_code=status_code,
    )


@page("/groups/{group:str}/import", name="group_import", access=SECRETARIAT)
def group_import(db: Db, group: FromPath[str], kind: FromQuery[str] = "delegations") -> Template:
    """Where the secretariat brings in a list of delegations or members from a spreadsheet."""
    return _import_page(db, group, {"kind": kind if kind in setup.IMPORT_KINDS else "delegations"}, {})


def _sheet_text(data: dict[str, Any]) -> str:
    """The CSV sent: a file chosen, or else the text pasted (or carried from the preview)."""
    upload = uploaded(data, "file")
    if upload is not None:
        return text_of(upload[1], "file")
    return field(data, "text", strip=False)


@action("/groups/{group:str}/import", name="group_import_submit", access=SECRETARIAT)
def group_import_submit(
    request: Request[Any, Any, Any],
    db: Db,
    user: Me,
    settings: AppSettings,
    group: FromPath[str],
    data: UploadForm,
) -> Template:
    """Preview a list (what each row becomes, and what is wrong with each), or, confirmed from the
    preview, write it all in one transaction."""
    kind = field(data, "kind")
    values: dict[str, Any] = {"kind": kind}
    try:
        text = _sheet_text(data)
        values["text"] = text
        report = setup.import_sheet(
            db,
            group,
            kind,
            text,
            user.actor(group),
            invitation_days=settings.security.invitation_days,
            write=field(data, "confirm") == "yes",
        )
    except Invalid as refusal:
        errors = {"file" if name in ("", "text") else name: message for name, message in refusal.errors.items()}
        return _import_page(db, group, values, errors, status_code=422)
    except DomainError as refusal:
        return _import_page(db, group, values, {"kind": refusal.message}, status_code=refusal.status_code)
    links = {
        row.line: invitation_link(request, row.invitation.token) for row in report.rows if row.invitation is not None
    }
    page_ = _import_page(db, group, values, {}, {"result": report, "links": links})
    page_.status_code = 422 if report.faulty else 200
    return page_


# --- invitations still pending ---------------------------------------------------------------------

INVITATION_PATH = "/groups/{group:str}/invitations/{invitation_id:int}"


@action(INVITATION_PATH + "/renew", name="invitation_renew", access=SECRETARIAT)
def invitation_renew(
    request: Request[Any, Any, Any], db: Db, user: Me, settings: AppSettings, group: FromPath[str], invitation_id: Id
) -> Template:
    """A fresh link for a pending or expired invitation (the old one stops working), shown to copy."""
    days = settings.security.invitation_days
    prepared = setup.renew_invitation(db, group, invitation_id, user.actor(group), invitation_days=days)
    return Template(
        "groups/member_added.html",
        context={
            "group": groups.read_group(db, group),
            "invitation": prepared,
            "link": invitation_link(request, prepared.token),
            "days": days,
        },
    )


@action(INVITATION_PATH + "/cancel", name="invitation_cancel", access=SECRETARIAT)
def invitation_cancel(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], invitation_id: Id
) -> Response[Any]:
    """Withdraw a pending invitation: its link stops working."""
    setup.cancel_invitation(db, group, invitation_id, user.actor(group))
    return Redirect(request.app.route_reverse("group", group=group) + "#invitations-title", status_code=303)


DESK_ROUTES = [
    group_new,
    group_create,
    delegation_new,
    delegation_add,
    delegation_page,
    delegation_change,
    delegation_remove,
    group_import,
    group_import_submit,
    invitation_renew,
    invitation_cancel,
]
