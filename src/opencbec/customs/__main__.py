"""`python -m opencbec.customs`: one run of the customs link with the environment's settings.

OPENCBEC_LINK_CRASH_AT=<point>[:n] kills the process at that point (crash tests only).
"""

from __future__ import annotations

import os

from opencbec.customs.jobs import CRASH_ENV, crash_probe, link_once
from opencbec.customs.service import gateway_for
from opencbec.db import Database
from opencbec.settings import Settings


def main() -> None:
    """Run the link once and print what it did."""
    settings = Settings()
    probe = crash_probe(os.environ.get(CRASH_ENV))
    database = Database.from_settings(settings)
    try:
        print(link_once(database, gateway=gateway_for(settings, probe), probe=probe))
    finally:
        database.dispose()


if __name__ == "__main__":
    main()
