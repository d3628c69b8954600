"""Skills a role needs become records (RoleSkill) saying core or optional and citing documents,
and a suggested learning order (LearningStep) joins them.

The links already made are kept: each becomes a RoleSkill, marked core until `load_seeds` gives
it the importance and sources of the seed files (a link between seeded records is keyed as the
seed files key it and marked as written by the loader). The roles' seed fingerprints drop the
skills they held, since roles no longer load their skills, so reloading still knows which roles an
admin has edited.
"""

import hashlib
import json

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models


def loader_fingerprint(values: dict) -> str:
    """careerboard.seeding's fingerprint of the values it last wrote (kept here as it was)."""
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def role_values(role) -> dict:
    """What the loader compared for a role, without its skills (as of migration 0007)."""
    return {
        "name": role.name,
        "other_names": list(role.other_names),
        "summary": role.summary,
        "responsibilities": list(role.responsibilities),
        "typical_tasks": list(role.typical_tasks),
        "job_search": role.job_search or {},
        "slug": role.slug,
        "sources": list(role.sources),
        "sort_order": role.sort_order,
    }


def refingerprint_role(role, skills: list[int], *, with_skills: bool) -> None:
    """Move an unedited role's fingerprint from one form to the other (the loader also accepts
    a fingerprint taken before `job_search` existed)."""
    values = role_values(role)
    variants = [values]
    if not values["job_search"]:
        variants.append({k: v for k, v in values.items() if k != "job_search"})
    for variant in variants:
        old, new = {**variant, "skills": skills}, variant
        if with_skills:
            old, new = new, old
        if loader_fingerprint(old) == role.seed_checksum:
            role.seed_checksum = loader_fingerprint(new)
            role.save(update_fields=["seed_checksum"])
            return


def links_to_needs(apps, schema_editor):
    CareerRole = apps.get_model("careerboard", "CareerRole")
    RoleSkill = apps.get_model("careerboard", "RoleSkill")
    links = CareerRole.skills.through.objects.select_related("careerrole", "skill")
    for link in links.order_by("id"):
        role, skill = link.careerrole, link.skill
        need = RoleSkill(role=role, skill=skill, importance="core", sources=[], sort_order=0)
        if role.seed_key and skill.seed_key:
            need.seed_key = f"{role.seed_key}--{skill.seed_key}"
            need.seed_checksum = loader_fingerprint(
                {
                    "importance": "core",
                    "role_id": role.pk,
                    "skill_id": skill.pk,
                    "sources": [],
                    "sort_order": 0,
                }
            )
        need.save()
    for role in CareerRole.objects.exclude(seed_key=None):
        skills = sorted(role.skills.values_list("pk", flat=True))
        refingerprint_role(role, skills, with_skills=False)


def needs_to_links(apps, schema_editor):
    CareerRole = apps.get_model("careerboard", "CareerRole")
    RoleSkill = apps.get_model("careerboard", "RoleSkill")
    CareerRole.skills.through.objects.bulk_create(
        CareerRole.skills.through(careerrole_id=a, skill_id=b)
        for a, b in RoleSkill.objects.values_list("role_id", "skill_id")
    )
    for role in CareerRole.objects.exclude(seed_key=None):
        skills = sorted(role.skills.values_list("pk", flat=True))
        refingerprint_role(role, skills, with_skills=True)


def follow(table: str) -> str:
    """As migration 0004: a change to the table moves the public data version."""
    return f"""
CREATE TRIGGER public_data_follows_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON {table} FOR EACH STATEMENT EXECUTE FUNCTION careerboard_public_rows_changed();
"""


def unfollow(table: str) -> str:
    return f"DROP TRIGGER public_data_follows_{table} ON {table};"


OLD_LINKS = "careerboard_careerrole_skills"
NEW_TABLES = [
    "careerboard_roleskill",
    "careerboard_learningstep",
    "careerboard_learningstep_skills",
]


def curated_fields():
    return [
        (
            "id",
            models.BigAutoField(
                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
            ),
        ),
        (
            "seed_key",
            models.SlugField(blank=True, editable=False, max_length=120, null=True, unique=True),
        ),
        ("seed_checksum", models.CharField(blank=True, editable=False, max_length=64)),
        (
            "sources",
            django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=120),
                blank=True,
                default=list,
                help_text="Source documents the facts come from.",
                size=None,
            ),
        ),
        (
            "is_hidden",
            models.BooleanField(default=False, help_text="Hidden records appear on no page."),
        ),
        ("sort_order", models.PositiveIntegerField(default=0)),
    ]


def role_key(related_name: str):
    return models.ForeignKey(
        on_delete=django.db.models.deletion.CASCADE,
        related_name=related_name,
        to="careerboard.careerrole",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("careerboard", "0009_outlook_figure_measures"),
    ]

    operations = [
        migrations.CreateModel(
            name="RoleSkill",
            fields=[
                *curated_fields(),
                (
                    "importance",
                    models.CharField(
                        choices=[("core", "Core"), ("optional", "Optional")], max_length=10
                    ),
                ),
                ("role", role_key("skill_needs")),
                (
                    "skill",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="role_needs",
                        to="careerboard.skill",
                    ),
                ),
            ],
            options={
                "ordering": ["sort_order", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("role", "skill"), name="one_need_per_role_and_skill"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("importance__in", ["core", "optional"])),
                        name="roleskill_importance_known",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="LearningStep",
            fields=[
                *curated_fields(),
                ("name", models.CharField(max_length=160)),
                ("description", models.TextField(blank=True)),
                ("role", role_key("learning_steps")),
                (
                    "skills",
                    models.ManyToManyField(
                        blank=True, related_name="learning_steps", to="careerboard.skill"
                    ),
                ),
            ],
            options={"ordering": ["sort_order", "id"]},
        ),
        *[migrations.RunSQL(follow(table), unfollow(table)) for table in NEW_TABLES],
        migrations.RunPython(links_to_needs, needs_to_links),
        migrations.RunSQL(unfollow(OLD_LINKS), follow(OLD_LINKS)),
        migrations.RemoveField(model_name="careerrole", name="skills"),
        migrations.AddField(
            model_name="careerrole",
            name="skills",
            field=models.ManyToManyField(
                blank=True,
                related_name="career_roles",
                through="careerboard.RoleSkill",
                to="careerboard.skill",
            ),
        ),
    ]
