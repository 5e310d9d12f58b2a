"""The demo zone: a Xinxiang-like pilot zone loaded on first start so newcomers find real work.

Every record goes through the same services a person would use. Demo passwords are published,
so the demo is refused in prod (see Settings).
"""
