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
    # Dispatchers read locations, build batches and submit them to Locate2u, quote and book couriers.
    Role.DISPATCHER: [
        "locations.view_location",
        "deliveries.view_batch", "deliveries.add_batch", "deliveries.change_batch", "deliveries.submit_batch",
        "deliveries.view_job", "deliveries.add_job", "deliveries.change_job", "deliveries.book_job",
    ],
    # Store managers read locations and edit the opening hours of the ones assigned to them.
    Role.MANAGER: ["locations.view_location", "locations.edit_opening_hours"],
}


def _permissions(dotted_names: list[str]) -> dict[str, Permission]:
    found = {}
    for permission in Permission.objects.select_related("content_type").filter(
        codename__in={name.split(".")[1] for name in dotted_names}
    ):
        found[f"{permission.content_type.app_label}.{permission.codename}"] = permission
    return found


def sync_role_groups(**kwargs) -> None:
    """Runs after each app's migrations; acts once every permission a role names exists (the
    permissions of an app are created by its own post_migrate, which may come after ours)."""
    wanted = [name for names in ROLE_PERMISSIONS.values() for name in names]
    found = _permissions(wanted)
    if any(name not in found for name in wanted):
        return
    for role, dotted_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.group_name)
        group.permissions.set([found[name] for name in dotted_names])
