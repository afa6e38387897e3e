"""`max_score` became nullable by an edit of 0001_initial in place, after the first release
had created it NOT NULL; databases of that release never received the change. Make the
column nullable wherever it is not (a no-op on databases created since)."""

from django.db import migrations


def allow_null_max_score(apps, schema_editor):
    model = apps.get_model("programmes", "ProgrammePage")
    table = model._meta.db_table
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, table)
    if next(c for c in columns if c.name == "max_score").null_ok:
        return
    if connection.vendor == "postgresql":
        schema_editor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "max_score" DROP NOT NULL')
    else:
        # SQLite alters a column by rebuilding the table from the model's current state.
        schema_editor._remake_table(model)


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]

    operations = [migrations.RunPython(allow_null_max_score, migrations.RunPython.noop)]
