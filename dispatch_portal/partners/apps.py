from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "dispatch_portal.partners"
    label = "partners"
    verbose_name = "Partners"
