"""Jobs run in whatever mode the settings name: the in-process thread pool (the embedded default) or,
with DANGJIAN_JOBS=celery, Celery workers on a real Redis (fixtures in conftest.py start both).
The same assertions hold in both modes."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.db import transaction

from dangjian.core.xlsx import read_rows
from dangjian.jobs import runner
from dangjian.jobs.models import Job, JobStatus
from dangjian.jobs.testing import wait


@pytest.mark.django_db(transaction=True)
def test_a_split_job_gives_the_same_result_as_the_statistics(world, job_workers):
    with transaction.atomic():
        job = runner.enqueue(
            "reports.survey_table",
            user=world.user("street_staff"),
            organization=world.street,
            title="统计汇总",
            params={"on": "2026-01-01"},
        )
    job = wait(job)
    assert job.status == JobStatus.DONE, job.error
    assert job.parts_total == 2 and job.progress == 100
    assert job.result == {"rows": 2, "members": 4}
    rows = read_rows(io.BytesIO(job.result_file.read()))
    assert [r[:4] for r in rows[2:]] == [["唱经楼社区党委", 1, 0, 1], ["香铺营社区党委", 3, 2, 1]]


@pytest.mark.django_db(transaction=True)
def test_the_page_shows_progress_and_the_owner_alone_sees_the_job(world, client_for, job_workers):
    client = client_for(world.user("community_worker"))
    response = client.get("/reports/documents/?kind=work-job&start=2025-01-01&end=2025-06-30")
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.token}/"
    job = wait(job)
    assert job.status == JobStatus.DONE, job.error
    page = client.get(f"/jobs/{job.token}/").content.decode()
    assert "已完成" in page and "下载结果" in page
    download = client.get(f"/jobs/{job.token}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    other = client_for(world.user("street_staff"))
    assert other.get(f"/jobs/{job.token}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_queued_job_can_be_cancelled_before_it_runs(world):
    runner.register("test.never", run=lambda job, progress: {"ran": True})
    job = Job.objects.create(
        kind="test.never", title="x", organization=world.street, user=world.user("street_staff")
    )
    runner.cancel(job)
    runner.run_job(job.pk)  # a worker picking it up later does nothing
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.result == {}


@pytest.mark.django_db(transaction=True)
def test_a_failing_job_keeps_a_user_facing_error(world):
    def boom(job, progress):
        progress(50, "进行中")
        raise runner.JobError("数据有误：第3行缺少姓名")

    runner.register("test.boom", run=boom)
    job = Job.objects.create(kind="test.boom", title="x", organization=world.street)
    runner.run_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.error, job.progress) == (JobStatus.FAILED, "数据有误：第3行缺少姓名", 50)
    assert settings.JOBS_BACKEND in ("thread", "celery", "sync")
