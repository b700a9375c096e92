"""Inline assets: Leaflet from the installed ``xstatic-leaflet`` package, our own JS/CSS/HTML.

Nothing here is fetched from the network: Leaflet's files come from the PyPI package
``xstatic-leaflet`` (its ``BASE_DIR``), and the icons its CSS refers to are turned into
``data:`` URIs so the page makes no request for them either.
"""

from __future__ import annotations

import base64
import functools
import re
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import DependencyError

__all__ = ["JS_MODULES", "leaflet_css", "leaflet_js", "own_asset", "page_script", "raw_element"]

#: The page script's modules (``assets/js/*.js``), combined in this order into one scope at write time.
JS_MODULES: tuple[str, ...] = (
    "pure.js",  # no DOM, no Leaflet: unit-tested with node (tests/js)
    "geom.js",  # geometry decoding and the hit-test grid, pure: unit-tested with node (tests/js)
    "util.js",
    "decode.js",
    "store.js",
    "layer.js",
    "app.js",
    "filter.js",
    "url.js",
    "list.js",
    "card.js",
    "panorama.js",  # 全景式看地: thumbnail and 360° viewer in the card
    "baselayers.js",  # the county's base layers under the parcels; distances in the card
    "compare.js",
    "export.js",
    "print.js",
    "sidebar.js",
    "skiplink.js",  # keyboard: skip link to the list, map controls after the list
    "mapctl.js",
    "units.js",  # the 厂房 tab (standard-factory units)
    "main.js",
)

_URL_RE = re.compile(r"url\(\s*['\"]?(images/[^'\")]+)['\"]?\s*\)")


@functools.cache
def _leaflet_dir() -> Path:
    try:
        import xstatic.pkg.leaflet as xleaflet
    except ImportError as exc:  # pragma: no cover - a hard dependency of landkit
        raise DependencyError("browse pages need Leaflet from PyPI: pip install xstatic-leaflet") from exc
    return Path(xleaflet.BASE_DIR)


@functools.cache
def leaflet_js() -> str:
    """Return Leaflet's minified JavaScript, without its source-map comment."""
    text = (_leaflet_dir() / "leaflet.js").read_text("utf-8")
    return re.sub(r"//# sourceMappingURL=\S+\s*$", "", text)


@functools.cache
def leaflet_css() -> str:
    """Return Leaflet's CSS with every ``url(images/...)`` inlined as a data URI."""
    base = _leaflet_dir()

    def _inline(match: re.Match[str]) -> str:
        path = base / match.group(1)
        mime = "image/svg+xml" if path.suffix == ".svg" else "image/png"
        return f'url("data:{mime};base64,{base64.b64encode(path.read_bytes()).decode("ascii")}")'

    return _URL_RE.sub(_inline, (base / "leaflet.css").read_text("utf-8"))


@functools.cache
def own_asset(name: str) -> str:
    """Return one of our package-data files in ``landkit/maps/assets`` as text."""
    return resources.files(f"{__package__}.assets").joinpath(name).read_text("utf-8")


@functools.cache
def page_script() -> str:
    """Return the page script: :data:`JS_MODULES` combined inside one strict-mode function scope.

    Each module starts with a ``// ---- module: name.js`` line so a line in the page (or a lint
    message about the combined file) can be traced back to its source file.

    Examples
    --------
    >>> text = page_script()
    >>> text.startswith("(function () {") and "// ---- module: pure.js" in text
    True
    """
    root = resources.files(f"{__package__}.assets").joinpath("js")
    parts = [f"// ---- module: {name}\n" + root.joinpath(name).read_text("utf-8") for name in JS_MODULES]
    return "(function () {\n'use strict';\n" + "\n".join(parts) + "})();\n"


@functools.cache
def _raw_class() -> type:
    from branca.element import Element  # imported here: ``import landkit.maps`` stays light

    class RawElement(Element):
        """A branca element that renders a fixed string, untouched by Jinja.

        Large inlined scripts and data must not go through a template engine: ``{{`` in them
        would be read as template syntax, and compiling megabytes of template is slow.
        """

        def __init__(self, text: str) -> None:
            super().__init__()
            self._text = text

        def render(self, **kwargs: object) -> str:
            """Return the string as given."""
            return self._text

    return RawElement


def raw_element(text: str, /) -> Any:
    """Return a branca element that renders ``text`` verbatim."""
    return _raw_class()(text)
