"""Checks that text a person reads is Chinese: CJK present, no English sentences.

Technical names are allowed: anything quoted (the raw cell), ``name=value`` options, snake_case
identifiers, file names, CRS codes (``EPSG:4525``) and single English words or acronyms
(``DBF``, ``UTF-8``, ``WKT``). Three English words in a row are a phrase a bureau analyst would
have to translate.
"""

from __future__ import annotations

import re

__all__ = ["cjk_count", "english_phrases", "english_words"]

_CJK = re.compile(r"[\u4e00-\u9fff]")
_QUOTED = re.compile(r"“[^”]*”|「[^」]*」|'[^']*'|\"[^\"]*\"|`[^`]*`")
_TECHNICAL = re.compile(r"\S*[=_:/\\.<>(){}\[\]@#]\S*")
_PHRASE = re.compile(r"\b[A-Za-z]{2,}(?:[ \-]+[A-Za-z]{2,}){2,}\b")
_WORD = re.compile(r"\b[A-Za-z]{2,}\b")


def _plain(text: str) -> str:
    return _TECHNICAL.sub(" ", _QUOTED.sub(" ", str(text)))


def cjk_count(text: str) -> int:
    """Chinese characters in ``text``."""
    return len(_CJK.findall(str(text)))


def english_phrases(text: str) -> list[str]:
    """Runs of three or more English words outside quotes and technical names."""
    return _PHRASE.findall(_plain(text))


def english_words(text: str) -> list[str]:
    """English words (two letters or more) outside quotes and technical names."""
    return _WORD.findall(_plain(text))
