"""宗地推介单 as a PDF: :func:`write_offer_sheets` writes one A4 page per parcel.

Each page carries the county title, the parcel's outline on a metric grid with a scale bar and
north arrow, its first local photo, the investor-facing facts of the public profile with their
Chinese labels, the 招商 contact and — when ``link=`` names where the browse page is published —
a QR code of the parcel's share link. Fonts are embedded (Noto Sans CJK through matplotlib), so the
Chinese renders on any machine. The same facts as the page's card; nothing outside the public
profile is printed.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .._atomic import write_bytes_atomic
from ..errors import ConfigError, CRSError, DependencyError, OutputExistsError
from ..schema import CONSTRUCTION_STATUSES, FIELDS, OFFER_STATES, label
from .baselayers import distance_facts

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["write_offer_sheets"]

_A4_IN = (8.27, 11.69)
_MU_M2 = 10000 / 15
_CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei")
#: Facts printed on a sheet, in order (those the parcels have; the public profile decides the rest).
_SHEET_FIELDS = (
    "parcel_id",
    "offer_state",
    "use_class",
    "planned_use",
    "township",
    "location",
    "far",
    "coverage",
    "building_density",
    "green_ratio",
    "height_limit_m",
    "lease_years",
    "transaction_method",
    "start_price",
    "deposit",
    "investment_intensity",
    "tax_per_mu",
    "energy_per_output",
    "utilities",
    "boundaries",
    "listed_date",
    "offer_deadline",
    "notice_no",
)


def _cjk_font() -> str:
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in _CJK_FONTS:
        if name in names:
            return name
    raise DependencyError("no Chinese font found for the PDF: apt-get install fonts-noto-cjk")


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float | np.floating | pd.Timestamp) and bool(pd.isna(value)))


def _text(name: str, value: Any) -> str:
    if _missing(value) or value is pd.NaT:
        return ""
    if name == "offer_state":
        return OFFER_STATES.get(str(value), str(value))
    if name == "construction_status":
        return CONSTRUCTION_STATUSES.get(str(value), str(value))
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float | np.floating):
        text = f"{float(value):,.2f}".rstrip("0").rstrip(".")
    else:
        text = str(value)
    f = FIELDS.get(name)
    unit = f.unit if f is not None and f.unit and "(" not in f.label else None
    return f"{text} {unit}" if unit else text


def _facts(row: pd.Series, area_m2: float) -> list[tuple[str, str]]:
    rows = [(label("parcel_id"), _text("parcel_id", row.get("parcel_id")))]
    rows.append(("面积", f"{area_m2 / _MU_M2:,.2f} 亩（{area_m2:,.0f} m²）"))
    price = row.get("asking_price")
    if price is not None and not pd.isna(price):
        rows.append((label("asking_price"), f"{float(price):,.2f} 万元"))
        rows.append(("单价", f"{float(price) / (area_m2 / _MU_M2):,.2f} 万元/亩"))
    for name in _SHEET_FIELDS[1:]:
        if name in row.index:
            rows.append((label(name), _text(name, row[name])))
    rows.extend(distance_facts(row))  # 距高速出口 3.2 km（洪江出口）… when the parcels carry them
    return [(k, v) for k, v in rows if v]


def _scale_bar(ax: Any, width_m: float) -> None:
    nice = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000]
    length = max([n for n in nice if n <= width_m / 3] or [1])
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    xs, ys = x0 + (x1 - x0) * 0.05, y0 + (y1 - y0) * 0.06
    ax.plot([xs, xs + length], [ys, ys], color="#222", linewidth=2.5, solid_capstyle="butt")
    ax.text(xs + length / 2, ys + (y1 - y0) * 0.02, f"{length:g} m", ha="center", va="bottom", fontsize=8)
    ax.annotate(
        "北",
        xy=(0.93, 0.93),
        xytext=(0.93, 0.78),
        xycoords="axes fraction",
        ha="center",
        fontsize=9,
        arrowprops={"arrowstyle": "-|>", "color": "#222"},
    )


def _outline_axes(fig: Figure, geom: Any, crs: Any) -> None:
    ax = fig.add_axes((0.06, 0.52, 0.42, 0.33))
    shape = gpd.GeoSeries([geom], crs=crs)
    metric = shape.to_crs(shape.estimate_utm_crs())
    metric.plot(ax=ax, facecolor="#d7263d33", edgecolor="#d7263d", linewidth=1.8)
    x0, y0, x1, y1 = metric.total_bounds
    pad = max(x1 - x0, y1 - y0) * 0.25 + 10
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    _scale_bar(ax, (x1 - x0) + 2 * pad)


def _photo_axes(fig: Figure, photo: Path | None) -> None:
    if photo is None or not photo.exists():
        return
    from PIL import Image

    ax = fig.add_axes((0.52, 0.52, 0.42, 0.33))
    with Image.open(photo) as im:
        im.thumbnail((900, 900))
        ax.imshow(np.asarray(im.convert("RGB")))
    ax.set_axis_off()


def _qr_axes(fig: Figure, url: str) -> None:
    try:
        import segno
    except ImportError as exc:  # pragma: no cover - a dependency of landkit
        raise DependencyError("QR codes need segno: pip install segno") from exc
    matrix = np.asarray(list(segno.make(url, error="m").matrix), dtype=float)
    ax = fig.add_axes((0.78, 0.035, 0.16, 0.16 * _A4_IN[0] / _A4_IN[1]))
    ax.imshow(1 - matrix, cmap="gray", interpolation="nearest", vmin=0, vmax=1)
    ax.set_axis_off()
    fig.text(0.86, 0.028, "扫码在线查看", ha="center", fontsize=7)


def _page(fig: Figure, row: pd.Series, geom: Any, crs: Any, opts: dict[str, Any]) -> None:
    fig.text(0.06, 0.955, opts["title"], fontsize=10, color="#444")
    fig.text(0.94, 0.955, "宗地推介单", fontsize=11, color="#d7263d", ha="right", weight="bold")
    fig.add_artist(_rule(fig))
    name = row.get("name")
    heading = str(name) if isinstance(name, str) and name else str(row.get("parcel_id", ""))
    fig.text(0.06, 0.9, heading, fontsize=16, weight="bold")
    if geom is not None and not geom.is_empty:
        _outline_axes(fig, geom, crs)
    _photo_axes(fig, opts["photo"])
    y = 0.48
    area = float(opts["area_m2"])
    for key, value in _facts(row, area):
        fig.text(0.06, y, key, fontsize=9, color="#555")
        fig.text(0.30, y, value[:60], fontsize=9)
        y -= 0.022
        if y < 0.1:
            break
    contact = row.get("contact") if isinstance(row.get("contact"), str) else opts["contact"]
    if contact:
        fig.text(0.06, 0.06, f"招商联系：{contact}", fontsize=10)
    if opts["link"]:
        _qr_axes(fig, f"{opts['link']}#sel={row.get('parcel_id', '')}")


def _rule(fig: Figure) -> Any:
    from matplotlib.lines import Line2D

    return Line2D([0.06, 0.94], [0.945, 0.945], transform=fig.transFigure, color="#d7263d", linewidth=1.5)


def _first_photo(value: object, root: Path | None) -> Path | None:
    if not isinstance(value, str):
        return None
    for part in value.replace("；", ";").split(";"):
        part = part.strip()
        if part and not part.lower().startswith(("http://", "https://")):
            path = Path(part)
            return path if path.is_absolute() else (root or Path.cwd()) / path
    return None


def write_offer_sheets(
    parcels: gpd.GeoDataFrame,
    path: str | os.PathLike[str],
    /,
    *,
    title: str = "宗地推介",
    contact: str | None = None,
    link: str | None = None,
    photo_root: str | os.PathLike[str] | None = None,
    overwrite: bool = False,
) -> Path:
    """Write one A4 宗地推介单 per parcel into one PDF (fonts embedded).

    Parameters
    ----------
    parcels : GeoDataFrame
        The parcels to print, any CRS (canonical fields; only public-profile facts are printed).
    path : path
        Output ``.pdf``.
    title : str, default "宗地推介"
        Header line; name the county (``"洪江市 · 淘宝式选地"``).
    contact : str, optional
        Contact printed when a parcel's ``contact`` is empty.
    link : str, optional
        URL of the published browse page; each sheet then carries a QR code of
        ``{link}#sel={parcel_id}``. Without it there is no QR code (a file path is no use to a phone).
    photo_root : path, optional
        Folder relative photo paths are resolved against (default: the parcel file's folder).
    overwrite : bool, default False
        Replace an existing file.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ConfigError
        No parcels, or not a GeoDataFrame.
    CRSError
        Parcels without a CRS.
    OutputExistsError
        ``path`` exists and ``overwrite`` is False.

    Examples
    --------
    >>> import geopandas as gpd, tempfile, pathlib
    >>> from shapely.geometry import box
    >>> gdf = gpd.GeoDataFrame({"parcel_id": ["431281003002GB00017"], "name": ["示例地块"]},
    ...                        geometry=[box(109.80, 27.19, 109.801, 27.191)], crs=4490)
    >>> out = write_offer_sheets(gdf, pathlib.Path(tempfile.mkdtemp()) / "sheets.pdf")
    >>> out.read_bytes()[:5]
    b'%PDF-'
    """
    if not isinstance(parcels, gpd.GeoDataFrame) or not len(parcels):
        raise ConfigError("write_offer_sheets needs a non-empty GeoDataFrame of parcels")
    if parcels.crs is None:
        raise CRSError("parcels have no CRS; set one with .set_crs(...) (CGCS2000 is EPSG:4490)")
    out = Path(path)
    if out.exists() and not overwrite:
        raise OutputExistsError(f"{out} exists; pass overwrite=True to replace it")
    from ..area import geodesic_area
    from .browse import _with_offer_facts
    from .profiles import profile_fields

    source = (parcels.attrs.get("landkit") or {}).get("source")
    root = Path(photo_root) if photo_root is not None else (Path(source).parent if source else None)
    table = _with_offer_facts(parcels)
    public = table[profile_fields(table.columns, "public")]
    areas = np.asarray(geodesic_area(parcels.geometry))
    data = _render_pdf(public, parcels, areas, title=title, contact=contact, link=link, root=root)
    return write_bytes_atomic(out, data, overwrite=overwrite)


def _render_pdf(
    public: pd.DataFrame,
    parcels: gpd.GeoDataFrame,
    areas: np.ndarray,
    *,
    title: str,
    contact: str | None,
    link: str | None,
    root: Path | None,
) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    buf = io.BytesIO()
    with (
        matplotlib.rc_context({"font.family": _cjk_font(), "pdf.fonttype": 3, "axes.unicode_minus": False}),
        PdfPages(buf, metadata={"Title": title, "Creator": "landkit"}) as pdf,
    ):
        for i in range(len(public)):
            fig = Figure(figsize=_A4_IN)
            row = public.iloc[i]
            opts = {
                "title": title,
                "contact": contact,
                "link": link,
                "area_m2": areas[i],
                "photo": _first_photo(row.get("photos"), root),
            }
            _page(fig, row, parcels.geometry.iloc[i], parcels.crs, opts)
            pdf.savefig(fig)
    return buf.getvalue()
