"""Signatures: our own round trips, tampering, certificates, and the signxml/openssl oracles."""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from lxml import etree

from opencbec.messages.ceb import sm2
from opencbec.messages.ceb.codec import decode, encode
from opencbec.messages.ceb.models import exp_order, imp_inventory, imp_order
from opencbec.messages.ceb.sign import (
    C14N,
    C14N_COMMENTS,
    LEGACY_SM2_SHA1,
    RSA_SHA1,
    SHA1,
    SM2_SM3,
    SM3,
    Algorithms,
    SoftwareSigner,
    load_certificate,
    sign,
    verify,
)
from opencbec.messages.ceb.skeleton import skeleton
from opencbec.messages.ceb.spec import DS_NS

from .conftest import KeyPair, make_rsa, openssl

DS = f"{{{DS_NS}}}"


def _signer(pair: KeyPair) -> SoftwareSigner:
    return SoftwareSigner.from_pem(pair.key.read_bytes(), pair.cert.read_bytes())


def _message() -> bytes:
    message = skeleton(imp_inventory.CEB621Message)
    message.inventory[0].inventory_head.ebcName = "某某电商企业有限公司"
    return encode(message)


@pytest.fixture(params=["rsa", "sm2"])
def pair(request: pytest.FixtureRequest) -> KeyPair:
    return request.getfixturevalue(f"{request.param}_pair")  # type: ignore[no-any-return]


def test_sign_and_verify(pair: KeyPair) -> None:
    signer = _signer(pair)
    signed = sign(_message(), signer)
    result = verify(signed)
    assert result.ok, result.problems
    assert result.key_name == signer.key_name
    assert result.signature_method == (SM2_SM3 if signer.key_type == "sm2" else RSA_SHA1)
    # The signed message still decodes, keeps its data and carries the signature.
    assert decode(signed).inventory[0].inventory_head.ebcName == "某某电商企业有限公司"
    assert decode(signed).signature is not None


def test_sm2_signature_value_is_raw_r_s(sm2_pair: KeyPair) -> None:
    signed = sign(_message(), _signer(sm2_pair))
    value = etree.fromstring(signed).findtext(f"{DS}Signature/{DS}SignatureValue")
    assert len(base64.b64decode(value or "")) == 64


def test_tampered_data_fails_the_digest_only(pair: KeyPair) -> None:
    signed = sign(_message(), _signer(pair))
    tampered = signed.replace("某某电商".encode(), "别的电商".encode())
    assert tampered != signed
    result = verify(tampered)
    assert (result.digest_ok, result.signature_ok, result.certificate_ok) == (False, True, True)
    assert any(p.startswith("digest:") for p in result.problems)


def test_tampered_signed_info_fails_the_signature_only(pair: KeyPair) -> None:
    signed = sign(_message(), _signer(pair))
    root = etree.fromstring(signed)
    value = root.find(f"{DS}Signature/{DS}SignatureValue")
    assert value is not None
    raw = bytearray(base64.b64decode(value.text or ""))
    raw[5] ^= 0xFF
    value.text = base64.b64encode(bytes(raw)).decode()
    result = verify(etree.tostring(root))
    assert (result.digest_ok, result.signature_ok, result.certificate_ok) == (True, False, True)


def test_expired_and_untrusted_certificates_fail_the_certificate_only(
    tmp_path: Path, rsa_pair: KeyPair
) -> None:
    old, _, _ = make_rsa(tmp_path, "old", start=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), days=10)
    result = verify(sign(_message(), _signer(old)))
    assert (result.digest_ok, result.signature_ok, result.certificate_ok) == (True, True, False)
    assert "not valid" in result.problems[0]
    signed = sign(_message(), _signer(rsa_pair))
    stranger = load_certificate(make_rsa(tmp_path, "stranger")[0].cert.read_bytes())
    result = verify(signed, trusted=[stranger])
    assert (result.digest_ok, result.signature_ok, result.certificate_ok) == (True, True, False)
    assert result.problems == ("certificate: not issued by a trusted certificate",)


def test_rsa_chain_to_a_trusted_ca(tmp_path: Path) -> None:
    ca_pair, ca_key, ca_cert = make_rsa(tmp_path, "ca")
    leaf, _, _ = make_rsa(tmp_path, "leaf", issuer=(ca_key, ca_cert))
    signed = sign(_message(), _signer(leaf))
    assert verify(signed, trusted=[ca_cert]).ok
    assert not verify(signed, trusted=[load_certificate(leaf.cert.read_bytes())]).ok
    assert verify(signed, now=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)).certificate_ok is False
    assert ca_pair.cert.exists()


def test_sm2_chain_to_a_trusted_ca(sm2_pair: KeyPair, sm2_ca: Path) -> None:
    signed = sign(_message(), _signer(sm2_pair))
    assert verify(signed, trusted=[load_certificate(sm2_ca.read_bytes())]).ok
    own = load_certificate(sm2_pair.cert.read_bytes())
    assert not verify(signed, trusted=[own]).certificate_ok


def test_signature_position_import_last_export_before_extend_message(rsa_pair: KeyPair) -> None:
    signer = _signer(rsa_pair)
    ext = b"<ceb:ExtendMessage><ceb:name>n</ceb:name><ceb:version>1</ceb:version><ceb:Message><x/></ceb:Message></ceb:ExtendMessage>"
    imp = encode(skeleton(imp_order.CEB311Message)).replace(
        b"</ceb:CEB311Message>", ext + b"</ceb:CEB311Message>"
    )
    exp = encode(skeleton(exp_order.CEB303Message)).replace(
        b"</ceb:CEB303Message>", ext + b"</ceb:CEB303Message>"
    )
    imp_names = [etree.QName(c).localname for c in etree.fromstring(sign(imp, signer))]
    exp_names = [etree.QName(c).localname for c in etree.fromstring(sign(exp, signer))]
    assert imp_names[-2:] == ["ExtendMessage", "Signature"]
    assert exp_names[-2:] == ["Signature", "ExtendMessage"]
    assert verify(sign(exp, signer)).ok
    assert decode(sign(imp, signer)).extend_message.message is not None


def test_resigning_replaces_the_old_signature(rsa_pair: KeyPair, sm2_pair: KeyPair) -> None:
    once = sign(_message(), _signer(rsa_pair))
    twice = sign(once, _signer(sm2_pair))
    assert len(etree.fromstring(twice).findall(f"{DS}Signature")) == 1
    assert verify(twice).ok


def test_pretty_printed_signed_message_still_verifies(rsa_pair: KeyPair) -> None:
    pretty = etree.tostring(etree.fromstring(_message()), pretty_print=True)
    signed = sign(pretty, _signer(rsa_pair))
    root = etree.fromstring(signed)
    signature = root.find(f"{DS}Signature")
    assert signature is not None
    # Whitespace after the signature belongs to the signed content and must survive removal.
    signature.tail = "\n"
    assert verify(etree.tostring(root)).digest_ok is False
    signature.tail = None
    root[0].addprevious(etree.Comment("x"))
    assert verify(etree.tostring(root)).digest_ok is True


def test_algorithm_variants(sm2_pair: KeyPair, rsa_pair: KeyPair) -> None:
    legacy = sign(_message(), _signer(sm2_pair), LEGACY_SM2_SHA1)
    result = verify(legacy)
    assert result.ok
    assert result.digest_method.endswith("#sha1")
    comments = Algorithms(RSA_SHA1, "http://www.w3.org/2000/09/xmldsig#sha1", "sha1", C14N_COMMENTS)
    assert verify(sign(_message(), _signer(rsa_pair), comments)).ok
    digest_comments = Algorithms(RSA_SHA1, SHA1, "sha1", digest_comments=True)
    commented = _message().replace(b"<ceb:Inventory>", b"<!--c--><ceb:Inventory>", 1)
    signed = sign(commented, _signer(rsa_pair), digest_comments)
    assert verify(signed).ok
    # The comment is covered by that digest, and not by the standard one.
    assert not verify(signed.replace(b"<!--c-->", b"<!--d-->")).digest_ok
    assert verify(sign(commented, _signer(rsa_pair)).replace(b"<!--c-->", b"<!--d-->")).ok
    assert verify(sign(_message(), _signer(rsa_pair), Algorithms(RSA_SHA1, SM3, "sm3"))).ok


def test_structural_problems_are_reported(rsa_pair: KeyPair) -> None:
    unsigned = _message()
    assert verify(unsigned).problems == ("no ds:Signature in the message",)
    signed = sign(unsigned, _signer(rsa_pair))
    assert not verify(signed.replace(b'URI=""', b'URI="#x"')).ok
    bad_digest = verify(signed.replace(b"xmldsig#sha1", b"xmldsig#md5"))
    assert bad_digest.problems[0].startswith("digest: unknown DigestMethod")
    bad_method = verify(signed.replace(b"xmldsig#rsa-sha1", b"xmldsig#dsa-sha1"))
    assert not bad_method.signature_ok
    root = etree.fromstring(signed)
    cert = root.find(f"{DS}Signature/{DS}KeyInfo/{DS}X509Data/{DS}X509Certificate")
    assert cert is not None
    cert.text = "not base64!"
    result = verify(etree.tostring(root))
    assert result.problems[-1] == "certificate: X509Certificate is missing or unreadable"
    digest = root.find(f".//{DS}DigestValue")
    assert digest is not None
    digest.text = "%%%"
    assert "digest: DigestValue is not base64" in verify(etree.tostring(root)).problems


def test_sm2_method_with_an_rsa_certificate_fails(rsa_pair: KeyPair, sm2_pair: KeyPair) -> None:
    signed = sign(_message(), _signer(rsa_pair)).replace(RSA_SHA1.encode(), SM2_SM3.encode())
    assert not verify(signed).signature_ok
    sm2_signed = sign(_message(), _signer(sm2_pair)).replace(SM2_SM3.encode(), RSA_SHA1.encode())
    assert not verify(sm2_signed).signature_ok


def test_key_loading(tmp_path: Path, rsa_pair: KeyPair, sm2_pair: KeyPair) -> None:
    cert_pem = rsa_pair.cert.read_bytes()
    der_key = serialization.load_pem_private_key(rsa_pair.key.read_bytes(), None).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    cert = load_certificate(cert_pem)
    cert_der = cert.public_bytes(serialization.Encoding.DER)
    assert SoftwareSigner.from_pem(der_key, cert_der).key_type == "rsa"
    assert load_certificate(base64.b64encode(cert_der)) == cert
    sm2_der = base64.b64decode(b"".join(sm2_pair.key.read_bytes().splitlines()[1:-1]))
    assert SoftwareSigner.from_pem(sm2_der, sm2_pair.cert.read_bytes()).key_type == "sm2"
    p256 = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(ValueError, match="only RSA and SM2"):
        SoftwareSigner.from_pem(p256, cert_pem)
    with pytest.raises(ValueError, match="cannot load the private key"):
        SoftwareSigner.from_pem(
            b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", cert_pem
        )
    with pytest.raises(ValueError, match="cannot load the certificate"):
        load_certificate(b"garbage")


def test_der_helpers() -> None:
    raw = bytes(range(1, 65))
    assert sm2.der_to_raw(sm2.raw_to_der(raw)) == raw
    high = b"\x80" + bytes(31) + b"\x00" * 31 + b"\x01"
    assert sm2.der_to_raw(sm2.raw_to_der(high)) == high
    with pytest.raises(sm2.DerError):
        sm2.raw_to_der(b"short")
    with pytest.raises(sm2.DerError):
        sm2.der_to_raw(b"\x30\x03\x02\x01\x01")
    with pytest.raises(sm2.DerError):
        sm2.der_to_raw(b"\x30\x25\x02\x21" + b"\x01" * 33 + b"\x02\x00")
    with pytest.raises(sm2.DerError):
        sm2.der_read(b"\x30")
    with pytest.raises(sm2.DerError):
        sm2.der_read(b"\x30\x85\x01\x01\x01\x01\x01")
    with pytest.raises(sm2.DerError):
        sm2.der_read(b"\x30\x05\x01")
    assert sm2.der_read(b"\x04\x81\x80" + bytes(128))[1] == bytes(128)
    assert not sm2.verify(bytes(64), b"data", b"\x30\x00")


def test_pkcs8_that_is_not_sm2_is_refused(rsa_pair: KeyPair) -> None:
    der = base64.b64decode(b"".join(rsa_pair.key.read_bytes().splitlines()[1:-1]))
    with pytest.raises(sm2.DerError, match="not an SM2 key"):
        sm2.load_pkcs8_sm2(der)
    with pytest.raises(sm2.DerError, match="not a PKCS#8"):
        sm2.load_pkcs8_sm2(b"\x30\x03\x02\x01\x00")


def test_signxml_verifies_our_rsa_sha1_signature(rsa_pair: KeyPair) -> None:
    signxml = pytest.importorskip("signxml")
    from signxml import XMLVerifier
    from signxml.algorithms import DigestAlgorithm, SignatureMethod

    class Sha1Verifier(XMLVerifier):  # type: ignore[misc]
        """signxml refuses SHA-1 by default; the CEB RSA profile needs it."""

        def check_deprecated_methods(self) -> None:
            return None

    signed = sign(_message(), _signer(rsa_pair))
    result = Sha1Verifier().verify(
        signed,
        x509_cert=rsa_pair.cert.read_text(),
        expect_config=signxml.SignatureConfiguration(
            signature_methods=frozenset({SignatureMethod.RSA_SHA1}),
            digest_algorithms=frozenset({DigestAlgorithm.SHA1}),
        ),
    )
    assert result.signed_xml is not None
    with pytest.raises(signxml.exceptions.InvalidSignature):
        Sha1Verifier().verify(
            signed.replace("某某".encode(), "别的".encode()),
            x509_cert=rsa_pair.cert.read_text(),
            expect_config=signxml.SignatureConfiguration(
                signature_methods=frozenset({SignatureMethod.RSA_SHA1}),
                digest_algorithms=frozenset({DigestAlgorithm.SHA1}),
            ),
        )


def _signed_info_c14n(signed: bytes) -> bytes:
    info = etree.fromstring(signed).find(f"{DS}Signature/{DS}SignedInfo")
    assert info is not None
    return etree.tostring(info, method="c14n")


def test_openssl_verifies_our_sm2_signature(sm2_pair: KeyPair, tmp_path: Path) -> None:
    signed = sign(_message(), _signer(sm2_pair))
    value = etree.fromstring(signed).findtext(f"{DS}Signature/{DS}SignatureValue") or ""
    (tmp_path / "info").write_bytes(_signed_info_c14n(signed))
    (tmp_path / "sig").write_bytes(sm2.raw_to_der(base64.b64decode(value)))
    assert (
        openssl(
            "x509", "-in", str(sm2_pair.cert), "-pubkey", "-noout", "-out", str(tmp_path / "pub")
        ).returncode
        == 0
    )
    args = ["pkeyutl", "-verify", "-pubin", "-inkey", str(tmp_path / "pub"), "-rawin", "-digest", "sm3",
            "-pkeyopt", "distid:1234567812345678", "-in", str(tmp_path / "info"), "-sigfile", str(tmp_path / "sig")]  # fmt: skip
    done = openssl(*args)
    assert done.returncode == 0, done.stdout + done.stderr
    (tmp_path / "info").write_bytes(_signed_info_c14n(signed) + b" ")
    assert openssl(*args).returncode != 0


def test_openssl_made_sm2_signature_verifies_with_ours(sm2_pair: KeyPair, tmp_path: Path) -> None:
    signed = sign(_message(), _signer(sm2_pair))
    (tmp_path / "info").write_bytes(_signed_info_c14n(signed))
    done = openssl(
        "pkeyutl", "-sign", "-inkey", str(sm2_pair.key), "-rawin", "-digest", "sm3",
        "-pkeyopt", "distid:1234567812345678", "-in", str(tmp_path / "info"), "-out", str(tmp_path / "sig"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    raw = sm2.der_to_raw((tmp_path / "sig").read_bytes())
    root = etree.fromstring(signed)
    value = root.find(f"{DS}Signature/{DS}SignatureValue")
    assert value is not None
    value.text = base64.b64encode(raw).decode()
    assert verify(etree.tostring(root)).ok
    # A DER-encoded value (some senders) is accepted as well.
    value.text = base64.b64encode((tmp_path / "sig").read_bytes()).decode()
    assert verify(etree.tostring(root)).signature_ok
    assert C14N.startswith("http://www.w3.org/TR/2001/REC-xml-c14n")


def test_our_digest_path_agrees_with_gmssl_one_shot_sm2() -> None:
    gmssl_pyx = pytest.importorskip("gmssl_pyx")
    public, private = gmssl_pyx.sm2_key_generate()
    for data in (b"", b"abc", "报文".encode() * 300):
        raw = sm2.sign(private, public, data)
        assert gmssl_pyx.sm2_verify(public, data, sm2.raw_to_der(raw))
        assert sm2.verify(public, data, gmssl_pyx.sm2_sign(private, public, data))
        assert not sm2.verify(public, data + b"!", raw)
