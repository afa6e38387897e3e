"""Remove a staff member's authenticator and backup codes (a lost phone). An approver or a
member of the supervision group enrols again at the next sign-in, before anything else."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cms.security import twofactor


class Command(BaseCommand):
    help = "Remove a user's two-factor devices (authenticator and backup codes)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        twofactor.remove(user)
        self.stdout.write(
            f"Removed the two-factor devices of {username}; "
            + (
                "they must enrol again at their next sign-in."
                if twofactor.is_required_for(user)
                else "they sign in with the password alone until they enrol again."
            )
        )
