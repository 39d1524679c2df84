from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import site_pages, views
from core import bench_views, health

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon),
    path("help/", site_pages.help_page, name="help"),
    path("contact/", site_pages.contact, name="contact"),
    path("accessibility/", site_pages.accessibility, name="accessibility"),
    path("privacy/", site_pages.privacy, name="privacy"),
    path("", include("ledger.urls")),
    path("", include("accounts.urls")),
    path("", include("consultation.urls")),
    path("", include("appeals.urls")),
    path("", include("audits.urls")),
    path("", include("digests.urls")),
    path("", include("webhooks.urls")),
    path("", include("transparency.urls")),
    path("", include("opendata.urls")),
    path("", include("finding.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api_docs.html"),
        name="api-docs",
    ),
    # One set of API docs under the strict Content-Security-Policy: ReDoc needed inline styles, a blob: worker and a
    # logo from its CDN, so its old address leads to Swagger UI.
    path("api/redoc/", RedirectView.as_view(pattern_name="api-docs", permanent=True), name="api-redoc"),
]

# Health check for load balancers: one SELECT 1 (core/health.py).
urlpatterns += [path("healthz", health.healthz, name="healthz")]

# Baselines for bench/run.sh only; absent unless BENCH_ENDPOINTS is on.
if settings.BENCH_ENDPOINTS:
    urlpatterns += [path("bench/insert/", bench_views.insert_one, name="bench-insert")]

handler404 = views.not_found
handler500 = views.server_error
