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
