"""The ``jxc`` Typer app. Context command groups are added here; errors are mapped in ``JxcGroup``."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from jxc.access import services as access
from jxc.access.model import Principal
from jxc.bootstrap import App, bootstrap
from jxc.cli.output import report_error
from jxc.config import Settings
from jxc.kernel.errors import Forbidden, JxcError


class JxcGroup(TyperGroup):
    """Root command group: turns a JxcError from any command into one line and its exit code.

    This is the one place the CLI maps domain errors; doing it at the click level means the
    same mapping applies to the installed script and to ``CliRunner.invoke`` in tests.
    """

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except JxcError as error:
            if isinstance(error, Forbidden) and state.acting_as is not None:
                _audit_refusal(ctx, error)
            report_error(error, state.lang)
            ctx.exit(error.exit_code)


def _audit_refusal(ctx: Any, error: Forbidden) -> None:
    """A refusal under ``--as`` is audited like one over the API (in its own transaction)."""
    principal = state.principal()
    app = state.app()
    with app.uow() as uow:
        access.record_audit(
            uow, actor=principal.subject if principal else "anonymous", action=f"cli {ctx.invoked_subcommand}",
            resource=error.params.get("value", error.field) or "cli", outcome="refused",
            detail={"code": error.code, "field": error.field, "via": "cli",
                    **{k: str(v) for k, v in error.params.items()}},
        )


app = typer.Typer(
    cls=JxcGroup,
    name="jxc",
    help="jxc 进销存 — purchase, sales and inventory for multi-organisation companies.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


class CliState:
    """Per-invocation state: the wired application, built on first use."""

    def __init__(self) -> None:
        self.database_url: str | None = None
        self.lang = "en"
        self.acting_as: str | None = None
        self._app: App | None = None
        self._principal: Principal | None = None
        self._schema_checked = False

    def app(self, *, require_schema: bool = True) -> App:
        if self._app is None:
            settings = Settings()
            if self.database_url:
                settings.database_url = self.database_url
            self._app = bootstrap(settings)
        if require_schema and not self._schema_checked:
            self._app.require_initialised()
            self._schema_checked = True  # once: a second check inside a write transaction would block on it
        return self._app

    def principal(self) -> Principal | None:
        """Who the command acts as (``--as``), or ``None``: the local operator, who sees everything.

        The operator already holds the database itself; ``--as`` makes output follow a user's
        scope and field rules exactly as the API would for that user (an export for a regional
        manager, say).
        """
        if self.acting_as is None:
            return None
        if self._principal is None:
            app = self.app()
            with app.uow().reader() as uow:
                self._principal = access.principal_for_user(uow, access.get_user(uow, self.acting_as))
        return self._principal


state = CliState()


@app.callback()
def main(
    database_url: str | None = typer.Option(
        None, "--database-url", envvar="JXC_DATABASE_URL", help="SQLAlchemy URL; default: embedded SQLite."
    ),
    lang: str = typer.Option("en", "--lang", envvar="JXC_LANG", help="Message language: en or zh-CN."),
    acting_as: str | None = typer.Option(
        None, "--as", envvar="JXC_AS", metavar="USER",
        help="Show only what USER may see (their sites, masked fields); default: the local operator.",
    ),
) -> None:
    state.database_url = database_url
    state.lang = lang
    state.acting_as = acting_as
    state._app = None
    state._principal = None
    state._schema_checked = False


def _register_commands() -> None:
    from jxc.access.cli import register as register_access
    from jxc.catalog.cli import register as register_catalog
    from jxc.cli.admin import register as register_admin
    from jxc.documents.cli import register as register_documents
    from jxc.documents.cli_moves import register as register_moves
    from jxc.inventory.cli import register as register_inventory
    from jxc.org.cli import register as register_org
    from jxc.replenishment.cli import register as register_backtest
    from jxc.replenishment.cli_plan import register as register_replenish
    from jxc.signals.cli import register as register_signals

    register_admin(app)
    register_catalog(app)
    register_org(app)
    register_inventory(app)
    register_access(app)
    register_documents(app)
    register_moves(app)
    register_replenish(app)
    register_backtest(app)
    register_signals(app)


_register_commands()


def run() -> None:
    """Console-script entry point."""
    app()
