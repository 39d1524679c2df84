from django.urls import path

from ledger import views

urlpatterns = [
    path("record/", views.record, name="record"),
]
