# The opinions are stored once, on the approval form: the task states lose their copies and
# point at the version of the form their decision wrote (form_version). What only the review
# task state held (报主要负责人审批, the pre-screen's findings) moves to the open form of the
# round in progress; decided rounds keep every opinion in their task state's comment (which
# Wagtail shows) and in the form's history.

from django.db import migrations, models


def copy_to_open_forms(apps, schema_editor):
    ApprovalForm = apps.get_model("review", "ApprovalForm")
    ReviewTaskState = apps.get_model("review", "ReviewTaskState")
    for form in ApprovalForm.objects.filter(state="open"):
        review = (
            ReviewTaskState.objects.filter(
                workflow_state__object_id=str(form.item_id), status="approved", finished_at__gte=form.submitted_at
            )
            .order_by("-finished_at", "-pk")
            .first()
            if form.submitted_at
            else None
        )
        if review is not None:
            form.leader_requested = review.leader_requested
            form.prescreen_findings = review.prescreen_findings
            form.save(update_fields=["leader_requested", "prescreen_findings"])


class Migration(migrations.Migration):

    dependencies = [
        ("review", "0002_content_types_moved"),
    ]

    operations = [
        migrations.AddField(
            model_name="approvalform",
            name="leader_requested",
            field=models.BooleanField(default=False, verbose_name="报主要负责人审批"),
        ),
        migrations.AddField(
            model_name="approvalform",
            name="prescreen_findings",
            field=models.JSONField(blank=True, default=list, verbose_name="自动预审提示"),
        ),
        migrations.AddField(
            model_name="historicalapprovalform",
            name="leader_requested",
            field=models.BooleanField(default=False, verbose_name="报主要负责人审批"),
        ),
        migrations.AddField(
            model_name="historicalapprovalform",
            name="prescreen_findings",
            field=models.JSONField(blank=True, default=list, verbose_name="自动预审提示"),
        ),
        migrations.AddField(
            model_name="leaderapprovaltaskstate",
            name="form_version",
            field=models.PositiveBigIntegerField(blank=True, editable=False, null=True, verbose_name="审批表版本"),
        ),
        migrations.AddField(
            model_name="reviewtaskstate",
            name="form_version",
            field=models.PositiveBigIntegerField(blank=True, editable=False, null=True, verbose_name="审批表版本"),
        ),
        migrations.RunPython(copy_to_open_forms, migrations.RunPython.noop),
        migrations.RemoveField(model_name="leaderapprovaltaskstate", name="opinion"),
        migrations.RemoveField(model_name="leaderapprovaltaskstate", name="reason"),
        migrations.RemoveField(model_name="reviewtaskstate", name="disclose_opinion"),
        migrations.RemoveField(model_name="reviewtaskstate", name="disclose_reason"),
        migrations.RemoveField(model_name="reviewtaskstate", name="leader_requested"),
        migrations.RemoveField(model_name="reviewtaskstate", name="prescreen_confirmed"),
        migrations.RemoveField(model_name="reviewtaskstate", name="prescreen_findings"),
        migrations.RemoveField(model_name="reviewtaskstate", name="prescreen_reason"),
        migrations.RemoveField(model_name="reviewtaskstate", name="secrecy_opinion"),
        migrations.RemoveField(model_name="reviewtaskstate", name="secrecy_reason"),
    ]
