"""Documents context: purchase, receipt, QC, sales, shipment, return, transfer and stocktake documents.

The pure model (lifecycle, numbering, amounts and each document's rules) is :mod:`jxc.documents.model`.
Documents never touch the ledger themselves: their transitions return events, and the services post
the matching movements through ``jxc.inventory.services``.
"""
