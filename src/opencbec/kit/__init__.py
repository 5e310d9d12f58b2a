"""Small, domain-free building blocks: money, time, identifiers, i18n."""
