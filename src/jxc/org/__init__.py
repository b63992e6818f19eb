"""Org context: organisations (legal entities), sites (warehouse, store, channel, virtual), bins, projects, geo.

Other contexts use it through :mod:`jxc.org.services` and the model types re-exported here.
"""

from jxc.org.model import (
    VIRTUAL_SITE_CODES,
    Bin,
    BinSpec,
    Organisation,
    Project,
    ProjectStatus,
    Relation,
    Site,
    SiteKind,
    VirtualRole,
    haversine_km,
)

__all__ = [
    "VIRTUAL_SITE_CODES",
    "Bin",
    "BinSpec",
    "Organisation",
    "Project",
    "ProjectStatus",
    "Relation",
    "Site",
    "SiteKind",
    "VirtualRole",
    "haversine_km",
]
