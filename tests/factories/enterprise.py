"""Enterprise filing factories."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session
from stdnum.cn import uscc

from opencbec.enterprise import service
from opencbec.enterprise.models import FilingVersion
from opencbec.identity.rules import Principal

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
_serial = itertools.count(10_000_000)


def new_uscc() -> str:
    """Return a fresh valid unified social credit code."""
    body = f"91410700{next(_serial):08d}A"[:17]
    return body + uscc.calc_check_digit(body)


def filing_data(**changes: Any) -> dict[str, Any]:
    """Return valid filing content."""
    data: dict[str, Any] = {
        "uscc": new_uscc(),
        "customs_code": "4107960ABC",
        "name_zh": "新乡示范化工有限公司",
        "name_en": "Xinxiang Demo Chemicals Co., Ltd.",
        "roles": ["ecommerce_enterprise"],
        "legal_representative": "张三",
        "address": "河南省新乡市经济开发区示范路 1 号",
        "contacts": [{"name": "李四", "phone": "13800138000", "email": "trade@example.cn"}],
        "bank_accounts": [{"bank_name": "中原银行新乡分行", "account": "6222020000000001"}],
        "fx_accounts": [],
    }
    data.update(changes)
    return data


def submitted_filing(
    session: Session, principal: Principal, var_dir: Path, **changes: Any
) -> FilingVersion:
    """File, attach the business licence, and submit."""
    version = service.save_filing(session, principal=principal, data=filing_data(**changes))
    service.add_document(
        session,
        principal=principal,
        kind="business_licence",
        filename="licence.pdf",
        content=PDF,
        var_dir=var_dir,
    )
    return service.submit(session, principal=principal, version_id=version.id)


def filing_form(data: dict[str, Any]) -> dict[str, Any]:
    """Return filing content as the filing page's form posts it (repeated fields per column)."""
    form = {k: v for k, v in data.items() if k not in {"contacts", "bank_accounts", "fx_accounts"}}
    form["contact_name"] = [c["name"] for c in data["contacts"]]
    form["contact_phone"] = [c["phone"] for c in data["contacts"]]
    form["contact_email"] = [c["email"] for c in data["contacts"]]
    form["bank_name"] = [b["bank_name"] for b in data["bank_accounts"]]
    form["bank_account"] = [b["account"] for b in data["bank_accounts"]]
    form["fx_bank_name"] = [f["bank_name"] for f in data["fx_accounts"]]
    form["fx_account"] = [f["account"] for f in data["fx_accounts"]]
    return form
