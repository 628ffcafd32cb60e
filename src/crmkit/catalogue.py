"""The one catalogue of issue codes: stable names, severities, Chinese and English messages.

A code, once shipped, is never renamed: reports, CI gates (`--fail-on`, `--ignore`) and
people's notes refer to it. Messages say what is wrong and what to do; they are
`str.format` templates filled from an issue's parameters (`header`, `value`, ...).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, NamedTuple


class Bilingual(NamedTuple):
    """A message parameter that reads differently in Chinese and English."""

    zh: str
    en: str


class Severity(str, enum.Enum):
    """How bad an issue is, and so what crmkit does with it."""

    #: crmkit cannot check the file at all (exit 2).
    FATAL = "fatal"
    #: the row is rejected, or the run fails (exit 1).
    ERROR = "error"
    #: the row is kept; the run fails only under `--strict`.
    WARNING = "warning"
    #: something crmkit did that the user should know about (a skipped example row, formulas
    #: read by their last results); never fails a run, not even under `--strict`.
    NOTICE = "notice"


@dataclass(frozen=True)
class Code:
    """One kind of problem crmkit can report."""

    code: str
    severity: Severity
    title_zh: str
    title_en: str
    message_zh: str
    message_en: str

    def message(self, lang: str = "zh", /, **params: Any) -> str:
        """The message in `lang` ("zh" or "en"), filled from `params`."""
        template = self.message_en if lang == "en" else self.message_zh
        values = {
            k: (v.en if lang == "en" else v.zh) if isinstance(v, Bilingual) else v
            for k, v in params.items()
        }
        return template.format_map(_Defaulting(values))


class _Defaulting(dict[str, Any]):
    """Format parameters where a missing one renders as empty, never a KeyError."""

    def __missing__(self, key: str) -> str:
        return ""


def _code(
    code: str,
    severity: Severity,
    title: tuple[str, str],
    message: tuple[str, str],
) -> Code:
    return Code(code, severity, title[0], title[1], message[0], message[1])


F, E, W, N = Severity.FATAL, Severity.ERROR, Severity.WARNING, Severity.NOTICE

_CODES = [
    # --- the file itself: crmkit cannot check it (exit 2) ---------------------------------
    _code(
        "file.not_found", F, ("找不到文件", "File not found"),
        ("找不到文件 {path}，请检查文件名和路径。",
         "File {path} does not exist; check the name and the path."),
    ),
    _code(
        "file.empty", F, ("文件为空", "Empty file"),
        ("文件 {path} 是空的（0 字节），请重新导出或另存后再试。",
         "File {path} is empty (0 bytes); export or save it again."),
    ),
    _code(
        "file.encrypted", F, ("文件已加密", "Encrypted file"),
        ("文件 {path} 已加密，请先在 Excel/WPS 中取消密码后再导出。",
         "File {path} is password-protected; remove the password in Excel/WPS and save it again."),
    ),
    _code(
        "file.unsupported", F, ("不支持的文件格式", "Unsupported file format"),
        ("crmkit 读不了 {path}（{detail}），请在 Excel/WPS 中打开并另存为 .xlsx 或 .csv。",
         "crmkit cannot read {path} ({detail}); open it in Excel/WPS and save it as .xlsx or "
         ".csv."),
    ),
    _code(
        "file.unreadable", F, ("文件已损坏", "Unreadable file"),
        ("文件 {path} 已损坏或不完整（{detail}），请在 Excel/WPS 中打开后另存为 .xlsx 再试。",
         "File {path} is damaged or incomplete ({detail}); open it in Excel/WPS and save it "
         "as .xlsx."),
    ),
    _code(
        "file.encoding", F, ("无法识别文本编码", "Unknown text encoding"),
        ("无法可靠识别 {path} 的文字编码{detail}，请在 Excel/WPS 中另存为“CSV UTF-8”或 .xlsx。",
         "Cannot tell the text encoding of {path}{detail}; save it as \"CSV UTF-8\" or .xlsx."),
    ),
    _code(
        "cell.too_long", F, ("单元格过长", "Cell too long"),
        ("第 {row} 行 {column} 列有 {length} 个字符，超过 Excel 单元格的上限 {limit}，"
         "crmkit 无法把它原样写回 Excel。请缩短这一格后再试。",
         "Row {row}, column {column} holds {length} characters, more than an Excel cell's "
         "{limit}, so crmkit could not hand it back unchanged. Shorten it and try again."),
    ),
    _code(
        "sheet.not_found", F, ("找不到工作表", "Sheet not found"),
        ("找不到工作表 {sheet}。文件中的工作表：{available}。"
         "请用 --sheet 指定名称或序号（从 1 开始）。",
         "No sheet {sheet}. The sheets are: {available}. Pass --sheet with a name or a number "
         "(counting from 1)."),
    ),
    _code(
        "header.not_found", F, ("找不到表头", "No header row"),
        ("在{where}的前 {rows} 行中找不到表头{note}：表头应包含 {expected} 等列名。"
         "请检查是否选对了工作表（--sheet）或模板（--template）；"
         "如果表头在更下面，请删除它上方的多余行。",
         "No header row in the first {rows} rows of {where}{note}: expected column names such "
         "as {expected}. Check the sheet (--sheet) and the template (--template); if the "
         "header is further down, delete the rows above it."),
    ),
    _code(
        "header.missing", F, ("缺少必填列", "Required column missing"),
        ("工作表「{sheet}」缺少必填列「{header}」（表头在第 {header_row} 行）。"
         "请添加这一列；也可用这些列名：{aliases}。",
         "Sheet \"{sheet}\" lacks the required column \"{header}\" (header row {header_row}). "
         "Add it; these names are recognised too: {aliases}."),
    ),
    _code(
        "header.duplicate", F, ("列名重复", "Two columns for one field"),
        ("列 {columns} 都对应字段「{header}」，无法确定使用哪一列。请删除或改名其中一列。",
         "Columns {columns} all map to \"{header}\", so crmkit cannot tell which to use. "
         "Delete or rename all but one."),
    ),
    _code(
        "template.invalid", F, ("模板有误", "Bad template"),
        ("模板 {template} 有误：{detail}",
         "Template {template} is invalid: {detail}"),
    ),
    _code(
        "template.not_found", F, ("找不到模板", "Template not found"),
        ("找不到模板 {template}。内置模板：{available}；也可以给出 .toml 文件路径。",
         "No template {template}. Built-in templates: {available}; or give the path of a "
         ".toml file."),
    ),
    _code(
        "options.invalid", F, ("参数有误", "Bad option"),
        ("参数有误：{detail}", "Bad option: {detail}"),
    ),
    _code(
        "internal.error", F, ("crmkit 内部错误", "Internal error"),
        ("crmkit 内部错误（{detail}）。这是 crmkit 的缺陷：请加 --debug 重新运行，"
         "并把输出（不含客户数据）报告给维护者。",
         "crmkit internal error ({detail}). This is a bug in crmkit: run again with --debug "
         "and report the output (without customer data) to the maintainers."),
    ),
    _code(
        "output.conflict", F, ("输出位置冲突", "Output would overwrite input"),
        ("输出文件 {path} 会覆盖输入文件，请用 --out 指定另一个文件夹。",
         "Output {path} would overwrite the input file; choose another folder with --out."),
    ),
    _code(
        "output.exists", F, ("文件已存在", "File exists"),
        ("{path} 已存在，crmkit 不会覆盖它。加 --force 覆盖，或用 --out 换一个位置。",
         "{path} already exists and crmkit will not overwrite it. Pass --force to replace it, "
         "or choose another place with --out."),
    ),
    _code(
        "output.failed", F, ("无法写入结果", "Cannot write outputs"),
        ("无法写入 {path}（{detail}）。如果该文件正在 Excel/WPS 中打开，请先关闭；"
         "或用 --out 换一个文件夹。",
         "Cannot write {path} ({detail}). If it is open in Excel/WPS, close it; or choose "
         "another folder with --out."),
    ),
    # --- columns ----------------------------------------------------------------------------
    _code(
        "header.unmapped", W, ("列未导入", "Column not imported"),
        ("列「{header}」不在「{template}」模板中，这一列的数据不会被导入。"
         "如果它就是模板中的某一列，请把列名改成模板中的名称。",
         "Column \"{header}\" is not in the \"{template}\" template; its data will not be "
         "imported. If it holds one of the template's fields, rename it to that field's header."),
    ),
    _code(
        "header.blank", W, ("列没有列名", "Column without a header"),
        ("{column} 列没有列名，但下面有数据，这些数据不会被导入。"
         "如果需要导入，请填上模板中的列名。",
         "Column {column} has no header but holds data, which will not be imported. To import "
         "it, give it the template's header."),
    ),
    _code(
        "cell.merged", W, ("合并单元格已展开", "Merged cells filled"),
        ("{range} 是合并单元格，crmkit 已把它的值「{value}」填入其中每一格。"
         "请确认这些行确实都是这个值；如果不是，请取消合并后分别填写。",
         "{range} is a merged range; crmkit filled its value \"{value}\" into each of its "
         "cells. Check that every row really has this value; if not, unmerge and fill each."),
    ),
    _code(
        "header.fuzzy", W, ("列名相近", "Header matched by similarity"),
        ("列「{header}」与模板的「{field_header}」不完全相同，crmkit 按相似度（{score}%）把它"
         "当作「{field_header}」。如果不对，请改列名，或用 --map '{header}=字段' 指定。",
         "Column \"{header}\" is not exactly \"{field_header}\"; by similarity ({score}%) crmkit "
         "took it for \"{field_header}\". If that is wrong, rename the column or pass "
         "--map '{header}=field'."),
    ),
    _code(
        "header.two_rows", N, ("两行表头", "Two-row header"),
        ("表头占两行（第 {row} 行和第 {second_row} 行），crmkit 按两行合起来识别列名，"
         "数据从第 {first_data_row} 行开始。",
         "The header spans two rows ({row} and {second_row}); crmkit read the column names from "
         "both, and the data starts on row {first_data_row}."),
    ),
    _code(
        "file.misnamed", N, ("文件名与格式不符", "File named for another format"),
        ("文件名是 {suffix}，内容其实是{detected}，已按{detected}读取。",
         "The file is named {suffix} but holds {detected}; crmkit read it as such."),
    ),
    _code(
        "cell.formula", N, ("按公式结果读取", "Formulas read by their results"),
        ("工作表「{sheet}」有 {count} 个公式单元格，crmkit 读取的是上次保存时算出的结果，"
         "不会重新计算。如果公式引用了其他文件或结果已过期，请在 Excel/WPS 中打开、保存后再检查，"
         "或把这些列“选择性粘贴为数值”。",
         "Sheet \"{sheet}\" has {count} formula cells; crmkit reads the results saved with the "
         "file and does not recalculate them. If a formula refers to another file or its result "
         "is stale, open and save the file in Excel/WPS first, or paste those columns as values."),
    ),
    _code(
        "row.instructions", N, ("已跳过填写说明行", "Instruction row skipped"),
        ("第 {row} 行是填写说明（{value}），不是客户数据，已跳过，不会导入。",
         "Row {row} holds filling instructions ({value}), not a customer; it was skipped and "
         "is not imported."),
    ),
    _code(
        "row.example", N, ("已跳过示例行", "Example row skipped"),
        ("第 {row} 行是模板自带的示例行（{value}），已跳过，不会导入。",
         "Row {row} is the template's example row ({value}); it was skipped and is not "
         "imported."),
    ),
    # --- cells ------------------------------------------------------------------------------
    _code(
        "required.missing", E, ("必填项为空", "Required value missing"),
        ("「{header}」是必填项，这一格是空的（或只有空格、标点），请补上。",
         "\"{header}\" is required and this cell is empty (or holds only spaces or "
         "punctuation); fill it in."),
    ),
    _code(
        "text.too_long", E, ("内容过长", "Text too long"),
        ("「{header}」最多 {max_length} 个字，这里有 {length} 个字，请删减。",
         "\"{header}\" allows at most {max_length} characters; this one has {length}. "
         "Shorten it."),
    ),
    _code(
        "text.too_short", E, ("内容过短", "Text too short"),
        ("「{header}」至少要 {min_length} 个字，这里只有 {length} 个字，请补全。",
         "\"{header}\" needs at least {min_length} characters; this one has {length}. "
         "Complete it."),
    ),
    _code(
        "text.pattern", E, ("格式不符", "Does not match the format"),
        ("「{header}」{value} 不符合模板要求的格式{detail}，请按「填写说明」改正。",
         "\"{header}\" {value} does not match the format the template asks for{detail}; "
         "correct it as the instructions say."),
    ),
    _code(
        "phone.invalid", E, ("手机号码无效", "Invalid phone number"),
        ("「{header}」{value} 不是有效的电话号码{detail}，请核对后改正。",
         "\"{header}\" {value} is not a valid phone number{detail}; check and correct it."),
    ),
    _code(
        "phone.not_mobile", E, ("不是手机号码", "Not a mobile number"),
        ("「{header}」{value} 是{detail}，不是手机号码。此模板只接受手机号码，请改为客户的手机号。",
         "\"{header}\" {value} is {detail}, not a mobile number. This template accepts mobile "
         "numbers only; use the customer's mobile number."),
    ),
    _code(
        "phone.type_not_allowed", E, ("号码类型不符", "Number type not accepted"),
        ("「{header}」{value} 是{detail}，此模板不接受这种号码，请改为模板要求的号码类型。",
         "\"{header}\" {value} is {detail}, which this template does not accept; use a number "
         "of the type it asks for."),
    ),
    _code(
        "phone.multiple", E, ("一格中有多个号码", "Several numbers in one cell"),
        ("「{header}」{value} 含有多个号码，一格只能填一个手机号。"
         "请只保留一个，其他号码可以写到备注里。",
         "\"{header}\" {value} holds several numbers; a cell takes exactly one. Keep one and "
         "move the others to the notes."),
    ),
    _code(
        "phone.digits_lost", E, ("号码被科学计数法截断", "Digits lost to scientific notation"),
        ("「{header}」{value} 是科学计数法，号码的后几位已经丢失，无法恢复。"
         "请从原始资料中找回完整号码，并把这一列设为“文本”格式后重新填写。",
         "\"{header}\" {value} is in scientific notation: the last digits are lost and cannot "
         "be recovered. Get the full number from the original source and format the column "
         "as Text before typing it again."),
    ),
    _code(
        "phone.region_not_allowed", E, ("号码所属地区不符", "Number from another region"),
        ("「{header}」{value} 是{detail}的号码，此模板只接受指定国家或地区的号码。",
         "\"{header}\" {value} is a number from {detail}; this template accepts numbers "
         "from the regions it names only."),
    ),
    _code(
        "email.invalid", E, ("邮箱格式错误", "Invalid email"),
        ("「{header}」{value} 不是有效的邮箱地址，请核对后改正（例如 name@example.com）。",
         "\"{header}\" {value} is not a valid email address; correct it (for example "
         "name@example.com)."),
    ),
    _code(
        "date.invalid", E, ("日期无法识别", "Unrecognised date"),
        ("「{header}」{value} 不是可识别的日期，请写成 2024-01-05 这样的形式。",
         "\"{header}\" {value} is not a date crmkit can read; write it like 2024-01-05."),
    ),
    _code(
        "date.ambiguous", E, ("日期有歧义", "Ambiguous date"),
        ("「{header}」{value} 无法确定是几月几日（可能是日/月/年，也可能是月/日/年），"
         "请写成 2024-01-05 这样以年份开头的形式。",
         "\"{header}\" {value} could be day/month/year or month/day/year; write it year "
         "first, like 2024-01-05."),
    ),
    _code(
        "number.invalid", E, ("不是数字", "Not a number"),
        ("「{header}」{value} 不是数字，请只填数字（例如 1234.5，不带单位和货币符号）。",
         "\"{header}\" {value} is not a number; write only the number (like 1234.5, without "
         "units or currency signs)."),
    ),
    _code(
        "number.out_of_range", E, ("数字超出范围", "Number out of range"),
        ("「{header}」{value} 超出允许的范围（{detail}），请核对。",
         "\"{header}\" {value} is outside the allowed range ({detail}); check it."),
    ),
    _code(
        "number.decimals", E, ("小数位数过多", "Too many decimals"),
        ("「{header}」{value} 的小数位数过多，最多 {detail} 位，请四舍五入后再填。",
         "\"{header}\" {value} has too many decimals; at most {detail} are allowed. Round it."),
    ),
    _code(
        "choice.invalid", E, ("不是可选的值", "Not one of the options"),
        ("「{header}」{value} 不是可选的值，只能填：{detail}。",
         "\"{header}\" {value} is not one of the options: {detail}."),
    ),
    _code(
        "bool.invalid", E, ("应填是或否", "Yes or no expected"),
        ("「{header}」{value} 应填“是”或“否”。", "\"{header}\" {value}: write yes or no (是/否)."),
    ),
    _code(
        "url.invalid", E, ("网址格式错误", "Invalid web address"),
        ("「{header}」{value} 不是完整的网址，请写成 https://www.example.com 这样的形式。",
         "\"{header}\" {value} is not a complete web address; write it like "
         "https://www.example.com."),
    ),
    _code(
        "tag.unknown", E, ("未知标签", "Unknown tag"),
        ("「{header}」中的标签「{detail}」不在模板的标签组中。请改为已有的标签，"
         "或先请管理员在标签组中添加它。",
         "\"{header}\": the tag \"{detail}\" is in none of the template's tag groups. Use an "
         "existing tag, or ask the admin to add it to a tag group first."),
    ),
    _code(
        "tag.ambiguous", E, ("标签属于多个组", "Tag in several groups"),
        ("「{header}」中的标签{detail}，请写成「组名:标签」以说明是哪一个。",
         "\"{header}\": the tag {detail}; write it as group:tag to say which."),
    ),
    _code(
        "tag.group_conflict", E, ("互斥标签", "Mutually exclusive tags"),
        ("「{header}」{value} 中{detail}，同一组的标签互斥，一位客户只能有其中一个，请只保留一个。",
         "\"{header}\" {value}: {detail}; the tags of this group are mutually exclusive, so "
         "a customer has one of them. Keep one."),
    ),
    _code(
        "cell.error", E, ("单元格是错误值", "Error value in a cell"),
        ("「{header}」是 Excel 错误值 {value}（公式出错或引用失效），不是数据。请在原表中修正"
         "公式，或把这一列“选择性粘贴为数值”后重新填写这一格。",
         "\"{header}\" holds the Excel error {value} (a broken formula or reference), not "
         "data. Fix the formula in the original file, or paste the column as values and fill "
         "in this cell."),
    ),
    _code(
        "person.multiple", E, ("只能填一位同事", "Only one colleague allowed"),
        ("「{header}」{value} 填了多个人，这一列只能填一位同事的姓名。",
         "\"{header}\" {value} names several people; this column takes one colleague's name."),
    ),
    _code(
        "person.is_phone", E, ("应填姓名而非号码", "A name is expected, not a number"),
        ("「{header}」{value} 像是电话号码。钉钉按同事在企业通讯录中的真实姓名匹配，请改为姓名。",
         "\"{header}\" {value} looks like a phone number. DingTalk matches colleagues by their "
         "real name in the company directory; write the name."),
    ),
    _code(
        "duplicate.in_file", E, ("重复的行", "Duplicate row"),
        ("「{header}」{value} 与第 {first_row} 行的号码相同。同一号码只能导入一次："
         "以第 {first_row} 行为准，这一行不导入。如果这是另一位客户，请核对号码。",
         "\"{header}\" {value} is the number of row {first_row}. A number is imported once: "
         "row {first_row} is kept and this row is not imported. If this is another customer, "
         "check the number."),
    ),
    _code(
        "duplicate.value", E, ("值重复", "Value repeated"),
        ("「{header}」{value} 与第 {first_row} 行相同，这一列的值不能重复。"
         "请核对是哪一行填错了，改正后重新检查。",
         "\"{header}\" {value} is also in row {first_row}, and this column's values must be "
         "unique. Find which row is wrong, correct it and check again."),
    ),
    _code(
        "person.unknown", E, ("通讯录中没有这位同事", "Not in the company directory"),
        ("「{header}」{value} 不在企业通讯录中{detail}。钉钉按通讯录中的真实姓名匹配同事，"
         "请改为通讯录中的姓名。",
         "\"{header}\" {value} is not in the company directory{detail}. DingTalk matches "
         "colleagues by their name in the directory; use that name."),
    ),
    _code(
        "person.ambiguous", W, ("同名同事", "Several colleagues share this name"),
        ("「{header}」{value}：通讯录中有 {count} 位同事叫这个名字（{detail}），钉钉导入时会"
         "随机匹配其中一位。请导入后在 CRM 中核对「{header}」，或请管理员在通讯录中区分姓名。",
         "\"{header}\" {value}: {count} colleagues in the directory have this name ({detail}), "
         "and DingTalk matches one of them at random. Check \"{header}\" in the CRM after the "
         "import, or ask the admin to make the names distinct."),
    ),
    _code(
        "person.inactive", E, ("同事已离职", "Colleague has left"),
        ("「{header}」{value} 在通讯录中的状态是「{detail}」，钉钉无法把客户分配或共享给"
         "已离职的同事。请改为在职同事的姓名。",
         "\"{header}\" {value} is marked \"{detail}\" in the directory; DingTalk cannot "
         "assign or share a customer with a colleague who has left. Use a current colleague."),
    ),
    _code(
        "phone.internal_member", E, ("号码属于企业内部成员", "Number of a colleague"),
        ("「{header}」{value} 是同事「{staff_name}」在通讯录中的号码。企业内部成员不能被添加为"
         "外部联系人，这一行不导入。如果这是客户的号码，请同时核对通讯录。",
         "\"{header}\" {value} is the number of your colleague \"{staff_name}\" in the "
         "directory. A member of the company cannot be added as an external contact, so this "
         "row is not imported. If it really is the customer's number, check the directory."),
    ),
    _code(
        "duplicate.existing", E, ("已是 CRM 中的联系人", "Already in the CRM"),
        ("「{header}」{value} 已是 CRM 中的联系人「{existing_name}」（见 {existing_file} 第 "
         "{existing_row} 行），导入时会被拒绝（已被添加）。这一行不导入；如需更新，请在 CRM 中"
         "直接编辑该联系人。",
         "\"{header}\" {value} is already the CRM contact \"{existing_name}\" ({existing_file}, "
         "row {existing_row}); the import would refuse it as already added. This row is not "
         "imported; to update that contact, edit it in the CRM."),
    ),
    _code(
        "duplicate.suspected", W, ("疑似同一客户", "Possibly the same customer"),
        ("这一行与第 {other_row} 行可能是同一位客户：{detail}相同，但号码不同。请核对；如果是"
         "同一人，只保留一行，把另一个号码写到备注。",
         "This row and row {other_row} may be the same customer: the same {detail}, but "
         "different numbers. Check them; if they are one person, keep one row and put the other "
         "number in the notes."),
    ),
    _code(
        "duplicate.tags_merged", N, ("标签已合并", "Tags merged"),
        ("第 {row} 行与第 {kept_row} 行号码相同，它的标签已合并到第 {kept_row} 行"
         "（--merge-tags）：{value}。",
         "Row {row} has the number of row {kept_row}; its tags were merged into row {kept_row} "
         "(--merge-tags): {value}."),
    ),
    # --- the whole list ---------------------------------------------------------------------
    _code(
        "rows.empty", W, ("没有数据行", "No data rows"),
        ("表头下面没有任何数据行，没有可导入的客户。请确认选对了文件和工作表。",
         "There are no data rows below the header, so nothing to import. Check the file and "
         "the sheet."),
    ),
    _code(
        "limit.exceeded", E, ("超出联系人上限", "Contact limit exceeded"),
        ("已有 {existing} 个联系人，{tier_label}上限为 {max} 个，只能再导入 {remaining} 个；"
         "其余 {overflow} 行已放入 overflow.xlsx。请升级认证等级或清理已有联系人后再导入这些行。",
         "{existing} contacts exist and the {tier_label} limit is {max}, so only {remaining} "
         "more fit; the other {overflow} rows are in overflow.xlsx. Upgrade the certification "
         "tier or archive contacts before importing them."),
    ),
]

del F, E, W, N

CATALOGUE: dict[str, Code] = {c.code: c for c in _CODES}


def lookup(code: str) -> Code:
    """The catalogue entry for `code`; a KeyError for an unknown code is a bug in crmkit."""
    return CATALOGUE[code]
