"""Needles for the public API: items no public surface may ever show, next to public ones."""

from __future__ import annotations

import datetime

import pytest

from disclosure_pages.models import DisclosureItemPage
from tests.builders import make_item, node_for

LK = "龙口市/市科技局党支部"
WJ = "韶关市/武江区/区委办"
NEEDLES = {
    "party": "接口针党内甲",
    "committee": "接口针委员乙",
    "draft": "接口针草稿丙",
    "revoked": "接口针撤销丁",
    "revoked_wj": "接口针撤销戊",
}


def json_text(response) -> str:
    return response.content.decode()


@pytest.fixture
def planted(db, user_named):
    """Public items in 龙口 and 武江, and one of each kind that must stay hidden, all with needles."""
    from disclosure_pages.actions import revoke_item

    public = make_item(LK, "1-1-1", title="接口公开的决策部署", scope="public", published=datetime.date(2026, 11, 20),
                       doc_number="龙科字〔2026〕9号")
    public_wj = make_item(WJ, "1-1-1", title="接口武江区委办公开事项", scope="public", published=datetime.date(2026, 11, 10))
    hidden = {
        "party": make_item(LK, "3-3-1", title=f"{NEEDLES['party']} 党费", body=f"<p>{NEEDLES['party']}</p>", scope="party",
                           published=datetime.date(2026, 11, 21)),
        "committee": make_item(LK, "1-2-2", title=f"{NEEDLES['committee']} 决策", body=f"<p>{NEEDLES['committee']}</p>",
                               scope="committee", published=datetime.date(2026, 11, 22)),
    }
    revoked = make_item(LK, "1-1-2", title=f"{NEEDLES['revoked']} 公开", scope="public", published=datetime.date(2026, 11, 23))
    revoked.unpublish()
    hidden["revoked"] = revoked
    revoked_wj = make_item(WJ, "1-1-1", title=f"{NEEDLES['revoked_wj']} 公开", scope="public", published=datetime.date(2026, 11, 24))
    revoke_item(revoked_wj, user=user_named("sg_supervisor"), reason="范围有误")
    hidden["revoked_wj"] = revoked_wj
    node = node_for(LK, "1-1-1")
    draft = DisclosureItemPage(title=f"{NEEDLES['draft']} 公开", slug="api-needle-draft", body=f"<p>{NEEDLES['draft']}</p>",
                               scope="public", live=False, period_type="year", year=2026)
    node.add_child(instance=draft)
    draft.save_revision()
    hidden["draft"] = draft
    return {"public": public, "public_wj": public_wj, "hidden": hidden}
