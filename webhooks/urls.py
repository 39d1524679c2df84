from django.urls import path

from webhooks import views

urlpatterns = [
    path("organizations/<slug:org>/webhooks/", views.endpoints, name="webhook-endpoints"),
    path("organizations/<slug:org>/webhooks/<int:pk>/", views.endpoint, name="webhook-endpoint"),
    path("organizations/<slug:org>/webhooks/<int:pk>/rotate/", views.rotate, name="webhook-rotate"),
    path("organizations/<slug:org>/webhooks/<int:pk>/state/", views.change_state, name="webhook-state"),
    path("organizations/<slug:org>/webhooks/<int:pk>/remove/", views.remove, name="webhook-remove"),
    path(
        "organizations/<slug:org>/webhooks/<int:pk>/deliveries/<int:delivery>/",
        views.delivery,
        name="webhook-delivery",
    ),
    path(
        "organizations/<slug:org>/webhooks/<int:pk>/deliveries/<int:delivery>/replay/",
        views.replay,
        name="webhook-replay",
    ),
]
