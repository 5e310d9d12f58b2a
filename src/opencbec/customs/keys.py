"""The platform's signing key for what it sends to customs (spec §8).

Configured with OPENCBEC_SIGNING_KEY_FILE / OPENCBEC_SIGNING_CERT_FILE. In dev and test, with
none configured, a self-signed RSA key and certificate are made once under var_dir (and the log
says so); in prod a missing key is an error: customs would refuse every message.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from pathlib import Path
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from opencbec.errors import DomainError
from opencbec.kit.i18n import Bilingual
from opencbec.messages.ceb import SoftwareSigner
from opencbec.settings import Environment, Settings

log = logging.getLogger("opencbec.customs")
DEV_KEY: Final = Path("keys") / "customs-link-dev.key.pem"
DEV_CERT: Final = Path("keys") / "customs-link-dev.cert.pem"
_CACHE: dict[tuple[Path, Path, float, float], SoftwareSigner] = {}
_LOCK = threading.Lock()


class SigningKeyMissing(DomainError):
    """No key to sign with: nothing can be sent to customs."""

    def __init__(self, detail: Bilingual) -> None:
        super().__init__(detail, [], "signing_key_missing", 409)


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def make_dev_key(key_path: Path, cert_path: Path, *, common_name: str) -> None:
    """Write a new self-signed RSA-2048 key and certificate (valid ten years) for development."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "OpenCBEC development (not for customs)"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    _write_private(
        key_path,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    _write_private(cert_path, cert.public_bytes(serialization.Encoding.PEM))


def key_files(settings: Settings) -> tuple[Path, Path]:
    """Return the key and certificate files, making a development pair when allowed and needed."""
    if settings.signing_key_file is not None or settings.signing_cert_file is not None:
        if settings.signing_key_file is None or settings.signing_cert_file is None:
            raise SigningKeyMissing(
                Bilingual(
                    "Set both OPENCBEC_SIGNING_KEY_FILE and OPENCBEC_SIGNING_CERT_FILE.",
                    "请同时设置 OPENCBEC_SIGNING_KEY_FILE 和 OPENCBEC_SIGNING_CERT_FILE。",
                )
            )
        return settings.signing_key_file, settings.signing_cert_file
    if settings.env is Environment.PROD:
        raise SigningKeyMissing(
            Bilingual(
                "No signing key is configured (OPENCBEC_SIGNING_KEY_FILE); nothing can be sent "
                "to customs.",
                "未配置签名密钥（OPENCBEC_SIGNING_KEY_FILE），无法向海关发送报文。",
            )
        )
    key_path, cert_path = settings.var_dir / DEV_KEY, settings.var_dir / DEV_CERT
    with _LOCK:
        if not (key_path.is_file() and cert_path.is_file()):
            make_dev_key(key_path, cert_path, common_name="OpenCBEC customs link (development)")
            log.warning(
                "no signing key configured: made a self-signed development key at %s "
                "(customs would refuse it; set OPENCBEC_SIGNING_KEY_FILE for real use)",
                key_path,
            )
    return key_path, cert_path


def platform_signer(settings: Settings) -> SoftwareSigner:
    """Return the signer of the platform's outgoing messages (loaded once per file version)."""
    key_path, cert_path = key_files(settings)
    try:
        stamp = (key_path, cert_path, key_path.stat().st_mtime, cert_path.stat().st_mtime)
    except OSError as exc:
        raise SigningKeyMissing(
            Bilingual(
                f"The signing key or certificate cannot be read: {exc}",
                f"无法读取签名密钥或证书：{exc}",
            )
        ) from None
    with _LOCK:
        signer = _CACHE.get(stamp)
        if signer is None:
            try:
                signer = SoftwareSigner.from_pem(key_path.read_bytes(), cert_path.read_bytes())
            except ValueError as exc:
                raise SigningKeyMissing(
                    Bilingual(
                        f"The signing key or certificate is not usable: {exc}",
                        f"签名密钥或证书不可用：{exc}",
                    )
                ) from None
            _CACHE[stamp] = signer
    return signer
