from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0002_branch_tallies'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='activity',
            name='activity_kind',
        ),
        migrations.AddIndex(
            model_name='activity',
            index=models.Index(fields=['kind', 'on', 'unit_path', 'attendance_taken', 'participants'], name='activity_kind_counts'),
        ),
        migrations.AddIndex(
            model_name='duestally',
            index=models.Index(fields=['province', 'quarter', 'branch_path', 'joined', 'paid'], name='dues_tally_read'),
        ),
    ]
