"""Demand forecasting (issue 5): classification, per-class models, calibrated quantiles, cold start.

- :mod:`jxc.forecasting.model` — pure: demand classes (ADI / CV²) and accuracy measures.
- :mod:`jxc.forecasting.engine` — ``forecast(df, h)`` on statsforecast / mlforecast (numpy, pandas).

Importing this package loads only the pure model; the engine and its numerical dependencies
load when ``jxc.forecasting.engine`` is imported.
"""

from jxc.forecasting.model import DEFAULT_LEVELS, DemandClass, classify, demand_profile

__all__ = ["DEFAULT_LEVELS", "DemandClass", "classify", "demand_profile"]
