"""Export formats are one list (publishing/formats.EXPORTS): the download address, the command
line's choices and the renders kept on disk are all made from it."""

from __future__ import annotations

import argparse

import pytest

from consensus.cli import build_parser
from consensus.publishing import formats
from consensus.publishing.controllers import FILE
from consensus.publishing.renders import KEPT_FORMATS

SUFFIXES = ["html", "md", "pdf", "docx", "json", "akn.xml"]


def test_the_formats_are_the_six_a_published_text_is_downloaded_in() -> None:
    assert [export.suffix for export in formats.EXPORTS] == SUFFIXES
    assert formats.FORMATS["akn.xml"] == "application/akn+xml" and formats.BY_SUFFIX["pdf"].label == "PDF"


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_every_format_has_its_download_address(suffix: str) -> None:
    match = FILE.match(f"v12.{suffix}")
    assert match is not None and match["version"] == "12" and match["format"] == suffix


@pytest.mark.parametrize("file", ["v1.exe", "v1.xml", "v1.akn", "v1.htm", "v0.pdf", "v1.pdf.zip", "1.pdf", "v1."])
def test_other_addresses_are_no_download(file: str) -> None:
    assert FILE.match(file) is None


def test_a_version_without_a_suffix_is_its_page() -> None:
    match = FILE.match("v3")
    assert match is not None and match["format"] is None


def test_the_command_line_offers_every_format() -> None:
    export = next(
        action.choices["export"] for action in build_parser()._actions if isinstance(action, argparse._SubParsersAction)
    )
    (choice,) = [action for action in export._actions if action.dest == "format"]
    assert list(choice.choices or []) == SUFFIXES


def test_the_slow_or_time_stamped_formats_are_rendered_once_and_kept() -> None:
    assert frozenset({"pdf", "docx"}) == KEPT_FORMATS


def test_an_unknown_format_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="unknown format exe"):
        formats.render(None, "exe", None)  # type: ignore[arg-type]
