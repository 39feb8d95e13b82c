"""The Celery application, used only when DANGJIAN_JOBS=celery (settings name the broker)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

app = Celery("dangjian")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["dangjian.jobs"])
