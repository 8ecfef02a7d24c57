from django.apps import AppConfig


class SystemConfig(AppConfig):
    name = "dispatch_portal.system"
    label = "system"
    verbose_name = "System"
