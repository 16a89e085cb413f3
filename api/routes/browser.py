"""The browser's routes beyond the read-only pages: the forms, the lists behind the dashboard,
the inbox and the German API reference (one router, so the app factory names it once)."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import fleet_pages, forms_pages

router = APIRouter(include_in_schema=False)
router.include_router(forms_pages.router)
router.include_router(fleet_pages.router)
