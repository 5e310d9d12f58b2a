"""Web helpers for tests: every API route of an app, included routers walked."""

from __future__ import annotations

from typing import Any

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
