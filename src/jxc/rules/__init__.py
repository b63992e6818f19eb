"""Business rules (issue 6): the rule model and its controlled natural language (zh, en)."""
