from django.apps import AppConfig


class Locate2uSandboxConfig(AppConfig):
    name = "deliveries.sandbox.locate2u"
    label = "sandbox_locate2u"
    verbose_name = "Sandbox: Locate2u"
