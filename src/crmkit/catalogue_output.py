"""Catalogue entries: when crmkit cannot write its results (exit 2) - a conflict with the
user's files, a folder it cannot write, a sheet Excel could not hold - and the notice that
the annotated copy asked for could not be made."""

from __future__ import annotations

from crmkit.catalogue_model import Bilingual, Severity, entry

F, N = Severity.FATAL, Severity.NOTICE

TOPIC = Bilingual("无法写出结果", "Cannot write the outputs")

CODES = (
    entry(
        "output.conflict", F, ("输出位置冲突", "Output would overwrite input"),
        ("输出文件 {path} 会覆盖输入文件，请用 --out 指定另一个文件夹。",
         "Output {path} would overwrite the input file; choose another folder with --out."),
        meaning=("crmkit 要写的某个文件（upload.xlsx、errors.xlsx 等）正是输入文件，或 --existing、"
                 "--staff 给出的文件。例如在上一次的结果文件夹里检查 upload.xlsx，而输出也写到"
                 "那里。",
                 "A file crmkit would write (upload.xlsx, errors.xlsx...) is the input, or the "
                 "--existing or --staff file: checking an upload.xlsx in the folder of an "
                 "earlier run, with the outputs going to the same folder, say."),
        why=("覆盖会毁掉你的原始数据；crmkit 从不覆盖或删除它读取的文件。",
             "Writing over it would destroy your data; crmkit never overwrites or removes a "
             "file it reads."),
        fix=("用 --out 指定另一个文件夹，例如 --out 第二次检查；或者先把输入文件复制到别处再检查。",
             "Choose another folder with --out (--out second-check, say), or copy the input "
             "elsewhere and check the copy."),
    ),
    entry(
        "output.not_ours", F, ("不覆盖别人的文件", "Not crmkit's file"),
        ("{path} 已存在，但不是 crmkit 写的（这个文件夹里没有列出它的 report.json），crmkit 不会"
         "覆盖它。请用 --out 换一个文件夹，或先把它移走。",
         "{path} exists and crmkit did not write it (no report.json in this folder lists "
         "it), so crmkit will not overwrite it. Choose another folder with --out, or move "
         "the file away first."),
        meaning=("输出文件夹里已经有一个与 crmkit 输出同名的文件（upload.xlsx、errors.xlsx、"
                 "report.json 等），而上一次运行在这里写下的 report.json 没有列出它：它是你或别的"
                 "程序放在那里的。常见于 --out 指向了桌面或一个共用文件夹。",
                 "The output folder already holds a file named like one of crmkit's outputs "
                 "(upload.xlsx, errors.xlsx, report.json...), and no report.json of an earlier "
                 "run there lists it: you or another program put it there. Usually --out "
                 "points at the desktop or a shared folder."),
        why=("crmkit 只覆盖或删除它自己写过的文件；别的同名文件可能是你要保留的数据。",
             "crmkit only ever overwrites or removes files it wrote itself; a file of the same "
             "name may be data you want to keep."),
        fix=("用 --out 指定一个新文件夹（例如 --out 检查结果），或者不加 --out，使用默认的"
             "“文件名.crmkit”文件夹；确实不需要那个文件时，把它移走或删除后重新运行。",
             "Give --out a new folder (--out check-results, say), or leave --out out for the "
             "default folder beside the input (customers.crmkit); if you really do not need "
             "that file, move or delete it and run again."),
    ),
    entry(
        "output.exists", F, ("文件已存在", "File exists"),
        ("{path} 已存在，crmkit 不会覆盖它。加 --force 覆盖，或用 --out 换一个位置。",
         "{path} already exists and crmkit will not overwrite it. Pass --force to replace it, "
         "or choose another place with --out."),
        meaning=("crmkit template new 或 crmkit template excel 要写的文件已经存在。",
                 "The file crmkit template new or crmkit template excel would write already "
                 "exists."),
        why=("它可能是你编辑过的模板或填好的工作簿；没有明确要求，crmkit 不会覆盖它。",
             "It may be a template you edited or a workbook you filled in; crmkit does not "
             "overwrite it unless told to."),
        fix=("换一个名称，或用 --out 写到别处；确定要替换时加 --force。",
             "Pick another name, or write elsewhere with --out; pass --force when you do "
             "mean to replace it."),
    ),
    entry(
        "output.failed", F, ("无法写入结果", "Cannot write outputs"),
        ("无法写入 {path}（{detail}）。如果该文件正在 Excel/WPS 中打开，请先关闭；"
         "或用 --out 换一个文件夹。",
         "Cannot write {path} ({detail}). If it is open in Excel/WPS, close it; or choose "
         "another folder with --out."),
        meaning=("crmkit 无法创建输出文件夹或写入结果文件：文件正在 Excel/WPS 中打开（Windows 会"
                 "锁定它）、没有写权限、磁盘已满，或路径不存在。括号中是系统给出的原因。",
                 "crmkit cannot create the output folder or write a result: the file is open "
                 "in Excel/WPS (Windows locks it), there is no write permission, the disk is "
                 "full, or the path does not exist. The brackets give the system's reason."),
        why=("结果没有完整写出，就不能交给你一份可信的 upload.xlsx。crmkit 先写临时文件，失败时不会"
             "留下写了一半的文件。",
             "Without every result written, there is no upload.xlsx to trust. crmkit writes "
             "to a temporary file first, so a failure leaves no half-written file behind."),
        fix=("关闭在 Excel/WPS 中打开的 upload.xlsx、errors.xlsx 等文件后重新运行；或用 --out 换一"
             "个有写权限的文件夹（例如桌面上的新文件夹）；检查磁盘空间。",
             "Close upload.xlsx, errors.xlsx and the other outputs if Excel/WPS has them open, "
             "and run again; or choose a folder you may write to with --out (a new folder on "
             "the desktop, say); check the free disk space."),
    ),
    entry(
        "output.too_many_rows", F, ("结果超过 Excel 的行数上限", "Output over Excel's row limit"),
        ("{file} 的「{sheet}」表要写 {rows} 行，超过 Excel 一张表最多 {limit} 行的上限。{fix}",
         "Sheet \"{sheet}\" of {file} would hold {rows} rows, more than the {limit} an Excel "
         "sheet can. {fix}"),
        meaning=("一个输出文件的某张表的行数（含表头）超过了 Excel 的上限 1,048,576 行。",
                 "A sheet of an output file would have more rows (with its header) than "
                 "Excel's limit of 1,048,576."),
        why=("Excel、WPS 和 CRM 只读得到前 1,048,576 行：多出的客户会无声无息地丢失。crmkit 宁可"
             "不写，也不交给你一份少了行的文件。",
             "Excel, WPS and the CRM only see the first 1,048,576 rows: the customers beyond "
             "would be lost without a word. crmkit writes nothing rather than a file that is "
             "missing rows."),
        fix=("上传文件：用 --batch-size 把它分成多个文件（例如 --batch-size 500000）；其他情况：把"
             "名单拆成几个文件分别检查。",
             "For the upload file, split it with --batch-size (--batch-size 500000, say); "
             "otherwise split the list into several files and check each."),
    ),
    entry(
        "output.not_annotated", N, ("未生成标注副本", "No annotated copy"),
        ("没有生成标注副本：{reason}。每个有问题的单元格都列在 errors.xlsx 里。",
         "No annotated copy was written: {reason}. errors.xlsx lists every problem cell."),
        meaning=("你用了 --annotate，但这个输入做不了标注副本：它不是 .xlsx/.xlsm 工作簿（.xls、"
                 ".xlsb、.ods、CSV 没有可保留的 Excel 2007+ 格式），或者它有复制工具（openpyxl）"
                 "打不开或保存不了的部分，或者工作簿把同一张表登记了不止一次（Excel 会说文件已"
                 "损坏）。",
                 "You asked for --annotate, but this input cannot be copied with marks: it is "
                 "not an .xlsx/.xlsm workbook (.xls, .xlsb, .ods and CSV have no Excel 2007+ "
                 "formatting to keep), or the copying library (openpyxl) cannot open or save "
                 "parts of it, or the workbook lists one sheet more than once (Excel calls "
                 "such a file corrupt)."),
        why=("其他结果照常写出；标注副本只是为了方便，errors.xlsx 里有同样的问题和位置。",
             "The other outputs are written as usual; the copy is a convenience, and "
             "errors.xlsx holds the same problems and places."),
        fix=("打开 errors.xlsx 查看问题。想要标注副本：在 Excel/WPS 中把文件另存为 .xlsx 后重新"
             "运行 --annotate。",
             "Open errors.xlsx for the problems. For an annotated copy, save the file as "
             ".xlsx in Excel/WPS and run again with --annotate."),
    ),
)

del F, N
