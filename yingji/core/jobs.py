"""Background jobs: django-tasks with the database backend (`yingji worker`).

Every job runs inside a 'job' actor context, so what it writes is audited like any other write.
Define jobs with @audited_task; enqueue with some_job.enqueue(...); run_job_inline() runs one
in-process (tests, CLI)."""

from __future__ import annotations

import functools
import uuid

from django_tasks import task

from .context import actor_context


def audited_task(fn=None, **task_options):
    def wrap(func):
        @functools.wraps(func)
        def runner(*args, **kwargs):
            with actor_context(
                None,
                source="job",
                label=f"job:{func.__name__}",
                request_id=f"job-{uuid.uuid4().hex[:12]}",
            ):
                return func(*args, **kwargs)

        runner.plain = func
        return task(**task_options)(runner)

    return wrap(fn) if fn is not None else wrap


def run_job_inline(job, *args, **kwargs):
    """Run a task's function now, in this process, with the job context."""
    return job.func(*args, **kwargs)
