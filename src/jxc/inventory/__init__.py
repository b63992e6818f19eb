"""The stock ledger: buckets, append-only idempotent movements, states, lots, serials,
reservations, balances (projections) and ATP."""
