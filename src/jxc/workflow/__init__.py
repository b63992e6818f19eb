"""Approval workflow: which flow a document goes through, and who may decide each level.

- :mod:`jxc.workflow.model` — flows, levels, approval requests and their transitions
  (start, approve, reject, skip a level, cancel), delegations, the inbox. Pure: standard
  library and ``jxc.kernel`` only, no clock (times are passed in).
- :mod:`jxc.workflow.config` — the flow file (``flows.toml`` next to this module is the
  packaged default) parsed into model objects.

Approvers are named by user name and role name strings, so this context does not depend on
``jxc.access``; services pass the caller's roles in. See ``docs/approvals.md``.
"""
