"""Seed the synonym list with the abbreviations a reader of 党务公开 meets most.

Each group is stored one term per line (a term may contain 、 or ，)."""

from django.db import migrations

SEED = [
    (["纪委", "纪律检查委员会", "纪检委"], "纪律检查委员会的简称"),
    (["监委", "监察委员会"], "监察委员会的简称"),
    (
        [
            "三重一大",
            "重大事项决策、重要干部任免、重大项目安排和大额度资金使用",
            "重大事项决策、重要干部任免、重大项目安排和大额度资金的使用",
        ],
        "“三重一大”集体决策制度",
    ),
    (["三会一课", "支部党员大会、支部委员会、党小组会和党课"], "党支部组织生活基本制度"),
    (["两学一做", "学党章党规、学系列讲话，做合格党员"], "学习教育"),
    (["四风", "形式主义、官僚主义、享乐主义和奢靡之风"], "作风建设"),
    (["党代会", "党代表大会", "党的代表大会"], ""),
    (["政法委", "政法委员会"], ""),
    (["统战部", "统一战线工作部"], ""),
    (["区委办", "区委办公室"], ""),
    (["市委办", "市委办公室"], ""),
    (["两新组织", "新经济组织和新社会组织"], ""),
    (["党务公开", "党务信息公开"], ""),
]


def seed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for terms, note in SEED:
        text = "\n".join(terms)
        if not Synonym.objects.filter(terms=text).exists():
            Synonym.objects.create(terms=text, note=note)


def unseed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    Synonym.objects.filter(terms__in=["\n".join(terms) for terms, _ in SEED]).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
