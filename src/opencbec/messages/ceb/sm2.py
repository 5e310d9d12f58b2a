"""SM2 key and certificate plumbing: a minimal DER reader and raw r||s <-> DER signatures.

cryptography cannot load SM2 keys, so PKCS#8 keys and X.509 public keys are read here and the
arithmetic is left to gmssl-pyx (GmSSL 3, C).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

import gmssl_pyx

SM2_CURVE_OID: Final = bytes.fromhex("2a811ccf5501822d")  # 1.2.156.10197.1.301
EC_PUBLIC_KEY_OID: Final = bytes.fromhex("2a8648ce3d0201")  # 1.2.840.10045.2.1
DEFAULT_ID: Final = b"1234567812345678"
# Curve parameters a, b, Gx, Gy of GM/T 0003.5, as they enter the signer's Z value.
_CURVE: Final = bytes.fromhex(
    "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC"
    "28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93"
    "32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7"
    "BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0"
)


class DerError(ValueError):
    """The bytes are not the DER structure expected."""


def der_read(data: bytes, offset: int = 0) -> tuple[int, bytes, int]:
    """Read one TLV at `offset`; return (tag, value, offset after it)."""
    if offset + 2 > len(data):
        raise DerError("truncated DER")
    tag = data[offset]
    length = data[offset + 1]
    pos = offset + 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or pos + count > len(data):
            raise DerError("bad DER length")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    end = pos + length
    if end > len(data):
        raise DerError("truncated DER")
    return tag, data[pos:end], end


def der_children(value: bytes) -> list[tuple[int, bytes]]:
    """Split the content of a constructed DER value into (tag, value) pairs."""
    items: list[tuple[int, bytes]] = []
    offset = 0
    while offset < len(value):
        tag, item, offset = der_read(value, offset)
        items.append((tag, item))
    return items


def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _der_int(value: bytes) -> bytes:
    value = value.lstrip(b"\x00") or b"\x00"
    if value[0] & 0x80:
        value = b"\x00" + value
    return b"\x02" + _der_len(len(value)) + value


def raw_to_der(signature: bytes) -> bytes:
    """Convert a raw 64-byte r||s SM2 signature to DER."""
    if len(signature) != 64:
        raise DerError(f"raw SM2 signature must be 64 bytes, not {len(signature)}")
    body = _der_int(signature[:32]) + _der_int(signature[32:])
    return b"\x30" + _der_len(len(body)) + body


def der_to_raw(signature: bytes) -> bytes:
    """Convert a DER SM2 signature to raw 64-byte r||s."""
    tag, body, end = der_read(signature)
    parts = der_children(body)
    if tag != 0x30 or end != len(signature) or len(parts) != 2 or any(t != 2 for t, _ in parts):
        raise DerError("not a DER SM2 signature")
    out = b""
    for _, number in parts:
        digits = number.lstrip(b"\x00")
        if len(digits) > 32:
            raise DerError("SM2 signature component longer than 32 bytes")
        out += digits.rjust(32, b"\x00")
    return out


def _public_from_bits(bits: bytes) -> bytes:
    # BIT STRING: unused-bits byte, then the uncompressed point 04 || x || y.
    if len(bits) != 66 or bits[0] != 0 or bits[1] != 4:
        raise DerError("expected an uncompressed SM2 public key")
    return bits[2:]


def load_pkcs8_sm2(der: bytes) -> tuple[bytes, bytes]:
    """Return (private 32 bytes, public 64 bytes) from a PKCS#8 SM2 private key in DER."""
    _, body, _ = der_read(der)
    items = der_children(body)
    if len(items) < 3 or items[1][0] != 0x30 or items[2][0] != 0x04:
        raise DerError("not a PKCS#8 private key")
    algorithm = der_children(items[1][1])
    if (
        len(algorithm) != 2
        or algorithm[0][1] != EC_PUBLIC_KEY_OID
        or algorithm[1][1] != SM2_CURVE_OID
    ):
        raise DerError("not an SM2 key")
    _, ec_body, _ = der_read(items[2][1])
    ec_items = der_children(ec_body)
    private = ec_items[1][1].rjust(32, b"\x00")
    for tag, value in ec_items[2:]:
        if tag == 0xA1:
            _, bits, _ = der_read(value)
            return private, _public_from_bits(bits)
    raise DerError("the SM2 private key does not carry its public key")


def certificate_public_key(cert_der: bytes) -> tuple[bytes, bytes]:
    """Return (curve or algorithm OID, key bytes) of an X.509 certificate's SubjectPublicKeyInfo."""
    _, cert, _ = der_read(cert_der)
    tbs = der_children(der_children(cert)[0][1])
    offset = 1 if tbs[0][0] == 0xA0 else 0
    spki = der_children(tbs[offset + 5][1])
    algorithm = der_children(spki[0][1])
    if algorithm[0][1] == EC_PUBLIC_KEY_OID and len(algorithm) > 1:
        return algorithm[1][1], _public_from_bits(spki[1][1])
    return algorithm[0][1], spki[1][1]


@lru_cache(maxsize=64)
def z_value(public: bytes, signer_id: bytes = DEFAULT_ID) -> bytes:
    """Return Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA) of a public key."""
    entl = (len(signer_id) * 8).to_bytes(2, "big")
    return bytes(gmssl_pyx.sm3_hash(entl + signer_id + _CURVE + public))


def sign(private: bytes, public: bytes, data: bytes, signer_id: bytes = DEFAULT_ID) -> bytes:
    """Sign `data` with SM2 (e = SM3(Z || data)); return raw 64-byte r||s.

    gmssl-pyx's one-shot `sm2_sign` runs ~10x slower than signing the digest, so the digest
    is computed here with the cached Z value (the standard construction, checked against openssl).
    """
    digest = gmssl_pyx.sm3_hash(z_value(public, signer_id) + data)
    return der_to_raw(gmssl_pyx.sm2_sign_sm3_digest(private, digest))


def verify(public: bytes, data: bytes, signature: bytes, signer_id: bytes = DEFAULT_ID) -> bool:
    """Verify an SM2 signature, raw r||s (64 bytes) or DER, over `data`."""
    try:
        der = raw_to_der(signature) if len(signature) == 64 else signature
        digest = gmssl_pyx.sm3_hash(z_value(public, signer_id) + data)
        return bool(gmssl_pyx.sm2_verify_sm3_digest(public, digest, der))
    except (DerError, gmssl_pyx.GmsslInnerError, ValueError):
        return False
