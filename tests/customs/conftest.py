"""Customs link fixtures: the demo zone, a signing key made once, an echo that answers like customs."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from opencbec.customs import service
from opencbec.customs.gateway import FolderExchange
from opencbec.customs.keys import make_dev_key, platform_signer
from opencbec.demo import service as demo_service
from opencbec.identity import service as identity_service
from opencbec.identity.models import User
from opencbec.identity.rules import Principal
from opencbec.settings import Settings

IMPORT_READY = "MYMALL202611110004"  # the demo's ready bonded import set (declared by the seller)
EXPORT_READY = "MYMALLEX202611200001"


@pytest.fixture(scope="session")
def key_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("keys")
    key, cert = folder / "link.key.pem", folder / "link.cert.pem"
    make_dev_key(key, cert, common_name="OpenCBEC tests")
    return key, cert


@pytest.fixture
def link_settings(tmp_path: Path, key_pair: tuple[Path, Path]) -> Settings:
    return Settings(
        env="test",  # type: ignore[arg-type]
        var_dir=tmp_path,
        load_demo=False,
        signing_key_file=key_pair[0],
        signing_cert_file=key_pair[1],
    )


@pytest.fixture
def envelope(link_settings: Settings) -> service.Envelope:
    return service.Envelope(platform_signer(link_settings), "DXPENT0000000001")


@pytest.fixture
def folders(link_settings: Settings) -> FolderExchange:
    return service.gateway_for(link_settings)


@pytest.fixture
def zone(session: Session, tmp_path: Path) -> dict[str, Principal]:
    """Load the demo zone; return the principals of its users by user name."""
    demo_service.load(session, var_dir=tmp_path)
    session.flush()
    return {
        u.username: identity_service.principal_for_user(session, u)
        for u in session.scalars(select(User))
    }
