from django.urls import path

from ledger import tile_views, views

urlpatterns = [
    path("record/", views.record, name="record"),
    path("record/checkpoint", views.checkpoint, name="record-checkpoint"),
    path("record/key", views.key, name="record-key"),
    path("record/tile/<path:path>", tile_views.tile, name="record-tile"),
    path("record/entries/<int:seq>/receipt", views.receipt, name="record-receipt"),
]
