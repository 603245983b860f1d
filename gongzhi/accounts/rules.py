"""Named permissions for accounts (三员 separation of duties)."""

import rules

from gongzhi.accounts.models import Role
from gongzhi.accounts.predicates import has_role, is_in_jurisdiction

is_system_admin = has_role(Role.SYSTEM_ADMIN)
is_security_admin = has_role(Role.SECURITY_ADMIN)
is_audit_admin = has_role(Role.AUDIT_ADMIN)

# The system administrator creates and disables accounts; the security administrator
# decides what they may do (roles, jurisdiction, unlocking); the audit administrator
# only reads the ledger. None of them can do another's part.
rules.add_perm("accounts.create_user", is_system_admin & is_in_jurisdiction)
rules.add_perm("accounts.disable_user", is_system_admin & is_in_jurisdiction)
rules.add_perm("accounts.view_user", (is_system_admin | is_security_admin | is_audit_admin) & is_in_jurisdiction)
rules.add_perm("accounts.grant_role", is_security_admin & is_in_jurisdiction)
rules.add_perm("accounts.change_jurisdiction", is_security_admin & is_in_jurisdiction)
rules.add_perm("accounts.unlock_user", is_security_admin & is_in_jurisdiction)
rules.add_perm("ledger.view_event", is_audit_admin)
rules.add_perm("ledger.export_event", is_audit_admin)
