"""Wire jxc once: settings → engine → unit-of-work factory → context services.

The API, the CLI and (later) the edge runtime all start here; nothing connects at import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine, inspect

from jxc.access.model import Policy
from jxc.access.policy import load_policy
from jxc.accounting.services import Books
from jxc.config import Settings
from jxc.db.engine import build_engine
from jxc.db.uow import SqlUnitOfWork
from jxc.documents.services.common import Wiring
from jxc.inventory.queries import StockQueries
from jxc.inventory.reservations import Reservations
from jxc.inventory.services import Ledger
from jxc.inventory.state_store import StateStore
from jxc.kernel.clock import Clock, SystemClock
from jxc.kernel.errors import JxcError
from jxc.kernel.events import EventBus
from jxc.wiring import CatalogItemDirectory, OrgSiteDirectory


@dataclass
class App:
    settings: Settings
    engine: Engine
    clock: Clock = field(default_factory=SystemClock)
    bus: EventBus = field(default_factory=EventBus)
    items: CatalogItemDirectory = field(default_factory=CatalogItemDirectory)
    sites: OrgSiteDirectory = field(default_factory=OrgSiteDirectory)
    states: StateStore = field(default_factory=StateStore)

    _policy: Policy | None = None
    _secret: str | None = None

    @property
    def policy(self) -> Policy:
        """The access policy (the packaged one unless JXC_POLICY_FILE names another), loaded once."""
        if self._policy is None:
            self._policy = load_policy(self.settings.policy_file)
        return self._policy

    @property
    def secret(self) -> str:
        if self._secret is None:
            self._secret = self.settings.resolved_secret_key()
        return self._secret

    def __post_init__(self) -> None:
        from jxc.access.services import forget_scope_sites
        from jxc.org.model import SiteRegistered

        self.bus.subscribe(SiteRegistered, forget_scope_sites)
        self.ledger = Ledger(items=self.items, sites=self.sites, states=self.states)
        self.reservations = Reservations(self.ledger)
        self.stock = StockQueries(items=self.items, sites=self.sites)
        self.books = Books()
        self.documents = Wiring(ledger=self.ledger, books=self.books)
        from jxc.replenishment.forecast_estimator import EngineEstimator
        from jxc.replenishment.services import Planner

        self.planner = Planner(stock=self.stock, estimator=EngineEstimator())

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, clock=self.clock, bus=self.bus)

    @property
    def uow_factory(self) -> Callable[[], SqlUnitOfWork]:
        return self.uow

    def require_initialised(self) -> None:
        try:
            tables = set(inspect(self.engine).get_table_names())
        except Exception as exc:  # driver errors differ per backend; translate at the boundary
            raise JxcError(
                "database.unavailable", value=self.engine.url.render_as_string(), reason=str(exc)
            ) from exc
        if "inv_movements" not in tables:
            raise JxcError("database.not_initialised")


def bootstrap(
    settings: Settings | None = None, *, engine: Engine | None = None, clock: Clock | None = None
) -> App:
    settings = settings or Settings()
    engine = engine or build_engine(settings.resolved_database_url())
    return App(settings=settings, engine=engine, clock=clock or SystemClock())
