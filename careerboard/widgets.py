"""The skill picker, shared by the seeker's profile and the employer's posting form: skills chosen
from the curated list, each with a level and years of use where the form asks for them.

Without JavaScript it is a select of skills grouped by category and an Add button that posts the
form and comes back with the skill added; every chosen skill is a row with its own fields and a
Remove button. static/js/skill-picker.js turns the select into a list filtered as one types, and
adds and removes rows in place. Either way the chosen skills post as repeated `<name>` values,
each with `<name>-<id>-level` and `<name>-<id>-years` when the picker asks for levels.
"""

from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from careerboard.models import Skill

# The pickers' own buttons: a form posted with one of them only adds or removes a skill, and
# comes back unsaved and unjudged.
ADD = "picker-add"
REMOVE = "picker-remove"
MAX_YEARS = 60
# Ids beyond PostgreSQL's bigint would fail the query instead of finding nothing.
MAX_ID = 2**63 - 1


@dataclass
class Row:
    """A chosen skill as posted: its id, level and years as the browser sent them."""

    skill: str
    level: str = ""
    years: str = ""


@dataclass
class Picked:
    """What a picker holds: its rows, and what its buttons just did (for the page to say)."""

    rows: list[Row] = field(default_factory=list)
    added: str = ""
    removed: str = ""
    nothing_to_add: bool = False


def picker_pressed(data) -> bool:
    """Whether a form was posted with a picker's Add or Remove button."""
    return ADD in data or REMOVE in data


def _skill_id(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdecimal() and 0 < int(value) <= MAX_ID else None


def _as_picked(value) -> Picked:
    """A picker's value however the form holds it: as posted, or as initial skill ids or rows."""
    if isinstance(value, Picked):
        return value
    rows = []
    for item in value or []:
        if isinstance(item, Row):
            rows.append(item)
        elif isinstance(item, tuple):
            skill, level, years = item
            rows.append(Row(str(skill), str(level), str(years)))
        else:
            rows.append(Row(str(getattr(item, "pk", item))))
    return Picked(rows=rows)


class SkillPicker(forms.Widget):
    """Renders `careerboard/_skill_picker.html`; the add control's select carries the field's id,
    so that its label, the error summary's link and the script all find it."""

    template_name = "careerboard/_skill_picker.html"
    use_fieldset = True

    class Media:
        js = [forms.Script("js/skill-picker.js", defer=True)]

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.skills = Skill.objects.none()
        self.levels: list[tuple[int, str]] = []
        self.noun = "skill"

    def value_from_datadict(self, data, files, name) -> Picked:
        ids = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        rows: dict[str, Row] = {}
        for raw in [ids] if isinstance(ids, str) else ids:
            key = str(raw).strip()
            if key and key not in rows:
                level, years = data.get(f"{name}-{key}-level"), data.get(f"{name}-{key}-years")
                rows[key] = Row(key, str(level or ""), str(years or ""))
        picked = Picked()
        removed = str(data.get(REMOVE) or "")
        if removed.startswith(f"{name}:") and rows.pop(removed.partition(":")[2], None):
            picked.removed = removed.partition(":")[2]
        # A skill chosen in the add control joins the rows whichever button posted the form, so
        # that choosing one and pressing Save without Add still keeps it.
        added = str(data.get(f"{name}-add") or "").strip()
        if added and added not in rows:
            level, years = data.get(f"{name}-add-level"), data.get(f"{name}-add-years")
            rows[added] = Row(added, str(level or ""), str(years or ""))
            picked.added = added
        picked.nothing_to_add = data.get(ADD) == name and not added
        picked.rows = list(rows.values())
        return picked

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        picked = _as_picked(value)
        skills = sorted(self.skills, key=lambda skill: skill.name.casefold())
        by_id = {str(skill.pk): skill for skill in skills}
        rows = [self._row(by_id[row.skill], row) for row in picked.rows if row.skill in by_id]
        chosen = {row["skill"].pk for row in rows}
        categories = dict(Skill.Category.choices)
        groups = {label: [] for label in categories.values()}
        for skill in skills:
            groups.setdefault(categories.get(skill.category, skill.category), []).append(skill)
        context["picker"] = {
            "id": attrs.get("id") or f"id_{name}",
            "name": name,
            "rows": rows,
            "chosen": chosen,
            "groups": [(label, group) for label, group in groups.items() if group],
            "levels": [(str(value), label) for value, label in self.levels],
            "noun": self.noun,
            # The middle level (3 of 5, "working") until one is chosen.
            "add_level": str(self.levels[len(self.levels) // 2][0]) if self.levels else "",
            "max_years": MAX_YEARS,
            "note": self._note(picked, by_id),
        }
        return context

    def _row(self, skill: Skill, row: Row) -> dict:
        known_level = row.level in {str(value) for value, _ in self.levels}
        return {"skill": skill, "level": row.level if known_level else "", "years": row.years}

    @staticmethod
    def _note(picked: Picked, by_id: dict[str, Skill]) -> str:
        if picked.nothing_to_add:
            return "Choose a skill from the list first."
        if picked.added:
            skill = by_id.get(picked.added)
            return f"{skill.name} added." if skill else "That skill is not on our list."
        if picked.removed in by_id:
            return f"{by_id[picked.removed].name} removed."
        return ""

    def render(self, name, value, attrs=None, renderer=None):
        # The project's templates, not the form renderer's: the partial lives in templates/.
        context = self.get_context(name, value, self.build_attrs(self.attrs, attrs))
        return mark_safe(render_to_string(self.template_name, context))


class SkillsField(forms.Field):
    """Skills chosen with the picker, cleaned to the list of skills in the order chosen."""

    widget = SkillPicker
    default_error_messages = {
        "required": "Choose at least one skill.",
        "unknown": "We do not know the skill %(ids)s; choose skills from the list.",
        "too_many": "Choose at most %(limit)s skills.",
    }

    def __init__(self, *, queryset, noun="skill", max_skills=60, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(**kwargs)
        self.max_skills = max_skills
        self.queryset = queryset
        self.widget.noun = noun

    @property
    def queryset(self):
        return self._queryset

    @queryset.setter
    def queryset(self, queryset):
        self._queryset = queryset
        self.widget.skills = queryset

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.queryset = self._queryset.all()
        return result

    def clean(self, value) -> list[Skill]:
        return [skill for skill, _ in self._chosen(value)]

    def _chosen(self, value) -> list[tuple[Skill, Row]]:
        """Each chosen skill with its row as posted, once each; unknown skills are an error."""
        rows = _as_picked(value).rows
        if not rows and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(rows) > self.max_skills:
            raise ValidationError(
                self.error_messages["too_many"], code="too_many", params={"limit": self.max_skills}
            )
        ids = {row.skill: _skill_id(row.skill) for row in rows}
        known = self.queryset.in_bulk([pk for pk in ids.values() if pk is not None])
        unknown = [raw for raw, pk in ids.items() if pk not in known]
        if unknown:
            raise ValidationError(
                self.error_messages["unknown"],
                code="unknown",
                params={"ids": ", ".join(f"“{raw[:20]}”" for raw in unknown[:3])},
            )
        chosen = {}
        for row in rows:
            chosen.setdefault(known[ids[row.skill]], row)
        return list(chosen.items())


class SkillLevelsField(SkillsField):
    """Skills chosen with the picker, each with a level and years of use; cleaned to
    {skill: (level, years)} in the order chosen."""

    def __init__(self, *, levels, **kwargs):
        super().__init__(**kwargs)
        self.levels = list(levels)
        self.widget.levels = self.levels

    def clean(self, value) -> dict[Skill, tuple[int, int]]:
        levels = {str(level): level for level, _ in self.levels}
        low, high = min(levels.values()), max(levels.values())
        cleaned, errors = {}, []
        for skill, row in self._chosen(value):
            level = levels.get(row.level.strip())
            years_text = row.years.strip() or "0"
            years = int(years_text) if years_text.isdecimal() else None
            if level is None:
                errors.append(f"Choose a level from {low} to {high} for {skill.name}.")
            if years is None or years > MAX_YEARS:
                errors.append(
                    f"Give the years of {skill.name} as a whole number from 0 to {MAX_YEARS}."
                )
            cleaned[skill] = (level, years)
        if errors:
            raise ValidationError(errors)
        return cleaned


class PickerFormMixin:
    """For forms with skill pickers: a form posted with a picker's Add or Remove button shows the
    change and is neither judged (no errors for fields not filled in yet) nor valid."""

    @property
    def picking(self) -> bool:
        return self.is_bound and picker_pressed(self.data)

    def full_clean(self):
        if self.picking:
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()

    def is_valid(self) -> bool:
        return not self.picking and super().is_valid()
