"""What the career pages tell a seeker beside pay and the market: the skills a role needs (core and
optional), a suggested order to learn them, and the documents' facts about the work, demand,
remote work and getting hired, grouped as the role and resources pages show them."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch

from careerboard.caching import ROLE_NEEDS_COPY, SKILL_RESOURCES_COPY, worker_copy
from careerboard.models import (
    CareerFact,
    CareerRole,
    FactTopic,
    Importance,
    LearningStep,
    Resource,
    RoleSkill,
    Skill,
)


@dataclass
class SkillGroup:
    """Core or optional skills of a role, citing every document behind the group's links."""

    importance: str
    label: str
    needs: list[RoleSkill]
    sources: list[str] = field(default_factory=list)
    citations: list = field(default_factory=list)


@dataclass
class FactSection:
    """One section of a page made of facts: a heading and its facts, in the order of topics."""

    key: str
    title: str
    facts: list[CareerFact]


# Which topics each fact section of a role page shows, in order; the resources page shows the
# FINDING_WORK section.
SECTIONS = {
    "work": ("On the job", [FactTopic.WORK]),
    "market": (
        "Demand, pay and where you work",
        [FactTopic.DEMAND, FactTopic.PAY, FactTopic.REMOTE],
    ),
    "hiring": (
        "Finding work and getting hired",
        [
            FactTopic.OPENINGS,
            FactTopic.NETWORKING,
            FactTopic.HIRING,
            FactTopic.LEARNING,
            FactTopic.CERTIFICATIONS,
        ],
    ),
}
FINDING_WORK = "hiring"


@dataclass
class RoleGuide:
    skill_groups: list[SkillGroup]
    learning_steps: list[LearningStep]
    sections: dict[str, FactSection]

    def cited(self) -> list:
        """Every record the page cites, for one `attach_citations` call."""
        facts = [fact for section in self.sections.values() for fact in section.facts]
        return [*self.skill_groups, *self.learning_steps, *facts]


def _sections(facts: list[CareerFact], keys) -> dict[str, FactSection]:
    sections = {}
    for key in keys:
        title, topics = SECTIONS[key]
        shown = [fact for topic in topics for fact in facts if fact.topic == topic]
        if shown:
            sections[key] = FactSection(key, title, shown)
    return sections


def role_guide(role: CareerRole) -> RoleGuide:
    """Four queries, whatever the data: the skill links, the learning steps and their skills,
    and the facts."""
    needs = list(
        RoleSkill.objects.visible()
        .filter(role=role, skill__is_hidden=False)
        .select_related("skill")
        .order_by("sort_order", "skill__sort_order", "skill__name")
    )
    groups = []
    for importance in Importance:
        members = [need for need in needs if need.importance == importance]
        if members:
            sources = list(dict.fromkeys(name for need in members for name in need.sources))
            groups.append(SkillGroup(importance.value, importance.label, members, sources))
    steps = list(
        role.learning_steps.visible().prefetch_related(
            Prefetch("skills", queryset=Skill.objects.visible())
        )
    )
    facts = list(role.facts.visible())
    return RoleGuide(groups, steps, _sections(facts, SECTIONS))


def finding_work_facts() -> FactSection | None:
    """The facts about finding work and getting hired, of every visible role, in one query."""
    _, topics = SECTIONS[FINDING_WORK]
    facts = CareerFact.objects.visible().filter(role__is_hidden=False, topic__in=topics)
    return _sections(list(facts), [FINDING_WORK]).get(FINDING_WORK)


def roles_needing(skill: Skill) -> list[RoleSkill]:
    """The visible roles that need a skill, core first, each with its link; from the worker's
    copy of every skill's (careerboard/caching.py)."""
    return worker_copy(ROLE_NEEDS_COPY, _role_needs).get(skill.pk, [])


def _role_needs() -> dict[int, list[RoleSkill]]:
    needs = (
        RoleSkill.objects.visible()
        .filter(role__is_hidden=False)
        .select_related("role")
        .order_by("importance", "role__sort_order", "role__name")
    )
    by_skill = defaultdict(list)
    for need in needs:
        by_skill[need.skill_id].append(need)
    return dict(by_skill)


def skill_resources(skill: Skill) -> list[Resource]:
    """The visible resources to learn a skill or meet those who use it, in their order; from the
    worker's copy of every skill's."""
    return worker_copy(SKILL_RESOURCES_COPY, _skill_resources).get(skill.pk, [])


def _skill_resources() -> dict[int, list[Resource]]:
    links = (
        Resource.skills.through.objects.filter(resource__is_hidden=False)
        .select_related("resource")
        # Resource's own order (Meta.ordering).
        .order_by("-resource__is_featured", "resource__sort_order", "resource__name")
    )
    by_skill = defaultdict(list)
    for link in links:
        by_skill[link.skill_id].append(link.resource)
    return dict(by_skill)
