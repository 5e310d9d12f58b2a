"""Conformance with the official 2022-05 XSDs and samples (skipped where ../shared is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from opencbec.messages.ceb.codec import decode, decode_report, encode, message_types
from opencbec.messages.ceb.sign import SoftwareSigner, sign
from opencbec.messages.ceb.skeleton import skeleton
from opencbec.messages.ceb.validate import official_schema, validate, validate_bytes, xsd_issues

from .conftest import CONFORMANCE, KeyPair

# The samples the official XSD itself rejects (conformance README) and the fault to report.
REJECTED = {
    "CEB303Message.xml": "BaseTransfer",
    "CEB403Message.xml": "BaseTransfer",
    "CEB505Message.xml": "BaseTransfer",
    "CEB507Message.xml": "BaseTransfer",
    "CEB509Message.xml": "BaseTransfer",
    "CEB603Message.xml": "BaseTransfer",
    "CEB605Message.xml": "BaseTransfer",
    "CEB607Message.xml": "BaseTransfer",
    "CEB214Message.xml": "CEB214",
    "CEB792Message.xml": "gseqno",
}


def _samples() -> list[pytest.param]:  # type: ignore[valid-type]
    found = sorted((CONFORMANCE / "samples").glob("*/*.xml"))
    if not found:
        return [pytest.param(None, id="no-samples")]
    return [pytest.param(path, id=f"{path.parent.name}-{path.stem}") for path in found]


def _direction(path: Path) -> str:
    return "import" if path.parent.name == "import" else "export"


def test_all_39_official_samples_are_present(conformance: Path) -> None:
    assert len(list((conformance / "samples").glob("*/*.xml"))) == 39


@pytest.mark.parametrize("sample", _samples())
def test_official_sample_decodes_and_round_trips(sample: Path | None, xsd_dir: Path) -> None:
    if sample is None:
        pytest.skip("no samples")
    data = sample.read_bytes()
    decoded = decode_report(data)
    schema = official_schema(xsd_dir, _direction(sample))
    original_ok = schema.validate(etree.fromstring(data))
    assert original_ok is (sample.name not in REJECTED)
    encoded = encode(decoded.message)
    # Our output always satisfies the official XSD, even from a sample the XSD rejects.
    assert xsd_issues(etree.fromstring(encoded), _direction(sample), xsd_dir) == [] or (
        sample.name == "CEB792Message.xml"
    )
    assert decode(encoded) == decoded.message
    if original_ok:
        assert decoded.issues == ()
        assert validate(decoded.message, rules=False) == []


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_rejected_samples_get_the_xsd_fault_from_our_validator(
    name: str, conformance: Path, xsd_dir: Path
) -> None:
    path = next((conformance / "samples").glob(f"*/{name}"))
    data = path.read_bytes()
    xsd = xsd_issues(etree.fromstring(data), _direction(path), xsd_dir)
    ours = validate_bytes(data, rules=False)
    fault = REJECTED[name]
    assert any(fault in found.reason_en for found in xsd)
    assert ours
    assert all(fault in found.path for found in ours if found.code != "unexpected")
    if name == "CEB214Message.xml":
        # The XSD stops at the root name; we also name the undeclared element inside.
        assert any(found.path.endswith("/appSenderId") for found in ours)


def test_792_sample_reencodes_with_the_same_missing_gseqno(
    conformance: Path, xsd_dir: Path
) -> None:
    data = (conformance / "samples" / "export" / "CEB792Message.xml").read_bytes()
    encoded = encode(decode(data))
    xsd = xsd_issues(etree.fromstring(encoded), "export", xsd_dir)
    assert xsd
    assert all("gseqno" in found.reason_en for found in xsd)


def _signed_if_needed(message: object, rsa_pair: KeyPair) -> bytes:
    data = encode(message)
    spec_requires = type(message).__name__ in {
        "CEB621Message", "CEB623Message", "CEB625Message", "CEB711Message",
    }  # fmt: skip
    if spec_requires:
        signer = SoftwareSigner.from_pem(rsa_pair.key.read_bytes(), rsa_pair.cert.read_bytes())
        data = sign(data, signer)
    return data


@pytest.mark.parametrize("name", sorted(message_types()))
def test_every_type_built_by_us_passes_the_official_xsd(
    name: str, xsd_dir: Path, rsa_pair: KeyPair
) -> None:
    message = skeleton(message_types()[name])
    data = _signed_if_needed(message, rsa_pair)
    assert validate_bytes(data, xsd_dir=xsd_dir) == []


def test_xsd_rejects_a_broken_signature(xsd_dir: Path, rsa_pair: KeyPair) -> None:
    # lxml skips an xs:import it cannot resolve; prove the xmldsig schema is really applied.
    data = _signed_if_needed(skeleton(message_types()["CEB621Message"]), rsa_pair)
    broken = data.replace(b"<ds:SignatureValue>", b"<ds:Bogus/><ds:SignatureValue>")
    issues = validate_bytes(broken, xsd_dir=xsd_dir)
    assert any("Bogus" in found.reason_en for found in issues)


def test_xsd_validation_is_read_from_the_environment(
    xsd_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = skeleton(message_types()["CEB311Message"])
    message.base_transfer = None  # caught by our rules and by the XSD
    assert [found.path for found in validate(message)] == ["BaseTransfer"]
    monkeypatch.setenv("OPENCBEC_CEB_XSD_DIR", str(xsd_dir))
    data = encode(message)
    issues = validate_bytes(data)
    assert any(found.code == "xsd" for found in issues)
    monkeypatch.delenv("OPENCBEC_CEB_XSD_DIR")
    assert not any(found.code == "xsd" for found in validate_bytes(data))
