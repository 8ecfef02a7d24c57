from django.core.management.base import BaseCommand, CommandError

from dispatch_portal.staff.roles import Role
from dispatch_portal.staff.services import StaffUserError, staff_user_save


class Command(BaseCommand):
    help = "Create or update a staff user in the group Dispatchers or Store managers."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, choices=[role.value for role in Role])
        parser.add_argument("--locations", default="", help="REF1,REF2: the locations a manager may edit")

    def handle(self, *args, **opts):
        refs = [ref.strip() for ref in opts["locations"].split(",") if ref.strip()]
        try:
            user = staff_user_save(
                username=opts["username"], password=opts["password"], role=Role(opts["role"]), location_refs=refs
            )
        except StaffUserError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Staff user {user.username} saved as {Role(opts['role']).group_name}.")
