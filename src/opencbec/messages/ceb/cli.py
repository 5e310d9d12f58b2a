"""`opencbec ceb ...`: validate, show, sign, verify and create CEB messages from the shell."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from opencbec.messages.ceb.codec import decode_report, encode, message_class, message_types
from opencbec.messages.ceb.errors import CebError
from opencbec.messages.ceb.safexml import speedups_enabled
from opencbec.messages.ceb.sign import LEGACY_SM2_SHA1, SoftwareSigner, load_certificate
from opencbec.messages.ceb.sign import sign as sign_message
from opencbec.messages.ceb.sign import verify as verify_message
from opencbec.messages.ceb.skeleton import skeleton
from opencbec.messages.ceb.spec import Kind, spec_of
from opencbec.messages.ceb.validate import validate_bytes

app = typer.Typer(help="China Customs CEB messages (海关跨境电商报文).", no_args_is_help=True)

_PARTIES = (
    "copCode", "copName", "ebpCode", "ebpName", "ebcCode", "ebcName", "agentCode", "agentName",
    "logisticsCode", "logisticsName", "payCode", "payName", "operatorCode", "operatorName",
)  # fmt: skip
_KEYS = (
    "orderNo", "logisticsNo", "payTransactionId", "copNo", "preNo", "invtNo", "billNo",
    "sumNo", "taxNo", "returnStatus",
)  # fmt: skip
_AMOUNTS = (
    "goodsValue",
    "freight",
    "acturalPaid",
    "amountPaid",
    "totalPrice",
    "charge",
    "taxTotal",
)

XsdOption = Annotated[
    Path | None,
    typer.Option("--xsd-dir", help="Folder of the official XSDs (default: $OPENCBEC_CEB_XSD_DIR)."),
]


def _note_reader(lang: str) -> None:
    if not speedups_enabled():
        typer.echo(
            "提示：未使用编译的快速读取模块（_fastxml），报文由 lxml 读取，速度较慢"
            if lang.startswith("zh")
            else "note: the compiled reader (_fastxml) is not in use; lxml reads the messages (slower)",
            err=True,
        )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        typer.echo(f"{path}: cannot read: {exc.strerror}", err=True)
        raise typer.Exit(2) from None


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="CEB message files.")],
    xsd_dir: XsdOption = None,
    rules: Annotated[
        bool, typer.Option(help="Also apply business rules (code tables ...).")
    ] = True,
    lang: Annotated[str, typer.Option(help="Language of the reasons: en or zh.")] = "en",
) -> None:
    """Validate message files; exit 1 if any has a fault."""
    _note_reader(lang)
    failed = 0
    for path in files:
        issues = validate_bytes(_read(path), rules=rules, xsd_dir=xsd_dir)
        if not issues:
            typer.echo(f"{path}: OK")
            continue
        failed += 1
        typer.echo(f"{path}: {len(issues)} fault(s)")
        for found in issues:
            typer.echo(f"  [{found.level}] {found.text('zh' if lang.startswith('zh') else 'en')}")
    if failed:
        raise typer.Exit(1)


def _documents(message: Any) -> list[Any]:
    spec = spec_of(type(message))
    first = next(fs for fs in spec.fields if fs.kind is Kind.RECORD and not fs.attribute)
    value = getattr(message, first.attr)
    return list(value) if first.repeated else [value]


def _flatten(record: Any, out: dict[str, Any]) -> None:
    for fs in spec_of(type(record)).fields:
        value = getattr(record, fs.attr)
        if fs.kind is Kind.RECORD and value is not None and not fs.repeated:
            _flatten(value, out)
        elif fs.kind in (Kind.STR, Kind.DEC) and value is not None:
            out.setdefault(fs.name, value)


@app.command()
def show(file: Annotated[Path, typer.Argument(help="A CEB message file.")]) -> None:
    """Summarise a message: type, parties, documents and amounts."""
    try:
        decoded = decode_report(_read(file))
    except CebError as exc:
        typer.echo(f"{file}: {exc}", err=True)
        raise typer.Exit(1) from None
    message = decoded.message
    spec = spec_of(type(message))
    typer.echo(f"{spec.name} ({spec.direction}) guid={message.guid} version={message.version}")
    typer.echo(f"  {spec.doc}")
    transfer = getattr(message, "base_transfer", None)
    if transfer is not None:
        typer.echo(f"  sender: {transfer.copCode} {transfer.copName} ({transfer.dxpId})")
    if getattr(message, "signature", None):
        typer.echo("  signed: yes")
    documents = _documents(message)
    typer.echo(f"  documents: {len(documents)}")
    for n, document in enumerate(documents, 1):
        fields: dict[str, Any] = {}
        _flatten(document, fields)
        keys = " ".join(f"{k}={fields[k]}" for k in _KEYS if k in fields)
        parties = " ".join(f"{k}={fields[k]}" for k in _PARTIES if fields.get(k))
        amounts = " ".join(
            f"{k}={fields[k]}" for k in _AMOUNTS if isinstance(fields.get(k), Decimal)
        )
        lines = sum(
            len(getattr(document, fs.attr)) for fs in spec_of(type(document)).fields if fs.repeated
        )
        typer.echo(f"  [{n}] {keys}")
        if parties:
            typer.echo(f"      parties: {parties}")
        if amounts:
            typer.echo(f"      amounts: {amounts}")
        if lines:
            typer.echo(f"      lines: {lines}")
    for found in decoded.issues:
        typer.echo(f"  note: {found}")


@app.command()
def sign(
    file: Annotated[Path, typer.Argument(help="The message to sign.")],
    key: Annotated[Path, typer.Option(help="Private key, PEM or DER PKCS#8 (SM2 or RSA).")],
    cert: Annotated[Path, typer.Option(help="The signer's X.509 certificate, PEM or DER.")],
    out: Annotated[
        Path | None, typer.Option(help="Output file (default: standard output).")
    ] = None,
    legacy_sha1: Annotated[
        bool, typer.Option(help="SM2 over a SHA-1 digest with the w3.org URI (old U-Key signers).")
    ] = False,
) -> None:
    """Sign a message with an enveloped ds:Signature (SM2-SM3 or RSA-SHA1 by key type)."""
    try:
        signer = SoftwareSigner.from_pem(_read(key), _read(cert))
        signed = sign_message(_read(file), signer, LEGACY_SM2_SHA1 if legacy_sha1 else None)
    except (ValueError, CebError) as exc:
        typer.echo(f"cannot sign: {exc}", err=True)
        raise typer.Exit(1) from None
    if out is None:
        typer.echo(signed.decode("utf-8"), nl=False)
    else:
        out.write_bytes(signed)
        typer.echo(f"signed: {out}")


@app.command()
def verify(
    file: Annotated[Path, typer.Argument(help="A signed message.")],
    trusted: Annotated[
        list[Path] | None, typer.Option(help="Trusted issuer certificate(s), PEM or DER.")
    ] = None,
) -> None:
    """Verify the signature; report digest, signature and certificate; exit 1 on failure."""
    try:
        anchors = [load_certificate(_read(path)) for path in trusted] if trusted else None
        result = verify_message(_read(file), trusted=anchors)
    except (ValueError, CebError) as exc:
        typer.echo(f"cannot verify: {exc}", err=True)
        raise typer.Exit(1) from None
    for label, ok in (
        ("digest", result.digest_ok),
        ("signature", result.signature_ok),
        ("certificate", result.certificate_ok),
    ):
        typer.echo(f"{label}: {'ok' if ok else 'FAILED'}")
    if result.subject:
        typer.echo(f"signer: {result.subject} (KeyName {result.key_name})")
    for problem in result.problems:
        typer.echo(f"  {problem}")
    if not result.ok:
        raise typer.Exit(1)


@app.command()
def new(
    type_: Annotated[str, typer.Argument(metavar="TYPE", help="311, CEB311 or CEB311Message.")],
    out: Annotated[
        Path | None, typer.Option(help="Output file (default: standard output).")
    ] = None,
) -> None:
    """Write a valid skeleton of a message type, placeholders in every required field."""
    try:
        cls = message_class(type_)
    except KeyError:
        known = ", ".join(sorted(name[3:6] for name in message_types()))
        typer.echo(f"unknown message type {type_!r}; known: {known}", err=True)
        raise typer.Exit(2) from None
    data = encode(skeleton(cls))
    if out is None:
        typer.echo(data.decode("utf-8"))
    else:
        out.write_bytes(data)
        typer.echo(f"written: {out}")
