"""The current two-factor code of the demo accounts, for trying `make demo` without an
authenticator app. It knows only the demo key (cms.demo.loader.TWO_FACTOR_KEY)."""

from django.core.management.base import BaseCommand

from cms.demo.loader import two_factor_code


class Command(BaseCommand):
    help = "Print the current two-factor code of the demo accounts (approver, supervisor)."

    def handle(self, *args, **options):
        self.stdout.write(two_factor_code())
