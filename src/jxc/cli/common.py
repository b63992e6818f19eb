"""What every context's commands share: the wired application and the ``--json`` option."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from jxc.access.model import Principal
from jxc.bootstrap import App
from jxc.exports import masked_table, parse_format, render

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def current_app() -> App:
    """The application wired for this invocation (built on first use)."""
    from jxc.cli.main import state  # imported here: jxc.cli.main imports the context command modules

    return state.app()


def acting_principal() -> Principal | None:
    """The ``--as`` user's principal, or ``None`` for the local operator."""
    from jxc.cli.main import state

    return state.principal()


def shown(resource: str, data: Any) -> Any:
    """``data`` (a dataclass, a dict or a list of them) with the ``--as`` user's field rules applied."""
    if isinstance(data, list):
        return [shown(resource, row) for row in data]
    row = asdict(data) if is_dataclass(data) and not isinstance(data, type) else data
    principal = acting_principal()
    return row if principal is None else current_app().policy.mask(principal, resource, row)


def export_file(
    *, resource: str, title: str, columns: Sequence[str], rows: Iterable[Mapping[str, Any]], fmt: str, out: Path,
) -> int:
    """Write ``rows`` to ``out`` as CSV or Excel through the ``--as`` user's field rules; the row count."""
    table = masked_table(current_app().policy, acting_principal(), resource=resource, title=title,
                         columns=columns, rows=rows)
    out.write_bytes(render(table, parse_format(fmt)))
    return len(table.rows)


FormatOpt = Annotated[str, typer.Option("--format", help="csv or xlsx.")]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="File to write.", dir_okay=False)]
