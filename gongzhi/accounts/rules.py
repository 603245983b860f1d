"""Named permissions for accounts: the 三员 separation of duties.

GB/T 22239-2019 8.1.4.2 d asks that administrators hold only the privileges they need
and that their privileges be separated. The three administrators split the work so that
none can act for another:

- **系统管理员 (system administrator)** — the account lifecycle: creates business
  accounts with their initial roles, disables and re-enables them, resets passwords.
- **安全管理员 (security administrator)** — authorisation: grants and revokes roles,
  changes an account's jurisdiction, clears lockouts, resets a lost authenticator,
  revokes API tokens.
- **审计管理员 (audit administrator)** — reads: views accounts (read-only) and the ledger.

Every rule applies inside the administrator's jurisdiction only (a county-level
administrator manages the county's accounts). No administrator acts on their own account
(``is_self``). The three administrator accounts themselves are created, disabled and
reset by the operator on the command line (``manage.py create_user``), never through
the web, so that no administrator can create, take over or silence another
(``is_administrator_account``; enforced again in ``actions.py``).
"""

import rules

from gongzhi.accounts.models import Role
from gongzhi.accounts.predicates import (
    has_role,
    is_administrator_account,
    is_in_jurisdiction,
    is_self,
)

is_system_admin = has_role(Role.SYSTEM_ADMIN)
is_security_admin = has_role(Role.SECURITY_ADMIN)
is_audit_admin = has_role(Role.AUDIT_ADMIN)

# System administrator: the account lifecycle.
rules.add_perm("accounts.create_user", is_system_admin & is_in_jurisdiction)
rules.add_perm(
    "accounts.disable_user",
    is_system_admin & is_in_jurisdiction & ~is_self & ~is_administrator_account,
)
rules.add_perm(
    "accounts.reset_password",
    is_system_admin & is_in_jurisdiction & ~is_self & ~is_administrator_account,
)
# Any administrator reads accounts; the audit administrator only reads.
rules.add_perm(
    "accounts.view_user",
    (is_system_admin | is_security_admin | is_audit_admin) & is_in_jurisdiction,
)
# Security administrator: authorisation.
rules.add_perm("accounts.grant_role", is_security_admin & is_in_jurisdiction & ~is_self)
rules.add_perm("accounts.change_jurisdiction", is_security_admin & is_in_jurisdiction & ~is_self)
rules.add_perm("accounts.unlock_user", is_security_admin & is_in_jurisdiction & ~is_self)
rules.add_perm("accounts.reset_otp", is_security_admin & is_in_jurisdiction & ~is_self)
rules.add_perm("accounts.revoke_token", (is_security_admin & is_in_jurisdiction) | is_self)
# Audit administrator: the ledger.
rules.add_perm("ledger.view_event", is_audit_admin)
rules.add_perm("ledger.export_event", is_audit_admin)
