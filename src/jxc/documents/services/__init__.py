"""Document use cases (进 · 销 · 调 · 盘), each on one unit of work the caller commits.

- :mod:`.purchasing` — purchase orders, goods receipts, QC inspections, purchase returns
- :mod:`.sales`      — sales orders, shipments, sales returns
- :mod:`.approvals`  — submitting documents into their approval flows, decisions, level skips
- :mod:`.common`     — wiring, storage, numbering, history, code resolution
"""
