"""Each outlook figure says what it counts and over which years (issue #13): the documents'
growth figures measure different things over different periods and must not be read as one trend.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("careerboard", "0008_salary_figure_level"),
    ]

    operations = [
        migrations.AddField(
            model_name="outlookfigure",
            name="measures",
            field=models.CharField(
                blank=True,
                help_text="What the figure counts and over which years, so that figures from "
                "different sources are not read as one trend.",
                max_length=240,
            ),
        ),
    ]
