"""Exchange rates admins curate, by which search compares salaries in euros; like every curated
table they move the public data version (migration 0004). Jobs migration 0012 makes a change of
them re-convert the search rows of that currency."""

import django.contrib.postgres.fields
from django.db import migrations, models

TABLE = "careerboard_exchangerate"


class Migration(migrations.Migration):

    dependencies = [
        ('careerboard', '0012_roles_say_who_hires'),
    ]

    operations = [
        migrations.CreateModel(
            name='ExchangeRate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seed_key', models.SlugField(blank=True, editable=False, max_length=120, null=True, unique=True)),
                ('seed_checksum', models.CharField(blank=True, editable=False, max_length=64)),
                ('sources', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=120), blank=True, default=list, help_text='Source documents the facts come from.', size=None)),
                ('is_hidden', models.BooleanField(default=False, help_text='Hidden records appear on no page.')),
                ('sort_order', models.PositiveIntegerField(default=0)),
                ('currency', models.CharField(help_text='ISO 4217 code, such as USD.', max_length=3)),
                ('per_euro', models.DecimalField(decimal_places=6, help_text='What one euro bought.', max_digits=14, verbose_name='units per euro')),
                ('as_of', models.DateField(help_text='The day the rate was published for.', verbose_name='rate of')),
                ('published_by', models.CharField(help_text='Who published the rate, as pages name it.', max_length=160)),
            ],
            options={
                'ordering': ['currency', '-as_of'],
                'indexes': [models.Index(fields=['currency', '-as_of'], name='exchangerate_current')],
                'constraints': [
                    models.UniqueConstraint(fields=('currency', 'as_of'), name='exchangerate_one_a_day', violation_error_message='This currency already has a rate of that day.'),
                    models.CheckConstraint(condition=models.Q(('per_euro__gt', 0)), name='exchangerate_positive', violation_error_message='A rate is more than zero.'),
                    models.CheckConstraint(condition=models.Q(('currency__regex', '^[A-Z]{3}$'), models.Q(('currency', 'EUR'), _negated=True)), name='exchangerate_currency_code', violation_error_message='Give a three-letter code in capitals, other than EUR (salaries are compared in euros).'),
                ],
            },
        ),
        migrations.RunSQL(
            f"""
CREATE TRIGGER public_data_follows_{TABLE} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON {TABLE} FOR EACH STATEMENT EXECUTE FUNCTION careerboard_public_rows_changed();
""",
            f"DROP TRIGGER public_data_follows_{TABLE} ON {TABLE};",
        ),
    ]
