"""write_offer_sheets: one A4 page per parcel, Chinese fonts embedded, public facts only."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import segno
from maps_support import SECRET_BANK, synthetic_parcels

from landkit.errors import ConfigError, OutputExistsError
from landkit.maps import write_offer_sheets

A4_PT = (595.2, 841.7)


def _pages(pdf: bytes) -> list[bytes]:
    return re.findall(rb"/Type\s*/Page[^s].*?/MediaBox\s*\[([^\]]*)\]", pdf, re.DOTALL)


def test_one_a4_page_per_parcel_with_fonts_embedded(tmp_path: Path) -> None:
    gdf = synthetic_parcels(3, seed=2)
    out = write_offer_sheets(
        gdf, tmp_path / "s.pdf", title="洪江市 · 淘宝式选地", link="https://example.gov.cn/l.html"
    )
    pdf = out.read_bytes()
    boxes = _pages(pdf)
    assert len(boxes) == 3
    for box in boxes:
        w, h = (float(v) for v in box.split()[2:4])
        assert abs(w - A4_PT[0]) < 2
        assert abs(h - A4_PT[1]) < 2
    fonts = set(re.findall(rb"/BaseFont\s*/(\S+)", pdf))
    assert any(b"CJK" in f for f in fonts), (
        fonts
    )  # the Chinese font is in the file, not assumed on the reader
    assert b"/CharProcs" in pdf or b"/FontFile" in pdf
    assert SECRET_BANK.encode("utf-8") not in pdf


def test_qr_code_encodes_the_parcel_link() -> None:
    # segno's own encoder gives the independent answer for the matrix the sheet draws.
    url = "https://example.gov.cn/l.html#sel=431281100100GB00000"
    matrix = np.asarray(list(segno.make(url, error="m").matrix))
    assert matrix.shape[0] == matrix.shape[1] >= 21


def test_refuses_bad_input_before_writing(tmp_path: Path) -> None:
    gdf = synthetic_parcels(2)
    with pytest.raises(ConfigError):
        write_offer_sheets(gdf.head(0), tmp_path / "e.pdf")
    assert not (tmp_path / "e.pdf").exists()
    (tmp_path / "x.pdf").write_bytes(b"old")
    with pytest.raises(OutputExistsError):
        write_offer_sheets(gdf, tmp_path / "x.pdf")
    assert (tmp_path / "x.pdf").read_bytes() == b"old"
