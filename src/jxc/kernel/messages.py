"""Bilingual (zh-CN, en) texts for error codes. The only place error wording lives.

Unknown codes fall back to the code itself so a missing text never hides an error.
"""

from __future__ import annotations

from typing import Final

from jxc.kernel.errors import JxcError

MESSAGES: Final[dict[str, tuple[str, str]]] = {
    # code: (zh-CN, en)
    "quantity.not_a_number": ("{field} 不是有效数量: {value}", "{field} is not a valid quantity: {value}"),
    "quantity.not_positive": ("{field} 必须大于零, 收到 {value}", "{field} must be greater than zero, got {value}"),
    "quantity.too_precise": (
        "{field} 最多 {scale} 位小数: {value}",
        "{field} allows at most {scale} decimal places: {value}",
    ),
    "quantity.not_whole": ("{field} 对序列号物料必须为 1: {value}", "{field} must be 1 for a serial-tracked item: {value}"),
    "time.naive": ("{field} 缺少时区: {value}", "{field} has no time zone: {value}"),
    "signal.out_of_order": (
        "{field} 早于同一来源的上一条事件 ({previous}): {value}",
        "{field} is earlier than the previous event from the same source ({previous}): {value}",
    ),
    "suggestion.not_found": ("未知补货建议 {value}", "unknown replenishment suggestion {value}"),
    "suggestion.not_open": ("补货建议 {value} 已处理 ({status})", "replenishment suggestion {value} is already {status}"),
    "signal.event_id_reused": (
        "事件编号 {value} 已用于内容不同的事件",
        "event id {value} was already used for a different event",
    ),
    "field.required": ("缺少必填字段 {field}", "{field} is required"),
    "field.invalid": ("{field} 无效: {value} ({reason})", "{field} is invalid: {value} ({reason})"),
    "item.not_found": ("未知物料 {value}", "unknown item {value}"),
    "item.duplicate": ("物料编码 {value} 已存在", "item code {value} already exists"),
    "supplier.not_found": ("未知供应商 {value}", "unknown supplier {value}"),
    "customer.not_found": ("未知客户 {value}", "unknown customer {value}"),
    "partner.duplicate": ("编码 {value} 已存在", "code {value} already exists"),
    "unit.unknown": ("未知计量单位 {value}", "unknown unit {value}"),
    "unit.not_convertible": (
        "物料 {item} 的单位 {value} 无法换算为基本单位 {base}",
        "unit {value} of item {item} does not convert to its base unit {base}",
    ),
    "unit.inexact": (
        "{value} {unit} 换算为 {base} 后超出精度",
        "{value} {unit} does not convert exactly into {base}",
    ),
    "barcode.invalid": ("条码 {value} 无效: {reason}", "barcode {value} is invalid: {reason}"),
    "barcode.duplicate": ("条码 {value} 已属于物料 {item}", "barcode {value} already belongs to item {item}"),
    "unit.duplicate": (
        "物料 {item} 已定义单位 {value} (1 {value} = {factor} {base})",
        "item {item} already defines unit {value} (1 {value} = {factor} {base})",
    ),
    "item.storage_range": (
        "储存温度下限 {min} °C 高于上限 {max} °C",
        "storage minimum {min} °C is above the maximum {max} °C",
    ),
    "timezone.unknown": ("未知时区 {value}", "unknown time zone {value}"),
    "org.not_found": ("未知组织 {value}", "unknown organisation {value}"),
    "org.duplicate": ("组织编码 {value} 已存在", "organisation code {value} already exists"),
    "site.not_found": ("未知站点 {value}", "unknown site {value}"),
    "site.duplicate": ("站点编码 {value} 已存在", "site code {value} already exists"),
    "site.virtual_mismatch": ("站点 {value} 不能用于此操作 ({reason})", "site {value} cannot be used here ({reason})"),
    "bin.not_found": ("站点 {site} 没有库位 {value}", "site {site} has no bin {value}"),
    "bin.duplicate": ("库位 {value} 已存在", "bin {value} already exists"),
    "project.not_found": ("未知项目 {value}", "unknown project {value}"),
    "project.duplicate": ("项目编号 {value} 已存在", "project number {value} already exists"),
    "project.isolated": (
        "项目库存隔离: 不能从项目 {from_project} 移到 {to_project}",
        "project stock is isolated: cannot move from project {from_project} to {to_project}",
    ),
    "state.unknown": ("未知库存状态 {value}", "unknown stock state {value}"),
    "state.duplicate": ("库存状态 {value} 已存在", "stock state {value} already exists"),
    "state.transition_illegal": (
        "不允许从状态 {from_state} 变为 {to_state}",
        "stock cannot change from state {from_state} to {to_state}",
    ),
    "stock.insufficient": (
        "库存不足: {item} 在 {site} ({state}) 现有 {available}, 需要 {requested}",
        "insufficient stock: {item} at {site} ({state}) has {available}, needs {requested}",
    ),
    "movement.same_bucket": ("移动的来源与目标相同", "a movement's source and destination are the same bucket"),
    "movement.empty": ("过账至少需要一行", "a posting needs at least one line"),
    "movement.virtual_to_virtual": (
        "不能在两个虚拟站点之间移动库存",
        "stock cannot move between two virtual sites",
    ),
    "idempotency.key_reused": (
        "幂等键 {value} 已用于不同的内容",
        "idempotency key {value} was already used with a different payload",
    ),
    "lot.required": ("物料 {item} 按批次管理, 请指定批次", "item {item} is lot-tracked: name a lot"),
    "lot.not_tracked": ("物料 {item} 不按批次管理", "item {item} is not lot-tracked"),
    "lot.not_found": ("物料 {item} 没有批次 {value}", "item {item} has no lot {value}"),
    "lot.expired": ("批次 {value} 已于 {expiry} 过期", "lot {value} expired on {expiry}"),
    "lot.dates": ("批次 {value} 的到期日早于生产日期", "lot {value} expires before it was produced"),
    "serial.required": ("物料 {item} 按序列号管理, 请指定序列号", "item {item} is serial-tracked: name a serial"),
    "serial.not_tracked": ("物料 {item} 不按序列号管理", "item {item} is not serial-tracked"),
    "serial.in_stock": ("序列号 {value} 已在库 ({where})", "serial {value} is already in stock ({where})"),
    "serial.not_here": ("序列号 {value} 不在 {where}", "serial {value} is not at {where}"),
    "reservation.not_found": ("未知预留 {value}", "unknown reservation {value}"),
    "reservation.closed": ("预留 {value} 已{status}", "reservation {value} is already {status}"),
    "reservation.exceeds": (
        "预留 {value} 剩余 {remaining}, 不能处理 {requested}",
        "reservation {value} has {remaining} left, cannot take {requested}",
    ),
    "commitment.not_found": ("未知需求承诺 {value}", "unknown commitment {value}"),
    "config.invalid": ("配置文件 {value} 无效: {reason}", "configuration file {value} is invalid: {reason}"),
    "database.unavailable": ("无法连接数据库 {value}: {reason}", "cannot reach the database {value}: {reason}"),
    "database.not_initialised": (
        "数据库尚未初始化, 请先运行 jxc init",
        "the database is not initialised: run `jxc init` first",
    ),
}


def render(error: JxcError, lang: str = "en") -> str:
    """The error's text in ``lang`` ('zh' / 'zh-CN' or 'en')."""
    pair = MESSAGES.get(error.code)
    if pair is None:
        return f"{error.code}: {error.params}"
    template = pair[0] if lang.lower().startswith("zh") else pair[1]
    values = {"field": error.field or "", **{k: str(v) for k, v in error.params.items()}}
    try:
        return template.format(**values)
    except KeyError:
        return f"{template} {values}"


def bilingual(error: JxcError) -> dict[str, str]:
    return {"zh-CN": render(error, "zh-CN"), "en": render(error, "en")}
MESSAGES.update(
    {
        "lot.dates_mismatch": (
            "批次 {value} 已登记到期日 {expiry}, 与本次 {given} 不符",
            "lot {value} is registered with expiry {expiry}, not {given}",
        ),
        "serial.count": (
            "数量 {quantity} 与序列号个数 {count} 不符",
            "quantity {quantity} does not match the {count} serials given",
        ),
        "transit.eta_required": ("在途库存需要预计到达时间 eta", "stock going in transit needs an eta"),
    }
)
MESSAGES["import.write_failed"] = ("批量导入写入失败: {reason}", "bulk import failed while writing: {reason}")
MESSAGES.update(
    {
        "http.not_found": ("没有这个地址: {detail}", "no such resource: {detail}"),
        "http.method_not_allowed": ("不支持此方法: {detail}", "method not allowed: {detail}"),
        "http.too_large": ("请求过大 (上限 {limit} 字节)", "request too large (limit {limit} bytes)"),
        "http.error": ("请求失败: {detail}", "request failed: {detail}"),
        "idempotency.key_required": (
            "POST 请求需要 Idempotency-Key 头", "a POST needs an Idempotency-Key header"
        ),
    }
)
MESSAGES["database.busy"] = ("数据库 {value} 忙, 请稍后重试", "the database {value} is busy: try again shortly")
MESSAGES.update(
    {
        "access.denied": ("{subject} 无权执行 {action}", "{subject} is not allowed to {action}"),
        "access.kind_denied": (
            "{subject} 不能过账 {kind} 类库存移动", "{subject} may not post {kind} movements"
        ),
        "access.counterparty_denied": (
            "{subject} 的 {kind} 移动不能涉及 {value}", "{subject} may not move stock to or from {value} ({kind})"
        ),
        "access.out_of_scope": (
            "站点 {value} 不在 {subject} 的权限范围内", "site {value} is outside the scope of {subject}"
        ),
        "access.site_bound": (
            "{subject} 只能在站点 {site} 操作, 不能在 {value}",
            "{subject} may only act at site {site}, not at {value}",
        ),
        "access.login_failed": ("用户名或密码错误", "wrong username or password"),
        "access.too_many_attempts": (
            "登录失败次数过多, 请在 {retry_after} 秒后重试",
            "too many failed logins: try again in {retry_after} seconds",
        ),
        "access.token_invalid": ("令牌无效或已过期, 请重新登录", "the token is invalid or has expired: log in again"),
        "access.key_invalid": ("API 密钥无效或已吊销", "the API key is invalid or revoked"),
        "access.password_too_short": ("密码至少需要 {min} 个字符", "the password needs at least {min} characters"),
        "access.role_not_held": (
            "用户 {user} 没有角色 {value}, 不能为其创建该角色的密钥",
            "user {user} does not hold role {value}, so a key with it cannot be made for them",
        ),
        "access.secret_too_short": (
            "令牌签名密钥至少需要 {min} 字节", "the token signing secret needs at least {min} bytes"
        ),
        "user.not_found": ("未知用户 {value}", "unknown user {value}"),
        "user.duplicate": ("用户名 {value} 已存在", "username {value} already exists"),
        "api_key.not_found": ("未知 API 密钥 {value}", "unknown API key {value}"),
    }
)
MESSAGES["access.login_required"] = ("请先登录 (Authorization: Bearer … 或 X-Api-Key)", "sign in first (Authorization: Bearer … or X-Api-Key)")
MESSAGES.update(
    {
        "workflow.no_flow": (
            "没有适用于 {document_type} 的审批流程 (组织 {organisation}, 金额 {amount})",
            "no approval flow applies to {document_type} (organisation {organisation}, amount {amount})",
        ),
        "workflow.not_pending": (
            "{document_number} 的审批状态为 {status}, 已不在待审批中",
            "the approval of {document_number} is {status}, no longer pending",
        ),
        "workflow.not_eligible": (
            "{actor} 无权审批 {document_number} 的 {level} 级",
            "{actor} may not decide level {level} of {document_number}",
        ),
        "workflow.own_document": (
            "{actor} 不能审批自己提交的 {document_number} (包括通过委托)",
            "{actor} may not decide {document_number}, which they submitted (not even by delegation)",
        ),
        "workflow.same_approver": (
            "{actor} 已审批过 {document_number} 的另一级, 同一人不能审批两级",
            "{actor} already decided another level of {document_number}: one person decides one level",
        ),
        "workflow.reason_required": ("请填写原因 ({field})", "a reason is required ({field})"),
        "workflow.unknown_level": (
            "{document_number} 的审批流程没有 {value} 这一级",
            "the approval flow of {document_number} has no level {value}",
        ),
        "workflow.level_not_skippable": (
            "{document_number} 的 {value} 级不允许跳过",
            "level {value} of {document_number} may not be skipped",
        ),
        "workflow.level_already_decided": (
            "{document_number} 的 {value} 级已处理 ({action}), 不能跳过",
            "level {value} of {document_number} is already decided ({action}) and cannot be skipped",
        ),
        "workflow.invalid_config": (
            "审批流程配置 {value} 无效: {field}: {reason}",
            "approval flow configuration {value} is invalid at {field}: {reason}",
        ),
        "workflow.not_requester": (
            "只有提交人 {requested_by} 可以撤回 {document_number}, {actor} 不能",
            "only the requester {requested_by} may cancel {document_number}, not {actor}",
        ),
    }
)
MESSAGES.update(
    {
        "voucher.unbalanced": (
            "凭证 {document} 借贷不平: 借方 {debit}, 贷方 {credit}",
            "voucher {document} does not balance: debit {debit}, credit {credit}",
        ),
        "voucher.too_few_lines": (
            "凭证 {document} 至少需要两条分录, 只有 {count} 条",
            "voucher {document} needs at least two lines, has {count}",
        ),
        "voucher.line_sides": (
            "科目 {account} 的分录必须只在借方或贷方之一有正数金额 (借 {debit}, 贷 {credit})",
            "a line on account {account} needs a positive amount on exactly one side (debit {debit}, credit {credit})",
        ),
        "voucher.amount_invalid": (
            "{field} 金额无效: {value} (应为精确到分的非负 Decimal)",
            "{field} is not a valid amount: {value} (a non-negative Decimal to the fen)",
        ),
        "voucher.currency": ("凭证仅支持人民币 CNY, 收到 {value}", "vouchers support CNY only, got {value}"),
        "voucher.mixed_events": (
            "{field} ({value}) 与单据 {document} 的组织、日期、单据号或业务类型不同, 不能合并为一张凭证",
            "{field} ({value}) differs from document {document} in organisation, date, number or kind: not one voucher",
        ),
        "voucher.unnumbered": ("凭证 {document} 尚未编号, 不能导出", "voucher {document} has no number yet and cannot be exported"),
        "export.amount_too_large": (
            "凭证 {document} 的金额 {value} 超出 Excel 的 15 位有效数字",
            "amount {value} of voucher {document} exceeds Excel's 15 significant digits",
        ),
        "period.closed": (
            "{org} 的会计期间 {value} 已结账, 不能记入 {date}",
            "the accounting period {value} of {org} is closed: nothing can be posted on {date}",
        ),
        "period.invalid": ("会计期间无效: {value} (应为 YYYY-MM)", "invalid accounting period {value} (expected YYYY-MM)"),
        "period.out_of_order": (
            "{org} 须先结账 {expected}, 不能结账 {value}",
            "{org} must close {expected} before {value}",
        ),
        "period.not_closed": ("{org} 的会计期间 {value} 未结账, 无需反结账", "the period {value} of {org} is not closed"),
        "period.reason_required": ("反结账 {value} 需要填写原因", "reopening {value} needs a reason"),
        "chart.invalid": ("科目表 {value} 无效: {reason}", "chart of accounts {value} is invalid: {reason}"),
        "mapping.invalid": ("科目映射 {value} 无效: {reason}", "account mapping {value} is invalid: {reason}"),
        "mapping.unknown_account": ("科目表中没有科目 {value} ({field})", "account {value} is not in the chart ({field})"),
        "mapping.not_postable": (
            "科目 {value} 不是末级科目, 不能记账 ({field})",
            "account {value} has sub-accounts and cannot take postings ({field})",
        ),
        "mapping.unknown_event": ("没有业务类型 {value} 的凭证模板", "no voucher template for event kind {value}"),
        "mapping.unknown_role": ("未知科目角色 {value} ({field})", "unknown account role {value} ({field})"),
        "mapping.unbalanced": (
            "凭证模板 {field} 借贷不平 ({value}): {reason}",
            "voucher template {field} does not balance ({value}): {reason}",
        ),
        "mapping.inventory_mismatch": (
            "凭证模板 {field} 的存货科目变动应为 {expected}, 实际为 {actual}",
            "voucher template {field} moves inventory by {actual}, not the stated {expected}",
        ),
    }
)
MESSAGES.update(
    {
        "money.invalid": ("{field} 不是有效金额: {value}", "{field} is not a valid amount of money: {value}"),
        "money.negative": ("{field} 不能为负数: {value}", "{field} cannot be negative: {value}"),
        "money.too_precise": ("{field} 最多精确到分 (两位小数): {value}", "{field} is finer than a fen (0.01): {value}"),
        "money.negative_weight": ("{field} 的分摊权重不能为负: {value}", "{field} cannot have a negative weight: {value}"),
        "money.zero_weights": (
            "{field} 的分摊权重合计为零, 无法分摊",
            "the weights of {field} add up to zero: there is nothing to allocate by",
        ),
        "valuation.lot_required": (
            "个别计价的存货需要指定批次 ({value})",
            "specific-lot costing needs a lot ({value})",
        ),
        "valuation.insufficient": (
            "计价库存不足: 现有 {available}, 需要 {requested}",
            "not enough valued stock: {available} on hand, {requested} needed",
        ),
        "valuation.unknown_layer": ("成本层 {value} 不在此存货计价池中", "cost layer {value} is not in this valuation pool"),
        "valuation.duplicate_layer": ("移动 {value} 已建立成本层", "movement {value} has already opened a cost layer"),
        "valuation.return_exceeds": (
            "{value} 最多还可退回 {remaining}, 本次 {requested}",
            "at most {remaining} more can be returned against {value}, not {requested}",
        ),
        "valuation.not_an_issue": ("{value} 不是出库, 不能据此办理销售退货", "{value} is not an issue: a sales return needs one"),
        "valuation.not_a_receipt": (
            "{value} 不是入库, 不能据此办理采购退货",
            "{value} is not a receipt: a purchase return needs one",
        ),
        "valuation.method_mismatch": (
            "{value} 按 {given} 计价, 而存货计价池使用 {method}",
            "{value} was valued by {given}, but the pool uses {method}",
        ),
        "landed_cost.no_weight": (
            "第 {line} 行没有重量, 不能按重量分摊",
            "line {line} has no weight, so the cost cannot be allocated by weight",
        ),
        "landed_cost.zero_basis": ("分摊基数 ({basis}) 合计为零, 无法分摊", "the allocation basis ({basis}) adds up to zero"),
    }
)
MESSAGES.update(
    {
        "document.illegal_transition": (
            "单据状态不能从 {value} 变为 {to}",
            "a document cannot go from status {value} to {to}",
        ),
        "document.already_submitted": (
            "单据 {number} 已提交 (当前状态 {value}), 不能重复提交",
            "document {number} was already submitted (it is {value}): it cannot be submitted again",
        ),
        "document.empty": ("单据 {number} 没有明细行", "document {number} has no lines"),
        "document.not_editable": (
            "单据 {number} 状态为 {value}, 只有草稿可以修改明细",
            "document {number} is {value}: only a draft's lines can be edited",
        ),
        "document.wrong_status": (
            "单据 {number} 状态为 {value}, 此操作需要状态 {expected}",
            "document {number} is {value}: this needs status {expected}",
        ),
        "document.number_invalid": (
            "单据编号 {value} 无效 (格式如 PO-2026-000123)",
            "document number {value} is invalid (expected e.g. PO-2026-000123)",
        ),
        "document.number_mismatch": (
            "单据编号 {value} 的前缀应为 {expected}",
            "document number {value} should start with {expected}",
        ),
        "document.duplicate_line": (
            "{field}: 行号 {value} 必须为正数且不能重复",
            "{field}: line number {value} must be positive and unique",
        ),
        "document.unknown_line": ("单据 {number} 没有第 {value} 行", "document {number} has no line {value}"),
        "document.sku_mismatch": (
            "{field}: 物料 {value} 与原单物料 {expected} 不符",
            "{field}: item {value} does not match the referenced line's item {expected}",
        ),
        "document.already_applied": (
            "{value} 已计入单据 {number}, 不能重复计入",
            "{value} has already been counted on {number}",
        ),
        "document.counter_exceeds": (
            "{field} {value} 超过上限 {limit}",
            "{field} {value} exceeds its limit {limit}",
        ),
        "quantity.negative": ("{field} 不能为负数: {value}", "{field} cannot be negative: {value}"),
        "price.invalid": (
            "{field} 单价无效: {value} (应不小于零, 最多 6 位小数)",
            "{field} is not a valid price: {value} (≥ 0, at most 6 decimal places)",
        ),
        "vat.invalid": (
            "{field} 税率无效: {value} (应为 0 到 1 之间的小数, 如 0.13)",
            "{field} is not a valid VAT rate: {value} (a fraction from 0 to below 1, e.g. 0.13)",
        ),
        "amount.invalid": (
            "{field} 金额无效: {value} (应不小于零, 最多 2 位小数)",
            "{field} is not a valid amount: {value} (≥ 0, at most 2 decimal places)",
        ),
        "currency.invalid": (
            "币种 {value} 无效 (应为 3 位大写字母, 如 CNY)",
            "currency {value} is invalid (e.g. CNY)",
        ),
        "discount.exceeds_net": (
            "折扣 {value} 超过行金额 {net}",
            "discount {value} exceeds the line amount {net}",
        ),
        "po.schedule_mismatch": (
            "交货计划合计 {total} 不等于行数量 {quantity}",
            "the delivery schedule adds up to {total}, not the line quantity {quantity}",
        ),
        "po.schedule_duplicate_date": ("交货计划中有重复的日期", "the delivery schedule names a date twice"),
        "receipt.over_tolerance": (
            "{field}: 超收 — 订购 {ordered}, 已收 {already}, 本次 {requested}, 超收容差 {tolerance}%",
            "{field}: over-receipt — ordered {ordered}, already received {already}, now {requested}, "
            "tolerance {tolerance}%",
        ),
        "receipt.unknown_line": (
            "采购订单 {number} 没有第 {value} 行",
            "purchase order {number} has no line {value}",
        ),
        "receipt.wrong_order": (
            "收货单 {value} 不属于采购订单 {number}",
            "receipt {value} is not for purchase order {number}",
        ),
        "asn.unknown_line": (
            "采购订单 {number} 没有第 {value} 行",
            "purchase order {number} has no line {value}",
        ),
        "asn.unknown_revision": (
            "发货通知 {number} 没有第 {value} 版",
            "shipping notice {number} has no revision {value}",
        ),
        "qc.quantities_mismatch": (
            "合格 {passed} + 不合格 {failed} 不等于送检数量 {inspected}",
            "passed {passed} + failed {failed} does not equal the inspected {inspected}",
        ),
        "qc.disposition_required": (
            "不合格数量 {failed} 需要处理方式 (退供应商或报损)",
            "failed quantity {failed} needs a disposition (return to supplier or damaged)",
        ),
        "qc.unknown_line": (
            "收货单 {number} 没有第 {value} 行",
            "goods receipt {number} has no line {value}",
        ),
        "qc.not_pending": ("收货行 {value} 未进入待检", "receipt line {value} did not go to pending QC"),
        "qc.exceeds_pending": (
            "{field}: 待检只剩 {pending}, 不能检验 {requested}",
            "{field}: only {pending} awaits QC, cannot inspect {requested}",
        ),
        "qc.wrong_receipt": (
            "质检单 {value} 不属于收货单 {number}",
            "inspection {value} is not for goods receipt {number}",
        ),
        "return.exceeds_received": (
            "退货超出: 已收 {received}, 已退 {returned}, 本次 {requested}",
            "return too large: received {received}, already returned {returned}, now {requested}",
        ),
        "return.exceeds_shipped": (
            "退货超出: 已发 {shipped}, 已退 {returned}, 本次 {requested}",
            "return too large: shipped {shipped}, already returned {returned}, now {requested}",
        ),
        "return.unknown_line": ("单据 {number} 没有第 {value} 行", "document {number} has no line {value}"),
        "return.serial_not_shipped": (
            "序列号 {value} 不在该发货行中",
            "serial {value} was not shipped on that line",
        ),
        "return.wrong_receipt": (
            "退货单 {value} 与收货单/采购订单不对应",
            "return {value} is not for this receipt or order",
        ),
        "return.wrong_shipment": (
            "退货单 {value} 与发货单/销售订单不对应",
            "return {value} is not for this shipment or order",
        ),
        "shipment.unknown_line": (
            "销售订单 {number} 没有第 {value} 行",
            "sales order {number} has no line {value}",
        ),
        "shipment.exceeds_ordered": (
            "{field}: 超发 — 订购 {ordered}, 已发 {already}, 本次 {requested}",
            "{field}: over-shipment — ordered {ordered}, already shipped {already}, now {requested}",
        ),
        "shipment.allocation_mismatch": (
            "批次/序列号分配合计 {total} 不等于发货数量 {quantity}",
            "lot / serial allocations add up to {total}, not the shipped {quantity}",
        ),
        "shipment.duplicate_serial": ("{field}: 同一序列号出现两次", "{field}: a serial appears twice"),
        "shipment.wrong_order": (
            "发货单 {value} 不属于销售订单 {number}",
            "shipment {value} is not for sales order {number}",
        ),
        "transfer.same_site": (
            "调拨的调出与调入站点相同 ({value})",
            "a transfer's sites must differ (both are {value})",
        ),
        "transfer.lot_required": (
            "同批次调拨: 第 {line} 行必须指定一个批次",
            "same-lot transfer: line {line} must name its one lot",
        ),
        "transfer.lot_mismatch": (
            "同批次调拨: 批次 {value} 与该行批次 {expected} 不符",
            "same-lot transfer: lot {value} is not the line's lot {expected}",
        ),
        "transfer.responsible_required": (
            "第 {line} 行短少 {shortage}, 请指明责任方 (发货方、承运方或收货方)",
            "line {line} is short by {shortage}: name who is responsible (sender, carrier or receiver)",
        ),
        "transfer.exceeds_ordered": (
            "{field}: 超出调拨数量 — 订 {ordered}, 已发 {already}, 本次 {requested}",
            "{field}: more than ordered — ordered {ordered}, already shipped {already}, now {requested}",
        ),
        "transfer.exceeds_shipped": (
            "{field}: 超出在途数量 — 已发 {shipped}, 已收 {already}, 本次 {requested}",
            "{field}: more than in transit — shipped {shipped}, already received {already}, now {requested}",
        ),
        "stocktake.not_approved": (
            "盘点单 {number} 状态为 {value}, 审核通过后才能过账差异",
            "stocktake {number} is {value}: variances are posted only once it is approved",
        ),
        "stocktake.uncounted": ("第 {line} 行尚未盘点", "line {line} has not been counted"),
        "stocktake.recount_without_count": (
            "第 {line} 行没有初盘数量, 不能复盘",
            "line {line} has no count to recount",
        ),
        "stocktake.out_of_scope": (
            "库位 {value} 不在本次盘点范围内",
            "bin {value} is outside this stocktake's scope",
        ),
    }
)
MESSAGES.update(
    {
        "sheet.not_xlsx": (
            "文件不是 Excel 工作簿 (.xlsx), 或已损坏; 请在 Excel 中另存为 .xlsx 后重试",
            "the file is not an Excel workbook (.xlsx) or is damaged: save it as .xlsx in Excel and try again",
        ),
        "sheet.legacy_xls": (
            "文件是旧版 .xls 格式或已加密; 请在 Excel 中另存为未加密的 .xlsx 后重试",
            "the file is in the old .xls format or encrypted: save it as an unencrypted .xlsx and try again",
        ),
        "sheet.no_such_sheet": ("工作簿中没有工作表 {value} (现有: {sheets})", "the workbook has no sheet {value} (it has: {sheets})"),
        "sheet.too_many_rows": (
            "文件超过 {limit} 行数据, 请拆分为多个文件导入",
            "the file has more than {limit} data rows: split it into several files",
        ),
        "sheet.unknown_column": ("无法识别的列标题 {value}", "unknown column heading {value}"),
        "sheet.duplicate_column": ("列 {header} 出现了不止一次", "column {header} appears more than once"),
        "sheet.missing_column": ("缺少必填列 {header}", "the required column {header} is missing"),
        "sheet.required": ("必填, 不能为空", "required: must not be blank"),
        "sheet.not_a_number": ("不是数字: {value}", "not a number: {value}"),
        "sheet.too_precise": ("最多 {scale} 位小数: {value}", "at most {scale} decimal places: {value}"),
        "sheet.not_an_integer": ("不是整数: {value}", "not a whole number: {value}"),
        "sheet.not_a_date": ("不是日期 (应为 2026-05-01 这样的格式): {value}", "not a date (write it like 2026-05-01): {value}"),
        "sheet.not_a_boolean": ("应填 是 或 否: {value}", "expected yes or no: {value}"),
        "sheet.not_a_choice": ("{value} 不是可选值; 可选: {choices}", "{value} is not one of the choices: {choices}"),
        "sheet.too_long": ("超过 {limit} 个字符", "longer than {limit} characters"),
        "sheet.duplicate_row": ("与第 {first_row} 行重复 ({key})", "repeats row {first_row} ({key})"),
        "sheet.group_has_errors": (
            "同组 ({key}) 的第 {row} 行有错误, 整组未导入",
            "row {row} of the same group ({key}) has errors, so the group was not imported",
        ),
    }
)
MESSAGES.update(
    {
        "transfer.freight_internal": (
            "调拨单 {number} 为同一组织内调拨, 不能计入运费 {value}",
            "transfer {number} stays inside one organisation: it cannot carry freight ({value})",
        ),
        "transfer.no_list_price": (
            "物料 {value} 没有目录价 (list_price), 不能按目录价内部结算",
            "item {value} has no list_price, so it cannot be transferred at list price",
        ),
        "transfer.lot_not_in_transit": (
            "第 {line} 行批次 {value} 在途不足: 需要 {requested}, 在途 {available}",
            "line {line}, lot {value}: not enough in transit — requested {requested}, in transit {available}",
        ),
        "stocktake.no_unit_cost": (
            "第 {line} 行物料 {value} 盘盈无法计价: 库存无成本且未设标准成本",
            "line {line}: the gain of item {value} has no cost to be valued at (no stock value and no standard cost)",
        ),
    }
)

# Document and accounting services.
MESSAGES.update(
    {
        "document.site_not_in_organisation": (
            "站点 {value} 不属于组织 {org}", "site {value} does not belong to organisation {org}"),
        "document.not_found": ("找不到单据 {value}", "document {value} not found"),
        "document.concurrent_update": (
            "单据 {value} 已被他人修改, 请刷新后重试", "document {value} was changed by someone else; reload and retry"),
        "document.not_approvable": ("单据 {value} 无需审批", "document {value} does not go through approval"),
        "valuation.concurrent_update": (
            "物料 {value} 的计价正被并发更新, 请重试", "the valuation of item {value} changed concurrently; retry"),
        "workflow.request_not_found": ("找不到审批请求 {value}", "approval request {value} not found"),
        "workflow.concurrent_decision": (
            "审批请求 {value} 已被他人处理, 请刷新", "approval request {value} was decided by someone else; reload"),
    }
)

MESSAGES.update(
    {
        "quantity.too_large": (
            "{field} 超出单行上限 {limit}: {value}", "{field} is above the per-line limit of {limit}: {value}"),
    }
)
MESSAGES.update(
    {
        "sheet.group_mismatch": (
            "与同组第 {first_row} 行不一致: 同一组的 {column} 必须相同",
            "differs from row {first_row} of the same group: {column} must be the same on every row of a group",
        ),
        "opening.already_imported": (
            "站点 {value} 的这些期初库存已在另一天导入, 不再重复导入",
            "these opening balances of site {value} were already imported on another day: not imported again",
        ),
        "stocktake.wrong_sheet": (
            "盘点单号 {value} 与导入的盘点单 {number} 不符",
            "stocktake number {value} is not the sheet being imported ({number})",
        ),
    }
)
MESSAGES.update(
    {
        "asn.below_received": (
            "发货通知 {number} 不能把订单第 {value} 行的承诺量改为 {promised}: 已到货 {received}",
            "shipping notice {number} cannot promise {promised} of order line {value}: {received} already arrived",
        ),
        "asn.above_shipped": (
            "发货通知 {number} 订单第 {value} 行只发出 {shipped}, 不能承诺 {promised}; 追加发货请另开发货通知",
            "shipping notice {number} shipped {shipped} of order line {value}, it cannot promise {promised}; "
            "announce more goods on a new notice",
        ),
        "asn.exceeds_order": (
            "{field}: 采购订单 {number} 第 {value} 行订购 {ordered}, 已收 {received}, 其他发货通知在途 {in_transit}, "
            "不能再通知发货 {requested}",
            "{field}: order {number} line {value} ordered {ordered}, received {received}, {in_transit} in transit "
            "on other notices; {requested} more cannot be announced",
        ),
        "asn.exceeds_in_transit": (
            "{field}: 发货通知 {number} 订单第 {value} 行在途只有 {in_transit}, 不能收货 {requested}",
            "{field}: shipping notice {number} has {in_transit} of order line {value} in transit, not {requested}",
        ),
        "asn.tracked_item": (
            "物料 {value} 按 {tracking} 管理, 发货通知暂不支持批次或序列号: 请直接收货",
            "item {value} is tracked by {tracking}; shipping notices name no lots or serials yet: receive it directly",
        ),
        "asn.wrong_order": (
            "发货通知 {value} 不属于采购订单 {number}",
            "shipping notice {value} is not for purchase order {number}",
        ),
        "requisition.not_approved": (
            "请购单 {number} 状态为 {value}, 审批通过后才能转为采购订单",
            "requisition {number} is {value}: only an approved requisition becomes a purchase order",
        ),
        "requisition.line_converted": (
            "请购单 {number} 第 {value} 行已转为采购订单",
            "line {value} of requisition {number} is already on a purchase order",
        ),
    }
)
MESSAGES.update(
    {
        "workflow.not_delegator": (
            "{actor} 不能替 {value} 委托或撤销审批委托: 只有委托人本人或管理员可以",
            "{actor} cannot delegate or revoke for {value}: only the delegator or an administrator can",
        ),
        "workflow.delegation_not_found": ("找不到审批委托 {value}", "approval delegation {value} not found"),
        "workflow.delegation_users_only": (
            "{value} 不是用户, 不能委托审批",
            "{value} is not a user: only users delegate approvals",
        ),
    }
)
# The business-rule language (jxc.rules): parse errors point at a character; model errors name a JSON path.
MESSAGES.update(
    {
        "rules.unknown_word": (
            "第 {position} 个字符处的词「{value}」无法识别, 您是否想写: {suggestions}",
            "unknown word '{value}' at character {position}; did you mean: {suggestions}",
        ),
        "rules.unexpected_word": (
            "第 {position} 个字符处不应出现「{value}」", "'{value}' is not expected at character {position}",
        ),
        "rules.incomplete": ("规则在第 {position} 个字符处不完整", "the rule is incomplete at character {position}"),
        "rules.too_long": ("规则过长: {value}", "the rule is too long: {value}"),
        "rules.too_deep": ("规则嵌套过深: {value}", "the rule nests too deeply: {value}"),
        "rules.not_text": ("规则必须是文字", "a rule must be text"),
        "rules.unknown_language": ("无法识别的语言: {value}", "unknown language: {value}"),
        "rules.no_actions": ("规则至少需要一个动作", "a rule needs at least one action"),
        "rules.condition_required": ("这种触发方式需要条件", "this trigger needs a condition"),
        "rules.too_few_operands": ("{field} 至少需要两个条件", "{field} needs at least two conditions"),
        "rules.unsupported_version": ("不支持的规则版本 {value}", "unsupported rule version {value}"),
        "rules.unknown_kind": ("{field} 的类型未知: {value}", "{field} has an unknown kind: {value}"),
        "rules.duplicate_measure": ("{field} 重复给出了比较方式: {value}", "{field} names its measure twice: {value}"),
    }
)
for _code in ("bad_json", "bad_number", "bad_unit", "bad_subject", "bad_cron", "bad_calendar", "bad_metric",
              "bad_level", "bad_service_level", "bad_recipient", "bad_tag", "not_whole", "invalid"):
    MESSAGES[f"rules.{_code}"] = MESSAGES["field.invalid"]
