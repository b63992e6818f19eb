"""Live demand signals: sales events from tills and shops, aggregated into demand history."""
