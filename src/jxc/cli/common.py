"""What every context's commands share: the wired application and the ``--json`` option."""

from __future__ import annotations

from typing import Annotated

import typer

from jxc.bootstrap import App

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def current_app() -> App:
    """The application wired for this invocation (built on first use)."""
    from jxc.cli.main import state  # imported here: jxc.cli.main imports the context command modules

    return state.app()
