"""Clearance (通关): trade documents of both directions and the pre-flight three-order check."""
