"""Validation of free text fields (names, contacts): trimmed, present when required, bounded."""

from __future__ import annotations

from jxc.kernel.errors import InvalidInput


def required_text(value: object, *, field: str, limit: int) -> str:
    """The trimmed text, or ``field.required`` / ``field.invalid`` naming the field."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("field.required", field=field)
    text = value.strip()
    if len(text) > limit:
        raise InvalidInput("field.invalid", field=field, value=text, reason=f"longer than {limit} characters")
    return text


def optional_text(value: object, *, field: str, limit: int) -> str | None:
    """Like :func:`required_text`, but empty or missing is ``None``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return required_text(value, field=field, limit=limit)


CODE_MAX = 64


def business_code(value: object, *, field: str) -> str:
    """A business code (sku, site, organisation, partner code): trimmed, 1–64 characters, no inner whitespace."""
    code = required_text(value, field=field, limit=CODE_MAX)
    if any(ch.isspace() for ch in code):
        raise InvalidInput("field.invalid", field=field, value=code, reason="contains whitespace")
    return code
