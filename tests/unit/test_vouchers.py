"""Vouchers from valued events: the default chart and mapping, overrides, validation, periods."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jxc.accounting.chart import (
    TEMPLATE_KEYS,
    AccountMapping,
    default_chart,
    default_mapping,
    load_chart,
    load_mapping,
)
from jxc.accounting.periods import Period, PeriodBook
from jxc.accounting.vouchers import (
    Amounts,
    ValuedEvent,
    Voucher,
    VoucherLine,
    inventory_delta,
    number_vouchers,
    transfer_price,
    voucher_for_document,
    voucher_number,
    vouchers_for,
)
from jxc.kernel.errors import Conflict, InvalidInput, JxcError
from jxc.kernel.messages import MESSAGES, bilingual

D = Decimal
DAY = date(2026, 12, 5)
INVENTORY_ACCOUNTS = frozenset({"1402", "1405", "1406"})


def ref(prefix: str) -> str:
    return f"{prefix}-2026-{uuid.uuid4().int % 1_000_000:06d}"


def event(kind: str, *, variant: str | None = None, **fields: Any) -> ValuedEvent:
    """A valued event with every dimension filled in; amounts as text keyword arguments."""
    amounts = {
        name: D(str(fields.pop(name)))
        for name in ("cost", "net", "vat", "expensed", "freight")
        if name in fields
    }
    values: dict[str, Any] = {
        "organisation": "ORG-A",
        "date": DAY,
        "document_ref": ref("DOC"),
        "partner": "SUP-1",
        "item": "SKU-1",
        "site": "WH-1",
    }
    values.update(fields)
    return ValuedEvent(kind=kind, variant=variant, amounts=Amounts(**amounts), **values)


def entries(voucher: Voucher) -> list[tuple[str, str, Decimal]]:
    """(account, "Dr"/"Cr", amount) per line, in order."""
    return [
        (line.account.code, "Dr" if line.side == "debit" else "Cr", line.amount) for line in voucher.lines
    ]


def build(kind: str, **fields: Any) -> Voucher:
    return vouchers_for(event(kind, **fields), mapping=default_mapping())


def default_text() -> str:
    return resources.files("jxc.accounting").joinpath("accounts.toml").read_text(encoding="utf-8")


# --- the default chart ------------------------------------------------------------------------------------


def test_the_default_chart_has_the_accounts_of_the_standard_with_their_normal_sides() -> None:
    chart = default_chart()
    expected = {
        "1122": ("应收账款", "debit"),
        "1221": ("其他应收款", "debit"),
        "1402": ("在途物资", "debit"),
        "1403": ("原材料", "debit"),
        "1405": ("库存商品", "debit"),
        "1406": ("发出商品", "debit"),
        "1901": ("待处理财产损溢", "debit"),
        "2202": ("应付账款", "credit"),
        "2241": ("其他应付款", "credit"),
        "22210101": ("应交税费—应交增值税—进项税额", "debit"),
        "22210102": ("应交税费—应交增值税—销项税额", "credit"),
        "6001": ("主营业务收入", "credit"),
        "6051": ("其他业务收入", "credit"),
        "6401": ("主营业务成本", "debit"),
        "6402": ("其他业务成本", "debit"),
        "6602": ("管理费用", "debit"),
        "6711": ("营业外支出", "debit"),
    }
    for code, (name, side) in expected.items():
        assert (chart[code].name_zh, chart[code].normal_side) == (name, side), code
    assert not chart.is_leaf("2221") and not chart.is_leaf("222101") and chart.is_leaf("22210101")


def test_the_default_mapping_has_a_template_for_every_event_kind_and_variant() -> None:
    assert set(default_mapping().templates) == TEMPLATE_KEYS


def test_a_chart_loads_from_a_file_path_as_well_as_from_text(tmp_path: Path) -> None:
    file = tmp_path / "accounts.toml"
    file.write_text(default_text(), encoding="utf-8")
    assert [a.code for a in load_chart(file)] == [a.code for a in default_chart()]
    assert set(load_mapping(file).templates) == TEMPLATE_KEYS


@pytest.mark.parametrize(
    ("toml", "field"),
    [
        (
            '[accounts.1405]\nname_zh = "库存商品"\nname_en = "Inv"\nkind = "assets"\nnormal_side = "debit"',
            "accounts.1405.kind",
        ),
        (
            '[accounts.1405]\nname_zh = "库存商品"\nname_en = "Inv"\nkind = "asset"',
            "accounts.1405.normal_side",
        ),
        (
            '[accounts.1405]\nname_zh = "x"\nname_en = "x"\nkind = "asset"\nnormal_side = "debit"\nrgb = 1',
            "accounts.1405.rgb",
        ),
        (
            '[accounts.140]\nname_zh = "x"\nname_en = "x"\nkind = "asset"\nnormal_side = "debit"',
            "accounts.140",
        ),
        (
            '[accounts.140501]\nname_zh = "x"\nname_en = "x"\nkind = "asset"\nnormal_side = "debit"',
            "accounts.140501",
        ),
        (
            '[accounts.2202]\nname_zh = "x"\nname_en = "x"\nkind = "asset"\nnormal_side = "debit"',
            "accounts.2202.kind",
        ),
        (
            '[accounts.1405]\nname_zh = "x"\nname_en = "x"\nkind = "asset"\nnormal_side = "debit"\n'
            'dims = ["x"]',
            "accounts.1405.dims[0]",
        ),
        ("[ledger]\nx = 1", "ledger"),
    ],
)
def test_an_invalid_chart_is_refused_naming_the_key(toml: str, field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        load_chart(toml)
    assert (info.value.code, info.value.field) == ("chart.invalid", field)


def test_a_missing_chart_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as info:
        load_chart(tmp_path / "nope.toml")
    assert info.value.code == "chart.invalid" and "nope.toml" in str(info.value.params["value"])


# --- each event kind, by hand (VAT 13 %) -----------------------------------------------------------------


def test_a_purchase_receipt_debits_stock_and_input_vat_and_credits_the_supplier() -> None:
    voucher = build("purchase_receipt", cost="1000.00", vat="130.00", document_ref="PO-2026-000123")
    assert entries(voucher) == [
        ("1405", "Dr", D("1000.00")),
        ("22210101", "Dr", D("130.00")),
        ("2202", "Cr", D("1130.00")),
    ]
    stock, _, payable = voucher.lines
    assert (stock.item, stock.site, stock.partner) == ("SKU-1", "WH-1", None)
    assert (payable.partner, payable.item, payable.site) == ("SUP-1", None, None)
    assert stock.summary_zh == "采购入库 PO-2026-000123"
    assert stock.summary_en == "Purchase receipt PO-2026-000123"
    assert voucher.total_debit == voucher.total_credit == D("1130.00")


def test_goods_invoiced_before_arrival_go_through_goods_in_transit() -> None:
    invoiced = build("purchase_receipt", variant="into_transit", cost="1000.00", vat="130.00")
    assert entries(invoiced) == [
        ("1402", "Dr", D("1000.00")),
        ("22210101", "Dr", D("130.00")),
        ("2202", "Cr", D("1130.00")),
    ]
    arrived = build("transit_arrival", cost="1000.00")
    assert entries(arrived) == [("1405", "Dr", D("1000.00")), ("1402", "Cr", D("1000.00"))]


def test_a_purchase_without_vat_drops_the_zero_vat_line() -> None:
    assert entries(build("purchase_receipt", cost="500.00")) == [
        ("1405", "Dr", D("500.00")),
        ("2202", "Cr", D("500.00")),
    ]


def test_a_purchase_return_reverses_the_receipt_at_the_returned_cost() -> None:
    voucher = build("purchase_return", cost="200.00", vat="26.00")
    assert entries(voucher) == [
        ("2202", "Dr", D("226.00")),
        ("1405", "Cr", D("200.00")),
        ("22210101", "Cr", D("26.00")),
    ]


def test_landed_cost_is_capitalised_on_stock_and_expensed_on_goods_already_sold() -> None:
    voucher = build("landed_cost", cost="80.00", expensed="20.00", vat="9.00", partner="CARRIER-1")
    assert entries(voucher) == [
        ("1405", "Dr", D("80.00")),
        ("6401", "Dr", D("20.00")),
        ("22210101", "Dr", D("9.00")),
        ("2202", "Cr", D("109.00")),
    ]
    assert voucher.lines[-1].partner == "CARRIER-1"
    other = build("landed_cost", variant="other_payable", cost="80.00", partner="CUSTOMS-BROKER")
    assert entries(other) == [("1405", "Dr", D("80.00")), ("2241", "Cr", D("80.00"))]


def test_a_sale_books_revenue_output_vat_and_cost_of_sales() -> None:
    voucher = build("sale_shipment", net="1000.00", vat="130.00", cost="600.00", partner="CUST-1")
    assert entries(voucher) == [
        ("1122", "Dr", D("1130.00")),
        ("6001", "Cr", D("1000.00")),
        ("22210102", "Cr", D("130.00")),
        ("6401", "Dr", D("600.00")),
        ("1405", "Cr", D("600.00")),
    ]
    assert voucher.lines[0].partner == "CUST-1"
    assert voucher.lines[1].item == "SKU-1" and voucher.lines[4].site == "WH-1"


def test_a_sale_recognised_later_parks_the_cost_in_goods_shipped() -> None:
    shipped = build("sale_shipment", variant="deferred", cost="600.00", partner="CUST-1")
    assert entries(shipped) == [("1406", "Dr", D("600.00")), ("1405", "Cr", D("600.00"))]
    assert shipped.lines[0].partner == "CUST-1"
    recognised = build("revenue_recognition", net="1000.00", vat="130.00", cost="600.00", partner="CUST-1")
    assert entries(recognised) == [
        ("1122", "Dr", D("1130.00")),
        ("6001", "Cr", D("1000.00")),
        ("22210102", "Cr", D("130.00")),
        ("6401", "Dr", D("600.00")),
        ("1406", "Cr", D("600.00")),
    ]


def test_a_sales_return_reverses_revenue_and_cost_at_the_original_issue_cost() -> None:
    voucher = build("sales_return", net="100.00", vat="13.00", cost="61.37", partner="CUST-1")
    assert entries(voucher) == [
        ("6001", "Dr", D("100.00")),
        ("22210102", "Dr", D("13.00")),
        ("1122", "Cr", D("113.00")),
        ("1405", "Dr", D("61.37")),
        ("6401", "Cr", D("61.37")),
    ]


def test_an_internal_transfer_moves_stock_between_sites_without_revenue() -> None:
    voucher = build("transfer_internal", cost="450.00", site="WH-1", to_site="STORE-9")
    assert entries(voucher) == [("1405", "Dr", D("450.00")), ("1405", "Cr", D("450.00"))]
    assert [line.site for line in voucher.lines] == ["STORE-9", "WH-1"]


def test_an_internal_transfer_to_the_same_site_is_refused() -> None:
    with pytest.raises(InvalidInput) as info:
        event("transfer_internal", cost="1.00", site="WH-1", to_site="WH-1")
    assert info.value.field == "to_site"


def test_an_intercompany_sale_books_a_receivable_from_the_buying_entity() -> None:
    voucher = build(
        "intercompany_sale", net="1100.00", vat="143.00", cost="1000.00", counter_organisation="ORG-B"
    )
    assert entries(voucher) == [
        ("1122", "Dr", D("1243.00")),
        ("6001", "Cr", D("1100.00")),
        ("22210102", "Cr", D("143.00")),
        ("6401", "Dr", D("1000.00")),
        ("1405", "Cr", D("1000.00")),
    ]
    assert voucher.lines[0].partner == "ORG-B"


def test_an_intercompany_purchase_puts_goods_in_transit_at_transfer_price_plus_freight() -> None:
    voucher = build(
        "intercompany_purchase",
        net="1100.00",
        vat="143.00",
        freight="50.00",
        organisation="ORG-B",
        counter_organisation="ORG-A",
        partner="CARRIER-1",
    )
    assert entries(voucher) == [
        ("1402", "Dr", D("1150.00")),
        ("22210101", "Dr", D("143.00")),
        ("2202", "Cr", D("1243.00")),
        ("2202", "Cr", D("50.00")),
    ]
    assert [line.partner for line in voucher.lines[2:]] == ["ORG-A", "CARRIER-1"]


def test_an_intercompany_transfer_needs_two_organisations() -> None:
    with pytest.raises(InvalidInput) as info:
        event("intercompany_sale", net="1.00", cost="1.00", counter_organisation="ORG-A")
    assert info.value.field == "counter_organisation"
    with pytest.raises(InvalidInput) as missing:
        build("intercompany_sale", net="1.00", cost="1.00")
    assert (missing.value.code, missing.value.field) == ("field.required", "counter_organisation")


@pytest.mark.parametrize(
    ("variant", "credited"), [(None, "1402"), ("inventory", "1405"), ("shipped", "1406")]
)
def test_a_transit_loss_moves_the_goods_to_pending_losses_from_where_they_were(
    variant: str | None, credited: str
) -> None:
    voucher = build("transit_loss", variant=variant, cost="75.50", partner="CUST-1")
    assert entries(voucher) == [("1901", "Dr", D("75.50")), (credited, "Cr", D("75.50"))]


@pytest.mark.parametrize(
    ("variant", "debited", "partner"),
    [
        ("sender", "1221", "SUP-9"),
        ("carrier", "1221", "SUP-9"),
        ("receiver", "6602", None),
        ("force_majeure", "6711", None),
    ],
)
def test_a_loss_is_charged_to_whoever_bears_it(variant: str, debited: str, partner: str | None) -> None:
    voucher = build("loss_charge", variant=variant, cost="75.50", responsible_party="SUP-9")
    assert entries(voucher) == [(debited, "Dr", D("75.50")), ("1901", "Cr", D("75.50"))]
    assert voucher.lines[0].partner == partner


def test_a_loss_charge_needs_to_know_who_bears_it() -> None:
    with pytest.raises(InvalidInput) as info:
        event("loss_charge", cost="1.00")
    assert info.value.code == "mapping.unknown_event"
    with pytest.raises(InvalidInput) as missing:
        build("loss_charge", variant="carrier", cost="1.00")
    assert (missing.value.code, missing.value.field) == ("field.required", "responsible_party")


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("stocktake_gain", [("1405", "Dr"), ("1901", "Cr")]),
        ("stocktake_loss", [("1901", "Dr"), ("1405", "Cr")]),
        ("scrap", [("1901", "Dr"), ("1405", "Cr")]),
        ("gain_clear", [("1901", "Dr"), ("6602", "Cr")]),
        ("opening_balance", [("1405", "Dr"), ("4999", "Cr")]),
    ],
)
def test_stocktake_scrap_and_opening_stock_use_pending_losses_or_opening_clearing(
    kind: str, expected: list[tuple[str, str]]
) -> None:
    voucher = build(kind, cost="12.34")
    assert entries(voucher) == [(code, side, D("12.34")) for code, side in expected]


def test_a_line_without_a_dimension_its_account_requires_is_refused() -> None:
    with pytest.raises(InvalidInput) as info:
        build("purchase_receipt", cost="1.00", partner=None)
    assert (info.value.code, info.value.field) == ("field.required", "partner")


def test_quantities_ride_on_item_accounts_only() -> None:
    voucher = build("purchase_receipt", cost="100.00", vat="13.00", quantity=D("8"))
    assert [line.quantity for line in voucher.lines] == [D("8"), None, None]


def test_lines_of_one_document_merge_into_one_voucher() -> None:
    doc = ref("ST")
    events = [
        event("stocktake_loss", cost="10.00", document_ref=doc, item="SKU-1", quantity=D("1")),
        event("stocktake_loss", cost="5.00", document_ref=doc, item="SKU-1", quantity=D("2")),
        event("stocktake_loss", cost="7.00", document_ref=doc, item="SKU-2"),
    ]
    voucher = voucher_for_document(events, mapping=default_mapping())
    assert [(line.account.code, line.item, line.amount, line.quantity) for line in voucher.lines] == [
        ("1901", "SKU-1", D("15.00"), D("3")),
        ("1405", "SKU-1", D("15.00"), D("3")),
        ("1901", "SKU-2", D("7.00"), None),
        ("1405", "SKU-2", D("7.00"), None),
    ]
    with pytest.raises(InvalidInput) as info:
        voucher_for_document(
            [*events, event("scrap", cost="1.00", document_ref=doc)], mapping=default_mapping()
        )
    assert (info.value.code, info.value.field) == ("voucher.mixed_events", "events[3]")


# --- amounts and voucher validation ------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [0.1, D("0.001"), D("-1.00"), D("NaN"), 1])
def test_amounts_are_non_negative_decimals_to_the_fen(bad: object) -> None:
    with pytest.raises(InvalidInput) as info:
        Amounts(cost=bad)  # type: ignore[arg-type]
    assert (info.value.code, info.value.field) == ("voucher.amount_invalid", "amounts.cost")


def test_amounts_are_held_to_the_fen() -> None:
    assert str(Amounts(cost=D("5")).cost) == "5.00"


def test_only_cny_is_accepted() -> None:
    with pytest.raises(InvalidInput) as info:
        event("scrap", cost="1.00", currency="USD")
    assert info.value.code == "voucher.currency"


def test_an_unknown_event_kind_is_refused() -> None:
    with pytest.raises(InvalidInput) as info:
        event("teleport", cost="1.00")
    assert (info.value.code, info.value.params["value"]) == ("mapping.unknown_event", "teleport")


def test_a_mapping_without_the_template_refuses_the_event() -> None:
    mini = load_mapping(MINI)
    with pytest.raises(InvalidInput) as info:
        vouchers_for(event("scrap", cost="1.00"), mapping=mini)
    assert (info.value.code, info.value.params["value"]) == ("mapping.unknown_event", "scrap")


def line(code: str, *, debit: str = "0", credit: str = "0") -> VoucherLine:
    return VoucherLine(account=default_chart()[code], debit=D(debit), credit=D(credit))


def test_an_unbalanced_voucher_cannot_be_built() -> None:
    with pytest.raises(InvalidInput) as info:
        Voucher(
            organisation="ORG-A",
            date=DAY,
            document_ref="X-1",
            lines=(line("1405", debit="100.00"), line("2202", credit="99.99")),
        )
    assert info.value.code == "voucher.unbalanced"
    assert (info.value.params["debit"], info.value.params["credit"]) == (D("100.00"), D("99.99"))


def test_a_voucher_needs_two_lines() -> None:
    with pytest.raises(InvalidInput) as info:
        Voucher(organisation="ORG-A", date=DAY, document_ref="X-1", lines=(line("1405", debit="1.00"),))
    assert info.value.code == "voucher.too_few_lines"


@pytest.mark.parametrize(("debit", "credit"), [("0", "0"), ("1.00", "1.00")])
def test_a_line_has_exactly_one_positive_side(debit: str, credit: str) -> None:
    with pytest.raises(InvalidInput) as info:
        line("1405", debit=debit, credit=credit)
    assert info.value.code == "voucher.line_sides"


def test_an_event_with_nothing_to_book_is_refused_rather_than_booked_empty() -> None:
    with pytest.raises(InvalidInput) as info:
        build("purchase_receipt")
    assert info.value.code == "voucher.too_few_lines"


# --- mapping overrides and mapping validation --------------------------------------------------------------

OVERRIDES = """
[accounts.1411]
name_zh = "周转材料"
name_en = "Revolving materials"
kind = "asset"
normal_side = "debit"
dims = ["item", "site"]

[accounts.1421]
name_zh = "测试存货"
name_en = "Test inventory"
kind = "asset"
normal_side = "debit"
dims = ["item", "site"]

[overrides.category.RAW]
inventory = "1403"

[overrides.org.ORG-A]
inventory = "1411"
revenue = "6051"

[overrides.org.ORG-A.category.RAW]
inventory = "1421"
"""


@pytest.mark.parametrize(
    ("org", "category", "expected"),
    [
        ("ORG-A", "RAW", "1421"),
        ("ORG-A", "FG", "1411"),
        ("ORG-A", None, "1411"),
        ("ORG-B", "RAW", "1403"),
        ("ORG-B", "FG", "1405"),
        (None, None, "1405"),
    ],
)
def test_the_most_specific_override_wins(org: str | None, category: str | None, expected: str) -> None:
    mapping = load_mapping(default_text() + OVERRIDES)
    assert mapping.account_for("inventory", organisation=org, category=category).code == expected


def test_overrides_resolve_role_by_role() -> None:
    mapping = load_mapping(default_text() + OVERRIDES)
    # org+category names only inventory, so revenue falls through to the organisation's override
    assert mapping.account_for("revenue", organisation="ORG-A", category="RAW").code == "6051"
    assert mapping.account_for("revenue", organisation="ORG-B", category="RAW").code == "6001"
    voucher = vouchers_for(
        event("sale_shipment", net="10.00", cost="6.00", category="RAW", partner="CUST-1"), mapping=mapping
    )
    assert entries(voucher) == [
        ("1122", "Dr", D("10.00")),
        ("6051", "Cr", D("10.00")),
        ("6401", "Dr", D("6.00")),
        ("1421", "Cr", D("6.00")),
    ]


MINI = """
[accounts.1405]
name_zh = "库存商品"
name_en = "Inventory"
kind = "asset"
normal_side = "debit"
dims = ["item", "site"]
[accounts.2202]
name_zh = "应付账款"
name_en = "Payables"
kind = "liability"
normal_side = "credit"
dims = ["partner"]
[accounts.2221]
name_zh = "应交税费"
name_en = "Taxes"
kind = "liability"
normal_side = "credit"
[accounts.222101]
name_zh = "应交增值税"
name_en = "VAT"
kind = "liability"
normal_side = "credit"
[accounts.22210101]
name_zh = "进项税额"
name_en = "Input VAT"
kind = "liability"
normal_side = "debit"
[roles]
inventory = "1405"
payable = "2202"
input_vat = "22210101"
[templates.purchase_receipt]
summary_zh = "采购入库"
summary_en = "Purchase receipt"
lines = [
  { side = "debit", role = "inventory", amount = "cost" },
  { side = "debit", role = "input_vat", amount = "vat" },
  { side = "credit", role = "payable", amount = "cost+vat" },
]
"""


def test_a_small_mapping_of_its_own_loads() -> None:
    mapping = load_mapping(MINI)
    assert isinstance(mapping, AccountMapping)
    assert entries(vouchers_for(event("purchase_receipt", cost="1.00", vat="0.13"), mapping=mapping))[-1] == (
        "2202",
        "Cr",
        D("1.13"),
    )


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        (('amount = "cost+vat" }', 'amount = "cost" }'), "mapping.unbalanced", "templates.purchase_receipt"),
        (
            ('{ side = "debit", role = "inventory"', '{ side = "credit", role = "inventory"'),
            "mapping.unbalanced",
            "templates.purchase_receipt",
        ),
        (('payable = "2202"', 'payable = "2241"'), "mapping.unknown_account", "roles.payable"),
        (('input_vat = "22210101"', 'input_vat = "2221"'), "mapping.not_postable", "roles.input_vat"),
        (
            ('role = "payable"', 'role = "payables"'),
            "mapping.unknown_role",
            "templates.purchase_receipt.lines[2].role",
        ),
        (
            ('amount = "cost+vat"', 'amount = "cost+tax"'),
            "mapping.invalid",
            "templates.purchase_receipt.lines[2].amount",
        ),
        (
            ("[templates.purchase_receipt]", "[templates.teleport]"),
            "mapping.unknown_event",
            "templates.teleport",
        ),
        (
            ('side = "debit", role = "input_vat"', 'side = "debet", role = "input_vat"'),
            "mapping.invalid",
            "templates.purchase_receipt.lines[1].side",
        ),
    ],
)
def test_a_broken_mapping_is_refused_on_load_naming_the_key(
    change: tuple[str, str], code: str, field: str
) -> None:
    old, new = change
    assert old in MINI
    with pytest.raises(InvalidInput) as info:
        load_mapping(MINI.replace(old, new, 1))
    assert (info.value.code, info.value.field) == (code, field)


def test_a_template_that_books_stock_the_wrong_way_is_refused() -> None:
    # balances, but would credit stock on a receipt: the GL would drift from the valuation
    swapped = MINI.replace(
        '{ side = "debit", role = "inventory"', '{ side = "debit", role = "payable"'
    ).replace('{ side = "credit", role = "payable"', '{ side = "credit", role = "inventory"')
    with pytest.raises(InvalidInput) as info:
        load_mapping(swapped)
    assert info.value.code == "mapping.inventory_mismatch"


def test_an_override_of_an_unknown_role_is_refused() -> None:
    with pytest.raises(InvalidInput) as info:
        load_mapping(MINI + '\n[overrides.org.ORG-A]\ninventry = "1405"\n')
    assert (info.value.code, info.value.field) == ("mapping.unknown_role", "overrides.org.ORG-A.inventry")


# --- numbers and transfer prices ---------------------------------------------------------------------------


def test_voucher_numbers_read_word_period_and_four_digit_sequence() -> None:
    assert voucher_number("ORG-A", period="2026-12", seq=1) == "记-2026-12-0001"
    assert voucher_number("ORG-A", period="2026-01", seq=12345, word="转") == "转-2026-01-12345"


@pytest.mark.parametrize(("period", "seq"), [("2026-13", 1), ("2026-1", 1), ("2026-12", 0)])
def test_bad_voucher_number_parts_are_refused(period: str, seq: int) -> None:
    with pytest.raises(InvalidInput):
        voucher_number("ORG-A", period=period, seq=seq)


def test_vouchers_are_numbered_per_organisation_period_and_word() -> None:
    vouchers = [
        build("scrap", cost="1.00", date=date(2026, 12, 1)),
        build("scrap", cost="1.00", date=date(2026, 12, 2), organisation="ORG-B"),
        build("scrap", cost="1.00", date=date(2026, 12, 3)),
        build("scrap", cost="1.00", date=date(2027, 1, 1)),
    ]
    numbered = number_vouchers(vouchers, next_seq={("ORG-A", "2026-12", "记"): 7})
    assert [v.number for v in numbered] == [
        "记-2026-12-0007",
        "记-2026-12-0001",
        "记-2026-12-0008",
        "记-2027-01-0001",
    ]
    assert vouchers[0].number is None


@pytest.mark.parametrize(
    ("cost", "markup", "price"),
    [("100.00", "5", "105.00"), ("33.33", "7.5", "35.83"), ("0.10", "5", "0.11"), ("80.00", "0", "80.00")],
)
def test_cost_plus_transfer_prices_round_half_up_to_the_fen(cost: str, markup: str, price: str) -> None:
    assert transfer_price(D(cost), rule="cost_plus", markup_pct=D(markup)) == D(price)


def test_a_list_transfer_price_is_the_list_price() -> None:
    assert transfer_price(D("80.00"), rule="list", list_price=D("120.00")) == D("120.00")
    with pytest.raises(InvalidInput):
        transfer_price(D("80.00"), rule="list")
    with pytest.raises(InvalidInput):
        transfer_price(D("80.00"), rule="cost_plus", markup_pct=D("-1"))
    with pytest.raises(InvalidInput):
        transfer_price(D("80.00"), rule="market")  # type: ignore[arg-type]


# --- periods ----------------------------------------------------------------------------------------------


def test_a_closed_period_refuses_postings_naming_the_period() -> None:
    book = PeriodBook().close(Period("ORG-A", 2026, 11), actor="finance")
    with pytest.raises(Conflict) as info:
        book.check_open("ORG-A", date(2026, 11, 30))
    assert (info.value.code, info.value.params["value"], info.value.params["org"]) == (
        "period.closed",
        "2026-11",
        "ORG-A",
    )
    book.check_open("ORG-A", date(2026, 12, 1))
    book.check_open("ORG-B", date(2026, 11, 30))  # each organisation has its own books


def test_the_first_close_closes_everything_before_it() -> None:
    book = PeriodBook().close(Period("ORG-A", 2026, 3), actor="finance")
    with pytest.raises(Conflict):
        book.check_open("ORG-A", date(2025, 7, 14))


def test_periods_close_in_order_and_closing_twice_changes_nothing() -> None:
    book = PeriodBook().close(Period("ORG-A", 2026, 11), actor="finance")
    with pytest.raises(Conflict) as info:
        book.close(Period("ORG-A", 2027, 1), actor="finance")
    assert (info.value.code, info.value.params["expected"]) == ("period.out_of_order", "2026-12")
    assert book.close(Period("ORG-A", 2026, 10), actor="finance") is book
    later = book.close(Period("ORG-A", 2026, 12), actor="finance").close(
        Period("ORG-A", 2027, 1), actor="finance"
    )
    assert later.latest_closed("ORG-A") == Period("ORG-A", 2027, 1)


def test_reopening_needs_a_reason_and_reopens_every_later_period() -> None:
    book = PeriodBook()
    for month in (10, 11, 12):
        book = book.close(Period("ORG-A", 2026, month), actor="finance")
    with pytest.raises(InvalidInput) as info:
        book.reopen(Period("ORG-A", 2026, 11), reason=" ", actor="cfo")
    assert info.value.code == "period.reason_required"
    at = datetime(2027, 1, 3, tzinfo=UTC)
    reopened = book.reopen(Period("ORG-A", 2026, 11), reason="late supplier invoice", actor="cfo", at=at)
    reopened.check_open("ORG-A", date(2026, 11, 15))
    reopened.check_open("ORG-A", date(2026, 12, 15))
    with pytest.raises(Conflict):
        reopened.check_open("ORG-A", date(2026, 10, 15))
    last = reopened.history[-1]
    assert (last.action, last.period.label, last.reason, last.actor, last.at) == (
        "reopen",
        "2026-11",
        "late supplier invoice",
        "cfo",
        at,
    )
    with pytest.raises(Conflict) as again:
        reopened.reopen(Period("ORG-A", 2026, 12), reason="x", actor="cfo")
    assert again.value.code == "period.not_closed"


def test_periods_step_across_year_ends_and_parse_from_labels() -> None:
    assert Period("O", 2026, 12).next() == Period("O", 2027, 1)
    assert Period("O", 2027, 1).previous() == Period("O", 2026, 12)
    assert Period.parse("O", "2026-07").label == "2026-07"
    with pytest.raises(InvalidInput):
        Period("O", 2026, 13)
    with pytest.raises(InvalidInput):
        Period.parse("O", "2026/07")


# --- bilingual texts --------------------------------------------------------------------------------------


def test_every_accounting_error_code_has_both_languages() -> None:
    codes = [
        "voucher.unbalanced",
        "voucher.too_few_lines",
        "voucher.line_sides",
        "voucher.amount_invalid",
        "voucher.currency",
        "voucher.mixed_events",
        "voucher.unnumbered",
        "export.amount_too_large",
        "period.closed",
        "period.invalid",
        "period.out_of_order",
        "period.not_closed",
        "period.reason_required",
        "chart.invalid",
        "mapping.invalid",
        "mapping.unknown_account",
        "mapping.not_postable",
        "mapping.unknown_event",
        "mapping.unknown_role",
        "mapping.unbalanced",
        "mapping.inventory_mismatch",
    ]
    for code in codes:
        zh, en = MESSAGES[code]
        assert zh and en, code


# --- properties -------------------------------------------------------------------------------------------

fen = st.integers(min_value=0, max_value=10**9).map(lambda n: D(n).scaleb(-2))
positive_fen = st.integers(min_value=1, max_value=10**9).map(lambda n: D(n).scaleb(-2))


@st.composite
def valued_events(draw: st.DrawFn) -> ValuedEvent:
    kind, _, variant = draw(st.sampled_from(sorted(TEMPLATE_KEYS))).partition(".")
    amounts = Amounts(
        cost=draw(positive_fen), net=draw(positive_fen), vat=draw(fen), expensed=draw(fen), freight=draw(fen)
    )
    return ValuedEvent(
        kind=kind,
        variant=variant or None,
        organisation="ORG-A",
        date=DAY,
        document_ref="DOC-1",
        amounts=amounts,
        partner="P-1",
        item=draw(st.sampled_from(["SKU-1", "SKU-2"])),
        category=draw(st.sampled_from([None, "RAW", "FG"])),
        site="WH-1",
        to_site="WH-2",
        counter_organisation="ORG-B",
        responsible_party="CARRIER-1",
    )


@settings(max_examples=300, deadline=None)
@given(valued_events())
def test_every_voucher_balances_and_moves_inventory_by_the_stated_delta(ev: ValuedEvent) -> None:
    voucher = vouchers_for(ev, mapping=default_mapping())
    assert voucher.total_debit == voucher.total_credit
    assert all((line.debit > 0) != (line.credit > 0) for line in voucher.lines)
    moved = sum(
        (line.debit - line.credit for line in voucher.lines if line.account.code in INVENTORY_ACCOUNTS), D(0)
    )
    assert moved == inventory_delta(ev)


def buyer_event(**amounts: Any) -> ValuedEvent:
    return event(
        "intercompany_purchase",
        organisation="ORG-B",
        counter_organisation="ORG-A",
        partner="CARRIER-1",
        **amounts,
    )


@settings(max_examples=200, deadline=None)
@given(
    cost=positive_fen,
    markup=st.integers(min_value=0, max_value=200),
    freight=fen,
    vat_rate=st.sampled_from(["0.13", "0.09", "0"]),
)
def test_the_sellers_receivable_equals_the_buyers_payable_for_one_transfer(
    cost: Decimal, markup: int, freight: Decimal, vat_rate: str
) -> None:
    net = transfer_price(cost, rule="cost_plus", markup_pct=D(markup))
    vat = (net * D(vat_rate)).quantize(D("0.01"))
    seller = build(
        "intercompany_sale", organisation="ORG-A", counter_organisation="ORG-B", net=net, vat=vat, cost=cost
    )
    buyer = vouchers_for(buyer_event(net=net, vat=vat, freight=freight), mapping=default_mapping())
    receivable = [line for line in seller.lines if line.account.code == "1122"]
    payable = [line for line in buyer.lines if line.account.code == "2202" and line.partner == "ORG-A"]
    assert [(line.debit, line.partner) for line in receivable] == [(net + vat, "ORG-B")]
    assert [line.credit for line in payable] == [receivable[0].debit]
    # the buyer's goods are worth what it pays the seller net of VAT, plus the freight it bears
    assert inventory_delta(buyer_event(net=net, freight=freight)) == net + freight


def test_a_closed_period_error_renders_in_both_languages() -> None:
    with pytest.raises(JxcError) as info:
        PeriodBook().close(Period("ORG-A", 2026, 11), actor="f").check_open("ORG-A", date(2026, 11, 2))
    text = bilingual(info.value)
    assert "2026-11" in text["zh-CN"] and "ORG-A" in text["zh-CN"]
    assert (
        text["en"] == "the accounting period 2026-11 of ORG-A is closed: nothing can be posted on 2026-11-02"
    )
