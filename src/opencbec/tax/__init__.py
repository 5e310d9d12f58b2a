"""Tax (税款): CBEC retail import tax, effective-dated rates and the annual quota."""
