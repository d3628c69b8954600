"""The moderation queue and the moderators' decisions."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_POST

from jobs import services
from jobs.forms import RejectForm
from jobs.models import (
    Company,
    CompanyEdit,
    Job,
    JobEdit,
    JobReport,
    ModerationEvent,
)

HISTORY_PREFETCH = Prefetch(
    "moderation_events", queryset=ModerationEvent.objects.select_related("actor")
)


@staff_member_required
def moderation_queue(request):
    pending = (
        Job.objects.filter(status=Job.Status.PENDING)
        .select_related("company", "company__pending_edit")
        .prefetch_related(HISTORY_PREFETCH)
        .order_by("submitted_at", "id")
    )
    edits = (
        JobEdit.objects.select_related("job__company", "submitted_by")
        .prefetch_related(Prefetch("job__moderation_events", queryset=HISTORY_PREFETCH.queryset))
        .order_by("submitted_at")
    )
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
