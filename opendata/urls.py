from django.urls import path

from opendata import views

urlpatterns = [
    path("data/", views.open_data, name="open-data"),
    path("data/<int:tree_size>/<str:name>", views.open_data_file, name="open-data-file"),
]
