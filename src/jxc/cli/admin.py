"""``jxc init`` and ``jxc demo``: set up the database and fill it with a demo network."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jxc.bootstrap import App
from jxc.cli.output import console, emit_json, err_console


def initialise(app: App, *, states_file: Path | None = None) -> None:
    """Migrate the schema to head, seed built-in states and the virtual sites (idempotent)."""
    from jxc.db.migrate import upgrade
    from jxc.inventory.state_store import load_states_file
    from jxc.org import services as org

    upgrade(app.engine)
    with app.uow() as uow:
        app.states.ensure_builtin(uow)
        uow.commit()
    with app.uow() as uow:
        org.ensure_virtual_sites(uow)
    if states_file is not None:
        custom = load_states_file(states_file)
        with app.uow() as uow:
            app.states.define(uow, custom)
            uow.commit()


def register(root: typer.Typer) -> None:
    @root.command("init")
    def init(
        states: Annotated[Path | None, typer.Option(help="TOML file with extra stock states.")] = None,
    ) -> None:
        """Create or upgrade the database (embedded SQLite unless JXC_DATABASE_URL is set)."""
        from jxc.cli.main import state

        app = state.app(require_schema=False)
        with err_console.status("migrating the database …"):
            initialise(app, states_file=states)
        console.print(f"[green]jxc database ready[/] at {app.engine.url.render_as_string()}")

    @root.command("serve")
    def serve(
        host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
        replenish: Annotated[bool, typer.Option(
            help="Run the replenishment loop in the background (every interval_minutes of the settings).")] = True,
    ) -> None:
        """Serve the HTTP API (/api/v1, docs at /api/v1/docs) and the replenishment loop."""
        import gc

        import uvicorn

        from jxc.api import create_api
        from jxc.cli.main import state
        from jxc.db.engine import checkpoint_in_background

        app = state.app()
        checkpoint_in_background(app.engine)
        api = create_api(app)
        # Start-up objects live as long as the server: keep the collector from rescanning them.
        gc.collect()
        gc.freeze()
        scheduler = None
        if replenish:
            from jxc.replenishment.scheduler import Scheduler

            scheduler = Scheduler(app.uow, app.planner)
            scheduler.start()
            console.print(f"replenishment loop every {scheduler.interval.total_seconds() / 60:g} min")
        console.print(f"jxc API on http://{host}:{port}/api/v1/docs")
        try:
            uvicorn.run(api, host=host, port=port, log_level="info")
        finally:
            if scheduler is not None:
                scheduler.stop()

    @root.command("demo")
    def demo(
        items: Annotated[int, typer.Option(help="Number of items.")] = 500,
        days: Annotated[int, typer.Option(help="Days of movement history.")] = 365,
        seed: Annotated[int, typer.Option(help="Random seed (same seed, same data).")] = 2026,
        as_json: Annotated[bool, typer.Option("--json")] = False,
    ) -> None:
        """Build a realistic demo network with a year of history, then print what to try next."""
        from jxc.cli.main import state
        from jxc.demo import build_demo
        from jxc.demo.documents import build_documents
        from jxc.demo.replenishment import build_replenishment
        from jxc.demo.users import DEMO_PASSWORD, ensure_demo_users

        app = state.app(require_schema=False)
        initialise(app)
        summary = build_demo(app, items=items, days=days, seed=seed, show_progress=not as_json)
        users = ensure_demo_users(app)
        documents = build_documents(app)
        planning = build_replenishment(app)
        if as_json:
            emit_json({**summary.as_dict(), "documents": documents.documents, "vouchers": documents.vouchers,
                       "sales_events": planning.events, "suggestions": planning.suggestions,
                       "pending_approvals": documents.pending_approvals, "sign_in": {
                "password": DEMO_PASSWORD, "users": [{"username": u.username, "role": u.role} for u in users]}})
        else:
            summary.print(console)
            console.print(f"[bold]Documents[/] {documents.documents} · [bold]vouchers[/] {documents.vouchers} · "
                          f"[bold]waiting for approval[/] {documents.pending_approvals} (sign in as director)")
            console.print(f"[bold]Replenishment[/] {planning.events:,} till sales as signals · "
                          f"{planning.suggestions} suggestions with reasons: [cyan]jxc replenish list[/], "
                          "approve with [cyan]jxc replenish approve ID[/]")
            console.print(f"[bold]Sign in[/] (API and console, password [cyan]{DEMO_PASSWORD}[/]): "
                          + ", ".join(f"[cyan]{u.username}[/] ({u.note})" for u in users))
