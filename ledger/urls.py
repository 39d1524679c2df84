from django.urls import path

from ledger import data_views, views

urlpatterns = [
    path("record/", views.record, name="record"),
    path("data/", data_views.open_data, name="open-data"),
    path("data/<int:tree_size>/<str:name>", data_views.open_data_file, name="open-data-file"),
]
