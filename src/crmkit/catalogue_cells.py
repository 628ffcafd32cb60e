"""Catalogue entries: a cell's value - required values, text, and phone numbers."""

from __future__ import annotations

from crmkit.catalogue_model import Bilingual, Severity, entry

E = Severity.ERROR

TOPIC = Bilingual("单元格：必填项、文本与手机号码",
                  "Cells: required values, text and phone numbers")

CODES = (
    entry(
        "required.missing", E, ("必填项为空", "Required value missing"),
        ("「{header}」是必填项，这一格是空的（或只有空格、标点），请补上。",
         "\"{header}\" is required and this cell is empty (or holds only spaces or "
         "punctuation); fill it in."),
        meaning=("模板规定必须填写的字段（钉钉外部联系人：姓名、手机号码、标签）在这一行是空的，或"
                 "者只有空格、标点这类没有内容的字符。",
                 "A field the template requires (for DingTalk external contacts: 姓名, 手机号码, "
                 "标签) is empty on this row, or holds nothing but spaces or punctuation."),
        why=("钉钉批量导入时，必填项为空的行会被拒绝；crmkit 提前找出来，免得上传后再一行行返工。",
             "DingTalk's batch import refuses a row with a required value missing; crmkit "
             "finds them first, so the rows are not sent back one upload at a time."),
        fix=("在 errors.xlsx 的「待修正」中补上这一格，再对改好的文件运行 crmkit validate。标签为空"
             "时填一个已有的标签（crmkit template show 列出标签组）；实在不知道填什么，请管理员"
             "新建一个如“待分类”的标签。",
             "Fill in the cell on the 待修正 sheet of errors.xlsx and run crmkit validate on "
             "the corrected file. For an empty tag, use an existing one (crmkit template show "
             "lists the tag groups); if none fits, ask the admin for a tag such as 待分类 "
             "(to be sorted)."),
    ),
    entry(
        "text.too_long", E, ("内容过长", "Text too long"),
        ("「{header}」最多 {max_length} 个字，这里有 {length} 个字，请删减。",
         "\"{header}\" allows at most {max_length} characters; this one has {length}. "
         "Shorten it."),
        meaning=("文本超过了模板为这个字段规定的最多字数（max_length）。一个汉字、一个字母、一个空"
                 "格都算 1 个字。",
                 "The text is longer than the template's maximum for this field (max_length). "
                 "A Chinese character, a letter and a space each count as one."),
        why=("超长的值在导入时会被拒绝或截断，截断时不会有任何提示。常见原因是几项内容挤进了一格"
             "（姓名后面跟着公司和职位），或备注里粘贴了整段聊天记录。内置钉钉模板的上限是 crmkit "
             "的默认值，用来拦住误粘贴的大段内容，派生模板可以修改。",
             "A value over the limit is refused or cut short on import, the latter without a "
             "word. Usually several things were squeezed into one cell (a name followed by the "
             "company and job title) or a whole chat was pasted into the notes. The shipped "
             "DingTalk template's limits are crmkit's defaults, set to catch pasted blocks of "
             "text; a derived template can change them."),
        fix=("删减到上限以内，多出的信息挪到合适的列（公司、职位、备注）。Excel 中可以用 =LEN(A2) "
             "查看一格的字数。",
             "Shorten it to the limit and move the extra information to the right column "
             "(公司, 职位, 备注). In Excel, =LEN(A2) counts a cell's characters."),
    ),
    entry(
        "text.too_short", E, ("内容过短", "Text too short"),
        ("「{header}」至少要 {min_length} 个字，这里只有 {length} 个字，请补全。",
         "\"{header}\" needs at least {min_length} characters; this one has {length}. "
         "Complete it."),
        meaning=("文本少于模板为这个字段规定的最少字数（min_length），例如只写了姓，或者编号少了几位。",
                 "The text is shorter than the template's minimum for this field (min_length): "
                 "a surname alone, say, or a code missing some digits."),
        why=("模板规定最少字数，通常是因为更短的值在 CRM 中没法用：只写“王”分不清客户，位数不对的"
             "编号对不上其他系统。",
             "A template sets a minimum because shorter values are of no use in the CRM: 王 "
             "alone tells no customer apart, and a code of the wrong length matches nothing in "
             "other systems."),
        fix=("补全这一格：写全名、完整的编号。如果这个限制不合理，请维护模板的人修改 min_length"
             "（crmkit template show 显示当前规则）。",
             "Complete the cell: the full name, the whole code. If the minimum is wrong, ask "
             "whoever keeps the template to change min_length (crmkit template show lists the "
             "rules)."),
    ),
    entry(
        "text.pattern", E, ("格式不符", "Does not match the format"),
        ("「{header}」{value} 不符合模板要求的格式{detail}，请按「填写说明」改正。",
         "\"{header}\" {value} does not match the format the template asks for{detail}; "
         "correct it as the instructions say."),
        meaning=("这一格不符合模板为该字段规定的格式（pattern，一个正则表达式），例如统一社会信用代"
                 "码应为 18 位、客户编号应以 KH 开头。括号中是模板的填写说明。",
                 "The cell does not have the form the template sets for the field (pattern, a "
                 "regular expression): a unified social credit code of 18 characters, a "
                 "customer code starting with KH, say. The brackets give the template's "
                 "instructions."),
        why=("有固定格式的字段通常要和其他系统对接，或者用来查找；格式不对的值导入后查不到、"
             "对不上。",
             "A field with a fixed form usually links to another system or is searched on; a "
             "value in the wrong form cannot be found or matched after the import."),
        fix=("按模板的填写说明改正：crmkit template show 模板名 列出每一列的规则，crmkit template "
             "excel 模板名 生成带说明的空白模板。常见原因：少了前导 0（先把这一列设为“文本”格式再"
             "重新输入）、多写或少写了字符、用了模板不允许的字符（如短横线、空格）。",
             "Correct it as the template's instructions say: crmkit template show NAME lists "
             "each column's rules, and crmkit template excel NAME writes a blank workbook with "
             "them. Common causes: a lost leading 0 (format the column as Text, then type it "
             "again), a character too many or too few, or characters the pattern does not "
             "allow (dashes, spaces)."),
    ),
    entry(
        "phone.invalid", E, ("手机号码无效", "Invalid phone number"),
        ("「{header}」{value} 不是有效的电话号码{detail}，请核对后改正。",
         "\"{header}\" {value} is not a valid phone number{detail}; check and correct it."),
        meaning=("这一格不是有效的电话号码：位数不对（中国大陆手机号码是以 1 开头的 11 位数字）、混"
                 "进了字母（小写 l、大写 O 误作 1、0）、号码前写了“手机：”之类的文字、“+”不在最前面"
                 "、手机号码后带了分机号，或者号段不存在。括号中是原因；crmkit 能推算出正确写法时会"
                 "给出建议。",
                 "The cell is not a valid phone number: the wrong number of digits (mainland "
                 "Chinese mobiles have 11, starting with 1), letters mixed in (l and O typed for "
                 "1 and 0), a label such as 手机： in front, a \"+\" not at the start, an "
                 "extension on a mobile number, or a number range that does not exist. The "
                 "brackets give the reason; crmkit suggests the number when it can work it out."),
        why=("钉钉按手机号码识别外部联系人，无效号码会被拒绝。而且号码导入后不能修改，只能删除联系"
             "人再重新添加，所以必须在导入前改对。",
             "DingTalk identifies an external contact by the mobile number and refuses an "
             "invalid one. And a number cannot be edited after the import, only deleted with "
             "the contact and added again, so it must be right before the upload."),
        fix=("按消息中的原因和建议改正，拿不准时核对原始资料（名片、合同、旧系统）。空格、短横线、"
             "括号和 +86 前缀可以保留，crmkit 会去掉它们。为防止 Excel 改写号码，把整列设为“文本”"
             "格式：选中列 → 右键 → 设置单元格格式 → 文本。",
             "Correct it as the reason and the suggestion say, and check the source (business "
             "card, contract, old system) when in doubt. Spaces, dashes, brackets and a +86 "
             "prefix may stay: crmkit removes them. To stop Excel rewriting numbers, format "
             "the column as Text: select it → right-click → Format Cells → Text."),
    ),
    entry(
        "phone.not_mobile", E, ("不是手机号码", "Not a mobile number"),
        ("「{header}」{value} 是{detail}，不是手机号码。此模板只接受手机号码，请改为客户的手机号。",
         "\"{header}\" {value} is {detail}, not a mobile number. This template accepts mobile "
         "numbers only; use the customer's mobile number."),
        meaning=("这是一个有效的号码，但不是手机号码：例如固定电话（010-62345678）、400 或 800 企业"
                 "电话。模板的这一列只接受手机号码。",
                 "The number is valid but not a mobile number: a landline (010-62345678), a "
                 "400 or 800 business number. The template's column takes mobile numbers only."),
        why=("钉钉外部联系人以手机号码为准：添加、查重、联系都靠它，座机和 400 号码会被拒绝。",
             "A DingTalk external contact is its mobile number: adding, de-duplicating and "
             "reaching the contact all go by it, and landlines or 400 numbers are refused."),
        fix=("改为客户本人的手机号码；座机等号码写进备注，或写进模板中专门的电话列（例如钉钉 CRM "
             "客户模板的“固定电话”）。",
             "Use the customer's own mobile number; put the landline in the notes, or in the "
             "template's own column for it (固定电话 in the DingTalk CRM customer template)."),
    ),
    entry(
        "phone.type_not_allowed", E, ("号码类型不符", "Number type not accepted"),
        ("「{header}」{value} 是{detail}，此模板不接受这种号码，请改为模板要求的号码类型。",
         "\"{header}\" {value} is {detail}, which this template does not accept; use a number "
         "of the type it asks for."),
        meaning=("这是一个有效的号码，但它的类型（手机、固定电话、400 企业电话、免费电话、网络电话"
                 "等）不在模板为这一列允许的类型（number_types）中。例如钉钉 CRM 客户模板的“固定电"
                 "话”列不收手机号码。",
                 "The number is valid, but its type (mobile, landline, 400 business number, "
                 "toll-free, VoIP...) is not among those the template allows in this column "
                 "(number_types). The 固定电话 column of the DingTalk CRM customer template, "
                 "for one, takes no mobile numbers."),
        why=("模板按 CRM 的字段规定了号码类型；放错列的号码导入后会出现在错误的字段里，或者被"
             "拒绝。",
             "The template follows the CRM's fields in the types it allows; a number in the "
             "wrong column ends up in the wrong field, or is refused."),
        fix=("把号码移到接受这种类型的列（例如手机号码移到“手机号码”列），或换成正确类型的号码。"
             "crmkit template show 列出每一列接受的号码类型。",
             "Move the number to the column that takes its type (a mobile number to 手机号码), "
             "or use a number of the right type. crmkit template show lists the types each "
             "column takes."),
    ),
    entry(
        "phone.multiple", E, ("一格中有多个号码", "Several numbers in one cell"),
        ("「{header}」{value} 含有多个号码，一格只能填一个手机号。"
         "请只保留一个，其他号码可以写到备注里。",
         "\"{header}\" {value} holds several numbers; a cell takes exactly one. Keep one and "
         "move the others to the notes."),
        meaning=("一格里写了两个或更多号码，例如“13800138000/13900139000”或“13800138000 或 "
                 "13900139000”。crmkit 把其中第一个有效的号码作为建议。",
                 "The cell holds two or more numbers: 13800138000/13900139000, or 13800138000 "
                 "或 13900139000. crmkit suggests the first valid one."),
        why=("钉钉的手机号码字段一格只能有一个号码；写了多个的行会被拒绝，CRM 也无法知道哪一个是"
             "客户的主号码。",
             "DingTalk's mobile field holds one number; a row with several is refused, and the "
             "CRM could not know which is the customer's main number anyway."),
        fix=("只保留客户最常用的一个号码（消息给出了建议），其他号码写进备注，例如“备用：13900139000”。",
             "Keep the number the customer uses most (the message suggests one) and put the "
             "others in the notes: 备用：13900139000 (spare)."),
    ),
    entry(
        "phone.digits_lost", E, ("号码被科学计数法截断", "Digits lost to scientific notation"),
        ("「{header}」{value} 是科学计数法，号码的后几位已经丢失，无法恢复。"
         "请从原始资料中找回完整号码，并把这一列设为“文本”格式后重新填写。",
         "\"{header}\" {value} is in scientific notation: the last digits are lost and cannot "
         "be recovered. Get the full number from the original source and format the column "
         "as Text before typing it again."),
        meaning=("号码以科学计数法出现，例如 1.38001E+10。这说明它曾在 Excel 中以“常规”或“数值”"
                 "格式显示，又被存成了文本（例如导出 CSV 时），后几位数字已被舍入成 0，真实的号码"
                 "已经不在文件里了。",
                 "The number is in scientific notation, like 1.38001E+10: Excel showed it in "
                 "the General or Number format and it was then saved as text (in a CSV export, "
                 "say). The last digits were rounded to 0; the real number is no longer in the "
                 "file."),
        why=("丢失的数字无法还原，猜一个号码导入比拒绝更糟：号码导入后不能修改，错号就成了一个永远"
             "联系不上的“客户”。",
             "Lost digits cannot be restored, and importing a guessed number is worse than "
             "refusing it: a number cannot be edited after the import, so a wrong one becomes "
             "a customer nobody can reach."),
        fix=("从原始资料（旧系统、名片、最初的表格）找回完整号码。以后先把手机号码列设为“文本”"
             "（选中列 → 设置单元格格式 → 文本）再粘贴或输入；导出 CSV 前确认号码显示为完整的 11 "
             "位数字。",
             "Get the full number from the source (the old system, a business card, the first "
             "spreadsheet). In future, format the phone column as Text (select it → Format "
             "Cells → Text) before pasting or typing; before a CSV export, check that the "
             "numbers show all 11 digits."),
    ),
    entry(
        "phone.region_not_allowed", E, ("号码所属地区不符", "Number from another region"),
        ("「{header}」{value} 是{detail}的号码，此模板只接受指定国家或地区的号码。",
         "\"{header}\" {value} is a number from {detail}; this template accepts numbers "
         "from the regions it names only."),
        meaning=("这是一个有效的号码，但属于模板这一列不接受的国家或地区（regions），例如只收中国大"
                 "陆号码的列里出现了香港（+852）号码。不带国家代码的号码按模板的地区（通常是 CN）或"
                 " --region 理解。",
                 "The number is valid but from a country or region the column does not accept "
                 "(regions): a Hong Kong (+852) number in a column for mainland numbers, say. "
                 "Numbers without a country code are read as the template's region (usually "
                 "CN) or --region's."),
        why=("有的 CRM 或业务只能使用指定地区的号码（例如短信只能发往中国大陆），其他地区的号码导入"
             "后用不了，或者被拒绝。",
             "Some CRMs and businesses can use numbers of certain regions only (text messages "
             "to mainland China only, say); other numbers are of no use after the import, or "
             "are refused."),
        fix=("核对号码和国家代码：写错了就改正；客户确实只有这个地区的号码时，请维护模板的人把该地"
             "区加进 regions，或把号码记在备注里。整份名单都是同一地区的客户时，用 --region 指定，"
             "例如 --region HK。",
             "Check the number and its country code and correct a mistake; if the customer "
             "really has only a number from there, ask whoever keeps the template to add the "
             "region to regions, or note the number in the notes. For a list whose customers "
             "all live in one region, name it: --region HK."),
    ),
)

del E
