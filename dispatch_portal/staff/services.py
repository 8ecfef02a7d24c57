from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from locations.models import Location

from .roles import ROLE_GROUPS, Role

User = get_user_model()


class StaffUserError(ValueError):
    pass


@transaction.atomic
def staff_user_save(*, username: str, password: str, role: Role, location_refs: list[str] | None = None):
    """Create or update a staff user with exactly one role; managers get the listed locations."""
    username = username.strip()
    if not username:
        raise StaffUserError("--username must not be empty")
    if not password:
        raise StaffUserError("--password must not be empty")
    if location_refs and role is not Role.MANAGER:
        raise StaffUserError("--locations applies to the manager role only")
    locations = []
    if location_refs:
        found: dict[str, list[Location]] = {}
        for loc in Location.objects.filter(ref__in=location_refs):
            found.setdefault(loc.ref, []).append(loc)
        missing = [ref for ref in location_refs if ref not in found]
        if missing:
            raise StaffUserError(f"unknown location ref(s): {', '.join(missing)}")
        # Refs are unique per retailer only; a manager's list must not pick a store by chance.
        ambiguous = [ref for ref in location_refs if len(found[ref]) > 1]
        if ambiguous:
            raise StaffUserError(f"location ref(s) used by several retailers: {', '.join(ambiguous)}")
        locations = [found[ref][0] for ref in location_refs]

    # The operator chooses the password deliberately, so Django's password validators are not
    # applied here (they would refuse the short demo passwords of a laptop set-up).
    user = User.objects.filter(username=username).first() or User(username=username)
    user.set_password(password)
    user.is_active = True
    user.save()
    user.groups.remove(*Group.objects.filter(name__in=ROLE_GROUPS.values()))
    user.groups.add(Group.objects.get(name=role.group_name))
    user.managed_locations.set(locations)
    return user


@transaction.atomic
def admin_user_ensure(*, username: str, password: str) -> tuple[object, bool]:
    """Make sure a superuser exists with this password (the one `make run` prints).

    Returns (user, created)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        return User.objects.create_superuser(username=username, password=password, email=""), True
    user.is_superuser = user.is_staff = user.is_active = True
    user.set_password(password)
    user.save()
    return user, False
