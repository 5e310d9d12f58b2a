"""The `ceb` command line, driven through Typer's runner."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from opencbec.messages.ceb.cli import app
from opencbec.messages.ceb.codec import decode, encode
from opencbec.messages.ceb.models import imp_order
from opencbec.messages.ceb.safexml import set_speedups, speedups_available
from opencbec.messages.ceb.skeleton import skeleton

from .conftest import KeyPair

runner = CliRunner()


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_new_writes_a_valid_skeleton(tmp_path: Path) -> None:
    result = runner.invoke(app, ["new", "311"])
    assert result.exit_code == 0
    assert "<ceb:CEB311Message" in result.output
    out = tmp_path / "n.xml"
    assert runner.invoke(app, ["new", "CEB303Message", "--out", str(out)]).exit_code == 0
    assert type(decode(out.read_bytes())).__name__ == "CEB303Message"
    result = runner.invoke(app, ["validate", str(out)])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"{out}: OK"


def test_validate_says_when_lxml_alone_reads(tmp_path: Path) -> None:
    good = _write(tmp_path / "good.xml", encode(skeleton(imp_order.CEB311Message)))
    previous = set_speedups(False)
    try:
        result = runner.invoke(app, ["validate", str(good)])
        assert "the compiled reader (_fastxml) is not in use" in result.stderr
        result = runner.invoke(app, ["validate", str(good), "--lang", "zh"])
        assert "未使用编译的快速读取模块" in result.stderr
    finally:
        set_speedups(previous)
    if speedups_available():
        assert runner.invoke(app, ["validate", str(good)]).stderr == ""


def test_new_unknown_type() -> None:
    result = runner.invoke(app, ["new", "999"])
    assert result.exit_code == 2
    assert "unknown message type" in result.output


def test_validate_reports_each_file_and_fails(tmp_path: Path) -> None:
    message = skeleton(imp_order.CEB311Message)
    message.order[0].order_head.buyerIdNumber = "123"
    bad = _write(tmp_path / "bad.xml", encode(message))
    good = _write(tmp_path / "good.xml", encode(skeleton(imp_order.CEB311Message)))
    result = runner.invoke(app, ["validate", str(good), str(bad), "--lang", "zh"])
    assert result.exit_code == 1
    assert f"{good}: OK" in result.output
    assert "Order[1]/OrderHead/buyerIdNumber: 应为 18 个字符，实为 3 个" in result.output
    assert runner.invoke(app, ["validate", str(bad), "--no-rules"]).exit_code == 0


def test_validate_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "none.xml")])
    assert result.exit_code == 2
    assert "cannot read" in result.output


def test_show_summarises(tmp_path: Path, rsa_pair: KeyPair) -> None:
    message = skeleton(imp_order.CEB311Message)
    message.order[0].order_head.orderNo = "ORDER-42"
    path = _write(
        tmp_path / "m.xml", encode(message).replace(b"<ceb:guid>", b"<ceb:junk/><ceb:guid>", 1)
    )
    result = runner.invoke(app, ["show", str(path)])
    assert result.exit_code == 0
    assert "CEB311Message (import)" in result.output
    assert "orderNo=ORDER-42" in result.output
    assert "acturalPaid=0" in result.output
    assert "lines: 1" in result.output
    assert "note: Order[1]/OrderHead/junk" in result.output
    broken = _write(tmp_path / "b.xml", b"<x/>")
    assert runner.invoke(app, ["show", str(broken)]).exit_code == 1


def test_show_receipt_without_transfer(tmp_path: Path) -> None:
    path = _write(tmp_path / "r.xml", encode(skeleton(imp_order.CEB312Message)))
    result = runner.invoke(app, ["show", str(path)])
    assert result.exit_code == 0
    assert "sender" not in result.output
    assert "returnStatus=2" in result.output


def test_sign_then_verify(tmp_path: Path, sm2_pair: KeyPair, sm2_ca: Path) -> None:
    src = _write(tmp_path / "m.xml", encode(skeleton(imp_order.CEB311Message)))
    out = tmp_path / "signed.xml"
    args = ["sign", str(src), "--key", str(sm2_pair.key), "--cert", str(sm2_pair.cert)]
    assert runner.invoke(app, [*args, "--out", str(out)]).exit_code == 0
    to_stdout = runner.invoke(app, args)
    assert "<ds:Signature" in to_stdout.output
    result = runner.invoke(app, ["verify", str(out), "--trusted", str(sm2_ca)])
    assert result.exit_code == 0, result.output
    assert "digest: ok\nsignature: ok\ncertificate: ok" in result.output
    assert "signed: yes" in runner.invoke(app, ["show", str(out)]).output
    tampered = _write(tmp_path / "t.xml", out.read_bytes().replace(b"ebpName>X<", b"ebpName>Y<"))
    assert tampered.read_bytes() != out.read_bytes()
    result = runner.invoke(app, ["verify", str(tampered)])
    assert result.exit_code == 1
    assert "digest: FAILED" in result.output
    legacy = runner.invoke(app, [*args, "--legacy-sha1"])
    assert "xmldsig#sm2-sm3" in legacy.output


def test_sign_and_verify_errors(tmp_path: Path, rsa_pair: KeyPair) -> None:
    src = _write(tmp_path / "m.xml", encode(skeleton(imp_order.CEB311Message)))
    bad_key = _write(tmp_path / "k.pem", b"nonsense")
    result = runner.invoke(
        app, ["sign", str(src), "--key", str(bad_key), "--cert", str(rsa_pair.cert)]
    )
    assert result.exit_code == 1
    assert "cannot sign" in result.output
    result = runner.invoke(app, ["verify", str(src)])
    assert result.exit_code == 1
    assert "no ds:Signature" in result.output
    result = runner.invoke(app, ["verify", str(_write(tmp_path / "x.xml", b"<!DOCTYPE x><x/>"))])
    assert result.exit_code == 1
    assert "cannot verify" in result.output


def test_validate_with_the_official_xsd(tmp_path: Path, xsd_dir: Path) -> None:
    message = skeleton(imp_order.CEB311Message)
    good = _write(tmp_path / "good.xml", encode(message))
    assert runner.invoke(app, ["validate", str(good), "--xsd-dir", str(xsd_dir)]).exit_code == 0
    extra = encode(message).replace(b"</ceb:CEB311Message>", b"<ceb:Surprise/></ceb:CEB311Message>")
    bad = _write(tmp_path / "bad.xml", extra)
    result = runner.invoke(app, ["validate", str(bad), "--xsd-dir", str(xsd_dir)])
    assert result.exit_code == 1
    assert "Surprise: element Surprise is not allowed here" in result.output
    assert "XSD:" in result.output
