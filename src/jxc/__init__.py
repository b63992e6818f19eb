"""jxc — purchase, sales and inventory (进销存) for multi-organisation companies.

The package is a modular monolith: one sub-package per bounded context
(``catalog``, ``org``, ``inventory`` …) over a shared ``kernel``. Wiring happens
in :func:`jxc.bootstrap.bootstrap`; nothing connects or reads settings at import.
"""

__version__ = "0.1.0"
