"""Roles (product.md) and what each may do, in one table.

A role acts over the subtree of its account's organization; MEMBER acts only on its own records.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"
    STREET_STAFF = "street_staff", "街道党工委工作人员"
    COMMUNITY_WORKER = "community_worker", "社区党务工作者"
    BRANCH_SECRETARY = "branch_secretary", "支部书记"
    INSPECTOR = "inspector", "巡察组成员"
    MEMBER = "member", "党员"


class Domain(models.TextChoices):
    """What a permission is about."""

    ORGS = "orgs", "组织架构"
    RECORDS = "records", "党务记录"  # members and every record of Party work
    FINDINGS = "findings", "巡察问题"
    ACCOUNTS = "accounts", "账号"
    POLICY = "policy", "安全策略"
    AUDIT = "audit", "审计日志"


READ, WRITE = "read", "write"

# role -> domain -> highest action. Absent means no access at all (404, not merely hidden).
PERMISSIONS: dict[str, dict[str, str]] = {
    Role.SYSTEM_ADMIN: {Domain.ORGS: WRITE, Domain.ACCOUNTS: WRITE},
    Role.SECURITY_ADMIN: {Domain.POLICY: WRITE, Domain.ACCOUNTS: READ},
    Role.AUDIT_ADMIN: {Domain.AUDIT: READ},
    Role.STREET_STAFF: {Domain.ORGS: WRITE, Domain.RECORDS: WRITE, Domain.FINDINGS: WRITE},
    Role.COMMUNITY_WORKER: {Domain.ORGS: WRITE, Domain.RECORDS: WRITE, Domain.FINDINGS: READ},
    Role.BRANCH_SECRETARY: {Domain.ORGS: READ, Domain.RECORDS: WRITE, Domain.FINDINGS: READ},
    Role.INSPECTOR: {Domain.ORGS: READ, Domain.RECORDS: READ, Domain.FINDINGS: WRITE},
    Role.MEMBER: {Domain.RECORDS: READ},
}

# Roles that may reveal a member's full ID number and phone (each reveal is audited).
PII_ROLES = frozenset({Role.STREET_STAFF, Role.COMMUNITY_WORKER, Role.BRANCH_SECRETARY})

# 三员分立: these three are held by distinct accounts; a single role field makes combining impossible,
# and role grants refuse turning one of them into another without a new account.
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


def allows(role: str, domain: str, action: str = READ) -> bool:
    granted = PERMISSIONS.get(role, {}).get(domain)
    if granted is None:
        return False
    return action == READ or granted == WRITE
