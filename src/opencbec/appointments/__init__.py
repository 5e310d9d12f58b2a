"""Inspection and 7x24 clearance appointments (查验预约、7×24小时通关预约): customs sites, slots, bookings."""
