# The workflow's tasks and task states (from disclosure_pages) and the approval form with its
# history (from archive) move to this app. Their tables keep their names: state only, no data
# is copied. The old apps delete them from their state in disclosure_pages 0007 / archive 0006.

import datetime
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('archive', '0005_merge_20261202_1555'),
        ('disclosure_pages', '0006_merge_20261202_1546'),
        ('wagtailcore', '0098_apitoken'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ReviewTask',
                    fields=[
                        ('task_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to='wagtailcore.task')),
                    ],
                    options={
                        'verbose_name': '党务公开审核（分管负责人）',
                        'verbose_name_plural': '党务公开审核（分管负责人）',
                        'constraints': [],
                        'db_table': 'disclosure_pages_reviewtask',
                    },
                    bases=('wagtailcore.task',),
                ),
                migrations.CreateModel(
                    name='ReviewTaskState',
                    fields=[
                        ('taskstate_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to='wagtailcore.taskstate')),
                        ('disclose_opinion', models.CharField(blank=True, choices=[('agree', '同意'), ('disagree', '不同意')], max_length=10, verbose_name='公开意见')),
                        ('disclose_reason', models.TextField(blank=True, verbose_name='公开意见理由')),
                        ('secrecy_opinion', models.CharField(blank=True, choices=[('pass', '通过'), ('fail', '不通过'), ('declassify', '需脱密处理')], max_length=12, verbose_name='保密审核')),
                        ('secrecy_reason', models.TextField(blank=True, verbose_name='保密审核理由')),
                        ('leader_requested', models.BooleanField(default=False, verbose_name='报主要负责人审批')),
                        ('prescreen_findings', models.JSONField(blank=True, default=list, verbose_name='自动预审提示')),
                        ('prescreen_confirmed', models.BooleanField(default=False, verbose_name='已核实自动预审提示')),
                        ('prescreen_reason', models.TextField(blank=True, verbose_name='核实说明')),
                    ],
                    options={
                        'verbose_name': '审核记录',
                        'verbose_name_plural': '审核记录',
                        'constraints': [],
                        'db_table': 'disclosure_pages_reviewtaskstate',
                    },
                    bases=('wagtailcore.taskstate',),
                ),
                migrations.CreateModel(
                    name='LeaderApprovalTask',
                    fields=[
                        ('task_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to='wagtailcore.task')),
                    ],
                    options={
                        'verbose_name': '党务公开审批（主要负责人）',
                        'verbose_name_plural': '党务公开审批（主要负责人）',
                        'constraints': [],
                        'db_table': 'disclosure_pages_leaderapprovaltask',
                    },
                    bases=('wagtailcore.task',),
                ),
                migrations.CreateModel(
                    name='LeaderApprovalTaskState',
                    fields=[
                        ('taskstate_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to='wagtailcore.taskstate')),
                        ('opinion', models.CharField(blank=True, choices=[('agree', '同意'), ('disagree', '不同意')], max_length=10, verbose_name='主要领导意见')),
                        ('reason', models.TextField(blank=True, verbose_name='理由')),
                    ],
                    options={
                        'verbose_name': '审批记录',
                        'verbose_name_plural': '审批记录',
                        'constraints': [],
                        'db_table': 'disclosure_pages_leaderapprovaltaskstate',
                    },
                    bases=('wagtailcore.taskstate',),
                ),
                migrations.CreateModel(
                    name='ApprovalForm',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('state', models.CharField(choices=[('open', '填写中'), ('used', '已用于发布')], default='open', max_length=8, verbose_name='状态')),
                        ('used_at', models.DateTimeField(blank=True, null=True, verbose_name='发布时间')),
                        ('department', models.CharField(blank=True, max_length=255, verbose_name='部门')),
                        ('filled_on', models.DateField(default=datetime.date.today, verbose_name='填表日期')),
                        ('content', models.TextField(blank=True, verbose_name='公开内容')),
                        ('disclosure_time', models.CharField(blank=True, max_length=100, verbose_name='公开时间')),
                        ('requirement', models.CharField(blank=True, choices=[('long_term', '长期公开'), ('regular', '定期公开'), ('staged', '分阶段公开'), ('anytime', '随时公开')], help_text='长期、定期、分阶段或随时公开。', max_length=12, verbose_name='公开要求')),
                        ('method', models.CharField(blank=True, choices=[('party', '党内公开'), ('society', '社会公开'), ('routine', '例行公开')], help_text='党内、社会或例行公开。', max_length=12, verbose_name='公开方式')),
                        ('scope_text', models.CharField(blank=True, max_length=255, verbose_name='公开范围')),
                        ('platforms', models.JSONField(blank=True, default=list, verbose_name='公开平台')),
                        ('new_media_text', models.CharField(blank=True, max_length=100, verbose_name='新媒体（名称）')),
                        ('platform_other', models.CharField(blank=True, max_length=255, verbose_name='其他平台')),
                        ('disclose_opinion', models.CharField(blank=True, choices=[('agree', '同意'), ('disagree', '不同意')], max_length=10, verbose_name='公开意见')),
                        ('disclose_reason', models.TextField(blank=True, verbose_name='公开意见理由')),
                        ('secrecy_opinion', models.CharField(blank=True, choices=[('pass', '通过'), ('fail', '不通过'), ('declassify', '需脱密处理')], max_length=12, verbose_name='保密审核')),
                        ('secrecy_reason', models.TextField(blank=True, verbose_name='保密审核理由')),
                        ('prescreen_confirmed', models.BooleanField(default=False, help_text='自动预审发现疑似涉密或个人信息时，审核人确认后仍予公开。', verbose_name='确认自动预审提示')),
                        ('prescreen_reason', models.TextField(blank=True, verbose_name='确认理由')),
                        ('reviewer_opinion', models.TextField(blank=True, verbose_name='分管领导意见')),
                        ('reviewed_on', models.DateField(blank=True, null=True, verbose_name='分管领导签署日期')),
                        ('leader_decision', models.CharField(blank=True, choices=[('agree', '同意'), ('disagree', '不同意')], max_length=10, verbose_name='主要领导审批')),
                        ('leader_opinion', models.TextField(blank=True, verbose_name='主要领导意见')),
                        ('leader_on', models.DateField(blank=True, null=True, verbose_name='主要领导签署日期')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('filled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='填表人')),
                        ('item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='approval_forms', to='disclosure_pages.disclosureitempage', verbose_name='公开事项')),
                        ('leader', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='主要领导')),
                        ('reviewer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='分管领导')),
                        ('revision', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailcore.revision', verbose_name='发布的版本')),
                        ('leader_at', models.DateTimeField(blank=True, null=True, verbose_name='审批时间')),
                        ('proposer_disclose_opinion', models.CharField(blank=True, choices=[('agree', '同意'), ('disagree', '不同意')], max_length=10, verbose_name='初步公开意见')),
                        ('proposer_disclose_reason', models.TextField(blank=True, verbose_name='初步公开意见理由')),
                        ('proposer_secrecy_opinion', models.CharField(blank=True, choices=[('pass', '通过'), ('fail', '不通过'), ('declassify', '需脱密处理')], max_length=12, verbose_name='初步保密意见')),
                        ('proposer_secrecy_reason', models.TextField(blank=True, verbose_name='初步保密意见理由')),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='审核时间')),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='提交时间')),
                    ],
                    options={
                        'verbose_name': '党务公开事项审批表',
                        'verbose_name_plural': '党务公开事项审批表',
                        'ordering': ['-created_at', '-pk'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('state', 'open')), fields=('item',), name='one_open_approval_form_per_item')],
                        'db_table': 'archive_approvalform',
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalApprovalForm',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('state', models.CharField(choices=[('open', '填写中'), ('used', '已用于发布')], default='open', max_length=8, verbose_name='状态')),
                        ('used_at', models.DateTimeField(blank=True, null=True, verbose_name='发布时间')),
                        ('department', models.CharField(blank=True, max_length=255, verbose_name='部门')),
                        ('filled_on', models.DateField(default=datetime.date.today, verbose_name='填表日期')),
                        ('content', models.TextField(blank=True, verbose_name='公开内容')),
                        ('disclosure_time', models.CharField(blank=True, max_length=100, verbose_name='公开时间')),
                        ('requirement', models.CharField(blank=True, choices=[('long_term', '长期公开'), ('regular', '定期公开'), ('staged', '分阶段公开'), ('anytime', '随时公开')], help_text='长期、定期、分阶段或随时公开。', max_length=12, verbose_name='公开要求')),
                        ('method', models.CharField(blank=True, choices=[('party', '党内公开'), ('society', '社会公开'), ('routine', '例行公开')], help_text='党内、社会或例行公开。', max_length=12, verbose_name='公开方式')),
                        ('scope_text', models.CharField(blank=True, max_length=255, verbose_name='公开范围')),
                        ('platforms', models.JSONField(blank=True, default=list, verbose_name='公开平台')),
                        ('new_media_text', models.CharField(blank=True, max_length=100, verbose_name='新媒体（名称）')),
                        ('platform_other', models.CharField(blank=True, max_length=255, verbose_name='其他平台')),
                        ('disclose_opinion', models.CharField(blank=True, choices=[('agree', '同意'), ('disagree', '不同意')], max_length=10, verbose_name='公开意见')),
                        ('disclose_reason', models.TextField(blank=True, verbose_name='公开意见理由')),
                        ('secrecy_opinion', models.CharField(blank=True, choices=[('pass', '通过'), ('fail', '不通过'), ('declassify', '需脱密处理')], max_length=12, verbose_name='保密审核')),
                        ('secrecy_reason', models.TextField(blank=True, verbose_name='保密审核理由')),
                        ('prescreen_confirmed', models.BooleanField(default=False, help_text='自动预审发现疑似涉密或个人信息时，审核人确认后仍予公开。', verbose_name='确认自动预审提示')),
                        ('prescreen_reason', models.TextField(blank=True, verbose_name='确认理由')),
                        ('reviewer_opinion', models.TextField(blank=True, verbose_name='分管领导意见')),
                        ('reviewed_on', models.DateField(blank=True, null=True, verbose_name='分管领导签署日期')),
                        ('leader_decision', models.CharField(blank=True, choices=[('agree', '同意'), ('disagree', '不同意')], max_length=10, verbose_name='主要领导审批')),
                        ('leader_opinion', models.TextField(blank=True, verbose_name='主要领导意见')),
                        ('leader_on', models.DateField(blank=True, null=True, verbose_name='主要领导签署日期')),
                        ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='更新时间')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('filled_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='填表人')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('item', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='disclosure_pages.disclosureitempage', verbose_name='公开事项')),
                        ('leader', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='主要领导')),
                        ('reviewer', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='分管领导')),
                        ('revision', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='wagtailcore.revision', verbose_name='发布的版本')),
                        ('leader_at', models.DateTimeField(blank=True, null=True, verbose_name='审批时间')),
                        ('proposer_disclose_opinion', models.CharField(blank=True, choices=[('agree', '同意'), ('disagree', '不同意')], max_length=10, verbose_name='初步公开意见')),
                        ('proposer_disclose_reason', models.TextField(blank=True, verbose_name='初步公开意见理由')),
                        ('proposer_secrecy_opinion', models.CharField(blank=True, choices=[('pass', '通过'), ('fail', '不通过'), ('declassify', '需脱密处理')], max_length=12, verbose_name='初步保密意见')),
                        ('proposer_secrecy_reason', models.TextField(blank=True, verbose_name='初步保密意见理由')),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='审核时间')),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='提交时间')),
                    ],
                    options={
                        'verbose_name': '审批表变更记录',
                        'verbose_name_plural': 'historical 党务公开事项审批表',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                        'constraints': [],
                        'db_table': 'archive_historicalapprovalform',
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
            ],
        ),
    ]
