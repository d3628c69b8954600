from django.urls import path

from jobs.views import employer, moderation, postings, public, statistics, tokens

app_name = "jobs"

urlpatterns = [
    path("", public.job_list, name="job_list"),
    path("<int:pk>/<slug:slug>/", public.job_detail, name="job_detail"),
    # An address without the title (older links, typed by hand) leads on to the one with it.
    path("<int:pk>/", public.job_detail, name="job_detail_by_id"),
    path("apply/<int:pk>/", public.job_apply, name="job_apply"),
    path("report/<int:pk>/", public.job_report, name="job_report"),
    path("companies/<slug:slug>/", public.CompanyDetailView.as_view(), name="company_detail"),
    path("dashboard/", employer.employer_dashboard, name="employer_dashboard"),
    path("dashboard/companies/new/", employer.company_create, name="company_create"),
    path("dashboard/companies/<slug:slug>/", employer.company_dashboard, name="company_dashboard"),
    path("dashboard/companies/<slug:slug>/edit/", employer.company_edit, name="company_edit"),
    path("dashboard/companies/<slug:slug>/invite/", employer.company_invite, name="company_invite"),
    path(
        "dashboard/companies/<slug:slug>/application-emails/",
        employer.company_application_emails,
        name="company_application_emails",
    ),
    path(
        "dashboard/companies/<slug:slug>/members/<int:pk>/remove/",
        employer.company_member_remove,
        name="company_member_remove",
    ),
    path(
        "dashboard/companies/<slug:slug>/members/<int:pk>/role/",
        employer.company_member_role,
        name="company_member_role",
    ),
    path(
        "dashboard/companies/<slug:slug>/invitations/<int:pk>/revoke/",
        employer.company_invitation_revoke,
        name="company_invitation_revoke",
    ),
    path("dashboard/companies/<slug:slug>/jobs/new/", postings.job_create, name="job_create"),
    path("dashboard/jobs/<int:pk>/edit/", postings.job_edit, name="job_edit"),
    path("dashboard/api-token/", tokens.api_token_create, name="api_token_create"),
    path("dashboard/api-token/revoke/", tokens.api_token_revoke, name="api_token_revoke"),
    path(
        "dashboard/jobs/<int:pk>/statistics/",
        statistics.job_statistics_page,
        name="job_statistics",
    ),
    path("dashboard/jobs/<int:pk>/<slug:action>/", postings.job_action, name="job_action"),
    path("invitations/<str:token>/", employer.invitation_accept, name="invitation_accept"),
    path("moderation/", moderation.moderation_queue, name="moderation_queue"),
    path("moderation/decide/", moderation.moderation_decide, name="moderation_decide"),
]
