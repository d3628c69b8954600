"""Roles name the sectors that hire for them, where a source document says so; the links move the
public data version like every curated table (migration 0004)."""

from django.db import migrations, models

LINKS = "careerboard_careerrole_sectors"


class Migration(migrations.Migration):
    dependencies = [
        ("careerboard", "0011_career_facts"),
    ]

    operations = [
        migrations.AddField(
            model_name="careerrole",
            name="sectors",
            field=models.ManyToManyField(
                blank=True,
                help_text="Who hires for this role, where a source document says so.",
                related_name="roles",
                to="careerboard.sector",
            ),
        ),
        migrations.RunSQL(
            f"""
CREATE TRIGGER public_data_follows_{LINKS} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON {LINKS} FOR EACH STATEMENT EXECUTE FUNCTION careerboard_public_rows_changed();
""",
            f"DROP TRIGGER public_data_follows_{LINKS} ON {LINKS};",
        ),
    ]
