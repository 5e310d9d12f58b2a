"""Identity services and the authorisation rule."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, select
from sqlalchemy.orm import Session

from opencbec.errors import Conflict, Forbidden, InvalidInput, NotFound
from opencbec.identity import service
from opencbec.identity.models import Department, OrgRole
from opencbec.identity.rules import (
    Principal,
    can_change,
    can_read,
    has_scope,
    regulator_may_read,
    validate_password,
)
from tests.factories.identity import ACTOR, PASSWORD, make_key, make_org, make_user, principal_of


def test_organisation_rules(session: Session) -> None:
    with pytest.raises(InvalidInput) as bad_code:
        service.create_organisation(
            session,
            actor=ACTOR,
            code="Bad Code",
            name_zh="甲",
            name_en="A",
            roles=[OrgRole.PAYMENT],
        )
    assert bad_code.value.errors[0].field == "code"
    with pytest.raises(InvalidInput) as no_role:
        service.create_organisation(
            session, actor=ACTOR, code="ok-code", name_zh="甲", name_en="A", roles=[]
        )
    assert no_role.value.errors[0].field == "roles"
    with pytest.raises(InvalidInput) as no_dept:
        service.create_organisation(
            session,
            actor=ACTOR,
            code="ok-code",
            name_zh="甲",
            name_en="A",
            roles=[OrgRole.REGULATOR],
        )
    assert no_dept.value.errors[0].field == "department"
    with pytest.raises(InvalidInput):
        service.create_organisation(
            session,
            actor=ACTOR,
            code="ok-code",
            name_zh="甲",
            name_en="A",
            roles=[OrgRole.PAYMENT],
            department=Department.TAX,
        )
    org = service.create_organisation(
        session,
        actor=ACTOR,
        code="ok-code",
        name_zh="甲",
        name_en="A",
        roles=[OrgRole.PAYMENT, OrgRole.LOGISTICS],
    )
    loaded = service.get_organisation(session, org.id)
    assert loaded is not None
    assert service.roles_of(loaded) == {OrgRole.PAYMENT, OrgRole.LOGISTICS}
    with pytest.raises(Conflict):
        service.create_organisation(
            session, actor=ACTOR, code="ok-code", name_zh="乙", name_en="B", roles=[OrgRole.PAYMENT]
        )


def test_user_rules(session: Session) -> None:
    org = make_org(session)
    for username, password, field in [
        ("ab", PASSWORD, "username"),
        ("Has Space", PASSWORD, "username"),
        ("good.name", "short", "password"),
        ("good.name", "good.name", "password"),
        ("good.name", "aaaaaaaaaaaa", "password"),
        ("good.name", "x" * 300, "password"),
    ]:
        with pytest.raises(InvalidInput) as exc:
            service.create_user(
                session,
                actor=ACTOR,
                organisation_id=org.id,
                username=username,
                display_name="x",
                password=password,
            )
        assert exc.value.errors[0].field == field, (username, password)
    with pytest.raises(InvalidInput):
        service.create_user(
            session,
            actor=ACTOR,
            organisation_id=999_999,
            username="nobody.here",
            display_name="x",
            password=PASSWORD,
        )
    user = service.create_user(
        session,
        actor=ACTOR,
        organisation_id=org.id,
        username=" Mixed.Case ",
        display_name="",
        password=PASSWORD,
    )
    assert user.username == "mixed.case"
    assert user.display_name == "mixed.case"
    assert user.password_hash.startswith("$argon2id$")
    with pytest.raises(Conflict):
        service.create_user(
            session,
            actor=ACTOR,
            organisation_id=org.id,
            username="mixed.case",
            display_name="x",
            password=PASSWORD,
        )


def test_password_rules_pass_and_fail() -> None:
    assert validate_password("a-good-password", username="bob") is None
    assert validate_password("short", username="bob") is not None


def test_login_outcomes(session: Session) -> None:
    user = make_user(session, make_org(session))
    kwargs = {
        "max_failures": 3,
        "lockout": dt.timedelta(minutes=5),
        "session_lifetime": dt.timedelta(hours=1),
    }
    assert (
        service.login(session, username="nobody", password="x", **kwargs).failure
        is service.LoginFailure.BAD_CREDENTIALS
    )
    ok = service.login(session, username=user.username.upper(), password=PASSWORD, **kwargs)
    assert ok.token is not None
    assert ok.user is not None
    resolved = service.resolve_session(session, token=ok.token, idle=dt.timedelta(minutes=30))
    assert resolved is not None
    assert resolved.principal.user_id == user.id
    assert (
        service.resolve_session(session, token="not-a-token", idle=dt.timedelta(minutes=30)) is None
    )
    service.logout(session, token=ok.token)
    service.logout(session, token=ok.token)  # idempotent
    assert service.resolve_session(session, token=ok.token, idle=dt.timedelta(minutes=30)) is None
    for _ in range(3):
        outcome = service.login(
            session, username=user.username, password="wrong-password", **kwargs
        )
    assert outcome.failure is service.LoginFailure.LOCKED
    assert outcome.locked_until is not None


def test_org_admin_rules(session: Session) -> None:
    org = make_org(session)
    admin, clerk = make_user(session, org), make_user(session, org, admin=False)
    p_admin, p_clerk = principal_of(session, admin), principal_of(session, clerk)
    with pytest.raises(Forbidden):
        service.add_user(
            session, principal=p_clerk, username="newbie", display_name="n", password=PASSWORD
        )
    with pytest.raises(Conflict):
        service.set_user_active(session, principal=p_admin, user_id=admin.id, active=False)
    with pytest.raises(NotFound):
        service.set_user_active(session, principal=p_admin, user_id=999_999, active=False)
    with pytest.raises(Forbidden):
        service.create_api_key(
            session, principal=p_clerk, name="k", scopes=["audit:read"], valid_days=1, max_days=10
        )


def test_api_key_rules(session: Session) -> None:
    org = make_org(session)
    with pytest.raises(InvalidInput):
        service.issue_api_key(
            session,
            actor=ACTOR,
            organisation_id=org.id,
            name=" ",
            scopes=["audit:read"],
            valid_days=1,
            max_days=10,
        )
    with pytest.raises(InvalidInput):
        service.issue_api_key(
            session,
            actor=ACTOR,
            organisation_id=org.id,
            name="k",
            scopes=[],
            valid_days=1,
            max_days=10,
        )
    secret = make_key(session, org, scopes=("audit:read",))
    principal = service.resolve_api_key(session, token=secret)
    assert principal is not None
    assert principal.scopes == {"audit:read"}
    assert has_scope(principal, "audit:read")
    assert not has_scope(principal, "identity:read")
    with pytest.raises(ValueError, match="unknown scope"):
        has_scope(principal, "nope:nope")
    assert service.resolve_api_key(session, token="ocb_missing_secret") is None
    assert service.resolve_api_key(session, token="bearer-junk") is None
    assert principal.api_key_id is not None
    service.revoke_api_key(
        session, actor=ACTOR, organisation_id=org.id, key_id=principal.api_key_id
    )
    service.revoke_api_key(
        session, actor=ACTOR, organisation_id=org.id, key_id=principal.api_key_id
    )  # idempotent
    assert service.resolve_api_key(session, token=secret) is None
    other = make_org(session)
    with pytest.raises(NotFound):
        service.revoke_api_key(
            session, actor=ACTOR, organisation_id=other.id, key_id=principal.api_key_id
        )


def _principal(org_id: int, roles: set[OrgRole], department: Department | None = None) -> Principal:
    return Principal(
        organisation_id=org_id,
        organisation_code="x",
        organisation_name_zh="x",
        organisation_name_en="x",
        roles=frozenset(roles),
        department=department,
        label="x",
    )


def test_read_and_change_rules() -> None:
    seller = _principal(1, {OrgRole.ECOMMERCE_ENTERPRISE})
    customs = _principal(2, {OrgRole.REGULATOR}, Department.CUSTOMS)
    tax = _principal(3, {OrgRole.REGULATOR}, Department.TAX)
    zone = _principal(4, {OrgRole.ZONE_ADMINISTRATION})
    assert can_read(
        seller, owner_organisation_id=1, object_type="clearance.inventory", shared_with_me=False
    )
    assert not can_read(
        seller, owner_organisation_id=9, object_type="clearance.inventory", shared_with_me=False
    )
    assert can_read(
        seller, owner_organisation_id=9, object_type="clearance.inventory", shared_with_me=True
    )
    assert can_read(
        customs, owner_organisation_id=9, object_type="clearance.inventory", shared_with_me=False
    )
    assert not regulator_may_read(tax, "logistics.waybill")
    assert regulator_may_read(tax, "tax.bill")
    assert not regulator_may_read(customs, "identity.user")
    assert not can_read(
        zone, owner_organisation_id=9, object_type="clearance.inventory", shared_with_me=False
    )
    assert can_change(seller, owner_organisation_id=1)
    assert not can_change(customs, owner_organisation_id=9)


def test_visible_filter_follows_shares_and_entitlements(session: Session) -> None:
    """The one query filter every domain uses: own rows, shared rows, a regulator's domains."""
    things = Table(
        "test_shared_things",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("owner", Integer),
        Column("label", String(20)),
    )
    things.create(session.connection())
    owner, partner, stranger = make_org(session), make_org(session), make_org(session)
    customs = make_org(session, roles=(OrgRole.REGULATOR,), department=Department.CUSTOMS)
    post = make_org(session, roles=(OrgRole.REGULATOR,), department=Department.POST)
    session.execute(
        things.insert(),
        [{"id": 1, "owner": owner.id, "label": "a"}, {"id": 2, "owner": owner.id, "label": "b"}],
    )
    owner_p = principal_of(session, make_user(session, owner))
    partner_p = principal_of(session, make_user(session, partner))

    def visible_ids(org_id: int, object_type: str = "clearance.thing") -> set[int]:
        org = service.get_organisation(session, org_id)
        assert org is not None
        p = _principal(
            org.id,
            set(service.roles_of(org)),
            Department(org.department) if org.department else None,
        )
        stmt = service.visible(
            select(things.c.id),
            p,
            object_type=object_type,
            owner_column=things.c.owner,
            id_column=things.c.id,
        )
        return set(session.scalars(stmt))

    def share(principal: Principal, object_id: int, grantee_id: int, purpose: str) -> object:
        return service.share_record(
            session,
            principal=principal,
            object_type="clearance.thing",
            object_id=object_id,
            owner_organisation_id=owner.id,
            grantee_organisation_id=grantee_id,
            purpose=purpose,
        )

    assert visible_ids(owner.id) == {1, 2}
    assert visible_ids(partner.id) == set()
    share(owner_p, 1, partner.id, "three-order check")
    assert visible_ids(partner.id) == {1}
    assert visible_ids(stranger.id) == set()
    assert visible_ids(customs.id) == {1, 2}
    assert visible_ids(post.id, "finance.thing") == set()
    with pytest.raises(NotFound):
        share(partner_p, 2, stranger.id, "x")
    with pytest.raises(InvalidInput):
        share(owner_p, 2, owner.id, "x")
    with pytest.raises(InvalidInput):
        share(owner_p, 2, partner.id, " ")
    service.unshare_record(
        session,
        principal=owner_p,
        object_type="clearance.thing",
        object_id=1,
        grantee_organisation_id=partner.id,
    )
    assert visible_ids(partner.id) == set()
    with pytest.raises(NotFound):
        service.unshare_record(
            session,
            principal=owner_p,
            object_type="clearance.thing",
            object_id=1,
            grantee_organisation_id=partner.id,
        )
    # Sharing again revives the same row.
    share(owner_p, 1, partner.id, "again")
    assert visible_ids(partner.id) == {1}
    service.require_change(owner_p, owner_organisation_id=owner.id)
    with pytest.raises(NotFound):
        service.require_change(partner_p, owner_organisation_id=owner.id)


def test_directory_is_for_zone_and_regulators(session: Session) -> None:
    seller = principal_of(session, make_user(session, make_org(session)))
    zone = principal_of(
        session, make_user(session, make_org(session, roles=(OrgRole.ZONE_ADMINISTRATION,)))
    )
    with pytest.raises(Forbidden):
        service.list_organisations(session, principal=seller)
    assert len(service.list_organisations(session, principal=zone)) >= 2
    counts = dict(service.count_by_role(session))
    assert counts[OrgRole.ZONE_ADMINISTRATION] >= 1
