"""Validate CEB models with our own rules (path + reason in en and zh-CN) and, optionally, the XSD."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final, cast

from lxml import etree

from opencbec.messages.ceb.codec import decode_report, decode_tree, encode_tree
from opencbec.messages.ceb.compiled import checker
from opencbec.messages.ceb.errors import CebError, CebIssue, issue
from opencbec.messages.ceb.rules import id_number_valid
from opencbec.messages.ceb.safexml import DEFAULT_LIMITS, Limits, parse
from opencbec.messages.ceb.spec import EXPORT_XSD, IMPORT_XSD, spec_of

XSD_ENV: Final = "OPENCBEC_CEB_XSD_DIR"
__all__ = ["XSD_ENV", "id_number_valid", "validate", "validate_bytes", "xsd_folder", "xsd_issues"]


def validate(
    message: Any, *, rules: bool = True, xsd_dir: Path | str | None = None
) -> list[CebIssue]:
    """Return every fault of a message model: schema facets, then (if `rules`) our business rules.

    The official XSD is applied too when `xsd_dir` is given or `OPENCBEC_CEB_XSD_DIR` is set.
    """
    spec = spec_of(type(message))
    if spec.direction is None:
        raise TypeError(f"{spec.name} is not a message root")
    out: list[CebIssue] = []
    checker(spec, spec.direction)(message, "", rules, out)
    folder = xsd_folder(xsd_dir)
    if folder is not None and not out:
        out.extend(xsd_issues(encode_tree(message), spec.direction, folder))
    return out


def validate_bytes(
    data: bytes,
    *,
    rules: bool = True,
    xsd_dir: Path | str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> list[CebIssue]:
    """Return every fault of raw message bytes: parsing, structure, facets, rules and the XSD."""
    folder = xsd_folder(xsd_dir)
    try:
        # The official XSD needs lxml's tree; without it the compiled reader may serve.
        root = parse(data, limits) if folder is not None else None
        decoded = decode_report(data, limits) if root is None else decode_tree(root)
    except CebError as exc:
        return list(exc.issues)
    out = list(decoded.issues)
    out.extend(validate(decoded.message, rules=rules, xsd_dir=None))
    if root is not None and folder is not None:
        direction = spec_of(type(decoded.message)).direction
        assert direction is not None
        out.extend(xsd_issues(root, direction, folder))
    return out


def xsd_folder(xsd_dir: Path | str | None = None) -> Path | None:
    """Return the XSD folder from the argument or `OPENCBEC_CEB_XSD_DIR`, or None."""
    chosen = xsd_dir if xsd_dir is not None else os.environ.get(XSD_ENV)
    return Path(chosen) if chosen else None


_schemas: dict[tuple[Path, str], etree.XMLSchema] = {}
_schema_lock = threading.Lock()


def official_schema(folder: Path, direction: str) -> etree.XMLSchema:
    """Return the (cached) official XSD of `direction` ("import" or "export") from `folder`."""
    key = (folder.resolve(), direction)
    with _schema_lock:
        schema = _schemas.get(key)
        if schema is None:
            name = IMPORT_XSD if direction == "import" else EXPORT_XSD
            schema = etree.XMLSchema(etree.parse(str(folder / name)))
            _schemas[key] = schema
    return schema


def xsd_issues(root: etree._Element, direction: str, folder: Path) -> list[CebIssue]:
    """Return the official XSD's complaints about a tree, as findings."""
    schema = official_schema(folder, direction)
    if schema.validate(root):
        return []
    entries = cast(Iterable[etree._LogEntry], schema.error_log)
    return [
        issue(entry.path or "/", "xsd", f"XSD: {entry.message}", f"XSD 校验失败：{entry.message}")
        for entry in entries
    ]
