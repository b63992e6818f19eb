"""Document use cases (进 · 销 · 调 · 盘), each on one unit of work the caller commits.

- :mod:`.purchasing` — purchase orders, goods receipts, QC inspections, purchase returns
- :mod:`.asn`        — shipping notices: goods in transit, revisions, receipts against them, supplier reliability
- :mod:`.requisitions` — purchase requisitions and their conversion into purchase orders
- :mod:`.sales`      — sales orders, shipments, sales returns
- :mod:`.transfers`  — transfer orders: ship, receive, close with shortages (internal and intercompany)
- :mod:`.stocktake`  — stocktake sheets: snapshot, counts, variances posted as valued adjustments
- :mod:`.opening`    — opening balances (期初库存): a valued posting and its voucher, no document
- :mod:`.landed`     — landed costs shared over a goods receipt's lines
- :mod:`.approvals`  — submitting documents into their approval flows, decisions, level skips
- :mod:`.common`     — wiring, storage, numbering, history, code resolution
- :mod:`.postings`   — movements per command line, valuing, booking per template, keyed replays
"""
