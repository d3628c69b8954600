"""Admin for users, their API tokens, the curated career content and the e-mail outbox."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.template.defaultfilters import pluralize

from careerboard import services
from careerboard.models import (
    ApiToken,
    CareerFact,
    CareerRole,
    CareerStep,
    EducationPath,
    ExchangeRate,
    LearningStep,
    OutboxMessage,
    OutlookFigure,
    Resource,
    RoleSkill,
    SalaryFigure,
    Sector,
    Skill,
    SourceDocument,
    User,
)
from careerboard.outbox import outbox_retry

# A URL typed without a scheme is taken as https (Django 6's default, chosen now).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(User)
class CareerBoardUserAdmin(UserAdmin):
    list_display = ["username", "email", "is_hiring", "is_seeking", "is_staff", "date_joined"]
    list_filter = ["is_hiring", "is_seeking", "is_staff", "is_active"]
    fieldsets = UserAdmin.fieldsets + (
        ("On the board", {"fields": ["is_hiring", "is_seeking", "email_verified_at"]}),
    )
    readonly_fields = ["email_verified_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "email" in form.changed_data:
            services.email_verification_reset(user=obj)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Staff see who holds a token and can revoke it; members make their own on the dashboard."""

    list_display = ["user", "prefix", "created_at"]
    search_fields = ["user__username", "user__email", "prefix"]
    readonly_fields = ["user", "prefix", "created_at"]
    exclude = ["digest"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CuratedAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_editable = ["sort_order", "is_hidden"]
    readonly_fields = ["seed_key", "sources"]

    @admin.action(description="Hide the selected records from every page")
    def hide(self, request, queryset):
        count = queryset.update(is_hidden=True)
        self.message_user(request, f"Hid {count} record{pluralize(count)}.")

    @admin.action(description="Show the selected records again")
    def unhide(self, request, queryset):
        count = queryset.update(is_hidden=False)
        self.message_user(request, f"Showed {count} record{pluralize(count)}.")

    actions = ["hide", "unhide"]


@admin.register(Skill)
class SkillAdmin(CuratedAdmin):
    list_display = ["name", "category", "slug", "sort_order", "is_hidden"]
    list_filter = ["category", "is_hidden"]
    search_fields = ["name", "aliases", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Sector)
class SectorAdmin(CuratedAdmin):
    list_display = ["name", "slug", "sort_order", "is_hidden"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Resource)
class ResourceAdmin(CuratedAdmin):
    list_display = ["name", "kind", "url", "is_featured", "sort_order", "is_hidden"]
    list_editable = ["is_featured", "sort_order", "is_hidden"]
    list_filter = ["kind", "is_featured", "is_hidden"]
    search_fields = ["name", "url", "description"]
    autocomplete_fields = ["skills"]
    prepopulated_fields = {"slug": ["name"]}


class EducationInline(admin.TabularInline):
    model = EducationPath
    extra = 0
    fields = ["name", "description", "sort_order", "is_hidden"]


class CareerStepInline(admin.TabularInline):
    model = CareerStep
    fk_name = "from_role"
    extra = 0
    autocomplete_fields = ["to_role"]
    fields = ["to_role", "sources", "sort_order", "is_hidden"]
    verbose_name = "next role"
    verbose_name_plural = "next roles (each citing its documents, or careerboard-editorial)"


class RoleSkillInline(admin.TabularInline):
    model = RoleSkill
    extra = 0
    autocomplete_fields = ["skill"]
    fields = ["skill", "importance", "sources", "sort_order", "is_hidden"]
    verbose_name = "skill it needs"
    verbose_name_plural = "skills it needs (core or optional, each citing its documents)"


class SalaryInline(admin.TabularInline):
    model = SalaryFigure
    extra = 0
    fields = [
        "label",
        "statistic",
        "amount",
        "low",
        "high",
        "currency",
        "period",
        "region",
        "as_of",
        "publisher",
        "is_hidden",
    ]


class OutlookInline(admin.TabularInline):
    model = OutlookFigure
    extra = 0
    fields = [
        "label",
        "growth_percent",
        "period_start",
        "period_end",
        "openings",
        "openings_label",
        "region",
        "publisher",
        "measures",
        "is_hidden",
    ]


@admin.register(CareerRole)
class CareerRoleAdmin(CuratedAdmin):
    list_display = ["name", "slug", "sort_order", "is_hidden"]
    search_fields = ["name", "other_names"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RoleSkillInline, CareerStepInline, EducationInline, SalaryInline, OutlookInline]


@admin.register(LearningStep)
class LearningStepAdmin(CuratedAdmin):
    list_display = ["name", "role", "sort_order", "is_hidden"]
    list_filter = ["role"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["skills"]


@admin.register(CareerFact)
class CareerFactAdmin(CuratedAdmin):
    list_display = ["name", "role", "topic", "sort_order", "is_hidden"]
    list_filter = ["role", "topic"]
    search_fields = ["name", "detail", "items"]


@admin.register(SourceDocument)
class SourceDocumentAdmin(CuratedAdmin):
    list_display = ["title", "publisher", "published", "file_name", "sort_order", "is_hidden"]
    search_fields = ["title", "publisher", "file_name"]


@admin.register(SalaryFigure)
class SalaryFigureAdmin(CuratedAdmin):
    list_display = [
        "label",
        "role",
        "statistic",
        "amount",
        "low",
        "high",
        "period",
        "region",
        "as_of",
        "sort_order",
        "is_hidden",
    ]
    list_filter = ["role", "period", "statistic"]
    search_fields = ["label", "region", "publisher"]


@admin.register(OutlookFigure)
class OutlookFigureAdmin(CuratedAdmin):
    list_display = [
        "label",
        "role",
        "growth_percent",
        "period_start",
        "period_end",
        "openings",
        "sort_order",
        "is_hidden",
    ]
    list_filter = ["role"]
    search_fields = ["label", "publisher"]


@admin.register(EducationPath)
class EducationPathAdmin(CuratedAdmin):
    list_display = ["name", "role", "sort_order", "is_hidden"]
    list_filter = ["role"]
    search_fields = ["name"]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(CuratedAdmin):
    """A change here re-converts the search rows of that currency in the same transaction."""

    list_display = ["currency", "per_euro", "as_of", "published_by", "is_hidden"]
    list_editable = ["per_euro", "is_hidden"]
    list_filter = ["currency", "as_of"]
    search_fields = ["currency", "published_by"]
    date_hierarchy = "as_of"


class OutboxDeliveryFilter(admin.SimpleListFilter):
    """Messages by what staff should do about them: stuck and failed ones need a look."""

    title = "delivery"
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return [
            ("stuck", "Stuck (waiting over 15 minutes)"),
            ("failed", "Failed"),
            ("waiting", "Waiting"),
            ("sent", "Sent"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "stuck":
                return queryset.stuck()
            case "failed":
                return queryset.filter(status=OutboxMessage.Status.FAILED)
            case "waiting":
                return queryset.filter(status=OutboxMessage.Status.PENDING)
            case "sent":
                return queryset.filter(status=OutboxMessage.Status.SENT)
        return queryset


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Every e-mail, as written: read-only, with a retry for the stuck and the failed."""

    list_display = [
        "created_at",
        "subject",
        "recipients",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = [OutboxDeliveryFilter, "template"]
    search_fields = ["subject", "to"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]

    @admin.display(description="To")
    def recipients(self, message):
        return ", ".join(message.to)

    @admin.action(description="Send the selected messages again now")
    def retry(self, request, queryset):
        count = outbox_retry(messages=queryset)
        self.message_user(request, f"{count} messages queued to be sent again.")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
