from django.db import migrations, models
from django.db.models import Min


def make_first_members_owners(apps, schema_editor):
    """Each company's first member (its creator) becomes its owner; colleagues who joined later
    stay members."""
    CompanyMembership = apps.get_model("jobs", "CompanyMembership")
    first_ids = (
        CompanyMembership.objects.values("company_id")
        .annotate(first_id=Min("id"))
        .values_list("first_id", flat=True)
    )
    CompanyMembership.objects.filter(id__in=list(first_ids)).update(role="owner")


class Migration(migrations.Migration):

    dependencies = [
        ('jobs', '0005_job_revisions_and_moderation_events'),
    ]

    operations = [
        migrations.AddField(
            model_name='companyinvitation',
            name='revoked_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='companymembership',
            name='role',
            field=models.CharField(choices=[('owner', 'Owner'), ('member', 'Member')], default='member', help_text='Owners also invite and remove people; members post and manage jobs.', max_length=10),
        ),
        migrations.RunPython(make_first_members_owners, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='companyinvitation',
            constraint=models.CheckConstraint(condition=models.Q(('accepted_at__isnull', True), ('revoked_at__isnull', True), _connector='OR'), name='invitation_not_accepted_and_revoked'),
        ),
        migrations.AddConstraint(
            model_name='companymembership',
            constraint=models.CheckConstraint(condition=models.Q(('role__in', ['owner', 'member'])), name='membership_role_valid'),
        ),
    ]
