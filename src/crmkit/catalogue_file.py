"""Catalogue entries: when crmkit cannot check the file at all (exit 2) - the file, the sheet,
the header, the template and the options."""

from __future__ import annotations

from crmkit.catalogue_model import Bilingual, Severity, entry

F = Severity.FATAL

TOPIC = Bilingual("无法检查：文件、表头、模板与参数",
                  "Cannot check: the file, header, template and options")

CODES = (
    entry(
        "file.not_found", F, ("找不到文件", "File not found"),
        ("找不到文件 {path}，请检查文件名和路径。",
         "File {path} does not exist; check the name and the path."),
        meaning=("给出的路径上没有这个文件，或者路径中的某个文件夹不存在。",
                 "There is no file at the path given, or a folder on the way does not exist."),
        why=("没有文件就无从检查；crmkit 不会猜你想要的是哪个文件，所以停下。",
             "There is nothing to check, and crmkit will not guess which file you meant, so "
             "it stops."),
        fix=("核对文件名和扩展名：Windows 默认隐藏扩展名，“客户名单.xlsx”可能其实是“客户名单.xls”"
             "或“客户名单.xlsx.xlsx”。路径含空格时用英文引号括起来；也可以把文件拖进终端窗口，"
             "得到它的完整路径。",
             "Check the name and the extension: Windows hides extensions by default, so "
             "客户名单.xlsx may really be 客户名单.xls or 客户名单.xlsx.xlsx. Quote a path that "
             "holds spaces; or drag the file into the terminal window to paste its full path."),
    ),
    entry(
        "file.empty", F, ("文件为空", "Empty file"),
        ("文件 {path} 是空的（0 字节），请重新导出或另存后再试。",
         "File {path} is empty (0 bytes); export or save it again."),
        meaning=("文件大小是 0 字节，里面什么都没有。常见于导出或下载被中断、同步盘（钉盘、OneDrive"
                 " 等）只留下了还没下载的占位文件，或 Excel/WPS 保存时出错。",
                 "The file is 0 bytes long: there is nothing in it. Usually an export or a "
                 "download was interrupted, a sync folder (DingTalk Drive, OneDrive) holds a "
                 "placeholder not yet downloaded, or Excel/WPS failed while saving."),
        why=("空文件里没有表头也没有客户；crmkit 不会把它当作“没有问题”放过。",
             "An empty file has no header and no customers; crmkit will not pass it as "
             "\"no problems\"."),
        fix=("从原系统重新导出，或在 Excel/WPS 中打开原始文件另存一份；在同步盘里，先确认文件已经"
             "下载到本机（大小不是 0）。",
             "Export it again from the source system, or open the original in Excel/WPS and "
             "save a new copy; in a sync folder, make sure the file is downloaded to this "
             "computer first (its size is not 0)."),
    ),
    entry(
        "file.encrypted", F, ("文件已加密", "Encrypted file"),
        ("{path}：文件已加密，请先在 Excel/WPS 中取消密码后再导出。",
         "{path}: the file is password-protected; remove the password in Excel/WPS and save "
         "it again."),
        meaning=("工作簿设置了打开密码（文件已加密）。只是“保护工作表”或“保护工作簿结构”不算加密，"
                 "crmkit 可以照常读取。",
                 "The workbook has an opening password: it is encrypted. Protecting a sheet or "
                 "the workbook's structure is not encryption; crmkit reads those."),
        why=("不知道密码就读不出加密文件的内容；crmkit 不索要密码（密码也不该出现在命令行或 CI "
             "日志里），钉钉导入同样读不了加密文件。",
             "An encrypted file cannot be read without its password. crmkit does not ask for "
             "passwords (they do not belong on a command line or in CI logs), and DingTalk's "
             "import cannot read an encrypted file either."),
        fix=("Excel：输入密码打开 → 文件 → 信息 → 保护工作簿 → 用密码进行加密 → 清空密码 → 保存。"
             "WPS：文件 → 文档加密 → 密码加密 → 清空打开密码 → 保存。用这份没有密码的副本运行 "
             "crmkit；原文件可以保留密码。",
             "Excel: open it with the password → File → Info → Protect Workbook → Encrypt with "
             "Password → clear the password → save. WPS: File → Document Encryption → Password "
             "Encryption → clear the opening password → save. Run crmkit on that copy; the "
             "original may keep its password."),
    ),
    entry(
        "file.unsupported", F, ("不支持的文件格式", "Unsupported file format"),
        ("crmkit 读不了 {path}（{detail}），请在 Excel/WPS 中打开并另存为 .xlsx 或 .csv。",
         "crmkit cannot read {path} ({detail}); open it in Excel/WPS and save it as .xlsx or "
         ".csv."),
        meaning=("这不是 crmkit 能读的表格：例如图片、PDF、Word 文档、Apple Numbers 文件、网页"
                 "（很多系统导出的“.xls”其实是 HTML 网页）、不含工作簿的压缩包、文件夹或管道。"
                 "括号中是具体原因。crmkit 读 .xlsx、.xlsm、.xlsb、.xls、WPS 的 .et、.ods、.csv、"
                 ".tsv 和 .txt，按文件内容而不是扩展名判断格式。",
                 "This is not a table crmkit reads: an image, a PDF, a Word document, an Apple "
                 "Numbers file, a web page (many systems export an \".xls\" that is really "
                 "HTML), a zip without a workbook, a folder or a pipe. The brackets say which. "
                 "crmkit reads .xlsx, .xlsm, .xlsb, .xls, WPS .et, .ods, .csv, .tsv and .txt, "
                 "and tells them apart by content, not by name."),
        why=("crmkit 只检查能一格一格可靠读出的表格；猜着读别的格式，数据读错了你也不会知道。"
             "钉钉导入同样只接受 Excel 表格。",
             "crmkit checks only tables it can read cell by cell reliably; reading another "
             "format by guesswork could get the data wrong without anyone noticing. DingTalk's "
             "import takes Excel workbooks only, too."),
        fix=("在 Excel/WPS 中打开它 → 文件 → 另存为 → 文件类型选“Excel 工作簿（*.xlsx）”，再检查"
             "新文件。Apple Numbers：文件 → 导出到 → Excel。网页格式的“.xls”同样用 Excel 打开后"
             "另存为 .xlsx。",
             "Open it in Excel/WPS → File → Save As → type \"Excel Workbook (*.xlsx)\", and "
             "check the new file. Apple Numbers: File → Export To → Excel. An \".xls\" that is "
             "a web page: open it in Excel and save it as .xlsx the same way."),
    ),
    entry(
        "file.unreadable", F, ("文件已损坏", "Unreadable file"),
        ("文件 {path} 已损坏或不完整（{detail}），请在 Excel/WPS 中打开后另存为 .xlsx 再试。",
         "File {path} is damaged or incomplete ({detail}); open it in Excel/WPS and save it "
         "as .xlsx."),
        meaning=("文件是表格格式，但已损坏、不完整或打不开：例如下载没有完成、压缩结构损坏、CSV 中"
                 "有一个没有配对的引号、工作簿里没有工作表，或者没有读取权限。括号中是具体原因。",
                 "The file is a spreadsheet format but is damaged, incomplete or cannot be "
                 "opened: a download that did not finish, a broken zip structure, a CSV quote "
                 "that is never closed, a workbook without a worksheet, or no permission to "
                 "read it. The brackets say which."),
        why=("从损坏的文件读出的数据可能缺行或错位；crmkit 宁可停下，也不交出一份可能漏了客户的"
             "结果。",
             "What a damaged file yields may lack rows or have them shifted; crmkit would "
             "rather stop than hand back a result that may have lost customers."),
        fix=("在 Excel/WPS 中打开它：能打开就另存为新的 .xlsx 再检查（这能修好大多数结构问题）；"
             "Excel 提示修复时，修复后核对数据再另存。打不开就从原系统重新导出。CSV 引号问题：用"
             "记事本打开，到提示的行补上或删掉多余的英文双引号。没有权限：把文件复制到自己的文件夹"
             "再试。",
             "Open it in Excel/WPS: if it opens, save it as a new .xlsx and check that (this "
             "mends most structural damage); if Excel offers a repair, check the data after it "
             "and save. If it does not open, export it again from the source. A CSV quote: "
             "open the file in Notepad and add or delete the stray double quote on the line "
             "named. No permission: copy the file into your own folder and try again."),
    ),
    entry(
        "file.encoding", F, ("无法识别文本编码", "Unknown text encoding"),
        ("无法可靠识别 {path} 的文字编码{detail}，请在 Excel/WPS 中另存为“CSV UTF-8”或 .xlsx。",
         "Cannot tell the text encoding of {path}{detail}; save it as \"CSV UTF-8\" or .xlsx."),
        meaning=("这是文本文件（CSV/TXT），crmkit 无法可靠判断它的文字编码：它可能是 UTF-8、"
                 "GBK/GB18030、UTF-16 或 Big5，但文件中的字节对不上任何一种，或者几种都说得通。"
                 "中文 Windows 上的 Excel 和 WPS 默认把 CSV 存成 GBK。",
                 "This is a text file (CSV/TXT) whose encoding crmkit cannot tell reliably: "
                 "UTF-8, GBK/GB18030, UTF-16 or Big5, but its bytes fit none of them, or "
                 "several. Excel and WPS on Chinese Windows save CSV as GBK by default."),
        why=("按错误的编码读，中文会变成乱码（如“锟斤拷”“鎵嬫満”），而乱码同样能通过大部分检查，"
             "最后导进钉钉的就是一串乱码姓名；所以 crmkit 没把握时停下，不猜。",
             "Read in the wrong encoding, Chinese turns into mojibake (锟斤拷, 鎵嬫満) that "
             "passes most checks, and DingTalk would import garbled names; so when crmkit is "
             "not sure it stops instead of guessing."),
        fix=("最稳妥：在 Excel/WPS 中打开文件，确认中文显示正常，然后 文件 → 另存为 → “CSV UTF-8"
             "（逗号分隔）”或 .xlsx。知道编码时用 --encoding 指定，例如 --encoding gbk。文件由几个"
             "来源拼接而成（一部分 UTF-8、一部分 GBK）时，请分别另存后再合并。",
             "Safest: open the file in Excel/WPS, check that the Chinese looks right, then "
             "File → Save As → \"CSV UTF-8 (Comma delimited)\" or .xlsx. If you know the "
             "encoding, name it: --encoding gbk. A file pasted together from several sources "
             "(part UTF-8, part GBK) must be saved from each source first, then merged."),
    ),
    entry(
        "cell.too_long", F, ("单元格过长", "Cell too long"),
        ("第 {row} 行 {column} 列有 {length} 个字符，超过 Excel 单元格的上限 {limit}，"
         "crmkit 无法把它原样写回 Excel。请缩短这一格后再试。",
         "Row {row}, column {column} holds {length} characters, more than an Excel cell's "
         "{limit}, so crmkit could not hand it back unchanged. Shorten it and try again."),
        meaning=("一格超过了 32,767 个字符，这是 Excel 单元格的上限。在文本文件（CSV/TXT）中，"
                 "通常是某个引号没有配对，后面成百上千行都并进了同一格；也可能确实是一段超长的备注，或者是"
                 "由程序生成、Excel 自己都打不开的工作簿。",
                 "A cell holds more than 32,767 characters, the most an Excel cell can. In a text "
                 "file (CSV/TXT) a quote is usually never closed and hundreds of lines after it "
                 "ran into one cell; or it really is a huge note, or a workbook written by a "
                 "program that Excel itself could not open."),
        why=("crmkit 要把每一行原样写进 upload.xlsx 或 errors.xlsx；超长的格写不进 Excel，只能截断"
             "，而截断会悄悄丢数据。钉钉的导入模板也是 Excel，同样放不下。",
             "crmkit writes every row unchanged into upload.xlsx or errors.xlsx; an Excel cell "
             "cannot hold this one, and cutting it would lose data silently. DingTalk's import "
             "template is an Excel file too, with the same limit."),
        fix=("用记事本或 VS Code 打开文件，到提示的行：如果有一个没有配对的英文双引号，补上或删掉"
             "它；如果确实是一大段文字，把它缩短，多余的内容另外保存。",
             "Open the file in Notepad or VS Code and go to the row named: a double quote that "
             "is never closed must be closed or deleted; a really long text must be shortened, "
             "and the rest kept elsewhere."),
    ),
    entry(
        "file.too_big", F, ("文件超出上限", "File past a limit"),
        ("文件 {path} 的{what}是 {found}，超过上限 {limit}{where}。如果文件可信，"
         "用 {option} 调高上限。",
         "File {path}: its {what} is {found}, more than the limit of {limit}{where}. If "
         "you trust the file, raise the limit with {option}."),
        meaning=("文件超出了 crmkit 为一个文件设定的上限：解压后大小（--max-unzipped-mb，默认 2048"
                 " MB）、压缩比（--max-zip-ratio，默认 200 倍）、行数（--max-rows，默认 2,000,000）"
                 "、列数（--max-columns，默认 1,000），或已用区域的单元格数（--max-cells，默认 "
                 "50,000,000）。xlsx/ods 是 XML 的压缩包，1 KB 的恶意文件可以解压成几 GB"
                 "（“压缩炸弹”）；一个远在 XFD 列或第 1,048,576 行的单元格，会让读取程序按几十亿个"
                 "单元格分配内存。",
                 "The file passes one of the limits crmkit sets on a file: its size unzipped "
                 "(--max-unzipped-mb, 2048 MB by default), its compression ratio "
                 "(--max-zip-ratio, 200), its rows (--max-rows, 2,000,000), columns "
                 "(--max-columns, 1,000) or the cells of its used area (--max-cells, "
                 "50,000,000). An .xlsx or .ods is a zip of XML: a hostile 1 KB file can "
                 "inflate to gigabytes (a zip bomb), and one cell far away in column XFD or row "
                 "1,048,576 makes a reader lay out billions of cells."),
        why=("上限让 crmkit 在任何文件面前都能在有限的时间和内存内给出结论，而不是卡死或耗尽内存。"
             "默认值足够容纳真实的客户名单（几百万行）。",
             "The limits let crmkit answer in bounded time and memory whatever the file, "
             "instead of hanging or exhausting the machine. The defaults hold real customer "
             "lists (millions of rows)."),
        fix=("如果消息指出了最远的单元格（例如 XFD2），那多半是误填的一格：在 Excel/WPS 中按 "
             "Ctrl+End 跳到它，删除多余的行列后保存。确实是可信的大文件时，按消息用对应选项调高上"
             "限，例如 --max-rows 5000000。来历不明的文件，请不要调高上限。",
             "If the message names the farthest cell (XFD2, say), it is most likely a stray "
             "entry: press Ctrl+End in Excel/WPS to reach it, delete the extra rows or columns "
             "and save. For a large file you trust, raise the limit the message names, "
             "--max-rows 5000000 say. Do not raise it for a file of unknown origin."),
    ),
    entry(
        "sheet.not_found", F, ("找不到工作表", "Sheet not found"),
        ("找不到工作表 {sheet}。文件中的工作表：{available}。"
         "请用 --sheet 指定名称或序号（从 1 开始）。",
         "No sheet {sheet}. The sheets are: {available}. Pass --sheet with a name or a number "
         "(counting from 1)."),
        meaning=("--sheet 指定的工作表不存在：名称不对，或者序号超过了可见工作表的数量。序号按 Exce"
                 "l 底部可见的标签从 1 开始数，隐藏的工作表不计。",
                 "The sheet --sheet names does not exist: the name is wrong, or the number is "
                 "larger than the count of visible sheets. Numbers count the visible tabs at the "
                 "bottom of Excel from 1; hidden sheets are not counted."),
        why=("crmkit 不会自作主张换一张工作表检查，因为那可能是另一份名单。",
             "crmkit will not check another sheet instead: it may hold another list."),
        fix=("从消息列出的工作表中复制一个名称（注意全角半角和空格），或写它的序号，例如 "
             "--sheet 2；名称含空格时用引号括起来：--sheet '客户 名单'。隐藏的工作表可以直接写它的"
             "名称。",
             "Copy a name from the sheets the message lists (mind full-width characters and "
             "spaces), or give its number: --sheet 2. Quote a name with spaces: "
             "--sheet '客户 名单'. A hidden sheet can be named directly."),
    ),
    entry(
        "header.not_found", F, ("找不到表头", "No header row"),
        ("在{where}的前 {rows} 行中找不到表头{note}：表头应包含 {expected} 等列名。"
         "请检查是否选对了工作表（--sheet）或模板（--template）；"
         "如果表头在更下面，请删除它上方的多余行。",
         "No header row in the first {rows} rows of {where}{note}: expected column names such "
         "as {expected}. Check the sheet (--sheet) and the template (--template); if the "
         "header is further down, delete the rows above it."),
        meaning=("在工作表的前 30 行中，没有一行能认作表头：没有一行同时包含模板的几个列名"
                 "（例如 姓名、手机号码、标签）或它们的别名。",
                 "None of the sheet's first 30 rows reads as a header: no row holds several of "
                 "the template's column names (such as 姓名, 手机号码, 标签) or their aliases."),
        why=("没有表头，crmkit 就不知道哪一列是姓名、哪一列是手机号码，什么都检查不了；钉钉导入"
             "同样靠表头把列对应到字段。",
             "Without a header crmkit cannot tell which column holds the names and which the "
             "phone numbers, so nothing can be checked; DingTalk's import maps columns to "
             "fields by the header too."),
        fix=("确认选对了文件、工作表（--sheet）和模板（--template）。表头上方的说明行或空行超过 30 "
             "行时删掉它们。列名与模板不同（如“联系电话”）时，改成模板中的名称，或用 "
             "--map '联系电话=手机号码' 指定。crmkit template show 列出模板的列名和别名。",
             "Check the file, the sheet (--sheet) and the template (--template). Delete the "
             "notes or blank rows above the header if there are more than 30. If the names "
             "differ from the template's (联系电话, say), rename the columns or pass "
             "--map '联系电话=手机号码'. crmkit template show lists the template's names and "
             "aliases."),
    ),
    entry(
        "header.missing", F, ("缺少必填列", "Required column missing"),
        ("工作表「{sheet}」缺少必填列「{header}」（表头在第 {header_row} 行）。"
         "请添加这一列；也可用这些列名：{aliases}。",
         "Sheet \"{sheet}\" lacks the required column \"{header}\" (header row {header_row}). "
         "Add it; these names are recognised too: {aliases}."),
        meaning=("表头找到了，但缺少模板规定的必填列（钉钉外部联系人的必填列是 姓名、手机号码、"
                 "标签），列名和别名都没有对上。",
                 "The header was found, but a column the template requires is missing (for "
                 "DingTalk external contacts: 姓名, 手机号码 and 标签); neither its name nor an "
                 "alias matched."),
        why=("钉钉批量导入时缺少必填列，整份文件都会被拒绝；crmkit 也无法逐行检查一个不存在的列。",
             "DingTalk refuses a whole import that lacks a required column; and crmkit cannot "
             "check a column row by row when it is not there."),
        fix=("在表头添加这一列，并为每一行填好。如果这一列其实存在，只是名称不同（如“手机”写成了"
             "“客户电话”），把列名改成模板的名称或消息中的别名之一，或用 "
             "--map '客户电话=手机号码' 指定。",
             "Add the column to the header and fill it in on every row. If the column is "
             "there under another name (客户电话 for 手机号码, say), rename it to the "
             "template's name or one of the aliases listed, or pass "
             "--map '客户电话=手机号码'."),
    ),
    entry(
        "header.duplicate", F, ("列名重复", "Two columns for one field"),
        ("列 {columns} 都对应字段「{header}」，无法确定使用哪一列。请删除或改名其中一列。",
         "Columns {columns} all map to \"{header}\", so crmkit cannot tell which to use. "
         "Delete or rename all but one."),
        meaning=("两列或更多列同样好地对应同一个字段，例如两列都叫“手机号码”。（如果其中一列对应得"
                 "更好，例如“手机号码”和“手机号码(备用)”，crmkit 用前者，后者作为不导入的列给出"
                 "警告。）",
                 "Two or more columns name one field equally well: two columns both called "
                 "手机号码, say. (When one names it better, like 手机号码 beside 手机号码(备用), "
                 "crmkit uses that one and warns that the other is not imported.)"),
        why=("crmkit 无法判断该用哪一列；随便挑一列，可能把备用号码当成主号码导入，而号码导入后不能"
             "修改。",
             "crmkit cannot tell which column to use; picking one could import a spare number "
             "as the main one, and a number cannot be edited after the import."),
        fix=("保留正确的一列，删除另一列，或把它改名为模板中没有的名称（如“手机号码2”，它不会被"
             "导入，可以之后挪进备注）；也可以用 --map 'D=' 忽略其中一列（D 是列字母）。",
             "Keep the right column and delete the other, or rename it to a name the template "
             "does not know (手机号码2: not imported, to be moved to the notes later); or "
             "ignore it with --map 'D=' (D being its column letter)."),
    ),
    entry(
        "template.invalid", F, ("模板有误", "Bad template"),
        ("模板 {template} 有误：{detail}",
         "Template {template} is invalid: {detail}"),
        meaning=("--template 给出的模板（.toml 文件）有错误：语法错误、未知的键、值的类型不对、"
                 "extends 指向的模板有问题等。消息给出第一处错误的文件、行号和键。",
                 "The template --template names (a .toml file) has a mistake: bad syntax, an "
                 "unknown key, a value of the wrong type, a broken template in its extends "
                 "chain. The message gives the first mistake's file, line and key."),
        why=("模板决定每一列怎么检查；按一个有错的模板检查，结果不可信，所以 crmkit 停下。",
             "The template decides how every column is checked; results from a broken one "
             "could not be trusted, so crmkit stops."),
        fix=("运行 crmkit template check 模板路径，它列出全部错误及其位置，按提示修改 .toml 文件；"
             "写法见 docs/templates.md。没把握时，用 crmkit template new 名称 生成一个带注释的新"
             "模板，再把你的改动搬进去。",
             "Run crmkit template check PATH: it lists every mistake and where it is; correct "
             "the .toml file as it says (docs/templates.md describes the format). When in "
             "doubt, write a fresh commented template with crmkit template new NAME and move "
             "your changes into it."),
    ),
    entry(
        "template.not_found", F, ("找不到模板", "Template not found"),
        ("找不到模板 {template}。内置模板：{available}；也可以给出 .toml 文件路径。",
         "No template {template}. Built-in templates: {available}; or give the path of a "
         ".toml file."),
        meaning=("--template 给出的名称既不是内置模板，也不在当前目录的 templates/ 文件夹中，也不是"
                 "一个存在的 .toml 文件路径。",
                 "The name --template gives is neither a shipped template nor one in the "
                 "templates/ folder of the working directory, nor the path of an existing "
                 ".toml file."),
        why=("模板说明了 CRM 要哪些列、按什么规则；crmkit 不会改用默认模板，以免按错误的规则"
             "检查。",
             "The template says which columns the CRM takes and by what rules; crmkit will "
             "not fall back to the default one and check by the wrong rules."),
        fix=("运行 crmkit template list 查看可用的名称，核对拼写；自己的模板放在 "
             "./templates/名称.toml，或写出完整路径，例如 --template ./模板/acme.toml。",
             "Run crmkit template list for the names there are and check the spelling; keep "
             "your own templates as ./templates/NAME.toml, or give the full path: "
             "--template ./模板/acme.toml."),
    ),
    entry(
        "options.invalid", F, ("参数有误", "Bad option"),
        ("参数有误：{detail}", "Bad option: {detail}"),
        meaning=("命令行参数有误：拼错的选项、缺少的值、互相冲突的选项（例如同时给了 --existing 和 "
                 "--existing-count），或者选项的值不对（--encoding、--delimiter、--map、--keep、"
                 "--region、--tier 等）。消息的后半句说明是哪一个。",
                 "An option on the command line is wrong: misspelt, missing its value, in "
                 "conflict with another (--existing and --existing-count together), or given a "
                 "value it does not take (--encoding, --delimiter, --map, --keep, --region, "
                 "--tier...). The rest of the message says which."),
        why=("参数决定怎么检查；crmkit 不猜你的意思，以免按错误的设置给出一个看似正常的结果，在 "
             "CI 中尤其如此。",
             "Options decide how the file is checked; crmkit does not guess what was meant, "
             "lest a wrong setting give a result that looks fine, in CI above all."),
        fix=("按消息修改参数；crmkit validate --help 列出全部选项和它们接受的值。含空格或中文标点的"
             "值请用英文引号括起来。",
             "Correct the option as the message says; crmkit validate --help lists every "
             "option and the values it takes. Quote values holding spaces or Chinese "
             "punctuation."),
    ),
    entry(
        "internal.error", F, ("crmkit 内部错误", "Internal error"),
        ("crmkit 内部错误（{detail}）。这是 crmkit 的缺陷：请加 --debug 重新运行，"
         "并把输出（不含客户数据）报告给维护者。",
         "crmkit internal error ({detail}). This is a bug in crmkit: run again with --debug "
         "and report the output (without customer data) to the maintainers."),
        meaning=("crmkit 自己出错了：遇到了开发者没有预料到的情况。这不是你的文件或参数的错，至少"
                 "不是 crmkit 已经能说清楚的错。",
                 "crmkit itself failed: something its developers did not foresee happened. It "
                 "is not a mistake in your file or options, at least not one crmkit can name "
                 "yet."),
        why=("crmkit 不确定结果是否正确时不会写出任何文件，以免交给你一份不完整的结果。",
             "crmkit writes nothing when it cannot be sure the result is right, rather than "
             "hand you an incomplete one."),
        fix=("加 --debug 重新运行，得到完整的错误信息，连同 crmkit --version 的输出报告给维护者。"
             "不要附上客户数据：需要附文件时，先把姓名和号码换成假数据，并确认问题仍然出现。临时"
             "办法：在 Excel/WPS 中把文件另存为新的 .xlsx 再试。",
             "Run again with --debug for the full error and report it, with the output of "
             "crmkit --version, to the maintainers. Leave customer data out: if a file is "
             "needed, replace names and numbers with made-up ones and check the problem still "
             "happens. Meanwhile, saving the file as a new .xlsx in Excel/WPS may get round "
             "it."),
    ),
)

del F
