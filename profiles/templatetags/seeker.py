"""How jobs fit the person looking at them: match scores, missing skills, saved jobs.

`{% seeker_fit jobs as fit %}` works out a whole page of jobs in a few queries; templates then
look a job up with `fit|job:job.pk`.
"""

from django import template

from profiles import matching
from profiles.models import SavedJob
from profiles.services import seeker_profile

register = template.Library()


@register.simple_tag(takes_context=True)
def seeker_fit(context, jobs):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    jobs = [job for job in jobs if job is not None]
    ids = [job.pk for job in jobs]
    profile = seeker_profile(request)
    fits = matching.fits(profile.skill_levels(), ids) if profile else {}
    saved = set(SavedJob.objects.filter(user=user, job_id__in=ids).values_list("job_id", flat=True))
    return {
        "has_profile": profile is not None,
        "jobs": {pk: {"fit": fits.get(pk), "saved": pk in saved} for pk in ids},
    }


@register.filter
def job(fit, pk):
    if not fit:
        return None
    return {"has_profile": fit["has_profile"], **fit["jobs"].get(pk, {})}


@register.simple_tag(takes_context=True)
def seeker_job_fit(context, one_job):
    """The fit of a single job (a job page)."""
    return job(seeker_fit(context, [one_job]), one_job.pk)
