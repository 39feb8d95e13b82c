"""Navigation of this app (dangjian.core.registry): the administrators' pages and, for everyone, the
account's own security page."""

from dangjian.accounts.roles import Domain, Role
from dangjian.core.registry import NavItem, register_nav

register_nav(NavItem("账号管理", "accounts:users", Domain.ACCOUNTS, order=80, roles=frozenset({Role.SYSTEM_ADMIN})))
register_nav(NavItem("角色授权", "accounts:roles", Domain.POLICY, order=80, roles=frozenset({Role.SECURITY_ADMIN})))
register_nav(NavItem("登录锁定", "accounts:locks", Domain.POLICY, order=81, roles=frozenset({Role.SECURITY_ADMIN})))
register_nav(NavItem("安全策略", "accounts:policy", Domain.POLICY, order=82, roles=frozenset({Role.SECURITY_ADMIN})))
register_nav(NavItem("账号安全", "accounts:security", Domain.ACCOUNTS, order=99, roles=frozenset(Role.values)))
