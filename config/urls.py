from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

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
    path("", include("consultation.urls")),
    path("", include("appeals.urls")),
    path("", include("audits.urls")),
    path("", include("digests.urls")),
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
    # ReDoc styles itself with <style> elements it writes at run time: the one page allowed inline styles.
    path(
        "api/redoc/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularRedocView.as_view(url_name="api-schema", template_name="api_redoc.html")
        ),
        name="api-redoc",
    ),
]

# Health check for load balancers: one SELECT 1 (core/health.py).
urlpatterns += [path("healthz", health.healthz, name="healthz")]

# Baselines for bench/run.sh only; absent unless BENCH_ENDPOINTS is on.
if settings.BENCH_ENDPOINTS:
    urlpatterns += [path("bench/insert/", bench_views.insert_one, name="bench-insert")]

handler404 = views.not_found
handler500 = views.server_error
