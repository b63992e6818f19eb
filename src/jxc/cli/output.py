"""Rendering for the CLI: Rich tables for people, ``--json`` for machines, one-line errors.

Errors are mapped to text and exit codes here and nowhere else.
"""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from jxc.kernel.errors import JxcError
from jxc.kernel.messages import render

console = Console()
err_console = Console(stderr=True)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value.normalize())
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(data: Any) -> str:
    return json.dumps(data, default=_default, ensure_ascii=False, indent=2)


def emit_json(data: Any) -> None:
    sys.stdout.write(to_json(data) + "\n")


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(_default(value))
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    tbl = Table(title=title, header_style="bold cyan")
    for column in columns:
        tbl.add_column(column)
    for row in rows:
        tbl.add_row(*(text(v) for v in row))
    console.print(tbl)




def report_error(error: JxcError, lang: str) -> None:
    """One line on stderr: the machine code, the offending field, the message in ``lang``."""
    field = f" {error.field}:" if error.field else ""
    err_console.print(
        f"[bold red]error[/] {escape('[' + error.code + ']')}{escape(field)} {escape(render(error, lang))}",
        highlight=False, soft_wrap=True,
    )
