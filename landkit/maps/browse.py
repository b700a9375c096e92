"""淘宝式选地: a self-contained, offline land-browsing page built with Folium.

:func:`browse_map` turns a parcel table into a :class:`folium.Map` whose page has a sidebar
(search, filters, sort, live count, a virtualised card list), product-card popups,
favourites, a compare panel, CSV export, a print view and a shareable URL hash. Leaflet and
the page's own JavaScript/CSS are inlined when the map is rendered, so the file works from a
USB stick or an intranet; with ``basemap="none"`` it makes no network request at all.
:func:`write_browse_map` renders and writes the file atomically.

Parcels are drawn by one canvas layer whose style is looked up from each parcel's
category (no per-feature ``style_function``); geometries are quantised and delta-encoded.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import html
import os
import re
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .._atomic import write_text_atomic
from ..errors import ConfigError, CRSError, LandkitError, LandkitWarning
from ..gcj02 import shift_geometries
from ..profile import current as current_profile
from ..schema import CATEGORIES, CONSTRUCTION_STATUSES, FIELDS, OFFER_STATES, PUBLIC_FIELDS, STATUSES, label
from ._assets import leaflet_css, leaflet_js, own_asset, page_script, raw_element
from ._config import basemap_presets, settings
from ._encode import geometry_size, json_for_script, pack_ints
from ._media import Rasters, page_media
from ._payload import column_payload, geometry_payload, zone_payload
from ._photos import PhotoTable
from ._units import unit_payload, unit_push_lists
from .baselayers import context_payload, distance_columns, read_base_layers
from .offer import OFFERED, USE_CLASSES, offer_states, use_classes
from .profiles import profile_fields

if TYPE_CHECKING:
    import folium

__all__ = ["BASEMAPS", "ZONE_KINDS", "browse_map", "push_lists", "write_browse_map"]

#: Basemap presets (``basemaps.toml``): ``none`` makes no network request.
BASEMAPS: tuple[str, ...] = ("tianditu", "gaode", "osm", "none")

#: Zone kinds in the order the filter groups them.
ZONE_KINDS: tuple[str, ...] = ("城", "带", "板块", "乡镇", "园区")

_TOKEN_ENV = "TIANDITU_TOKEN"
_EXTERNAL_RE = re.compile(
    r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", re.IGNORECASE
)


def _zones_frame(zones: Any) -> gpd.GeoDataFrame:
    frame = getattr(zones, "zones", zones)
    if not isinstance(frame, gpd.GeoDataFrame):
        raise ConfigError("zones must be a GeoDataFrame (zone_id, name, kind) or an object with .zones")
    missing = [c for c in ("name", "kind") if c not in frame.columns]
    if missing:
        raise ConfigError(f"zones lack column(s) {', '.join(missing)}; expected zone_id, name, kind")
    if frame.crs is None:
        raise CRSError("zones have no CRS; set one with .set_crs(...) first")
    out = frame.copy()
    if "zone_id" not in out.columns:
        out["zone_id"] = [str(i) for i in range(len(out))]
    order = {k: i for i, k in enumerate(ZONE_KINDS)}
    out["_order"] = out["kind"].map(lambda k: order.get(str(k), len(order)))
    return out.sort_values(["_order"], kind="stable").drop(columns="_order").to_crs(4326)


def _basemap_spec(basemap: str, token: str | None, strings: dict[str, str]) -> dict[str, Any]:
    presets = basemap_presets()
    if basemap not in presets:
        raise ConfigError(f"unknown basemap {basemap!r}; use one of {', '.join(BASEMAPS)}")
    preset = presets[basemap]
    if preset.get("token"):
        token = token or os.environ.get(_TOKEN_ENV)
        if not token:
            raise ConfigError(
                "basemap='tianditu' needs a Tianditu key: pass tianditu_token=... (apply at "
                f"console.tianditu.gov.cn) or set {_TOKEN_ENV}; or choose basemap='none' for an offline page"
            )
        if not re.fullmatch(r"[0-9A-Za-z]+", token):
            raise ConfigError(
                "tianditu_token should be the 32-character hexadecimal key from the Tianditu console"
            )
    layers = [
        {
            "label": layer["label"],
            "tiles": [t.replace("{tk}", token or "") for t in layer["tiles"]],
            "subdomains": layer.get("subdomains", ""),
            "maxZoom": layer.get("max_zoom", 18),
            "attribution": layer.get("attribution", ""),
        }
        for layer in preset["layers"]
    ]
    return {"name": basemap, "datum": preset["datum"], "layers": layers, "noneLabel": strings["basemap_none"]}


def _shown_unit(name: str) -> str | None:
    """The unit a card appends to a number, unless the field's label already names it."""
    f = FIELDS.get(name)
    if f is None or not f.unit or "(" in f.label or "（" in f.label:
        return None
    return "m²" if f.unit == "m2" else f.unit


def _centres(geoms: gpd.GeoSeries, /, *, origin: tuple[float, float]) -> dict[str, Any]:
    """Per-parcel centre (a point inside it) in CGCS2000 and its GCJ-02 offset, in 1e-5° integers.

    ``x``/``y`` are CGCS2000 lon/lat minus ``origin``; ``dx``/``dy`` are GCJ-02 minus CGCS2000
    (what phone map apps expect). Each is packed (:func:`~landkit.maps._encode.pack_ints`); missing
    geometries give missing values.
    """
    from ..gcj02 import wgs84_to_gcj02

    pts = geoms.to_crs(4490).representative_point()
    lon, lat = pts.x.to_numpy(), pts.y.to_numpy()
    glon, glat = wgs84_to_gcj02(lon, lat)  # CGCS2000 and WGS 84 agree to centimetres here

    def ints(values: np.ndarray) -> str:
        return pack_ints(np.where(np.isfinite(values), np.rint(values * 1e5), np.nan))

    return {
        "x": ints(lon - origin[0]),
        "y": ints(lat - origin[1]),
        "dx": ints(np.asarray(glon) - lon),
        "dy": ints(np.asarray(glat) - lat),
    }


def _system_name(value: object) -> object:
    from ..landuse import SYSTEMS, normalise_system

    if not isinstance(value, str):
        return value
    try:
        return SYSTEMS[normalise_system(value)]
    except ValueError:
        return value


def _with_offer_facts(parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add the investor-facing ``offer_state`` and ``use_class`` columns (see :mod:`.offer`)."""
    add = {}
    for name, derive in (("offer_state", offer_states), ("use_class", use_classes)):
        values = derive(parcels)
        if values is not None:
            add[name] = values
    return parcels.assign(**add) if add else parcels


def _legend(fields: list[str], lang: str, cat_labels: dict[str, str]) -> dict[str, Any]:
    """How parcels are coloured: by category tag when the page has them, else by 用途大类."""
    conf = settings()
    strings = conf["strings"][lang]
    if "categories" in fields:
        items = [{"key": k, "label": cat_labels[k], "color": conf["colors"][k]} for k in CATEGORIES]
        return {
            "field": "categories",
            "title": strings["category"],
            "items": items,
            "other": {"label": strings["no_category"], "color": conf["colors"]["none"]},
        }
    colors = conf["use_colors"]
    items = [{"key": k, "label": k, "color": colors[k]} for k in USE_CLASSES if k in colors]
    return {
        "field": "use_class",
        "title": strings["use_legend"],
        "items": items if "use_class" in fields else [],
        "other": {
            "label": "其他用地" if "use_class" in fields else strings["no_category"],
            "color": colors["other"],
        },
    }


def _strings(lang: str) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    conf = settings()
    if lang not in conf["strings"]:
        raise ConfigError(f"unknown lang {lang!r}; use one of {', '.join(conf['strings'])}")
    en = conf["labels_en"]
    cats = {k: (en.get(k, v) if lang == "en" else v) for k, v in CATEGORIES.items()}
    stats = {k: (en.get(k, v) if lang == "en" else v) for k, v in STATUSES.items()}
    return conf["strings"][lang], cats, stats


def _payload(
    parcels: gpd.GeoDataFrame,
    fields: list[str],
    zones: gpd.GeoDataFrame | None,
    *,
    datum: str,
    photo_root: Path | None,
) -> dict[str, Any]:
    conf = settings()
    enc = conf["encoding"]
    geo = parcels.geometry.to_crs(4326)
    if zones is not None and datum != "wgs84":
        zones = shift_geometries(zones, source="wgs84", target=datum)
    if datum != "wgs84":
        geo = shift_geometries(geo, source="wgs84", target=datum)
    bounds = np.asarray(geo.total_bounds)
    if not np.isfinite(bounds).all():
        raise LandkitError("the parcels have no usable geometry to draw")
    origin = (float(np.floor(bounds[0])), float(np.floor(bounds[1])))
    prec = float(enc["precision_deg"])
    table = parcels[fields].copy()
    if "landuse_system" in table.columns:  # a system key (guide2023) is shown by its Chinese name
        table["landuse_system"] = table["landuse_system"].map(_system_name)
    if "area_m2" not in table.columns:
        from ..area import geodesic_area

        table["area_m2"] = np.asarray(geodesic_area(parcels.geometry))
        fields = [*fields, "area_m2"]
    columns: dict[str, Any] = {}
    photos: dict[str, Any] | None = None
    for name in fields:
        if name in ("area_mu", "area_ha") and "area_m2" in fields:
            continue  # derived on the page from area_m2
        if name == "photos":
            tab = PhotoTable(
                root=photo_root,
                max_px=int(conf["photos"]["max_px"]),
                quality=int(conf["photos"]["jpeg_quality"]),
                max_per_parcel=int(conf["photos"]["max_per_parcel"]),
            )
            per = [tab.add_cell(v) for v in table[name].tolist()]
            photos = {"list": tab.entries, "i": per}
            if tab.missing:
                warnings.warn(
                    f"{len(tab.missing)} photo file(s) could not be read (e.g. {tab.missing[0]}); "
                    "pass photo_root= the folder the photo paths are relative to",
                    LandkitWarning,
                    stacklevel=4,
                )
            continue
        columns[name] = column_payload(table[name], name, decimals=int(enc["float_decimals"]))
    ids = table["parcel_id"] if "parcel_id" in table.columns else None
    use_ids = ids is not None and ids.notna().all() and ids.astype(str).is_unique
    data: dict[str, Any] = {
        "n": len(table),
        "origin": list(origin),
        "prec": prec,
        "geom": geometry_payload(geo, origin=origin, precision=prec),
        "cols": columns,
        "labels": {name: label(name) for name in columns},
        "units": {name: unit for name in columns if (unit := _shown_unit(name))},
        "keyField": "parcel_id" if use_ids else None,
        "photos": photos,
    }
    data["geomSize"] = geometry_size(data["geom"])  # sizes the page's typed arrays at once
    data["centres"] = _centres(parcels.geometry, origin=origin)
    if zones is not None and len(zones):
        data["zones"] = zone_payload(
            geo,
            zones,
            origin=origin,
            precision=prec,
            simplify=float(enc["zone_simplify_deg"]),
        )
    return data


def _open_states(data: dict[str, Any], *, internal: bool) -> list[str]:
    """Offer states a public page opens on (招商中 / 挂牌中) when any parcel has one."""
    col = data["cols"].get("offer_state")
    if internal or not col:
        return []
    present = set(col.get("d") or col.get("v") or [])
    return [s for s in OFFERED if s in present]


@functools.cache
def _page_class() -> type:
    from branca.element import Figure, MacroElement  # imported here: ``import landkit.maps`` stays light

    class BrowsePage(MacroElement):
        """Adds the inlined Leaflet, the sidebar and the page script to the map's figure."""

        def __init__(self, payload_json: str) -> None:
            super().__init__()
            self._name = "LandkitBrowse"
            self.payload_json = payload_json

        def render(self, **kwargs: object) -> str:
            figure = self.get_root()
            if not isinstance(figure, Figure):
                raise LandkitError("the browse page must be rendered inside a folium Figure")
            head = figure.header
            head.add_child(raw_element('<link rel="icon" href="data:,">'), name="landkit_icon")
            head.add_child(raw_element(f"<style>{leaflet_css()}</style>"), name="landkit_leaflet_css")
            head.add_child(raw_element(f"<script>{leaflet_js()}</script>"), name="landkit_leaflet_js")
            css = own_asset("browse.css") + own_asset("units.css")  # units.css: the 厂房 tab
            head.add_child(raw_element(f"<style>{css}</style>"), name="landkit_css")
            figure.html.add_child(
                raw_element(
                    own_asset("browse.html")
                    + f'<script type="application/json" id="landkit-data">{self.payload_json}</script>'
                ),
                name="landkit_html",
            )
            map_name = self._parent.get_name() if self._parent is not None else "null"
            figure.script.add_child(
                raw_element(
                    page_script()
                    + f"\nlandkitBrowse({map_name}, "
                    + "JSON.parse(document.getElementById('landkit-data').textContent));\n"
                ),
                name="landkit_js",
            )
            return ""

    return BrowsePage


def browse_map(
    parcels: gpd.GeoDataFrame,
    *,
    zones: Any = None,
    profile: str | Sequence[str] = "public",
    basemap: str = "tianditu",
    tianditu_token: str | None = None,
    title: str | None = None,
    lang: str = "zh",
    photo_root: str | os.PathLike[str] | None = None,
    contact: str | None = None,
    demands: pd.DataFrame | None = None,
    panoramas: bool = False,
    thumbnails: Rasters | None = None,
    thumbnail_kind: str = "auto",
    media_budget: Mapping[str, int] | None = None,
    base_layers: str | os.PathLike[str] | Mapping[str, gpd.GeoDataFrame] | None = None,
    units: pd.DataFrame | None = None,
    units_as_of: str | datetime.date | None = None,
) -> folium.Map:
    """Build a 淘宝式选地 browse page for ``parcels`` (pure: writes nothing).

    Parameters
    ----------
    parcels : GeoDataFrame
        Polygons in canonical fields (:mod:`landkit.schema`), any CRS.
    zones : GeoDataFrame or object with ``.zones``, optional
        Zones with columns ``zone_id``, ``name``, ``kind`` (城/带/板块/乡镇/园区). Parcels are
        joined to every zone they intersect; outlines are drawn as switchable layers.
    profile : {"public", "internal"} or sequence of str, default "public"
        Fields written into the page (see :mod:`landkit.maps.profiles`). With ``"public"``
        confidential and unlisted fields are absent from the file.
    basemap : {"tianditu", "gaode", "osm", "none"}, default "tianditu"
        Tile preset. ``"none"`` makes the page request nothing. ``"gaode"`` shifts parcels and
        zones to GCJ-02 so they sit on the tiles.
    tianditu_token : str, optional
        Tianditu key (``tk``); falls back to ``$TIANDITU_TOKEN``. Required for ``"tianditu"``.
        The key is written into the page (tile URLs need it): use a browser key restricted to
        your site's domain in the Tianditu console.
    title : str, optional
        Page title (escaped). Default: the county profile's page title
        (:func:`landkit.profile.current`; ``"淘宝式选地"`` if it has none). Parcels without a
        ``contact`` show ``contact=`` or else the profile's contact line.
    lang : {"zh", "en"}, default "zh"
        Language of the page's labels.
    photo_root : path, optional
        Folder that relative paths in the ``photos`` column are resolved against (default:
        the folder of the file :func:`landkit.read_parcels` read, else the working directory).
        Local photos are downsized and embedded; URLs become links (never loaded by the page).
    contact : str, optional
        招商 contact shown on cards of parcels whose ``contact`` is empty (e.g. from a county profile).
    demands : DataFrame, optional
        Push lists from :func:`landkit.supply.match` (``demand_id``, ``offer_id``, ``offer_kind``, and
        ``excluded`` where present): ``page.html?demand=ID`` (or ``#demand=ID``) then shows that
        investor's passing parcels (为您推荐); with ``units=`` also its passing units, in the 厂房 tab
        (which the link opens on when the demand has units and no parcels). Only demand ids and parcel
        and unit keys are embedded — no investor names or needs.
    panoramas : bool, default False
        全景式看地: embed the 360° panorama (equirectangular JPEG) in each parcel's ``panorama`` column
        (a path relative to ``photo_root``, as photos are) and show it in the card with the bundled
        pannellum viewer (``make vendor``), opened from a Blob URL only when tapped.
    thumbnails : path or list of paths, optional
        A DEM (e.g. ``sample_data/dem/hongjiang_dem_4546.tif``): each card shows a small hillshade of
        the terrain around the parcel with its outline, clipped with rasterio at write time. An 8-bit
        RGB orthophoto (e.g. ``sample_data/ortho/hongjiang_park_ortho_4546.tif``): the image around the
        parcel, outside it lightened, outline in red. Several rasters: each parcel gets the first
        one's thumbnail that covers it (e.g. orthophoto first, DEM for the rest).
    thumbnail_kind : {"auto", "hillshade", "ortho"}, default "auto"
        How to read the rasters: by their bands (1 band: DEM; 3 or 4 8-bit bands: orthophoto), or
        as said (``"ortho"`` also takes a one-band grey image).
    media_budget : mapping, optional
        Override the budgets of ``panorama.toml``: ``panorama_bytes`` (all panoramas together) and
        ``per_parcel_bytes`` (thumbnail bytes per parcel); a warning names the budget exceeded.
    base_layers : path or mapping, optional
        The county's own base layers (a GeoPackage such as ``sample_data/hongjiang_base.gpkg``, or a
        dict of layer → GeoDataFrame; see :mod:`landkit.maps.baselayers`): roads, rivers, township
        borders, parks and their Chinese names, plus zone names, drawn under the parcels (never
        taking a tap), simplified to the page's scale and budget, switchable in the layer control.
        Point layers of expressway exits, railway stations and town centres give each parcel its
        distance to the nearest one (km, geodesic, from the parcel's centre) and that one's name.
    units : DataFrame, optional
        Standard-factory units from :func:`landkit.supply.read_units`: the page gets a 厂房 tab (floor
        area m², 层高, 荷载, 租金, 园区/楼栋/楼层) beside the land. A public page carries only
        :data:`landkit.maps._units.UNIT_PUBLIC_FIELDS` (never the tenant, lease or arrears) and opens on the
        units 招租中; units are drawn at their footprint, else their parcel, else listed without a marker.
    units_as_of : date, optional
        The day the units' 招租状态 is taken on (default: today).

    Returns
    -------
    folium.Map
        Save with :func:`write_browse_map` (or ``Map.save``); Leaflet is inlined on render.

    Raises
    ------
    ConfigError
        Unknown basemap, profile or language; Tianditu without a token; bad zones.
    CRSError
        ``parcels`` or ``zones`` without a CRS.
    VendorAssetError
        ``panoramas=True`` but the viewer is not built (``make vendor``) or fails its sha256 check.

    Warns
    -----
    LandkitWarning
        Some photo or panorama files could not be read (once, with an example path); panoramas or
        thumbnails over their budget.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> gdf = gpd.GeoDataFrame({"parcel_id": ["431281003002GB00017"], "name": ["示例地块"],
    ...                         "mortgagee": ["某银行"]},
    ...                        geometry=[box(109.80, 27.19, 109.801, 27.191)], crs=4490)
    >>> m = browse_map(gdf, basemap="none")
    >>> page = m.get_root().render()
    >>> "示例地块" in page, "某银行" in page
    (True, False)
    """
    if not isinstance(parcels, gpd.GeoDataFrame):
        raise ConfigError("parcels must be a GeoDataFrame")
    if parcels.crs is None:
        raise CRSError("parcels have no CRS; set one with .set_crs(...) (CGCS2000 is EPSG:4490)")
    strings, cat_labels, status_labels = _strings(lang)
    if photo_root is None:  # read_parcels records its source: photo paths are relative to its folder
        source = (parcels.attrs.get("landkit") or {}).get("source")
        photo_root = Path(source).parent if source else None
    spec = _basemap_spec(basemap, tianditu_token, strings)
    county = current_profile()  # the county profile: page title, contact line
    contact = contact or county.contact
    if contact:  # parcels without a contact line of their own show the county's
        parcels = parcels.assign(
            contact=parcels["contact"].fillna(contact) if "contact" in parcels else contact
        )
    parcels = _with_offer_facts(parcels)
    layers = read_base_layers(base_layers) if base_layers is not None else None
    if layers:  # distances to the nearest exit, station, town centre (public context fields)
        parcels = parcels.assign(**distance_columns(parcels, layers))
    fields = profile_fields(parcels.columns, profile)
    public = set(PUBLIC_FIELDS) | set(settings()["profile"]["public_extra"])
    internal = any(f not in public for f in fields)
    zone_frame = _zones_frame(zones) if zones is not None else None
    media = page_media(
        parcels,
        fields,
        panoramas,
        thumbnails,
        media_budget,
        photo_root=photo_root,
        lang=lang,
        thumbnail_kind=thumbnail_kind,
    )
    fields = [f for f in fields if f != "panorama"]  # embedded by page_media, never as a path
    data = _payload(
        parcels,
        fields,
        zone_frame,
        datum=spec["datum"],
        photo_root=Path(photo_root) if photo_root is not None else None,
    )
    data.update(
        context_payload(
            layers,
            parcels,
            origin=tuple(data["origin"]),
            precision=data["prec"],
            zones=zone_frame,
            datum=spec["datum"],
        )
    )
    page_title = title or ((county.page_title or "淘宝式选地") if lang == "zh" else "Land browser")
    data.update(title=page_title, lang=lang, strings=strings, basemap=spec, contact=contact or "")
    data.update(media.payload)
    data.update(_vocabularies(fields, lang, cat_labels, status_labels))
    data.update(
        openStates=_open_states(data, internal=internal),
        internal=internal,
        demands=push_lists(demands),
        demandLabel="为您推荐：需求 " if lang == "zh" else "For you: demand ",
    )
    if units is not None:  # the 厂房 tab (landkit.maps._units)
        tab: dict[str, Any] = {"datum": spec["datum"], "internal": internal, "lang": lang, "contact": contact}
        data["unitTab"] = unit_payload(units, parcels, land=data, as_of=units_as_of, **tab)
        data["unitTab"]["demands"] = unit_push_lists(demands, units["unit_id"])  # ?demand=ID: its units too
    return _folium_page(data, title=page_title, media=media)


def _vocabularies(
    fields: list[str], lang: str, cat_labels: dict[str, str], status_labels: dict[str, str]
) -> dict[str, Any]:
    """Labels, colours and legend of the page; enforcement and encumbrance vocabularies travel only with
    the columns that need them."""
    conf = settings()
    return {
        "categories": {
            "keys": list(CATEGORIES) if "categories" in fields else [],
            "labels": cat_labels if "categories" in fields else {},
        },
        "statuses": status_labels if "status" in fields else {},
        "construction": CONSTRUCTION_STATUSES if lang == "zh" and "construction_status" in fields else {},
        "colors": {k: v for k, v in conf["colors"].items() if "categories" in fields or k not in CATEGORIES},
        "zoneColors": conf["zone_colors"],
        "zoneKinds": list(ZONE_KINDS),
        "legend": _legend(fields, lang, cat_labels),
        "offerStates": {
            k: conf["labels_en"].get(k, v) if lang == "en" else v for k, v in OFFER_STATES.items()
        },
        "useClasses": list(USE_CLASSES),
    }


def _folium_page(data: dict[str, Any], *, title: str, media: Any) -> folium.Map:
    """The folium map holding the page: the payload (with its content id), no CDN, media elements."""
    payload = json_for_script(data)
    data_id = hashlib.sha1(payload.encode("utf-8")).hexdigest()[:10]
    payload = payload[:-1] + f',"pageId":"{data_id}"}}'
    import folium  # imported here: ``import landkit.maps`` stays light

    m = folium.Map(location=[0.0, 0.0], zoom_start=2, tiles=None, prefer_canvas=True, zoom_control=True)
    m.default_js = []  # no CDN: Leaflet is inlined by the page element, nothing else is needed
    m.default_css = []
    root = m.get_root()
    if isinstance(root, folium.Figure):
        root.title = html.escape(title)
    _page_class()(payload).add_to(m)
    media.add_to(m)
    return m


def push_lists(matches: pd.DataFrame | None, /, *, kind: str = "parcel") -> dict[str, list[str]]:
    """Demand id → parcel (``kind="unit"``: unit) keys that pass its hard filters, best first (``?demand=``).

    Examples
    --------
    >>> m = pd.DataFrame({"demand_id": ["D1", "D1", "D2"], "offer_id": ["P2", "U9", "P1"],
    ...                   "offer_kind": ["parcel", "unit", "parcel"], "score": [0.9, 0.8, 0.5]})
    >>> push_lists(m), push_lists(m, kind="unit")
    ({'D1': ['P2'], 'D2': ['P1']}, {'D1': ['U9']})
    """
    if matches is None or len(matches) == 0:
        return {}
    rows = matches
    if "offer_kind" in rows:
        rows = rows[rows["offer_kind"].eq(kind)]
    elif kind != "parcel":
        return {}
    if "excluded" in rows:
        rows = rows[~rows["excluded"].astype(bool)]
    if "score" in rows:
        rows = rows.sort_values(["demand_id", "score"], ascending=[True, False], kind="stable")
    return {str(d): [str(o) for o in g["offer_id"]] for d, g in rows.groupby("demand_id", sort=True)}


_VIEWPORT_RE = re.compile(r'<meta name="viewport"[^>]*>', re.DOTALL)
#: Pinch-zoom allowed (folium's default meta says user-scalable=no).
_VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1.0, viewport-fit=cover">'


def _finish_page(text: str, /, *, lang: str) -> str:
    """Declare the page language and a viewport that allows pinch-zoom (the script repeats both)."""
    text = text.replace("<html>", f'<html lang="{"zh-CN" if lang == "zh" else "en"}">', 1)
    return _VIEWPORT_RE.sub(_VIEWPORT, text, count=1)


def write_browse_map(
    parcels: gpd.GeoDataFrame,
    path: str | os.PathLike[str],
    /,
    *,
    overwrite: bool = False,
    **kwargs: Any,
) -> Path:
    """Render :func:`browse_map` and write the HTML file atomically.

    Parameters
    ----------
    parcels : GeoDataFrame
        As for :func:`browse_map`.
    path : path
        Output ``.html`` file.
    overwrite : bool, default False
        Replace an existing file.
    **kwargs
        Options of :func:`browse_map` (``zones``, ``profile``, ``basemap`` …).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    OutputExistsError
        ``path`` exists and ``overwrite`` is False.

    Warns
    -----
    LandkitWarning
        The file is larger than the budget in ``browse.toml``.

    Examples
    --------
    >>> import geopandas as gpd, tempfile, pathlib
    >>> from shapely.geometry import box
    >>> gdf = gpd.GeoDataFrame({"name": ["示例"]}, geometry=[box(109.8, 27.19, 109.801, 27.191)], crs=4490)
    >>> out = write_browse_map(gdf, pathlib.Path(tempfile.mkdtemp()) / "land.html", basemap="none")
    >>> out.stat().st_size > 100_000
    True
    """
    m = browse_map(parcels, **kwargs)
    text = _finish_page(m.get_root().render(), lang=str(kwargs.get("lang", "zh")))
    found = _EXTERNAL_RE.search(text)
    if found:
        raise LandkitError(f"the page would load an external resource ({found.group(0)[:80]}…); not written")
    out = write_text_atomic(path, text, overwrite=overwrite)
    size = len(text.encode("utf-8"))
    budget = int(settings()["budget"]["max_bytes"])
    if size > budget:
        warnings.warn(
            f"{out} is {size / 1e6:.1f} MB, over the {budget / 1e6:.0f} MB budget (browse.toml): "
            "publish one township or zone per page, keep fewer fields (profile=...) "
            "or remove the photos column",
            LandkitWarning,
            stacklevel=2,
        )
    return out
