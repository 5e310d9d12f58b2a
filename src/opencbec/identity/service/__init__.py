"""Identity use cases: organisations, users, login and sessions, API keys, record sharing.

Every function takes the session first and flushes, never commits; every change writes its
audit row in the same transaction. Other domains import this package as
`from opencbec.identity import service as identity_service`.
"""

from opencbec.audit import service as _audit_service
from opencbec.identity.service.api_keys import (
    API_KEY_PREFIX,
    create_api_key,
    issue_api_key,
    key_principal,
    list_api_keys,
    resolve_api_key,
    revoke_api_key,
    revoke_own_api_key,
    touch_api_key,
)
from opencbec.identity.service.organisations import (
    count_by_role,
    create_organisation,
    get_organisation,
    get_organisation_by_code,
    list_organisations,
    organisation_principal,
    roles_of,
)
from opencbec.identity.service.sessions import (
    LoginFailure,
    LoginOutcome,
    ResolvedSession,
    login,
    logout,
    principal_for_user,
    resolve_session,
    set_user_locale,
    touch_session,
)
from opencbec.identity.service.sharing import (
    require_change,
    share_record,
    unshare_record,
    visible,
    visible_clause,
)
from opencbec.identity.service.users import (
    add_user,
    change_password,
    configure_password_hashing,
    create_user,
    get_user,
    hash_password,
    list_users,
    onboard_organisation,
    set_user_active,
)
from opencbec.kit.i18n import N_

_audit_service.describe_actions(
    {
        "identity.organisation.create": N_("Organisation registered"),
        "identity.user.create": N_("User created"),
        "identity.user.enable": N_("User enabled"),
        "identity.user.disable": N_("User disabled"),
        "identity.user.change_password": N_("Password changed"),
        "identity.user.lock": N_("Account locked after failed logins"),
        "identity.login": N_("Logged in"),
        "identity.login.fail": N_("Failed login"),
        "identity.logout": N_("Logged out"),
        "identity.api_key.create": N_("API key created"),
        "identity.api_key.revoke": N_("API key revoked"),
        "identity.share.grant": N_("Record shared"),
        "identity.share.revoke": N_("Record sharing withdrawn"),
    }
)

__all__ = [
    "API_KEY_PREFIX",
    "LoginFailure",
    "LoginOutcome",
    "ResolvedSession",
    "add_user",
    "change_password",
    "configure_password_hashing",
    "count_by_role",
    "create_api_key",
    "create_organisation",
    "create_user",
    "get_organisation",
    "get_organisation_by_code",
    "get_user",
    "hash_password",
    "issue_api_key",
    "key_principal",
    "list_api_keys",
    "list_organisations",
    "list_users",
    "login",
    "logout",
    "onboard_organisation",
    "organisation_principal",
    "principal_for_user",
    "require_change",
    "resolve_api_key",
    "resolve_session",
    "revoke_api_key",
    "revoke_own_api_key",
    "roles_of",
    "set_user_active",
    "set_user_locale",
    "share_record",
    "touch_api_key",
    "touch_session",
    "unshare_record",
    "visible",
    "visible_clause",
]
