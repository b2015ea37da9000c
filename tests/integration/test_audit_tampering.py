"""The audit record against someone who holds the database but not the key: every way of rewriting
it — a ballot, a result, an adoption, a comment, the tail of the chain, every hash, the whole log —
makes `consensus audit verify` exit non-zero naming the event, row or checkpoint at fault."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from litestar.testing import TestClient
from sqlalchemy import select, text
from sqlmodel import Session

from consensus.accounts.services import create_api_token
from consensus.app import create_app
from consensus.audit.keys import sign_with
from consensus.audit.services import _fields_of
from consensus.core.audit import event_hash
from consensus.db import make_engine
from consensus.models import AuditEvent
from tests.conftest import AUDIT_KEY, TestDatabase, login, make_settings, post_form, run_command

API = "/api/v1"
GROUP = f"{API}/groups/oewg-ict"
VERSION = f"{GROUP}/documents/declaration/versions/1"


def verify(data_dir: Path, database: TestDatabase, *extra: str) -> subprocess.CompletedProcess[str]:
    """`consensus audit verify` on ``database``, as an operator runs it."""
    env = {"CONSENSUS_DATA_DIR": str(data_dir), "DATABASE_URL": database.url, "SECRET_KEY": "audit"}
    return run_command("audit", "verify", *extra, env=env)


def _record_a_negotiation(data_dir: Path, database: TestDatabase) -> dict[str, int]:
    """Rounds (recorded and secret), a comment edited and disposed of, an adoption over open clauses
    and a publication, all through HTTP."""
    settings = make_settings(data_dir, database.url)
    engine = make_engine(settings.database)
    sign_with(engine, settings.audit_key)
    with Session(engine) as session:
        tokens = {
            name: create_api_token(session, f"{name}@demo.example")
            for name in ("chair", "secretariat", "ken.head", "ind.head", "bra.head", "jpn.head")
        }
    engine.dispose()
    ids: dict[str, int] = {}
    with TestClient(create_app(settings)) as client:

        def call(name: str, method: str, path: str, body: object = None) -> httpx.Response:
            response = client.request(method, path, json=body, headers={"Authorization": f"Bearer {tokens[name]}"})
            assert response.status_code < 300, response.text
            return response

        for kind, secret in (("recorded", False), ("secret", True)):
            rid = call(
                "chair",
                "POST",
                f"{GROUP}/rounds",
                {"document": "declaration", "title": f"A {kind} vote", "rule": "simple_majority", "secret": secret},
            ).json()["id"]
            call("chair", "POST", f"{API}/rounds/{rid}/open")
            for head, choice in (("ken.head", "yes"), ("ind.head", "no"), ("bra.head", "yes"), ("jpn.head", "yes")):
                call(head, "PUT", f"{API}/rounds/{rid}/ballot", {"choice": choice, "explanation": "Our reasons."})
            call("chair", "POST", f"{API}/rounds/{rid}/close")
            ids[kind] = rid
        options = {
            "document": "declaration",
            "title": "Hours",
            "rule": "most_support",
            "clause": "4.3",
            "alternatives": 1,
        }
        rid = call("chair", "POST", f"{GROUP}/rounds", options).json()["id"]
        call("chair", "POST", f"{API}/rounds/{rid}/open")
        for head, choice in (("ken.head", "option:2"), ("ind.head", "option:1"), ("bra.head", "option:2")):
            call(head, "PUT", f"{API}/rounds/{rid}/ballot", {"choice": choice})
        call("chair", "POST", f"{API}/rounds/{rid}/close")
        ids["options"] = rid
        comment = call(
            "ken.head", "POST", f"{GROUP}/documents/declaration/clauses/3.2/comments", {"body": "First wording."}
        ).json()["id"]
        ids["comment"] = comment
        assert login(client, "ken.head@demo.example").status_code == 303
        edited = post_form(client, f"/groups/oewg-ict/comments/{comment}/edit", {"kind": "general", "body": "Second."})
        assert edited.status_code == 303
        assert login(client, "secretariat@demo.example").status_code == 303
        disposed = post_form(
            client,
            f"/groups/oewg-ict/comments/{comment}/disposition",
            {"disposition": "noted", "observation": "Thank you."},
            page=f"/groups/oewg-ict/comments/{comment}",
        )
        assert disposed.status_code == 303, disposed.text
        clauses = call("secretariat", "GET", f"{GROUP}/documents/declaration").json()["clauses"]
        text = next(c["text"] for c in clauses if c["number"] == "2.1")
        corrected = text.replace("For the purposes", "For purposes", 1)
        call(
            "secretariat",
            "POST",
            f"{GROUP}/documents/declaration/clauses/2.1/correction",
            {"text": corrected, "reason": "A word too many."},
        )
        # Two competing amendments on 4.1 (one co-sponsored), superseded by the chair's compromise,
        # which is rejected (they come back), reopened (superseded again) and accepted.
        competing = [
            call(
                head, "POST", f"{GROUP}/documents/declaration/clauses/4.1/amendments", {"kind": "replace", "text": text}
            ).json()["id"]
            for head, text in (("ken.head", "Within 24 hours."), ("ind.head", "Within 72 hours."))
        ]
        assert login(client, "bra.head@demo.example").status_code == 303
        page = f"/groups/oewg-ict/amendments/{competing[0]}"
        assert post_form(client, f"{page}/cosponsor", {"action": "join"}, page=page).status_code == 303
        compromise = call(
            "chair",
            "POST",
            f"{GROUP}/documents/declaration/compromises",
            {"clause": "4.1", "text": "Within 48 hours.", "supersedes": competing},
        ).json()["id"]
        call("chair", "POST", f"{API}/amendments/{compromise}/decision", {"decision": "rejected", "reason": "No."})
        call("chair", "POST", f"{API}/amendments/{compromise}/reopen", {"reason": "Again."})
        call("chair", "POST", f"{API}/amendments/{compromise}/decision", {"decision": "accepted"})
        ids["compromise"] = compromise
        ids["plain"] = call(
            "jpn.head", "POST", f"{GROUP}/documents/declaration/clauses/5.1/amendments", {"kind": "delete"}
        ).json()["id"]
        call("chair", "POST", f"{VERSION}/adopt", {"round": ids["recorded"], "override_reason": "Time is short."})
        call("secretariat", "POST", f"{VERSION}/publish")
    return ids


@pytest.fixture(scope="module")
def negotiated(
    tmp_path_factory: pytest.TempPathFactory, demo_template: TestDatabase
) -> Iterator[tuple[TestDatabase, dict[str, int]]]:
    directory = tmp_path_factory.mktemp("negotiated")
    database = demo_template.clone(directory / "db")
    ids = _record_a_negotiation(directory, database)
    yield database, ids
    database.drop()


@pytest.fixture
def record(
    tmp_path: Path, negotiated: tuple[TestDatabase, dict[str, int]]
) -> Iterator[tuple[TestDatabase, dict[str, int]]]:
    """This test's own copy of the negotiated database, to tamper with."""
    database = negotiated[0].clone(tmp_path / "db")
    yield database, negotiated[1]
    database.drop()


def tamper(database: TestDatabase, *statements: str, **values: object) -> None:
    engine = make_engine(make_settings(Path("."), database.url).database)
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement), values)
    engine.dispose()


def test_an_untouched_record_verifies(tmp_path: Path, record: tuple[TestDatabase, dict[str, int]]) -> None:
    database, _ids = record
    result = verify(tmp_path, database)
    assert result.returncode == 0, result.stderr
    assert "signed" in result.stdout and "the state agrees with it" in result.stdout


TAMPERINGS: dict[str, tuple[Callable[[dict[str, int]], list[str]], str]] = {
    "a ballot row edited": (
        lambda ids: [f"UPDATE ballot SET choice = 'yes' WHERE round_id = {ids['recorded']} AND choice = 'no'"],
        "the ballot of IND in round {recorded} says 'yes', but its last event",
    ),
    "a ballot explanation edited": (
        lambda ids: [f"UPDATE ballot SET explanation = 'We were told to.' WHERE round_id = {ids['recorded']}"],
        "explanation of",
    ),
    "a ballot deleted": (
        lambda ids: [f"DELETE FROM ballot WHERE round_id = {ids['recorded']} AND choice = 'no'"],
        "is missing: it was deleted",
    ),
    "a round's stored result edited": (
        lambda ids: [
            f"UPDATE round SET result = replace(result, '3 yes > 1 no', '3 yes > 2 no') WHERE id = {ids['recorded']}"
        ],
        "round {recorded}'s stored result was changed after its close event",
    ),
    "a round's outcome flipped": (
        lambda ids: [f"UPDATE round SET passed = NOT passed WHERE id = {ids['recorded']}"],
        "round {recorded}'s stored outcome differs from its close event",
    ),
    "a secret round's counters moved": (
        lambda ids: [
            f"UPDATE secret_tally SET counts = replace(counts, '\"count\"\\:3', '\"count\"\\:2') WHERE round_id = {ids['secret']}",
            f"UPDATE secret_tally SET counts = replace(counts, '\"count\"\\:1', '\"count\"\\:2') WHERE round_id = {ids['secret']}",
        ],
        "the counters of secret round {secret} changed after it closed",
    ),
    "an adoption override rewritten": (
        lambda ids: ["UPDATE adoption SET override_reason = 'All delegations agreed.'"],
        "the adoption of version",
    ),
    "a delegation's weight edited": (
        lambda ids: ["UPDATE delegation SET weight = 5000 WHERE code = 'KEN'"],
        "delegation KEN's weight differs from its last event",
    ),
    "a delegation deleted": (
        lambda ids: ["DELETE FROM delegation WHERE code = 'VAT'"],
        "but not in the database: it was deleted",
    ),
    "an editorial correction rewritten": (
        lambda ids: ["UPDATE editorial_correction SET new_text = 'Something else entirely.'"],
        "is not the one its event tells of",
    ),
    "an editorial correction deleted": (
        lambda ids: ["DELETE FROM editorial_correction"],
        "an editorial correction of clause id",
    ),
    "a comment body edited": (
        lambda ids: [f"UPDATE comment SET body = 'Something else entirely.' WHERE id = {ids['comment']}"],
        "comment {comment}'s text differs from its last event",
    ),
    "a comment's disposition changed": (
        lambda ids: [f"UPDATE comment SET disposition = 'accepted' WHERE id = {ids['comment']}"],
        "comment {comment}'s disposition 'accepted' disagrees with the log",
    ),
    "a publication removed": (lambda ids: ["DELETE FROM publication"], "the publication of version"),
    "an options round's alternatives rewritten": (
        lambda ids: [f"UPDATE round SET options = replace(options, '\"72\"', '\"48\"') WHERE id = {ids['options']}"],
        "round {options}'s alternatives differ from its event",
    ),
    "an options round moved to another set": (
        lambda ids: [f"UPDATE round SET alternatives = 2 WHERE id = {ids['options']}"],
        "round {options}'s set of alternatives differs from its creation event",
    ),
    "an amendment marked superseded behind the log": (
        lambda ids: [
            f"UPDATE amendment SET status = 'superseded', superseded_by_id = {ids['compromise']} WHERE id = {ids['plain']}"
        ],
        "amendment {plain}'s status 'superseded' disagrees with the log's superseding events",
    ),
    "a superseded amendment given back behind the log": (
        lambda ids: [f"UPDATE amendment SET status = 'proposed' WHERE superseded_by_id = {ids['compromise']}"],
        "status 'proposed' disagrees with the log's superseding events",
    ),
    "a delegation's amendment turned into a compromise": (
        lambda ids: [f"UPDATE amendment SET compromise = true, delegation_id = NULL WHERE id = {ids['plain']}"],
        "amendment {plain} is a compromise, which the log does not tell",
    ),
}


@pytest.mark.parametrize("case", sorted(TAMPERINGS), ids=lambda case: case.replace(" ", "-"))
def test_editing_the_state_behind_the_logs_back_is_caught(
    tmp_path: Path, record: tuple[TestDatabase, dict[str, int]], case: str
) -> None:
    database, ids = record
    statements, expected = TAMPERINGS[case]
    tamper(database, *statements(ids))
    result = verify(tmp_path, database)
    assert result.returncode == 1, result.stdout
    assert expected.format(**ids) in result.stderr, result.stderr


def _rehash_everything(database: TestDatabase, *, strip_signatures: bool = False) -> None:
    """What an adversary with the database can do to the chain: make the ballot events agree with
    an edited ballot, recompute every hash after them and move the head. Without the key, the
    signatures cannot follow."""
    engine = make_engine(make_settings(Path("."), database.url).database)
    with Session(engine) as session:
        events = list(session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars())
        session.expunge_all()
    rewritten = []
    previous = "0" * 64
    for event in events:
        if event.action == "ballot.cast" and '"no"' in event.details:
            event.details = event.details.replace('"no"', '"yes"')
        digest = event_hash(_fields_of(event), previous)
        rewritten.append({"id": event.id, "details": event.details, "prev": previous, "hash": digest})
        previous = digest
    with engine.begin() as connection:
        # Out of the way first: prev_hash and hash are unique.
        connection.execute(text("UPDATE audit_event SET hash = 'x' || id, prev_hash = 'y' || id"))
        for row in rewritten:
            connection.execute(
                text("UPDATE audit_event SET details = :details, prev_hash = :prev, hash = :hash WHERE id = :id"), row
            )
        if strip_signatures:
            connection.execute(text("UPDATE audit_event SET signature = NULL"))
        connection.execute(
            text("UPDATE audit_head SET last_seq = :seq, last_hash = :hash"), {"seq": len(events), "hash": previous}
        )
    engine.dispose()


def test_recomputing_every_hash_without_the_key_is_caught(
    tmp_path: Path, record: tuple[TestDatabase, dict[str, int]]
) -> None:
    database, ids = record
    tamper(database, f"UPDATE ballot SET choice = 'yes' WHERE round_id = {ids['recorded']} AND choice = 'no'")
    _rehash_everything(database)
    result = verify(tmp_path, database)
    assert result.returncode == 1
    assert "does not carry the audit key's signature: it was rewritten without the key" in result.stderr


def test_recomputing_every_hash_and_dropping_the_signatures_is_caught(
    tmp_path: Path, record: tuple[TestDatabase, dict[str, int]]
) -> None:
    database, ids = record
    tamper(database, f"UPDATE ballot SET choice = 'yes' WHERE round_id = {ids['recorded']} AND choice = 'no'")
    _rehash_everything(database, strip_signatures=True)
    result = verify(tmp_path, database)
    assert result.returncode == 1 and "no event is signed by the audit key" in result.stderr


def test_cutting_the_tail_and_moving_the_head_is_caught_by_the_published_checkpoints(
    tmp_path: Path, record: tuple[TestDatabase, dict[str, int]]
) -> None:
    database, ids = record
    settings = make_settings(tmp_path, database.url)
    with TestClient(create_app(settings)) as client:
        published = client.get("/p/oewg-ict/checkpoints.json")
        key = client.get("/audit-key.pem")
    assert published.status_code == 200 and key.status_code == 200
    checkpoints = published.json()
    assert {c["what"] for c in checkpoints} == {"publication", "round"}
    assert key.text == (AUDIT_KEY.parent / "audit-key.pem.pub").read_text()
    saved = tmp_path / "checkpoints.json"
    saved.write_text(json.dumps(checkpoints))
    assert verify(tmp_path, database, "--checkpoints", str(saved)).returncode == 0
    # Cut the chain back to before the secret round closed, and move the head there.
    secret_close = next(c for c in checkpoints if c["round"] == ids["secret"])
    engine = make_engine(settings.database)
    with Session(engine) as session:
        session.execute(text("DELETE FROM audit_event WHERE seq >= :seq"), {"seq": secret_close["seq"]})
        last = session.execute(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).scalar_one()  # type: ignore[attr-defined]
        session.execute(
            text("UPDATE audit_head SET last_seq = :seq, last_hash = :hash"), {"seq": last.seq, "hash": last.hash}
        )
        session.commit()
    engine.dispose()
    result = verify(tmp_path, database, "--checkpoints", str(saved))
    assert result.returncode == 1
    assert f"checkpoint seq {secret_close['seq']}" in result.stderr and "it was cut" in result.stderr
    # Even without the published checkpoints, the rows the cut events spoke of give it away.
    alone = verify(tmp_path, database)
    assert alone.returncode == 1 and "the log has no round.close event" in alone.stderr


def test_wiping_the_whole_log_is_caught(tmp_path: Path, record: tuple[TestDatabase, dict[str, int]]) -> None:
    database, ids = record
    tamper(
        database,
        "DELETE FROM audit_event",
        "UPDATE audit_head SET last_seq = 0, last_hash = :genesis",
        genesis="0" * 64,
    )
    result = verify(tmp_path, database)
    assert result.returncode == 1
    assert f"round {ids['recorded']} has no creation event in the log" in result.stderr


def test_a_checkpoint_file_that_is_not_a_list_of_seq_and_hash_is_refused(
    tmp_path: Path, record: tuple[TestDatabase, dict[str, int]]
) -> None:
    database, _ids = record
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"seq": "one", "hash": "x"}]))
    result = verify(tmp_path, database, "--checkpoints", str(bad))
    assert result.returncode == 2 and "entry 1 needs a positive integer seq and a hash" in result.stderr


def test_events_are_signed_with_a_key_that_is_not_in_the_database(record: tuple[TestDatabase, dict[str, int]]) -> None:
    database, _ids = record
    assert oct(AUDIT_KEY.stat().st_mode & 0o777) == "0o600"
    engine = make_engine(make_settings(Path("."), database.url).database)
    with Session(engine) as session:
        signatures = session.execute(select(AuditEvent.signature).order_by(AuditEvent.seq)).scalars().all()
    engine.dispose()
    # The demo's own load came before any key (unsigned); everything since is signed.
    first_signed = next(i for i, s in enumerate(signatures) if s)
    assert all(signatures[first_signed:]) and len(signatures[first_signed]) == 128
