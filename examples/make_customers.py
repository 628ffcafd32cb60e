"""Write examples/customers.xlsx, a realistic customer list with planted problems.

The file looks like one merged from several salespeople: a title row above the header, header
names that use aliases and markers, one column the template does not know (客户来源), phone
numbers in each salesperson's own format, and a few dozen known problems at known rows.
examples/customers.expected.json lists what crmkit must report, with Excel row numbers.

    python examples/make_customers.py
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import phonenumbers
import xlsxwriter
from phonenumbers import PhoneNumberType

HERE = Path(__file__).resolve().parent
SEED = 20240601
N_ROWS = 300
SHEET = "客户名单"
TITLE = "2024年客户名单（销售部汇总）"
HEADER_ROW = 2  # the Excel row of the header: the title is row 1
HEADERS = ["*客户名称", "手机号码(必填)", "标签（多个用逗号分隔）", "公司名称", "职务", "电子邮箱",
           "联系地址", "客户来源", "备注", "负责人", "共享给"]
NAME, PHONE, TAGS, COMPANY, JOB, EMAIL, ADDRESS, SOURCE, NOTES, OWNER, SHARE = range(11)
UNMAPPED = SOURCE  # the one column that is not in the template
MAX_LENGTH = {NAME: 64, ADDRESS: 256, NOTES: 1000}  # from the template

Cell = str | int  # an int is written as a number cell: Excel holds it as a float


def words(text: str) -> list[str]:
    return text.split()


SURNAMES = [w.split(":") for w in words(
    "王:wang 李:li 张:zhang 刘:liu 陈:chen 杨:yang 黄:huang 赵:zhao 吴:wu 周:zhou "
    "徐:xu 孙:sun 马:ma 朱:zhu 胡:hu 郭:guo 何:he 林:lin 高:gao 罗:luo 郑:zheng "
    "梁:liang 谢:xie 宋:song 唐:tang 韩:han 冯:feng 邓:deng 曹:cao 彭:peng")]
GIVEN = [w.split(":") for w in words(
    "伟:wei 芳:fang 娜:na 敏:min 静:jing 丽:li 强:qiang 磊:lei 军:jun 洋:yang 勇:yong "
    "艳:yan 杰:jie 娟:juan 涛:tao 明:ming 超:chao 秀:xiu 霞:xia 平:ping 刚:gang "
    "英:ying 华:hua 建:jian 国:guo 文:wen 辉:hui 宇:yu 婷:ting 浩:hao 晨:chen 欣:xin "
    "怡:yi 子:zi 轩:xuan 嘉:jia 思:si 雨:yu 鹏:peng 博:bo")]
CITIES = [  # (address prefix, short name used in company names, districts)
    ("北京市", "北京", "朝阳区 海淀区 丰台区 东城区"),
    ("上海市", "上海", "浦东新区 徐汇区 闵行区 静安区"),
    ("广东省深圳市", "深圳市", "南山区 福田区 宝安区 龙岗区"),
    ("广东省广州市", "广州市", "天河区 越秀区 番禺区"),
    ("浙江省杭州市", "杭州", "西湖区 滨江区 余杭区"),
    ("江苏省南京市", "南京", "鼓楼区 建邺区 江宁区"),
    ("四川省成都市", "成都", "武侯区 高新区 锦江区"),
    ("湖北省武汉市", "武汉", "洪山区 江汉区 武昌区"),
    ("陕西省西安市", "西安", "雁塔区 未央区"),
    ("山东省青岛市", "青岛", "市南区 崂山区 黄岛区"),
]
ROADS = words("人民路 中山路 解放路 建设路 科技园路 长江路 和平大道 滨河大道 创业路")
BRANDS = words("华信 瑞丰 恒达 中科 金桥 博远 天润 鼎盛 宏图 新锐 远航 盛世 永泰 联创 "
               "汇通 启明 嘉禾 安和")
TRADES = words("科技 贸易 实业 电子 信息技术 医疗器械 建材 物流 餐饮管理 文化传媒 "
               "教育咨询 新能源 食品")
JOBS = words("总经理 副总经理 销售经理 采购经理 采购主管 技术总监 财务经理 行政主管 "
             "项目经理 董事长 市场专员 运营总监 人事经理 店长 CEO")
TAG_WORDS = words("VIP 重点客户 新客户 老客户 意向客户 潜在客户 已成交 代理商 渠道伙伴 "
                  "展会客户")
SOURCES = words("展会 官网 老客户转介绍 电话营销 抖音 百度推广 线下拜访 微信")
SHORT_NOTES = words("已发报价单 下周回访 对价格敏感 需要开增值税专票 年底有采购计划 "
                    "约了周三上门演示 决策人是老板 试用中")
CHAT = words("对比了三家供应商的报价 要求月底前给出最终方案 老板出差回来再定 "
             "上次样品有划痕需要更换 财务流程走完才能付款 希望延长账期到九十天 "
             "问能不能再便宜百分之五 安装师傅下周二上门 发票抬头要改成集团公司 "
             "合同法务还在审 想先小批量试单 竞品报价低了一成 要求提供检测报告 "
             "仓库搬迁暂停收货 新来的采购经理要重新对接 春节前要备货")
MAIL_DOMAINS = words("qq.com 163.com 126.com sina.com foxmail.com aliyun.com outlook.com")
PREFIXES = words("130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
                 "166 176 177 178 180 181 182 183 185 186 187 188 189 191 198 199")
# Salespeople and the way each one writes phone numbers.
SALES = [("张伟", "plain"), ("李娜", "numeric"), ("王芳", "+86 spaced"), ("刘洋", "dashes"),
         ("陈静", "plain"), ("赵磊", "0086")]
FULL_WIDTH = str.maketrans("0123456789+", "０１２３４５６７８９＋")
STYLES = ["plain", "numeric", "+86 spaced", "0086", "86", "dashes", "+86 dashes", "full-width",
          "padded", "zero-width space", "nbsp", "float text"]
# Notes that look like formulas but are text, and must pass.
TRAPS = ['=HYPERLINK("http://example.com","点击")', "+86 VIP", "-折扣", "@张三", "=送样品"]


@dataclass
class Row:
    cells: list[Cell]
    style: str
    issues: list[tuple[int, str]] = field(default_factory=list)  # (column, code)
    trap: bool = False


def phone_format(num: str, style: str) -> Cell:
    """A valid mobile number written the way `style` says."""
    a, b, c = num[:3], num[3:7], num[7:]
    forms: dict[str, Cell] = {
        "plain": num, "numeric": int(num), "+86 spaced": f"+86 {a} {b} {c}",
        "0086": f"0086{num}", "86": f"86{num}", "dashes": f"{a}-{b}-{c}",
        "+86 dashes": f"+86-{a}-{b}-{c}", "full-width": num.translate(FULL_WIDTH),
        "padded": f"  {num} ", "zero-width space": f"\u200b{num}\u200b",
        "nbsp": f"\u00a0{num}\u00a0", "float text": f"{num}.0",
    }
    return forms[style]


def mobiles(rng: random.Random, n: int) -> list[str]:
    """`n` distinct numbers that phonenumbers calls valid Chinese mobile numbers."""
    found: dict[str, None] = {}
    while len(found) < n:
        num = rng.choice(PREFIXES) + f"{rng.randrange(10**8):08d}"
        parsed = phonenumbers.parse(num, "CN")
        if (phonenumbers.is_valid_number(parsed)
                and phonenumbers.number_type(parsed) == PhoneNumberType.MOBILE):
            found[num] = None
    return list(found)


def long_text(rng: random.Random, head: str, parts: list[str], limit: int) -> str:
    """Text of more than `limit` characters, as when a chat log is pasted into a cell."""
    text = head
    while len(text) <= limit + 20:
        text += rng.choice(parts) + "；"
    return text


def clean_row(rng: random.Random, phone: str, owner: str, habit: str) -> Row:
    (sur, sur_py), (g1, g1_py) = rng.choice(SURNAMES), rng.choice(GIVEN)
    name, given_py = sur + g1, g1_py
    if rng.random() < 0.6:
        g2, g2_py = rng.choice(GIVEN)
        name, given_py = name + g2, given_py + g2_py
    city, short, districts = rng.choice(CITIES)
    style = habit if rng.random() < 0.7 else rng.choice(STYLES)
    tags = rng.choice([",", "，", "、"]).join(rng.sample(TAG_WORDS, rng.choice([1, 1, 2, 3])))
    company = f"{short}{rng.choice(BRANDS)}{rng.choice(TRADES)}"
    company += rng.choice(["有限公司", "有限公司", "股份有限公司", "有限责任公司"])
    email = ""
    if rng.random() < 0.6:
        local = rng.choice([f"{sur_py}{given_py}", f"{sur_py}.{given_py}",
                            f"{sur_py}{given_py}{rng.randint(1, 99)}",
                            str(rng.randint(10**7, 10**10))])
        email = f"{local}@{rng.choice(MAIL_DOMAINS)}"
    address = f"{city}{rng.choice(districts.split())}{rng.choice(ROADS)}{rng.randint(1, 999)}号"
    if rng.random() < 0.5:
        address += f"{rng.randint(1, 12)}栋{rng.randint(1, 30)}0{rng.randint(1, 9)}室"
    others = [s for s, _ in SALES if s != owner]
    share = rng.choice(["", "", "", rng.choice(others), ",".join(rng.sample(others, 2))])
    notes = rng.choice(SHORT_NOTES) if rng.random() < 0.3 else ""
    cells: list[Cell] = [name, phone_format(phone, style), tags, company, rng.choice(JOBS),
                         email, address, rng.choice(SOURCES), notes, owner, share]
    return Row(cells, style)


def plant_groups(rng: random.Random, fresh: list[str]) -> list[list[tuple[int, str, Cell]]]:
    """The planted problems, one group per row: (column, issue code, cell value)."""
    def pair() -> str:
        return f"{fresh.pop()}{rng.choice(['/', '，', ' 或 ', '、'])}{fresh.pop()}"

    single: list[tuple[int, str, Cell]] = [
        *[(NAME, "required.missing", "")] * 4,
        *[(TAGS, "required.missing", "")] * 3,
        (PHONE, "required.missing", ""), (PHONE, "required.missing", "\u3000"),
        (PHONE, "phone.invalid", "1380013800"), (PHONE, "phone.invalid", "13800l38000"),
        (PHONE, "phone.invalid", "158001580001"), (PHONE, "phone.invalid", "无"),
        (PHONE, "cell.error", "#N/A"), (PHONE, "phone.invalid", "1390O139000"),
        (PHONE, "phone.not_mobile", "010-62345678"), (PHONE, "phone.not_mobile", "0755-88886666"),
        (PHONE, "phone.not_mobile", "400-810-8888"), (PHONE, "phone.not_mobile", "(021)62345678"),
        (PHONE, "phone.multiple", pair()), (PHONE, "phone.multiple", pair()),
        (PHONE, "phone.multiple", pair()),
        (PHONE, "phone.digits_lost", "1.38001E+10"), (PHONE, "phone.digits_lost", "1.39E+10"),
        (PHONE, "phone.digits_lost", "1.5800158E+10"),
        (EMAIL, "email.invalid", "zhangwei@163"), (EMAIL, "email.invalid", "liuyang.163.com"),
        (EMAIL, "email.invalid", "chen jing@qq.com"),
        (NAME, "text.too_long", "刘洋（上海总部采购部，对接人换过三次，请先打前台总机转接，"
                                "只在工作日上午九点到十二点之间接听电话，下午开会一律不接，"
                                "有事请先发微信留言说明来意）"),
        (NAME, "text.too_long", "陈经理 深圳市华信科技有限公司 采购部 南山区科技园路88号"
                                "3栋502室 负责华南区所有门店的设备采购 年采购额约三百万 "
                                "只接受月结"),
        (NOTES, "text.too_long", long_text(rng, "客户反馈：", CHAT, 1000)),
        (NOTES, "text.too_long", long_text(rng, "微信聊天记录：", CHAT, 1000)),
        (ADDRESS, "text.too_long", long_text(rng, "上海市浦东新区张江高科技园区，", [
            "送货请走北门", "前台签收后电话通知采购", "周末不收货", "大件需提前预约货梯"], 256)),
        (OWNER, "person.multiple", "张伟、李娜"), (OWNER, "person.multiple", "王芳,刘洋"),
        (OWNER, "person.multiple", "陈静；赵磊"), (OWNER, "person.multiple", "王芳/刘洋"),
        (OWNER, "person.is_phone", fresh.pop()), (OWNER, "person.is_phone", int(fresh.pop())),
        *[(PHONE, "duplicate.in_file", "")] * 4,  # the value is an earlier row's number
    ]
    pairs: list[list[tuple[int, str, Cell]]] = [
        [(TAGS, "required.missing", ""), (EMAIL, "email.invalid", "wangfang@@126.com")],
        [(NAME, "required.missing", ""), (OWNER, "person.is_phone", "+86 139-0013-9000")],
        [(PHONE, "phone.invalid", "1366666"), (EMAIL, "email.invalid", "zhaolei@qq,com")],
        [(PHONE, "duplicate.in_file", ""), (NOTES, "text.too_long",
                                            long_text(rng, "跟进记录：", CHAT, 1000))],
    ]
    return [[p] for p in single] + pairs


def build(rng: random.Random) -> list[Row | None]:
    numbers = mobiles(rng, N_ROWS + 20)
    fresh = numbers[N_ROWS:]
    block = N_ROWS // len(SALES)
    rows = [clean_row(rng, numbers[i], *SALES[i // block]) for i in range(N_ROWS)]
    groups = plant_groups(rng, fresh)
    rng.shuffle(groups)
    targets = sorted(rng.sample(range(8, N_ROWS), len(groups)))
    planted = set(targets)
    used_sources: set[int] = set()
    for index, group in zip(targets, groups, strict=True):
        row = rows[index]
        for column, code, value in group:
            if code == "duplicate.in_file":
                source = rng.choice([i for i in range(index) if i not in planted
                                     and i not in used_sources])
                used_sources.add(source)
                others = [s for s in STYLES if s != rows[source].style]
                value = phone_format(numbers[source], rng.choice(others))
            if code == "text.too_long":
                assert len(str(value)) > MAX_LENGTH[column], value
            row.cells[column] = value
            row.issues.append((column, code))
    clean = [i for i in range(N_ROWS) if i not in planted and i not in used_sources]
    for index, note in zip(rng.sample(clean, len(TRAPS)), TRAPS, strict=True):
        rows[index].cells[NOTES] = note
        rows[index].trap = True
    with_blanks: list[Row | None] = list(rows)
    # Three gaps (one of them two rows), inserted bottom-up so the earlier indices stay true.
    for count, at in zip((1, 1, 2), sorted(rng.sample(range(20, N_ROWS - 20), 3), reverse=True),
                         strict=True):
        with_blanks[at:at] = [None] * count
    return with_blanks


def write(rows: list[Row | None], xlsx: Path, expected: Path) -> None:
    book = xlsxwriter.Workbook(str(xlsx))
    book.set_properties({"title": TITLE, "author": "销售部", "created": dt.datetime(2024, 6, 1)})
    sheet = book.add_worksheet(SHEET)
    title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    sheet.merge_range(0, 0, 0, len(HEADERS) - 1, TITLE, title)
    for column, text in enumerate(HEADERS):
        sheet.write_string(HEADER_ROW - 1, column, text, head)
    for column, width in enumerate([10, 18, 20, 30, 10, 24, 40, 12, 24, 10, 14]):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(HEADER_ROW, 0)

    issues: list[dict[str, object]] = [
        {"row": None, "column": HEADERS[UNMAPPED], "code": "header.unmapped"}]
    must_pass: list[dict[str, object]] = []
    for offset, row in enumerate(rows):
        excel_row = HEADER_ROW + 1 + offset
        if row is None:
            continue
        for column, value in enumerate(row.cells):
            if isinstance(value, int):
                sheet.write_number(excel_row - 1, column, value)
            elif value:
                sheet.write_string(excel_row - 1, column, value)  # never a formula
        for column, code in sorted(row.issues):
            issues.append({"row": excel_row, "column": HEADERS[column], "code": code})
        if not row.issues and row.style != "plain":
            must_pass.append({"row": excel_row, "column": HEADERS[PHONE],
                              "format": row.style})
        if row.trap:
            must_pass.append({"row": excel_row, "column": HEADERS[NOTES],
                              "format": "formula-like text"})
    sheet.autofilter(HEADER_ROW - 1, 0, HEADER_ROW - 1 + len(rows), len(HEADERS) - 1)
    book.close()

    data = {
        "sheet": SHEET, "header_row": HEADER_ROW,
        "data_rows": sum(r is not None for r in rows),
        "blank_rows": sum(r is None for r in rows),
        "issues": issues, "must_pass": must_pass,
    }
    expected.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    rows = build(random.Random(SEED))
    write(rows, HERE / "customers.xlsx", HERE / "customers.expected.json")


if __name__ == "__main__":
    main()
