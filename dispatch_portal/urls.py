from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.views.generic import RedirectView
from django.contrib.auth import views as auth_views
from django.urls import include, path
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from oauth2_provider.views import TokenView

from dispatch_portal.staff.views import dashboard
from dispatch_portal.system import views as system_views

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("locations/", include("locations.urls")),
    path("batches/import/", include("deliveries.upload_urls")),
    path("batches/", include("deliveries.urls")),
    path("jobs/", include("deliveries.job_urls")),
    path("", include("deliveries.inbound_urls")),  # carrier webhooks and callbacks (CONTRACT §5)
    path("system/", system_views.system_overview, name="system-overview"),
    path("system/ping/", system_views.worker_ping, name="system-worker-ping"),
    path("admin/", admin.site.urls),
    path("favicon.ico", RedirectView.as_view(url=static("img/favicon.svg"), permanent=True)),
    # Partner API
    path("connect/token", TokenView.as_view(), name="oauth-token"),
    path("v1/", include("deliveries.api.urls")),
    path("api/v4.1/location", include("locations.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI sets inline style attributes; allow them on this page only.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
]

if settings.SANDBOX_ENABLED:
    urlpatterns += [
        path("sandbox/locate2u/", include("deliveries.sandbox.locate2u.urls")),
        path("sandbox/lineten/", include("deliveries.sandbox.lineten.urls")),
    ]

admin.site.site_header = "Dispatch Portal administration"
admin.site.site_title = "Dispatch Portal admin"
