"""Write the reference-data example: a list in the layout of a WPS import template, the
company directory and an export of the contacts already in the CRM.

- `wps-list.xlsx`: sheet 客户导入, a two-row header (Chinese names over the English keys of
  the import template), the template's example row (例：张三 ...), phone numbers stored as
  numbers (as WPS and Excel store what people type), one 负责人 cell holding the cached
  #N/A of a VLOOKUP formula, and one 公司 cell computed by a formula. The file carries the
  custom property WPS writes (KSOProductBuildVer).
- `staff.csv`: the company directory as DingTalk's 通讯录 export gives it, in GBK: two
  colleagues named 王芳, one colleague who has left (赵磊).
- `existing-contacts.xlsx`: the contacts already in the CRM (an export of 外部联系人).

Every planted problem is at a known row; tests/test_example_reference.py checks that crmkit
reports exactly these.

    python examples/make_wps_list.py
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).resolve().parent
CREATED = dt.datetime(2024, 6, 1)

STAFF = [  # 姓名, 手机号, 部门, 状态
    ("张伟", "13910001001", "销售一部", "在职"),
    ("李娜", "13910001002", "销售一部", "在职"),
    ("王芳", "13910001003", "销售一部", "在职"),
    ("王芳", "13910001004", "销售二部", "在职"),
    ("刘洋", "13910001005", "销售二部", "在职"),
    ("陈静", "13910001006", "市场部", "在职"),
    ("赵磊", "13910001007", "销售二部", "离职"),
]

EXISTING = [  # 姓名, 手机号码, 标签, 公司
    ("周杰", "13800000001", "老客户", "杭州云帆科技有限公司"),
    ("吴敏", "13800000002", "VIP", "南京青禾贸易有限公司"),
    ("郑强", "13800000003", "老客户", "成都蓝海物流有限公司"),
    ("孙丽", "13800000004", "渠道", "武汉星河电子有限公司"),
]

#: the data rows of wps-list.xlsx, from Excel row 4 on; an int is written as a number cell
#: 姓名, 手机号码, 标签, 公司, 负责人, 共享给, 备注
ROWS: list[tuple[str | int, ...]] = [
    ("何军", 13700000001, "VIP", "深圳华科电子有限公司", "张伟", "李娜", ""),          # 4 ok
    ("林芳", 13700000002, "新客户", "广州佳禾食品有限公司", "李娜", "", ""),           # 5 ok
    ("高鹏", 13700000003, "老客户", "北京中科软件有限公司", "刘洋", "", "展会认识"),   # 6 ok
    ("吴敏", 13800000002, "VIP", "南京青禾贸易有限公司", "陈静", "", ""),              # 7 existing
    ("马超", 13910001005, "渠道", "西安秦川机械有限公司", "张伟", "", ""),             # 8 staff's
    ("罗婷", 13700000004, "VIP", "上海嘉定汽配有限公司", "张卫", "", ""),              # 9 unknown
    ("谢宇", 13700000005, "新客户", "杭州西溪茶业有限公司", "王芳", "", ""),           # 10 two 王芳
    ("韩雪", 13700000006, "老客户", "苏州工业园区精密有限公司", "赵磊", "", ""),       # 11 left
    ("唐浩", 13700000007, "VIP", "", "#VLOOKUP", "", ""),                              # 12 #N/A
    ("宋欣", 13700000008, "新客户", "=FORMULA", "刘洋", "", "公司由公式得出"),         # 13 formula
    ("冯博", 13700000009, "VIP", "华为技术有限公司", "张伟", "", ""),                  # 14 ok
    ("冯博", 13700000010, "VIP", "华为技术", "张伟", "", "第二个号码"),                # 15 suspect
    ("曹思", 13700000001, "VIP", "深圳华科电子有限公司", "张伟", "", "重复录入"),      # 16 dup of 4
    ("彭嘉", 13700000011, "老客户", "重庆山城火锅有限公司", "陈静", "张伟,李娜", ""),  # 17 ok
]

HEADER_ZH = ["姓名", "手机号码", "标签", "公司", "负责人", "共享给", "备注"]
HEADER_EN = ["name", "mobile", "tags", "company", "owner", "share_to", "notes"]
EXAMPLE = ["例：张三", "13800138000", "VIP,老客户", "示例科技有限公司", "李四", "王五", "可不填"]


def write_list(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False,
                                           "strings_to_formulas": False,
                                           "strings_to_urls": False})
    book.set_properties({"title": "客户导入模板", "author": "销售部", "created": CREATED})
    book.set_custom_property("KSOProductBuildVer", "2052-11.1.0.11744")
    ws = book.add_worksheet("客户导入")
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
    grey = book.add_format({"font_color": "#808080", "italic": True})
    ws.write_row(0, 0, HEADER_ZH, bold)
    ws.write_row(1, 0, HEADER_EN, bold)
    for col, value in enumerate(EXAMPLE):
        ws.write_string(2, col, value, grey)
    for i, row in enumerate(ROWS, start=3):
        for col, value in enumerate(row):
            if value == "#VLOOKUP":
                # A lookup of the owner in a sheet that is not there: Excel saved #N/A.
                ws.write_formula(i, col, "=VLOOKUP(A13,负责人表!A:B,2,FALSE)", None, "#N/A")
            elif value == "=FORMULA":
                ws.write_formula(i, col, '="重庆"&"渝信"&"有限公司"', None, "重庆渝信有限公司")
            elif isinstance(value, int):
                ws.write_number(i, col, value)
            elif value:
                ws.write_string(i, col, value)
    ws.set_column(0, 6, 16)
    book.close()


def write_staff(path: Path) -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(["姓名", "手机号", "部门", "状态"])
    writer.writerows(STAFF)
    path.write_bytes(text.getvalue().encode("gbk"))


def write_existing(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    book.set_properties({"title": "外部联系人导出", "created": CREATED})
    ws = book.add_worksheet("外部联系人")
    ws.write_row(0, 0, ["姓名", "手机号码", "标签", "公司"])
    for i, row in enumerate(EXISTING, start=1):
        ws.write_row(i, 0, row)
    book.close()


def main() -> None:
    write_list(HERE / "wps-list.xlsx")
    write_staff(HERE / "staff.csv")
    write_existing(HERE / "existing-contacts.xlsx")


if __name__ == "__main__":
    main()
