"""Goods filing (商品备案): one product or a bulk CSV, checked against the code tables in force,
the CBEC positive list and brand recordals."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from opencbec.audit import service as audit_service
from opencbec.audit.service import Actor
from opencbec.enterprise import service as enterprise_service
from opencbec.errors import FieldError, Forbidden, InvalidInput, NotFound, invalid
from opencbec.goods.models import BrandRecordal, Product, ProductImage, ReferenceCode
from opencbec.goods.rules import (
    PRODUCT_FIELDS,
    brand_key,
    check_product,
)
from opencbec.goods.service.codes import lookup
from opencbec.identity.rules import Principal, regulator_may_read
from opencbec.kit.i18n import N_, Bilingual
from opencbec.kit.tables import TableError, read_table
from opencbec.kit.time import utcnow

# --- filed products (商品备案) -------------------------------------------------------------

audit_service.describe_actions(
    {
        "goods.product.file": N_("Product filed"),
        "goods.product.bulk": N_("Products filed in bulk"),
        "goods.brand.record": N_("Brand recorded"),
        "goods.product.image": N_("Product picture added"),
    }
)


@dataclass
class ProductCheck:
    """A product's cleaned fields, its problems, and what the reviewer should know."""

    clean: dict[str, Any]
    errors: list[FieldError]
    positive_list_notes: str | None = None
    ip_owner: str | None = None


class CodeCache:
    """Code lookups for one filing or one bulk upload: each code is read from the database once."""

    def __init__(self, session: Session, on: dt.date) -> None:
        self.session = session
        self.on = on
        self._seen: dict[tuple[str, str], ReferenceCode | None] = {}
        self._brands: dict[str, BrandRecordal] | None = None

    def get(self, table: str, code: str) -> ReferenceCode | None:
        """Return the row of `code` in force, cached."""
        key = (table, code)
        if key not in self._seen:
            self._seen[key] = lookup(self.session, table=table, code=code, on=self.on)
        return self._seen[key]

    def brand(self, brand: str) -> BrandRecordal | None:
        """Return the recordal of a brand, if it is recorded."""
        if self._brands is None:
            self._brands = {b.brand_key: b for b in self.session.scalars(select(BrandRecordal))}
        return self._brands.get(brand_key(brand))


def check_product_codes(codes: CodeCache, data: Mapping[str, Any]) -> ProductCheck:
    """Check a product against the code tables in force, the positive list and brand recordals."""
    clean, errors = check_product(data)
    result = ProductCheck(clean, errors)
    bad_fields = {e.field for e in errors}

    def missing(field: str, table: str, en: str, zh: str) -> None:
        if field not in bad_fields and codes.get(table, clean[field]) is None:
            errors.append(FieldError(field, Bilingual(en, zh), "unknown_code"))

    missing(
        "hs_code",
        "cn_code",
        f"{clean['hs_code']} is not a commodity code in force",
        f"{clean['hs_code']} 不是现行有效的商品编码",
    )
    if "hs_code" not in bad_fields and codes.get("hs", clean["hs_code"][:6]) is None:
        errors.append(
            FieldError(
                "hs_code",
                Bilingual(
                    f"HS subheading {clean['hs_code'][:6]} does not exist",
                    f"HS 子目 {clean['hs_code'][:6]} 不存在",
                ),
                "unknown_code",
            )
        )
    missing(
        "unit", "unit", f"{clean['unit']} is not a unit code", f"{clean['unit']} 不是计量单位代码"
    )
    missing(
        "origin_country",
        "country",
        f"{clean['origin_country']} is not a country code",
        f"{clean['origin_country']} 不是国别代码",
    )
    missing(
        "currency",
        "currency",
        f"{clean['currency']} is not a currency code",
        f"{clean['currency']} 不是币制代码",
    )
    if clean["direction"] == "import" and "hs_code" not in bad_fields:
        line = codes.get("positive_list", clean["hs_code"]) or codes.get(
            "positive_list", clean["hs_code"][:8]
        )
        if line is None:
            errors.append(
                FieldError(
                    "hs_code",
                    Bilingual(
                        f"{clean['hs_code']} is not on the CBEC retail import positive list",
                        f"{clean['hs_code']} 不在跨境电商零售进口商品清单内",
                    ),
                    "not_on_positive_list",
                )
            )
        else:
            notes = [
                str(line.data.get(k))
                for k in ("quantity_limit", "name_restriction", "note")
                if line.data.get(k)
            ]
            result.positive_list_notes = "; ".join(notes)[:500] or None
            if line.data.get("bonded_only") and clean["supervision_mode"] == "9610":
                errors.append(
                    FieldError(
                        "supervision_mode",
                        Bilingual(
                            "this positive-list line allows bonded import (1210/1239) only",
                            "该清单商品仅限网购保税进口（1210/1239）",
                        ),
                        "bonded_only",
                    )
                )
    if "brand" not in bad_fields and (recordal := codes.brand(clean["brand"])) is not None:
        result.ip_owner = f"{recordal.owner} ({recordal.recordal_no})"
    return result


def _require_filed_seller(session: Session, principal: Principal) -> None:
    if not enterprise_service.is_approved(session, organisation_id=principal.organisation_id):
        raise Forbidden(
            Bilingual(
                "File your enterprise and have the filing approved before filing goods.",
                "请先完成企业备案并获核准，再办理商品备案。",
            )
        )


def _product_from(principal: Principal, check: ProductCheck, now: dt.datetime) -> Product:
    clean = check.clean
    return Product(
        organisation_id=principal.organisation_id,
        **{k: clean[k] for k in PRODUCT_FIELDS},
        status="ip_review" if check.ip_owner else "filed",
        positive_list_notes=check.positive_list_notes,
        ip_owner=check.ip_owner,
        created_at=now,
        updated_at=now,
    )


def file_product(session: Session, *, principal: Principal, data: Mapping[str, Any]) -> Product:
    """File one product after every check; a brand under IP recordal is flagged for authorisation."""
    _require_filed_seller(session, principal)
    check = check_product_codes(CodeCache(session, dt.date.today()), data)
    if not check.errors and _item_taken(session, principal, check.clean["item_no"]):
        check.errors.append(
            FieldError(
                "item_no",
                Bilingual("this item number is already filed", "该商品编号已备案"),
                "duplicate",
            )
        )
    if check.errors:
        raise InvalidInput(
            check.errors,
            Bilingual("The product has mistakes; nothing was filed.", "商品信息有误，未备案。"),
        )
    product = _product_from(principal, check, utcnow())
    session.add(product)
    session.flush()
    audit_service.record(
        session,
        actor=principal.actor,
        action="goods.product.file",
        object_type="goods.product",
        object_id=product.id,
        organisation_id=principal.organisation_id,
        after={k: check.clean[k] for k in PRODUCT_FIELDS},
    )
    return product


def _item_taken(session: Session, principal: Principal, item_no: str) -> bool:
    return (
        session.scalar(
            select(Product.id).where(
                Product.organisation_id == principal.organisation_id, Product.item_no == item_no
            )
        )
        is not None
    )


@dataclass
class BulkReport:
    """The row-by-row result of a bulk upload."""

    rows: int = 0
    filed: int = 0
    errors: list[FieldError] = field(default_factory=list)

    @property
    def bad_rows(self) -> int:
        """Return how many rows had problems."""
        return len({e.field.split("/")[0] for e in self.errors})


def file_products_bulk(
    session: Session, *, principal: Principal, content: bytes, import_valid_rows: bool = False
) -> BulkReport:
    """File products from CSV or XLSX: all rows or none, unless the caller asks for the valid rows."""
    _require_filed_seller(session, principal)
    report = BulkReport()
    try:
        table = read_table(content)
    except TableError as exc:
        report.errors.append(FieldError("file", exc.reason))
        return report
    header = table.header
    missing = [f for f in PRODUCT_FIELDS if f not in header and f != "barcode"]
    if missing or any(h not in PRODUCT_FIELDS for h in header):
        report.errors.append(
            FieldError(
                "header",
                Bilingual(
                    f"columns must be {', '.join(PRODUCT_FIELDS)}; missing: {', '.join(missing) or '-'}",
                    f"列应为 {', '.join(PRODUCT_FIELDS)}；缺少：{', '.join(missing) or '-'}",
                ),
            )
        )
        return report
    codes = CodeCache(session, dt.date.today())
    taken = set(
        session.scalars(
            select(Product.item_no).where(Product.organisation_id == principal.organisation_id)
        )
    )
    good: list[ProductCheck] = []
    try:
        for line, record in table.rows:
            report.rows += 1
            _check_row(codes, taken, good, report, line, record)
    except TableError as exc:
        report.errors.append(FieldError("file", exc.reason))
        good.clear()
    if report.rows == 0 and not report.errors:
        report.errors.append(
            FieldError("file", Bilingual("the file has no rows", "文件没有数据行"))
        )
    if report.errors and not import_valid_rows:
        return report
    now = utcnow()
    values = [
        {
            "organisation_id": principal.organisation_id,
            **{k: c.clean[k] for k in PRODUCT_FIELDS},
            "status": "ip_review" if c.ip_owner else "filed",
            "positive_list_notes": c.positive_list_notes,
            "ip_owner": c.ip_owner,
            "created_at": now,
            "updated_at": now,
        }
        for c in good
    ]
    for start in range(0, len(values), 2000):
        session.execute(insert(Product), values[start : start + 2000])
    report.filed = len(values)
    session.flush()
    audit_service.record(
        session,
        actor=principal.actor,
        action="goods.product.bulk",
        object_type="goods.product",
        object_id="bulk",
        organisation_id=principal.organisation_id,
        details={
            "rows": report.rows,
            "filed": report.filed,
            "bad_rows": report.bad_rows,
            "sha256": hashlib.sha256(content).hexdigest(),
        },
    )
    return report


def _check_row(
    codes: CodeCache,
    taken: set[str],
    good: list[ProductCheck],
    report: BulkReport,
    line: int,
    record: Mapping[str, Any],
) -> None:
    check = check_product_codes(codes, record)
    if not check.errors and check.clean["item_no"] in taken:
        check.errors.append(
            FieldError(
                "item_no",
                Bilingual("this item number is already filed", "该商品编号已备案"),
                "duplicate",
            )
        )
    for error in check.errors:
        report.errors.append(FieldError(f"row {line}/{error.field}", error.reason, error.code))
    if not check.errors:
        taken.add(check.clean["item_no"])
        good.append(check)


def list_products(session: Session, *, principal: Principal, limit: int = 200) -> list[Product]:
    """Return the caller's filed products, newest first."""
    return list(
        session.scalars(
            select(Product)
            .where(Product.organisation_id == principal.organisation_id)
            .order_by(Product.id.desc())
            .limit(limit)
        )
    )


def get_product(session: Session, *, principal: Principal, product_id: int) -> Product:
    """Return a product the caller may read: its own, or any for a regulator."""
    product = session.get(Product, product_id)
    if product is None or not (
        product.organisation_id == principal.organisation_id
        or regulator_may_read(principal, "goods.product")
    ):
        raise NotFound(Bilingual("No such product.", "没有该商品。"))
    return product


def record_brand(
    session: Session, *, actor: Actor, brand: str, owner: str, recordal_no: str
) -> BrandRecordal:
    """Record a brand and its owner (the IP domain will manage these; the demo seeds a few)."""
    recordal = BrandRecordal(
        brand_key=brand_key(brand),
        brand=brand.strip(),
        owner=owner.strip(),
        recordal_no=recordal_no.strip(),
    )
    session.add(recordal)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="goods.brand.record",
        object_type="goods.brand",
        object_id=recordal.id,
        organisation_id=actor.organisation_id,
        details={"brand": recordal.brand, "owner": recordal.owner},
    )
    return recordal


MAX_IMAGE_BYTES: Final = 2 * 1024 * 1024
_IMAGE_MAGIC: Final = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


def image_path(var_dir: Path, sha256: str) -> Path:
    """Return where a product image with `sha256` is stored."""
    return var_dir / "uploads" / "goods" / sha256[:2] / sha256


def add_image(
    session: Session, *, principal: Principal, product_id: int, content: bytes, var_dir: Path
) -> ProductImage:
    """Attach a PNG or JPEG picture (at most 2 MiB) to one of the caller's products."""
    product = session.get(Product, product_id)
    if product is None or product.organisation_id != principal.organisation_id:
        raise NotFound(Bilingual("No such product.", "没有该商品。"))
    if len(content) > MAX_IMAGE_BYTES:
        raise invalid("file", "at most 2 MiB", "图片不能超过 2 MiB", "too_large")
    content_type = next((ctype for magic, ctype in _IMAGE_MAGIC if content.startswith(magic)), None)
    if content_type is None:
        raise invalid(
            "file",
            "only PNG or JPEG pictures are accepted",
            "只接受 PNG 或 JPEG 图片",
            "wrong_type",
        )
    digest = hashlib.sha256(content).hexdigest()
    path = image_path(var_dir, digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".part")
        temporary.write_bytes(content)
        temporary.replace(path)
    image = ProductImage(
        product_id=product.id,
        sha256=digest,
        content_type=content_type,
        size=len(content),
        uploaded_at=utcnow(),
    )
    session.add(image)
    session.flush()
    audit_service.record(
        session,
        actor=principal.actor,
        action="goods.product.image",
        object_type="goods.product",
        object_id=product.id,
        organisation_id=principal.organisation_id,
        details={"sha256": digest, "size": len(content)},
    )
    return image


def images_of(session: Session, *, product_ids: list[int]) -> dict[int, list[ProductImage]]:
    """Return the pictures of some products, by product."""
    out: dict[int, list[ProductImage]] = {}
    for image in session.scalars(
        select(ProductImage)
        .where(ProductImage.product_id.in_(product_ids))
        .order_by(ProductImage.id)
    ):
        out.setdefault(image.product_id, []).append(image)
    return out


def get_image(session: Session, *, principal: Principal, image_id: int) -> ProductImage:
    """Return a picture the caller may see (its own product's, or an entitled regulator's)."""
    image = session.get(ProductImage, image_id)
    if image is None:
        raise NotFound()
    get_product(session, principal=principal, product_id=image.product_id)
    return image
