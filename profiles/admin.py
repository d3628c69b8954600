"""Admin for seeker profiles, saved jobs and alerts."""

from django.contrib import admin

from careerboard.admin import HTTPS_URLS
from profiles.models import AlertDelivery, JobAlert, Profile, ProfileSkill, SavedJob


class ProfileSkillInline(admin.TabularInline):
    model = ProfileSkill
    extra = 0
    autocomplete_fields = ["skill"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["user", "headline", "location", "visibility", "updated_at"]
    list_filter = ["visibility"]
    search_fields = ["user__username", "user__email", "headline"]
    readonly_fields = ["resume", "resume_content_type"]
    inlines = [ProfileSkillInline]


@admin.register(JobAlert)
class JobAlertAdmin(admin.ModelAdmin):
    list_display = ["user", "query", "frequency", "is_active", "last_sent_at"]
    list_filter = ["frequency", "is_active"]
    search_fields = ["user__username", "query"]


@admin.register(SavedJob)
class SavedJobAdmin(admin.ModelAdmin):
    list_display = ["user", "job", "created_at"]
    raw_id_fields = ["user", "job"]


@admin.register(AlertDelivery)
class AlertDeliveryAdmin(admin.ModelAdmin):
    list_display = ["alert", "job", "sent_at"]
    raw_id_fields = ["alert", "job"]
