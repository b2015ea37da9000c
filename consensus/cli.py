"""The ``consensus`` command: serve, migrate, load group files, invite and disable users, API tokens,
export a published text, back up and restore, verify the audit chain."""

from __future__ import annotations

import argparse
import copy
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import yaml
from sqlalchemy import Engine
from sqlmodel import Session

from consensus import demo
from consensus.accounts.passwords import hash_password, password_problem
from consensus.accounts.services import (
    create_api_token,
    disable_user,
    enable_user,
    make_admin,
    revoke_api_token,
    tokens_of_email,
)
from consensus.audit.keys import AuditKeyError, load_public, public_path, sign_with, signature_check
from consensus.audit.services import Actor, verify
from consensus.backup import BackupError, backup, restore
from consensus.core.audit import Checkpoint
from consensus.core.groupfile import GroupFile, GroupFileInvalid, check_group_file
from consensus.db import make_engine
from consensus.errors import DomainError, Invalid
from consensus.groups.services import (
    LoadReport,
    NewMember,
    PreparedInvitation,
    add_member,
    group_is_empty,
    load_group_file,
)
from consensus.migrations import SchemaBehind, check_schema, current_revision, head_revision, upgrade
from consensus.publishing.formats import FORMATS as EXPORT_FORMATS
from consensus.settings import Settings, get_settings


class CommandFailed(Exception):
    """Stops a command: ``main`` prints each line after ``consensus:`` on stderr and exits with
    ``status`` (1: refused or bad input; 2: the database or a key file is not usable)."""

    def __init__(self, status: int, *lines: str) -> None:
        super().__init__(*lines)
        self.status, self.lines = status, lines


def _require_current(engine: Engine) -> None:
    """Stop the command with status 2, naming the upgrade command, when the schema is behind."""
    try:
        check_schema(engine)
    except SchemaBehind as behind:
        raise CommandFailed(2, str(behind)) from None


@contextmanager
def database(*, signed: bool = True) -> Iterator[Engine]:
    """The configured database, at the current schema (else the command stops with status 2,
    naming the command that upgrades it); disposed afterwards. With ``signed`` (the default),
    what the command writes to the audit chain is signed with the deployment's audit key."""
    settings = get_settings()
    engine = make_engine(settings.database)
    try:
        if signed:
            sign_with(engine, settings.audit_key)
        _require_current(engine)
        yield engine
    finally:
        engine.dispose()


@contextmanager
def session(*, signed: bool = True, about: str = "") -> Iterator[Session]:
    """A session on the database (see ``database``); a service's refusal stops the command with
    status 1 in the service's words (field by field for bad input), followed by ``about`` when
    given."""
    with database(signed=signed) as engine, Session(engine, expire_on_commit=False) as opened:
        try:
            yield opened
        except Invalid as invalid:
            if about:
                raise CommandFailed(1, f"{invalid.message} ({about})") from None
            raise CommandFailed(1, *(f"{name}: {problem}" for name, problem in invalid.errors.items())) from None
        except DomainError as refusal:
            raise CommandFailed(1, refusal.message + (f" ({about})" if about else "")) from None


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn  # only this command needs the server
    import uvicorn.config

    settings = get_settings()
    engine = make_engine(settings.database)
    try:
        _require_current(engine)  # a database that is behind is refused before any worker starts
    finally:
        engine.dispose()
    host = args.host or settings.server.host
    port = args.port or settings.server.port
    print(f"Consensus is serving at http://{host}:{port} (Ctrl-C stops it)", flush=True)
    # uvicorn's logging, plus our own loggers at INFO, in every worker process.
    log_config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    log_config["loggers"]["consensus"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    uvicorn.run(
        "consensus.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=args.workers,
        proxy_headers=args.proxy_headers,
        forwarded_allow_ips=args.forwarded_allow_ips,
        log_level="info",
        log_config=log_config,
        access_log=args.access_log,
    )
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    upgrade()
    with database() as engine:
        print(f"Database is at revision {current_revision(engine)} (newest: {head_revision()}).")
    return 0


def read_group_file(source: str) -> GroupFile:
    """The group a YAML file describes, checked (else the command stops, naming every problem)."""
    try:
        raw = yaml.safe_load(Path(source).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CommandFailed(1, f"{source}: no such file") from None
    except yaml.YAMLError as problem:
        raise CommandFailed(1, f"{source} is not valid YAML: {problem}") from None
    try:
        return check_group_file(raw, source)
    except GroupFileInvalid as invalid:
        raise CommandFailed(1, str(invalid)) from None


def _print_load_report(source: str, report: LoadReport) -> None:
    if report.changed:
        created = ", ".join(f"{n} {k}" for k, n in report.created.items() if n) or "nothing new"
        updated = ", ".join(f"{n} {k}" for k, n in report.updated.items() if n)
        print(
            f"Loaded {source} into group {report.group}: created {created}"
            + (f"; updated {updated}" if updated else "")
            + "."
        )
    else:
        print(f"{source} is already loaded into group {report.group}: nothing changed.")
    if report.passwords_kept:
        print("These accounts already existed and keep their own passwords (the file's were not applied):")
        for email in report.passwords_kept:
            print(f"  {email}")


def cmd_load(args: argparse.Namespace) -> int:
    spec = read_group_file(args.file)
    report = None
    with session() as db:
        if args.if_empty and not group_is_empty(db):
            print("The database already holds working groups; the demo was not loaded again.")
        else:
            report = load_group_file(db, spec, Actor.command_line(), args.file)
            _print_load_report(args.file, report)
            if args.in_progress and demo.is_untold(db):
                for line in demo.play(db):
                    print(line)
    if args.show_accounts:
        _print_accounts(spec, set(report.passwords_kept) if report else set())
    return 0


def _print_accounts(spec: GroupFile, kept: set[str]) -> None:
    print()
    print(f"Accounts of {spec.group.name} ({spec.group.slug}):")
    width = max((len(u.email) for u in spec.users), default=10)
    for user in spec.users:
        what = user.role
        if user.delegation:
            what += f", {user.delegation}" + (" (head of delegation)" if user.head else "")
        shown = user.password or "(no password: invite them)"
        if user.email in kept:
            shown = "(an existing account: its own password)"
        print(f"  {user.email.ljust(width)}  {shown}  {what}")
    print()


def cmd_user_create(args: argparse.Namespace) -> int:
    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        problem = password_problem(password)
        if problem:
            raise CommandFailed(1, f"password: {problem}")
    if not args.admin and not (args.group and args.role):
        raise CommandFailed(2, "give --group and --role (a seat in a group), or --admin (a site administrator)")
    settings = get_settings()
    if args.admin:
        with session() as db:
            password_hash = hash_password(password) if password else None
            made = make_admin(db, args.email, args.name, password_hash, Actor.command_line())
        print(f"{args.email} is a site administrator" + (" (a new account)." if made else "."))
    if args.group:
        member = NewMember(
            email=args.email,
            name=args.name,
            role=args.role or "",
            delegation=args.delegation or "",
            head=args.head,
            password=None if args.admin else password,
        )
        with session() as db:
            added = add_member(
                db, args.group, member, Actor.command_line(), invitation_days=settings.security.invitation_days
            )
        _print_invitation(args, settings, added)
    return 0


def _print_invitation(args: argparse.Namespace, settings: Settings, prepared: PreparedInvitation) -> None:
    """The same lines whether or not the address already had an account."""
    print(
        f"An invitation was prepared for {prepared.email} to join {args.group} as {prepared.role}"
        + (f" for {prepared.delegation}" if prepared.delegation else "")
        + (" (head of delegation)" if prepared.head else "")
        + "."
    )
    print("They become a member when they accept it (a new account chooses a password; an existing one signs in).")
    base = args.base_url or f"http://{settings.server.host}:{settings.server.port}"
    print(f"Invitation link (valid {settings.security.invitation_days} days, usable once):")
    print(f"{base.rstrip('/')}/invitations/{prepared.token}")


def cmd_token_create(args: argparse.Namespace) -> int:
    with session() as db:
        token = create_api_token(db, args.email, args.label or "", days=args.days)
    print(f"Bearer token for {args.email}, valid {args.days} days (shown once; only its hash is kept):")
    print(token)
    return 0


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "never"


def cmd_token_list(args: argparse.Namespace) -> int:
    with session() as db:
        tokens = tokens_of_email(db, args.email)
    if not tokens:
        print(f"{args.email} has no API tokens.")
        return 0
    print(f"API tokens of {args.email}:")
    print(f"  {'id':>5}  {'state':<8}  {'created':<16}  {'last used':<16}  {'expires':<16}  label")
    for t in tokens:
        print(
            f"  {t.id:>5}  {t.state:<8}  {_when(t.created_at):<16}  {_when(t.last_used_at):<16}  "
            f"{_when(t.expires_at):<16}  {t.label}"
        )
    return 0


def cmd_token_revoke(args: argparse.Namespace) -> int:
    with session() as db:
        changed = revoke_api_token(db, args.id, Actor.command_line())
    print(f"Token {args.id} is revoked." if changed else f"Token {args.id} was already revoked.")
    return 0


def cmd_user_disable(args: argparse.Namespace) -> int:
    with session() as db:
        disabled = disable_user(db, args.email, Actor.command_line())
    print(f"{disabled.email} is disabled: {disabled.sessions} session(s) ended, {disabled.tokens} token(s) revoked.")
    return 0


def cmd_user_enable(args: argparse.Namespace) -> int:
    with session() as db:
        email = enable_user(db, args.email, Actor.command_line())
    print(f"{email} may log in again (its revoked tokens stay revoked).")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    # The renderers (WeasyPrint, python-docx) take seconds to import: only this command needs them.
    from consensus.publishing.formats import FORMATS, render
    from consensus.publishing.services import published_text
    from consensus.web.templating import make_environment

    settings = get_settings()
    with session(about=f"{args.group}/{args.document}, version {args.version or 'latest'}") as db:
        text = published_text(db, args.group, args.document, args.version)
    body = render(text, args.format, make_environment(settings.templates_dir))
    out = Path(args.out) if args.out else Path(f"{text.file_stem}.{args.format}")
    out.write_bytes(body)
    print(f"Wrote {out} ({FORMATS[args.format]}, {len(body)} bytes).")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    try:
        backup(get_settings().database, Path(args.file))
    except BackupError as problem:
        raise CommandFailed(1, str(problem)) from None
    print(f"Backed up the database to {args.file}.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    try:
        restore(get_settings().database, Path(args.file))
    except BackupError as problem:
        raise CommandFailed(1, str(problem)) from None
    print(f"Restored the database from {args.file}. Run `consensus audit verify` to check its record.")
    return 0


def _checkpoints(path: str) -> list[Checkpoint]:
    """Checkpoints from a JSON file: a list of {"seq", "hash"} (such as /p/{group}/checkpoints.json)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as problem:
        raise ValueError(f"{path}: {problem.strerror}") from None
    except ValueError as problem:
        raise ValueError(f"{path} is not JSON: {problem}") from None
    if not isinstance(data, list):
        raise ValueError(f'{path} must hold a JSON list of {{"seq", "hash"}} objects')
    found = []
    for index, entry in enumerate(data):
        seq = entry.get("seq") if isinstance(entry, dict) else None
        digest = entry.get("hash") if isinstance(entry, dict) else None
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1 or not isinstance(digest, str):
            raise ValueError(f"{path}: entry {index + 1} needs a positive integer seq and a hash")
        found.append(Checkpoint(seq, digest))
    return found


def cmd_audit_verify(args: argparse.Namespace) -> int:
    settings = get_settings()
    default = public_path(settings.audit_key)
    key_files = [Path(k) for k in args.key] if args.key else [default if default.exists() else settings.audit_key]
    try:
        checks = [signature_check(load_public(path)) for path in key_files]
        checkpoints = _checkpoints(args.checkpoints) if args.checkpoints else []
    except (AuditKeyError, ValueError) as unusable:
        raise CommandFailed(2, str(unusable)) from None

    def signed_by_a_key(event_hash: str, signature: str) -> bool:
        return any(check(event_hash, signature) for check in checks)

    # Verifying writes nothing: it signs nothing, and never makes a key.
    with session(signed=False) as db:
        report = verify(db, signed_by_a_key, checkpoints)
    if report.ok:
        held = f", {len(checkpoints)} checkpoints held" if checkpoints else ""
        before = (
            f" ({report.unsigned_before_signing} from before signing began)" if report.unsigned_before_signing else ""
        )
        print(
            f"Audit chain verified: {report.events} events, {report.signed} signed{before}{held}; "
            f"the state agrees with it. Head {report.head_hash}."
        )
        return 0
    print(f"Audit chain BROKEN: {report.reason}", file=sys.stderr)
    for problem in report.problems:
        print(f"  also: {problem}", file=sys.stderr)
    return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="consensus", description="Consensus: negotiate, agree and publish texts.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the web application")
    serve.add_argument("--host", help="address to listen on (default: $HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default: $PORT or 8000)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    serve.add_argument("--proxy-headers", action="store_true", help="trust X-Forwarded-* from the proxy")
    serve.add_argument("--forwarded-allow-ips", default="127.0.0.1", help="proxies whose headers are trusted")
    serve.add_argument("--access-log", action="store_true", help="log every request")
    serve.set_defaults(run=cmd_serve)

    migrate = commands.add_parser("migrate", help="upgrade the database to the newest schema")
    migrate.set_defaults(run=cmd_migrate)

    load = commands.add_parser("load", help="set up (or bring up to date) a working group from a YAML file")
    load.add_argument("file")
    load.add_argument("--if-empty", action="store_true", help="only when the database holds no group yet")
    load.add_argument("--show-accounts", action="store_true", help="print the file's accounts afterwards")
    load.add_argument(
        "--in-progress",
        action="store_true",
        help="then play the demo's negotiation so far (comments, amendments, versions, rounds, a published text)",
    )
    load.set_defaults(run=cmd_load)

    user = commands.add_parser("user", help="manage users").add_subparsers(dest="user_command", required=True)
    create = user.add_parser(
        "create", help="invite someone to a group's seat (prints the invitation link), or make a site administrator"
    )
    create.add_argument("email")
    create.add_argument("--name", default="")
    create.add_argument("--admin", action="store_true", help="a site administrator: creates groups in the browser")
    create.add_argument("--group", help="the group's slug")
    create.add_argument("--role", choices=["chair", "secretariat", "delegate", "observer"])
    create.add_argument("--delegation", help="delegation code (required for delegates)")
    create.add_argument("--head", action="store_true", help="holds the delegation's voting right")
    create.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password of a new account from stdin (an existing account keeps its own)",
    )
    create.add_argument("--base-url", help="address used in the invitation link")
    create.set_defaults(run=cmd_user_create)
    disable = user.add_parser("disable", help="stop an account logging in; ends its sessions and revokes its tokens")
    disable.add_argument("email")
    disable.set_defaults(run=cmd_user_disable)
    enable = user.add_parser("enable", help="let a disabled account log in again")
    enable.add_argument("email")
    enable.set_defaults(run=cmd_user_enable)

    token = commands.add_parser("token", help="manage API tokens").add_subparsers(dest="token_command", required=True)
    token_create = token.add_parser("create", help="make a bearer token for a user (printed last)")
    token_create.add_argument("email")
    token_create.add_argument("--label", help="what the token is for")
    token_create.add_argument("--days", type=int, default=90, help="how long the token is valid (default 90 days)")
    token_create.set_defaults(run=cmd_token_create)
    token_list = token.add_parser("list", help="a user's tokens: id, state, created, last used, expiry, label")
    token_list.add_argument("email")
    token_list.set_defaults(run=cmd_token_list)
    token_revoke = token.add_parser("revoke", help="revoke a token at once (its id from `token list`)")
    token_revoke.add_argument("id", type=int)
    token_revoke.set_defaults(run=cmd_token_revoke)

    export = commands.add_parser("export", help="write a published text to a file")
    export.add_argument("group")
    export.add_argument("document")
    export.add_argument("--version", type=int, help="the version (default: the newest published)")
    export.add_argument("--format", required=True, choices=list(EXPORT_FORMATS))
    export.add_argument("--out", help="the file to write (default: named after the group, document, version and date)")
    export.set_defaults(run=cmd_export)

    backup_cmd = commands.add_parser("backup", help="write a consistent copy of the database (safe while serving)")
    backup_cmd.add_argument("file")
    backup_cmd.set_defaults(run=cmd_backup)

    restore_cmd = commands.add_parser("restore", help="replace the database with a backup")
    restore_cmd.add_argument("file")
    restore_cmd.set_defaults(run=cmd_restore)

    audit = commands.add_parser("audit", help="the audit log").add_subparsers(dest="audit_command", required=True)
    verify = audit.add_parser(
        "verify",
        help="check the hash chain, its signatures and the state against it; non-zero exit naming what is at fault",
    )
    verify.add_argument(
        "--checkpoints", metavar="FILE", help='a JSON list of {"seq", "hash"} the chain must still hold'
    )
    verify.add_argument(
        "--key",
        metavar="FILE",
        action="append",
        help="the audit key's public part (default: the data folder's audit-key.pem.pub); "
        "give it again for each key that signed part of the chain",
    )
    verify.set_defaults(run=cmd_audit_verify)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit status (argparse exits with 2 itself on a command line it cannot read)."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except CommandFailed as failed:
        for line in failed.lines:
            print(f"consensus: {line}", file=sys.stderr)
        return failed.status


if __name__ == "__main__":
    sys.exit(main())
