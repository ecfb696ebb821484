"""The Celery app. Without REDIS_URL tasks run in-process (eager); with it, Redis is the broker."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "explorer.settings")

app = Celery("explorer")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["explorer.jobs"])
app.autodiscover_tasks(["explorer.jobs"], related_name="collect")
app.autodiscover_tasks(["explorer.jobs"], related_name="schedule")
app.autodiscover_tasks(["explorer.jobs"], related_name="snapshot")
