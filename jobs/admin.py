"""Admin for companies and jobs; status changes go through the services."""

from functools import partial
from operator import attrgetter

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.utils.html import format_html

from careerboard.admin import HTTPS_URLS
from jobs import services
from jobs.forms import RejectForm
from jobs.models import (
    Application,
    Company,
    CompanyEdit,
    CompanyInvitation,
    CompanyMembership,
    Job,
    JobEdit,
    JobReport,
    JobSkill,
    Location,
    ModerationEvent,
    SearchTerm,
)


class ReadOnlyMixin:
    """The record is written by the services only: staff may read it, never change it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


MODERATION_EVENT_FIELDS = [
    "created_at",
    "target",
    "actor",
    "from_status",
    "to_status",
    "revision",
    "reason",
]


class ModerationEventInline(ReadOnlyMixin, admin.TabularInline):
    model = ModerationEvent
    fields = MODERATION_EVENT_FIELDS
    readonly_fields = MODERATION_EVENT_FIELDS
    ordering = ["-created_at", "-id"]
    verbose_name_plural = "history (who changed what, and when)"


class CompanyModerationEventInline(ModerationEventInline):
    """The company's own changes; its jobs' histories are on their pages and in the full list."""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(target=ModerationEvent.Target.COMPANY)


class MembershipInline(admin.TabularInline):
    model = CompanyMembership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]


class ApprovalFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "approved"

    def lookups(self, request, model_admin):
        return [("yes", "Approved (public)"), ("no", "Waiting for approval")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.public()
        if self.value() == "no":
            return queryset.filter(approved_at__isnull=True)
        return queryset


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    """Approval and the verified badge change through the services: the actions, and the
    badge's checkbox (which approves the company too)."""

    formfield_overrides = HTTPS_URLS
    list_display = ["name", "slug", "size", "approved_at", "is_verified", "created_at"]
    list_filter = [ApprovalFilter, "is_verified", "size", "sectors"]
    list_editable = ["is_verified"]
    search_fields = ["name", "slug", "website"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["sectors"]
    readonly_fields = ["approved_at"]
    inlines = [MembershipInline, CompanyModerationEventInline]
    actions = ["approve", "verify", "unverify"]

    def save_model(self, request, obj, form, change):
        """The verified badge changes through its service, which puts the change on record."""
        verified = obj.is_verified
        if change and "is_verified" in form.changed_data:
            obj.is_verified = not verified
        super().save_model(request, obj, form, change)
        services.company_set_verified(company=obj, by=request.user, verified=verified)
        obj.is_verified = verified

    def _each(self, request, queryset, service, done_label):
        companies = list(queryset)
        for company in companies:
            service(company=company, by=request.user)
        count = len(companies)
        self.message_user(request, f"{count} compan{pluralize(count, 'y,ies')} {done_label}.")

    @admin.action(description="Approve the selected companies (with their pending changes)")
    def approve(self, request, queryset):
        self._each(request, queryset, services.company_approve, "approved")

    @admin.action(description="Verify the selected companies (approves them too)")
    def verify(self, request, queryset):
        self._each(
            request, queryset, partial(services.company_set_verified, verified=True), "verified"
        )

    @admin.action(description="Take the verified badge away")
    def unverify(self, request, queryset):
        self._each(
            request, queryset, partial(services.company_set_verified, verified=False), "unverified"
        )


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["city", "region", "country"]
    list_filter = ["country"]
    search_fields = ["city", "region"]


class JobSkillInline(admin.TabularInline):
    model = JobSkill
    extra = 1
    autocomplete_fields = ["skill"]


class JobReportInline(admin.TabularInline):
    model = JobReport
    extra = 0
    fields = ["reason", "details", "reporter_email", "created_at", "is_resolved"]
    readonly_fields = ["reason", "details", "reporter_email", "created_at"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = [
        "title",
        "company",
        "status",
        "revision_shown",
        "workplace",
        "seniority",
        "published_at",
        "expires_at",
    ]
    list_filter = ["status", "workplace", "employment_type", "seniority", "company__is_verified"]
    list_select_related = ["company"]
    search_fields = ["title", "company__name"]
    autocomplete_fields = ["company", "locations"]
    readonly_fields = [
        "slug",  # made from the title on every save
        "status",
        "revision",
        "approved_revision",
        "published_at",
        "created_at",
        "updated_at",
        "created_by",
    ]
    date_hierarchy = "published_at"
    inlines = [JobSkillInline, JobReportInline, ModerationEventInline]
    actions = ["publish", "reject", "close"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "company", "description"]}),
        ("Where", {"fields": ["locations", "workplace", "remote_anywhere", "applicant_countries"]}),
        ("Terms", {"fields": ["employment_type", "seniority"]}),
        (
            "Salary",
            {"fields": ["salary_min", "salary_max", "salary_currency", "salary_period"]},
        ),
        ("Applying", {"fields": ["apply_url", "apply_email"]}),
        (
            "Status",
            {
                "fields": [
                    "status",
                    "revision",
                    "approved_revision",
                    "published_at",
                    "expires_at",
                    "created_by",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.job_reindex(job_ids=[form.instance.pk])
        if change and set(form.changed_data) & set(services.SUBSTANTIVE_FIELDS):
            services.job_record_staff_edit(job=form.instance, by=request.user)

    @admin.display(description="revision")
    def revision_shown(self, job):
        """The revision on screen, posted with a bulk action so that it decides only what was
        seen (the list sits inside the actions' form)."""
        return format_html(
            '{}<input type="hidden" name="seen-revision-{}" value="{}">',
            job.revision,
            job.pk,
            job.revision,
        )

    @staticmethod
    def _seen_revisions(request) -> dict[int, int]:
        prefix = "seen-revision-"
        return {
            int(key.removeprefix(prefix)): int(value)
            for key, value in request.POST.items()
            if key.startswith(prefix) and key.removeprefix(prefix).isdigit() and value.isdigit()
        }

    def _decide(self, request, queryset, decide, done_label):
        """Apply one service to each selected job; a refusal is reported, not half-applied."""

        def decide_and_log(job):
            decide(job)
            self.log_change(request, job, f"{done_label.split(';')[0]} (bulk action)")

        decided = services.decisions_apply(
            items=queryset.select_related("company"),
            decide=decide_and_log,
            name=attrgetter("title"),
        )
        if decided.done:
            count = len(decided.done)
            self.message_user(request, f"{count} job{pluralize(count)} {done_label}.")
        for line in decided.refused:
            self.message_user(request, line, level=messages.WARNING)

    @admin.action(description="Approve and publish the selected jobs")
    def publish(self, request, queryset):
        seen = self._seen_revisions(request)
        self._decide(
            request,
            queryset,
            lambda job: services.job_publish(job=job, by=request.user, revision=seen.get(job.pk)),
            "published",
        )

    @admin.action(description="Reject the selected jobs (asks for a reason)")
    def reject(self, request, queryset):
        form = RejectForm(request.POST if "reason" in request.POST else None)
        seen = self._seen_revisions(request)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            self._decide(
                request,
                queryset,
                lambda job: services.job_reject(
                    job=job, by=request.user, reason=reason, revision=seen.get(job.pk)
                ),
                "rejected; the employers have been emailed",
            )
            return None
        return TemplateResponse(
            request,
            "admin/jobs/job/reject_reason.html",
            {
                **self.admin_site.each_context(request),
                "title": "Why are these jobs rejected?",
                "jobs": queryset,
                "seen_revisions": [(job.pk, seen.get(job.pk, "")) for job in queryset],
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )

    @admin.action(description="Close the selected jobs (filled)")
    def close(self, request, queryset):
        self._decide(
            request, queryset, lambda job: services.job_close(job=job, by=request.user), "closed"
        )


@admin.register(SearchTerm)
class SearchTermAdmin(admin.ModelAdmin):
    list_display = ["term", "frequency"]
    search_fields = ["term"]


@admin.register(JobReport)
class JobReportAdmin(admin.ModelAdmin):
    list_display = ["job", "reason", "created_at", "reporter_email", "is_resolved"]
    list_filter = ["is_resolved", "reason"]
    list_select_related = ["job"]
    search_fields = ["job__title", "details", "reporter_email"]
    readonly_fields = ["job", "reason", "details", "reporter", "reporter_email", "created_at"]
    actions = ["resolve"]

    @admin.action(description="Mark the selected reports as handled")
    def resolve(self, request, queryset):
        count = queryset.update(is_resolved=True)
        self.message_user(request, f"{count} report{pluralize(count)} handled.")


@admin.register(JobEdit)
class JobEditAdmin(admin.ModelAdmin):
    list_display = ["job", "revision", "submitted_by", "submitted_at"]
    list_select_related = ["job", "submitted_by"]
    readonly_fields = ["job", "changes", "revision", "submitted_by", "submitted_at"]


@admin.register(ModerationEvent)
class ModerationEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "target", "job", "company", *MODERATION_EVENT_FIELDS[2:]]
    list_filter = ["target", "to_status"]
    list_select_related = ["job", "company", "actor"]
    search_fields = ["job__title", "company__name", "actor__username", "reason"]
    date_hierarchy = "created_at"


@admin.register(CompanyEdit)
class CompanyEditAdmin(admin.ModelAdmin):
    list_display = ["company", "name", "website", "submitted_by", "submitted_at"]
    list_select_related = ["company", "submitted_by"]
    readonly_fields = ["company", "name", "website", "submitted_by", "submitted_at"]


@admin.register(CompanyInvitation)
class CompanyInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "company", "invited_by", "created_at", "accepted_at", "revoked_at"]
    list_select_related = ["company", "invited_by"]
    search_fields = ["email", "company__name"]
    readonly_fields = ["token"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["job", "applicant", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["job", "applicant"]
    search_fields = ["job__title", "applicant__username", "applicant__email"]
    raw_id_fields = ["job", "applicant"]
    # Statuses move through profiles.services.application_transition only.
    readonly_fields = ["status"]
