from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("<int:pk>/<slug:slug>/", views.job_detail, name="job_detail"),
    path("apply/<int:pk>/", views.job_apply, name="job_apply"),
    path("report/<int:pk>/", views.job_report, name="job_report"),
    path("companies/<slug:slug>/", views.CompanyDetailView.as_view(), name="company_detail"),
    path("dashboard/", views.employer_dashboard, name="employer_dashboard"),
    path("dashboard/companies/new/", views.company_create, name="company_create"),
    path("dashboard/companies/<slug:slug>/", views.company_dashboard, name="company_dashboard"),
    path("dashboard/companies/<slug:slug>/edit/", views.company_edit, name="company_edit"),
    path("dashboard/companies/<slug:slug>/invite/", views.company_invite, name="company_invite"),
    path(
        "dashboard/companies/<slug:slug>/members/<int:pk>/remove/",
        views.company_member_remove,
        name="company_member_remove",
    ),
    path(
        "dashboard/companies/<slug:slug>/members/<int:pk>/role/",
        views.company_member_role,
        name="company_member_role",
    ),
    path(
        "dashboard/companies/<slug:slug>/invitations/<int:pk>/revoke/",
        views.company_invitation_revoke,
        name="company_invitation_revoke",
    ),
    path("dashboard/companies/<slug:slug>/jobs/new/", views.job_create, name="job_create"),
    path("dashboard/jobs/<int:pk>/edit/", views.job_edit, name="job_edit"),
    path("dashboard/api-token/", views.api_token_create, name="api_token_create"),
    path("dashboard/api-token/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("dashboard/jobs/<int:pk>/<slug:action>/", views.job_action, name="job_action"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("moderation/", views.moderation_queue, name="moderation_queue"),
    path("moderation/decide/", views.moderation_decide, name="moderation_decide"),
]
