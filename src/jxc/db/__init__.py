"""Persistence plumbing shared by the contexts: engine, column types, unit of work, migrations."""
