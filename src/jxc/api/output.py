"""Every response body leaves through the access policy's field rules (mask / hide)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from fastapi import Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from jxc.access.model import Principal
from jxc.bootstrap import App
from jxc.exports import ExportFormat, masked_table, parse_format, render

EXPORT_LIMIT = 100_000
FORMAT_QUERY = Query(pattern="^(csv|xlsx)$", description="csv (UTF-8 with BOM) or xlsx")
EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {
    "text/csv": {"schema": {"type": "string"}},
    ExportFormat.XLSX.media_type: {"schema": {"type": "string", "format": "binary"}},
}}}


def masked(app: App, principal: Principal, resource: str, body: BaseModel, *, status_code: int = 200,
           headers: dict[str, str] | None = None) -> JSONResponse:
    """``body`` as JSON with the fields ``principal`` may not see masked ("***") or removed."""
    data: Any = body.model_dump(mode="json", by_alias=True)
    return JSONResponse(app.policy.mask(principal, resource, data), status_code=status_code, headers=headers)


def file_response(
    app: App, principal: Principal, *, resource: str, title: str, columns: Sequence[str],
    rows: Iterable[Mapping[str, Any]], fmt: str,
) -> Response:
    """A CSV or Excel download of ``rows``, masked by the same field rules as JSON responses."""
    export_format = parse_format(fmt)
    table = masked_table(app.policy, principal, resource=resource, title=title, columns=columns, rows=rows)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return Response(
        render(table, export_format), media_type=export_format.media_type,
        headers={"Content-Disposition": f'attachment; filename="jxc-{title}-{stamp}.{export_format.value}"'},
    )
