"""The audit log: append-only, hash-chained, written in the same transaction as the change.

Audit sits below identity in the business order: every domain, identity included, writes to it,
and it stores actors as plain ids and labels so it needs no other domain.
"""
