"""Fast paths in reading and validating: each equals the one-value-at-a-time computation it replaces."""

from __future__ import annotations

from landkit.encoding import _values_disagree, better_decoding, better_decodings

NAMES = ["洪江置业", "安江镇农贸市场", "黔城工业园", "沅河物流", "岩垅乡", "abc", "", "托口水电"]


def _gbk_as_utf8(text: str) -> str:
    return text.encode("utf-8").decode("gb18030", errors="replace")


def test_better_decodings_equal_better_decoding_value_by_value() -> None:
    values = [*NAMES, *map(_gbk_as_utf8, NAMES), None, 3.5, *NAMES]  # repeats, non-text, mojibake
    one_by_one = {v: b for v in values if isinstance(v, str) and (b := better_decoding(v)) is not None}
    assert better_decodings(values) == one_by_one
    assert set(one_by_one.values()) >= {"洪江置业", "托口水电"}  # the check finds something


def _dbf_text(values: list[bytes]) -> bytes:
    return b"".join(v.ljust(40, b" ") for v in values)


def test_values_disagree_on_whole_utf8_whole_gbk_and_mixed_text() -> None:
    utf8 = [n.encode("utf-8") for n in NAMES]
    gbk = [n.encode("gbk") for n in NAMES]
    assert not _values_disagree(_dbf_text(utf8))
    assert not _values_disagree(_dbf_text(gbk))
    assert _values_disagree(_dbf_text(gbk + utf8[:1]))
    assert _values_disagree(_dbf_text(utf8 + gbk[:1]))
