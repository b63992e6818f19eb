"""Sales events from CSV and Excel, on SQLite and PostgreSQL: all or nothing, valid rows only, each sale counted once."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlalchemy import func, select

from jxc.bootstrap import App
from jxc.catalog import services as catalog
from jxc.org import services as org
from jxc.sheets import ImportMode
from jxc.signals import services as signals
from jxc.signals import tables as t
from jxc.signals.sheets import (
    SALES_EVENTS,
    SalesImportReport,
    import_sales,
    parse_moment,
    read_sales,
    sales_csv_template,
    sales_template,
)
from tests.conftest import ref
from tests.factories import item, network

HEADINGS = ["event_id", "occurred_at", "channel", "site", "sku", "quantity", "unit_price", "promotion"]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def row(site: str, sku: str, at: str, *, qty: str = "2", price: str = "3.50", promo: str = "",
        channel: str = "", event_id: str | None = None) -> list[Any]:
    return [event_id or ref("EV"), at, channel, site, sku, qty, price, promo]


def as_csv(rows: Sequence[Sequence[Any]], *, headings: Sequence[str] = HEADINGS, delimiter: str = ",",
           encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headings)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def as_xlsx(rows: Sequence[Sequence[Any]], *, headings: Sequence[str] = HEADINGS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(headings))
    for values in rows:
        sheet.append(list(values))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(app: App, data: bytes, **kw: Any) -> SalesImportReport:
    with app.uow() as uow:
        return import_sales(uow, data, **kw)


def history(app: App, site: str, sku: str, *, hourly: bool = False) -> list[tuple[Any, Decimal, Decimal, Decimal, int]]:
    with app.uow() as uow:
        points = signals.demand_history(uow, item_id=catalog.get_item(uow, sku).id,
                                        site_id=org.get_site(uow, site).id, hourly=hourly)
    return [(p.period, p.quantity, p.promo_quantity, p.revenue, p.events) for p in points]


def count_events(app: App) -> int:
    with app.uow() as uow:
        return int(uow.connection.execute(select(func.count()).select_from(t.sig_sales_events)).scalar_one())


def test_a_csv_file_goes_in_and_adds_up_by_the_site_local_day(app: App) -> None:
    net = network(app)
    sku = item(app)
    rows = [
        row(net.store, sku, "2025-12-31T16:30:00+00:00", qty="2", price="3.50"),  # 00:30 on New Year's Day locally
        row(net.store, sku, "2026-01-01 00:40:00", qty="1", price="3.00", promo="是"),  # naive: the site's (Shanghai) time
        row(net.store, sku, "2025-12-31 23:50", qty="4", price="3.50", channel="线上商城"),  # the day before, locally
    ]
    report = run(app, as_csv(rows))
    assert (report.accepted, report.duplicates, report.sheet.imported, report.sheet.errors) == (3, 0, 3, ())
    assert history(app, net.store, sku) == [
        (date(2025, 12, 31), Decimal(4), Decimal(0), Decimal("14.00"), 1),
        (date(2026, 1, 1), Decimal(3), Decimal(1), Decimal("10.00"), 2)]


def test_an_excel_file_reads_date_time_cells_in_the_site_time_zone_whatever_the_row_order(app: App) -> None:
    net = network(app)
    sku = item(app)
    rows = [  # deliberately not in time order: a file is sorted however its user liked
        row(net.store, sku, datetime(2025, 12, 30, 12, 15), qty="3"),  # type: ignore[arg-type]
        row(net.store, sku, datetime(2025, 12, 30, 9, 5), qty="1"),  # type: ignore[arg-type]
        row(net.store, sku, "2025/12/30 12:45", qty="2"),
    ]
    report = run(app, as_xlsx(rows))
    assert (report.accepted, report.duplicates, report.sheet.errors) == (3, 0, ())
    hours = history(app, net.store, sku, hourly=True)
    assert [(period.astimezone(SHANGHAI).hour, quantity) for period, quantity, *_ in hours] == [
        (9, Decimal(1)), (12, Decimal(5))]


def test_a_bad_row_is_reported_by_row_column_and_reason_and_nothing_is_imported(app: App) -> None:
    net = network(app)
    sku = item(app)
    before = count_events(app)
    rows = [
        row(net.store, sku, "2025-12-30T09:00:00+08:00"),
        row(net.store, "NO-SUCH-SKU", "2025-12-30T09:01:00+08:00"),
        row(net.store, sku, "2025-12-30T09:02:00+08:00", qty="-1"),
        row(net.store, sku, "yesterday at noon"),
        row("NO-SUCH-SITE", sku, "2025-12-30T09:03:00+08:00"),
        row(net.store, sku, "2030-01-01T00:00:00+08:00"),  # in the future
        row(net.store, sku, "2025-12-30T09:04:00+08:00", price="abc"),
    ]
    report = run(app, as_csv(rows))
    assert (report.accepted, report.sheet.imported, report.refused_rows) == (0, 0, 7)
    assert [(e.row, e.column_key, e.code) for e in report.sheet.errors] == [
        (3, "sku", "item.not_found"),
        (4, "quantity", "quantity.not_positive"),
        (5, "occurred_at", "field.invalid"),
        (6, "site", "site.not_found"),
        (7, "occurred_at", "field.invalid"),
        (8, "unit_price", "sheet.not_a_number"),
    ]
    unknown = report.sheet.errors[0]
    assert (unknown.column_header, unknown.value, unknown.reason_en) == (
        "物料编码 / SKU", "NO-SUCH-SKU", "unknown item NO-SUCH-SKU")
    assert "site's time" in report.sheet.errors[2].reason_en  # the reason says how to write a time
    assert count_events(app) == before and history(app, net.store, sku) == []


def test_valid_only_imports_the_good_rows_and_lists_the_rest(app: App) -> None:
    net = network(app)
    sku = item(app)
    rows = [row(net.store, sku, "2025-12-30T09:00:00+08:00", qty="2"),
            row(net.store, "NO-SUCH-SKU", "2025-12-30T09:01:00+08:00"),
            row(net.store, sku, "2025-12-30T09:02:00+08:00", qty="5")]
    report = run(app, as_xlsx(rows), mode=ImportMode.VALID_ONLY)
    assert (report.accepted, report.duplicates, report.sheet.imported, report.refused_rows) == (2, 0, 2, 1)
    assert [(e.row, e.column_key) for e in report.sheet.errors] == [(3, "sku")]
    assert [(d, q) for d, q, *_ in history(app, net.store, sku)] == [(date(2025, 12, 30), Decimal(7))]


def test_a_file_imported_twice_counts_every_sale_once(app: App) -> None:
    net = network(app)
    sku = item(app)
    repeated = ref("EV")
    rows = [row(net.store, sku, "2025-12-30T09:00:00+08:00", event_id=repeated, qty="2"),
            row(net.store, sku, "2025-12-30T09:05:00+08:00", qty="3"),
            row(net.store, sku, "2025-12-30T09:00:00+08:00", event_id=repeated, qty="2")]  # the till exported it twice
    data = as_csv(rows)
    first = run(app, data)
    assert (first.accepted, first.duplicates, first.sheet.errors) == (2, 1, ())
    again = run(app, data)
    assert (again.accepted, again.duplicates, again.sheet.errors) == (0, 3, ())
    assert [(d, q, n) for d, q, _, _, n in history(app, net.store, sku)] == [(date(2025, 12, 30), Decimal(5), 2)]


def test_an_event_id_reused_with_other_content_is_refused_on_its_row(app: App) -> None:
    net = network(app)
    sku = item(app)
    event_id = ref("EV")
    run(app, as_csv([row(net.store, sku, "2025-12-30T09:00:00+08:00", event_id=event_id, qty="2")]))
    report = run(app, as_csv([row(net.store, sku, "2025-12-30T10:00:00+08:00"),
                              row(net.store, sku, "2025-12-30T09:00:00+08:00", event_id=event_id, qty="9")]))
    assert [(e.row, e.column_key, e.code) for e in report.sheet.errors] == [(3, "event_id", "signal.event_id_reused")]
    assert report.accepted == 0
    assert [q for _, q, *_ in history(app, net.store, sku)] == [Decimal(2)]


def test_a_large_file_goes_in_batches_with_progress_and_a_late_error_still_keeps_everything_out(app: App) -> None:
    net = network(app)
    sku = item(app)
    rows = [row(net.store, sku, f"2025-12-29T{10 + i // 60:02d}:{i % 60:02d}:00+08:00", qty="1") for i in range(23)]
    bad = [*rows[:20], row(net.store, "NO-SUCH-SKU", "2025-12-29T12:00:00+08:00"), *rows[20:]]
    seen: list[tuple[int, int]] = []
    refused = run(app, as_csv(bad), batch_rows=5, progress=lambda done, total: seen.append((done, total)))
    assert [(e.row, e.column_key) for e in refused.sheet.errors] == [(22, "sku")]
    assert history(app, net.store, sku) == [] and refused.accepted == 0
    assert seen == [(0, 24), (5, 24), (10, 24), (15, 24), (20, 24), (24, 24)]

    report = run(app, as_csv(rows), batch_rows=5)
    assert (report.accepted, report.duplicates) == (23, 0)
    assert [q for _, q, *_ in history(app, net.store, sku)] == [Decimal(23)]


def test_a_gb18030_csv_with_chinese_headings_and_semicolons_is_read(app: App) -> None:
    net = network(app)
    sku = item(app)
    headings = ["事件编号", "发生时间", "渠道", "站点", "物料编码", "数量", "单价", "促销"]
    data = as_csv([row(net.store, sku, "2025-12-30 09:00", channel="小程序", promo="否")], headings=headings,
                  delimiter=";", encoding="gb18030")
    report = run(app, data)
    assert (report.accepted, report.sheet.errors) == (1, ())
    with app.uow() as uow:
        channel, occurred = uow.connection.execute(
            select(t.sig_sales_events.c.channel, t.sig_sales_events.c.occurred_at)
            .where(t.sig_sales_events.c.item_id == catalog.get_item(uow, sku).id)).one()
    assert (channel, occurred) == ("mini_program", datetime(2025, 12, 30, 1, 0, tzinfo=UTC))


def test_the_templates_read_back_as_empty_files() -> None:
    for data in (sales_template(), sales_csv_template()):
        parsed = read_sales(data)
        assert (parsed.total_rows, parsed.errors) == (0, [])
    assert read_sales(sales_csv_template()).total_rows == 0
    assert [c.key for c in SALES_EVENTS.columns] == HEADINGS


def test_times_with_and_without_an_offset() -> None:
    assert parse_moment("2026-05-01T12:05:09+08:00", SHANGHAI) == datetime(2026, 5, 1, 4, 5, 9, tzinfo=UTC)
    assert parse_moment("2026-05-01T04:05:09Z", SHANGHAI) == datetime(2026, 5, 1, 4, 5, 9, tzinfo=UTC)
    assert parse_moment("2026/5/1 9:05", SHANGHAI) == datetime(2026, 5, 1, 1, 5, tzinfo=UTC)
    assert parse_moment("2026-05-01", SHANGHAI) == datetime(2026, 4, 30, 16, 0, tzinfo=UTC)
