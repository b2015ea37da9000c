"""Downloads of published (frozen) versions: tagged by what they contain, and the slow ones kept.

A published version never changes, but what its files show may: a new renderer, a new rule for
what a secret round discloses. So a download is named by a fingerprint of everything that goes
into it (the whole ``PublishedText``, the format, ``RENDER_VERSION``), not by its version alone.
That fingerprint is its ``ETag``, and the name of the file a PDF is kept in, under the data folder:
the PDF (and the Word file) is rendered once (WeasyPrint takes about a second), every later
request reads the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from pathlib import Path

from jinja2 import Environment

from consensus.publishing import formats
from consensus.publishing.services import PublishedText
from consensus.settings import private_folder

RENDER_VERSION = "1"
"""Raise it when a renderer or the standalone template changes how a file looks: kept files are
then made again, and readers' copies are refreshed."""

KEPT_FORMATS = frozenset(export.suffix for export in formats.EXPORTS if export.kept)
"""Rendered once and kept (``Format.kept``): the PDF is slow to make, and neither it nor the Word
file comes out byte for byte the same twice (both carry the time they were written), which one ETag
for their content requires. The others are made in milliseconds, always the same."""


def fingerprint(text: PublishedText, fmt: str) -> str:
    """Names one download's content: changes whenever anything the file shows changes."""
    return hashlib.sha256(f"{RENDER_VERSION}\0{fmt}\0{text!r}".encode()).hexdigest()[:32]


def etag(text: PublishedText, fmt: str) -> str:
    """The download's entity tag (its fingerprint, quoted)."""
    return f'"{fingerprint(text, fmt)}"'


def _folder(root: Path, text: PublishedText) -> Path:
    return root / text.group_slug / text.document_slug / f"v{text.version}"


def kept_file(root: Path, text: PublishedText, fmt: str) -> Path:
    """Where the rendered file of this version, with exactly this content, is kept."""
    return _folder(root, text) / f"{fingerprint(text, fmt)}.{fmt}"


def download(text: PublishedText, fmt: str, env: Environment, root: Path) -> bytes:
    """The file of a published text in ``fmt``: read from ``root`` when kept, else rendered (and
    kept, replacing what was kept for an earlier content of the same version)."""
    if fmt not in KEPT_FORMATS:
        return formats.render(text, fmt, env)
    path = kept_file(root, text, fmt)
    with contextlib.suppress(FileNotFoundError):
        return path.read_bytes()
    body = formats.render(text, fmt, env)
    private_folder(path.parent)
    # Written aside then renamed: a reader at the same moment sees the whole file or none.
    partial = path.with_name(f".{uuid.uuid4().hex}.partial")
    partial.write_bytes(body)
    os.replace(partial, path)
    for stale in path.parent.glob(f"*.{fmt}"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return body
