"""The main navigation (CONTRACT §6), as a template context processor.

A page that has not been built yet has no URL name to reverse; it is shown, greyed out, so
the navigation does not change shape as the pages land.
"""
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str | None
    active: bool


MAIN_PAGES = [
    ("Dashboard", "dashboard"),
    ("Batches", "batch-list"),
    ("New batch", "batch-new"),
    ("Jobs", "job-list"),
    ("New job", "job-new"),
    ("Locations", "location-list"),
]
ADMIN_PAGES = [("System", "system-overview"), ("Admin", "admin:index"), ("API docs", "api-docs")]


def _items(pages, path: str) -> list[NavItem]:
    items = []
    for label, url_name in pages:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            url = None
        active = url is not None and (path == url if url == "/" else path.startswith(url))
        items.append(NavItem(label=label, url=url, active=active))
    # Only the longest matching link is active (/batches/new/ is not also /batches/).
    best = max((i for i in items if i.active), key=lambda i: len(i.url), default=None)
    return [NavItem(i.label, i.url, i is best) for i in items]


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_main": _items(MAIN_PAGES, request.path),
        "nav_admin": _items(ADMIN_PAGES, request.path) if user.is_superuser else [],
    }
