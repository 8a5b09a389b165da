import django.db.models.deletion
from django.db import migrations, models


def build(apps, schema_editor):
    """The tallies of every province that has members (see hoiso.activities.tally)."""
    from hoiso.activities.tally import rebuild

    Unit = apps.get_model("units", "Unit")
    for province in Unit.objects.filter(level=1):
        rebuild(province, apps=apps)


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0001_initial'),
        ('members', '0006_member_tally'),
        ('units', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='TallyState',
            fields=[
                ('province', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='branch_tally', serialize=False, to='units.unit')),
                ('members_version', models.BigIntegerField(default=-1)),
                ('first_month', models.DateField()),
            ],
        ),
        migrations.CreateModel(
            name='DuesTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('branch_path', models.CharField(max_length=255)),
                ('quarter', models.DateField()),
                ('joined', models.DateField()),
                ('paid', models.IntegerField(default=0)),
                ('province', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='units.unit')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('province', 'quarter', 'branch_path', 'joined'), name='dues_tally_key')],
            },
        ),
        migrations.CreateModel(
            name='RollTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('branch_path', models.CharField(max_length=255)),
                ('joined', models.DateField()),
                ('active', models.IntegerField(default=0)),
                ('carded', models.IntegerField(default=0)),
                ('province', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='units.unit')),
            ],
            options={
                'indexes': [models.Index(fields=['province', 'branch_path', 'joined', 'active', 'carded'], name='roll_read')],
            },
        ),
        migrations.RunPython(build, migrations.RunPython.noop),
    ]
