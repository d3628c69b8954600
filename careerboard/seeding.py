"""Loading our seed files (seeds/*.toml) into the curated career records.

Loading is idempotent and respects curation: each seeded record keeps a fingerprint of the values
the loader last wrote. A record whose values no longer match that fingerprint was edited by an
admin and is left exactly as the admin left it; every other record follows the seed files.
"""

import hashlib
import json
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models, transaction

from careerboard.models import (
    CareerFact,
    CareerRole,
    CareerStep,
    EducationPath,
    ExchangeRate,
    LearningStep,
    OutlookFigure,
    Resource,
    RoleSkill,
    SalaryFigure,
    Sector,
    Skill,
    SourceDocument,
)

SEEDS_DIR = settings.BASE_DIR / "seeds"


@dataclass(frozen=True)
class SeedSpec:
    """How one table of a seed file maps onto a model."""

    label: str
    file: str
    table: str
    model: type[models.Model]
    fields: dict[str, str]  # model field -> seed entry key
    foreign_keys: dict[str, tuple[type[models.Model], str]] = field(default_factory=dict)
    many_to_many: dict[str, tuple[type[models.Model], str]] = field(default_factory=dict)
    has_slug: bool = True
    # Fields added after records were first loaded, oldest first: a record whose fingerprint was
    # taken before the newest of them existed, and which still holds their empty defaults, was
    # not edited by an admin.
    added_later: tuple[str, ...] = ()
    # Whether `source` names one of our source documents, or a publication of its own (exchange
    # rates: figures a central bank publishes, which no document of ours quotes).
    cites_documents: bool = True


SPECS = [
    SeedSpec(
        "source documents",
        "sources.toml",
        "document",
        SourceDocument,
        {
            "file_name": "file_name",
            "title": "title",
            "publisher": "publisher",
            "published": "published",
            "quotes": "quotes",
            "is_editorial": "is_editorial",
        },
        has_slug=False,
        added_later=("is_editorial",),
    ),
    SeedSpec(
        "skills",
        "skills.toml",
        "skill",
        Skill,
        {
            "name": "name",
            "category": "category",
            "description": "description",
            "aliases": "aliases",
        },
    ),
    SeedSpec(
        "sectors", "careers.toml", "sector", Sector, {"name": "name", "description": "description"}
    ),
    SeedSpec(
        "career roles",
        "careers.toml",
        "role",
        CareerRole,
        {
            "name": "name",
            "other_names": "other_names",
            "summary": "summary",
            "responsibilities": "responsibilities",
            "typical_tasks": "typical_tasks",
            "job_search": "job_search",
        },
        many_to_many={"sectors": (Sector, "sectors")},
        added_later=("job_search", "sectors"),
    ),
    SeedSpec(
        "skills roles need",
        "role_skills.toml",
        "role_skill",
        RoleSkill,
        {"importance": "importance"},
        foreign_keys={"role": (CareerRole, "role"), "skill": (Skill, "skill")},
        has_slug=False,
    ),
    SeedSpec(
        "learning steps",
        "role_skills.toml",
        "learning_step",
        LearningStep,
        {"name": "name", "description": "description"},
        foreign_keys={"role": (CareerRole, "role")},
        many_to_many={"skills": (Skill, "skills")},
        has_slug=False,
    ),
    SeedSpec(
        "career facts",
        "facts.toml",
        "fact",
        CareerFact,
        {"topic": "topic", "name": "name", "detail": "detail", "items": "items"},
        foreign_keys={"role": (CareerRole, "role")},
        has_slug=False,
    ),
    SeedSpec(
        "career steps",
        "careers.toml",
        "step",
        CareerStep,
        {},
        foreign_keys={"from_role": (CareerRole, "from"), "to_role": (CareerRole, "to")},
        has_slug=False,
    ),
    SeedSpec(
        "education paths",
        "careers.toml",
        "education",
        EducationPath,
        {"name": "name", "description": "description"},
        foreign_keys={"role": (CareerRole, "role")},
        has_slug=False,
    ),
    SeedSpec(
        "resources",
        "resources.toml",
        "resource",
        Resource,
        {
            "name": "name",
            "kind": "kind",
            "url": "url",
            "description": "description",
            "is_featured": "featured",
        },
        many_to_many={"skills": (Skill, "skills")},
    ),
    SeedSpec(
        "salary figures",
        "figures.toml",
        "salary",
        SalaryFigure,
        {
            "label": "label",
            "statistic": "statistic",
            "amount": "amount",
            "low": "low",
            "high": "high",
            "qualifier": "qualifier",
            "currency": "currency",
            "period": "period",
            "region": "region",
            "as_of": "as_of",
            "publisher": "publisher",
            "level": "level",
        },
        foreign_keys={"role": (CareerRole, "role")},
        has_slug=False,
        added_later=("qualifier", "level"),
    ),
    SeedSpec(
        "outlook figures",
        "figures.toml",
        "outlook",
        OutlookFigure,
        {
            "label": "label",
            "growth_percent": "growth_percent",
            "period_start": "period_start",
            "period_end": "period_end",
            "openings": "openings",
            "openings_label": "openings_label",
            "region": "region",
            "publisher": "publisher",
            "measures": "measures",
        },
        foreign_keys={"role": (CareerRole, "role")},
        has_slug=False,
        added_later=("measures",),
    ),
    SeedSpec(
        "exchange rates",
        "rates.toml",
        "rate",
        ExchangeRate,
        {
            "currency": "currency",
            "per_euro": "per_euro",
            "as_of": "as_of",
            "published_by": "published_by",
        },
        has_slug=False,
        cites_documents=False,
    ),
]


class SeedError(Exception):
    """A seed file is missing, malformed or refers to a key that does not exist."""


def _normalise(model_field, value):
    """A seed or database value in one comparable form."""
    if value in (None, "") and isinstance(model_field, models.DecimalField | models.IntegerField):
        return None
    if value is None and isinstance(model_field, ArrayField):
        return []
    if value is None and isinstance(model_field, models.CharField | models.TextField):
        return ""
    if isinstance(model_field, models.DecimalField):
        step = Decimal(1).scaleb(-model_field.decimal_places)
        return str(Decimal(str(value)).quantize(step))
    if isinstance(model_field, models.BooleanField):
        return bool(value)
    if value is None and isinstance(model_field, models.JSONField):
        return {}
    return value


def _fingerprint(values: dict) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


class _Loader:
    def __init__(self, data: dict):
        self.data = data
        self.report: dict[str, Counter] = {}
        self._documents: set[str] | None = None

    def entries(self, spec: SeedSpec) -> list[dict]:
        entries = self.data.get(spec.file, {}).get(spec.table, [])
        if not isinstance(entries, list):
            raise SeedError(f"{spec.file}: [[{spec.table}]] must be an array of tables.")
        return entries

    def documents(self) -> set[str]:
        """The file names of the source documents (loaded first), which `sources` may name."""
        if self._documents is None:
            self._documents = set(SourceDocument.objects.values_list("file_name", flat=True))
        return self._documents

    def pk_of(self, model, key, where):
        pk = model.objects.filter(seed_key=key).values_list("pk", flat=True).first()
        if pk is None:
            raise SeedError(f"{where}: no {model._meta.verbose_name} with key “{key}”.")
        return pk

    def wanted_values(self, spec: SeedSpec, entry: dict, index: int, *, links=True) -> dict:
        where = f"{spec.file} [[{spec.table}]] {entry.get('key', '?')}"
        values = {}
        for model_field_name, seed_name in spec.fields.items():
            model_field = spec.model._meta.get_field(model_field_name)
            values[model_field_name] = _normalise(model_field, entry.get(seed_name))
        if spec.has_slug:
            values["slug"] = entry["key"]
        sources = entry.get("sources") or ([entry["source"]] if entry.get("source") else [])
        if not sources or not all(isinstance(name, str) and name.strip() for name in sources):
            raise SeedError(f"{where}: no source document; every seeded fact names its source.")
        if spec.model is not SourceDocument and spec.cites_documents:
            unknown = sorted(set(sources) - self.documents())
            if unknown:
                raise SeedError(f"{where}: no [[document]] in sources.toml for {unknown[0]}.")
        values["sources"] = list(sources)
        values["sort_order"] = index
        for name, (model, seed_name) in spec.foreign_keys.items():
            values[f"{name}_id"] = self.pk_of(model, entry[seed_name], where)
        for name, (model, seed_name) in spec.many_to_many.items() if links else ():
            values[name] = sorted(self.pk_of(model, key, where) for key in entry.get(seed_name, []))
        return values

    def current_values(self, spec: SeedSpec, obj) -> dict:
        values = {}
        for model_field_name in spec.fields:
            model_field = spec.model._meta.get_field(model_field_name)
            values[model_field_name] = _normalise(model_field, getattr(obj, model_field_name))
        if spec.has_slug:
            values["slug"] = obj.slug
        values["sources"] = list(obj.sources)
        values["sort_order"] = obj.sort_order
        for name in spec.foreign_keys:
            values[f"{name}_id"] = getattr(obj, f"{name}_id")
        for name in spec.many_to_many:
            values[name] = sorted(getattr(obj, name).values_list("pk", flat=True))
        return values

    def loaded_unedited(self, spec: SeedSpec, current: dict, checksum: str) -> bool:
        """Whether the record holds what the loader last wrote (see SeedSpec.added_later)."""
        if _fingerprint(current) == checksum:
            return True
        # As the loader of each earlier version saw it: without the newest one, two... fields.
        for newest in range(1, len(spec.added_later) + 1):
            missing = spec.added_later[-newest:]
            if any(current.get(name) for name in missing):
                return False
            before = {k: v for k, v in current.items() if k not in missing}
            if _fingerprint(before) == checksum:
                return True
        return False

    def write(self, spec: SeedSpec, obj, values: dict) -> None:
        for name, value in values.items():
            if name not in spec.many_to_many:
                setattr(obj, name, value)
        obj.full_clean(exclude=list(spec.many_to_many) + ["seed_key"], validate_unique=False)
        obj.save()
        for name in spec.many_to_many:
            if name in values:
                getattr(obj, name).set(values[name])
        obj.seed_checksum = _fingerprint(values)
        obj.save(update_fields=["seed_checksum"])

    def load(self, spec: SeedSpec) -> None:
        counts = self.report.setdefault(spec.label, Counter())
        entries = self.entries(spec)
        created = set()
        if any(model is spec.model for model, _ in spec.many_to_many.values()):
            # Records that point at each other: make sure every one exists before linking.
            for index, entry in enumerate(entries):
                if not spec.model.objects.filter(seed_key=entry["key"]).exists():
                    obj = spec.model(seed_key=entry["key"])
                    self.write(spec, obj, self.wanted_values(spec, entry, index, links=False))
                    created.add(entry["key"])
        for index, entry in enumerate(entries):
            values = self.wanted_values(spec, entry, index)
            obj = spec.model.objects.filter(seed_key=entry["key"]).first()
            if obj is None or entry["key"] in created:
                self.write(spec, obj or spec.model(seed_key=entry["key"]), values)
                counts["created"] += 1
                continue
            current = self.current_values(spec, obj)
            if not self.loaded_unedited(spec, current, obj.seed_checksum):
                counts["kept admin edit"] += 1
            elif current == values:
                counts["unchanged"] += 1
            else:
                self.write(spec, obj, values)
                counts["updated"] += 1


def read_seed_files(directory: Path) -> dict:
    data = {}
    for name in sorted({spec.file for spec in SPECS}):
        path = directory / name
        try:
            with path.open("rb") as handle:
                data[name] = tomllib.load(handle)
        except FileNotFoundError as error:
            raise SeedError(f"Missing seed file {path}.") from error
        except tomllib.TOMLDecodeError as error:
            raise SeedError(f"{path}: {error}") from error
    return data


def seeds_load(*, directory: Path = SEEDS_DIR, dry_run: bool = False) -> dict[str, Counter]:
    """Load every seed file; returns per-kind counts of created/updated/unchanged/kept records."""
    loader = _Loader(read_seed_files(directory))
    with transaction.atomic():
        for spec in SPECS:
            try:
                loader.load(spec)
            except KeyError as error:
                raise SeedError(f"{spec.file} [[{spec.table}]]: an entry lacks {error}.") from error
        if dry_run:
            transaction.set_rollback(True)
    return loader.report
