"""Navigation of this app (dangjian.core.registry): the audit log, for the audit administrator only."""

from dangjian.accounts.roles import Domain, Role
from dangjian.core.registry import NavItem, register_nav

register_nav(NavItem("审计日志", "audit:log", Domain.AUDIT, order=90, roles=frozenset({Role.AUDIT_ADMIN})))
