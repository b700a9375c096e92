"""360° panoramas for the browse page: read per parcel, embedded as base64, shown with pannellum.

Each distinct panorama file is embedded once, in its own ``<script type="text/plain">`` element
(base64 holds no ``<``), so the page's JSON stays small and nothing is decoded on load: the card's
360° 全景 button turns that text into a Blob URL when the viewer opens (``assets/js/panorama.js``).
"""

from __future__ import annotations

import base64
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._assets import raw_element
from ._vendor import Pannellum

__all__ = ["PanoramaSet", "add_viewer", "read_panoramas"]

logger = logging.getLogger(__name__)


@dataclass
class PanoramaSet:
    """Embedded panoramas: ``entries`` (JPEG bytes), and parcel row → entry for parcels that have one."""

    entries: list[bytes] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    index: list[int] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    not_equirect: list[str] = field(default_factory=list)

    @property
    def nbytes(self) -> int:
        """Bytes the panoramas add to the page (base64)."""
        return sum(4 * ((len(e) + 2) // 3) for e in self.entries)

    def payload(self) -> dict[str, Any]:
        """The page's ``panos`` entry: parallel lists of parcel rows and entry numbers."""
        return {"k": self.rows, "i": self.index, "n": len(self.entries)}


def _jpeg(path: Path, *, max_px: int, quality: int) -> tuple[bytes, bool]:
    """The file's JPEG bytes (re-encoded only when wider than ``max_px`` or not a JPEG); 2:1 or not."""
    from PIL import Image

    raw = path.read_bytes()
    with Image.open(io.BytesIO(raw)) as img:
        w, h = img.size
        two_to_one = abs(w - 2 * h) <= max(2, w // 100)
        if img.format == "JPEG" and w <= max_px:
            return raw, two_to_one
        rgb = img.convert("RGB")
        if w > max_px:
            rgb = rgb.resize((max_px, max(1, round(h * max_px / w))), Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        rgb.save(buf, format="JPEG", quality=quality, optimize=True)
        return buf.getvalue(), two_to_one


def read_panoramas(values: list[object], /, *, root: Path | None, max_px: int, quality: int) -> PanoramaSet:
    """Read the ``panorama`` cells (one local file per parcel, relative to ``root``).

    Unreadable files and URLs (a panorama must travel inside the page) are listed in ``missing``;
    images that are not 2:1 (not equirectangular) in ``not_equirect`` — both are left out.

    Examples
    --------
    >>> import tempfile
    >>> from landkit.sample_panorama import synthetic_panorama
    >>> root = Path(tempfile.mkdtemp())
    >>> _ = (root / "a.jpg").write_bytes(synthetic_panorama(1, width=256))
    >>> s = read_panoramas(["a.jpg", None, "a.jpg", "gone.jpg"], root=root, max_px=4096, quality=80)
    >>> s.rows, s.index, len(s.entries), s.missing
    ([0, 2], [0, 0], 1, ['gone.jpg'])
    """
    out = PanoramaSet()
    seen: dict[str, int] = {}
    for row, value in enumerate(values):
        if not isinstance(value, str) or not value.strip():
            continue
        item = value.strip()
        if item not in seen:
            seen[item] = -1
            path = Path(item) if Path(item).is_absolute() or root is None else root / item
            try:
                if item.lower().startswith(("http://", "https://")):
                    raise OSError("a URL; panoramas must be local files to work offline")
                data, ok = _jpeg(path, max_px=max_px, quality=quality)
            except (OSError, ValueError) as exc:
                logger.info("panorama %s skipped: %s", item, exc)
                out.missing.append(item)
                continue
            if not ok:
                out.not_equirect.append(item)
                continue
            seen[item] = len(out.entries)
            out.entries.append(data)
        if seen[item] >= 0:
            out.rows.append(row)
            out.index.append(seen[item])
    return out


def _licence_comment(viewer: Pannellum) -> str:
    text = viewer.license.replace("*/", "* /").strip()
    return (
        f"/*! pannellum {viewer.version} — https://github.com/mpetroff/pannellum — from the npm registry "
        f"({viewer.integrity}), bundled by landkit. Licence (MIT):\n{text}\n*/\n"
    )


def add_viewer(m: Any, panos: PanoramaSet, viewer: Pannellum, /) -> None:
    """Inline pannellum (with its MIT licence) and one text element per panorama."""
    figure = m.get_root()
    figure.header.add_child(raw_element(f"<style>{viewer.css}</style>"), name="landkit_pannellum_css")
    figure.header.add_child(
        raw_element(f"<script>{_licence_comment(viewer)}{viewer.js}</script>"), name="landkit_pannellum"
    )
    blobs = "".join(
        f'<script type="text/plain" id="lk-pano-{i}">{base64.b64encode(e).decode("ascii")}</script>'
        for i, e in enumerate(panos.entries)
    )
    figure.html.add_child(raw_element(blobs), name="landkit_panoramas")
