"""The ``jxc`` Typer app. Context command groups are added here; errors are mapped in ``JxcGroup``."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from jxc.bootstrap import App, bootstrap
from jxc.cli.output import report_error
from jxc.config import Settings
from jxc.kernel.errors import JxcError


class JxcGroup(TyperGroup):
    """Root command group: turns a JxcError from any command into one line and its exit code.

    This is the one place the CLI maps domain errors; doing it at the click level means the
    same mapping applies to the installed script and to ``CliRunner.invoke`` in tests.
    """

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except JxcError as error:
            report_error(error, state.lang)
            ctx.exit(error.exit_code)


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
        self._app: App | None = None

    def app(self, *, require_schema: bool = True) -> App:
        if self._app is None:
            settings = Settings()
            if self.database_url:
                settings.database_url = self.database_url
            self._app = bootstrap(settings)
        if require_schema:
            self._app.require_initialised()
        return self._app


state = CliState()


@app.callback()
def main(
    database_url: str | None = typer.Option(
        None, "--database-url", envvar="JXC_DATABASE_URL", help="SQLAlchemy URL; default: embedded SQLite."
    ),
    lang: str = typer.Option("en", "--lang", envvar="JXC_LANG", help="Message language: en or zh-CN."),
) -> None:
    state.database_url = database_url
    state.lang = lang
    state._app = None


def _register_commands() -> None:
    from jxc.access.cli import register as register_access
    from jxc.catalog.cli import register as register_catalog
    from jxc.cli.admin import register as register_admin
    from jxc.inventory.cli import register as register_inventory
    from jxc.org.cli import register as register_org

    register_admin(app)
    register_catalog(app)
    register_org(app)
    register_inventory(app)
    register_access(app)


_register_commands()


def run() -> None:
    """Console-script entry point."""
    app()
