"""Global search: one box in the page header, one JSON route; each domain answers through the
web kit's `register_search` hook with what the caller may see."""
