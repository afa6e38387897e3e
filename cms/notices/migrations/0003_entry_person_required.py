# Every individual row has a person now (decisions/0002): require it.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notices', '0002_entry_person_and_bonus'),
        ('decisions', '0002_awards_to_people_not_names'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='publicityentry',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('category', 'individual'), ('person__isnull', False)), models.Q(('category', 'organisation'), ('person__isnull', True)), _connector='OR'), name='notices_publicityentry_person_iff_individual', violation_error_message='个人须选择人员记录；组织以统一社会信用代码识别，不选择个人。'),
        ),
    ]
