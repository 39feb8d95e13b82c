"""The jobs' fixtures (dangjian/jobs/testing.py), also when the root conftest does not list the plugin."""

from dangjian.jobs.testing import celery_workers, job_workers  # noqa: F401
