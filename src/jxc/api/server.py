"""``jxc.api.server:api`` — the ASGI application for uvicorn workers (settings from JXC_ environment)."""

from __future__ import annotations

import gc

from jxc.api.app import create_api
from jxc.bootstrap import bootstrap
from jxc.db.engine import checkpoint_in_background

_app = bootstrap()
checkpoint_in_background(_app.engine)
api = create_api(_app)
# Start-up objects live as long as the server: keep the collector from rescanning them.
gc.collect()
gc.freeze()
