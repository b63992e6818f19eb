"""Vouchers (记账凭证) derived from valued events through an account mapping.

Pure: standard library and ``jxc.kernel`` only; the mapping comes from :mod:`jxc.accounting.chart`.

Invariants:
- every amount is a ``Decimal`` to the fen (0.01), never float; amounts finer than a fen are refused,
  not rounded, because rounding belongs to valuation, once — a voucher must carry exactly the value
  the valuation layer booked;
- a :class:`VoucherLine` has exactly one positive side; returns and reversals swap sides (蓝字反向)
  rather than posting negative (红字) amounts;
- a :class:`Voucher` has at least two lines and its debits equal its credits to the fen; it is
  validated on construction, so an unbalanced voucher cannot exist;
- :func:`vouchers_for` drops zero lines; because every template balances symbolically (checked when
  the mapping loads) the remaining lines still balance;
- a line carries exactly the auxiliary dimensions its account declares (partner, item, site,
  department), and refuses to be built without them — GL imports reject lines that lack them;
- :func:`inventory_delta` is the change in inventory value an event states, independent of any
  mapping; with the default mapping the voucher's net movement on 1402 + 1405 + 1406 equals it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Final, Literal

from jxc.accounting.chart import (
    AMOUNT_NAMES,
    INVENTORY_EFFECT,
    TEMPLATE_KEYS,
    Account,
    AccountMapping,
    Side,
    TemplateLine,
)
from jxc.kernel.errors import InvalidInput
from jxc.kernel.money import MONEY_QUANTUM, money

ZERO: Final = Decimal("0.00")
CURRENCY: Final = "CNY"
DEFAULT_WORD: Final = "记"
_PERIOD = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")


def _fen(value: object, *, field: str) -> Decimal:
    """A non-negative Decimal amount to the fen, exactly; anything else is ``voucher.amount_invalid``."""
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise InvalidInput("voucher.amount_invalid", field=field, value=repr(value))
    fen = value.quantize(MONEY_QUANTUM)
    if fen != value:
        raise InvalidInput("voucher.amount_invalid", field=field, value=str(value))
    return fen


def _required(value: str | None, *, field: str) -> str:
    if value is None or not value.strip():
        raise InvalidInput("field.required", field=field)
    return value.strip()


@dataclass(frozen=True, slots=True, kw_only=True)
class Amounts:
    """The named amounts an event carries; templates sum them (``"net+vat"``). All ≥ 0, to the fen.

    cost      inventory value moved (purchase value, issue cost, capitalised landed cost)
    net       price net of VAT (revenue, transfer price)
    vat       value-added tax (input or output, by the template)
    expensed  landed cost on goods already sold (to cost of sales)
    freight   freight the buyer of an intercompany transfer bears, capitalised into the goods
    """

    cost: Decimal = ZERO
    net: Decimal = ZERO
    vat: Decimal = ZERO
    expensed: Decimal = ZERO
    freight: Decimal = ZERO

    def __post_init__(self) -> None:
        for name in AMOUNT_NAMES:
            object.__setattr__(self, name, _fen(getattr(self, name), field=f"amounts.{name}"))

    def total(self, names: Iterable[str]) -> Decimal:
        return sum((getattr(self, name) for name in names), ZERO)


@dataclass(frozen=True, slots=True, kw_only=True)
class ValuedEvent:
    """One valued business event of one organisation: what happened, at which value, to what.

    ``kind`` is one of :data:`~jxc.accounting.chart.EVENT_KINDS`; ``variant`` picks a template
    such as ``purchase_receipt.into_transit`` or ``loss_charge.carrier``. ``partner`` is the
    supplier, customer or carrier; ``counter_organisation`` the other entity of an intercompany
    transfer; ``responsible_party`` who pays for a loss; ``to_site`` the destination of a transfer.
    """

    kind: str
    organisation: str
    date: date
    document_ref: str
    amounts: Amounts
    variant: str | None = None
    partner: str | None = None
    item: str | None = None
    category: str | None = None
    site: str | None = None
    to_site: str | None = None
    counter_organisation: str | None = None
    responsible_party: str | None = None
    department: str | None = None
    quantity: Decimal | None = None
    currency: str = CURRENCY

    def __post_init__(self) -> None:
        if self.template_key not in TEMPLATE_KEYS:
            raise InvalidInput("mapping.unknown_event", field="kind", value=self.template_key)
        _required(self.organisation, field="organisation")
        _required(self.document_ref, field="document_ref")
        if self.currency != CURRENCY:
            # Multi-currency needs exchange-rate differences (汇兑损益); until then refuse, never guess.
            raise InvalidInput("voucher.currency", field="currency", value=self.currency)
        if self.quantity is not None and (
            not isinstance(self.quantity, Decimal) or not self.quantity.is_finite() or self.quantity <= 0
        ):
            raise InvalidInput("quantity.not_positive", field="quantity", value=str(self.quantity))
        if self.counter_organisation is not None and self.counter_organisation == self.organisation:
            raise InvalidInput(
                "field.invalid",
                field="counter_organisation",
                value=self.counter_organisation,
                reason="an intercompany transfer needs two organisations",
            )
        if self.kind == "transfer_internal" and self.site is not None and self.site == self.to_site:
            raise InvalidInput("field.invalid", field="to_site", value=self.to_site, reason="same as site")

    @property
    def template_key(self) -> str:
        return f"{self.kind}.{self.variant}" if self.variant else self.kind


@dataclass(frozen=True, slots=True, kw_only=True)
class VoucherLine:
    """One entry (分录): an account, one positive side, a summary and the account's dimensions."""

    account: Account
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    summary_zh: str = ""
    summary_en: str = ""
    partner: str | None = None
    item: str | None = None
    site: str | None = None
    department: str | None = None
    quantity: Decimal | None = None

    def __post_init__(self) -> None:
        field_name = f"lines.{self.account.code}"
        debit = _fen(self.debit, field=f"{field_name}.debit")
        credit = _fen(self.credit, field=f"{field_name}.credit")
        if (debit > 0) == (credit > 0):
            raise InvalidInput(
                "voucher.line_sides", field=field_name, account=self.account.code, debit=debit, credit=credit
            )
        object.__setattr__(self, "debit", debit)
        object.__setattr__(self, "credit", credit)

    @property
    def side(self) -> Side:
        return "debit" if self.debit > 0 else "credit"

    @property
    def amount(self) -> Decimal:
        return self.debit if self.debit > 0 else self.credit


@dataclass(frozen=True, slots=True, kw_only=True)
class Voucher:
    """A balanced voucher of one organisation on one date; ``seq`` is assigned when it is numbered."""

    organisation: str
    date: date
    document_ref: str
    lines: tuple[VoucherLine, ...]
    kind: str = ""
    word: str = DEFAULT_WORD
    seq: int | None = None
    preparer: str = ""
    attachments: int = 0
    currency: str = CURRENCY
    total_debit: Decimal = field(init=False)
    total_credit: Decimal = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(self.lines))
        if len(self.lines) < 2:
            raise InvalidInput(
                "voucher.too_few_lines", field="lines", document=self.document_ref, count=len(self.lines)
            )
        debit = sum((line.debit for line in self.lines), ZERO)
        credit = sum((line.credit for line in self.lines), ZERO)
        if debit != credit:
            raise InvalidInput(
                "voucher.unbalanced", field="lines", document=self.document_ref, debit=debit, credit=credit
            )
        if self.seq is not None and self.seq < 1:
            raise InvalidInput("field.invalid", field="seq", value=self.seq, reason="numbers start at 1")
        if self.attachments < 0:
            raise InvalidInput(
                "field.invalid", field="attachments", value=self.attachments, reason="negative"
            )
        object.__setattr__(self, "total_debit", debit)
        object.__setattr__(self, "total_credit", credit)

    @property
    def period(self) -> str:
        """The accounting period (会计期间) as ``YYYY-MM``: calendar months."""
        return f"{self.date.year:04d}-{self.date.month:02d}"

    @property
    def number(self) -> str | None:
        """``记-2026-12-0001`` once numbered, else ``None``."""
        if self.seq is None:
            return None
        return voucher_number(self.organisation, period=self.period, seq=self.seq, word=self.word)


# --- building -------------------------------------------------------------------------------------------


def vouchers_for(event: ValuedEvent, *, mapping: AccountMapping) -> Voucher:
    """The voucher for one valued event: the template's lines, resolved and with zero lines dropped."""
    template = mapping.template(event.template_key)
    lines = _lines(event, template.lines, mapping=mapping, summary=(template.summary_zh, template.summary_en))
    return Voucher(
        organisation=event.organisation,
        date=event.date,
        document_ref=event.document_ref,
        lines=tuple(lines),
        kind=event.template_key,
    )


def voucher_for_document(events: Sequence[ValuedEvent], *, mapping: AccountMapping) -> Voucher:
    """One voucher for the events of one document (one per document line), like lines merged.

    All events must share organisation, date, document and template; lines with the same account,
    side and dimensions are added up, so a 500-line stocktake is one voucher, not 500.
    """
    if not events:
        raise InvalidInput("voucher.too_few_lines", field="events", document="", count=0)
    first = events[0]
    for index, event in enumerate(events):
        same = (event.organisation, event.date, event.document_ref, event.template_key)
        if same != (first.organisation, first.date, first.document_ref, first.template_key):
            raise InvalidInput(
                "voucher.mixed_events",
                field=f"events[{index}]",
                value=event.document_ref,
                document=first.document_ref,
            )
    template = mapping.template(first.template_key)
    merged: dict[tuple[object, ...], VoucherLine] = {}
    for event in events:
        for line in _lines(
            event, template.lines, mapping=mapping, summary=(template.summary_zh, template.summary_en)
        ):
            key = (line.account.code, line.side, line.partner, line.item, line.site, line.department)
            if key in merged:
                line = _add(merged[key], line)
            merged[key] = line
    return Voucher(
        organisation=first.organisation,
        date=first.date,
        document_ref=first.document_ref,
        lines=tuple(merged.values()),
        kind=first.template_key,
    )


def _add(a: VoucherLine, b: VoucherLine) -> VoucherLine:
    quantity = a.quantity + b.quantity if a.quantity is not None and b.quantity is not None else None
    return replace(a, debit=a.debit + b.debit, credit=a.credit + b.credit, quantity=quantity)


def _lines(
    event: ValuedEvent, template: Sequence[TemplateLine], *, mapping: AccountMapping, summary: tuple[str, str]
) -> list[VoucherLine]:
    lines: list[VoucherLine] = []
    for spec in template:
        amount = event.amounts.total(spec.amount)
        if not amount:
            continue  # e.g. no VAT on an exempt purchase; the template still balances without it
        account = mapping.account_for(spec.role, organisation=event.organisation, category=event.category)
        dims = account.dims
        lines.append(
            VoucherLine(
                account=account,
                debit=amount if spec.side == "debit" else ZERO,
                credit=amount if spec.side == "credit" else ZERO,
                summary_zh=f"{summary[0]} {event.document_ref}",
                summary_en=f"{summary[1]} {event.document_ref}",
                partner=_dim(getattr(event, spec.partner_from), spec.partner_from)
                if "partner" in dims
                else None,
                item=_dim(event.item, "item") if "item" in dims else None,
                site=_dim(getattr(event, spec.site_from), spec.site_from) if "site" in dims else None,
                department=_dim(event.department, "department") if "department" in dims else None,
                # quantities belong on item-tracked accounts (数量金额核算), not on payables or taxes
                quantity=event.quantity if "item" in dims else None,
            )
        )
    return lines


def _dim(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("field.required", field=name)
    return value.strip()


def inventory_delta(event: ValuedEvent) -> Decimal:
    """The change in inventory value (在途 + 库存 + 发出) the event states, whatever the mapping."""
    effect: Mapping[str, int] = INVENTORY_EFFECT[event.template_key]
    return sum((sign * getattr(event.amounts, name) for name, sign in effect.items()), ZERO)


# --- numbers and prices ---------------------------------------------------------------------------------


def voucher_number(org_code: str, *, period: str, seq: int, word: str = DEFAULT_WORD) -> str:
    """``{word}-{YYYY}-{MM}-{seq:04d}``, e.g. ``记-2026-12-0001``.

    Numbers run per organisation, period and word; the organisation is not printed because each
    organisation is its own set of books (账套) in the GL, where 凭证号 is unique within a period.
    """
    _required(org_code, field="org_code")
    if not _PERIOD.match(period):
        raise InvalidInput("period.invalid", field="period", value=period)
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise InvalidInput("field.invalid", field="seq", value=seq, reason="numbers start at 1")
    if not word.strip() or "-" in word:
        raise InvalidInput(
            "field.invalid", field="word", value=word, reason="one word such as 记, 收, 付, 转"
        )
    return f"{word.strip()}-{period}-{seq:04d}"


def number_vouchers(
    vouchers: Iterable[Voucher], *, next_seq: Mapping[tuple[str, str, str], int] | None = None
) -> tuple[Voucher, ...]:
    """Number vouchers in the order given, per (organisation, period, word), from ``next_seq`` or 1."""
    counters = dict(next_seq or {})
    numbered: list[Voucher] = []
    for voucher in vouchers:
        key = (voucher.organisation, voucher.period, voucher.word)
        seq = counters.get(key, 1)
        numbered.append(replace(voucher, seq=seq))
        counters[key] = seq + 1
    return tuple(numbered)


TransferRule = Literal["cost_plus", "list"]


def transfer_price(
    cost: Decimal,
    *,
    rule: TransferRule,
    markup_pct: Decimal | None = None,
    list_price: Decimal | None = None,
) -> Decimal:
    """The intercompany transfer price net of VAT: cost × (1 + markup %) half-up to the fen, or the list.

    Apply it to a line total, not a unit price, so the rounding happens once per line.
    """
    base = _fen(cost, field="cost")
    if rule == "cost_plus":
        if (
            markup_pct is None
            or not isinstance(markup_pct, Decimal)
            or not markup_pct.is_finite()
            or markup_pct < 0
        ):
            raise InvalidInput(
                "field.invalid",
                field="markup_pct",
                value=repr(markup_pct),
                reason="a Decimal percentage >= 0",
            )
        return money(base * (1 + markup_pct / 100), field="transfer_price")
    if rule == "list":
        if list_price is None:
            raise InvalidInput("field.required", field="list_price")
        return _fen(list_price, field="list_price")
    raise InvalidInput("field.invalid", field="rule", value=rule, reason="cost_plus or list")
