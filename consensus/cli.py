"""The ``consensus`` command: serve, migrate, load group files, users, tokens, audit."""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path

import yaml
from sqlmodel import Session

from consensus.settings import get_settings


def _engine():  # type: ignore[no-untyped-def]
    """The database, with the audit key that signs what this command writes."""
    from consensus.audit.keys import sign_with
    from consensus.db import make_engine

    settings = get_settings()
    engine = make_engine(settings.database)
    sign_with(engine, settings.audit_key)
    return engine


def _require_current_schema(engine) -> bool:  # type: ignore[no-untyped-def]
    from consensus.migrations import SchemaBehind, check_schema

    try:
        check_schema(engine)
    except SchemaBehind as behind:
        print(f"consensus: {behind}", file=sys.stderr)
        return False
    return True


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn
    import uvicorn.config

    settings = get_settings()
    engine = _engine()
    ok = _require_current_schema(engine)
    engine.dispose()
    if not ok:
        return 2
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
    from consensus.migrations import current_revision, head_revision, upgrade

    upgrade()
    engine = _engine()
    print(f"Database is at revision {current_revision(engine)} (newest: {head_revision()}).")
    engine.dispose()
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    from consensus.audit.services import Actor
    from consensus.core.groupfile import GroupFileInvalid, check_group_file
    from consensus.groups.services import group_is_empty, load_group_file

    path = Path(args.file)
    source = args.file
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        print(f"consensus: {source}: no such file", file=sys.stderr)
        return 1
    except yaml.YAMLError as problem:
        print(f"consensus: {source} is not valid YAML: {problem}", file=sys.stderr)
        return 1
    try:
        spec = check_group_file(raw, source)
    except GroupFileInvalid as invalid:
        print(f"consensus: {invalid}", file=sys.stderr)
        return 1
    engine = _engine()
    if not _require_current_schema(engine):
        return 2
    report = None
    with Session(engine, expire_on_commit=False) as session:
        if args.if_empty and not group_is_empty(session):
            print("The database already holds working groups; the demo was not loaded again.")
        else:
            report = load_group_file(session, spec, Actor.command_line(), source)
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
    engine.dispose()
    if args.show_accounts:
        _print_accounts(spec, set(report.passwords_kept) if report else set())
    return 0


def _print_accounts(spec, kept: set[str]) -> None:  # type: ignore[no-untyped-def]
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
    from consensus.audit.services import Actor
    from consensus.errors import DomainError, Invalid
    from consensus.groups.services import NewMember, add_member

    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        from consensus.accounts.passwords import password_problem

        problem = password_problem(password)
        if problem:
            print(f"consensus: password: {problem}", file=sys.stderr)
            return 1
    settings = get_settings()
    engine = _engine()
    if not _require_current_schema(engine):
        return 2
    member = NewMember(
        email=args.email,
        name=args.name,
        role=args.role,
        delegation=args.delegation or "",
        head=args.head,
        password=password,
    )
    with Session(engine, expire_on_commit=False) as session:
        try:
            added = add_member(
                session,
                args.group,
                member,
                Actor.command_line(),
                invitation_days=settings.security.invitation_days,
            )
        except Invalid as invalid:
            for name, problem in invalid.errors.items():
                print(f"consensus: {name}: {problem}", file=sys.stderr)
            return 1
        except DomainError as refusal:
            print(f"consensus: {refusal.message}", file=sys.stderr)
            return 1
    engine.dispose()
    _print_invitation(args, settings, added)
    return 0


def _print_invitation(args: argparse.Namespace, settings, prepared) -> None:  # type: ignore[no-untyped-def]
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


def _current_engine():  # type: ignore[no-untyped-def]
    """An engine on a database at the current schema, or None (the reason printed)."""
    engine = _engine()
    if not _require_current_schema(engine):
        engine.dispose()
        return None
    return engine


def _refused(refusal) -> int:  # type: ignore[no-untyped-def]
    from consensus.errors import Invalid

    if isinstance(refusal, Invalid):
        for name, problem in refusal.errors.items():
            print(f"consensus: {name}: {problem}", file=sys.stderr)
    else:
        print(f"consensus: {refusal.message}", file=sys.stderr)
    return 1


def cmd_token_create(args: argparse.Namespace) -> int:
    from consensus.accounts.services import create_api_token
    from consensus.errors import DomainError

    engine = _current_engine()
    if engine is None:
        return 2
    with Session(engine) as session:
        try:
            token = create_api_token(session, args.email, args.label or "", days=args.days)
        except DomainError as refusal:
            return _refused(refusal)
    engine.dispose()
    print(f"Bearer token for {args.email}, valid {args.days} days (shown once; only its hash is kept):")
    print(token)
    return 0


def cmd_token_list(args: argparse.Namespace) -> int:
    from consensus.accounts.services import tokens_of_email
    from consensus.errors import DomainError

    engine = _current_engine()
    if engine is None:
        return 2
    with Session(engine) as session:
        try:
            tokens = tokens_of_email(session, args.email)
        except DomainError as refusal:
            return _refused(refusal)
    engine.dispose()
    if not tokens:
        print(f"{args.email} has no API tokens.")
        return 0
    print(f"API tokens of {args.email}:")
    print(f"  {'id':>5}  {'state':<8}  {'created':<16}  {'last used':<16}  {'expires':<16}  label")

    def when(moment) -> str:  # type: ignore[no-untyped-def]
        return moment.strftime("%Y-%m-%d %H:%M") if moment else "never"

    for t in tokens:
        print(
            f"  {t.id:>5}  {t.state:<8}  {when(t.created_at):<16}  {when(t.last_used_at):<16}  "
            f"{when(t.expires_at):<16}  {t.label}"
        )
    return 0


def cmd_token_revoke(args: argparse.Namespace) -> int:
    from consensus.accounts.services import revoke_api_token
    from consensus.audit.services import Actor
    from consensus.errors import DomainError

    engine = _current_engine()
    if engine is None:
        return 2
    with Session(engine) as session:
        try:
            changed = revoke_api_token(session, args.id, Actor.command_line())
        except DomainError as refusal:
            return _refused(refusal)
    engine.dispose()
    print(f"Token {args.id} is revoked." if changed else f"Token {args.id} was already revoked.")
    return 0


def cmd_user_disable(args: argparse.Namespace) -> int:
    from consensus.accounts.services import disable_user
    from consensus.audit.services import Actor
    from consensus.errors import DomainError

    engine = _current_engine()
    if engine is None:
        return 2
    with Session(engine) as session:
        try:
            disabled = disable_user(session, args.email, Actor.command_line())
        except DomainError as refusal:
            return _refused(refusal)
    engine.dispose()
    print(f"{disabled.email} is disabled: {disabled.sessions} session(s) ended, {disabled.tokens} token(s) revoked.")
    return 0


def cmd_user_enable(args: argparse.Namespace) -> int:
    from consensus.accounts.services import enable_user
    from consensus.audit.services import Actor
    from consensus.errors import DomainError

    engine = _current_engine()
    if engine is None:
        return 2
    with Session(engine) as session:
        try:
            email = enable_user(session, args.email, Actor.command_line())
        except DomainError as refusal:
            return _refused(refusal)
    engine.dispose()
    print(f"{email} may log in again (its revoked tokens stay revoked).")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from consensus.errors import DomainError
    from consensus.publishing.formats import FORMATS, render
    from consensus.publishing.services import published_text
    from consensus.web.templating import make_environment

    settings = get_settings()
    engine = _engine()
    if not _require_current_schema(engine):
        return 2
    with Session(engine) as session:
        try:
            text = published_text(session, args.group, args.document, args.version)
        except DomainError as refusal:
            print(
                f"consensus: {refusal.message} ({args.group}/{args.document}, version {args.version or 'latest'})",
                file=sys.stderr,
            )
            return 1
    engine.dispose()
    body = render(text, args.format, make_environment(settings.templates_dir))
    out = Path(args.out) if args.out else Path(f"{text.file_stem}.{args.format}")
    out.write_bytes(body)
    print(f"Wrote {out} ({FORMATS[args.format]}, {len(body)} bytes).")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from consensus.backup import BackupError, backup

    try:
        backup(get_settings().database, Path(args.file))
    except BackupError as problem:
        print(f"consensus: {problem}", file=sys.stderr)
        return 1
    print(f"Backed up the database to {args.file}.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from consensus.backup import BackupError, restore

    try:
        restore(get_settings().database, Path(args.file))
    except BackupError as problem:
        print(f"consensus: {problem}", file=sys.stderr)
        return 1
    print(f"Restored the database from {args.file}. Run `consensus audit verify` to check its record.")
    return 0


def _checkpoints(path: str) -> list:  # type: ignore[type-arg]
    """Checkpoints from a JSON file: a list of {"seq", "hash"} (such as /p/{group}/checkpoints.json)."""
    from consensus.core.audit import Checkpoint

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
    from consensus.audit.keys import AuditKeyError, load_public, public_path, signature_check
    from consensus.audit.services import verify

    settings = get_settings()
    default = public_path(settings.audit_key)
    key_files = [Path(k) for k in args.key] if args.key else [default if default.exists() else settings.audit_key]
    try:
        checks = [signature_check(load_public(path)) for path in key_files]
        checkpoints = _checkpoints(args.checkpoints) if args.checkpoints else []
    except (AuditKeyError, ValueError) as problem:
        print(f"consensus: {problem}", file=sys.stderr)
        return 2

    def signed_by_a_key(event_hash: str, signature: str) -> bool:
        return any(check(event_hash, signature) for check in checks)

    from consensus.db import make_engine

    engine = make_engine(settings.database)
    if not _require_current_schema(engine):
        return 2
    with Session(engine) as session:
        report = verify(session, signed_by_a_key, checkpoints)
    engine.dispose()
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
    load.set_defaults(run=cmd_load)

    user = commands.add_parser("user", help="manage users").add_subparsers(dest="user_command", required=True)
    create = user.add_parser("create", help="invite someone to a group's seat; prints the invitation link")
    create.add_argument("email")
    create.add_argument("--name", required=True)
    create.add_argument("--group", required=True, help="the group's slug")
    create.add_argument("--role", required=True, choices=["chair", "secretariat", "delegate", "observer"])
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
    export.add_argument("--format", required=True, choices=["html", "md", "pdf", "docx", "json", "akn.xml"])
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
    args = build_parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
