"""The Celery app. Without REDIS_URL tasks run in-process (eager); with it, Redis is the broker."""

import os

from celery import Celery
from celery.app import trace

# The worker's log says that a task succeeded, never what it returned: a node's facts (its
# rules, kube-scheduler's configuration) and etcd's answers stay out of log files.
trace.LOG_SUCCESS = "Task %(name)s[%(id)s] succeeded in %(runtime)ss"

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "explorer.settings")

app = Celery("explorer")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["explorer.jobs"])
app.autodiscover_tasks(["explorer.jobs"], related_name="collect")
app.autodiscover_tasks(["explorer.jobs"], related_name="schedule")
app.autodiscover_tasks(["explorer.jobs"], related_name="snapshot")
app.autodiscover_tasks(["explorer.jobs"], related_name="etcd_agent")
