"""Route options: preconditions with their basis, unknowns, the catalogue as checked data."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from landkit import read_parcels
from landkit.cases import DEFAULT_ROUTES, read_encumbrances, read_routes, route_options
from landkit.cases.facts import encumbrance_facts
from landkit.errors import ConfigError

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "cases"
PID = "431281101001GB00001"


def _parcel(**kw: object) -> pd.DataFrame:
    row = {
        "parcel_id": PID,
        "categories": "stalled",
        "status": "identified",
        "supply_method": "挂牌出让",
        "land_price_paid": "已缴清",
        "certificate_no": "湘(2019)洪江市不动产权第0000001号",
        "invested": 250.0,
        "total_investment": 1000.0,
    }
    row.update(kw)
    return pd.DataFrame([row])


NO_ENC = pd.DataFrame({"parcel_id": pd.Series([], dtype=object), "kind": pd.Series([], dtype=object)})


def _route(opts: pd.DataFrame, key: str) -> pd.Series:
    return opts.set_index("route").loc[key]


@pytest.mark.parametrize(("invested", "open_"), [(250.0, True), (249.9, False)])
def test_article_39_quarter_of_investment_is_exact(invested: float, open_: bool) -> None:
    # 城市房地产管理法 第三十九条: ≥ 25% of the total development investment, the boundary included
    opts = route_options(_parcel(invested=invested), encumbrances=NO_ENC, as_of="2024-06-30")
    r = _route(opts, "transfer")
    assert bool(r["open"]) is open_
    assert ("第三十九条第一款第(二)项" in r["missing"]) is (not open_)


def test_each_article_39_condition_names_its_basis() -> None:
    opts = route_options(
        _parcel(land_price_paid="未缴清", certificate_no=None, supply_method="划拨"),
        encumbrances=NO_ENC,
        as_of="2024-06-30",
    )
    r = _route(opts, "transfer")
    assert r["state"] == "blocked"
    assert not r["open"]
    assert "已按合同支付全部土地使用权出让金（《城市房地产管理法》第三十九条第一款第(一)项）" in r["missing"]
    assert "以出让方式取得" in r["missing"]
    assert "不动产权证号" in r["unknown"]  # an empty certificate number is unknown, not "not held"


def test_without_encumbrances_nothing_is_assumed_free() -> None:
    opts = route_options(_parcel(), as_of="2024-06-30")
    r = _route(opts, "transfer")
    assert not r["open"]
    assert r["state"] == "unknown"
    assert "查封登记" in r["unknown"]
    assert r["missing"] == ""


def test_active_seizure_blocks_transfer_and_opens_the_court_route() -> None:
    enc = pd.DataFrame(
        {"parcel_id": [PID], "kind": ["seizure"], "seized_date": pd.to_datetime(["2024-01-05"])}
    )
    opts = route_options(_parcel(), encumbrances=enc, as_of="2024-06-30")
    assert not _route(opts, "transfer")["open"]
    assert "查封" in _route(opts, "transfer")["missing"]
    assert _route(opts, "judicial")["open"]
    assert _route(opts, "judicial")["next_step"].startswith("与执行法院会商")


def test_mortgage_routes_follow_article_406() -> None:
    enc = pd.DataFrame(
        {
            "parcel_id": [PID],
            "kind": ["mortgage"],
            "registered_date": pd.to_datetime(["2021-01-01"]),
            "transfer_banned": pd.array([False], dtype="boolean"),
            "consent": pd.array([pd.NA], dtype="boolean"),
            "mortgage_amount": [500.0],
            "appraised_value": [400.0],
        }
    )
    opts = route_options(_parcel(categories="stalled"), encumbrances=enc, as_of="2024-06-30")
    assert set(opts["route"]) >= {
        "transfer_with_mortgage",
        "release_resupply",
        "debt_restructuring",
    }  # mortgaged by the registry
    assert _route(opts, "transfer_with_mortgage")["open"]
    t = _route(opts, "transfer")
    assert not t["open"]
    assert "〔地方做法〕" in t["missing"]
    assert "第四百零六条" in t["missing"]
    assert _route(opts, "mortgagee_consent")["state"] == "unknown"  # consent not recorded
    assert not _route(opts, "debt_restructuring")["open"]  # 500 > 400 appraised
    banned = enc.assign(transfer_banned=pd.array([True], dtype="boolean"))
    b = _route(route_options(_parcel(), encumbrances=banned, as_of="2024-06-30"), "transfer_with_mortgage")
    assert not b["open"]
    assert "另有约定" in b["missing"]


def test_free_recovery_needs_the_idle_determination_and_two_years() -> None:
    base = {
        "categories": "stalled,idle",
        "agreed_start_date": pd.Timestamp("2020-03-15"),
        "actual_start_date": pd.NaT,
        "construction_status": "not_started",
        "idle_cause": "企业原因",
        "land_price": 100.0,
        "ownership": "国有",
    }
    opts = route_options(_parcel(**base), encumbrances=NO_ENC, as_of="2024-06-30")
    assert _route(opts, "free_recovery")["open"]
    young = route_options(
        _parcel(**{**base, "agreed_start_date": pd.Timestamp("2023-03-15")}),
        encumbrances=NO_ENC,
        as_of="2024-06-30",
    )
    assert not _route(young, "free_recovery")["open"]
    suspected = route_options(
        _parcel(**{**base, "status": "suspected"}), encumbrances=NO_ENC, as_of="2024-06-30"
    )
    assert "已认定为闲置土地" in _route(suspected, "free_recovery")["missing"]


def test_catalogue_refuses_unknown_keys_and_facts(tmp_path: Path) -> None:
    text = DEFAULT_ROUTES.read_text(encoding="utf-8")
    cases = [
        ('fact = "price_paid"', 'fact = "price_payed"', "did you mean 'price_paid'"),
        ('lead = "自然资源局"\nbasis', 'leed = "自然资源局"\nbasis', "did you mean 'lead'"),
        ('by = "clear_by"', 'by = "clear_bye"', "did you mean 'clear_by'"),
        ("[params]", "[parms]", "did you mean 'params'"),
    ]
    for old, new, message in cases:
        p = tmp_path / "r.toml"
        p.write_text(text.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(ConfigError, match=message):
            read_routes(p)


def test_catalogue_covers_the_issue_routes_and_marks_local_practice() -> None:
    cat = read_routes()
    labels = {r.label for r in cat.routes.values()}
    assert {
        "原主体续建",
        "转让续建",
        "带押过户",
        "司法拍卖/破产重整",
        "协议有偿收回",
        "53号令无偿收回",
        "收储后再供应（二次招商）",
    } <= labels
    assert {"解押后再供应", "抵押权人同意转让", "债务重组后续建", "司法处置"} <= labels
    free = cat.routes["free_recovery"]
    assert any(s.when == "mortgaged" and "抄送" in s.label for s in free.steps)  # 53号令 第十四条
    assert all(
        p.basis
        for r in cat.routes.values()
        for p in r.preconditions
        if p.fact != "stalled" and p.fact != "mortgaged"
    )


def test_sample_options_agree_with_a_row_by_row_check() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parcels = read_parcels(SAMPLE / "parcels_cases.gpkg")
    enc = read_encumbrances(SAMPLE / "encumbrances.xlsx")
    opts = route_options(parcels, encumbrances=enc, as_of="2024-06-30")
    facts = encumbrance_facts(parcels, enc, as_of="2024-06-30").set_index(parcels["parcel_id"])
    got = opts[opts["route"] == "transfer"].set_index("parcel_id")["open"]
    for pid, is_open in got.items():
        p = parcels[parcels["parcel_id"] == pid].iloc[0]
        f = facts.loc[pid]
        expect = (
            "出让" in str(p["supply_method"])
            and p["land_price_paid"] == "是"
            and isinstance(p["certificate_no"], str)
            and p["invested"] * 4 >= p["total_investment"]
            and f["has_active_seizure"] is not pd.NA
            and not f["has_active_seizure"]
            and f["has_active_mortgage"] is not pd.NA
            and not f["has_active_mortgage"]
        )
        assert bool(is_open) == bool(expect), pid
    assert got.sum() > 0
    assert (~got).sum() > 0
    stalled = parcels["categories"].str.contains("stalled")
    assert set(opts.loc[opts["route"] == "resume", "parcel_id"]) == set(parcels.loc[stalled, "parcel_id"])
    assert np.all(opts.groupby(["parcel_id", "route"]).size() == 1)
