"""Create or update award programmes from the JSON files in cms/programmes/data/."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cms.programmes.loading import ProgrammeDataError, load_programme

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


class Command(BaseCommand):
    help = "Load award programmes (rules with their articles) from JSON data files."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="JSON files; default: every file in data/")

    def handle(self, *files, **options):
        paths = [Path(f) for f in files] or sorted(DATA_DIR.glob("*.json"))
        with transaction.atomic():
            for path in paths:
                try:
                    data = json.loads(path.read_text(encoding="utf-8"))
                    page, created = load_programme(data)
                except (OSError, json.JSONDecodeError, ProgrammeDataError) as error:
                    raise CommandError(f"{path}: {error}") from error
                self.stdout.write(
                    f"{'created' if created else 'updated'} {page.slug}: {page.title}"
                )
