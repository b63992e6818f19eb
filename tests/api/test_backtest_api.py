"""The replenishment backtest (补货回测) over HTTP: the sample downloads, runs, and bad input is named."""

from __future__ import annotations

from collections.abc import Callable

import httpx

CSV = {"Content-Type": "text/csv"}


def test_the_sample_runs_both_policies_and_reports_the_reduction(http: httpx.Client) -> None:
    sample = http.get("/replenishment/backtests/sample.csv")
    assert sample.status_code == 200, sample.text
    assert sample.headers["content-type"].startswith("text/csv")
    assert sample.text.splitlines()[0].startswith("date,item,site,qty")

    run = http.post("/replenishment/backtests", content=sample.content, headers=CSV,
                    params={"targets": "A=0.99,B=0.98,C=0.95", "seed": 3}, timeout=120)
    assert run.status_code == 200, run.text
    body = run.json()
    assert body["item_sites"] == 5 and body["config"]["targets"]["A"] == 0.99 and body["config"]["seed"] == 3
    policies = body["policies"]
    assert {"dynamic", "static", "static_matched_fill"} <= set(policies)
    for metrics in policies.values():
        assert 0 <= metrics["fill_rate"] <= 1
        assert all(0 <= v <= 1 for v in metrics["fill_rate_by_class"].values())
        assert metrics["avg_inventory_value"] > 0 and metrics["orders_placed"] > 0
    reduction = body["comparison"]["inventory_reduction_at_matched_fill"]
    assert isinstance(reduction, float) and -1 < reduction < 1
    series = body["series"]
    days = len(series["dates"])
    assert days > 0 and set(series["policies"]) >= {"dynamic", "static"}
    assert len(series["policies"]["dynamic"]["value"]) == days == len(series["policies"]["static"]["fill"])
    top = series["top_item"]
    assert len(top["demand"]) == len(top["dates"]) == len(top["on_hand"]["dynamic"])


def test_gb18030_with_a_missing_column_is_named(http: httpx.Client) -> None:
    text = "date,item,site,数量\n2024-01-01,牛奶,SH-01,3\n"
    bad = http.post("/replenishment/backtests", content=text.encode("gb18030"), headers=CSV)
    assert bad.status_code == 422, bad.text
    problem = bad.json()
    assert problem["code"] == "field.invalid" and "qty" in problem["detail"]

    negative = "date,item,site,qty\n2024-01-01,A,SH-01,3\n2024-01-02,A,SH-01,-1\n"
    bad = http.post("/replenishment/backtests", content=negative.encode(), headers=CSV)
    assert bad.status_code == 422 and "row 3, column qty" in bad.json()["detail"]

    settings = http.post("/replenishment/backtests", content=negative.encode(), headers=CSV,
                         params={"targets": "A=2"})
    assert settings.status_code == 422 and settings.json()["field"] == "targets"


def test_a_clerk_may_not_backtest(as_role: Callable[..., httpx.Client]) -> None:
    clerk = as_role(roles=("store_clerk",))
    assert clerk.get("/replenishment/backtests/sample.csv").status_code == 403
    refused = clerk.post("/replenishment/backtests", content=b"date,item,site,qty\n", headers=CSV)
    assert refused.status_code == 403, refused.text
