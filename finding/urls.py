from django.urls import path

from finding import views

urlpatterns = [path("search/", views.search, name="search")]
