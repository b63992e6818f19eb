"""The sales-events sheet (销售事件导入): sales history from a CSV or Excel file, through ``ingest_sales``.

A file is read whole first (no database needed: :func:`read_sales`), then imported in one
transaction through :func:`jxc.sheets.import_sheet`, in batches of 5,000 rows — each batch one
:func:`jxc.signals.services.ingest_sales` call inside its own savepoint — so:

- **all or nothing** (default): any bad row and nothing is imported; the report names each bad
  row, its column and the reason; with ``valid_only`` the good rows go in and the rest are listed;
- **idempotent**: a row whose ``event_id`` is already stored with the same content is counted as a
  duplicate and adds nothing, so importing the same file twice counts every sale once; the same id
  with other content is refused (``signal.event_id_reused``) on that row;
- **time**: ``occurred_at`` with an offset (``2026-05-01T12:05:09+08:00``) is that instant; without
  one (``2026-05-01 12:05:09``, or a date-time cell in Excel) it is read in the **site's** time
  zone; a bare date is the site's local midnight;
- rows are handed to ``ingest_sales`` in time order within a batch: a file is a record of the
  past, sorted however its user liked, so the till-queue ordering rule (``signal.out_of_order``)
  does not apply to it.

CSV: UTF-8 (with or without BOM) or GB18030 (what Excel writes for "CSV" on a Chinese Windows),
separated by commas, semicolons or tabs; headings as in the template (key, Chinese, English or
both). Anything else starting like a zip is read as .xlsx.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

from jxc.catalog import services as catalog
from jxc.catalog.model import Item
from jxc.db.uow import SqlUnitOfWork
from jxc.kernel.errors import InvalidInput, JxcError, NotFound
from jxc.org import services as org
from jxc.org.model import Site
from jxc.sheets import (
    Choice,
    Column,
    ImportMode,
    ImportReport,
    ParsedRow,
    ParseResult,
    ProgressCallback,
    RowsRejected,
    SheetSpec,
    import_sheet,
    parse,
    per_row,
    template,
)

# The framework parses .xlsx bytes; CSV rows go through the same reader (headings, cell types,
# row numbers), which it does not export under a public name yet.
from jxc.sheets.reader import _Reader
from jxc.signals import services as signals
from jxc.signals.model import MAX_EVENT_ID, Channel, SalesEvent, check_batch

BATCH_ROWS: Final = 5_000
CODE_MAX: Final = 64
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FIELD = re.compile(r"events\[(\d+)\]\.(\w+)")
# 2026-05-01, 2026/5/1 9:05, 2026.05.01T09:05:00.5+08:00, … → ISO 8601 for datetime.fromisoformat
_MOMENT = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
    r"(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?)?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?")
MOMENT_FORMS: Final = "ISO 8601, e.g. 2026-05-01T12:05:09+08:00, or 2026-05-01 12:05:09 in the site's time"

SALES_EVENTS = SheetSpec(
    name="sales_events",
    title_zh="销售事件",
    title_en="Sales events",
    columns=(
        Column("event_id", "事件编号", "Event ID", required=True, max_length=MAX_EVENT_ID, example="POS-HZ01-000123",
               help_zh="来源系统的唯一编号; 重复导入同一编号 (内容相同) 只计一次",
               help_en="The source's own unique id; importing it again (same content) counts once"),
        Column("occurred_at", "发生时间", "Occurred at", required=True, max_length=40,
               example="2026-05-01T12:05:09+08:00",
               help_zh="ISO 8601 时间。带时区偏移 (如 2026-05-01T12:05:09+08:00) 按该偏移; "
                       "不带偏移 (如 2026-05-01 12:05:09 或 Excel 日期时间单元格) 按站点所在时区理解",
               help_en="ISO 8601. With an offset (2026-05-01T12:05:09+08:00) it is that instant; without one "
                       "(2026-05-01 12:05:09, or an Excel date-time cell) it is read in the site's time zone"),
        Column("channel", "渠道", "Channel", "choice", example="pos",
               choices=(Choice(Channel.POS.value, "门店收银", "POS till"),
                        Choice(Channel.ONLINE.value, "线上商城", "online shop"),
                        Choice(Channel.MINI_PROGRAM.value, "小程序", "mini-program"),
                        Choice(Channel.B2B.value, "批发", "B2B")),
               help_zh="空白为 pos (门店收银)", help_en="Blank means pos (till)"),
        Column("site", "站点", "Site", required=True, max_length=CODE_MAX, example="ST-HZ01",
               help_zh="门店或仓库编码", help_en="Store or warehouse code"),
        Column("sku", "物料编码", "SKU", required=True, max_length=CODE_MAX, example="SKU-0001",
               help_zh="已登记的物料编码", help_en="A registered item code"),
        Column("quantity", "数量", "Quantity", "decimal", required=True, example=Decimal("2"),
               help_zh="售出数量, 基本单位, 大于零", help_en="Sold quantity in the item's base unit, above zero"),
        Column("unit_price", "单价", "Unit price", "decimal", required=True, example=Decimal("3.80"),
               help_zh="实收单价, 含税, 不小于零", help_en="Price per unit actually charged, incl. VAT, zero or more"),
        Column("promotion", "促销", "Promotion", "bool", example=False,
               help_zh="是否促销售出; 空白为 否", help_en="Sold on promotion? Blank means no"),
    ),
)


@dataclass(frozen=True)
class SalesImportReport:
    """The sheet's report (rows, errors) plus what ``ingest_sales`` made of the imported rows."""

    sheet: ImportReport
    accepted: int  # new events stored and added to the demand history
    duplicates: int  # rows whose event was already stored (or repeated in the file) with the same content

    @property
    def refused_rows(self) -> int:
        """Rows in the file that were not imported (bad rows, or all of them when nothing went in)."""
        return self.sheet.skipped

    def as_dict(self) -> dict[str, object]:
        return {**self.sheet.as_dict(), "accepted": self.accepted, "duplicates": self.duplicates}


def sales_template() -> bytes:
    """The .xlsx template for :func:`import_sales`."""
    return template(SALES_EVENTS)


def sales_csv_template() -> bytes:
    """The CSV template: the heading line only (UTF-8 with BOM, so Excel shows the Chinese headings)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([column.header for column in SALES_EVENTS.columns])
    return ("\ufeff" + out.getvalue()).encode()


def read_sales(data: bytes) -> ParseResult:
    """The sales events in ``data`` (.xlsx, or CSV), typed and checked cell by cell (no database needed)."""
    if data.startswith(_ZIP_MAGIC) or data.startswith(_OLE_MAGIC):
        return parse(SALES_EVENTS, data)
    return _parse_csv(data)


def sites_in(parsed: ParseResult) -> list[str]:
    """The site codes the valid rows name, in file order: what an import must be allowed to write to."""
    return list(dict.fromkeys(row.values["site"] for row in parsed.rows if row.values.get("site")))


def import_sales(
    uow: SqlUnitOfWork, data: bytes | ParseResult, *, mode: ImportMode | str = ImportMode.ALL_OR_NOTHING,
    progress: ProgressCallback | None = None, batch_rows: int = BATCH_ROWS,
) -> SalesImportReport:
    """Ingest the sales events of ``data`` (or its :func:`read_sales`) in one transaction, ``batch_rows`` a batch."""
    parsed = data if isinstance(data, ParseResult) else read_sales(data)
    totals = _Totals()

    def write(scope: SqlUnitOfWork, rows: Sequence[ParsedRow]) -> None:
        sites = org.sites_by_code(scope, {row.values["site"] for row in rows})
        items = catalog.items_by_sku(scope, {row.values["sku"] for row in rows})
        now = scope.clock.now()
        events = per_row(rows, lambda row: _event(row, sites, items, now=now))
        order = sorted(range(len(events)), key=lambda i: events[i].occurred_at)
        try:
            report = signals.ingest_sales(scope, [events[i] for i in order])
        except JxcError as error:
            index, renamed = _unindexed(error)
            if index is None:
                raise  # not about one event: the runner narrows the batch down
            raise RowsRejected({rows[order[index]].row_number: renamed}) from error
        totals.accepted += report.accepted
        totals.duplicates += report.duplicates

    sheet = import_sheet(uow, SALES_EVENTS, parsed, write=write, mode=mode, chunk_rows=batch_rows, progress=progress)
    if sheet.imported == 0:  # rolled back: nothing of what the batches counted is stored
        return SalesImportReport(sheet=sheet, accepted=0, duplicates=0)
    return SalesImportReport(sheet=sheet, accepted=totals.accepted, duplicates=totals.duplicates)


@dataclass
class _Totals:
    accepted: int = 0
    duplicates: int = 0


def _event(row: ParsedRow, sites: dict[str, Site], items: dict[str, Item], *, now: datetime) -> SalesEvent:
    """The sales event one row describes, checked on its own (errors name the row's columns)."""
    v = row.values
    site = sites.get(v["site"])
    if site is None or site.virtual_role is not None:
        raise NotFound("site.not_found", field="site", value=v["site"])
    if v["sku"] not in items:
        raise NotFound("item.not_found", field="sku", value=v["sku"])
    event = SalesEvent(event_id=v["event_id"], occurred_at=parse_moment(v["occurred_at"], ZoneInfo(site.timezone)),
                       channel=Channel(v["channel"] or Channel.POS.value), site=v["site"], sku=v["sku"],
                       quantity=v["quantity"], unit_price=v["unit_price"], promotion=bool(v["promotion"]))
    try:
        check_batch([event], now=now)
    except JxcError as error:
        raise _unindexed(error)[1] from None
    return event


def parse_moment(text: str, zone: ZoneInfo, *, field: str = "occurred_at") -> datetime:
    """``text`` as an aware datetime; without an offset it is a wall-clock time in ``zone``."""
    match = _MOMENT.fullmatch(text.strip())
    if match is None:
        raise InvalidInput("field.invalid", field=field, value=text, reason=MOMENT_FORMS)
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    iso = f"{year}-{int(month):02d}-{int(day):02d}T{int(hour or 0):02d}:{minute or '00'}:{second or '00'}"
    iso += (fraction or "") + (offset or "")
    try:
        value = datetime.fromisoformat(iso.replace("z", "Z"))
    except ValueError:
        raise InvalidInput("field.invalid", field=field, value=text, reason=MOMENT_FORMS) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def _unindexed(error: JxcError) -> tuple[int | None, JxcError]:
    """``events[3].sku`` → (3, the same error naming ``sku``); other fields → (None, the error)."""
    match = _FIELD.fullmatch(error.field or "")
    if match is None:
        return None, error
    renamed = type(error)(error.code, field=match[2], **error.params)
    return int(match[1]), renamed


def _parse_csv(data: bytes) -> ParseResult:
    text = _decode(data)
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # one column, or nothing to tell by: the ordinary comma
    try:
        rows = csv.reader(io.StringIO(text, newline=""), dialect)
        return _Reader(SALES_EVENTS, SALES_EVENTS.max_rows).read(iter(rows))
    except csv.Error as exc:
        raise InvalidInput("field.invalid", field="file", value="csv", reason=str(exc)) from None


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise InvalidInput("field.invalid", field="file", value="csv", reason="CSV in UTF-8 or GB18030, or .xlsx")


__all__ = [
    "BATCH_ROWS",
    "SALES_EVENTS",
    "SalesImportReport",
    "import_sales",
    "parse_moment",
    "read_sales",
    "sales_csv_template",
    "sales_template",
    "sites_in",
]
