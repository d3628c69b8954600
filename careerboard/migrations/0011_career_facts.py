"""The facts a seeker looks for beyond pay and outlook (CareerFact): the work, why demand grows,
what pay depends on, remote work, where openings are heard of, networking, getting hired and
certifications, each citing its documents."""

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models


def follow(table: str) -> str:
    """As migration 0004: a change to the table moves the public data version."""
    return f"""
CREATE TRIGGER public_data_follows_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON {table} FOR EACH STATEMENT EXECUTE FUNCTION careerboard_public_rows_changed();
"""


def unfollow(table: str) -> str:
    return f"DROP TRIGGER public_data_follows_{table} ON {table};"


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
        ("careerboard", "0010_role_skills_and_learning_order"),
    ]

    operations = [
        migrations.CreateModel(
            name="CareerFact",
            fields=[
                *curated_fields(),
                (
                    "topic",
                    models.CharField(
                        choices=[
                            ("work", "On the job"),
                            ("demand", "Why demand grows"),
                            ("pay", "What pay depends on"),
                            ("remote", "Remote work and where you live"),
                            ("openings", "Hearing about openings"),
                            ("networking", "Networking"),
                            ("hiring", "Getting hired"),
                            ("learning", "Keeping up"),
                            ("certifications", "Certifications"),
                        ],
                        max_length=20,
                    ),
                ),
                ("name", models.CharField(max_length=160)),
                ("detail", models.TextField(blank=True)),
                (
                    "items",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=160),
                        blank=True,
                        default=list,
                        size=None,
                    ),
                ),
                ("role", role_key("facts")),
            ],
            options={
                "ordering": ["sort_order", "id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "topic__in",
                                [
                                    "work",
                                    "demand",
                                    "pay",
                                    "remote",
                                    "openings",
                                    "networking",
                                    "hiring",
                                    "learning",
                                    "certifications",
                                ],
                            )
                        ),
                        name="careerfact_topic_known",
                    )
                ],
            },
        ),
        migrations.RunSQL(follow("careerboard_careerfact"), unfollow("careerboard_careerfact")),
    ]
