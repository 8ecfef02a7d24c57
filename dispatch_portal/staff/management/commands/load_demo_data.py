from django.core.management.base import BaseCommand
from django.db import transaction

from deliveries.demo import demo_batches_load, demo_jobs_load
from dispatch_portal.staff.roles import Role
from dispatch_portal.staff.services import staff_user_save
from locations.demo import demo_locations_load

# Demo staff accounts for trying the roles on a laptop. `make run` prints them.
DEMO_STAFF = [
    ("dispatcher", "dispatcher", Role.DISPATCHER, []),
    ("manager", "manager", Role.MANAGER, ["LDN-SOHO", "LDN-CAMD"]),
]


class Command(BaseCommand):
    help = "Load demo data (idempotent): stores, warehouses, staff accounts, batches and courier jobs."

    @transaction.atomic
    def handle(self, *args, **opts):
        locations = demo_locations_load()
        for username, password, role, refs in DEMO_STAFF:
            staff_user_save(username=username, password=password, role=role, location_refs=refs)
        batches, jobs = demo_batches_load(), demo_jobs_load()
        self.stdout.write(f"Demo data ready: {len(locations)} locations, {len(DEMO_STAFF)} staff accounts, "
                          f"{len(batches)} batches, {len(jobs)} courier jobs.")
