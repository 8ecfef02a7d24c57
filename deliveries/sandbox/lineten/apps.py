from django.apps import AppConfig


class LineTenSandboxConfig(AppConfig):
    name = "deliveries.sandbox.lineten"
    label = "sandbox_lineten"
    verbose_name = "Sandbox: LineTen"
