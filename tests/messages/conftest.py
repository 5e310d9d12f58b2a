"""Fixtures for the CEB codec tests: the official conformance set and throw-away keys."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

CONFORMANCE = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "conformance" / "ceb" / "2022-05"
)
SKIP_REASON = (
    f"official CEB conformance set not found at {CONFORMANCE} (needs ../shared beside the repo)"
)


def broken(data: bytes, old: bytes, new: bytes, *, every: bool = False) -> bytes:
    """Return `data` with element `old` renamed to `new` (start and end tags) or, for text
    that is not a `dxp:` name, the first `old` replaced."""
    if not old.startswith(b"dxp:"):
        return data.replace(old, new, 1)
    tag = re.compile(rb"<(/?)" + re.escape(old) + rb"([ >])")
    return tag.sub(rb"<\1" + new + rb"\2", data, count=0 if every else 2)


@dataclass(frozen=True)
class KeyPair:
    """A private key and certificate written as PEM files."""

    key: Path
    cert: Path


@pytest.fixture(scope="session")
def conformance() -> Path:
    """Return the 2022-05 conformance folder, or skip."""
    if not CONFORMANCE.is_dir():
        pytest.skip(SKIP_REASON)
    return CONFORMANCE.resolve()


@pytest.fixture(scope="session")
def xsd_dir(conformance: Path) -> Path:
    """Return the folder of the official XSDs."""
    return conformance / "xsd"


def make_rsa(
    folder: Path,
    name: str,
    *,
    issuer: tuple[rsa.RSAPrivateKey, x509.Certificate] | None = None,
    days: int = 30,
    start: dt.datetime | None = None,
) -> tuple[KeyPair, rsa.RSAPrivateKey, x509.Certificate]:
    """Create an RSA key and a certificate (self-signed unless `issuer` is given)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    begin = start or dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    signing_key, issuer_name = (key, subject) if issuer is None else (issuer[0], issuer[1].subject)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(begin)
        .not_valid_after(begin + dt.timedelta(days=days))
        .sign(signing_key, hashes.SHA256())
    )
    pair = KeyPair(folder / f"{name}.key", folder / f"{name}.crt")
    pair.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    pair.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return pair, key, cert


@pytest.fixture(scope="session")
def rsa_pair(tmp_path_factory: pytest.TempPathFactory) -> KeyPair:
    """Return a throw-away RSA key and self-signed certificate."""
    return make_rsa(tmp_path_factory.mktemp("rsa"), "rsa-signer")[0]


def openssl(*args: str) -> subprocess.CompletedProcess[bytes]:
    """Run the system openssl."""
    exe = shutil.which("openssl")
    assert exe is not None
    return subprocess.run([exe, *args], capture_output=True, check=False)


@pytest.fixture(scope="session")
def sm2_pair(tmp_path_factory: pytest.TempPathFactory) -> KeyPair:
    """Return a throw-away SM2 key and certificates made by openssl: a CA and a signer."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not on PATH: SM2 keys cannot be generated")
    folder = tmp_path_factory.mktemp("sm2")
    ca = KeyPair(folder / "ca.key", folder / "ca.crt")
    pair = KeyPair(folder / "sm2.key", folder / "sm2.crt")
    steps = [
        ("genpkey", "-algorithm", "SM2", "-out", str(ca.key)),
        ("req", "-new", "-x509", "-key", str(ca.key), "-sm3", "-sigopt", "distid:1234567812345678",
         "-subj", "/CN=test SM2 CA", "-days", "30", "-out", str(ca.cert)),
        ("genpkey", "-algorithm", "SM2", "-out", str(pair.key)),
        ("req", "-new", "-key", str(pair.key), "-sm3", "-sigopt", "distid:1234567812345678",
         "-subj", "/CN=test SM2 signer", "-out", str(folder / "sm2.csr")),
        ("x509", "-req", "-in", str(folder / "sm2.csr"), "-CA", str(ca.cert), "-CAkey", str(ca.key),
         "-sm3", "-sigopt", "distid:1234567812345678", "-vfyopt", "distid:1234567812345678",
         "-CAcreateserial", "-days", "30", "-out", str(pair.cert)),
    ]  # fmt: skip
    for step in steps:
        done = openssl(*step)
        if done.returncode != 0:
            pytest.skip(
                f"this openssl cannot make SM2 keys/certificates: {done.stderr.decode()[:200]}"
            )
    return pair


@pytest.fixture(scope="session")
def sm2_ca(sm2_pair: KeyPair) -> Path:
    """Return the certificate of the CA that issued the SM2 signer's certificate."""
    return sm2_pair.cert.parent / "ca.crt"
