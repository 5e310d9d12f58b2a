"""Enveloped XML-DSig for CEB messages (spec §8): SM2-SM3 or RSA-SHA1, configurable URIs."""

from __future__ import annotations

import base64
import copy
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final, Literal, Protocol

import gmssl_pyx
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

from opencbec.messages.ceb import sm2
from opencbec.messages.ceb.safexml import DEFAULT_LIMITS, Limits, parse
from opencbec.messages.ceb.spec import DS_NS, DS_SIGNATURE, ROOTS, Kind, spec_of

C14N: Final = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
C14N_COMMENTS: Final = C14N + "#WithComments"
ENVELOPED: Final = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
SHA1: Final = "http://www.w3.org/2000/09/xmldsig#sha1"
SM3: Final = "http://www.chinaport.gov.cn/2022/04/xmldsig#sm3"
RSA_SHA1: Final = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
SM2_SM3: Final = "http://www.chinaport.gov.cn/2022/04/xmldsig#sm2-sm3"
SM2_SM3_W3: Final = "http://www.w3.org/2000/09/xmldsig#sm2-sm3"  # used by some real senders
_DS: Final = "{" + DS_NS + "}"

KeyType = Literal["rsa", "sm2"]
DigestName = Literal["sha1", "sm3"]


@dataclass(frozen=True, slots=True)
class Algorithms:
    """The URIs written into SignedInfo and the digest actually computed."""

    signature_method: str
    digest_method: str
    digest: DigestName
    c14n_method: str = C14N
    # Some deployed signers digest C14N *with comments*; it is then declared as a Transform.
    digest_comments: bool = False


SPEC_SM2: Final = Algorithms(SM2_SM3, SM3, "sm3")
SPEC_RSA: Final = Algorithms(RSA_SHA1, SHA1, "sha1")
# Seen in deployed U-Key signers: an SM2 signature over a SHA-1 digest, w3.org-style URI.
LEGACY_SM2_SHA1: Final = Algorithms(SM2_SM3_W3, SHA1, "sha1")

_DIGESTS: Final[dict[str, DigestName]] = {SHA1: "sha1", SM3: "sm3"}


class Signer(Protocol):
    """Something that holds a private key: a software key, a U-Key bridge or an HSM."""

    @property
    def key_type(self) -> KeyType:
        """Return "sm2" or "rsa"."""
        ...

    @property
    def certificate_der(self) -> bytes:
        """Return the signer's X.509 certificate in DER."""
        ...

    @property
    def key_name(self) -> str:
        """Return the KeyName to publish (the certificate number, hex)."""
        ...

    def sign(self, data: bytes) -> bytes:
        """Sign canonical SignedInfo bytes; SM2 returns raw 64-byte r||s."""
        ...


@dataclass(frozen=True)
class SoftwareSigner:
    """A private key held in memory (PEM or DER PKCS#8), SM2 via gmssl-pyx, RSA via cryptography."""

    key_type: KeyType
    certificate_der: bytes
    key_name: str
    _rsa: rsa.RSAPrivateKey | None = field(default=None, repr=False)
    _sm2: tuple[bytes, bytes] | None = field(default=None, repr=False)

    @classmethod
    def from_pem(
        cls, key: bytes, certificate: bytes, password: bytes | None = None
    ) -> SoftwareSigner:
        """Load a PKCS#8 (or traditional RSA) private key and its certificate, PEM or DER."""
        cert = load_certificate(certificate)
        cert_der = cert.public_bytes(serialization.Encoding.DER)
        key_name = format(cert.serial_number, "x")
        der = _pem_body(key, b"PRIVATE KEY") if b"-----BEGIN" in key else key
        if der is not None and sm2.SM2_CURVE_OID in der:
            return cls("sm2", cert_der, key_name, _sm2=sm2.load_pkcs8_sm2(der))
        try:
            loaded = (
                serialization.load_pem_private_key(key, password)
                if b"-----BEGIN" in key
                else serialization.load_der_private_key(key, password)
            )
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            raise ValueError(f"cannot load the private key: {exc}") from None
        if not isinstance(loaded, rsa.RSAPrivateKey):
            raise ValueError("only RSA and SM2 private keys are supported")
        return cls("rsa", cert_der, key_name, _rsa=loaded)

    def sign(self, data: bytes) -> bytes:
        """Sign `data` with the held key."""
        if self._sm2 is not None:
            return sm2.sign(self._sm2[0], self._sm2[1], data)
        assert self._rsa is not None
        return self._rsa.sign(data, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303 - spec §8 RSA-SHA1


def _pem_body(pem: bytes, label: bytes) -> bytes | None:
    begin = b"-----BEGIN " + label + b"-----"
    if begin not in pem:
        return None
    body = pem.split(begin, 1)[1].split(b"-----END", 1)[0]
    return base64.b64decode(b"".join(body.split()))


def load_certificate(data: bytes) -> x509.Certificate:
    """Load an X.509 certificate from PEM, DER or bare base64 DER."""
    try:
        if b"-----BEGIN CERTIFICATE" in data:
            return x509.load_pem_x509_certificate(data)
        try:
            return x509.load_der_x509_certificate(data)
        except ValueError:
            return x509.load_der_x509_certificate(base64.b64decode(b"".join(data.split())))
    except ValueError as exc:
        raise ValueError(f"cannot load the certificate: {exc}") from None


def _digest(name: DigestName, data: bytes) -> bytes:
    if name == "sm3":
        return bytes(gmssl_pyx.sm3_hash(data))
    return hashlib.sha1(data).digest()  # noqa: S324 - the spec's RSA profile digests with SHA-1


def _c14n(node: etree._Element | etree._ElementTree, method: str) -> bytes:
    return etree.tostring(
        node, method="c14n", exclusive=False, with_comments=method == C14N_COMMENTS
    )


def _insert_signature(root: etree._Element, signature: etree._Element) -> None:
    # Import roots want the signature after ExtendMessage, export roots before it (spec §3.2).
    cls = ROOTS.get(etree.QName(root).localname)
    if cls is None:
        root.append(signature)
        return
    spec = spec_of(cls)
    sig_index = next(i for i, fs in enumerate(spec.fields) if fs.kind is Kind.SIGNATURE)
    for child in root:
        hit = spec.by_tag.get(child.tag) if isinstance(child.tag, str) else None
        if hit is not None and hit[0] > sig_index:
            child.addprevious(signature)
            return
    root.append(signature)


def _sub(
    parent: etree._Element, name: str, text: str | None = None, **attrib: str
) -> etree._Element:
    el = etree.SubElement(parent, _DS + name, attrib)
    el.text = text
    return el


def sign(
    data: bytes,
    signer: Signer,
    algorithms: Algorithms | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> bytes:
    """Return the message with an enveloped ds:Signature (replacing any existing one)."""
    algorithms = algorithms or (SPEC_SM2 if signer.key_type == "sm2" else SPEC_RSA)
    root = parse(data, limits)
    for old in root.findall(DS_SIGNATURE):
        _remove_keeping_tail(old)
    digest_c14n = C14N_COMMENTS if algorithms.digest_comments else C14N
    digest = _digest(algorithms.digest, _c14n(root.getroottree(), digest_c14n))
    signature = etree.Element(DS_SIGNATURE, nsmap={"ds": DS_NS})
    info = _sub(signature, "SignedInfo")
    _sub(info, "CanonicalizationMethod", Algorithm=algorithms.c14n_method)
    _sub(info, "SignatureMethod", Algorithm=algorithms.signature_method)
    reference = _sub(info, "Reference", URI="")
    transforms = _sub(reference, "Transforms")
    _sub(transforms, "Transform", Algorithm=ENVELOPED)
    if algorithms.digest_comments:
        _sub(transforms, "Transform", Algorithm=C14N_COMMENTS)
    _sub(reference, "DigestMethod", Algorithm=algorithms.digest_method)
    _sub(reference, "DigestValue", base64.b64encode(digest).decode())
    value = _sub(signature, "SignatureValue")
    key_info = _sub(signature, "KeyInfo")
    _sub(key_info, "KeyName", signer.key_name)
    certificate = base64.b64encode(signer.certificate_der).decode()
    _sub(_sub(key_info, "X509Data"), "X509Certificate", certificate)
    _insert_signature(root, signature)
    # SignedInfo is canonicalised in place so it inherits the root's namespace declarations.
    value.text = base64.b64encode(signer.sign(_c14n(info, algorithms.c14n_method))).decode()
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _remove_keeping_tail(el: etree._Element) -> None:
    parent = el.getparent()
    assert parent is not None
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


@dataclass(frozen=True, slots=True)
class Verification:
    """What verifying a signature found; `ok` only if digest, signature and certificate pass."""

    digest_ok: bool
    signature_ok: bool
    certificate_ok: bool
    problems: tuple[str, ...] = ()
    signature_method: str = ""
    digest_method: str = ""
    key_name: str = ""
    subject: str = ""

    @property
    def ok(self) -> bool:
        """Return whether every check passed."""
        return self.digest_ok and self.signature_ok and self.certificate_ok


def _b64(text: str | None) -> bytes:
    return base64.b64decode("".join((text or "").split()), validate=True)


def _verify_value(
    cert: x509.Certificate, cert_der: bytes, method: str, data: bytes, value: bytes
) -> bool:
    if method in (SM2_SM3, SM2_SM3_W3):
        curve, public = sm2.certificate_public_key(cert_der)
        return curve == sm2.SM2_CURVE_OID and sm2.verify(public, data, value)
    if method != RSA_SHA1:
        return False
    try:
        key = cert.public_key()
    except UnsupportedAlgorithm:
        return False  # an SM2 certificate named with an RSA method
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    try:
        key.verify(value, data, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303 - spec §8 RSA-SHA1
    except InvalidSignature:
        return False
    return True


def _issued_by(cert: x509.Certificate, cert_der: bytes, issuer: x509.Certificate) -> bool:
    if cert.issuer != issuer.subject:
        return False
    issuer_der = issuer.public_bytes(serialization.Encoding.DER)
    curve, public = sm2.certificate_public_key(issuer_der)
    if curve == sm2.SM2_CURVE_OID:
        return sm2.verify(public, cert.tbs_certificate_bytes, cert.signature)
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def _check_certificate(
    cert: x509.Certificate,
    cert_der: bytes,
    trusted: Sequence[x509.Certificate] | None,
    now: datetime,
) -> list[str]:
    problems = []
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        problems.append(
            f"certificate: not valid at {now:%Y-%m-%d %H:%M} "
            f"(valid {cert.not_valid_before_utc:%Y-%m-%d} to {cert.not_valid_after_utc:%Y-%m-%d})"
        )
    if trusted is not None and not any(_issued_by(cert, cert_der, ca) for ca in trusted):
        problems.append("certificate: not issued by a trusted certificate")
    return problems


def verify(
    data: bytes,
    *,
    trusted: Sequence[x509.Certificate] | None = None,
    now: datetime | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Verification:
    """Verify the enveloped signature of a message; report digest, signature and certificate."""
    root = parse(data, limits)
    signature = root.find(DS_SIGNATURE)
    if signature is None:
        return Verification(False, False, False, ("no ds:Signature in the message",))
    info = signature.find(_DS + "SignedInfo")
    reference = info.find(_DS + "Reference") if info is not None else None
    if info is None or reference is None or reference.get("URI") != "":
        return Verification(False, False, False, ('SignedInfo needs one Reference URI=""',))
    c14n_method = info.find(_DS + "CanonicalizationMethod")
    method = c14n_method.get("Algorithm", C14N) if c14n_method is not None else C14N
    sig_method_el = info.find(_DS + "SignatureMethod")
    sig_method = sig_method_el.get("Algorithm", "") if sig_method_el is not None else ""
    digest_el = reference.find(_DS + "DigestMethod")
    digest_method = digest_el.get("Algorithm", "") if digest_el is not None else ""
    problems: list[str] = []
    # Digest: the whole document without the signature (enveloped-signature transform).
    unsigned = copy.deepcopy(root)
    unsigned_sig = unsigned.find(DS_SIGNATURE)
    assert unsigned_sig is not None
    _remove_keeping_tail(unsigned_sig)
    digest_name = _DIGESTS.get(digest_method)
    digest_ok = False
    try:
        expected = _b64(reference.findtext(_DS + "DigestValue"))
        if digest_name is None:
            problems.append(f"digest: unknown DigestMethod {digest_method!r}")
        else:
            # URI="" digests C14N without comments unless a Transform asks for them.
            transforms = reference.findall(f"{_DS}Transforms/{_DS}Transform")
            with_comments = any(t.get("Algorithm") == C14N_COMMENTS for t in transforms)
            digest_c14n = C14N_COMMENTS if with_comments else C14N
            digest_ok = _digest(digest_name, _c14n(unsigned.getroottree(), digest_c14n)) == expected
            if not digest_ok:
                problems.append("digest: the message was changed after signing")
    except ValueError:
        problems.append("digest: DigestValue is not base64")
    key_name = signature.findtext(f"{_DS}KeyInfo/{_DS}KeyName") or ""
    try:
        cert_der = _b64(signature.findtext(f"{_DS}KeyInfo/{_DS}X509Data/{_DS}X509Certificate"))
        cert = x509.load_der_x509_certificate(cert_der)
    except ValueError:
        problems.append("certificate: X509Certificate is missing or unreadable")
        return Verification(
            digest_ok, False, False, tuple(problems), sig_method, digest_method, key_name
        )
    try:
        value = _b64(signature.findtext(_DS + "SignatureValue"))
        signature_ok = _verify_value(cert, cert_der, sig_method, _c14n(info, method), value)
    except (ValueError, sm2.DerError):
        signature_ok = False
    if not signature_ok:
        problems.append(f"signature: SignatureValue does not verify ({sig_method or 'no method'})")
    cert_problems = _check_certificate(cert, cert_der, trusted, now or datetime.now(UTC))
    problems.extend(cert_problems)
    return Verification(
        digest_ok,
        signature_ok,
        not cert_problems,
        tuple(problems),
        sig_method,
        digest_method,
        key_name,
        cert.subject.rfc4514_string(),
    )
