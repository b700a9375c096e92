"""Why land lies idle (《闲置土地处置办法》第八条 and 第十四条): from a cause code or from free text.

A register records the cause in one of two ways:

- a **structured cause code** (``idle_cause_code``, 闲置原因类型): ``政府原因`` / ``企业原因`` /
  ``不可抗力`` (or the keys ``government`` / ``holder`` / ``force_majeure``), optionally with the
  Art. 8 ¶1 item, e.g. ``政府原因（二）`` or ``government:2``. When a row has one, it wins over the text;
- **free text** (``idle_cause``), e.g. ``企业资金不足，与规划无关``.

Free text is read clause by clause (clauses end at ，,;；。!?！？ and line breaks):

- a cause word right after a negation (``非``, ``无``, ``不属于``, ``不是``, ``并非``, ``非因``, ``不因``,
  also with ``属于/是/因/为/由`` between) or in a clause that ends in ``无关`` / ``除外`` is negated;
- in a clause with a causal marker (``因``, ``由于``, ``受``), the words after the marker are the cause;
  otherwise the clause's first cause word (its subject: ``企业未按规划条件建设`` is the firm's doing);
- clauses that name both the holder and the government (or force majeure) make the text ``unknown``,
  to be confirmed; a text whose only cause word is a negated government cause (``非政府原因``) is a
  holder cause; a text with no cause word is ``unknown``.

Art. 8 requires the holder's explanation to be "经审核属实" before the negotiated track applies, so a
government or force-majeure cause is ``verified`` only when the register says so (``idle_cause_verified``
true) or the bureau entered a structured code; from text alone it is ``claimed``, pending review.

The word lists live in ``statute_53.toml`` (``[causes]``, ``[art8]``, ``[cause_text]``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ._config import load_statute

__all__ = ["CAUSES", "Cause", "cause_of", "classify_cause", "classify_cause_code"]

#: ``idle_cause`` values → Chinese labels.
CAUSES: dict[str, str] = {
    "holder": "使用权人原因",
    "government": "政府原因",
    "force_majeure": "不可抗力",
    "unknown": "原因不明",
}
_ITEMS = ("一", "二", "三", "四", "五", "六")
_CLAUSE = re.compile(r"[，,;；。!?！？\n\r]+")


@dataclass(frozen=True)
class Cause:
    """A classified cause: kind (:data:`CAUSES`), Art. 8 item, review status and a note."""

    kind: str
    item: str | None = None
    status: str = ""  # "verified" | "claimed" | "" (holder or unknown causes need no Art. 8 review)
    note: str = ""


def _text(v: Any) -> str | None:
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    s = str(v).strip()
    return s or None


def _words(rules: dict[str, Any]) -> dict[str, Any]:
    """The ``[cause_text]`` lists, from the bundled statute when a replacement file lacks them."""
    return rules.get("cause_text") or load_statute()["cause_text"]


def _negated(clause: str, pos: int, rules: dict[str, Any]) -> bool:
    """Is the word at ``pos`` negated: right after a negation, or in a clause saying 无关/除外?"""
    words = _words(rules)
    before = "(?:" + "|".join(map(re.escape, words["negation_before"])) + ")(?:属于|是|因|为|由)?$"
    return bool(re.search(before, clause[:pos])) or any(w in clause for w in words["negation_after"])


def _hits(clause: str, rules: dict[str, Any]) -> list[tuple[int, str, bool]]:
    """(position, kind, negated) of every cause word in one clause, in text order."""
    found: list[tuple[int, str, bool]] = []
    taken: set[int] = set()
    for kind, kws in rules["causes"].items():
        for w in sorted(kws, key=len, reverse=True):
            for m in re.finditer(re.escape(w), clause):
                if m.start() in taken:
                    continue
                taken.update(range(m.start(), m.end()))
                found.append((m.start(), kind, _negated(clause, m.start(), rules)))
    return sorted(found)


def _clause_kind(clause: str, rules: dict[str, Any]) -> tuple[str | None, bool]:
    """(kind the clause asserts or None, whether it negates a government cause)."""
    hits = _hits(clause, rules)
    neg_gov = any(k == "government" and neg for _, k, neg in hits)
    live = [(pos, k) for pos, k, neg in hits if not neg]
    if not live:
        return None, neg_gov
    marker = re.search("|".join(map(re.escape, _words(rules)["because"])), clause)
    if marker:
        after = [k for pos, k in live if pos >= marker.end()]
        if after:
            return after[0], neg_gov
    return live[0][1], neg_gov


def _art8_item(text: str, rules: dict[str, Any]) -> str | None:
    for clause in _CLAUSE.split(text):
        for name, kws in rules["art8"].items():
            for w in kws:
                if any(not _negated(clause, m.start(), rules) for m in re.finditer(re.escape(w), clause)):
                    return str(name)
    return None


def classify_cause(text: Any, /, *, statute: dict[str, Any] | None = None) -> tuple[str, str | None]:
    """Kind of a recorded idle cause and, for a government cause, its Art. 8 item.

    Parameters
    ----------
    text : str or None
        The recorded cause (``idle_cause``), e.g. ``"政府原因:规划依法修改"`` or ``"企业原因"``;
        the keys ``holder``, ``government``, ``force_majeure`` are accepted as they are.
    statute : dict, optional
        Rule numbers (default: the bundled ``statute_53.toml``).

    Returns
    -------
    (kind, art8_item)
        ``kind`` is one of :data:`CAUSES`; ``art8_item`` names the Art. 8 ¶1 item for a government
        cause when the text says which, else ``None``.

    Examples
    --------
    >>> classify_cause("政府原因:规划依法修改")
    ('government', '（二）土地利用总体规划、城乡规划依法修改')
    >>> classify_cause("非政府原因"), classify_cause(None)
    (('holder', None), ('unknown', None))
    >>> classify_cause("企业资金不足，与规划无关"), classify_cause("企业因规划调整无法开工")[0]
    (('holder', None), 'government')
    >>> classify_cause("企业资金不足，且规划调整")
    ('unknown', None)
    """
    rules = statute or load_statute()
    t = _text(text)
    if t is None:
        return "unknown", None
    if t in CAUSES:
        return t, None
    kinds: list[str] = []
    neg_gov = False
    for clause in _CLAUSE.split(t):
        kind, neg = _clause_kind(clause, rules)
        neg_gov |= neg
        if kind is not None and kind not in kinds:
            kinds.append(kind)
    if not kinds:
        return ("holder" if neg_gov else "unknown"), None
    if "holder" in kinds and len(kinds) > 1:
        return "unknown", None
    kind = kinds[0]
    return kind, (_art8_item(t, rules) if kind == "government" else None)


def classify_cause_code(
    code: Any, /, *, statute: dict[str, Any] | None = None
) -> tuple[str, str | None] | None:
    """A structured cause code → (kind, Art. 8 item); None when absent, ('unknown', None) if unreadable.

    Examples
    --------
    >>> classify_cause_code("政府原因（二）")
    ('government', '（二）土地利用总体规划、城乡规划依法修改')
    >>> classify_cause_code("government:1")[1][:3], classify_cause_code("土地使用者原因")
    ('（一）', ('holder', None))
    >>> classify_cause_code("其他"), classify_cause_code(None)
    (('unknown', None), None)
    """
    rules = statute or load_statute()
    t = _text(code)
    if t is None:
        return None
    head = re.split(r"[（(:：\s\-]", t, maxsplit=1)[0]
    codes = rules.get("cause_codes") or load_statute()["cause_codes"]
    kind = codes.get(head) or codes.get(t)
    if kind is None:
        return "unknown", None
    item = None
    if kind == "government":
        m = re.search(r"[（(]?([一二三四五六1-6])[）)]?\s*$", t[len(head) :])
        if m:
            n = m.group(1)
            number = int(n) if n.isdigit() else _ITEMS.index(n) + 1
            item = next(
                (str(k) for k in rules["art8"] if str(k).startswith(f"（{_ITEMS[number - 1]}）")), None
            )
    return str(kind), item


def _truthy(v: Any) -> bool | None:
    t = _text(v)
    if t is None:
        return None
    if t.lower() in ("true", "1", "是", "属实", "已审核", "审核属实", "yes", "y"):
        return True
    if t.lower() in ("false", "0", "否", "不属实", "未审核", "no", "n"):
        return False
    return None


def cause_of(row: dict[str, Any], rules: dict[str, Any]) -> Cause:
    """The cause of one register row (第八条): code first, then text; verified or claimed.

    Examples
    --------
    >>> cause_of({"idle_cause": "规划依法修改"}, load_statute()).status
    'claimed'
    >>> cause_of({"idle_cause_code": "政府原因（二）", "idle_cause": "企业原因"}, load_statute()).kind
    'government'
    """
    verified = _truthy(row.get("idle_cause_verified"))
    coded = classify_cause_code(row.get("idle_cause_code"), statute=rules)
    if coded is not None and coded[0] != "unknown":
        kind, item = coded
        status = "" if kind == "holder" else ("claimed" if verified is False else "verified")
        return Cause(kind, item, status, "")
    kind, item = classify_cause(row.get("idle_cause"), statute=rules)
    note = ""
    if coded is not None:
        note = f"闲置原因类型“{_text(row.get('idle_cause_code'))}”无法识别，按原因文字判断"
    if kind == "unknown" and _text(row.get("idle_cause")) is not None:
        note = "；".join(
            [
                *filter(None, [note]),
                f"闲置原因“{_text(row.get('idle_cause'))}”无法判定，请核实后填写闲置原因类型",
            ]
        )
    status = "" if kind in ("holder", "unknown") else ("verified" if verified else "claimed")
    return Cause(kind, item, status, note)
