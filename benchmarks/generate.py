"""Realistic customer lists for the benchmarks, with defects planted at known rates.

The same seed and size always give byte-identical files, so timings on two machines, or before
and after a change, are of the same bytes. Rows are streamed, never held in memory, so a
1,000,000-row list is generated in the memory of a small one.

    python -m benchmarks.generate 20000 customers.xlsx [--seed 20240601]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from collections import deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import xlsxwriter

# The first eight columns of the dingtalk-external-contact template, in its order.
HEADERS = ["姓名", "手机号码", "标签", "公司", "职位", "邮箱", "地址", "备注"]
DEFAULT_SEED = 20240601

# Planted defect rates; each defective row carries exactly one defect, so the counts crmkit
# reports can be compared with the planted counts one for one.
INVALID_PHONE_RATE = 0.03
DUPLICATE_RATE = 0.02
MISSING_TAGS_RATE = 0.01
BAD_EMAIL_RATE = 0.01

# A fixed creation date: xlsxwriter otherwise stamps the current time into docProps/core.xml.
CREATED = datetime(2024, 6, 1, 9, 0, 0)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬建国志宏晓东海波鹏飞宇浩然子轩梓涵一诺欣怡佳琪思远俊杰雨桐文博天佑嘉怡梦瑶"  # noqa: E501
CITIES = ["北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "南京", "苏州", "西安",
          "重庆", "天津", "长沙", "郑州", "青岛", "宁波", "厦门", "合肥", "济南", "福州"]
CORES = ["华信", "恒达", "鼎盛", "瑞丰", "金诚", "博远", "联创", "中科", "天成", "宏图",
         "新元", "安泰", "百川", "启航", "智远", "汇通", "正大", "嘉禾", "云帆", "东方"]
TRADES = ["科技", "贸易", "实业", "电子", "物流", "建设", "医疗器械", "文化传媒", "餐饮管理",
          "软件", "新材料", "教育咨询", "食品", "机械设备", "网络科技"]
SUFFIXES = ["有限公司", "股份有限公司", "集团有限公司", "有限责任公司"]
TITLES = ["总经理", "销售经理", "采购经理", "市场总监", "技术总监", "行政主管", "财务经理",
          "项目经理", "区域经理", "董事长", "采购专员", "运营主管", "客户经理", "工程师"]
TAGS = ["VIP", "潜在客户", "老客户", "展会", "线上咨询", "渠道", "重点跟进", "已成交", "华东区",
        "华南区", "华北区", "转介绍"]
STREETS = ["人民路", "解放路", "中山路", "建设路", "长江路", "和平路", "科技园路", "世纪大道",
           "新华路", "文化路"]
DISTRICTS = ["朝阳区", "浦东新区", "天河区", "南山区", "西湖区", "高新区", "江汉区", "鼓楼区"]
NOTES = ["展会名片", "老客户介绍", "电话回访过", "需要报价", "下季度跟进", "对新品感兴趣",
         "已发样品", "微信已加", "价格敏感", "决策人"]
DOMAINS = ["qq.com", "163.com", "126.com", "sina.com", "foxmail.com", "aliyun.com",
           "outlook.com", "gmail.com"]
LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Mobile prefixes phonenumbers accepts as Chinese mobiles.
PREFIXES = ["130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150",
            "151", "152", "153", "155", "156", "157", "158", "159", "166", "176", "177",
            "180", "181", "182", "183", "185", "186", "187", "188", "189", "198", "199"]

Cell = str | int | None


@dataclass
class Planted:
    """What a generated file holds: its size and the defects planted in it."""

    rows: int
    seed: int
    invalid_phones: int = 0
    duplicates: int = 0
    missing_tags: int = 0
    bad_emails: int = 0


def _phone_digits(i: int, rng: random.Random) -> str:
    # An affine map mod 10**8 is a bijection (the multiplier is coprime to 10), so the 8-digit
    # suffixes never repeat by chance and only planted duplicates share a number.
    suffix = (i * 7_919_993 + 12_345_679) % 100_000_000
    return f"{rng.choice(PREFIXES)}{suffix:08d}"


def _formatted(digits: str, rng: random.Random) -> Cell:
    """The same number the ways people type it; a quarter are numeric cells."""
    style = rng.random()
    if style < 0.25:
        return int(digits)
    if style < 0.55:
        return digits
    if style < 0.75:
        return f"+86 {digits[:3]} {digits[3:7]} {digits[7:]}"
    if style < 0.9:
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    return f"{digits[:3]} {digits[3:7]} {digits[7:]}"


def _invalid_phone(digits: str, rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return digits[:-1]  # a digit dropped
    if kind == 1:
        return digits + str(rng.randrange(10))  # a digit doubled
    if kind == 2:
        return "12" + digits[2:]  # no such mobile prefix
    return digits[:-1] + "x"  # a letter typed for a digit


def _email(rng: random.Random) -> str:
    local = "".join(rng.choice(LETTERS) for _ in range(rng.randint(4, 9)))
    if rng.random() < 0.5:
        local += str(rng.randint(1, 999))
    return f"{local}@{rng.choice(DOMAINS)}"


def _bad_email(rng: random.Random) -> str:
    local = "".join(rng.choice(LETTERS) for _ in range(rng.randint(4, 9)))
    domain = rng.choice(DOMAINS)
    kind = rng.randrange(4)
    if kind == 0:
        return f"{local}@@{domain}"
    if kind == 1:
        return f"{local}.{domain}"  # the @ forgotten
    if kind == 2:
        return f"{local}@"
    return f"{local} {local}@{domain}"


def _clean_row(i: int, rng: random.Random) -> list[Cell]:
    city = rng.choice(CITIES)
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    company = f"{city}{rng.choice(CORES)}{rng.choice(TRADES)}{rng.choice(SUFFIXES)}"
    tags = ",".join(rng.sample(TAGS, rng.choice((1, 1, 1, 2, 3))))
    title = rng.choice(TITLES) if rng.random() < 0.8 else None
    email = _email(rng) if rng.random() < 0.7 else None
    address = (f"{city}市{rng.choice(DISTRICTS)}{rng.choice(STREETS)}{rng.randint(1, 999)}号"
               if rng.random() < 0.6 else None)
    notes = rng.choice(NOTES) if rng.random() < 0.3 else None
    return [name, _phone_digits(i, rng), tags, company, title, email, address, notes]


def rows(n: int, seed: int = DEFAULT_SEED, planted: Planted | None = None) -> Iterator[list[Cell]]:
    """`n` customer rows (no header), counting what is planted into `planted`."""
    rng = random.Random(seed)
    recent: deque[list[Cell]] = deque(maxlen=2000)  # clean rows a duplicate may copy
    for i in range(n):
        draw = rng.random()
        if recent and INVALID_PHONE_RATE <= draw < INVALID_PHONE_RATE + DUPLICATE_RATE:
            # The same contact pasted again, its number typed another way.
            row = list(rng.choice(recent))
            row[1] = _formatted(str(row[1]), rng)
            if planted:
                planted.duplicates += 1
            yield row
            continue
        row = _clean_row(i, rng)
        digits = str(row[1])
        edge = INVALID_PHONE_RATE + DUPLICATE_RATE
        if draw < INVALID_PHONE_RATE:
            row[1] = _invalid_phone(digits, rng)
            if planted:
                planted.invalid_phones += 1
        elif edge <= draw < edge + MISSING_TAGS_RATE:
            row[2] = None
            if planted:
                planted.missing_tags += 1
        elif edge + MISSING_TAGS_RATE <= draw < edge + MISSING_TAGS_RATE + BAD_EMAIL_RATE:
            row[5] = _bad_email(rng)
            if planted:
                planted.bad_emails += 1
        else:
            recent.append(list(row))
            row[1] = _formatted(digits, rng)
        yield row


def _write_xlsx(path: Path, data: Iterator[list[Cell]]) -> None:
    book = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_numbers": False,
                    "strings_to_formulas": False, "strings_to_urls": False},
    )
    book.set_properties({"created": CREATED, "author": "crmkit benchmarks"})
    sheet = book.add_worksheet("客户")
    sheet.write_row(0, 0, HEADERS)
    for r, row in enumerate(data, start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, int):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value)
    book.close()


def _write_csv(path: Path, data: Iterator[list[Cell]]) -> None:
    # UTF-8 with a BOM: what Excel and WPS write when a Chinese user saves as CSV UTF-8.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADERS)
        for row in data:
            writer.writerow(["" if v is None else v for v in row])


def generate(path: Path, n: int, seed: int = DEFAULT_SEED) -> Planted:
    """Write `n` rows to `path` (.xlsx or .csv) and a `<path>.planted.json` beside it."""
    path = Path(path)
    planted = Planted(rows=n, seed=seed)
    data = rows(n, seed, planted)
    if path.suffix == ".xlsx":
        _write_xlsx(path, data)
    elif path.suffix == ".csv":
        _write_csv(path, data)
    else:
        raise ValueError(f"unsupported format {path.suffix!r}: use .xlsx or .csv")
    planted_path(path).write_text(json.dumps(asdict(planted), indent=2) + "\n", encoding="utf-8")
    return planted


def planted_path(path: Path) -> Path:
    """Where generate() records what it planted in `path`."""
    return path.with_name(path.name + ".planted.json")


def cached(out: Path, n: int, fmt: str, seed: int = DEFAULT_SEED) -> tuple[Path, Planted]:
    """The list of `n` rows in `out`, generated once and reused while its record exists."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"customers-{n}-s{seed}.{fmt}"
    record = planted_path(path)
    if path.exists() and record.exists():
        return path, Planted(**json.loads(record.read_text(encoding="utf-8")))
    return path, generate(path, n, seed)


def main(argv: list[str] | None = None) -> None:
    """Generate one list from the command line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__)
    parser.add_argument("rows", type=int)
    parser.add_argument("path", type=Path, help="a .xlsx or .csv path")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    print(json.dumps(asdict(generate(args.path, args.rows, args.seed)), ensure_ascii=False))


if __name__ == "__main__":
    main()
