import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def approve_existing_companies(apps, schema_editor):
    """Companies already on the board were public: they stay so."""
    Company = apps.get_model("jobs", "Company")
    Company.objects.filter(approved_at__isnull=True).update(approved_at=F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('jobs', '0006_membership_roles_and_invitation_revocation'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='company',
            name='approved_at',
            field=models.DateTimeField(blank=True, editable=False, help_text='When a moderator approved the company or one of its jobs; until then only its members and staff see it.', null=True),
        ),
        migrations.RunPython(approve_existing_companies, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='company',
            constraint=models.CheckConstraint(condition=models.Q(('is_verified', False), ('approved_at__isnull', False), _connector='OR'), name='company_verified_is_approved'),
        ),
        migrations.CreateModel(
            name='CompanyEdit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=120)),
                ('website', models.URLField(blank=True, max_length=300)),
                ('submitted_at', models.DateTimeField(auto_now=True)),
                ('company', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='pending_edit', to='jobs.company')),
                ('submitted_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['submitted_at'],
            },
        ),
    ]
