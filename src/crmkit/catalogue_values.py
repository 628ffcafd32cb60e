"""Catalogue entries: typed values - emails, dates, numbers, options, yes/no, web addresses,
tags, and Excel's error values."""

from __future__ import annotations

from crmkit.catalogue_model import Bilingual, Severity, entry

E = Severity.ERROR

TOPIC = Bilingual("单元格：邮箱、日期、数字、选项与标签",
                  "Cells: emails, dates, numbers, options and tags")

CODES = (
    entry(
        "email.invalid", E, ("邮箱格式错误", "Invalid email"),
        ("「{header}」{value} 不是有效的邮箱地址，请核对后改正（例如 name@example.com）。",
         "\"{header}\" {value} is not a valid email address; correct it (for example "
         "name@example.com)."),
        meaning=("这一格不是有效的邮箱地址：缺少 @ 或域名（zhangsan@、zhangsan.qq.com）、用逗号或"
                 "中文句号代替了点（zhangsan@qq，com）、中间有空格，或一格写了多个邮箱。crmkit 能"
                 "推算出正确写法时会给出建议。",
                 "The cell is not a valid email address: the @ or the domain is missing "
                 "(zhangsan@, zhangsan.qq.com), a comma or a Chinese full stop stands for a dot "
                 "(zhangsan@qq，com), it holds spaces, or several addresses share the cell. "
                 "crmkit suggests the address when it can work it out."),
        why=("CRM 会拒绝格式不对的邮箱，即使导入了也收不到邮件。crmkit 只检查格式，不会发邮件去"
             "验证地址。",
             "The CRM refuses a malformed address, and one that got in could never receive "
             "mail. crmkit checks the form only; it sends nothing to test the address."),
        fix=("按建议改正，或向客户核实；一格只写一个邮箱，其他的写进备注。不知道邮箱就留空：内置"
             "模板中邮箱不是必填项。",
             "Take the suggestion or ask the customer; one address per cell, others in the "
             "notes. Leave it empty if you do not know it: the shipped templates do not "
             "require an email."),
    ),
    entry(
        "date.invalid", E, ("日期无法识别", "Unrecognised date"),
        ("「{header}」{value} 不是可识别的日期，请写成 2024-01-05 这样的形式。",
         "\"{header}\" {value} is not a date crmkit can read; write it like 2024-01-05."),
        meaning=("这一格不是 crmkit 能识别的日期。能识别的写法：2024-01-05、2024/1/5、2024.1.5、"
                 "2024年1月5日、20240105、Excel 的日期单元格（包括丢了格式后剩下的日期序号，"
                 "如 45296）；模板指定了日期顺序时，也接受 05/01/2024 这样年份在后的写法。"
                 "“下周一”“2024-02-30”“1月5日”（没有年份）都不行。",
                 "The cell is not a date crmkit can read. It reads 2024-01-05, 2024/1/5, "
                 "2024.1.5, 2024年1月5日, 20240105 and Excel date cells (also the serial number "
                 "left when a date lost its format, like 45296); and, when the template names "
                 "the order, dates with the year last such as 05/01/2024. \"Next Monday\", "
                 "2024-02-30 and 1月5日 (no year) are not dates."),
        why=("CRM 的日期字段只接受真正的日期；认不出的值导入时会被拒绝，或者存成文本，无法按日期"
             "筛选，也不会按时提醒（例如“下次联系时间”）。",
             "The CRM's date fields take real dates only; anything else is refused, or stored "
             "as text that cannot be filtered by date and never triggers a reminder (下次联系"
             "时间, the next contact date)."),
        fix=("改写成 2024-01-05 这样的形式。整列都是文本日期时，可以选中列 → 数据 → 分列 → 下一步 "
             "→ 下一步 → 列数据格式选“日期（YMD）”，一次转换；或把单元格格式设为“日期”后重新输入。",
             "Write it like 2024-01-05. To convert a whole column of text dates: select it → "
             "Data → Text to Columns → Next → Next → column format Date (YMD) → Finish; or "
             "format the cells as Date and type the dates again."),
    ),
    entry(
        "date.ambiguous", E, ("日期有歧义", "Ambiguous date"),
        ("「{header}」{value} 无法确定是几月几日（可能是日/月/年，也可能是月/日/年），"
         "请写成 2024-01-05 这样以年份开头的形式。",
         "\"{header}\" {value} could be day/month/year or month/day/year; write it year "
         "first, like 2024-01-05."),
        meaning=("日期的年份写在最后，例如 01/02/2024：它可能是 1 月 2 日（月/日/年，美式），也可能"
                 "是 2 月 1 日（日/月/年，英式），而模板没有说明按哪种顺序理解。",
                 "The date has the year last, like 01/02/2024: 2 January (month/day/year, the "
                 "American order) or 1 February (day/month/year, the British one), and the "
                 "template does not say which."),
        why=("猜错就会悄悄导入一个错误的日期，而且只要日子不超过 12，两种读法都“合法”，事后很难"
             "发现；所以 crmkit 不猜。",
             "A wrong guess imports a wrong date without a word, and as long as the day is 12 "
             "or less both readings are valid dates, so nobody would notice later; crmkit does "
             "not guess."),
        fix=("改成年份在前的写法，例如 2024-01-02。整份文件都是同一种顺序时，请维护模板的人为这个"
             "字段设置 date_order = \"dmy\" 或 \"mdy\"，crmkit 就会按它读取。",
             "Write the year first: 2024-01-02. If the whole file uses one order, ask whoever "
             "keeps the template to set date_order = \"dmy\" or \"mdy\" on the field, and "
             "crmkit reads the dates that way."),
    ),
    entry(
        "number.invalid", E, ("不是数字", "Not a number"),
        ("「{header}」{value} 不是数字，请只填数字（例如 1234.5，不带单位和货币符号）。",
         "\"{header}\" {value} is not a number; write only the number (like 1234.5, without "
         "units or currency signs)."),
        meaning=("这一列是数字字段（例如金额、人数），这一格却有数字以外的内容：单位（“50万”"
                 "“100人”）、货币符号（¥、$）、中文数字（“五十”），或不止一个数字。千位分隔符"
                 "（1,234.5）和正负号没有问题。",
                 "The column is a number field (an amount, a head count), but the cell holds "
                 "more than a number: a unit (50万, 100人), a currency sign (¥, $), a number "
                 "in Chinese words (五十), or several numbers. Thousands separators (1,234.5) "
                 "and signs are fine."),
        why=("CRM 的数字字段只存数字，这样才能求和、排序和筛选；带单位的值导入时会被拒绝。",
             "A CRM number field stores numbers only, so that it can add, sort and filter "
             "them; a value with a unit is refused."),
        fix=("只保留数字，并换算成字段约定的单位，例如“50万”写成 500000；单位可以写进列名或备注。"
             "Excel 中可以用 查找和替换（Ctrl+H）批量删掉“元”“人”之类的文字。",
             "Keep the number alone, in the unit the field expects: 500000 for 50万. Units "
             "belong in the header or the notes. In Excel, Find and Replace (Ctrl+H) removes "
             "words such as 元 or 人 from a whole column."),
    ),
    entry(
        "number.out_of_range", E, ("数字超出范围", "Number out of range"),
        ("「{header}」{value} 超出允许的范围（{detail}），请核对。",
         "\"{header}\" {value} is outside the allowed range ({detail}); check it."),
        meaning=("数字超出了模板为这个字段规定的范围（min / max），例如员工人数是负数、折扣超过 100"
                 "。括号中是允许的范围。",
                 "The number is outside the range the template sets for the field (min / max): "
                 "a negative head count, a discount over 100. The brackets give the range."),
        why=("超出范围的值多半是录入错误（多打了一个 0、单位弄错了），导入后会扭曲统计，模板因此设"
             "了界限。",
             "A value out of range is most likely a typing mistake (a 0 too many, the wrong "
             "unit) that would skew every report after the import; that is why the template "
             "sets bounds."),
        fix=("对照原始资料改正这个数字；如果值确实正确而范围太窄，请维护模板的人修改 min/max"
             "（crmkit template show 显示当前范围）。",
             "Check the number against the source and correct it; if it is right and the "
             "range too narrow, ask whoever keeps the template to change min/max (crmkit "
             "template show lists them)."),
    ),
    entry(
        "number.decimals", E, ("小数位数过多", "Too many decimals"),
        ("「{header}」{value} 的小数位数过多，最多 {detail} 位，请四舍五入后再填。",
         "\"{header}\" {value} has too many decimals; at most {detail} are allowed. Round it."),
        meaning=("数字的小数位数多于模板允许的位数（decimals），例如金额只允许 2 位小数，却写了 "
                 "1234.567。",
                 "The number has more decimals than the template allows (decimals): 1234.567 "
                 "where an amount takes two, say."),
        why=("CRM 会截断或拒绝多出的小数位；截断后的值与表格中的不一样，却没有任何提示。",
             "The CRM cuts or refuses extra decimals; a cut value differs from your "
             "spreadsheet's without a word."),
        fix=("四舍五入到允许的位数后重新填写：Excel 中可以在旁边一列用 =ROUND(A2,2) 算出结果，再"
             "复制 → 选择性粘贴 → 数值 覆盖原列。",
             "Round it to the decimals allowed: in Excel, compute =ROUND(A2,2) in a spare "
             "column, then copy → Paste Special → Values over the original column."),
    ),
    entry(
        "choice.invalid", E, ("不是可选的值", "Not one of the options"),
        ("「{header}」{value} 不是可选的值，只能填：{detail}。",
         "\"{header}\" {value} is not one of the options: {detail}."),
        meaning=("这一列只能填模板列出的选项之一（例如客户级别 A、B、C，或从下拉列表中选的行业），"
                 "这一格的值不是任何一个选项，也不是选项的别名（大小写、空格和全角半角不影响匹配）"
                 "。crmkit 会给出最接近的选项作为建议。",
                 "The column takes one of the template's options (customer level A, B or C, an "
                 "industry from a dropdown), and this value is neither an option nor an alias "
                 "of one (case, spaces and full-width forms do not matter). crmkit suggests the "
                 "closest option."),
        why=("CRM 的单选字段只接受后台设置好的选项，其他值会被拒绝或清空。",
             "A CRM choice field accepts only the options set up by the admin; anything else "
             "is refused or emptied."),
        fix=("改为消息中列出的某个选项（注意错别字）。用 crmkit template excel 模板名 生成带下拉"
             "列表的空白模板，按下拉列表填写最不容易出错。需要新选项时，请管理员先在 CRM 后台"
             "添加，再更新模板的 options。",
             "Use one of the options the message lists (watch for typos). crmkit template "
             "excel NAME writes a blank workbook with dropdown lists, the surest way to fill "
             "the column. For a new option, have the admin add it in the CRM first, then add "
             "it to the template's options."),
    ),
    entry(
        "bool.invalid", E, ("应填是或否", "Yes or no expected"),
        ("「{header}」{value} 应填“是”或“否”。", "\"{header}\" {value}: write yes or no (是/否)."),
        meaning=("这一列是“是/否”字段，这一格的值无法认作是或否。能识别的写法有：是/否、对/错、有/"
                 "无、yes/no、y/n、true/false、1/0、✓/✗。",
                 "The column is a yes-or-no field and the value reads as neither. crmkit reads "
                 "是/否, 对/错, 有/无, yes/no, y/n, true/false, 1/0 and ✓/✗."),
        why=("CRM 的是否字段只有两个值；“待定”“不清楚”这样的值导入时会被拒绝，或者被当成“否”。",
             "A CRM yes/no field has two values; 待定 (to be decided) or 不清楚 (unknown) is "
             "refused, or taken for no."),
        fix=("改成“是”或“否”；确实不知道时留空（这一列不是必填项时）。",
             "Write 是 or 否; leave the cell empty if you really do not know (when the field "
             "is not required)."),
    ),
    entry(
        "url.invalid", E, ("网址格式错误", "Invalid web address"),
        ("「{header}」{value} 不是完整的网址，请写成 https://www.example.com 这样的形式。",
         "\"{header}\" {value} is not a complete web address; write it like "
         "https://www.example.com."),
        meaning=("这一列是网址字段，这一格却不是完整的网址：缺少 http:// 或 https://"
                 "（www.example.com）、中间有空格，或者没有域名后缀。只缺协议时，crmkit 会建议加上 "
                 "https://。",
                 "The column is a web address field, and the cell is not a complete address: "
                 "http:// or https:// is missing (www.example.com), it holds spaces, or the "
                 "domain has no ending. When only the scheme is missing, crmkit suggests "
                 "adding https://."),
        why=("CRM 的网址字段要求完整地址才能点开；不完整的值会被拒绝，或者成为点不开的链接。",
             "The CRM needs a complete address for a link that opens; an incomplete one is "
             "refused, or becomes a link that leads nowhere."),
        fix=("写成 https://www.example.com 这样的完整网址（从浏览器地址栏复制最稳妥）；没有网址就"
             "留空。",
             "Write the full address, like https://www.example.com (copying it from the "
             "browser's address bar is safest); leave the cell empty if there is none."),
    ),
    entry(
        "tag.unknown", E, ("未知标签", "Unknown tag"),
        ("「{header}」中的标签「{detail}」不在模板的标签组中。请改为已有的标签，"
         "或先请管理员在标签组中添加它。",
         "\"{header}\": the tag \"{detail}\" is in none of the template's tag groups. Use an "
         "existing tag, or ask the admin to add it to a tag group first."),
        meaning=("标签列中的这个标签不在模板的任何标签组中。钉钉的标签由管理员在后台按标签组设置；"
                 "crmkit 会给出最接近的已有标签作为建议。",
                 "The tag is in none of the template's tag groups. DingTalk's tags are set up "
                 "by the admin, in tag groups; crmkit suggests the closest existing tag."),
        why=("钉钉导入时只能使用后台已有的标签，不存在的标签会让这一行导入失败，而标签又是必填项。",
             "DingTalk's import takes only the tags set up already; an unknown one fails the "
             "row, and a tag is required."),
        fix=("改为已有的标签（注意错别字；多个标签用逗号分隔），crmkit template show 列出全部标签组"
             "和标签。确实需要新标签时，请管理员先在钉钉后台的标签组中添加，再把它加进模板的 "
             "tag_groups，然后重新检查。",
             "Use an existing tag (watch for typos; separate several with commas); crmkit "
             "template show lists every tag group and tag. If a new tag is really needed, the "
             "admin adds it to a tag group in DingTalk first; then add it to the template's "
             "tag_groups and check again."),
    ),
    entry(
        "tag.ambiguous", E, ("标签属于多个组", "Tag in several groups"),
        ("「{header}」中的标签{detail}，请写成「组名:标签」以说明是哪一个。",
         "\"{header}\": the tag {detail}; write it as group:tag to say which."),
        meaning=("这个标签名同时出现在两个或更多标签组中（例如“重要”既在“客户等级”组，也在“跟进"
                 "状态”组），只写标签名无法确定是哪一个。",
                 "The tag's name is in two or more tag groups (重要 in both 客户等级 and "
                 "跟进状态, say), so the name alone does not say which is meant."),
        why=("钉钉按“组 + 标签”保存标签；认错了组，客户就被归进错误的分类，互斥组的检查也会按错误"
             "的组进行。",
             "DingTalk stores a tag with its group; the wrong group files the customer under "
             "the wrong category, and the exclusive-group check would judge the wrong group."),
        fix=("写成“组名:标签”，例如“客户等级:重要”（也可以用 /、全角冒号分隔）。",
             "Write group:tag, like 客户等级:重要 (a / or a full-width colon works too)."),
    ),
    entry(
        "tag.group_conflict", E, ("互斥标签", "Mutually exclusive tags"),
        ("「{header}」{value} 中{detail}，同一组的标签互斥，一位客户只能有其中一个，请只保留一个。",
         "\"{header}\" {value}: {detail}; the tags of this group are mutually exclusive, so "
         "a customer has one of them. Keep one."),
        meaning=("同一行中有两个或更多标签属于同一个互斥标签组，例如“客户阶段”组的“潜在”和“已成交”"
                 "。用 --merge-tags 合并重复行的标签时也可能出现。",
                 "Two or more tags of one row belong to the same exclusive tag group: 潜在 and "
                 "已成交 of the group 客户阶段, say. --merge-tags can bring them together too, "
                 "when it merges a duplicate's tags."),
        why=("钉钉中同一组的标签互斥，一位客户只能有其中一个；同时写两个会导入失败，或者只留下其中"
             "一个，而你不知道是哪个。",
             "In DingTalk the tags of one group exclude each other: a customer has one. Two of "
             "them fail the import, or one is kept and you cannot know which."),
        fix=("只保留符合客户现状的那一个标签，删除同组的其他标签；不同组的标签可以自由组合。这个组"
             "本不该互斥时，请维护模板的人把它的 exclusive 设为 false。",
             "Keep the one tag that describes the customer now and delete the others of its "
             "group; tags of different groups combine freely. If the group should not be "
             "exclusive, ask whoever keeps the template to set its exclusive to false."),
    ),
    entry(
        "cell.error", E, ("单元格是错误值", "Error value in a cell"),
        ("「{header}」是 Excel 错误值 {value}（公式出错或引用失效），不是数据。请在原表中修正"
         "公式，或把这一列“选择性粘贴为数值”后重新填写这一格。",
         "\"{header}\" holds the Excel error {value} (a broken formula or reference), not "
         "data. Fix the formula in the original file, or paste the column as values and fill "
         "in this cell."),
        meaning=("这一格是 Excel 的错误值，例如 #N/A、#REF!、#DIV/0!、#VALUE!、#NAME?（或 "
                 "LibreOffice 的 Err:502）：公式出错或引用失效时显示的结果，不是数据。",
                 "The cell holds an Excel error value (#N/A, #REF!, #DIV/0!, #VALUE!, #NAME?, "
                 "or LibreOffice's Err:502): what a broken formula or reference shows, not "
                 "data."),
        why=("错误值不是客户信息；导入时它会被当成文本（一个叫 #N/A 的手机号码），或者被拒绝。常见"
             "原因是 VLOOKUP 没查到，或者引用的工作表、文件已被删除。",
             "An error value is no customer's data; an import would take it as text (a "
             "phone number called #N/A) or refuse it. Usually a VLOOKUP found nothing, or a "
             "referenced sheet or file was deleted."),
        fix=("在原表中修正公式（VLOOKUP 查不到时检查查找值，或用 IFERROR 返回空值），然后把这一列"
             "复制 → 选择性粘贴 → 数值；或者直接在这一格填入正确的值。",
             "Fix the formula in the original (check the lookup value when a VLOOKUP finds "
             "nothing, or wrap it in IFERROR to return empty), then copy the column → Paste "
             "Special → Values; or type the right value into the cell."),
    ),
)

del E
