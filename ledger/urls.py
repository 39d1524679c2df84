from django.urls import path

from ledger import data_views, views

urlpatterns = [
    path("record/", views.record, name="record"),
    path("record/checkpoint", views.checkpoint, name="record-checkpoint"),
    path("record/key", views.key, name="record-key"),
    path("data/", data_views.open_data, name="open-data"),
    path("data/<int:tree_size>/<str:name>", data_views.open_data_file, name="open-data-file"),
]
