"""Appointment use cases: customs sites and their slots; bookings for pre-shipment inspection and
7x24 clearance (查验预约、7×24小时预约通关).

Other domains import `from opencbec.appointments import service as appointments_service`.
"""

from opencbec.appointments.rules import SlotFull, local_day
from opencbec.appointments.service.bookings import (
    SlotBookings,
    acknowledge,
    book,
    cancel,
    day_view,
    due_between,
    get_booking,
    may_book,
    move,
    my_bookings,
    parse_starts_at,
    record_result,
    unread_results,
)
from opencbec.appointments.service.demo import seed_demo
from opencbec.appointments.service.sites import (
    DayView,
    SlotView,
    add_closure,
    calendar,
    closures,
    create_site,
    get_site,
    is_manager,
    is_officer,
    pattern_of,
    remove_closure,
    require_officer,
    require_site,
    sites,
    update_site,
)

__all__ = [
    "DayView",
    "SlotBookings",
    "SlotFull",
    "SlotView",
    "acknowledge",
    "add_closure",
    "book",
    "calendar",
    "cancel",
    "closures",
    "create_site",
    "day_view",
    "due_between",
    "get_booking",
    "get_site",
    "is_manager",
    "is_officer",
    "local_day",
    "may_book",
    "move",
    "my_bookings",
    "parse_starts_at",
    "pattern_of",
    "record_result",
    "remove_closure",
    "require_officer",
    "require_site",
    "seed_demo",
    "sites",
    "unread_results",
    "update_site",
]
