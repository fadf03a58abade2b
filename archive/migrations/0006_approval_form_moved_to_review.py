# The approval form (and its history) moved to the review app (review 0001), tables and rows
# unchanged: the records' link now names review.ApprovalForm, and the form leaves this app's
# state only.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("archive", "0005_merge_20261202_1555"),
        ("review", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="archiverecord",
                    name="approval_form",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="review.approvalform",
                        verbose_name="审批表",
                    ),
                ),
                migrations.DeleteModel(name="HistoricalApprovalForm"),
                migrations.DeleteModel(name="ApprovalForm"),
            ],
            database_operations=[],
        ),
    ]
