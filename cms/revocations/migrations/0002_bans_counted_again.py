# The ban a revocation imposes, counted again by docs/adr/0021-periods-counted-in-years.md:
# a ban in years ends on the anniversary of the revocation (民法典 第二百零一、二百零二条),
# no longer the day before it; a ban in editions covers whole cycles from 1 January of
# the revocation year, no longer aligned on whichever edition page the CMS held first.

from datetime import date

from django.db import migrations

STEP = 4


def years_after(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def count_bans_again(apps, schema_editor):
    Revocation = apps.get_model("revocations", "RevocationPage")
    Programme = apps.get_model("programmes", "ProgrammePage")
    programmes = {p.path: p for p in Programme.objects.all()}
    for revocation in Revocation.objects.prefetch_related("grounds"):
        if revocation.barred_until is None:
            continue  # its grounds carry no ban
        programme = next(
            (
                programmes[revocation.path[:end]]
                for end in range(len(revocation.path) - STEP, 0, -STEP)
                if revocation.path[:end] in programmes
            ),
            None,
        )
        if programme is None:
            continue
        signed = revocation.date_signed
        if programme.revocation_ban_years:
            until = years_after(signed, programme.revocation_ban_years)
        elif programme.revocation_ban_editions:
            years = programme.revocation_ban_editions * programme.cycle_years
            until = date(signed.year + years - 1, 12, 31)
        else:
            continue
        if until != revocation.barred_until:
            revocation.barred_until = until
            revocation.save(update_fields=["barred_until"])


class Migration(migrations.Migration):

    dependencies = [
        ("revocations", "0001_initial"),
        ("programmes", "0003_talent_bonus_outside_the_maximum"),
    ]

    operations = [migrations.RunPython(count_bans_again, migrations.RunPython.noop)]
