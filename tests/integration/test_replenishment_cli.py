"""``jxc replenish``: offers, a run, suggestions with reasons, approval into a draft order, from the command line."""

from __future__ import annotations

from datetime import UTC, datetime

from jxc.bootstrap import App
from jxc.catalog import services as catalog
from tests.conftest import ref
from tests.factories import item, network
from tests.integration.test_documents_cli import as_json, jxc, local, user  # noqa: F401  (fixture)
from tests.integration.test_replenishment_loop import history, ingest


def test_a_buyer_plans_and_approves_from_the_command_line(local: tuple[str, App]) -> None:  # noqa: F811
    url, app = local
    net = network(app)
    sku = item(app)
    supplier = ref("SUP")
    with app.uow() as uow:
        catalog.register_supplier(uow, code=supplier, name="华东乳业")
        uow.commit()
    ingest(app, history(net.store, sku, days=35, end=datetime.now(UTC).replace(minute=0, second=0, microsecond=0),
                        per_day=25))
    clerk = user(app, "store_clerk", organisations=[net.org])

    jxc(url, "replenish", "offer", supplier, sku, "--price", "6.00", "--lead-days", "3", "--pack", "12")
    jxc(url, "--as", clerk, "replenish", "run", code=5)  # a clerk does not plan purchases
    run = as_json(url, "replenish", "run", "--sku", sku)
    assert (run["series"], run["suggestions"]) == (1, 1)
    [suggestion] = [s for s in as_json(url, "replenish", "list") if s["sku"] == sku]
    assert suggestion["supplier"] == supplier and "below_reorder_point" in suggestion["reasons"]
    assert float(suggestion["reorder_point"]) > float(suggestion["safety_stock"]) >= 0
    out = jxc(url, "replenish", "approve", suggestion["id"], "--qty", f"{suggestion['id']}=120")
    assert "PO-" in out
    [approved] = [s for s in as_json(url, "replenish", "list", "--status", "approved") if s["sku"] == sku]
    assert approved["quantity"] == "120" and approved["purchase_order"] in out
    jxc(url, "replenish", "approve", suggestion["id"], code=4)  # already approved: a conflict
