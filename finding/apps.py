from django.apps import AppConfig


class FindingConfig(AppConfig):
    name = "finding"
