"""Goods use cases: the reference code tables and goods filing.

Other domains import `from opencbec.goods import service as goods_service`.
"""

from opencbec.goods.service.codes import (
    BUNDLED,
    HS_SOURCE,
    Bundled,
    Preview,
    apply_edition,
    bundled_content,
    editions,
    history,
    latest_edition,
    load_bundled,
    lookup,
    preview_edition,
    rows_in_force,
    search,
    spec_or_error,
)
from opencbec.goods.service.products import (
    BulkReport,
    CodeCache,
    ProductCheck,
    check_product_codes,
    file_product,
    file_products_bulk,
    get_product,
    list_products,
    record_brand,
)

__all__ = [
    "BUNDLED",
    "HS_SOURCE",
    "BulkReport",
    "Bundled",
    "CodeCache",
    "Preview",
    "ProductCheck",
    "apply_edition",
    "bundled_content",
    "check_product_codes",
    "editions",
    "file_product",
    "file_products_bulk",
    "get_product",
    "history",
    "latest_edition",
    "list_products",
    "load_bundled",
    "lookup",
    "preview_edition",
    "record_brand",
    "rows_in_force",
    "search",
    "spec_or_error",
]
