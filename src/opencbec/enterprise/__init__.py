"""Enterprise filing (企业备案): an enterprise files once, a regulator reviews, every later service
reuses the record; changes after approval are versioned change requests."""
