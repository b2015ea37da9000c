"""Accounts: logging in and out (throttled), resolving sessions and bearer tokens, preferences,
tokens, disabling an account, and invitations."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, Result, delete, func, select, text, update
from sqlmodel import Session, col

from consensus.accounts.identity import CurrentUser, GroupMembership
from consensus.accounts.passwords import hash_password, needs_rehash, password_problem, too_long, verify_password
from consensus.audit import services as audit
from consensus.audit.services import Actor
from consensus.core.groupfile import MAX_PASSWORD_LENGTH
from consensus.core.membership import Seat, head_refusal
from consensus.db import utcnow, write_transaction
from consensus.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, refusal_text
from consensus.i18n import LANGUAGES, _, valid_time_zone
from consensus.lookups import head_of_delegation
from consensus.models import (
    ApiToken,
    AuthSession,
    Delegation,
    Invitation,
    LoginFailure,
    Membership,
    User,
    WorkingGroup,
)
from consensus.settings import SecuritySettings
from consensus.validation import CONTROL, Fields

TOUCH_INTERVAL = timedelta(minutes=1)
LOGIN_FAILED = "The e-mail address or password is not right."


def digest(raw_token: str) -> str:
    """The stored form of a random token (session id, bearer token, invitation)."""
    return hashlib.sha256(raw_token.encode()).hexdigest()


def new_token() -> str:
    """A fresh random token with 256 bits of entropy."""
    return secrets.token_urlsafe(32)


def is_first_account(session: Session) -> bool:
    """Whether no account exists yet: the first one made becomes a site administrator."""
    return session.execute(select(col(User.id)).limit(1)).first() is None


def normalise_email(email: str) -> str:
    return email.strip().lower()


# --- identity ----------------------------------------------------------------------------------


def _memberships(session: Session, user_id: int) -> dict[str, GroupMembership]:
    # Plain columns, not ORM objects: this runs on every request.
    rows = session.execute(
        select(
            col(WorkingGroup.id),
            col(WorkingGroup.slug),
            col(WorkingGroup.name),
            col(Membership.role),
            col(Membership.delegation_id),
            col(Delegation.code),
            col(Delegation.name),
            col(Membership.is_head),
        )
        .join(WorkingGroup, col(WorkingGroup.id) == col(Membership.group_id))
        .outerjoin(Delegation, col(Delegation.id) == col(Membership.delegation_id))
        .where(col(Membership.user_id) == user_id)
    ).all()
    return {
        slug: GroupMembership(
            group_id=group_id,
            group_slug=slug,
            group_name=group_name,
            role=role,
            delegation_id=delegation_id,
            delegation_code=code or "",
            delegation_name=delegation_name or "",
            is_head=is_head,
        )
        for group_id, slug, group_name, role, delegation_id, code, delegation_name, is_head in rows
    }


def _current_user(
    session: Session,
    user_id: int,
    email: str,
    name: str,
    session_id: str | None,
    language: str | None = None,
    time_zone: str | None = None,
    is_admin: bool = False,
) -> CurrentUser:
    return CurrentUser(
        id=user_id,
        email=email,
        name=name,
        memberships=_memberships(session, user_id),
        session_id=session_id,
        language=language,
        time_zone=time_zone,
        is_admin=is_admin,
    )


def resolve_session(session: Session, raw_token: str, security: SecuritySettings) -> CurrentUser | None:
    """The user behind a session cookie, or None when it is unknown, expired or the account disabled."""
    row = session.execute(
        select(
            col(AuthSession.id),
            col(AuthSession.created_at),
            col(AuthSession.last_seen_at),
            col(User.id),
            col(User.email),
            col(User.name),
            col(User.is_active),
            col(User.language),
            col(User.time_zone),
            col(User.is_admin),
        )
        .join(User, col(User.id) == col(AuthSession.user_id))
        .where(col(AuthSession.id) == digest(raw_token))
    ).first()
    if row is None:
        return None
    session_id, created_at, last_seen_at, user_id, email, name, is_active, language, zone, is_admin = row
    now = utcnow()
    expired = now - last_seen_at > timedelta(minutes=security.session_idle_minutes) or now - created_at > timedelta(
        hours=security.session_absolute_hours
    )
    if expired or not is_active:
        with write_transaction(session):
            session.execute(delete(AuthSession).where(col(AuthSession.id) == session_id))
        return None
    current = _current_user(session, user_id, email, name, session_id, language, zone, is_admin)
    if now - last_seen_at > TOUCH_INTERVAL:
        with write_transaction(session):
            session.execute(update(AuthSession).where(col(AuthSession.id) == session_id).values(last_seen_at=now))
    return current


def resolve_bearer(session: Session, raw_token: str) -> CurrentUser | None:
    """The user behind an API bearer token, or None when it is unknown, revoked, expired or the
    account disabled. Notes when the token was last used (at most once a minute)."""
    row = session.execute(
        select(
            col(ApiToken.id),
            col(ApiToken.expires_at),
            col(ApiToken.last_used_at),
            col(User.id),
            col(User.email),
            col(User.name),
            col(User.is_active),
            col(User.language),
            col(User.time_zone),
            col(User.is_admin),
        )
        .join(User, col(User.id) == col(ApiToken.user_id))
        .where(col(ApiToken.token_hash) == digest(raw_token), col(ApiToken.revoked_at).is_(None))
    ).first()
    if row is None:
        return None
    token_id, expires_at, last_used_at, user_id, email, name, is_active, language, zone, is_admin = row
    now = utcnow()
    if not is_active or expires_at <= now:
        return None
    current = _current_user(session, user_id, email, name, None, language, zone, is_admin)
    if last_used_at is None or now - last_used_at > TOUCH_INTERVAL:
        with write_transaction(session):
            session.execute(update(ApiToken).where(col(ApiToken.id) == token_id).values(last_used_at=now))
    return current


# --- logging in and out --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoginResult:
    """A successful login: the new session's raw token (for the cookie) and who logged in."""

    token: str
    user_id: int


class TooManyAttempts(DomainError):
    """Too many failed logins for this account or from this address: wait before trying again."""

    status_code = 429


LOGIN_LOCK_NAMESPACE = 0x6C6F6731
"""The first key of the PostgreSQL advisory lock that queues login attempts from one address."""


def _lock_address(session: Session, address: str) -> None:
    """Queue the attempts from one address inside the caller's write transaction.

    SQLite already runs one write transaction at a time (BEGIN IMMEDIATE); PostgreSQL takes a
    transaction-scoped advisory lock keyed on the address, so counting the failures and claiming a
    slot happen as one step for each address.
    """
    if session.get_bind().dialect.name == "postgresql":
        key = int(digest(address)[:7], 16)  # 28 bits: a positive int4
        session.execute(
            text("SELECT pg_advisory_xact_lock(:namespace, :key)"), {"namespace": LOGIN_LOCK_NAMESPACE, "key": key}
        )


def _failures_since(session: Session, since: datetime, *conditions: Any) -> int:
    return int(
        session.execute(
            select(func.count()).select_from(LoginFailure).where(col(LoginFailure.at) >= since, *conditions)
        ).scalar_one()
    )


def _claim_attempt(session: Session, account: str, address: str, security: SecuritySettings) -> None:
    """Count the recent failures and, below the limits, record this attempt as a failure before the
    password is checked (a success deletes it again).

    Claiming first is what makes the limit hold under parallel requests: each attempt takes a slot
    in a write transaction, so 25 simultaneous guesses verify at most the limit. The lock is per
    account *and* address, so a stranger's guesses do not lock out the owner signing in from
    elsewhere; an address also has a limit over all accounts.
    """
    now = utcnow()
    since = now - timedelta(minutes=security.login_window_minutes)
    with write_transaction(session):
        _lock_address(session, address)
        here = col(LoginFailure.address) == address
        locked = (
            _failures_since(session, since, here, col(LoginFailure.account) == account)
            >= (security.login_failures_per_account)
            or _failures_since(session, since, here) >= security.login_failures_per_address
        )
        if locked:
            raise TooManyAttempts(
                _("Too many failed attempts. Wait {minutes} minutes before trying again.").format(
                    minutes=security.login_window_minutes
                )
            )
        session.add(LoginFailure(account=account, address=address, at=now))
        # Old failures serve no purpose: forget them as we go.
        session.execute(delete(LoginFailure).where(col(LoginFailure.at) < now - timedelta(days=1)))


def log_in(
    session: Session,
    email: str,
    password: str,
    previous_token: str | None,
    *,
    address: str = "unknown",
    security: SecuritySettings,
) -> LoginResult:
    """Check the credentials and start a new session (a new id, whatever the browser had before).

    Unknown e-mail, wrong password and a disabled account get the same message and cost the
    same time (a hash is verified in every case). A password longer than the limit is refused
    before any hashing. Repeated failures for one account from one client address, or from one
    address over all accounts, are refused for a while without checking the password at all.
    """
    if too_long(password):
        raise Invalid(
            {"password": _("The password must be at most {n} characters long.").format(n=MAX_PASSWORD_LENGTH)}
        )
    email = normalise_email(email)
    if CONTROL.search(email) or len(email) > 254:
        email = ""  # cannot be anybody's address: fails like any unknown one
    account = digest(email)
    address = address[:64]
    _claim_attempt(session, account, address, security)
    found = session.execute(
        select(col(User.id), col(User.password_hash), col(User.is_active)).where(col(User.email) == email)
    ).one_or_none()
    session.rollback()  # no transaction stays open while the hash is checked
    ok = verify_password(found.password_hash if found else None, password)
    if found is None or not ok or not found.is_active:
        raise Invalid({"email": _(LOGIN_FAILED)}, _(LOGIN_FAILED))  # the claim stays: it is the failure
    token = new_token()
    with write_transaction(session):
        # The owner's success forgets their failures from this address (the claim included), not
        # a stranger's elsewhere.
        session.execute(
            delete(LoginFailure).where(col(LoginFailure.account) == account, col(LoginFailure.address) == address)
        )
        user = session.get(User, found.id)
        assert user is not None and user.id is not None and user.password_hash is not None
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
            session.add(user)
        if previous_token:
            session.execute(delete(AuthSession).where(col(AuthSession.id) == digest(previous_token)))
        session.add(AuthSession(id=digest(token), user_id=user.id))
        audit.record(session, Actor(user.id, user.email), "user.login", "user", user.id)
        user_id = user.id
    return LoginResult(token=token, user_id=user_id)


def log_out(session: Session, raw_token: str) -> None:
    """End a session on the server."""
    with write_transaction(session):
        row = session.get(AuthSession, digest(raw_token))
        if row is None:
            return
        user = session.get(User, row.user_id)
        session.delete(row)
        if user is not None:
            audit.record(session, Actor(user.id, user.email), "user.logout", "user", user.id)


# --- preferences ---------------------------------------------------------------------------------


def set_preferences(session: Session, user: CurrentUser, language: str | None, time_zone: str | None) -> None:
    """Keep the user's interface language ("" follows the browser) and, when given, their time zone."""
    fields = Fields()
    if language is not None and language != "":
        language = fields.choice("language", language, _("The language"), list(LANGUAGES))
    if time_zone is not None:
        time_zone = time_zone.strip()
        if not valid_time_zone(time_zone):
            fields.fail(
                "time_zone",
                _("The time zone {zone} is not known: choose one from the list, such as Europe/Geneva.").format(
                    zone=time_zone[:64]
                ),
            )
    fields.done()
    with write_transaction(session):
        row = session.get(User, user.id)
        if row is None:
            raise NotFound(_("There is no such account."))
        changes: dict[str, str] = {}
        if language is not None:
            row.language = language or None
            changes["language"] = language
        if time_zone is not None:
            row.time_zone = time_zone
            changes["time_zone"] = time_zone
        session.add(row)
        audit.record(session, Actor(row.id, row.email), "user.preferences", "user", row.id, details=changes)


# --- bearer tokens --------------------------------------------------------------------------------

DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 3650


@dataclass(frozen=True, slots=True)
class TokenRow:
    """A bearer token as its owner (or the command line) sees it: never the token itself."""

    id: int
    label: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime
    revoked_at: datetime | None
    state: str
    """``active``, ``expired`` or ``revoked``."""


def token_state(expires_at: datetime, revoked_at: datetime | None, now: datetime) -> str:
    """Whether a token still opens the API."""
    if revoked_at is not None:
        return "revoked"
    return "active" if expires_at > now else "expired"


def _user_by_email(session: Session, email: str) -> User:
    user: User | None = session.execute(
        select(User).where(col(User.email) == normalise_email(email))
    ).scalar_one_or_none()
    if user is None:
        raise NotFound(_("There is no user with the e-mail address {email}.").format(email=email))
    return user


def create_api_token(
    session: Session, email: str, label: str = "", *, days: int = DEFAULT_TOKEN_DAYS, actor: Actor | None = None
) -> str:
    """Make a bearer token for a user, valid for ``days`` days, and return it; only its hash is kept."""
    fields = Fields()
    label = fields.text("label", label, _("The label"), required=False, limit=200)
    if not 1 <= days <= MAX_TOKEN_DAYS:
        fields.fail("days", _("A token is valid for 1 to {n} days.").format(n=MAX_TOKEN_DAYS))
    fields.done()
    token = new_token()
    with write_transaction(session):
        user = _user_by_email(session, email)
        assert user.id is not None
        api_token = ApiToken(
            user_id=user.id,
            token_hash=digest(token),
            label=label,
            expires_at=utcnow() + timedelta(days=days),
        )
        session.add(api_token)
        session.flush()
        audit.record(
            session,
            actor or Actor.command_line(),
            "token.create",
            "api_token",
            api_token.id,
            details={"user": user.email, "days": days},
        )
    return token


def tokens_of(session: Session, user_id: int) -> list[TokenRow]:
    """A user's bearer tokens, newest first, with whether each still works."""
    now = utcnow()
    return [
        TokenRow(
            id=t.id,
            label=t.label,
            created_at=t.created_at,
            last_used_at=t.last_used_at,
            expires_at=t.expires_at,
            revoked_at=t.revoked_at,
            state=token_state(t.expires_at, t.revoked_at, now),
        )
        for t in session.execute(
            select(ApiToken).where(col(ApiToken.user_id) == user_id).order_by(col(ApiToken.id).desc())
        ).scalars()
    ]


def tokens_of_email(session: Session, email: str) -> list[TokenRow]:
    """The bearer tokens of the account with this e-mail address (for the command line)."""
    user = _user_by_email(session, email)
    session.rollback()
    assert user.id is not None
    return tokens_of(session, user.id)


def revoke_api_token(session: Session, token_id: int, actor: Actor, *, owner_id: int | None = None) -> bool:
    """Revoke a token at once; with ``owner_id``, only one of that user's own (another's is not
    found). Returns whether it was still unrevoked."""
    with write_transaction(session):
        query = (
            select(ApiToken, col(User.email))
            .join(User, col(User.id) == col(ApiToken.user_id))
            .where(col(ApiToken.id) == token_id)
        )
        if owner_id is not None:
            query = query.where(col(ApiToken.user_id) == owner_id)
        row = session.execute(query).first()
        if row is None:
            raise NotFound(_("There is no token {id}.").format(id=token_id))
        api_token, email = row
        if api_token.revoked_at is not None:
            return False
        api_token.revoked_at = utcnow()
        session.add(api_token)
        audit.record(session, actor, "token.revoke", "api_token", api_token.id, details={"user": email})
    return True


# --- disabling an account ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Disabled:
    """What disabling an account ended."""

    email: str
    sessions: int
    tokens: int


def _rows_changed(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE changed (its result is a cursor's)."""
    assert isinstance(result, CursorResult)
    return result.rowcount


def disable_user(session: Session, email: str, actor: Actor) -> Disabled:
    """Disable an account: it can no longer log in, and every session and token of it ends now."""
    with write_transaction(session):
        user = _user_by_email(session, email)
        user.is_active = False
        session.add(user)
        sessions = _rows_changed(session.execute(delete(AuthSession).where(col(AuthSession.user_id) == user.id)))
        tokens = _rows_changed(
            session.execute(
                update(ApiToken)
                .where(col(ApiToken.user_id) == user.id, col(ApiToken.revoked_at).is_(None))
                .values(revoked_at=utcnow())
            )
        )
        audit.record(
            session,
            actor,
            "user.disable",
            "user",
            user.id,
            details={"email": user.email, "sessions": sessions, "tokens": tokens},
        )
        disabled = Disabled(user.email, sessions, tokens)
    return disabled


def enable_user(session: Session, email: str, actor: Actor) -> str:
    """Let a disabled account log in again (its revoked tokens stay revoked)."""
    with write_transaction(session):
        user = _user_by_email(session, email)
        user.is_active = True
        session.add(user)
        audit.record(session, actor, "user.enable", "user", user.id, details={"email": user.email})
        address = user.email
    return address


def make_admin(session: Session, email: str, name: str, password_hash: str | None, actor: Actor) -> bool:
    """Make an account a site administrator, creating it (with this password) when there is none;
    one transaction, audited. Returns whether the account was created."""
    address = normalise_email(email)
    with write_transaction(session):
        user = session.execute(select(User).where(col(User.email) == address)).scalar_one_or_none()
        created = user is None
        if user is None:
            if password_hash is None:
                needed = _("A new administrator without a group needs a password (--password-stdin).")
                raise Invalid({"password": needed})
            user = User(email=address, name=name.strip() or address, password_hash=password_hash, is_admin=True)
            session.add(user)
            session.flush()
            audit.record(session, actor, "user.create", "user", user.id, details={"email": address})
        elif user.is_admin:
            return False
        user.is_admin = True
        session.add(user)
        audit.record(session, actor, "user.admin", "user", user.id, details={"email": address})
    return created


# --- invitations ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssuedInvitation:
    """A new invitation: its raw token (shown once, never stored) and when it expires."""

    id: int
    token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class InvitationView:
    """What the invitation page shows: the group and the seat offered, for whom."""

    email: str
    name: str
    """The name the secretariat gave, not the account holder's own."""
    group_slug: str
    group_name: str
    role: str
    delegation_name: str
    is_head: bool
    expires_at: datetime
    user_id: int
    needs_password: bool
    """The link sets the password of the account it created; otherwise the holder signs in and joins."""


def issue_invitation(
    session: Session,
    *,
    user_id: int,
    group_id: int,
    created_by_id: int | None,
    valid_days: int,
    role: str,
    delegation_id: int | None = None,
    is_head: bool = False,
    name: str = "",
    sets_password: bool = False,
) -> IssuedInvitation:
    """Create a one-time invitation to a seat inside the caller's transaction."""
    token = new_token()
    invitation = Invitation(
        token_hash=digest(token),
        user_id=user_id,
        group_id=group_id,
        created_by_id=created_by_id,
        expires_at=utcnow() + timedelta(days=valid_days),
        name=name,
        role=role,
        delegation_id=delegation_id,
        is_head=is_head,
        sets_password=sets_password,
    )
    session.add(invitation)
    session.flush()
    assert invitation.id is not None
    return IssuedInvitation(invitation.id, token, invitation.expires_at)


def _usable_invitation(session: Session, raw_token: str) -> Invitation:
    invitation: Invitation | None = session.execute(
        select(Invitation).where(col(Invitation.token_hash) == digest(raw_token))
    ).scalar_one_or_none()
    if invitation is None:
        raise NotFound(_("This invitation link is not valid."))
    if invitation.used_at is not None:
        raise Conflict(_("This invitation has already been used. Log in with your password."))
    if invitation.expires_at < utcnow():
        raise Conflict(_("This invitation has expired. Ask the secretariat for a new one."))
    return invitation


def read_invitation(session: Session, raw_token: str) -> InvitationView:
    """The invitation behind a link, or an error saying why it cannot be used."""
    invitation = _usable_invitation(session, raw_token)
    user = session.get(User, invitation.user_id)
    group = session.get(WorkingGroup, invitation.group_id)
    delegation = session.get(Delegation, invitation.delegation_id) if invitation.delegation_id else None
    if user is None or group is None or user.id is None:
        raise NotFound(_("This invitation link is not valid."))
    return InvitationView(
        email=user.email,
        name=invitation.name,
        group_slug=group.slug,
        group_name=group.name,
        role=invitation.role,
        delegation_name=delegation.name if delegation else "",
        is_head=invitation.is_head,
        expires_at=invitation.expires_at,
        user_id=user.id,
        needs_password=invitation.sets_password and user.password_hash is None,
    )


def _join(session: Session, invitation: Invitation, user: User) -> None:
    """Give the invited account its seat and use the invitation up (inside a write transaction).

    The seat is checked again now: the delegation may have gained a head since the invitation.
    """
    assert user.id is not None
    existing = session.execute(
        select(Membership).where(col(Membership.group_id) == invitation.group_id, col(Membership.user_id) == user.id)
    ).scalar_one_or_none()
    delegation = session.get(Delegation, invitation.delegation_id) if invitation.delegation_id else None
    if existing is not None and not invitation.sets_password:
        raise Conflict(_("You are already a member of this group."))
    # (An invitation made before invitations carried their seat already has its membership.)
    if existing is None:
        if delegation is not None:
            assert delegation.id is not None
            seat = Seat(invitation.role, delegation.code, invitation.is_head)
            refusal = head_refusal(seat, delegation.name, head_of_delegation(session, delegation.id))
            if refusal is not None:
                raise Conflict(
                    refusal_text(refusal) + " " + _("Ask the secretariat to change the invitation or the current head.")
                )
        session.add(
            Membership(
                group_id=invitation.group_id,
                user_id=user.id,
                role=invitation.role,
                delegation_id=invitation.delegation_id,
                is_head=invitation.is_head,
            )
        )
    invitation.used_at = utcnow()
    session.add(invitation)
    audit.record(
        session,
        Actor(user.id, user.email, delegation.code if delegation else ""),
        "invitation.accept",
        "invitation",
        invitation.id,
        group_id=invitation.group_id,
        details={
            "role": invitation.role,
            "delegation": delegation.code if delegation else "",
            "head": invitation.is_head,
        },
    )


def accept_invitation(session: Session, raw_token: str, password: str, confirmation: str) -> LoginResult:
    """Set the password of the account the invitation created, give it its seat and log it in."""
    problem = password_problem(password, confirmation)
    if problem:
        raise Invalid({"password": problem})
    token = new_token()
    password_hash = hash_password(password)
    with write_transaction(session):
        invitation = _usable_invitation(session, raw_token)
        user = session.get(User, invitation.user_id)
        assert user is not None and user.id is not None
        if not invitation.sets_password or user.password_hash is not None:
            raise Conflict(_("This account already has a password. Log in with it, then accept the invitation."))
        user.password_hash = password_hash
        session.add_all([user, AuthSession(id=digest(token), user_id=user.id)])
        _join(session, invitation, user)
        user_id = user.id
    return LoginResult(token=token, user_id=user_id)


def join_by_invitation(session: Session, raw_token: str, user: CurrentUser) -> str:
    """Accept an invitation as the signed-in account it was made for; returns the group's slug."""
    with write_transaction(session):
        invitation = _usable_invitation(session, raw_token)
        if invitation.user_id != user.id:
            raise Forbidden(
                _(
                    "This invitation is for another account. Log out, then sign in with the e-mail "
                    "address it was sent to."
                )
            )
        account = session.get(User, user.id)
        group = session.get(WorkingGroup, invitation.group_id)
        assert account is not None and group is not None
        _join(session, invitation, account)
        slug = group.slug
    return slug


def identity_of(session: Session, email: str) -> CurrentUser:
    """The CurrentUser for an e-mail address (for commands and scripts acting as someone)."""
    user = _user_by_email(session, email)
    assert user.id is not None
    return _current_user(session, user.id, user.email, user.name, None, user.language, user.time_zone, user.is_admin)
