"""The platform's signing key: configured files, a development key outside prod, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from opencbec.customs.keys import DEV_KEY, SigningKeyMissing, key_files, platform_signer
from opencbec.settings import Settings


def _settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(var_dir=tmp_path, load_demo=False, **values)  # type: ignore[arg-type]


def test_a_development_key_is_made_once_and_reused(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _settings(tmp_path, env="test")
    signer = platform_signer(settings)
    assert signer.key_type == "rsa"
    assert (tmp_path / DEV_KEY).stat().st_mode & 0o777 == 0o600
    assert "self-signed development key" in caplog.text
    caplog.clear()
    assert platform_signer(settings) is signer  # loaded once while the files are unchanged
    assert caplog.text == ""


def test_configured_files_are_used(tmp_path: Path, key_pair: tuple[Path, Path]) -> None:
    settings = _settings(
        tmp_path,
        env="prod",
        secret_key="s" * 40,
        signing_key_file=key_pair[0],
        signing_cert_file=key_pair[1],
    )
    assert key_files(settings) == key_pair
    assert platform_signer(settings).key_type == "rsa"
    assert not (tmp_path / "keys").exists()


def test_prod_without_a_key_refuses_to_send(tmp_path: Path) -> None:
    with pytest.raises(SigningKeyMissing) as missing:
        platform_signer(_settings(tmp_path, env="prod", secret_key="s" * 40))
    assert missing.value.status == 409
    assert "OPENCBEC_SIGNING_KEY_FILE" in missing.value.message.en
    assert "未配置签名密钥" in missing.value.message.zh
    assert not (tmp_path / "keys").exists()


def test_half_a_pair_or_unusable_files_are_refused(
    tmp_path: Path, key_pair: tuple[Path, Path]
) -> None:
    with pytest.raises(SigningKeyMissing, match="both"):
        key_files(_settings(tmp_path, env="test", signing_key_file=key_pair[0]))
    gone = _settings(
        tmp_path, env="test", signing_key_file=tmp_path / "nope.pem", signing_cert_file=key_pair[1]
    )
    with pytest.raises(SigningKeyMissing, match="cannot be read"):
        platform_signer(gone)
    junk = tmp_path / "junk.pem"
    junk.write_bytes(b"not a key")
    bad = _settings(tmp_path, env="test", signing_key_file=junk, signing_cert_file=key_pair[1])
    with pytest.raises(SigningKeyMissing, match="not usable"):
        platform_signer(bad)
