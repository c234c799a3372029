from __future__ import annotations

import os

from celery import Celery
from celery.signals import (
    before_task_publish,
    task_failure,
    task_postrun,
    task_prerun,
    task_retry,
    task_success,
)

from jetops import celery_monitoring, logs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jetops.settings")

app = Celery("jetops")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Request ids follow tasks into their log lines; outcomes and heartbeats feed /metrics and
# /healthz. Receivers are kept strongly: they are module functions.
before_task_publish.connect(logs.task_publish_add_request_id, weak=False)
before_task_publish.connect(celery_monitoring.on_task_publish, weak=False)
task_prerun.connect(logs.task_started_set_request_id, weak=False)
task_postrun.connect(logs.task_finished_clear_request_id, weak=False)
task_success.connect(celery_monitoring.on_task_success, weak=False)
task_failure.connect(celery_monitoring.on_task_failure, weak=False)
task_retry.connect(celery_monitoring.on_task_retry, weak=False)
