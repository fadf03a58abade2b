"""Benchmark of the archive's PDFs: one approval form, and a volume of N records (PDF 目录 + BagIt ZIP).

Runs on a throwaway database (never var/db.sqlite3), prepared on first use with
`migrate` + `load_demo --no-items`:

    .venv/bin/python bench/archive_pdf.py                       # 1,000 records, /tmp/bench-archive.sqlite3
    .venv/bin/python bench/archive_pdf.py --records 200 --db /tmp/other.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_archive .venv/bin/python bench/archive_pdf.py

Reports: the time to render one approval form PDF (the first after the worker's start-up warm-up,
archive.pdf.warm_up, or truly cold with --no-warm-up; then the median of the rest), the time to
file N publications (approval form + archive record each), and the volume export: records laid out,
approval_form.pdf per record, 归档文件目录.pdf, BagIt manifests, validation and ZIP, with sizes.
Records' PDFs are rendered once (archive.services.render_records: at filing in the background task,
else at the first export), so the volume is exported twice: the first export renders whatever was
never rendered, the second reads only stored PDFs. Use VAR_DIR=/tmp/… to keep the archive store and
the signing key of the run out of var/.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

UNIT = "韶关市/武江区/区委办"


def setup(db: str) -> None:
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    if "var/db.sqlite3" in os.environ["DATABASE_URL"]:
        sys.exit("拒绝在开发数据库上运行基准测试：请用 --db 或 DATABASE_URL 指定一次性数据库。")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    from disclosure_pages.models import UnitPage

    call_command("migrate", verbosity=0)
    if not UnitPage.objects.exists():
        print("准备数据库：load_demo --no-items ……", flush=True)
        call_command("load_demo", "--no-items", verbosity=0)


def make_records(n: int, year: int) -> float:
    """Publish n items of the bench unit with completed approval forms (each publication files a record);
    returns seconds per publication, from the review to the filed record."""
    import datetime
    from zoneinfo import ZoneInfo

    from django.contrib.auth import get_user_model
    from django.db import transaction

    from archive.selectors import records_for_unit_year
    from archive.services import (
        approval_form_record_leader,
        approval_form_record_review,
    )
    from disclosure_pages.selectors import catalog_nodes_by_code, find_unit
    from disclosure_pages.services import item_create_published

    unit = find_unit(UNIT)
    have = records_for_unit_year(unit, year).count()
    if have >= n:
        print(f"已有 {have} 条 {year} 年度记录，跳过生成。")
        return 0.0
    users = get_user_model().objects
    reviewer, leader = users.get(username="wj_reviewer"), users.get(username="wj_leader")
    nodes = [node for node in catalog_nodes_by_code(unit).values() if node.level == 3]
    shanghai = ZoneInfo("Asia/Shanghai")
    started = time.perf_counter()
    filing = 0.0
    for index in range(have, n):
        node = nodes[index % len(nodes)]
        with transaction.atomic():
            item = item_create_published(
                node=node,
                title=f"{year}年第{index + 1}号党务公开事项：{node.title}"[:120],
                body="<p>" + "按照党务公开目录要求，现将有关情况公开如下。" * 8 + "</p>",
                # Publishing below stamps the record with the moment of publication (this year).
                published_at=datetime.datetime(year, 1, 1, 9, 30, tzinfo=shanghai),
                imported=False,
            )
            item.disclosure_time = f"{year}年{1 + index % 12}月"
            item.requirement = "regular"
            item.method = "party"
            item.platforms = "会议、文件、互联网"
            tick = time.perf_counter()
            approval_form_record_review(
                item=item,
                user=reviewer,
                disclose_opinion="agree",
                disclose_reason="属于公开目录规定内容",
                secrecy_opinion="pass",
                secrecy_reason="不涉及国家秘密和个人隐私",
            )
            approval_form_record_leader(item=item, user=leader, opinion="agree", reason="同意公开")
            # Publishing files the record (the page_published handler), as the workflow does.
            item.save_revision(user=reviewer).publish(user=None)
            filing += time.perf_counter() - tick
        if (index + 1) % 100 == 0:
            print(f"  已生成 {index + 1}/{n} 条记录（{time.perf_counter() - started:.0f} 秒）", flush=True)
    return filing / max(n - have, 1)


def cpu_seconds() -> float:
    """CPU time of this process and its finished workers: on a shared machine wall time alone misleads."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bench_form(runs: int, warm_up: bool = True) -> tuple[float, float]:
    from archive.models import ApprovalForm
    from archive.pdf import approval_form_pdf

    form = ApprovalForm.objects.filter(reviewer__isnull=False).select_related("item").first()
    if warm_up:
        # What a web worker does when it starts (cms/wsgi.py): the first form after it is the "cold" one.
        from archive.pdf import warm_up as pdf_warm_up

        tick, cpu = time.perf_counter(), cpu_seconds()
        pdf_warm_up()
        print(f"工作进程启动预热：{time.perf_counter() - tick:.2f} 秒（CPU {cpu_seconds() - cpu:.2f} 秒）")
    times, cpu_times = [], []
    cpu = cpu_seconds()
    for _ in range(runs):
        tick, cpu_tick = time.perf_counter(), cpu_seconds()
        data = approval_form_pdf(form)
        times.append(time.perf_counter() - tick)
        cpu_times.append(cpu_seconds() - cpu_tick)
    print(
        f"一张审批表 PDF：{len(data) / 1024:.0f} KB，CPU 平均 {(cpu_seconds() - cpu) / runs:.2f} 秒/张"
        f"（首张 CPU {cpu_times[0]:.2f} 秒，之后中位数 {statistics.median(cpu_times[1:] or cpu_times):.2f} 秒）"
    )
    return times[0], statistics.median(times[1:] or times)


def bench_volume(year: int, rounds: int = 2) -> None:
    from archive.pdf import pdf_workers, volume_catalogue_pdf
    from archive.selectors import records_for_unit_year
    from disclosure_pages.selectors import find_unit

    unit = find_unit(UNIT)
    records = list(records_for_unit_year(unit, year))
    tick, cpu = time.perf_counter(), cpu_seconds()
    catalogue = volume_catalogue_pdf(unit_path=unit.unit_path, year=year, records=records)
    print(
        f"归档文件目录 PDF（{len(records)} 行）：{time.perf_counter() - tick:.1f} 秒（CPU {cpu_seconds() - cpu:.1f} 秒），"
        f"{len(catalogue) / 1024:.0f} KB"
    )
    print(f"排版进程数：{pdf_workers()}（CPU {os.cpu_count()} 个，当前负载 {os.getloadavg()[0]:.1f}）")
    for round_number in range(1, rounds + 1):
        print(f"第 {round_number} 次导出：", flush=True)
        _export_once(unit, year)


def _export_once(unit, year: int) -> None:
    from archive.volumes import export_volume, validate_zip

    with tempfile.TemporaryDirectory(prefix="bench-volume-") as tmp:
        last = [0.0]

        def progress(done, total, number):
            now = time.perf_counter()
            if now - last[0] > 10 or done == total:
                last[0] = now
                print(f"  已生成 {done}/{total} 件（{now - started:.0f} 秒）", flush=True)

        started, cpu = time.perf_counter(), cpu_seconds()
        volume = export_volume(unit=unit, year=year, outdir=Path(tmp), progress=progress)
        total = time.perf_counter() - started
        cpu = cpu_seconds() - cpu
        tick = time.perf_counter()
        validate_zip(volume.zip_path)
        revalidate = time.perf_counter() - tick
        print(
            f"归档卷 {volume.records} 件：共 {total:.1f} 秒（{total / volume.records * 1000:.0f} 毫秒/件；"
            f"CPU {cpu:.1f} 秒，{cpu / volume.records * 1000:.0f} 毫秒/件），"
            f"ZIP {volume.zip_path.stat().st_size / 1024 / 1024:.1f} MB（{volume.zip_path.stat().st_size / 1024 / volume.records:.0f} KB/件，"
            f"{volume.bag_files} 个文件），"
            f"目录 PDF {volume.catalogue_path.stat().st_size / 1024:.0f} KB；解包后重新校验 {revalidate:.1f} 秒"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--year", type=int, help="年度（默认今年：发布即归入发布当年）")
    parser.add_argument("--runs", type=int, default=10, help="审批表 PDF 渲染次数")
    parser.add_argument("--db", default="/tmp/bench-archive.sqlite3")
    parser.add_argument("--no-warm-up", action="store_true", help="measure the first form in a process that was not warmed up")
    args = parser.parse_args()
    setup(args.db)
    if args.year is None:
        from django.utils import timezone

        args.year = timezone.localdate().year

    print(f"生成 {args.records} 条归档记录……", flush=True)
    per_record = make_records(args.records, args.year)
    if per_record:
        print(f"审核、审批、发布并归档一次：{per_record * 1000:.0f} 毫秒/条")
    cold, warm = bench_form(args.runs, warm_up=not args.no_warm_up)
    print(f"审批表 PDF 渲染：首次 {cold:.2f} 秒，之后中位数 {warm:.3f} 秒（{args.runs} 次）")
    bench_volume(args.year)


if __name__ == "__main__":
    main()
