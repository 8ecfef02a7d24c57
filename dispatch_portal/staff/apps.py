from django.apps import AppConfig
from django.db.models.signals import post_migrate


class StaffConfig(AppConfig):
    name = "dispatch_portal.staff"
    label = "staff"
    verbose_name = "Staff"

    def ready(self) -> None:
        from .roles import sync_role_groups

        # After every migrate: groups exist and carry exactly the permissions of their role.
        post_migrate.connect(sync_role_groups, dispatch_uid="staff.sync_role_groups")
