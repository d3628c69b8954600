"""schema.org JobPosting data for Google's job search, built from a public job."""

import json
from functools import cache

from django.conf import settings
from django.utils.translation import get_language
from django_countries import countries

from jobs.models import Job

EMPLOYMENT_TYPES = {
    Job.EmploymentType.FULL_TIME: "FULL_TIME",
    Job.EmploymentType.PART_TIME: "PART_TIME",
    Job.EmploymentType.CONTRACT: "CONTRACTOR",
    Job.EmploymentType.TEMPORARY: "TEMPORARY",
    Job.EmploymentType.INTERNSHIP: "INTERN",
}
UNIT_TEXT = {"hour": "HOUR", "day": "DAY", "week": "WEEK", "month": "MONTH", "year": "YEAR"}


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def job_posting(job: Job) -> dict | None:
    """The JobPosting of a public job of a public company, or None: closed and expired jobs
    carry none."""
    if not job.is_public or not job.company.is_public:
        return None
    company = job.company
    data = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": job.title,
        "description": job.description_html,
        "datePosted": job.published_at.isoformat(),
        "validThrough": job.expires_at.isoformat(),
        "employmentType": EMPLOYMENT_TYPES[job.employment_type],
        "hiringOrganization": _organization(company),
        "identifier": {"@type": "PropertyValue", "name": company.name, "value": str(job.pk)},
        "url": absolute(job.get_absolute_url()),
        "directApply": job.apply_on_site,
        "skills": ", ".join(js.skill.name for js in job.job_skills.all()),
        **_where(job),
    }
    if job.has_salary:
        data["baseSalary"] = _base_salary(job)
    return without_empty(data)


def _organization(company) -> dict:
    organization = {"@type": "Organization", "name": company.name}
    if company.website:
        organization["sameAs"] = company.website
    if company.logo:
        organization["logo"] = absolute(company.logo.url)
    return organization


def _where(job: Job) -> dict:
    """Where the job is done, and for a remote job where its applicants may live."""
    locations = [
        {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": location.city,
                "addressRegion": location.region,
                "addressCountry": location.country.code,
            },
        }
        for location in job.locations.all()
    ]
    if job.workplace != Job.Workplace.REMOTE:
        return {"jobLocation": locations}
    # Google: a fully remote job says TELECOMMUTE and needs applicantLocationRequirements or
    # a jobLocation. Schema.org has no place called "anywhere", so a job open to applicants
    # anywhere lists every country.
    if job.remote_anywhere:
        names = every_country_name(get_language())
    else:
        names = [countries.name(code) for code in job.applicant_countries]
    where = {
        "jobLocationType": "TELECOMMUTE",
        "applicantLocationRequirements": [{"@type": "Country", "name": name} for name in names],
    }
    if locations:
        where["jobLocation"] = locations
    return where


@cache
def every_country_name(language: str) -> tuple[str, ...]:
    """The names of all countries in a language, for jobs open to applicants anywhere. Naming
    them translates and sorts all of them (15-20 ms here), so it is done once per process."""
    return tuple(name for _, name in countries)


def _base_salary(job: Job) -> dict:
    value = {"@type": "QuantitativeValue", "unitText": UNIT_TEXT[job.salary_period]}
    if job.salary_min is not None:
        value["minValue"] = job.salary_min
    if job.salary_max is not None:
        value["maxValue"] = job.salary_max
    return {"@type": "MonetaryAmount", "currency": job.salary_currency, "value": value}


def without_empty(value):
    """The data with empty strings, lists, objects and nulls left out, at every depth:
    Google reads an empty value as a wrong one."""
    if isinstance(value, dict):
        cleaned = {key: without_empty(item) for key, item in value.items()}
        return {key: item for key, item in cleaned.items() if not _is_empty(item)}
    if isinstance(value, list):
        return [item for item in map(without_empty, value) if not _is_empty(item)]
    return value


def _is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def as_script(data: dict) -> str:
    """JSON safe to place inside <script type="application/ld+json">: no tag can be closed."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
