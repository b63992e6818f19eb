"""Catalog context: items, units and conversions, GS1 barcodes, categories, ABC class, suppliers, customers.

Other contexts use it through :mod:`jxc.catalog.services` and the model types re-exported here.
"""

from jxc.catalog.model import (
    KNOWN_UNITS,
    AbcClass,
    Customer,
    Item,
    ItemSpec,
    Supplier,
    TrackingMode,
)

__all__ = ["KNOWN_UNITS", "AbcClass", "Customer", "Item", "ItemSpec", "Supplier", "TrackingMode"]
