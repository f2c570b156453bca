"""APScheduler wiring: the jobs on python-telegram-bot's JobQueue (one scheduler per process;
the database lease makes it one per deployment), in the campaign time zone.

Every job runs at second 0 of every minute, so a digest chosen for 09:00 is queued at 09:00,
and once as soon as the scheduler starts, which is the catch-up after downtime.

Misfires: `misfire_grace_time=None` runs a late job however late it is, and `coalesce=True`
makes several missed runs one. That is safe because a job looks at the database, not at its
scheduled time: what is due today and not yet queued goes out, what belonged to an earlier
day is skipped (bot.outreach.reminders). `max_instances=1`: a run never overlaps the previous one.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from telegram.ext import Job, JobQueue

from scheduler.jobs import (
    creator_prompts_job,
    deadline_reminders_job,
    digests_job,
    organizer_report_job,
)

JOBS = {
    "digests": digests_job,
    "creator-prompts": creator_prompts_job,
    "deadline-reminders": deadline_reminders_job,
    "organizer-report": organizer_report_job,
}
"""Fixed job ids → callbacks (re-adding a job replaces it; there is never a second copy)."""


def schedule_jobs(
    job_queue: JobQueue, tz: ZoneInfo, *, first_run: datetime | None = None
) -> list[Job]:
    """Add the scheduled jobs; each runs every minute, and first at `first_run` (default:
    as soon as the job queue starts)."""
    if not job_queue.scheduler.running:
        # configure() replaces every option given: keep python-telegram-bot's executor.
        job_queue.scheduler.configure(**(job_queue.scheduler_configuration | {"timezone": tz}))
    first = first_run or datetime.now(tz)
    jobs = []
    for job_id, callback in JOBS.items():
        job_kwargs = {
            "id": job_id,
            "replace_existing": True,
            "trigger": CronTrigger(second=0, timezone=tz),
            "next_run_time": first,
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": None,
        }
        jobs.append(job_queue.run_custom(callback, job_kwargs=job_kwargs, name=job_id))
    return jobs
