"""One exception hierarchy for the whole of jxc.

    JxcError                 code, field, params — no UI text (see jxc.kernel.messages)
    ├── InvalidInput         malformed or out-of-range input (bad quantity, unknown unit, bad barcode)
    ├── NotFound             a referenced thing does not exist (item, site, lot, reservation)
    ├── Conflict             the request clashes with current state
    │   ├── IdempotencyConflict   same idempotency key, different payload
    │   ├── IllegalTransition     state change not in the transition table
    │   └── InsufficientStock     a real bucket would go below zero
    ├── Unauthenticated      no valid credentials (bad password, expired token, unknown key)
    │   └── TooManyAttempts       login refused for a while after repeated failures
    ├── Forbidden            authenticated, but the policy does not allow it (action, scope, kind)
    └── (adapters translate third-party errors into these at the boundary)

The CLI maps these to one line and a non-zero exit code, the API to RFC 9457 problem
details; each in exactly one place.
"""

from __future__ import annotations

from typing import Any


class JxcError(Exception):
    """Base of every error jxc raises on purpose."""

    exit_code = 1
    http_status = 400

    def __init__(self, code: str, *, field: str | None = None, **params: Any) -> None:
        self.code = code
        self.field = field
        self.params = params
        super().__init__(f"{code} field={field} {params}" if field else f"{code} {params}")

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "field": self.field, "params": {k: str(v) for k, v in self.params.items()}}


class InvalidInput(JxcError):
    exit_code = 2
    http_status = 422


class NotFound(JxcError):
    exit_code = 3
    http_status = 404


class Conflict(JxcError):
    exit_code = 4
    http_status = 409


class IdempotencyConflict(Conflict):
    pass


class IllegalTransition(Conflict):
    pass


class InsufficientStock(Conflict):
    pass


class Unauthenticated(JxcError):
    """No valid credentials: wrong password, unknown user, invalid or expired token or key."""

    exit_code = 6
    http_status = 401


class TooManyAttempts(Unauthenticated):
    """Login refused until the failure window passes (``params['retry_after']`` in seconds)."""

    http_status = 429


class Forbidden(JxcError):
    """The caller is known, but the access policy does not allow the request."""

    exit_code = 5
    http_status = 403
