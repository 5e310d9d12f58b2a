"""Goods: the reference code tables (countries, currencies, units, modes, customs offices, HS
nomenclature, China 10-digit codes, the CBEC positive list, export refund rates) and, later, goods
filing. Every code table is effective-dated and carries its source and version."""
