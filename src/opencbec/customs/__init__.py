"""The customs link (海关通道): signed messages out through the E-port folder exchange, receipts in."""
