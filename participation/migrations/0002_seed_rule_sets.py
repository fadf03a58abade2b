"""The two rule sets every installation starts with (editable in the admin afterwards)."""

from django.db import migrations

RULE_SETS = [
    {
        "name": "党务公开依申请公开（种子文件001）",
        "basis": "种子文件001：凡党员、群众要求实行点题式公开并按规定可以公开的事项，在5日内受理申请，15日内以适当形式公开。",
        "accept_days": 5,
        "accept_working_days": False,
        "answer_days": 15,
        "answer_working_days": False,
        "answer_from": "accepted",
        "max_extension_days": 0,
        "roll_forward": True,
        "is_default": True,
    },
    {
        "name": "政府信息公开条例",
        "basis": "《中华人民共和国政府信息公开条例》第三十三条：自收到申请之日起20个工作日内予以答复；需要延长答复期限的，"
        "经负责人同意并告知申请人，延长的期限最长不得超过20个工作日。征求第三方意见所需时间不计算在内。",
        "accept_days": 20,
        "accept_working_days": True,
        "answer_days": 20,
        "answer_working_days": True,
        "answer_from": "submitted",
        "max_extension_days": 20,
        "roll_forward": True,
        "is_default": False,
    },
]


def seed(apps, schema_editor):
    RuleSet = apps.get_model("participation", "RuleSet")
    for values in RULE_SETS:
        RuleSet.objects.get_or_create(name=values["name"], defaults=values)


class Migration(migrations.Migration):
    dependencies = [("participation", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
