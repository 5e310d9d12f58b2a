"""OpenCBEC: the online integrated service platform of a CBEC comprehensive pilot zone."""

__version__ = "0.1.0"
