"""The demo board for `make run`: demo accounts and jobs from fixtures (used by commands only)."""

import tomllib
from collections import Counter
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from careerboard.models import Sector, Skill, User
from jobs.models import (
    Company,
    CompanyMembership,
    Job,
)
from jobs.search.rows import job_reindex, search_terms_rebuild
from jobs.services import job_set_locations, job_set_skills


def demo_accounts_create(*, password: str) -> None:
    """The demo's admin, employer (member of the first demo company) and seeker accounts."""
    accounts = {
        "admin": {"is_staff": True, "is_superuser": True},
        "employer": {"is_hiring": True},
        "seeker": {"is_seeking": True},
    }
    for username, flags in accounts.items():
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@careerboard.example",
                "email_verified_at": timezone.now(),
                **flags,
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
    first_company = Company.objects.exclude(slug__startswith="gen-").order_by("pk").first()
    if first_company is not None:
        first_company.memberships.get_or_create(
            user=User.objects.get(username="employer"),
            defaults={"role": CompanyMembership.Role.OWNER},
        )


def demo_load(*, path: Path) -> Counter:
    """Load the hand-made demo companies and jobs; what already exists is left alone."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    counts = Counter()
    with transaction.atomic():
        companies = _demo_companies(data.get("company", []), counts)
        new_ids = _demo_jobs(data.get("job", []), companies, counts)
        job_reindex(job_ids=new_ids)
        search_terms_rebuild()
    return counts


def _demo_companies(entries: list[dict], counts: Counter) -> dict[str, Company]:
    """The demo companies by key, made where they are missing."""
    now = timezone.now()
    sectors = {sector.seed_key: sector for sector in Sector.objects.exclude(seed_key=None)}
    companies = {}
    for entry in entries:
        company, created = Company.objects.get_or_create(
            slug=entry["key"],
            defaults={
                "name": entry["name"],
                "website": entry.get("website", ""),
                "about": entry.get("about", "").strip(),
                "size": entry.get("size", ""),
                "is_verified": entry.get("verified", False),
                "approved_at": now,
            },
        )
        if created:
            company.sectors.set([sectors[key] for key in entry.get("sectors", [])])
        companies[entry["key"]] = company
        counts["companies created" if created else "companies kept"] += 1
    return companies


def _demo_jobs(entries: list[dict], companies: dict[str, Company], counts: Counter) -> list[int]:
    """The demo jobs missing from their companies, made; returns their ids."""
    now = timezone.now()
    skills = {skill.seed_key: skill for skill in Skill.objects.exclude(seed_key=None)}
    new_ids = []
    for entry in entries:
        company = companies[entry["company"]]
        description = entry["description"].strip()
        # A demo job is known by its description, unique within its company; a board loaded when
        # the slug was the entry's key is brought up to date (the URL carries the title).
        kept = company.jobs.filter(Q(description=description) | Q(slug=entry["key"])).first()
        if kept is not None:
            if kept.slug == entry["key"]:
                kept.apply_on_site = entry.get("apply_on_site", False)
                kept.save(update_fields=["slug", "apply_on_site"])
            counts["jobs kept"] += 1
            continue
        published_at = now - timedelta(days=entry.get("posted_days_ago", 0), hours=1)
        job = Job(
            company=company,
            title=entry["title"],
            description=description,
            workplace=entry["workplace"],
            remote_anywhere=entry.get("remote_anywhere", False),
            applicant_countries=entry.get("applicant_countries", []),
            employment_type=entry["employment_type"],
            seniority=entry["seniority"],
            salary_min=entry.get("salary_min"),
            salary_max=entry.get("salary_max"),
            salary_currency=entry.get("salary_currency", ""),
            salary_period=entry.get("salary_period", ""),
            apply_url=entry.get("apply_url", ""),
            apply_email=entry.get("apply_email", ""),
            apply_on_site=entry.get("apply_on_site", False),
            status=entry.get("status", Job.Status.PUBLISHED),
        )
        if job.status in (Job.Status.PUBLISHED, Job.Status.CLOSED):
            job.published_at = published_at
            job.expires_at = published_at + timedelta(days=60)
            job.approved_revision = job.revision
        job.full_clean(exclude=["slug"])
        job.save()
        job_set_locations(job=job, places=entry.get("locations", []))
        job_set_skills(
            job=job,
            required=[skills[key] for key in entry.get("required_skills", [])],
            nice_to_have=[skills[key] for key in entry.get("nice_skills", [])],
        )
        new_ids.append(job.pk)
        counts["jobs created"] += 1
    return new_ids
