"""Accounting: inventory valuation (moving average, FIFO, specific lot), vouchers, account mapping
and intercompany settlement. ``valuation`` is the pure costing model the rest builds on."""
