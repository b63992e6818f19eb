"""Access context: identity (users, passwords, tokens, API keys), the access policy (roles,
row scopes by organisation / region / radius, field masks, posting rules) and the audit log.

Other contexts and the API use it through :mod:`jxc.access.services`, :func:`load_policy`
and the model types re-exported here.
"""

from jxc.access.model import (
    ACTIONS,
    MASK_TEXT,
    ApiKey,
    AuditEntry,
    FieldRule,
    Outcome,
    Policy,
    Principal,
    Role,
    Scope,
    ScopeSite,
    Session,
    SiteLike,
    Tokens,
    User,
    sites_in_scope,
)
from jxc.access.policy import default_policy, load_policy, parse_policy

__all__ = [
    "ACTIONS",
    "MASK_TEXT",
    "ApiKey",
    "AuditEntry",
    "FieldRule",
    "Outcome",
    "Policy",
    "Principal",
    "Role",
    "Scope",
    "ScopeSite",
    "Session",
    "SiteLike",
    "Tokens",
    "User",
    "default_policy",
    "load_policy",
    "parse_policy",
    "sites_in_scope",
]
