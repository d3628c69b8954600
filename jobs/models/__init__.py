"""The jobs app's data, one module per purpose: `companies`, `postings` (jobs, places, skills),
`moderation`, `search` (the search rows), `applications` and `stats` (figures by day)."""

from jobs.models.applications import (
    Application,
    ApplicationStatus,
    private_storage,
)
from jobs.models.companies import (
    INVITATION_LIFETIME,
    Company,
    CompanyInvitation,
    CompanyInvitationQuerySet,
    CompanyMembership,
    CompanyQuerySet,
)
from jobs.models.moderation import (
    ApprovedPosting,
    CompanyEdit,
    JobEdit,
    JobReport,
    ModerationEvent,
    ModerationTarget,
    PendingChange,
)
from jobs.models.postings import (
    Job,
    JobQuerySet,
    JobSkill,
    JobStatus,
    Location,
    Workplace,
    annualised,
    attach_card_data,
    card_jobs,
    jobs_for_cards,
    similar_card_jobs,
)
from jobs.models.search import (
    SearchRow,
    SearchRowQuerySet,
    SearchTerm,
)
from jobs.models.stats import CounterFlush, JobDailyStats, SkillMarketFigures

__all__ = [
    "Application",
    "ApplicationStatus",
    "ApprovedPosting",
    "Company",
    "CompanyEdit",
    "CompanyInvitation",
    "CompanyInvitationQuerySet",
    "CompanyMembership",
    "CompanyQuerySet",
    "CounterFlush",
    "INVITATION_LIFETIME",
    "Job",
    "JobEdit",
    "JobDailyStats",
    "JobQuerySet",
    "JobReport",
    "JobSkill",
    "JobStatus",
    "Location",
    "ModerationEvent",
    "ModerationTarget",
    "PendingChange",
    "SearchRow",
    "SearchRowQuerySet",
    "SearchTerm",
    "SkillMarketFigures",
    "Workplace",
    "annualised",
    "attach_card_data",
    "card_jobs",
    "jobs_for_cards",
    "private_storage",
    "similar_card_jobs",
]
