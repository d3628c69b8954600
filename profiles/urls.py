from django.urls import path

from profiles import views

app_name = "profiles"

urlpatterns = [
    path("", views.profile_edit, name="profile"),
    path("resume/", views.profile_resume, name="profile_resume"),
    path("recommended/", views.recommended, name="recommended"),
    path("saved/", views.saved_list, name="saved"),
    path("saved/<int:job_id>/", views.saved_toggle, name="saved_toggle"),
    path("apply/<int:job_id>/", views.apply, name="apply"),
    path("applications/", views.applications, name="applications"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path("applications/<int:pk>/resume/", views.application_resume, name="application_resume"),
    path("applications/<int:pk>/status/", views.application_status, name="application_status"),
    path("hiring/jobs/<int:job_id>/applicants/", views.job_applicants, name="job_applicants"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:pk>/", views.alert_update, name="alert_update"),
    path("alerts/unsubscribe/<str:token>/", views.alert_unsubscribe, name="alert_unsubscribe"),
]
