"""Staff roles: each is a Django group whose permissions are kept here, in code.

Add a permission to a role here when a page needs it; `migrate` brings the groups in line.
"""
from enum import Enum

from django.contrib.auth.models import Group, Permission


class Role(str, Enum):
    DISPATCHER = "dispatcher"
    MANAGER = "manager"

    @property
    def group_name(self) -> str:
        return ROLE_GROUPS[self]


ROLE_GROUPS = {Role.DISPATCHER: "Dispatchers", Role.MANAGER: "Store managers"}

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    # Dispatchers read locations, build batches and submit them to Locate2u.
    Role.DISPATCHER: [
        "locations.view_location",
        "deliveries.view_batch", "deliveries.add_batch", "deliveries.change_batch", "deliveries.submit_batch",
    ],
    # Store managers read locations and edit the opening hours of the ones assigned to them.
    Role.MANAGER: ["locations.view_location", "locations.edit_opening_hours"],
}


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def sync_role_groups(**kwargs) -> None:
    if not Permission.objects.filter(content_type__app_label="locations").exists():
        return  # called for an app migrated before the permissions exist; the last call does it
    for role, dotted_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.group_name)
        group.permissions.set([_permission(name) for name in dotted_names])
