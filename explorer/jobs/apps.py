from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "explorer.jobs"
    label = "jobs"
