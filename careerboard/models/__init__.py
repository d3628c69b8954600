"""The core app's data, one module per purpose: `accounts`, `curated` (skills, sectors, resources,
source documents), `careers` (roles and what they need) and `figures` (pay and outlook)."""

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
)
from careerboard.models.figures import (
    ANNUAL_FACTORS,
    HOURS_PER_YEAR,
    OutlookFigure,
    Period,
    SalaryFigure,
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
    "FactTopic",
    "HOURS_PER_YEAR",
    "Importance",
    "LearningStep",
    "OutlookFigure",
    "Period",
    "Resource",
    "RoleSkill",
    "SalaryFigure",
    "Sector",
    "Skill",
    "SourceDocument",
    "SourceDocumentQuerySet",
    "User",
]
