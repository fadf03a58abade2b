# The workflow's tasks and task states moved to the review app (review 0001), tables and rows
# unchanged: removed from this app's state only.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("disclosure_pages", "0006_merge_20261202_1546"),
        ("review", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="LeaderApprovalTask"),
                migrations.DeleteModel(name="LeaderApprovalTaskState"),
                migrations.DeleteModel(name="ReviewTask"),
                migrations.DeleteModel(name="ReviewTaskState"),
            ],
            database_operations=[],
        ),
    ]
