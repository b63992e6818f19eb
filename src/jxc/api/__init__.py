"""The HTTP API: FastAPI app assembly. Each context contributes a router (``<context>/api.py``)."""

from jxc.api.app import create_api

__all__ = ["create_api"]
