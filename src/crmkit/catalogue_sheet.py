"""Catalogue entries: the sheet's columns and what crmkit did while reading it (columns not
imported, merged cells, a two-row header, formulas, skipped example rows)."""

from __future__ import annotations

from crmkit.catalogue_model import Bilingual, Severity, entry

W, N = Severity.WARNING, Severity.NOTICE

TOPIC = Bilingual("列与读取", "Columns, and how the sheet was read")

CODES = (
    entry(
        "header.unmapped", W, ("列未导入", "Column not imported"),
        ("列「{header}」不在「{template}」模板中，这一列的数据不会被导入。"
         "如果它就是模板中的某一列，请把列名改成模板中的名称。",
         "Column \"{header}\" is not in the \"{template}\" template; its data will not be "
         "imported. If it holds one of the template's fields, rename it to that field's header."),
        meaning=("表头中的这一列不对应模板的任何字段（列名、别名都对不上，相似度也不够），它的数据"
                 "不会写进 upload.xlsx。",
                 "This column matches none of the template's fields (not by name, not by alias, "
                 "not closely enough by similarity), so its data is not written to upload.xlsx."),
        why=("钉钉只按模板的列名导入，多出来的列会被忽略。如果这一列其实是模板中的字段（例如"
             "“客户电话”就是手机号码），列名不对就会让整列数据悄悄丢失。",
             "DingTalk imports by the template's column names and ignores the rest. If this "
             "column really is one of the template's fields (客户电话 for 手机号码, say), a "
             "wrong name silently loses the whole column."),
        fix=("这一列确实不需要导入（如内部用的“客户来源”）时可以不管，或用 --map '列名=' 明确忽略"
             "它，警告就会消失。它就是模板中的某个字段时，把列名改成模板的名称，或用 "
             "--map '列名=字段' 指定。需要新的自定义字段时，先请管理员在钉钉后台添加，再把它加进"
             "模板（crmkit template new）。",
             "If the column is not meant to be imported (an internal 客户来源, say), leave it, "
             "or ignore it explicitly with --map 'header=' and the warning goes. If it is one "
             "of the template's fields, rename it to the field's header or pass "
             "--map 'header=field'. For a new custom field, have the admin add it in DingTalk "
             "first, then add it to the template (crmkit template new)."),
    ),
    entry(
        "header.blank", W, ("列没有列名", "Column without a header"),
        ("{column} 列没有列名，但下面有数据，这些数据不会被导入。"
         "如果需要导入，请填上模板中的列名。",
         "Column {column} has no header but holds data, which will not be imported. To import "
         "it, give it the template's header."),
        meaning=("某一列的表头单元格是空的，但下面的行里有数据。",
                 "A column's header cell is empty, yet rows below it hold data."),
        why=("没有列名，crmkit 和钉钉都不知道这些数据属于哪个字段，它们不会被导入。常见原因是有人在"
             "表格右侧随手记了东西，或者整理表头时漏填了一格。",
             "Without a name neither crmkit nor DingTalk knows which field the data belongs "
             "to, so it is not imported. Often someone jotted notes to the right of the table, "
             "or a header cell was left out when the header was tidied."),
        fix=("这些数据需要导入时，在表头填上模板的列名（或用 --map 'F=字段'，F 是列字母）；不需要"
             "时删除这一列，或用 --map 'F=' 忽略它。",
             "If the data is to be imported, give the column the template's header (or pass "
             "--map 'F=field', F being the column letter); if not, delete the column or "
             "ignore it with --map 'F='."),
    ),
    entry(
        "cell.merged", W, ("合并单元格已展开", "Merged cells filled"),
        ("{range} 是合并单元格，crmkit 已把它的值「{value}」填入其中每一格。"
         "请确认这些行确实都是这个值；如果不是，请取消合并后分别填写。",
         "{range} is a merged range; crmkit filled its value \"{value}\" into each of its "
         "cells. Check that every row really has this value; if not, unmerge and fill each."),
        meaning=("数据区域中有合并单元格，例如几行客户共用一个合并的“公司”或“负责人”格。crmkit "
                 "读取时把合并格的值填进了它覆盖的每一格。",
                 "The data holds merged cells: several customers sharing one merged 公司 or "
                 "负责人 cell, say. crmkit filled the merged value into every cell of the range."),
        why=("Excel 只在合并区域左上角的格里保存值，其余格其实是空的；钉钉导入时这些行会被当成空值"
             "（必填列则被拒绝）。crmkit 替你填上了，但它不知道这是否是你的本意，所以请你核对。",
             "Excel keeps the value in the range's top-left cell only; the others are really "
             "empty, and DingTalk would import them as empty (or refuse them in a required "
             "column). crmkit filled them in, but cannot know that this is what you meant, so "
             "it asks you to check."),
        fix=("选中区域 → 开始 → 合并后居中（取消合并）；然后 Ctrl+G → 定位条件 → 空值，输入 = 和"
             "上方的单元格（如 =D5），按 Ctrl+Enter 一次填满，再复制 → 选择性粘贴 → 数值。如果这些"
             "行的值本来就不同，取消合并后逐行填写。",
             "Select the range → Home → Merge & Center (to unmerge); then Ctrl+G → Special → "
             "Blanks, type = and the cell above (=D5), press Ctrl+Enter to fill them all, and "
             "copy → Paste Special → Values. If the rows really have different values, unmerge "
             "and fill in each."),
    ),
    entry(
        "header.fuzzy", W, ("列名相近", "Header matched by similarity"),
        ("列「{header}」与模板的「{field_header}」不完全相同，crmkit 按相似度（{score}%）把它"
         "当作「{field_header}」。如果不对，请改列名，或用 --map '{header}=字段' 指定。",
         "Column \"{header}\" is not exactly \"{field_header}\"; by similarity ({score}%) crmkit "
         "took it for \"{field_header}\". If that is wrong, rename the column or pass "
         "--map '{header}=field'."),
        meaning=("这一列的列名与模板的列名不完全相同，也不是已知的别名；crmkit 按字形相似度把它对应"
                 "到了最接近的字段（例如“手机号吗”→“手机号码”）。",
                 "The column's name is neither the template's nor a known alias; crmkit mapped "
                 "it to the closest field by similarity of spelling (手机号吗 → 手机号码, say)."),
        why=("相似不等于相同：“联系人电话”可能是座机而不是手机，“负责人”可能是客户方的负责人。"
             "对错了，整列数据就进了错误的字段，所以需要你确认。",
             "Similar is not the same: 联系人电话 may be a landline rather than a mobile, a "
             "负责人 column may name the customer's manager. A wrong match puts a whole column "
             "into the wrong field, so you need to confirm it."),
        fix=("对应正确时，把列名改成模板的名称，警告就会消失；不对时用 --map '列名=正确字段' 指定，"
             "或用 --map '列名=' 让这一列不导入。",
             "If the match is right, rename the column to the template's header and the "
             "warning goes; if not, pass --map 'header=field' with the right field, or "
             "--map 'header=' to leave the column out."),
    ),
    entry(
        "header.two_rows", N, ("两行表头", "Two-row header"),
        ("表头占两行（第 {row} 行和第 {second_row} 行），crmkit 按两行合起来识别列名，"
         "数据从第 {first_data_row} 行开始。",
         "The header spans two rows ({row} and {second_row}); crmkit read the column names from "
         "both, and the data starts on row {first_data_row}."),
        meaning=("表头占了两行：例如上一行是中文列名、下一行是英文键名，或上一行是合并的分组标题"
                 "（“联系方式”）、下一行是具体列名。crmkit 把两行合起来识别列名。",
                 "The header takes two rows: Chinese names over English keys, say, or merged "
                 "group labels (联系方式) over the column names. crmkit read the names from both "
                 "rows together."),
        why=("告诉你数据从哪一行开始，好让你确认 crmkit 没有把第二行表头当成客户，也没有把第一位"
             "客户当成表头。",
             "It tells you where the data starts, so you can confirm that crmkit took neither "
             "the second header row for a customer nor the first customer for a header."),
        fix=("通常不需要处理：upload.xlsx 只有一行表头。如果数据起始行不对，删掉多余的表头行，只"
             "留一行列名后再检查。",
             "Usually nothing: upload.xlsx has a one-row header. If the data starts on the "
             "wrong row, delete the extra header row so that one row of names is left, and "
             "check again."),
    ),
    entry(
        "file.misnamed", N, ("文件名与格式不符", "File named for another format"),
        ("文件名是 {suffix}，内容其实是{detected}，已按{detected}读取。",
         "The file is named {suffix} but holds {detected}; crmkit read it as such."),
        meaning=("文件的扩展名与内容不符：例如名为 .xls，内容其实是 .xlsx 或 CSV 文本。很多业务系统"
                 "导出的“Excel”其实是改了扩展名的文本。crmkit 按真实格式读取了它。",
                 "The file's extension does not match its content: named .xls but holding an "
                 ".xlsx workbook or CSV text, say. Many business systems export \"Excel\" that "
                 "is text with another name. crmkit read it by its real format."),
        why=("别的程序（包括钉钉导入）可能按扩展名读它而失败或读出乱码；提醒你在上传前改正。",
             "Other programs (DingTalk's import among them) may go by the name and fail, or "
             "show garbage; you may want to correct it before an upload."),
        fix=("在 Excel/WPS 中打开它，另存为 .xlsx 再使用；或者把扩展名改成与内容一致（消息中写了"
             "真实格式）。",
             "Open it in Excel/WPS and save it as .xlsx; or change its extension to the real "
             "format the message names."),
    ),
    entry(
        "cell.formula", N, ("按公式结果读取", "Formulas read by their results"),
        ("工作表「{sheet}」有 {count} 个公式单元格，crmkit 读取的是上次保存时算出的结果，"
         "不会重新计算。如果公式引用了其他文件或结果已过期，请在 Excel/WPS 中打开、保存后再检查，"
         "或把这些列“选择性粘贴为数值”。",
         "Sheet \"{sheet}\" has {count} formula cells; crmkit reads the results saved with the "
         "file and does not recalculate them. If a formula refers to another file or its result "
         "is stale, open and save the file in Excel/WPS first, or paste those columns as values."),
        meaning=("工作表中有公式单元格。crmkit 读取的是文件上次保存时算出的结果，不会重新计算。",
                 "The sheet holds formulas. crmkit reads the results saved with the file and "
                 "does not recalculate them."),
        why=("公式引用了其他文件、用了 TODAY() 之类会变的函数，或者文件由程序生成、从没在 Excel "
             "中计算过时，保存的结果可能是旧的或空的。钉钉导入同样只读保存的值，crmkit 检查的正是"
             "将被导入的值。",
             "When a formula refers to another file, uses a function that changes (TODAY()), "
             "or the file was written by a program and never calculated in Excel, the saved "
             "result may be stale or empty. DingTalk's import reads the saved values as well, "
             "and those are what crmkit checks."),
        fix=("在 Excel/WPS 中打开文件，按 F9（公式 → 开始计算）后保存，再检查。更稳妥的是把公式"
             "变成数值：选中这些列 → 复制 → 右键 → 选择性粘贴 → 数值。",
             "Open the file in Excel/WPS, press F9 (Formulas → Calculate Now), save, and check "
             "again. Safer still, turn the formulas into values: select the columns → copy → "
             "right-click → Paste Special → Values."),
    ),
    entry(
        "row.instructions", N, ("已跳过填写说明行", "Instruction row skipped"),
        ("第 {row} 行是填写说明（{value}），不是客户数据，已跳过，不会导入。",
         "Row {row} holds filling instructions ({value}), not a customer; it was skipped and "
         "is not imported."),
        meaning=("紧挨着表头下方的这一行是填写说明（如“必填”“选填”“请填写11位手机号”），不是客户。"
                 "crmkit 跳过了它，它不在 upload.xlsx 中。",
                 "The row right under the header holds filling instructions (必填, 选填, "
                 "请填写11位手机号), not a customer. crmkit skipped it; it is not in upload.xlsx."),
        why=("导入模板常带一行说明；原样上传时，钉钉会把它当成一位客户导入或拒绝。告诉你一声，好让"
             "你确认跳过的确实不是客户。",
             "Import templates often carry a row of instructions; uploaded as it is, DingTalk "
             "would import or refuse it as a customer. crmkit says so, so you can confirm that "
             "the skipped row is not a customer."),
        fix=("不需要处理。如果被跳过的其实是一位客户，把它移到其他客户行的下面再检查。",
             "Nothing to do. If the skipped row really is a customer, move it below another "
             "customer's row and check again."),
    ),
    entry(
        "row.example", N, ("已跳过示例行", "Example row skipped"),
        ("第 {row} 行是模板自带的示例行（{value}），已跳过，不会导入。",
         "Row {row} is the template's example row ({value}); it was skipped and is not "
         "imported."),
        meaning=("紧挨着表头下方的这一行是模板自带的示例（含“示例”“例如”“e.g.”“sample”等字样），"
                 "不是客户。crmkit 跳过了它，它不在 upload.xlsx 中。",
                 "The row right under the header is the template's example (it says 示例, "
                 "例如, e.g. or sample), not a customer. crmkit skipped it; it is not in "
                 "upload.xlsx."),
        why=("钉钉的导入模板带一行示例数据，忘了删掉时它会被当成真实客户导入。",
             "DingTalk's import template comes with an example row, which is imported as a "
             "real customer when nobody deletes it."),
        fix=("不需要处理，也可以在原表中删掉这一行。如果被跳过的其实是一位客户（例如名字里恰好有"
             "“例”字），把它移到其他客户行的下面再检查。",
             "Nothing to do; you may delete the row from your file. If the skipped row really "
             "is a customer (whose name happens to hold 例, say), move it below another "
             "customer's row and check again."),
    ),
)

del W, N
