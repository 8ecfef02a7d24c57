import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from dispatch_portal.staff.roles import Role
from locations.models import Location

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(user, create, extracted: Role | None, **kwargs):
        if extracted:
            user.groups.add(Group.objects.get(name=extracted.group_name))
        user.save()


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    ref = factory.Sequence(lambda n: f"LOC{n:04d}")
    name = factory.Sequence(lambda n: f"Store {n}")
