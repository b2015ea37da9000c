"""Published (frozen) versions: the PDF rendered once and kept in the data folder, every download and
public page tagged with an ETag and answered with a 304 when the reader already has it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import Session

from consensus.agreement import services as agreement
from consensus.models import Clause, Delegation
from tests.conftest import D, post_form, q, who

PUBLIC = "/p/oewg-ict/declaration"


@pytest.fixture
def published(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    """Version 1 adopted by consensus and published, with a reservation in its annex."""
    agreement.state_position(
        db, who(db, "ken.head@demo.example"), "oewg-ict", "declaration", "3.2", "reservation", "On storage."
    )
    q(db).execute(update(Clause).values(status="agreed_ad_ref"))
    db.commit()
    adopted = post_form(browsers("chair"), f"{D}/versions/1/adopt", {"round": ""}, page=f"{D}/versions")
    assert adopted.status_code == 303, adopted.text
    assert post_form(browsers("secretariat"), f"{D}/versions/1/publish", {}, page=f"{D}/versions").status_code == 303


def kept_pdfs(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "renders").rglob("*.pdf"))


def test_the_pdf_is_rendered_once_and_then_served_from_the_kept_file(published, client, settings) -> None:  # type: ignore[no-untyped-def]
    first = client.get(f"{PUBLIC}/v1.pdf")
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    [kept] = kept_pdfs(settings.data_dir)
    assert kept.read_bytes() == first.content and kept.is_relative_to(settings.data_dir)
    written = kept.stat().st_mtime_ns

    second = client.get(f"{PUBLIC}/v1.pdf")
    assert second.content == first.content and second.headers["etag"] == first.headers["etag"]
    assert kept.stat().st_mtime_ns == written and kept_pdfs(settings.data_dir) == [kept]

    # What is served is the kept file itself: change it, and the change is what readers get.
    kept.write_bytes(b"%PDF-1.7 the kept copy")
    assert client.get(f"{PUBLIC}/v1.pdf").content == b"%PDF-1.7 the kept copy"


def test_a_change_in_what_the_pdf_shows_makes_a_new_file_in_place_of_the_old(published, client, db, settings) -> None:  # type: ignore[no-untyped-def]
    before = client.get(f"{PUBLIC}/v1.pdf")
    [old] = kept_pdfs(settings.data_dir)
    q(db).execute(update(Delegation).where(Delegation.code == "KEN").values(name="Republic of Kenya"))
    db.commit()
    after = client.get(f"{PUBLIC}/v1.pdf")
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
    [new] = kept_pdfs(settings.data_dir)
    assert new != old and not old.exists() and new.read_bytes() == after.content


@pytest.mark.parametrize(
    "path",
    [
        f"{PUBLIC}/v1.pdf",
        f"{PUBLIC}/v1.docx",
        f"{PUBLIC}/v1.html",
        f"{PUBLIC}/v1.md",
        f"{PUBLIC}/v1.json",
        f"{PUBLIC}/v1.akn.xml",
        f"{PUBLIC}/v1",
        PUBLIC,
        "/p/oewg-ict",
    ],
)
def test_downloads_and_public_pages_revalidate_with_their_etag(published, client, path: str) -> None:  # type: ignore[no-untyped-def]
    full = client.get(path)
    assert full.status_code == 200
    etag, cache_control = full.headers["etag"], full.headers["cache-control"]
    assert etag.startswith('"') and "max-age=" in cache_control
    assert client.get(path).headers["etag"] == etag

    unchanged = client.get(path, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged.headers["etag"] == etag and unchanged.headers["cache-control"] == cache_control
    assert client.get(path, headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304

    changed = client.get(path, headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200 and changed.content == full.content


def test_each_format_has_its_own_etag_and_downloads_are_public(published, client) -> None:  # type: ignore[no-untyped-def]
    tags = set()
    for fmt in ["pdf", "docx", "html", "md", "json", "akn.xml"]:
        response = client.get(f"{PUBLIC}/v1.{fmt}")
        assert response.headers["cache-control"].startswith("public, max-age=")
        tags.add(response.headers["etag"])
    assert len(tags) == 6
    assert client.get(f"{PUBLIC}/v1").headers["cache-control"].startswith("private, max-age=")
