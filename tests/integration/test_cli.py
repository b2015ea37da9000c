"""The ``consensus`` command against a real database: run in this process through
``consensus.cli.main`` as its entry point runs it (with the data folder's environment, standard input
and output), and once as the installed program in a process of its own."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select, text
from sqlmodel import Session

from consensus import PROJECT_ROOT
from consensus.accounts.passwords import verify_password
from consensus.app import create_app
from consensus.db import make_engine
from consensus.models import AuditEvent, Clause, Delegation, Membership, User, Version, WorkingGroup
from tests.conftest import DEMO_FILE, TestDatabase, empty_database, make_settings, run_command

DATABASES: dict[Path, TestDatabase] = {}
"""The database each data folder's commands use (a file in it on SQLite; its own PostgreSQL database)."""


def consensus(data_dir: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``consensus ARGS`` with the environment a deployment on ``data_dir`` gives it."""
    database = DATABASES[data_dir].url if data_dir in DATABASES else None
    env = {"CONSENSUS_DATA_DIR": str(data_dir), "SECRET_KEY": "cli-test-secret", "DATABASE_URL": database}
    return run_command(*args, env=env, stdin=stdin or "")


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "data"
    DATABASES[folder] = empty_database(folder)
    yield folder
    DATABASES.pop(folder).drop()


@pytest.fixture
def migrated(data_dir: Path) -> Path:
    result = consensus(data_dir, "migrate")
    assert result.returncode == 0, result.stderr
    return data_dir


@contextlib.contextmanager
def session_for(data_dir: Path) -> Iterator[Session]:
    engine = make_engine(make_settings(data_dir, DATABASES[data_dir].url).database)
    with Session(engine) as session:
        yield session
    engine.dispose()


def counts(data_dir: Path) -> dict[str, int]:
    with session_for(data_dir) as db:
        return {
            t.__name__: db.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (WorkingGroup, Delegation, User, Version, Clause, AuditEvent)
        }


def test_migrate_then_load_sets_up_the_whole_group_and_a_second_load_changes_nothing(migrated: Path) -> None:
    first = consensus(migrated, "load", str(DEMO_FILE), "--show-accounts")
    assert first.returncode == 0, first.stderr
    assert "Loaded" in first.stdout and "chair@demo.example" in first.stdout
    after_first = counts(migrated)
    assert after_first["Delegation"] >= 15 and after_first["Clause"] >= 20
    second = consensus(migrated, "load", str(DEMO_FILE))
    assert second.returncode == 0
    assert "nothing changed" in second.stdout
    assert counts(migrated) == after_first
    if_empty = consensus(migrated, "load", str(DEMO_FILE), "--if-empty")
    assert "not loaded again" in if_empty.stdout


def test_make_run_loads_the_demo_with_its_negotiation_in_progress_once(migrated: Path) -> None:
    first = consensus(migrated, "load", str(DEMO_FILE), "--if-empty", "--show-accounts", "--in-progress")
    assert first.returncode == 0, first.stderr
    assert "terms of reference were agreed" in first.stdout and "Version 2 was consolidated" in first.stdout
    with session_for(migrated) as db:
        assert db.execute(select(func.count()).select_from(Version)).scalar_one() == 4  # 2 + terms + summary
    again = consensus(migrated, "load", str(DEMO_FILE), "--if-empty", "--in-progress")
    assert again.returncode == 0 and "not loaded again" in again.stdout and "Version 2" not in again.stdout


BAD_FILE = """
group: {slug: bad, name: Bad group}
delegations:
  - {code: AAA, name: Alpha, weight: "2"}
  - {code: BBB, name: Beta, weight: "-1"}
users:
  - {email: a@example.org, name: A, password: "long enough pass", role: delegate, delegation: CCC}
documents:
  - {slug: d, title: D, clauses: [{number: "1", text: "x"}]}
"""


def test_a_bad_file_is_refused_naming_file_entry_and_field_and_nothing_is_written(
    migrated: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_FILE)
    before = counts(migrated)
    result = consensus(migrated, "load", str(bad))
    assert result.returncode == 1
    assert f"{bad}: delegations[1] (BBB): weight: must be a positive number" in result.stderr
    assert f"{bad}: users[0] (a@example.org): delegation: unknown delegation CCC" in result.stderr
    assert counts(migrated) == before


def test_a_file_that_is_not_yaml_is_refused(migrated: Path, tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("group: {slug: [unclosed\n")
    result = consensus(migrated, "load", str(bad))
    assert result.returncode == 1 and "is not valid YAML" in result.stderr


TAKEOVER_FILE = """
group: {slug: elsewhere, name: Another group}
delegations:
  - {code: ZZZ, name: Elsewhere}
users:
  - {email: ken.head@demo.example, name: Ken Head, password: "the file's new password", role: observer}
  - {email: brand.new@example.org, name: Brand New, password: "a password for a new account", role: observer}
"""


def test_a_group_file_never_changes_the_password_of_an_existing_account(migrated: Path, tmp_path: Path) -> None:
    consensus(migrated, "load", str(DEMO_FILE))
    other = tmp_path / "other.yaml"
    other.write_text(TAKEOVER_FILE)
    result = consensus(migrated, "load", str(other), "--show-accounts")
    assert result.returncode == 0, result.stderr
    assert "keep their own passwords" in result.stdout
    kept = result.stdout.split("keep their own passwords", 1)[1].split("Accounts of", 1)[0]
    assert "ken.head@demo.example" in kept and "brand.new@example.org" not in kept
    assert "the file's new password" not in result.stdout  # --show-accounts does not claim it works
    with session_for(migrated) as db:
        stored = dict(db.execute(select(User.email, User.password_hash)).all())
    assert verify_password(stored["ken.head@demo.example"], "consensus-demo")
    assert not verify_password(stored["ken.head@demo.example"], "the file's new password")
    assert verify_password(stored["brand.new@example.org"], "a password for a new account")


def test_user_create_prints_an_invitation_link_the_same_way_whether_or_not_the_account_exists(
    migrated: Path, tmp_path: Path
) -> None:
    consensus(migrated, "load", str(DEMO_FILE))
    other = tmp_path / "other.yaml"
    other.write_text(TAKEOVER_FILE)
    consensus(migrated, "load", str(other))  # brand.new@example.org: an account, in another group

    def invite(email: str, *extra: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return consensus(
            migrated,
            "user",
            "create",
            email,
            "--name",
            "New Delegate",
            "--group",
            "oewg-ict",
            "--role",
            "observer",
            *extra,
            stdin=stdin,
        )

    new = invite("new.person@example.org")
    existing = invite("brand.new@example.org")
    for result in (new, existing):
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1].startswith("http://127.0.0.1:8000/invitations/")

    def shape(result: subprocess.CompletedProcess[str], email: str) -> str:
        return result.stdout.replace(email, "EMAIL").rsplit("/invitations/", 1)[0]

    assert shape(new, "new.person@example.org") == shape(existing, "brand.new@example.org")
    assert "Brand New" not in existing.stdout  # never the holder's name
    with session_for(migrated) as db:
        members = set(
            db.execute(
                select(User.email)
                .join(Membership, Membership.user_id == User.id)
                .join(WorkingGroup, WorkingGroup.id == Membership.group_id)
                .where(WorkingGroup.slug == "oewg-ict")
            ).scalars()
        )
    assert "new.person@example.org" not in members and "brand.new@example.org" not in members

    # --password-stdin sets the password of an account it creates, never of an existing one.
    direct = invite("observer2@example.org", "--password-stdin", stdin="observer-password\n")
    again = invite("new.person@example.org", "--password-stdin", stdin="observer-password\n")
    assert direct.returncode == again.returncode == 0
    with session_for(migrated) as db:
        hashes = dict(db.execute(select(User.email, User.password_hash)).all())
    assert verify_password(hashes["observer2@example.org"], "observer-password")
    assert hashes["new.person@example.org"] is None
    too_long = invite("long@example.org", "--password-stdin", stdin="x" * 5_000_000 + "\n")
    assert too_long.returncode == 1 and "at most 1024" in too_long.stderr
    refused = consensus(
        migrated, "user", "create", "x@example.org", "--name", "X", "--group", "oewg-ict", "--role", "delegate"
    )
    assert refused.returncode == 1 and "delegation" in refused.stderr


def test_token_create_prints_a_token_that_opens_the_api(migrated: Path) -> None:
    consensus(migrated, "load", str(DEMO_FILE))
    result = consensus(migrated, "token", "create", "ken.head@demo.example")
    assert result.returncode == 0, result.stderr
    assert "valid 90 days" in result.stdout
    token = result.stdout.strip().splitlines()[-1]
    assert len(token) >= 40
    settings = make_settings(migrated, DATABASES[migrated].url)
    with TestClient(create_app(settings)) as client:
        response = client.get("/api/v1/groups/oewg-ict", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
    unknown = consensus(migrated, "token", "create", "nobody@example.org")
    assert unknown.returncode == 1 and "no user" in unknown.stderr
    bad = consensus(migrated, "token", "create", "ken.head@demo.example", "--days", "0")
    assert bad.returncode == 1 and "days" in bad.stderr


def test_tokens_are_listed_and_revoked_from_the_command_line(migrated: Path) -> None:
    consensus(migrated, "load", str(DEMO_FILE))
    made = consensus(migrated, "token", "create", "ken.head@demo.example", "--label", "nightly", "--days", "7")
    assert made.returncode == 0 and "valid 7 days" in made.stdout
    token = made.stdout.strip().splitlines()[-1]
    settings = make_settings(migrated, DATABASES[migrated].url)
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        listed = consensus(migrated, "token", "list", "ken.head@demo.example")
        assert listed.returncode == 0, listed.stderr
        row = next(line for line in listed.stdout.splitlines() if "nightly" in line)
        token_id = row.split()[0]
        assert "active" in row and "never" not in row  # created, last used and expiry are shown
        assert token not in listed.stdout
        revoked = consensus(migrated, "token", "revoke", token_id)
        assert revoked.returncode == 0 and "revoked" in revoked.stdout
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
        assert "revoked" in consensus(migrated, "token", "list", "ken.head@demo.example").stdout
    missing = consensus(migrated, "token", "revoke", "99999")
    assert missing.returncode == 1 and "no token 99999" in missing.stderr


def test_user_disable_ends_every_session_and_token(migrated: Path) -> None:
    from tests.conftest import login

    consensus(migrated, "load", str(DEMO_FILE))
    token = consensus(migrated, "token", "create", "ken.head@demo.example").stdout.strip().splitlines()[-1]
    settings = make_settings(migrated, DATABASES[migrated].url)
    with TestClient(create_app(settings)) as browser:
        assert login(browser, "ken.head@demo.example").status_code == 303
        assert browser.get("/", follow_redirects=False).status_code == 200
        disabled = consensus(migrated, "user", "disable", "ken.head@demo.example")
        assert disabled.returncode == 0, disabled.stderr
        assert "1 session(s) ended, 1 token(s) revoked" in disabled.stdout
        assert browser.get("/", follow_redirects=False).status_code == 303  # the live session is over
        assert browser.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
        assert login(browser, "ken.head@demo.example").status_code == 401
        enabled = consensus(migrated, "user", "enable", "ken.head@demo.example")
        assert enabled.returncode == 0
        assert login(browser, "ken.head@demo.example").status_code == 303
        assert browser.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    with session_for(migrated) as db:
        actions = set(db.execute(select(AuditEvent.action)).scalars())
    assert {"user.disable", "user.enable"} <= actions


def test_audit_verify_passes_then_names_the_first_edited_event(migrated: Path) -> None:
    consensus(migrated, "load", str(DEMO_FILE))
    consensus(migrated, "token", "create", "ken.head@demo.example")
    consensus(migrated, "token", "create", "chair@demo.example")
    ok = consensus(migrated, "audit", "verify")
    assert ok.returncode == 0 and "21 events" in ok.stdout  # 18 delegations, the load, two tokens
    with session_for(migrated) as db:
        target = db.execute(select(AuditEvent.id).where(AuditEvent.seq == 2)).scalar_one()
        db.execute(text('UPDATE audit_event SET details = \'{"user":"someone-else"}\' WHERE seq = 2'))
        db.commit()
    broken = consensus(migrated, "audit", "verify")
    assert broken.returncode == 1
    assert f"event #{target}" in broken.stderr and "edited" in broken.stderr


def test_audit_verify_finds_a_deleted_event(migrated: Path) -> None:
    consensus(migrated, "load", str(DEMO_FILE))
    consensus(migrated, "token", "create", "ken.head@demo.example")
    consensus(migrated, "token", "create", "chair@demo.example")
    with session_for(migrated) as db:
        db.execute(text("DELETE FROM audit_event WHERE seq = 2"))
        db.commit()
    broken = consensus(migrated, "audit", "verify")
    assert broken.returncode == 1 and "removed" in broken.stderr


def test_every_command_refuses_a_database_that_is_behind(data_dir: Path) -> None:
    for args in (["serve"], ["load", str(DEMO_FILE)], ["audit", "verify"], ["token", "create", "a@b.org"]):
        result = consensus(data_dir, *args)
        assert result.returncode == 2, args
        assert "consensus migrate" in result.stderr


def test_the_installed_command_runs_and_obeys_database_url(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.db"
    env_dir = tmp_path / "data"
    env = {**os.environ, "CONSENSUS_DATA_DIR": str(env_dir), "DATABASE_URL": f"sqlite:///{elsewhere}"}
    program = shutil.which("consensus", path=str(Path(sys.executable).parent))
    assert program is not None, "the consensus entry point is installed next to this Python"
    result = subprocess.run([program, "migrate"], capture_output=True, text=True, env=env, cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stderr
    assert "Database is at revision" in result.stdout
    assert elsewhere.exists()
    assert not (env_dir / "consensus.db").exists()


def test_make_run_pieces_are_wired_in_the_makefile() -> None:
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    run_recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "consensus migrate" in run_recipe
    assert "load fixtures/demo.yaml --if-empty --show-accounts" in run_recipe
    assert "consensus serve" in run_recipe
    assert shutil.which("npm") is not None


def test_audit_verify_finds_reordered_events(migrated: Path) -> None:
    consensus(migrated, "load", str(DEMO_FILE))
    for email in ("ken.head@demo.example", "chair@demo.example", "ind.head@demo.example"):
        consensus(migrated, "token", "create", email)
    with session_for(migrated) as db:
        # Events 2 and 3 trade places; each keeps its own content and hashes.
        db.execute(text("UPDATE audit_event SET seq = -seq WHERE seq IN (2, 3)"))
        db.execute(text("UPDATE audit_event SET seq = 5 + seq WHERE seq IN (-2, -3)"))
        db.commit()
        assert db.execute(text("SELECT object_id FROM audit_event WHERE seq = 2")).scalar_one() != ""
    broken = consensus(migrated, "audit", "verify")
    assert broken.returncode == 1 and "reordered" in broken.stderr
