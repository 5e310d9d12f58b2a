"""Warehousing (仓储): the bonded warehouse's 1210 inventories, for the warehouse operator and the
departments entitled to warehousing records."""
