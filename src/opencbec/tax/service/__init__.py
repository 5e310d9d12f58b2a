"""Tax use cases: rates and the taxTotal check, the annual quota ledger, the consumer quota check.

Other domains import `from opencbec.tax import service as tax_service`.
"""

from opencbec.tax.rules import ANNUAL_LIMIT
from opencbec.tax.service.exports import (
    ExportRefund,
    TaxFigures,
    TaxMonth,
    export_refunds,
    import_tax_by_month,
    sees_tax,
    tax_figures,
)
from opencbec.tax.service.lookup import (
    LOOKUP_WINDOW,
    LOOKUPS_PER_CLIENT,
    LOOKUPS_PER_ID,
    NOTHING_RECORDED,
    QuotaStatement,
    TooManyLookups,
    client_key,
    look_up_quota,
    quota_year,
)
from opencbec.tax.service.quota import (
    APPROVED,
    QuotaExceeded,
    annual_used,
    buyer_hash,
    named_inventory,
    quota_hook,
    remaining_quota,
    reserve_quota,
    return_quota,
    returned_value,
    settle_quota,
)
from opencbec.tax.service.rates import rate_table, tax_total_check
from opencbec.tax.service.shares import BUCKETS, NEAR, QuotaShares, quota_shares

__all__ = [
    "ANNUAL_LIMIT",
    "APPROVED",
    "BUCKETS",
    "LOOKUPS_PER_CLIENT",
    "LOOKUPS_PER_ID",
    "LOOKUP_WINDOW",
    "NEAR",
    "NOTHING_RECORDED",
    "ExportRefund",
    "QuotaExceeded",
    "QuotaShares",
    "QuotaStatement",
    "TaxFigures",
    "TaxMonth",
    "TooManyLookups",
    "annual_used",
    "buyer_hash",
    "client_key",
    "export_refunds",
    "import_tax_by_month",
    "look_up_quota",
    "named_inventory",
    "quota_hook",
    "quota_shares",
    "quota_year",
    "rate_table",
    "remaining_quota",
    "reserve_quota",
    "return_quota",
    "returned_value",
    "sees_tax",
    "settle_quota",
    "tax_figures",
    "tax_total_check",
]
