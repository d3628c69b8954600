"""Career-path links become records of their own (CareerStep), each citing its documents.

The links already made (by the seed loader or an admin) are kept: each becomes a step. A link
between two seeded roles is keyed as the seed files key it and marked as written by the loader,
so the next `load_seeds` gives it its sources; any other link stays as an admin made it.
"""

import hashlib
import json

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models


def loader_fingerprint(values: dict) -> str:
    """careerboard.seeding's fingerprint of the values it last wrote (kept here as it was)."""
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def links_to_steps(apps, schema_editor):
    CareerRole = apps.get_model("careerboard", "CareerRole")
    CareerStep = apps.get_model("careerboard", "CareerStep")
    links = CareerRole.next_roles.through.objects.select_related(
        "from_careerrole", "to_careerrole"
    )
    for link in links:
        start, end = link.from_careerrole, link.to_careerrole
        step = CareerStep(from_role=start, to_role=end, sources=[], sort_order=0)
        if start.seed_key and end.seed_key:
            step.seed_key = f"{start.seed_key}--{end.seed_key}"
            step.seed_checksum = loader_fingerprint(
                {"from_role_id": start.pk, "to_role_id": end.pk, "sources": [], "sort_order": 0}
            )
        step.save()


def steps_to_links(apps, schema_editor):
    CareerRole = apps.get_model("careerboard", "CareerRole")
    CareerStep = apps.get_model("careerboard", "CareerStep")
    CareerRole.next_roles.through.objects.bulk_create(
        CareerRole.next_roles.through(from_careerrole_id=a, to_careerrole_id=b)
        for a, b in CareerStep.objects.values_list("from_role_id", "to_role_id")
    )


def follow(table: str) -> str:
    """As migration 0004: a change to the table moves the public data version."""
    return f"""
CREATE TRIGGER public_data_follows_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON {table} FOR EACH STATEMENT EXECUTE FUNCTION careerboard_public_rows_changed();
"""


def unfollow(table: str) -> str:
    return f"DROP TRIGGER public_data_follows_{table} ON {table};"


OLD_LINKS = "careerboard_careerrole_next_roles"


class Migration(migrations.Migration):
    dependencies = [
        ("careerboard", "0006_source_documents_and_figure_qualifiers"),
    ]

    operations = [
        migrations.AddField(
            model_name="sourcedocument",
            name="is_editorial",
            field=models.BooleanField(
                default=False, help_text="The board's own view, which no source document states."
            ),
        ),
        migrations.CreateModel(
            name="CareerStep",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "seed_key",
                    models.SlugField(
                        blank=True, editable=False, max_length=120, null=True, unique=True
                    ),
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
                (
                    "from_role",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="steps_out",
                        to="careerboard.careerrole",
                    ),
                ),
                (
                    "to_role",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="steps_in",
                        to="careerboard.careerrole",
                    ),
                ),
            ],
            options={
                "ordering": ["sort_order", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("from_role", "to_role"), name="one_step_per_pair"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("from_role", models.F("to_role")), _negated=True),
                        name="step_leads_elsewhere",
                    ),
                ],
            },
        ),
        migrations.RunSQL(follow("careerboard_careerstep"), unfollow("careerboard_careerstep")),
        migrations.RunSQL(
            follow("careerboard_sourcedocument"), unfollow("careerboard_sourcedocument")
        ),
        migrations.RunPython(links_to_steps, steps_to_links),
        migrations.RunSQL(unfollow(OLD_LINKS), follow(OLD_LINKS)),
        migrations.RemoveField(model_name="careerrole", name="next_roles"),
        migrations.AddField(
            model_name="careerrole",
            name="next_roles",
            field=models.ManyToManyField(
                blank=True,
                related_name="previous_roles",
                symmetrical=False,
                through="careerboard.CareerStep",
                through_fields=("from_role", "to_role"),
                to="careerboard.careerrole",
            ),
        ),
    ]
