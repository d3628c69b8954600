"""The core app's data, one module per purpose: `accounts`, `curated` (skills, sectors, resources,
source documents), `careers` (roles and what they need), `figures` (pay and outlook), `rates`
(the exchange rates salaries are compared by) and `outbox` (every e-mail, waiting to be sent)."""

from careerboard.models.accounts import (
    ApiToken,
    User,
)
from careerboard.models.careers import (
    CareerFact,
    CareerRole,
    CareerStep,
    EducationPath,
    FactTopic,
    Importance,
    LearningStep,
    RoleSkill,
)
from careerboard.models.curated import (
    Curated,
    CuratedQuerySet,
    Resource,
    Sector,
    Skill,
    SourceDocument,
    SourceDocumentQuerySet,
    skills_by_id,
    visible_skills_by_id,
)
from careerboard.models.figures import (
    ANNUAL_FACTORS,
    HOURS_PER_YEAR,
    OutlookFigure,
    Period,
    SalaryFigure,
)
from careerboard.models.outbox import (
    OutboxMessage,
    OutboxMessageQuerySet,
)
from careerboard.models.rates import (
    REFERENCE_CURRENCY,
    ExchangeRate,
    rates_note,
    yearly_in_euros,
)

__all__ = [
    "ANNUAL_FACTORS",
    "ApiToken",
    "CareerFact",
    "CareerRole",
    "CareerStep",
    "Curated",
    "CuratedQuerySet",
    "EducationPath",
    "ExchangeRate",
    "FactTopic",
    "HOURS_PER_YEAR",
    "Importance",
    "LearningStep",
    "OutboxMessage",
    "OutboxMessageQuerySet",
    "OutlookFigure",
    "Period",
    "REFERENCE_CURRENCY",
    "Resource",
    "RoleSkill",
    "SalaryFigure",
    "Sector",
    "Skill",
    "SourceDocument",
    "SourceDocumentQuerySet",
    "skills_by_id",
    "visible_skills_by_id",
    "User",
    "rates_note",
    "yearly_in_euros",
]
