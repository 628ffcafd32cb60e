"""Catalogue entries: rows against each other and against the CRM - colleagues, duplicates,
contacts already in the CRM, and the list as a whole (no rows, the contact limit)."""

from __future__ import annotations

from crmkit.catalogue_model import Bilingual, Severity, entry

E, W, N = Severity.ERROR, Severity.WARNING, Severity.NOTICE

TOPIC = Bilingual("同事、重复与联系人上限", "Colleagues, duplicates and the contact limit")

CODES = (
    entry(
        "person.multiple", E, ("只能填一位同事", "Only one colleague allowed"),
        ("「{header}」{value} 填了多个人，这一列只能填一位同事的姓名。",
         "\"{header}\" {value} names several people; this column takes one colleague's name."),
        meaning=("负责人这类只能填一位同事的列里，写了两个或更多姓名（用逗号、顿号、斜杠等分隔）。",
                 "A column that takes one colleague, such as 负责人 (owner), names two or more "
                 "(separated by commas, 、, slashes...)."),
        why=("钉钉的负责人只能是一个人；写了多个姓名的行会导入失败，或者匹配不到任何同事。",
             "A DingTalk customer has one owner; a row naming several fails the import or "
             "matches no colleague at all."),
        fix=("只保留一位负责人；其他需要看到这位客户的同事写进“共享给”列（可以写多位，用逗号"
             "分隔）。",
             "Keep one owner; the other colleagues who should see the customer go in the "
             "共享给 (share-to) column, which takes several, separated by commas."),
    ),
    entry(
        "person.is_phone", E, ("应填姓名而非号码", "A name is expected, not a number"),
        ("「{header}」{value} 像是电话号码。钉钉按同事在企业通讯录中的真实姓名匹配，请改为姓名。",
         "\"{header}\" {value} looks like a phone number. DingTalk matches colleagues by their "
         "real name in the company directory; write the name."),
        meaning=("负责人、共享给这类应填同事姓名的列里，写的是一个像电话号码的值。",
                 "A column for a colleague's name (负责人, 共享给) holds what looks like a phone "
                 "number."),
        why=("钉钉按同事在企业通讯录中的真实姓名分配负责人和共享人，不认手机号码；写号码的行分配"
             "不到任何人。",
             "DingTalk assigns owners and share-to colleagues by their real name in the "
             "company directory, not by phone number; a row with a number is assigned to "
             "nobody."),
        fix=("改为这位同事在钉钉通讯录中的真实姓名（不是昵称）。不知道是谁时，在钉钉通讯录中搜索"
             "这个号码，或者导出通讯录后用 --staff 检查。",
             "Write the colleague's real name as the DingTalk directory has it (not a "
             "nickname). If you do not know who it is, search the directory for the number, "
             "or export the directory and check with --staff."),
    ),
    entry(
        "duplicate.in_file", E, ("重复的行", "Duplicate row"),
        ("「{header}」{value} 与第 {first_row} 行的号码相同。同一号码只能导入一次："
         "以第 {first_row} 行为准，这一行不导入。如果这是另一位客户，请核对号码。",
         "\"{header}\" {value} is the number of row {first_row}. A number is imported once: "
         "row {first_row} is kept and this row is not imported. If this is another customer, "
         "check the number."),
        meaning=("这一行的手机号码与文件中另一行相同（按整理后的号码比较：138-0013-8000、"
                 "+86 13800138000 和 13800138000 是同一个号码）。crmkit 保留其中一行（默认是先出现"
                 "的一行，--keep 可以改为最后一行或最完整的一行），其余的不导入。",
                 "The row's mobile number is another row's too (compared once cleaned: "
                 "138-0013-8000, +86 13800138000 and 13800138000 are one number). crmkit keeps "
                 "one row (the first by default; --keep picks the last or the most complete "
                 "instead) and does not import the others."),
        why=("钉钉不允许同一个手机号码成为两个外部联系人：第二次导入会被拒绝，提示“已被添加”。",
             "DingTalk does not let one mobile number be two external contacts: the second "
             "is refused as already added (已被添加)."),
        fix=("打开 errors.xlsx 的「重复」工作表，每组第一行是保留的行：看看被去掉的行里有没有保留行"
             "缺少的信息（公司、备注、标签），有就手动补进保留行；想合并标签可以加 --merge-tags。"
             "如果其实是两位不同的客户，核对号码并改正其中一个。",
             "Open the 重复 sheet of errors.xlsx; the first row of each group is the one kept. "
             "If a dropped row holds something the kept one lacks (company, notes, tags), copy "
             "it into the kept row; --merge-tags merges the tags for you. If the rows are two "
             "different customers, check the numbers and correct one."),
    ),
    entry(
        "duplicate.value", E, ("值重复", "Value repeated"),
        ("「{header}」{value} 与第 {first_row} 行相同，这一列的值不能重复。"
         "请核对是哪一行填错了，改正后重新检查。",
         "\"{header}\" {value} is also in row {first_row}, and this column's values must be "
         "unique. Find which row is wrong, correct it and check again."),
        meaning=("模板规定这一列的值不能重复（unique，例如会员编号、客户编号），而这个值与前面某一"
                 "行相同。与手机号码重复不同，crmkit 无法判断哪一行是对的，所以后出现的那一行退回"
                 "修改。",
                 "The template says this column's values are unique (a member or customer "
                 "code, say), and the value is also on an earlier row. Unlike a repeated phone "
                 "number, crmkit cannot tell which row is right, so the later one is sent back "
                 "to be fixed."),
        why=("唯一字段用来识别客户；两位客户共用一个编号，导入后记录会互相覆盖或被 CRM 拒绝。",
             "A unique field identifies a customer; two customers sharing one code overwrite "
             "each other in the CRM, or are refused."),
        fix=("对照原始资料找出哪一行的值写错了并改正；如果两行其实是同一位客户，删掉其中一行。",
             "Find in the source which row has the wrong value and correct it; if the two "
             "rows are one customer, delete one of them."),
    ),
    entry(
        "person.unknown", E, ("通讯录中没有这位同事", "Not in the company directory"),
        ("「{header}」{value} 不在企业通讯录中{detail}。钉钉按通讯录中的真实姓名匹配同事，"
         "请改为通讯录中的姓名。",
         "\"{header}\" {value} is not in the company directory{detail}. DingTalk matches "
         "colleagues by their name in the directory; use that name."),
        meaning=("负责人或共享给中的这个姓名，在 --staff 给出的企业通讯录中找不到任何同事（比较时"
                 "忽略空格、大小写和全角半角）。消息列出最接近的姓名，足够接近时给出建议。",
                 "The name in 负责人 or 共享给 matches nobody in the company directory given "
                 "with --staff (spaces, case and full-width forms aside). The message lists the "
                 "closest names and suggests one when it is close enough."),
        why=("钉钉只能把客户分配或共享给通讯录中的同事，并且按真实姓名匹配；昵称、英文名、错别字都"
             "匹配不上，这一行会导入失败。",
             "DingTalk assigns and shares customers with colleagues in the directory only, "
             "matched by real name; a nickname, an English name or a typo matches nobody and "
             "the row fails the import."),
        fix=("改为通讯录中的真实姓名（消息列出了最接近的几位）。这位同事刚入职，或 --staff 文件"
             "不是最新的时，从钉钉管理后台重新导出通讯录后再检查。",
             "Use the real name as the directory has it (the message lists the closest). If "
             "the colleague joined recently or the --staff file is old, export the directory "
             "from the DingTalk admin console again and check again."),
    ),
    entry(
        "person.ambiguous", W, ("同名同事", "Several colleagues share this name"),
        ("「{header}」{value}：通讯录中有 {count} 位同事叫这个名字（{detail}），钉钉导入时会"
         "随机匹配其中一位。请导入后在 CRM 中核对「{header}」，或请管理员在通讯录中区分姓名。",
         "\"{header}\" {value}: {count} colleagues in the directory have this name ({detail}), "
         "and DingTalk matches one of them at random. Check \"{header}\" in the CRM after the "
         "import, or ask the admin to make the names distinct."),
        meaning=("通讯录中有两位或更多在职同事叫这个名字；消息按部门和打码的手机号码区分了他们。",
                 "Two or more current colleagues in the directory have this name; the message "
                 "tells them apart by department and masked phone number."),
        why=("钉钉导入时遇到同名同事，会随机分配给其中一位，客户可能被分给错误的人，而且没有任何"
             "提示。crmkit 默认只警告（这一行照常导入）；加 --strict 时这一行不导入。",
             "Faced with namesakes, DingTalk assigns one of them at random: the customer may "
             "go to the wrong person, without a word. crmkit warns by default (the row is "
             "still imported); under --strict the row is not imported."),
        fix=("导入后在 CRM 中逐个核对这些客户的负责人、共享人并手动调整；或者请管理员在通讯录中把"
             "同名同事的姓名区分开（例如“张伟（销售部）”），更新 --staff 文件和表格中的姓名后再"
             "导入。",
             "After the import, check these customers' owner and share-to in the CRM one by "
             "one and correct them; or have the admin make the names distinct in the "
             "directory (张伟（销售部）, say), then update the --staff file and the names in "
             "your list before importing."),
    ),
    entry(
        "person.inactive", E, ("同事已离职", "Colleague has left"),
        ("「{header}」{value} 在通讯录中的状态是「{detail}」，钉钉无法把客户分配或共享给"
         "已离职的同事。请改为在职同事的姓名。",
         "\"{header}\" {value} is marked \"{detail}\" in the directory; DingTalk cannot "
         "assign or share a customer with a colleague who has left. Use a current colleague."),
        meaning=("这个姓名在通讯录中只对应已离职（或停用）的同事，没有在职的同名同事。消息给出了"
                 "通讯录中的状态。",
                 "Everyone of this name in the directory has left (or is disabled); no current "
                 "colleague has it. The message gives the directory's status."),
        why=("钉钉无法把客户分配或共享给已经离职的人；这一行会导入失败，即使导入了也没人跟进。",
             "DingTalk cannot assign or share a customer with someone who has left; the row "
             "fails the import, and would have nobody following it up anyway."),
        fix=("改为接手这位同事工作的在职同事的姓名。如果他其实仍然在职，更新通讯录导出文件"
             "（--staff）中的状态后再检查。",
             "Name the current colleague who took over the work. If the person has not left "
             "after all, correct the status in the directory export (--staff) and check "
             "again."),
    ),
    entry(
        "phone.internal_member", E, ("号码属于企业内部成员", "Number of a colleague"),
        ("「{header}」{value} 是同事「{staff_name}」在通讯录中的号码。企业内部成员不能被添加为"
         "外部联系人，这一行不导入。如果这是客户的号码，请同时核对通讯录。",
         "\"{header}\" {value} is the number of your colleague \"{staff_name}\" in the "
         "directory. A member of the company cannot be added as an external contact, so this "
         "row is not imported. If it really is the customer's number, check the directory."),
        meaning=("这一行客户的手机号码，与 --staff 通讯录中一位在职同事的号码相同。",
                 "The customer's mobile number is the number of a current colleague in the "
                 "--staff directory."),
        why=("钉钉规定企业内部成员的手机号码不能添加为外部联系人，导入时这一行会被拒绝。常见原因是"
             "销售把自己的号码填成了客户的，或者客户资料里留的是对接同事的电话。",
             "DingTalk does not let a member's number be added as an external contact; the "
             "row is refused. Usually a salesperson typed their own number for the customer's, "
             "or the record kept the number of the colleague in charge."),
        fix=("改为客户本人的手机号码。如果这确实是客户的号码（例如那位同事已经离职而通讯录没有"
             "更新），先核对通讯录：同事在通讯录中标为离职后，这个号码就可以作为客户导入。",
             "Use the customer's own mobile number. If it really is the customer's (the "
             "colleague left and the directory was not updated, say), check the directory: "
             "once the colleague is marked as left, the number can be imported as a customer."),
    ),
    entry(
        "duplicate.existing", E, ("已是 CRM 中的联系人", "Already in the CRM"),
        ("「{header}」{value} 已是 CRM 中的联系人「{existing_name}」（见 {existing_file} 第 "
         "{existing_row} 行），导入时会被拒绝（已被添加）。这一行不导入；如需更新，请在 CRM 中"
         "直接编辑该联系人。",
         "\"{header}\" {value} is already the CRM contact \"{existing_name}\" ({existing_file}, "
         "row {existing_row}); the import would refuse it as already added. This row is not "
         "imported; to update that contact, edit it in the CRM."),
        meaning=("这一行的手机号码已经是 CRM 中的联系人：它出现在 --existing 给出的导出文件中（消息"
                 "给出了文件和行号）。",
                 "The row's mobile number is already a contact in the CRM: it is in the export "
                 "given with --existing (the message names the file and the row)."),
        why=("钉钉不允许重复添加同一个号码，导入时会提示“已被添加”并拒绝这一行。已归档的客户同样"
             "占用号码。",
             "DingTalk does not add one number twice: the import refuses the row as already "
             "added (已被添加). Archived customers keep their numbers too."),
        fix=("不要再导入这一行。要更新这位客户的信息，直接在 CRM 中编辑已有的联系人；客户属于别的"
             "同事时，请该负责人、其主管或管理员把客户共享给你。导出已有联系人时请包括已归档的"
             "客户，导出文件过旧时重新导出后再检查。",
             "Do not import the row again. To update the customer, edit the existing contact "
             "in the CRM; if it belongs to a colleague, ask its owner, their manager or the "
             "admin to share it with you. Include archived customers when you export the "
             "existing contacts, and export again when the file is old."),
    ),
    entry(
        "duplicate.other_file", E, ("与另一个文件重复", "Number of an earlier file"),
        ("「{header}」{value} 已在本次检查的 {existing_file} 第 {existing_row} 行"
         "（{existing_name}）中，同一号码只导入一次：以 {existing_file} 为准，这一行不导入。",
         "\"{header}\" {value} is already in {existing_file}, row {existing_row} "
         "({existing_name}), checked in this run. A number is imported once: {existing_file} "
         "keeps it and this row is not imported."),
        meaning=("一次检查了几个文件（crmkit validate a.xlsx b.xlsx，或一个文件夹），这一行的手机"
                 "号码已经出现在前面的某个文件中。文件按给出的顺序（文件夹按文件名）检查，先出现的"
                 "为准。",
                 "Several files were checked in one run (crmkit validate a.xlsx b.xlsx, or a "
                 "folder), and this row's mobile number is in an earlier one. Files are "
                 "checked in the order given (a folder's by name); the first keeps the number."),
        why=("这些文件会分别导入同一个 CRM：同一个号码第二次导入会被钉钉拒绝，提示“已被添加”。",
             "The files go into one CRM: the second import of a number is refused by DingTalk "
             "as already added (已被添加)."),
        fix=("不要再导入这一行；它在 errors.xlsx 的「重复」中，注明了与哪个文件的哪一行重复。如果"
             "这一行的信息更新、更完整，把它补进前一个文件的那一行；如果其实是两位不同的客户，"
             "核对号码并改正其中一个。",
             "Do not import this row; the 重复 sheet of errors.xlsx names the file and row it "
             "repeats. If this row's details are newer or fuller, copy them into that row of "
             "the earlier file; if the rows are two different customers, check the numbers "
             "and correct one."),
    ),
    entry(
        "duplicate.suspected", W, ("疑似同一客户", "Possibly the same customer"),
        ("这一行与第 {other_row} 行可能是同一位客户：{detail}相同，但号码不同。请核对；如果是"
         "同一人，只保留一行，把另一个号码写到备注。",
         "This row and row {other_row} may be the same customer: the same {detail}, but "
         "different numbers. Check them; if they are one person, keep one row and put the other "
         "number in the notes."),
        meaning=("这一行与前面某一行的姓名和公司相同（比较时忽略“有限公司”“(集团)”等后缀、空格和"
                 "大小写），但手机号码不同：可能是同一位客户录了两次、换了号码，或者留了两个号码。",
                 "This row has the name and company of an earlier row (suffixes such as 有限公司 "
                 "or (集团), spaces and case aside) but another mobile number: perhaps one "
                 "customer entered twice, with a new number, or with two numbers."),
        why=("号码不同，钉钉会把两行都作为联系人导入，同一位客户就有两条记录，跟进记录分散，还多占"
             "一个联系人名额。但同名同公司也可能真是两个人，所以只是警告，两行都会导入。",
             "With different numbers DingTalk imports both rows: one customer, two records, "
             "follow-ups split between them, and one more place of the contact limit used. But "
             "two people at one company can share a name, so this is a warning and both rows "
             "are imported."),
        fix=("核对这两行：是同一人时只保留一行（用客户最常用的号码），另一个号码写进备注；是两个人"
             "时可以不管，或在备注中注明以便区分。",
             "Check the two rows: for one person, keep one row (with the number the customer "
             "uses most) and put the other number in the notes; for two people, leave them, "
             "or tell them apart in the notes."),
    ),
    entry(
        "duplicate.tags_merged", N, ("标签已合并", "Tags merged"),
        ("第 {row} 行与第 {kept_row} 行号码相同，它的标签已合并到第 {kept_row} 行"
         "（--merge-tags）：{value}。",
         "Row {row} has the number of row {kept_row}; its tags were merged into row {kept_row} "
         "(--merge-tags): {value}."),
        meaning=("加了 --merge-tags：这一行与另一行的手机号码相同，它本身不导入，但它的标签已合并到"
                 "保留的那一行。",
                 "With --merge-tags: the row has the mobile number of another row; it is not "
                 "imported itself, but its tags were merged into the row that is kept."),
        why=("告诉你保留行的标签比原表中多了哪些，好让你确认合并结果符合预期；合并后的标签会再次按"
             "互斥标签组检查。",
             "It tells you which tags the kept row gained over your file, so you can confirm "
             "the merge is what you want; the merged tags are checked against the exclusive "
             "groups again."),
        fix=("通常不需要处理。不想合并某些标签时，在原表中删掉重复行上的这些标签后重新检查，或者"
             "去掉 --merge-tags。",
             "Usually nothing. To leave some tags out, delete them from the duplicate row in "
             "your file and check again, or drop --merge-tags."),
    ),
    entry(
        "rows.empty", W, ("没有数据行", "No data rows"),
        ("表头下面没有任何数据行，没有可导入的客户。请确认选对了文件和工作表。",
         "There are no data rows below the header, so nothing to import. Check the file and "
         "the sheet."),
        meaning=("找到了表头，但表头下面没有任何客户行：只有空行，或者只有被跳过的示例行和说明行。",
                 "The header was found, but there are no customer rows below it: only blank "
                 "rows, or only the example and instruction rows crmkit skipped."),
        why=("没有可导入的客户，upload.xlsx 是空的。这多半说明选错了文件或工作表，而不是真的没有"
             "客户，所以提醒你；加 --strict 时运行失败。",
             "With no customers to import, upload.xlsx is empty. This more often means the "
             "wrong file or sheet than an empty list, so crmkit says so; under --strict the "
             "run fails."),
        fix=("确认文件和工作表：数据在别的工作表时用 --sheet 指定。如果客户行被当成示例行跳过了"
             "（见 row.example 提示），把它移到其他客户行的下面。",
             "Check the file and the sheet: if the data is on another sheet, name it with "
             "--sheet. If a customer was skipped as an example row (see the row.example "
             "notice), move it below another customer's row."),
    ),
    entry(
        "limit.exceeded", E, ("超出联系人上限", "Contact limit exceeded"),
        ("已有 {existing} 个联系人，{tier_label}上限为 {max} 个，只能再导入 {remaining} 个；"
         "其余 {overflow} 行已放入 overflow.xlsx。请升级认证等级或清理已有联系人后再导入这些行。",
         "{existing} contacts exist and the {tier_label} limit is {max}, so only {remaining} "
         "more fit; the other {overflow} rows are in overflow.xlsx. Upgrade the certification "
         "tier or archive contacts before importing them."),
        meaning=("已有联系人数（--existing 文件的行数或 --existing-count）加上这次的有效行数，超过"
                 "了认证等级允许的外部联系人上限（团队和初级认证 2,000，中级认证 10,000，高级认证 "
                 "20,000）。放不下的行写进了 overflow.xlsx。",
                 "The contacts already in the CRM (the rows of --existing, or --existing-count) "
                 "plus this file's valid rows exceed the external-contact limit of the "
                 "certification tier (team and primary 2,000, intermediate 10,000, advanced "
                 "20,000). The rows that do not fit are in overflow.xlsx."),
        why=("钉钉按企业的认证等级限制外部联系人总数（已有的加上新导入的），超出的部分无法导入。",
             "DingTalk limits the external contacts of a company, existing plus new, by its "
             "certification tier; whatever goes over cannot be imported."),
        fix=("先导入 upload.xlsx 中放得下的行；overflow.xlsx 中的行等企业升级认证等级，或清理不再"
             "需要的联系人后再导入。确认 --tier 与企业实际的认证等级一致（或用 --limit 给出准确的"
             "上限），并且 --existing 是最新的导出。",
             "Import the rows of upload.xlsx, which fit; import those of overflow.xlsx once "
             "the company has a higher tier or has cleared out contacts it no longer needs. "
             "Check that --tier is the company's real tier (or give the exact limit with "
             "--limit) and that --existing is a fresh export."),
    ),
)

del E, W, N
