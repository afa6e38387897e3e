"""Load fictitious demo content (marked 【示例】) and demo accounts; safe to run again."""

from django.core.management.base import BaseCommand, CommandError

from cms.demo.loader import PASSWORD, DemoDataError, load_demo, two_factor_secret


class Command(BaseCommand):
    help = "Create demo accounts and fictitious example content (marked 【示例】); idempotent."

    def handle(self, *args, **options):
        log = self.stdout.write if options["verbosity"] >= 2 else None
        try:
            result = load_demo(log=log)
        except DemoDataError as error:
            raise CommandError(f"demo data breaks a rule: {error}") from error
        self.stdout.write(f"Created {result.created} objects (0 means everything was there).")
        for name, count in result.counts.items():
            self.stdout.write(f"  {name}: {count}")
        self.stdout.write(f"Demo accounts (password: {PASSWORD}):")
        for username, full_name, roles in result.accounts:
            self.stdout.write(f"  {username:<11} {full_name}  {roles}")
        self.stdout.write(
            "Two-factor authentication (required for approver, approver2, supervisor): add the "
            f"key {two_factor_secret()} to an authenticator app (time-based, 6 digits), "
            "or run `make demo-code` for the current code."
        )
