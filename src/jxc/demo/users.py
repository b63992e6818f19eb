"""Demo sign-ins, one per kind of user the console shows differently (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass

from jxc.access import services as access
from jxc.bootstrap import App
from jxc.kernel.errors import NotFound

DEMO_PASSWORD = "jxc-demo-2026"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    note: str


def ensure_demo_users(app: App, *, prefix: str = "") -> list[DemoUser]:
    """A purchasing director (everything), a 华东 regional manager (200 km around WH-SH, costs
    masked) and a store clerk at ST-SH-01 — created once, all with ``DEMO_PASSWORD``."""
    users = [
        (DemoUser(f"{prefix}director".lower(), "purchasing_director", "采购总监 · whole network"), {}),
        (DemoUser(f"{prefix}east-manager".lower(), "regional_manager", "区域经理 · 华东, 200 km of WH-SH"),
         {"region": "华东", "home_site": f"{prefix}WH-SH", "radius_km": 200}),
        (DemoUser(f"{prefix}clerk".lower(), "store_clerk", "门店店员 · ST-SH-01"),
         {"home_site": f"{prefix}ST-SH-01", "radius_km": 1}),
    ]
    for user, scope in users:
        with app.uow() as uow:
            try:
                access.get_user(uow, user.username)
                continue
            except NotFound:
                pass
        with app.uow() as uow:
            access.add_user(uow, username=user.username, password=DEMO_PASSWORD, roles=[user.role],
                            display_name=user.note.split(" · ")[0], **scope)  # type: ignore[arg-type]
    return [user for user, _ in users]
