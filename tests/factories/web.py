"""Web helpers for tests: every API route of an app, included routers walked; the real work a
home page shows."""

from __future__ import annotations

import re
from typing import Any, Final

from fastapi.routing import APIRoute


def all_routes(routes: list[Any]) -> list[APIRoute]:
    """Return every APIRoute, walking the routers FastAPI wraps on include."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found.extend(all_routes(route.original_router.routes))
    return found


EMPTY: Final = {"", "0", "0.00", "0.0%", "—"}


def real_items(html: str) -> list[str]:
    """Return the home page's to-dos and its domain panels' figures that are not zero.

    Left out: the shell's own figures (users, API keys) and the enterprise's filing standing,
    which every filed login shows whatever waits for it.
    """
    todo = re.search(r'<section class="card todo">(.*?)</section>', html, re.S)
    assert todo is not None
    items = [
        re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li>(.*?)</li>", todo[1], re.S)
    ]
    panels = re.search(r'<div class="panels">(.*?)\n</div>', html, re.S)
    if panels is not None:
        for value, label in re.findall(
            r'<span class="n">(.*?)</span><span>(.*?)</span>', panels[1], re.S
        ):
            shown = re.sub(r"<[^>]+>", "", value).strip()
            if shown not in EMPTY and 'href="/filing"' not in value:
                items.append(f"{label}: {shown}")
    return items
