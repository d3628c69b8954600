"""The moderation queue and the moderators' decisions."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.db import transaction
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
    done, refused = 0, []
    for job in Job.objects.filter(pk__in=job_ids).select_related("company"):
        revision = _seen_revision(request, "job", job.pk)
        try:
            if decision == "approve":
                services.job_approve(job=job, by=request.user, revision=revision)
            else:
                services.job_reject(job=job, by=request.user, reason=reason, revision=revision)
            done += 1
        except ValidationError as error:
            refused.append(f"{job.title}: {' '.join(error.messages)}")
    for edit in JobEdit.objects.filter(pk__in=edit_ids).select_related("job__company"):
        revision = _seen_revision(request, "edit", edit.pk)
        try:
            if decision == "approve":
                services.job_edit_approve(edit=edit, by=request.user, revision=revision)
            else:
                services.job_edit_reject(
                    edit=edit, by=request.user, reason=reason, revision=revision
                )
            done += 1
        except ValidationError as error:
            refused.append(f"{edit.job.title}: {' '.join(error.messages)}")
    for company in Company.objects.filter(pk__in=company_ids, approved_at__isnull=True):
        if decision == "approve":
            services.company_approve(company=company, by=request.user)
            done += 1
        else:
            refused.append(f"{company.name}: a new company is not rejected; it stays hidden.")
    for company_edit in CompanyEdit.objects.filter(pk__in=company_edit_ids).select_related(
        "company"
    ):
        try:
            with transaction.atomic():
                if decision == "approve":
                    services.company_approve(company=company_edit.company, by=request.user)
                else:
                    services.company_edit_reject(edit=company_edit, by=request.user, reason=reason)
            done += 1
        except ValidationError as error:
            refused.append(f"{company_edit.company.name}: {' '.join(error.messages)}")
    if done:
        verb = "approved" if decision == "approve" else "rejected"
        items = f"{done} item{pluralize(done)}"
        messages.success(request, f"{items} {verb}; the employers have been emailed.")
    for line in refused:
        messages.error(request, line)
    return redirect("jobs:moderation_queue")
