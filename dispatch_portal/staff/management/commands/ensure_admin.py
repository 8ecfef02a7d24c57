from django.core.management.base import BaseCommand

from dispatch_portal.staff.services import admin_user_ensure


class Command(BaseCommand):
    help = "Make sure the superuser exists and has the given password (make run passes PORTAL_ADMIN_PASSWORD)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--password", default="admin")

    def handle(self, *args, **opts):
        _, created = admin_user_ensure(username=opts["username"], password=opts["password"])
        self.stdout.write(f"Superuser {opts['username']} {'created' if created else 'updated'}.")
