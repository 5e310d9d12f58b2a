"""Customs answers notify the declarant wherever receipts are applied, not only in the web app."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from opencbec.customs import jobs  # what `opencbec link run` loads
from opencbec.clearance.service import documents
names = [hook.__name__ for hook in documents._DOCUMENT_HOOKS]
assert "notify_customs_answer" in names, names
assert "opencbec.webkit" not in sys.modules and "opencbec.web" not in sys.modules
print("ok")
"""


def test_the_link_process_registers_the_notices_without_loading_the_web_app() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
