"""Photos for product cards: local files downsized with Pillow and embedded, URLs kept as links."""

from __future__ import annotations

import base64
import io
import logging
from pathlib import Path

__all__ = ["PhotoTable"]

logger = logging.getLogger(__name__)


class PhotoTable:
    """Collect each distinct photo once; parcels refer to photos by index.

    Entries are ``data:image/jpeg;base64,...`` for local files (downsized to ``max_px``) and
    ``https://...`` for links (shown as links, never loaded automatically).
    """

    def __init__(self, *, root: Path | None, max_px: int, quality: int, max_per_parcel: int) -> None:
        self.root = root
        self.max_px = max_px
        self.quality = quality
        self.max_per_parcel = max_per_parcel
        self.entries: list[str] = []
        self.missing: list[str] = []
        self._index: dict[str, int] = {}

    def add_cell(self, value: object) -> list[int] | None:
        """Parse one ``photos`` cell (``;``-separated paths or URLs); return entry indices."""
        if not isinstance(value, str) or not value.strip():
            return None
        found: list[int] = []
        for raw in value.replace("；", ";").split(";"):
            item = raw.strip()
            if not item or len(found) >= self.max_per_parcel:
                continue
            idx = self._index.get(item)
            if idx is None:
                entry = self._entry(item)
                if entry is None:
                    self._index[item] = -1  # report each unreadable photo once
                    continue
                idx = self._index[item] = len(self.entries)
                self.entries.append(entry)
            if idx >= 0:
                found.append(idx)
        return found or None

    def _entry(self, item: str) -> str | None:
        if item.lower().startswith(("http://", "https://")):
            return item
        path = Path(item)
        if not path.is_absolute() and self.root is not None:
            path = self.root / path
        try:
            from PIL import Image

            with Image.open(path) as src:
                img = src.convert("RGB")
                img.thumbnail((self.max_px, self.max_px))
                buf = io.BytesIO()
                img.save(buf, format="JPEG", quality=self.quality, optimize=True)
        except (OSError, ValueError) as exc:
            logger.info("photo %s skipped: %s", path, exc)
            self.missing.append(str(path))
            return None
        return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
