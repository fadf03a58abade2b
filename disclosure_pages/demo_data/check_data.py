#!/usr/bin/env python3
"""Consistency checks for the demo data transcribed from the seed documents.

Stdlib only. Run from the project root:

    python3 disclosure_pages/demo_data/check_data.py

Exits non-zero (AssertionError) on the first problem; prints a summary otherwise.
"""
import datetime
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CATALOG_KEYS = ["shaoguan_standard", "longkou_kjj", "huinong_qw", "pingluo_bb"]
SCHEDULES = {"annual", "semiannual", "quarterly", "monthly", "immediate", "fixed", "staged"}
ROW_KEYS = ["code", "name", "content", "scope", "forms", "time_limit", "responsible_unit", "note", "schedule"]
REQUIRED_NONEMPTY = ["code", "name", "content", "scope", "forms", "time_limit", "schedule"]
TABLE_TYPES = {"leadership", "term_goals", "annual_plan", "party_dues", "member_development"}
SIGN_KEYS = {"leader", "tabulator", "supervision"}
TABLE_SCHEMAS = {
    "leadership": ({"fill_date", "rows"} | SIGN_KEYS, {"name", "position", "gender", "phone", "duties"}),
    "term_goals": ({"fill_date", "start_year", "end_year", "content"} | SIGN_KEYS, None),
    "annual_plan": ({"fill_date", "year", "content"} | SIGN_KEYS, None),
    "party_dues": ({"fill_date", "year", "half", "rows"} | SIGN_KEYS,
                   {"members", "paid", "remitted", "returned", "allocated", "usage"}),
    "member_development": ({"fill_date", "rows"} | SIGN_KEYS,
                           {"year", "name", "gender", "birth", "education", "joined", "sponsor", "department"}),
}
PERIOD_FORMS = [{"year"}, {"year", "half"}, {"year", "quarter"}, {"year", "month"}, {"event_date"}]
KIND_BY_SUFFIX = {"市": "市", "区": "区", "县": "县"}


def load(name):
    with open(HERE / name, encoding="utf-8") as fh:
        return json.load(fh)


def check_date(value, what):
    assert isinstance(value, str), what
    datetime.date.fromisoformat(value)  # raises on a malformed date
    return value


# ------------------------------------------------------------------ organisation
def walk_regions(regions, path=()):
    for region in regions:
        yield path + (region["name"],), region
        yield from walk_regions(region.get("regions", []), path + (region["name"],))


def check_organisation(org, catalogs):
    units = {}  # "a/b/unit" -> catalog key
    for path, region in walk_regions(org["regions"]):
        assert region["kind"] == KIND_BY_SUFFIX[region["name"][-1]], f"kind of {region['name']}"
        names = [u["name"] for u in region["units"]]
        assert len(names) == len(set(names)), f"duplicate unit name in {'/'.join(path)}"
        sub = [r["name"] for r in region.get("regions", [])]
        assert len(sub) == len(set(sub)), f"duplicate sub-region in {'/'.join(path)}"
        for u in region["units"]:
            assert u["name"].strip() == u["name"] and u["name"], f"bad unit name {u['name']!r}"
            assert u["catalog"] in catalogs, f"{u['name']}: unknown catalog {u['catalog']}"
            units["/".join(path + (u["name"],))] = u["catalog"]
    tops = [r["name"] for r in org["regions"]]
    assert len(tops) == len(set(tops)), "duplicate top-level region"

    shaoguan = next(r for r in org["regions"] if r["name"] == "韶关市")
    sg_regions = [r for _, r in walk_regions([shaoguan])]
    assert len(sg_regions) == 11, f"韶关市 should have 11 regions (itself + 10), got {len(sg_regions)}"
    assert len(shaoguan["units"]) == 9
    assert all(len(r["units"]) == 9 for r in sg_regions), "every 韶关 region has 9 units"
    sg_units = [k for k in units if k.startswith("韶关市/")]
    assert len(sg_units) == 99, f"韶关市 should have 99 units, got {len(sg_units)}"
    assert all(units[k] == "shaoguan_standard" for k in sg_units), "韶关 units must use shaoguan_standard"
    # spot checks on spellings that differ between regions
    by_name = {r["name"]: [u["name"] for u in r["units"]] for r in sg_regions}
    assert by_name["韶关市"][1] == "市纪委监察局"
    assert by_name["武江区"][1] == "区纪委（监察局）"
    assert by_name["浈江区"][1] == "区纪委(监察局)"
    assert by_name["浈江区"][2:4] == ["区委宣传部", "区委组织部"]
    assert by_name["武江区"][6] == by_name["曲江区"][6] == "区直属机关党委"
    assert by_name["浈江区"][6] == "区直属机关工委"
    return units


# ------------------------------------------------------------------ catalogues
def check_catalog(key, cat):
    assert cat["key"] == key, f"{key}: key field"
    assert cat.get("source") and cat.get("title"), f"{key}: source/title"
    codes = set()
    rows = []
    for top in cat["levels"]:
        assert re.fullmatch(r"\d+", top["code"]), f"{key}: bad 一级 code {top['code']}"
        assert top["name"] and "\n" not in top["name"], f"{key}: 一级 name {top['name']!r}"
        assert top["code"] not in codes, f"{key}: duplicate {top['code']}"
        codes.add(top["code"])
        assert top["children"], f"{key}: empty 一级 {top['code']}"
        for mid in top["children"]:
            assert re.fullmatch(r"\d+-\d+", mid["code"]), f"{key}: bad 二级 code {mid['code']}"
            assert mid["code"].split("-")[0] == top["code"], f"{key}: {mid['code']} not under {top['code']}"
            assert mid["name"] and "\n" not in mid["name"], f"{key}: 二级 name {mid['name']!r}"
            assert mid["code"] not in codes, f"{key}: duplicate {mid['code']}"
            codes.add(mid["code"])
            assert mid["children"], f"{key}: empty 二级 {mid['code']}"
            for row in mid["children"]:
                code = row["code"]
                assert re.fullmatch(r"\d+-\d+-\d+", code), f"{key}: bad 三级 code {code}"
                assert code.rsplit("-", 1)[0] == mid["code"], f"{key}: {code} not under {mid['code']}"
                assert code not in codes, f"{key}: duplicate {code}"
                codes.add(code)
                for k in ROW_KEYS:
                    assert k in row and isinstance(row[k], str), f"{key} {code}: missing/non-text {k}"
                for k in REQUIRED_NONEMPTY:
                    assert row[k].strip(), f"{key} {code}: empty {k}"
                assert row["schedule"] in SCHEDULES, f"{key} {code}: schedule {row['schedule']}"
                if key == "shaoguan_standard":
                    assert row.get("table") in TABLE_TYPES, f"{key} {code}: table"
                rows.append(row)
    return {r["code"]: r for r in rows}


def check_expectations(cats):
    sg, lk, hn, pl = (cats[k] for k in CATALOG_KEYS)
    assert list(sg) == ["1-1-1", "1-1-2", "1-1-3", "1-1-4", "1-1-5"]
    assert [sg[c]["schedule"] for c in sg] == ["annual"] * 3 + ["semiannual", "immediate"]
    assert [sg[c]["table"] for c in sg] == ["leadership", "term_goals", "annual_plan", "party_dues",
                                             "member_development"]
    # longkou: codes exactly as printed, with the source's own gaps
    assert "1-2-5" not in lk and "1-3-1" not in lk
    assert next(iter(lk)) == "1-1-1" and list(lk)[-1] == "8-7-3"
    assert lk["1-2-2"]["scope"] == "党支部委员\n第二纪检组"
    assert lk["3-1-1"]["forms"] == "会议、文件、网站、新闻媒" and lk["5-3-1"]["forms"] == "会议、文件、"
    tmap = {"即时": "immediate", "定期": "semiannual", "固定": "fixed", "逐段": "staged"}
    assert all(r["schedule"] == tmap[r["time_limit"]] for r in lk.values())
    assert all(r["name"] == r["content"] for r in lk.values())
    # huinong
    assert hn["1-2-4"]["time_limit"] == "分阶段分开" and hn["1-2-4"]["schedule"] == "staged"
    assert all(r["responsible_unit"] for r in hn.values()), "every 惠农 row has a 责任单位"
    assert all("  " not in r["responsible_unit"] for r in hn.values())
    # pingluo
    assert all(r["name"] == r["content"] for r in pl.values())
    assert all(" " not in r["forms"] and "\n" not in r["forms"] for r in pl.values())


# ------------------------------------------------------------------ demo items
def check_table(table, where):
    ttype, value = table["type"], table["value"]
    assert ttype in TABLE_SCHEMAS, f"{where}: table type {ttype}"
    keys, row_keys = TABLE_SCHEMAS[ttype]
    assert set(value) == keys, f"{where}: {ttype} keys {sorted(set(value) ^ keys)}"
    check_date(value["fill_date"], where)
    if row_keys:
        for row in value["rows"]:
            assert set(row) == row_keys, f"{where}: {ttype} row keys {sorted(set(row) ^ row_keys)}"
            if "gender" in row:
                assert row["gender"] in ("男", "女"), f"{where}: gender"
    if ttype == "party_dues":
        assert value["half"] in ("上", "下")
        for row in value["rows"]:
            assert isinstance(row["members"], int)
            for k in ("paid", "remitted", "returned", "allocated"):
                assert re.fullmatch(r"\d+\.\d{2}", row[k]), f"{where}: amount {k}={row[k]}"
    if ttype == "member_development":
        for row in value["rows"]:
            assert isinstance(row["year"], int) and re.fullmatch(r"\d{4}-\d{2}", row["birth"])
            check_date(row["joined"], where)
    if ttype == "term_goals":
        assert isinstance(value["start_year"], int) and value["start_year"] <= value["end_year"]
    if ttype == "annual_plan":
        assert isinstance(value["year"], int)


def check_period(period, where):
    assert set(period) in PERIOD_FORMS, f"{where}: period {period}"
    if "event_date" in period:
        check_date(period["event_date"], where)
    else:
        assert isinstance(period["year"], int)
        assert period.get("half", 1) in (1, 2)
        assert period.get("quarter", 1) in (1, 2, 3, 4)
        assert 1 <= period.get("month", 1) <= 12


def check_items(demo, units, cats):
    templates = demo["standard_templates"]
    sg = cats["shaoguan_standard"]
    assert set(templates) == set(sg), "a template list for every standard code"
    n_templates = 0
    for code, tlist in templates.items():
        assert isinstance(tlist, list) and tlist, code
        for i, t in enumerate(tlist):
            where = f"template {code}[{i}]"
            assert "{unit}" in t["title"], f"{where}: title needs {{unit}}"
            for k in ("title", "body"):
                # the demo loader substitutes only {unit} and {region}
                left = set(re.findall(r"\{[^{}]*\}", t[k])) - {"{unit}", "{region}"}
                assert not left, f"{where}: unrendered placeholders {left} in {k}"
            assert t["body"].startswith("<p>"), where
            check_date(t["published_at"], where)
            check_period(t["period"], where)
            assert t["tables"] and all(tb["type"] == sg[code]["table"] for tb in t["tables"]), where
            for tb in t["tables"]:
                check_table(tb, where)
            n_templates += 1
    assert len(templates["1-1-4"]) == 2 and len(templates["1-1-5"]) == 2

    public, internal = 0, 0
    for i, item in enumerate(demo["items"]):
        where = f"item {i} ({item.get('unit')} {item.get('catalog_code')})"
        assert item["unit"] in units, f"{where}: unknown unit"
        cat = cats[units[item["unit"]]]
        assert item["catalog_code"] in cat, f"{where}: unknown code in {units[item['unit']]}"
        assert item["title"].strip() and item["body"].startswith("<p>"), where
        assert not re.search(r"\{[^{}]*\}", item["title"] + item["body"]), f"{where}: placeholder in item"
        check_date(item["published_at"], where)
        check_period(item["period"], where)
        if "event_date" in item["period"]:
            assert item["period"]["event_date"] <= item["published_at"], f"{where}: published before event"
        for tb in item.get("tables", []):
            check_table(tb, where)
        if item.get("scope", "社会") == "社会":
            assert "社会" in cat[item["catalog_code"]]["scope"], f"{where}: public item under internal node"
            public += 1
        else:
            internal += 1
    return n_templates, public, internal


def main():
    catalogs = {k: load(f"catalog_{k}.json") for k in CATALOG_KEYS}
    org = load("organisation.json")
    demo = load("demo_items.json")
    cats = {k: check_catalog(k, c) for k, c in catalogs.items()}
    check_expectations(cats)
    units = check_organisation(org, catalogs)
    n_templates, public, internal = check_items(demo, units, cats)

    print(f"units: {len(units)} ({sum(1 for u in units if u.startswith('韶关市/'))} under 韶关市)")
    for k in CATALOG_KEYS:
        c = catalogs[k]
        n2 = sum(len(t["children"]) for t in c["levels"])
        print(f"catalog {k}: {len(c['levels'])} 一级, {n2} 二级, {len(cats[k])} 三级 rows")
    print(f"demo: {n_templates} standard templates, {len(demo['items'])} items "
          f"({public} public, {internal} internal)")
    print("OK")


if __name__ == "__main__":
    sys.exit(main())
