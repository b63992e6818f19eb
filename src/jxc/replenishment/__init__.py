"""Replenishment: service-level-driven safety stock, reorder points and order quantities."""
