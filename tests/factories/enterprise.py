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
        "contact_name": "李四",
        "contact_phone": "13800138000",
        "contact_email": "trade@example.cn",
        "bank_name": "中原银行新乡分行",
        "bank_account": "6222020000000001",
        "fx_account": "",
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
