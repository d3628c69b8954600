"""Give the demo seeker the skill profile and resume in fixtures/demo.toml."""

import tomllib
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from careerboard.models import Skill, User
from jobs.management.commands.load_demo import DEMO_FILE
from profiles.models import Profile, ProfileSkill
from profiles.services import profile_resume_set


class Command(BaseCommand):
    help = (
        "Create the demo seeker's profile, skills (each with a level and years) and resume from "
        "the [seeker] table of fixtures/demo.toml. Run load_seeds and load_demo first. A profile "
        "that already exists is left as it is, so a demo user's own edits survive."
    )

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=DEMO_FILE)

    def handle(self, *args, path, verbosity, **options):
        with path.open("rb") as handle:
            entry = tomllib.load(handle).get("seeker")
        if not entry:
            raise CommandError(f"{path} has no [seeker] table.")
        user = User.objects.filter(username=entry["username"]).first()
        if user is None:
            raise CommandError(f"No user {entry['username']!r}: run load_demo first.")
        chosen = entry.get("skills", {})
        skills = Skill.objects.in_bulk(list(chosen), field_name="seed_key")
        if unknown := sorted(set(chosen) - set(skills)):
            raise CommandError(f"Unknown skill keys {unknown}: run load_seeds first.")
        fields = ("headline", "location", "years_experience", "desired_roles", "visibility")
        with transaction.atomic():
            profile, created = Profile.objects.get_or_create(
                user=user,
                defaults={
                    **{name: entry[name] for name in fields if name in entry},
                    "workplaces": entry.get("workplaces", []),
                    "employment_types": entry.get("employment_types", []),
                },
            )
            if created:
                ProfileSkill.objects.bulk_create(
                    ProfileSkill(
                        profile=profile, skill=skills[key], level=row["level"], years=row["years"]
                    )
                    for key, row in chosen.items()
                )
                if "resume" in entry:
                    # So that the jobs taking applications here take one at the first login.
                    with (path.parent / entry["resume"]).open("rb") as resume:
                        profile_resume_set(profile=profile, upload=File(resume))
        if verbosity >= 1:
            done = f"created with {len(chosen)} skills" if created else "already there, left as is"
            self.stdout.write(self.style.SUCCESS(f"Profile of {user.username}: {done}."))
