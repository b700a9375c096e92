"""Errors raised by landkit.

Every error derives from :class:`LandkitError` and from the builtin that fits, so
``except ValueError`` keeps working for callers who do not know landkit. Messages say
what is wrong and what to do next, in one line.
"""

from __future__ import annotations

__all__ = [
    "CRSError",
    "CRSInferenceError",
    "CRSMismatchError",
    "CaseError",
    "ConfigError",
    "DataFormatError",
    "DependencyError",
    "EncodingError",
    "LandkitError",
    "LandkitWarning",
    "LedgerError",
    "OutputExistsError",
    "SnapshotExistsError",
    "ValidationError",
    "VendorAssetError",
]


class LandkitError(Exception):
    """Root of every error raised by landkit."""


class LandkitWarning(UserWarning):
    """Root of every warning issued by landkit."""


class DataFormatError(LandkitError, ValueError):
    """An input file is missing, of an unsupported format, or cannot be parsed."""


class EncodingError(DataFormatError):
    """Text in an input could not be decoded with any candidate encoding."""


class CRSError(LandkitError, ValueError):
    """A coordinate reference system is missing, unsupported or misused."""


class CRSInferenceError(CRSError):
    """A layer has no CRS and none can be inferred from its coordinates."""


class CRSMismatchError(CRSError):
    """Two inputs that must share a CRS do not."""


class ValidationError(LandkitError, ValueError):
    """Input failed validation (``strict=True``); ``report`` holds every problem found."""

    def __init__(self, message: str, report: object = None) -> None:
        super().__init__(message)
        self.report = report


class ConfigError(LandkitError, ValueError):
    """A configuration file (zones, criteria, demand, profile) is invalid."""


class LedgerError(LandkitError, RuntimeError):
    """The ledger refused an operation or is not in a usable state."""


class SnapshotExistsError(LedgerError):
    """A snapshot with the same ``as_of`` date is already recorded (use ``revise=True``)."""


class OutputExistsError(LandkitError, FileExistsError):
    """An output file exists and overwriting was not requested."""


class DependencyError(LandkitError, ImportError):
    """An optional dependency is needed for this feature; the message says what to install."""


class CaseError(LandkitError, ValueError):
    """A case-book operation was refused (unknown case or route, a step out of plan, a closed route)."""


class VendorAssetError(DependencyError):
    """A page asset bundled from npm at build time (pannellum) is missing or fails its sha256 check."""
