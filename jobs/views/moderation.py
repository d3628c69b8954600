"""The moderation queue and the moderators' decisions."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_POST

from careerboard.models import Skill
from jobs import services
from jobs.forms import RejectForm
from jobs.models import (
    Company,
    CompanyEdit,
    Job,
    JobEdit,
    JobReport,
    JobSkill,
    ModerationEvent,
)
from jobs.review import posting_review, skill_ids
from jobs.services import Posting

HISTORY_PREFETCH = Prefetch(
    "moderation_events", queryset=ModerationEvent.objects.select_related("actor")
)
SKILLS_QUERYSET = JobSkill.objects.select_related("skill")


def _review(pending: list[Job], edits: list[JobEdit]) -> None:
    """Give each job waiting for review and each edit what the moderator reads of it
    (`.review`): a first submission in full, a change of an approved job field by field
    against the approved version, an edit against the live job. Reads the skills' names at
    once; the rest was prefetched."""
    for job in pending:
        current = _stored(job)
        approved = getattr(job, "approved_posting", None)
        if job.approved_revision == job.revision:
            before = current  # the approved revision itself, waiting again (e.g. reopened)
        elif approved is not None and approved.revision == job.approved_revision:
            before = approved.content
        else:
            before = None
        job.review_pair = (current, before)
        job.approval_off_record = job.approved_revision is not None and before is None
    for edit in edits:
        edit.review_pair = (edit.changes, _stored(edit.job))
    items = [*pending, *edits]
    names = dict(
        Skill.objects.filter(
            pk__in=skill_ids(*(stored for item in items for stored in item.review_pair))
        ).values_list("pk", "name")
    )
    for item in items:
        item.review = posting_review(*item.review_pair, skill_names=names)


def _stored(job: Job) -> dict:
    return Posting.of_job(
        job, job_skills=job.job_skills.all(), locations=job.locations.all()
    ).stored()


@staff_member_required
def moderation_queue(request):
    pending = list(
        Job.objects.filter(status=Job.Status.PENDING)
        .select_related("company", "company__pending_edit", "approved_posting")
        .prefetch_related(
            HISTORY_PREFETCH, "locations", Prefetch("job_skills", queryset=SKILLS_QUERYSET)
        )
        .order_by("submitted_at", "id")
    )
    edits = list(
        JobEdit.objects.select_related("job__company", "submitted_by")
        .prefetch_related(
            Prefetch("job__moderation_events", queryset=HISTORY_PREFETCH.queryset),
            "job__locations",
            Prefetch("job__job_skills", queryset=SKILLS_QUERYSET),
        )
        .order_by("submitted_at")
    )
    _review(pending, edits)
    new_companies = Company.objects.filter(approved_at__isnull=True).order_by("created_at", "id")
    company_edits = CompanyEdit.objects.select_related("company").order_by("submitted_at", "id")
    reports = JobReport.objects.filter(is_resolved=False).select_related("job__company")[:50]
    return render(
        request,
        "jobs/moderation_queue.html",
        {
            "pending": pending,
            "edits": edits,
            "new_companies": new_companies[:100],
            "company_edits": company_edits,
            "reports": reports,
            "reject_form": RejectForm(use_required_attribute=False),
        },
    )


def _seen_revision(request, name: str, pk: int) -> int | None:
    """The revision the moderator's page showed for this item (a hidden input beside it)."""
    value = request.POST.get(f"{name}-revision-{pk}", "")
    return int(value) if value.isdigit() else None


@staff_member_required
@require_POST
def moderation_decide(request):
    """Approve or reject the ticked jobs and edits, each in the revision the moderator read."""
    decision = request.POST.get("decision")
    reason = request.POST.get("reason", "")
    job_ids = [int(v) for v in request.POST.getlist("job") if v.isdigit()]
    edit_ids = [int(v) for v in request.POST.getlist("edit") if v.isdigit()]
    company_ids = [int(v) for v in request.POST.getlist("company") if v.isdigit()]
    company_edit_ids = [int(v) for v in request.POST.getlist("company_edit") if v.isdigit()]
    if decision not in ("approve", "reject") or not (
        job_ids or edit_ids or company_ids or company_edit_ids
    ):
        messages.error(request, "Tick at least one item and choose approve or reject.")
        return redirect("jobs:moderation_queue")
    decided = services.moderation_decide(
        decision=decision,
        by=request.user,
        reason=reason,
        jobs={pk: _seen_revision(request, "job", pk) for pk in job_ids},
        edits={pk: _seen_revision(request, "edit", pk) for pk in edit_ids},
        companies=company_ids,
        company_edits=company_edit_ids,
    )
    done = len(decided.done)
    if done:
        verb = "approved" if decision == "approve" else "rejected"
        items = f"{done} item{pluralize(done)}"
        messages.success(request, f"{items} {verb}; the employers have been emailed.")
    for line in decided.refused:
        messages.error(request, line)
    return redirect("jobs:moderation_queue")
