"""Which fields a browse page may carry: the publishing profiles.

``"public"`` keeps :data:`landkit.schema.PUBLIC_FIELDS` plus the harmless derived fields listed
in ``browse.toml`` (terrain means); every other column — confidential ones (mortgage details,
holder names and phones) and any column not on the list — is left out of the file.
``"internal"`` keeps every column. A list of names is a custom profile.

Examples
--------
>>> import pandas as pd
>>> cols = pd.Index(["parcel_id", "name", "holder", "mortgagee", "my_note", "geometry"])
>>> profile_fields(cols, "public")
['parcel_id', 'name']
>>> profile_fields(cols, "internal")
['parcel_id', 'name', 'holder', 'mortgagee', 'my_note']
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import pandas as pd

from ..errors import ConfigError, LandkitWarning
from ..schema import FIELDS, PUBLIC_FIELDS
from ._config import settings

__all__ = ["PROFILES", "profile_fields"]

#: Named profiles.
PROFILES: tuple[str, ...] = ("public", "internal")


def profile_fields(columns: pd.Index | Sequence[str], profile: str | Sequence[str], /) -> list[str]:
    """Return the columns (in input order, geometry excluded) that ``profile`` lets through.

    Parameters
    ----------
    columns : Index or sequence of str
        Columns of the parcel table.
    profile : {"public", "internal"} or sequence of str
        A named profile or the list of fields to publish.

    Returns
    -------
    list of str

    Raises
    ------
    ConfigError
        Unknown profile name, or a custom profile naming a column that does not exist.

    Warns
    -----
    LandkitWarning
        A custom profile includes a confidential field.
    """
    cols = [str(c) for c in columns if str(c) != "geometry"]
    if isinstance(profile, str):
        if profile == "internal":
            return cols
        if profile == "public":
            allowed = set(PUBLIC_FIELDS) | set(settings()["profile"]["public_extra"])
            return [c for c in cols if c in allowed and not _confidential(c)]
        raise ConfigError(f"unknown profile {profile!r}; use 'public', 'internal' or a list of field names")
    wanted = [str(p) for p in profile]
    missing = [p for p in wanted if p not in cols]
    if missing:
        raise ConfigError(f"profile names fields not in the parcels: {', '.join(missing)}")
    secret = [p for p in wanted if _confidential(p)]
    if secret:
        warnings.warn(
            f"the custom profile publishes confidential fields: {', '.join(secret)}; "
            "do not put this page on a public site",
            LandkitWarning,
            stacklevel=3,
        )
    return [c for c in cols if c in set(wanted)]


def _confidential(name: str) -> bool:
    f = FIELDS.get(name)
    return bool(f and f.confidential)
