"""What the page's templates draw: table cells with markup, tables and pictures, as plain data."""

from __future__ import annotations

import base64
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .pictures import DPI

CSS_DPI = 96
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Cell:
    """A table cell with markup around its text, drawn by kind in `templates/macros.html`:

    level: the chip of `level` and the text (`nowrap`: on one line, `note` shown on hover);
    score: a score with the chip and, muted, the name (`note`) of its `level`;
    noted: the text and a muted `note`; nowrap: text kept on one line; tagged: text with an `id`;
    hash: a digest in monospace; indented: a file under its folder.
    """

    kind: Literal["level", "score", "noted", "nowrap", "tagged", "hash", "indented"]
    text: str
    level: int | None = None
    note: str = ""
    nowrap: bool = False
    id: str = ""


@dataclass(frozen=True)
class PageTable:
    """A table as the page shows it: the first cell of each row is its row header."""

    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    caption: str = ""
    numeric: Sequence[int] = ()
    table_id: str = ""
    row_headers: bool = True


@dataclass(frozen=True)
class Picture:
    """A PNG as a data: URI, shown at its natural print size."""

    data: str
    alt: str
    width: int
    height: int

    @classmethod
    def of(cls, png: bytes, alt: str, dpi: int = DPI) -> Picture:
        width, height = _png_size(png)
        css_w, css_h = round(width * CSS_DPI / dpi), round(height * CSS_DPI / dpi)
        return cls(base64.b64encode(png).decode("ascii"), alt, css_w, css_h)


def _png_size(png: bytes) -> tuple[int, int]:
    if png[:8] != _PNG_SIGNATURE or png[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", png[16:24])
    return width, height
