<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../desktop_app/ui/window/about_dialog.py" line="54"/>
        <source>售后台账</source>
        <translation>Aftersales Ledger</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/about_dialog.py" line="55"/>
        <source>关于 %1</source>
        <translation>About %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/about_dialog.py" line="64"/>
        <source>&lt;p&gt;小店的售后台账：售后单、补发、快递理赔和平台时效，全部在自己的电脑上。&lt;/p&gt;</source>
        <translation>&lt;p&gt;A small shop&apos;s after-sales ledger: cases, reships, carrier claims and platform deadlines, all on your own computer.&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/about_dialog.py" line="79"/>
        <source>许可证（MIT）</source>
        <translation>Licence (MIT)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/about_dialog.py" line="80"/>
        <source>第三方软件（含 Qt 的 LGPL 声明）</source>
        <translation>Third-party software (incl. Qt&apos;s LGPL notice)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/about_dialog.py" line="83"/>
        <source>数据文件夹：%1&lt;br&gt;日志文件夹：%2</source>
        <translation>Data folder: %1&lt;br&gt;Log folder: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/about_dialog.py" line="88"/>
        <source>打开数据文件夹</source>
        <translation>Open data folder</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/about_dialog.py" line="89"/>
        <source>打开日志文件夹</source>
        <translation>Open log folder</translation>
    </message>
</context>
<context>
    <name>ActionDialog</name>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="48"/>
        <source>执行操作：%1</source>
        <translation>Action: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="50"/>
        <source>对 %1 执行“%2”</source>
        <translation>Apply &quot;%2&quot; to %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="54"/>
        <source>原因或说明（可选）</source>
        <translation>Reason or note (optional)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="55"/>
        <source>请写明原因</source>
        <translation>Please give a reason</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="58"/>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="60"/>
        <source>发生时间</source>
        <translation>Happened at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="64"/>
        <source>可选，如 中通快递</source>
        <translation>Optional, e.g. ZTO Express</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="67"/>
        <source>扫描或输入运单号</source>
        <translation>Scan or type the tracking no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="68"/>
        <source>到货时在“退货入库”扫描这个单号即可找到本单</source>
        <translation>Scanned at the returns desk when it arrives, it finds this case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="70"/>
        <source>退货快递</source>
        <translation>Return courier</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="71"/>
        <source>退货运单号</source>
        <translation>Return tracking no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="75"/>
        <source>未填写时统计按 0 元计</source>
        <translation>Left empty, Statistics counts 0 yuan</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="76"/>
        <source>之前已付 %1 元；填写这次付的金额（累加）</source>
        <translation>¥%1 paid before; enter what this step paid (it adds up)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="78"/>
        <source>补偿金额（元）</source>
        <translation>Compensation (yuan)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="78"/>
        <source>退款金额（元）</source>
        <translation>Refund (yuan)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="84"/>
        <source>记录后无法撤销：%1。请确认已在平台上完成。</source>
        <translation>This cannot be undone once recorded: %1. Make sure it is done on the platform.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="95"/>
        <source>请填写原因。</source>
        <translation>Please enter a reason.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="130"/>
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="132"/>
        <source>金额必须大于 0</source>
        <translation>The amount must be above 0</translation>
    </message>
</context>
<context>
    <name>BackgroundErrors</name>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1002"/>
        <source>内部错误（%1）：%2。数据未被修改；请把日志发给开发者。</source>
        <translation>Internal error (%1): %2. Nothing was changed; please send the log to the developers.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1003"/>
        <source>请在“备份与恢复”中恢复最新的完好备份。</source>
        <translation> Restore the latest good backup under &quot;Backups&quot;.</translation>
    </message>
</context>
<context>
    <name>BackupDialog</name>
    <message>
        <location filename="../../desktop_app/ui/settings/backup_dialog.py" line="105"/>
        <location filename="../../desktop_app/ui/settings/backup_dialog.py" line="223"/>
        <source>恢复备份</source>
        <translation>Restore a backup</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/backup_dialog.py" line="117"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/backup_dialog.py" line="117"/>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/backup_dialog.py" line="117"/>
        <source>售后单</source>
        <translation>Cases</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/backup_dialog.py" line="117"/>
        <source>订单</source>
        <translation>Orders</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/backup_dialog.py" line="118"/>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/backup_dialog.py" line="126"/>
        <source>正在读取备份……</source>
        <translation>Reading the backups...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/backup_dialog.py" line="130"/>
        <source>立即备份</source>
        <translation>Back up now</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/backup_dialog.py" line="132"/>
        <source>更改备份文件夹…</source>
        <translation>Change backup folder...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/backup_dialog.py" line="137"/>
        <source>恢复所选备份…</source>
        <translation>Restore the selected backup...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/backup_dialog.py" line="148"/>
        <source>备份文件夹：%1（每天第一次启动时自动备份，保留 7 个每日备份和 4 个每周备份）</source>
        <translation>Backup folder: %1 (a backup at the first start of each day; 7 daily and 4 weekly backups are kept)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/backup_dialog.py" line="160"/>
        <source>无法读取</source>
        <translation>Cannot read</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/settings/backup_dialog.py" line="171"/>
        <source>共 %n 个备份</source>
        <translation>
            <numerusform>%n backup</numerusform>
            <numerusform>%n backups</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/backup_dialog.py" line="172"/>
        <source>还没有备份。</source>
        <translation>No backups yet.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/backup_dialog.py" line="188"/>
        <source>正在备份……</source>
        <translation>Backing up...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/backup_dialog.py" line="195"/>
        <source>备份失败</source>
        <translation>Backup failed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/backup_dialog.py" line="201"/>
        <source>选择备份文件夹（例如同步盘中的文件夹）</source>
        <translation>Choose the backup folder (a synced cloud folder, say)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/backup_dialog.py" line="210"/>
        <source>无法使用这个文件夹</source>
        <translation>This folder cannot be used</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/backup_dialog.py" line="218"/>
        <source>用 %1 的备份（售后单 %2，订单 %3）替换当前数据库？

当前数据库会先另存为一个“恢复前”备份，之后仍可在这里恢复它。</source>
        <translation>Replace the current database with the backup of %1 (%2 cases, %3 orders)?

The current database is saved first as a &quot;before restore&quot; backup, which you can restore here later.</translation>
    </message>
</context>
<context>
    <name>BulkActionDialog</name>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="102"/>
        <source>批量操作（%1 张售后单）</source>
        <translation>Bulk action (%1 cases)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="163"/>
        <source>添加备注</source>
        <translation>Add note</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="163"/>
        <source>指定责任方</source>
        <translation>Assign responsible party</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="114"/>
        <source>操作：</source>
        <translation>Action:</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="110"/>
        <source>（选择操作）</source>
        <translation>(choose an action)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="119"/>
        <source>（清空）</source>
        <translation>(none)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="121"/>
        <source>责任方：</source>
        <translation>Responsible:</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="128"/>
        <source>新类型：</source>
        <translation>New type:</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="131"/>
        <source>备注（写入每张售后单的时间线）</source>
        <translation>Note (written to each case&apos;s timeline)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="133"/>
        <source>备注：</source>
        <translation>Note:</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="150"/>
        <source>执行</source>
        <translation>Run</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="164"/>
        <source>打印货值说明</source>
        <translation>Print goods value statement</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="164"/>
        <source>更改售后类型</source>
        <translation>Change case type</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="174"/>
        <source>选择要对这 %1 张售后单执行的操作</source>
        <translation>Choose what to do with these %1 cases</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="176"/>
        <source>将把 %1 张售后单的责任方设为所选</source>
        <translation>The chosen responsible party will be set on %1 cases</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="178"/>
        <source>将给 %1 张售后单添加同一条备注</source>
        <translation>The same note will be added to %1 cases</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="195"/>
        <source>%1 张售后单将改为“%2”</source>
        <translation>%1 cases will become &quot;%2&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="202"/>
        <source>；%1 张不能更改：%2</source>
        <translation>; %1 cannot be changed: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="206"/>
        <source>；等待买家退货而买家还没寄回的改为处理中，须重新同意退货</source>
        <translation>; those Awaiting buyer&apos;s return whose parcel was not sent become In progress: agree to the return again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="228"/>
        <source>“%1”请在备注中写明原因</source>
        <translation>&quot;%1&quot;: write the reason in the note</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="255"/>
        <source>先在“操作”中选择要执行的操作</source>
        <translation>Choose an action under &quot;Action&quot; first</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="281"/>
        <source>%1 张售后单将执行“%2”</source>
        <translation>%1 cases will take &quot;%2&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="199"/>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="283"/>
        <source>%1 → %2 ×%3</source>
        <translation>%1 → %2 ×%3</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="198"/>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="287"/>
        <source>：</source>
        <translation>: </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="198"/>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="203"/>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="287"/>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="289"/>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="369"/>
        <source>，</source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="191"/>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="289"/>
        <source>#%1（%2）</source>
        <translation>#%1 (%2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="290"/>
        <source>不存在</source>
        <translation>does not exist</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="203"/>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="291"/>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="370"/>
        <source> 等</source>
        <translation> ...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="292"/>
        <source>；%1 张不能执行：%2</source>
        <translation>; %1 cannot take it: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="317"/>
        <source>正在处理 %1 / %2 …</source>
        <translation>Working: %1 / %2 ...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="329"/>
        <source>完成 %1 张，未执行 %2 张</source>
        <translation>%1 done, %2 not done</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="349"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="364"/>
        <source>将为 %1 张售后单生成货值说明（每份一页 A4）：%2 份按理赔，%3 份按订单</source>
        <translation>Goods value statements for %1 cases (one A4 page each): %2 from claims, %3 from orders</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="368"/>
        <source>；%1 张不能生成：%2</source>
        <translation>; %1 cannot have one: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="386"/>
        <source>按理赔 #%1</source>
        <translation>From claim #%1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="386"/>
        <source>按订单</source>
        <translation>From the order</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="392"/>
        <source>所选售后单都没有可写的货值说明（订单尚未导入，也没有理赔）</source>
        <translation>None of the selected cases has anything to state (order not imported, no claim)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="394"/>
        <source>已打开 %1 份货值说明：可打印预览、保存 PDF 或 Excel</source>
        <translation>%1 goods value statements opened: print preview, save as PDF or Excel</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/bulk_dialog.py" line="322"/>
        <source>已添加备注</source>
        <translation>Note added</translation>
    </message>
</context>
<context>
    <name>BulkUndo</name>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1010"/>
        <source>修改责任方不能撤销，需要时请再批量指定</source>
        <translation>changing the responsible party cannot be undone; assign it again in bulk if needed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1011"/>
        <source>更改售后类型不能撤销，需要时请再批量更改</source>
        <translation>changing the case type cannot be undone; change it again in bulk if needed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1012"/>
        <source>执行后可以用 编辑 → 撤销（Ctrl+Z）一次撤销整批</source>
        <translation>Afterwards Edit → Undo (Ctrl+Z) takes back the whole batch at once</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1013"/>
        <source>其中 %1 张执行后不能撤销：%2；其余可以用 编辑 → 撤销（Ctrl+Z）一次撤销</source>
        <translation>%1 of them cannot be undone afterwards: %2; Edit → Undo (Ctrl+Z) takes back the rest at once</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1014"/>
        <source>执行后不能撤销：%1</source>
        <translation>Cannot be undone afterwards: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1015"/>
        <source>这些售后单的最后一步已不是这次批量操作</source>
        <translation>the last step of these cases is no longer the bulk one</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1016"/>
        <source>批量%1</source>
        <translation>bulk %1</translation>
    </message>
</context>
<context>
    <name>CalendarTab</name>
    <message>
        <location filename="../../desktop_app/ui/calendar/calendar_tab.py" line="345"/>
        <source>时效日历未能加载：%1</source>
        <translation>The deadline calendar could not be loaded: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/calendar_tab.py" line="362"/>
        <source>注意：%1</source>
        <translation>Note: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/calendar_tab.py" line="368"/>
        <source>时效规则需要更新（%1 条提醒），详见“时效日历”</source>
        <translation>The deadline rules need updating (%1 notes): see Deadline calendar</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/calendar_tab.py" line="384"/>
        <source>%1还没有%2年的“%3”时间窗口：按往年的日期估算，相关时限标为“估算”。活动公告出来后请在“时效规则”中添加当年的窗口。</source>
        <translation>%1 have no &quot;%3&quot; window for %2 yet: estimated from last year&apos;s dates, and the deadlines concerned are marked &quot;estimated&quot;. Add this year&apos;s window under Deadline rules once the campaign is announced.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/calendar_tab.py" line="382"/>
        <location filename="../../desktop_app/ui/calendar/calendar_tab.py" line="386"/>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/calendar_tab.py" line="375"/>
        <source>还没有%1年的官方节假日与调休安排：落在%1年的工作日时限按周一至周五估算，法定节假日不算工作日，调休未知（标为“估算”）。安排公布后，请在“时效规则”→“工作日调整”点“填写官方节假日安排…”填入当年的安排。</source>
        <translation>No official %1 holiday and make-up workday schedule yet: working-day deadlines falling in %1 are estimated as Monday to Friday without the statutory holidays, make-up workdays unknown (marked &quot;estimated&quot;). Once it is published, enter it under Deadline rules → Working days → &quot;Enter the official holiday schedule...&quot;.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/calendar_tab.py" line="380"/>
        <source>%1还没有%2年的“%3”时间窗口：平台每年公告当年的日期和时长，本软件不按往年估算，这段时间申请的售后按平时的时效计算。公告出来后请在“时效规则”中添加当年的窗口。</source>
        <translation>%1 have no &quot;%3&quot; window for %2 yet: the platform announces each year&apos;s dates and durations, so none is estimated from earlier years and requests made then are counted with the usual durations. Add this year&apos;s window under Deadline rules once it is announced.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/calendar_tab.py" line="394"/>
        <source>%1 到期</source>
        <translation>Due on %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/calendar_tab.py" line="396"/>
        <source>%1 没有未完成的时限</source>
        <translation>Nothing open is due on %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/calendar_tab.py" line="398"/>
        <source>%1 到期：%2 条（已逾期 %3，24小时内 %4，以后 %5）</source>
        <translation>Due on %1: %2 (%3 overdue, %4 within 24 h, %5 later)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/calendar_tab.py" line="404"/>
        <source>，只列出前 %1 条</source>
        <translation>, only the first %1 listed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/calendar_tab.py" line="413"/>
        <source>已逾期（%1）</source>
        <translation>Overdue (%1)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/calendar_tab.py" line="415"/>
        <source>今天/明天到期（%1）</source>
        <translation>Due today/tomorrow (%1)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1005"/>
        <source>已逾期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1006"/>
        <source>24小时内到期</source>
        <translation>Due within 24 h</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1007"/>
        <source>以后到期</source>
        <translation>Due later</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1008"/>
        <source>数字为当天未完成的时限数</source>
        <translation>Numbers: open deadlines due that day</translation>
    </message>
</context>
<context>
    <name>CaseCostsDialog</name>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="45"/>
        <source>售后单 #%1 的费用</source>
        <translation>Costs of case #%1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="47"/>
        <source>正在读取……</source>
        <translation>Reading...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="52"/>
        <source>补发/换货/返修寄出的运费</source>
        <translation>Postage of the reship, exchange or repair parcel</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="53"/>
        <source>买家退回包裹的运费</source>
        <translation>Postage of the buyer&apos;s return parcel</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="56"/>
        <source>按“谁过错谁承担”自动判断</source>
        <translation>By the rule: whoever is at fault pays</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="59"/>
        <source>补发或退回后不能再卖的货，按成本价</source>
        <translation>Goods reshipped or returned unsellable, at cost price</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="60"/>
        <source>平台的罚款、赔付给买家的违约金</source>
        <translation>Platform fines and compensation the platform made the shop pay</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="61"/>
        <source>寄出运费（元）</source>
        <translation>Postage out (yuan)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="62"/>
        <source>退回运费（元）</source>
        <translation>Return postage (yuan)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="63"/>
        <source>退回运费承担方</source>
        <translation>Return postage paid by</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="66"/>
        <source>按成本价表</source>
        <translation>From the cost table</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="68"/>
        <source>按商家编码的成本价表，计算补发的商品（其他售后单：订单的商品）的成本</source>
        <translation>Price the goods reshipped (other cases: the order&apos;s goods) with the cost table by merchant code</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="71"/>
        <source>货损（成本价，元）</source>
        <translation>Written off at cost (yuan)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="72"/>
        <source>平台处罚（元）</source>
        <translation>Platform penalty (yuan)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="79"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="101"/>
        <source>退款 %1 元，补偿 %2 元，本店承担运费 %3 元，快递已赔付 %4 元；净损失 %5 元</source>
        <translation>Refund %1 yuan, compensation %2 yuan, postage paid by the shop %3 yuan, paid by carriers %4 yuan; net loss %5 yuan</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="107"/>
        <source>订单 %1 共 %2 张售后单，合计净损失 %3 元</source>
        <translation>Order %1 has %2 after-sales cases, net loss %3 yuan in all</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="110"/>
        <source>售后单已结束，退款和补偿没有付给买家（没有“退款”或“已补偿”这一步），不计入净损失</source>
        <translation>The case has ended and the refund and compensation were not paid to the buyer (no Refund or Compensated step): they are not in the net loss</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="112"/>
        <source>退款和补偿还没有付给买家（没有“退款”或“已补偿”这一步），不计入净损失</source>
        <translation>The refund and compensation have not been paid to the buyer yet (no Refund or Compensated step): they are not in the net loss</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="115"/>
        <source>时限超时按平台规则的处罚 %1 元，已计入净损失；在“平台处罚”中填写实际金额（含 0）则以填写的为准</source>
        <translation>Penalty of ¥%1 by the platform&apos;s rules for timers that ran out, counted in the net loss; enter the actual amount (0 included) under &quot;Platform penalty&quot; to count that instead</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="118"/>
        <source>时限超时按平台规则的处罚 %1 元；已填写“平台处罚”，以填写的为准，不重复计入</source>
        <translation>Penalty of ¥%1 by the platform&apos;s rules for timers that ran out; a platform penalty is entered, so that one counts, not both</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="167"/>
        <source>成本价表中没有这些商品：%1。可以导入成本价表（Excel 或 CSV，含“商家编码”和“成本价”两列），或直接填写金额。</source>
        <translation>The cost table has no price for: %1. Import a cost table (Excel or CSV with the columns 商家编码 and 成本价), or type the amount.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="171"/>
        <source>导入成本价表…</source>
        <translation>Import cost table...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="177"/>
        <source>导入成本价表</source>
        <translation>Import cost table</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="178"/>
        <source>成本价表 (*.xlsx *.xls *.csv)</source>
        <translation>Cost tables (*.xlsx *.xls *.csv)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="188"/>
        <source>成本价表已导入：新增 %1 个，更新 %2 个</source>
        <translation>Cost table imported: %1 added, %2 updated</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="213"/>
        <source>寄出运费</source>
        <translation>Postage out</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="214"/>
        <source>退回运费</source>
        <translation>Return postage</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="216"/>
        <source>货损</source>
        <translation>Written off</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_costs_dialog.py" line="217"/>
        <source>平台处罚</source>
        <translation>Platform penalties</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1018"/>
        <source>：</source>
        <translation>: </translation>
    </message>
</context>
<context>
    <name>CaseDetailPane</name>
    <message>
        <location filename="../../desktop_app/ui/cases/case_detail.py" line="70"/>
        <source>编辑</source>
        <translation>Edit</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_detail.py" line="74"/>
        <source>快递理赔</source>
        <translation>Carrier claims</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_detail.py" line="76"/>
        <source>包裹丢失或破损：向快递申请赔偿</source>
        <translation>Parcel lost or damaged: claim compensation from the courier</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_detail.py" line="78"/>
        <source>费用</source>
        <translation>Costs</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_detail.py" line="80"/>
        <location filename="../../desktop_app/ui/cases/case_detail.py" line="185"/>
        <source>运费、货损、平台处罚和净损失</source>
        <translation>Postage, goods written off, penalties and the net loss</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_detail.py" line="101"/>
        <source>操作</source>
        <translation>Actions</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_detail.py" line="111"/>
        <source>时间线</source>
        <translation>Timeline</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_detail.py" line="118"/>
        <source>添加跟进备注，回车保存</source>
        <translation>Add a follow-up note, press Enter to save</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_detail.py" line="120"/>
        <source>添加备注</source>
        <translation>Add note</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_detail.py" line="142"/>
        <source>&lt;b&gt;未选择售后单&lt;/b&gt;</source>
        <translation>&lt;b&gt;No case selected&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_detail.py" line="145"/>
        <source>在左侧列表中选择一张售后单查看详情。</source>
        <translation>Select a case in the list on the left to see its details.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_detail.py" line="148"/>
        <source>先在左侧列表中选择一张售后单</source>
        <translation>Select a case in the list on the left first</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_detail.py" line="204"/>
        <source>（已撤销）</source>
        <translation> (undone)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_detail.py" line="184"/>
        <source>为这张售后单的订单向快递公司理赔</source>
        <translation>Claim against the carrier for this case&apos;s order</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_detail.py" line="187"/>
        <source>售后单已结束，请先重新打开再更改类型</source>
        <translation>The case is closed: reopen it before changing its type</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_detail.py" line="188"/>
        <source>更正售后类型（如退货退款改为仅退款）</source>
        <translation>Correct the case type (e.g. return &amp; refund → refund only)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_detail.py" line="291"/>
        <source>更正退货运单…</source>
        <translation>Correct return tracking...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_detail.py" line="292"/>
        <source>买家换了运单号或先前填错时，登记正确的运单号（确认收货的时限不变）</source>
        <translation>When the buyer changed the tracking no. or gave a wrong one: record the right one (the deadline to confirm receipt stays)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_detail.py" line="297"/>
        <source>更改类型…</source>
        <translation>Change type...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_detail.py" line="355"/>
        <source>#%1 已%2，当前状态：%3</source>
        <translation>#%1: %2 done; status now %3</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_detail.py" line="358"/>
        <source>。运单 %1 已作为无主件 #%2 入库，请在“退货入库”把它关联到本单</source>
        <translation>. Parcel %1 was already received as unmatched parcel #%2: link it to this case at the returns desk</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_detail.py" line="363"/>
        <source>平台已先处理</source>
        <translation>The platform acted first</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_detail.py" line="402"/>
        <source>操作未完成</source>
        <translation>Not completed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1020"/>
        <source>订单</source>
        <translation>Order</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1021"/>
        <source>平台 / 店铺</source>
        <translation>Platform / shop</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1022"/>
        <source>订单号</source>
        <translation>Order no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1023"/>
        <source>订单状态</source>
        <translation>Order status (platform&apos;s words)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1024"/>
        <source>尚未导入（导入订单后自动补全）</source>
        <translation>Not imported yet (filled in when the orders are imported)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1025"/>
        <source>收货人</source>
        <translation>Recipient</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1026"/>
        <source>收货地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1027"/>
        <source>实付金额</source>
        <translation>Amount paid</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1028"/>
        <source>￥%1</source>
        <translation>¥%1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1029"/>
        <source>付款 / 发货</source>
        <translation>Paid / shipped</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1030"/>
        <source>物流</source>
        <translation>Shipping</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1031"/>
        <source>买家留言</source>
        <translation>Buyer&apos;s message</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1032"/>
        <source>商品</source>
        <translation>Item</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1033"/>
        <source>规格</source>
        <translation>Variant</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1034"/>
        <source>数量</source>
        <translation>Qty</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1035"/>
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1036"/>
        <source>售后单</source>
        <translation>After-sales case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1037"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1038"/>
        <source>退款金额</source>
        <translation>Refund amount</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1039"/>
        <source>补偿金额</source>
        <translation>Compensation amount</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1040"/>
        <source>责任方</source>
        <translation>Responsible party</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1041"/>
        <source>平台售后单号</source>
        <translation>Platform case no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1042"/>
        <source>平台状态</source>
        <translation>Platform status</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1043"/>
        <source>平台原因</source>
        <translation>Platform reason</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1044"/>
        <source>退货物流</source>
        <translation>Return parcel</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1045"/>
        <source>申请时间</source>
        <translation>Requested at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1046"/>
        <source>（仅日期）</source>
        <translation> (date only)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1047"/>
        <source>签收时间</source>
        <translation>Delivered at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1048"/>
        <source>下一个时限</source>
        <translation>Next deadline</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1049"/>
        <source>平台已超时自动处理：%1</source>
        <translation>The platform acted by itself: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1050"/>
        <source>（估算）</source>
        <translation> (estimated)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1051"/>
        <source>平台超时自动处理后</source>
        <translation>Once the platform acts by itself</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1052"/>
        <source>平台时限</source>
        <translation>Platform deadline</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1053"/>
        <source>登记</source>
        <translation>Logged</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1054"/>
        <source>说明</source>
        <translation>Description</translation>
    </message>
</context>
<context>
    <name>CaseEdits</name>
    <message>
        <location filename="../../desktop_app/ui/cases/case_edits.py" line="91"/>
        <source>#%1 已改为“%2”，当前状态：%3</source>
        <translation>#%1 changed to &quot;%2&quot;, status now: %3</translation>
    </message>
</context>
<context>
    <name>CaseEvidencePanel</name>
    <message>
        <location filename="../../desktop_app/ui/cases/case_evidence_panel.py" line="42"/>
        <source>添加证据…</source>
        <translation>Add evidence...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_evidence_panel.py" line="44"/>
        <source>删除所选</source>
        <translation>Remove selected</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_evidence_panel.py" line="46"/>
        <source>可直接把文件拖到这里；从本单新建的快递理赔会带上这些证据</source>
        <translation>Drop files here; a carrier claim opened from this case takes this evidence along</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_evidence_panel.py" line="84"/>
        <source>图片和文档 (*.jpg *.jpeg *.png *.heic *.pdf *.xlsx);;所有文件 (*)</source>
        <translation>Pictures and documents (*.jpg *.jpeg *.png *.heic *.pdf *.xlsx);;All files (*)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_evidence_panel.py" line="85"/>
        <source>选择证据文件</source>
        <translation>Choose evidence files</translation>
    </message>
</context>
<context>
    <name>CaseFields</name>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="123"/>
        <source>售后单</source>
        <translation>After-sales case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="123"/>
        <source>时间与退货</source>
        <translation>Times and return</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="123"/>
        <source>商品与买家</source>
        <translation>Goods and buyer</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="129"/>
        <source>售后单号</source>
        <translation>After-sales no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="129"/>
        <source>订单号</source>
        <translation>Order no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="129"/>
        <source>售后类型</source>
        <translation>After-sales type</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="130"/>
        <source>售后状态</source>
        <translation>After-sales status</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="130"/>
        <source>售后原因</source>
        <translation>After-sales reason</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="130"/>
        <source>问题描述</source>
        <translation>Problem description</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="131"/>
        <source>退款金额</source>
        <translation>Refund amount</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="131"/>
        <source>申请时间</source>
        <translation>Requested at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="131"/>
        <source>完结时间</source>
        <translation>Finished at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="132"/>
        <source>平台处理时限</source>
        <translation>Platform deadline</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="132"/>
        <source>退货物流公司</source>
        <translation>Return carrier</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="133"/>
        <source>退货物流单号</source>
        <translation>Return tracking no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="133"/>
        <source>商品名称</source>
        <translation>Item name</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="133"/>
        <source>商品规格</source>
        <translation>Item variant</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="134"/>
        <source>数量</source>
        <translation>Qty</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="134"/>
        <source>商家编码</source>
        <translation>SKU code</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="134"/>
        <source>买家昵称</source>
        <translation>Buyer nickname</translation>
    </message>
</context>
<context>
    <name>CaseFilterBar</name>
    <message>
        <location filename="../../desktop_app/ui/cases/case_filter_bar.py" line="30"/>
        <source>搜索 订单号 / 收货人 / 手机（可输后四位）/ 物流单号 / 商品  (Ctrl+F)</source>
        <translation>Search order no. / recipient / phone (last 4 digits OK) / tracking no. / item  (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_filter_bar.py" line="32"/>
        <source>全部平台</source>
        <translation>All platforms</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_filter_bar.py" line="34"/>
        <location filename="../../desktop_app/ui/cases/case_filter_bar.py" line="82"/>
        <source>全部店铺</source>
        <translation>All shops</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_filter_bar.py" line="35"/>
        <source>全部类型</source>
        <translation>All types</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_filter_bar.py" line="36"/>
        <source>全部状态</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_filter_bar.py" line="40"/>
        <source>未结束</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_filter_bar.py" line="40"/>
        <source>需要处理</source>
        <translation>Needs action</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_filter_bar.py" line="41"/>
        <source>已结束</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_filter_bar.py" line="41"/>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_filter_bar.py" line="44"/>
        <source>未结束、还要店铺处理的售后单（不含已退款、已补发等只等完成的）</source>
        <translation>Open cases the shop still has a step to take on (not those refunded, reshipped ... that wait only to be completed)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_filter_bar.py" line="51"/>
        <source>点击取消，显示全部售后单</source>
        <translation>Click to show all cases again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_filter_bar.py" line="56"/>
        <source>点击取消统计筛选</source>
        <translation>Click to clear the statistics filter</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_filter_bar.py" line="84"/>
        <source>%1（%2）</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_filter_bar.py" line="105"/>
        <source>统计：%1  ✕</source>
        <translation>Statistics: %1  ✕</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_filter_bar.py" line="125"/>
        <source>仅显示：%1  ✕</source>
        <translation>Only: %1  ✕</translation>
    </message>
</context>
<context>
    <name>CaseGuidePanel</name>
    <message>
        <location filename="../../desktop_app/ui/cases/case_guide_panel.py" line="82"/>
        <source>话术：</source>
        <translation>Reply script:</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_guide_panel.py" line="86"/>
        <source>复制</source>
        <translation>Copy</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_guide_panel.py" line="95"/>
        <source>话术按原文发给买家（中文），复制后粘贴到平台的聊天窗口</source>
        <translation>Sent to the buyer as written, in Chinese: copy it and paste it into the platform&apos;s chat</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_guide_panel.py" line="99"/>
        <source>编辑步骤和话术…</source>
        <translation>Edit steps and scripts...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_guide_panel.py" line="101"/>
        <location filename="../../desktop_app/ui/cases/case_guide_panel.py" line="119"/>
        <source>修改处理步骤、运费规则和话术，或添加本店自己的；保存为本店的版本</source>
        <translation>Change the steps, postage rule and reply scripts, or add your own; saved as the shop&apos;s own version</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_guide_panel.py" line="103"/>
        <source>店铺策略…</source>
        <translation>Shop policies...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_guide_panel.py" line="116"/>
        <source>先在列表中选择一张售后单</source>
        <translation>First select a case in the list</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_guide_panel.py" line="117"/>
        <source>复制话术，粘贴给买家</source>
        <translation>Copy the reply and paste it to the buyer</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_guide_panel.py" line="163"/>
        <source>处理步骤（%1）</source>
        <translation>Steps (%1)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_guide_panel.py" line="172"/>
        <source>运费：%1</source>
        <translation>Postage: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1056"/>
        <source>：</source>
        <translation>: </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1057"/>
        <source>时限：</source>
        <translation>Deadline: </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1058"/>
        <source>建议：</source>
        <translation>Suggested: </translation>
    </message>
</context>
<context>
    <name>CaseImportSummary</name>
    <message>
        <location filename="../../desktop_app/ui/imports/case_import_summary.py" line="29"/>
        <source>新建售后单</source>
        <translation>New cases</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/case_import_summary.py" line="29"/>
        <source>推进</source>
        <translation>Moved forward</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/case_import_summary.py" line="29"/>
        <source>未变</source>
        <translation>Unchanged</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/case_import_summary.py" line="29"/>
        <source>冲突</source>
        <translation>Conflicts</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/case_import_summary.py" line="29"/>
        <source>时限不一致</source>
        <translation>Deadline differs</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/case_import_summary.py" line="30"/>
        <source>售后文件</source>
        <translation>After-sales file</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/case_import_summary.py" line="30"/>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/case_import_summary.py" line="30"/>
        <source>失败</source>
        <translation>Failed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/case_import_summary.py" line="31"/>
        <source>说明</source>
        <translation>Description</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/case_import_summary.py" line="36"/>
        <source>点击数字，在“售后单”页只列出这些售后单</source>
        <translation>Click a number to list just those cases on the Cases tab</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/case_import_summary.py" line="62"/>
        <source>已取消</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/case_import_summary.py" line="76"/>
        <source>%1 中“%2”的 %3 张</source>
        <translation>%3 &quot;%2&quot; of %1</translation>
    </message>
</context>
<context>
    <name>CaseMoneyRows</name>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1066"/>
        <source>已超时（%1）</source>
        <translation>Missed (%1)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1067"/>
        <source>%1 前未完成</source>
        <translation>Not done by %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1070"/>
        <source>赔付</source>
        <translation>Penalty</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1069"/>
        <source>%1：%2须赔付 %3 元</source>
        <translation>%1: %2, the shop pays ¥%3</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1068"/>
        <source>%1：%2须赔付，金额未知（订单未导入）</source>
        <translation>%1: %2, the shop pays an amount not known (the order was not imported)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1071"/>
        <source>%1 元（手工登记）</source>
        <translation>¥%1 (entered by hand)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1072"/>
        <source>；时限超时按规则为 %1 元，不重复计入</source>
        <translation>; ¥%1 by the rules for timers that ran out, not counted twice</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1073"/>
        <source>平台处罚</source>
        <translation>Platform penalties</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1074"/>
        <source>%1 元（时限超时，按平台规则计入）</source>
        <translation>¥%1 (timers that ran out, by the platform&apos;s rules)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1075"/>
        <source>净损失</source>
        <translation>Net loss</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1076"/>
        <source>%1 元</source>
        <translation>¥%1</translation>
    </message>
</context>
<context>
    <name>CaseTableModel</name>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1078"/>
        <source>%n 天</source>
        <translation>%n d</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1079"/>
        <source>%n 小时</source>
        <translation>%n h</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1080"/>
        <source>%n 分钟</source>
        <translation>%n min</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1081"/>
        <source>已逾期 %1</source>
        <translation>%1 overdue</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1082"/>
        <source>剩 %1</source>
        <translation>%1 left</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1083"/>
        <source>平台已超时自动处理：%1</source>
        <translation>The platform acted by itself: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1084"/>
        <source>编号</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1085"/>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1086"/>
        <source>店铺</source>
        <translation>Shop</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1087"/>
        <source>订单号</source>
        <translation>Order no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1088"/>
        <source>买家/收货人</source>
        <translation>Recipient</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1089"/>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1090"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1091"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1092"/>
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1093"/>
        <source>责任方</source>
        <translation>Responsible party</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1094"/>
        <source>下一个时限</source>
        <translation>Next deadline</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1095"/>
        <source>更新时间</source>
        <translation>Updated</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1096"/>
        <source>手机尾号%1</source>
        <translation>phone ending %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1097"/>
        <source>按手机号后四位匹配：%1</source>
        <translation>Matched by the phone&apos;s last four digits: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1098"/>
        <source>平台超时自动处理后：%1 %2 到期</source>
        <translation>Once the platform acts by itself: %1 due %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1099"/>
        <source>估算：按工作日计算的时限落在还没有官方节假日与调休安排的年份，按周一至周五估算，法定节假日不算工作日，调休未知；或活动窗口（如双11）还没有当年的日期，按往年的日期估算</source>
        <translation>Estimated: a working-day deadline in a year without an official holiday schedule, counted Monday to Friday without the statutory holidays (make-up workdays unknown); or a campaign window (such as Double 11) without this year&apos;s dates, taken from last year&apos;s</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1100"/>
        <source>（估算）</source>
        <translation> (estimated)</translation>
    </message>
</context>
<context>
    <name>CaseUndo</name>
    <message>
        <location filename="../../desktop_app/ui/cases/case_undo.py" line="76"/>
        <location filename="../../desktop_app/ui/cases/case_undo.py" line="109"/>
        <source>撤销</source>
        <translation>Undo</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_undo.py" line="79"/>
        <source>撤销只用于“售后单”标签页中正在查看的售后单</source>
        <translation>Undo applies to the case shown in the After-sales cases tab</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_undo.py" line="85"/>
        <source>先在“售后单”标签页中选择一张售后单</source>
        <translation>First select a case in the After-sales cases tab</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_undo.py" line="90"/>
        <source>#%1：%2</source>
        <translation>#%1: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_undo.py" line="98"/>
        <source>撤销 #%1 的“%2”（只撤销这一张）</source>
        <translation>Undo &quot;%2&quot; of #%1 (this case only)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_undo.py" line="99"/>
        <source>所选 %3 张售后单中只撤销正在查看的 #%1 的最后一步“%2”，其他的请逐张撤销（时间线会记下这次撤销）</source>
        <translation>Of the %3 selected cases, only the last step of #%1 (the one shown), &quot;%2&quot;, is undone; undo the others one by one (the timeline records the undo)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_undo.py" line="103"/>
        <source>撤销“%1”</source>
        <translation>Undo &quot;%1&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_undo.py" line="104"/>
        <source>撤销 #%1 的最后一步“%2”（时间线会记下这次撤销）</source>
        <translation>Undo the last step of #%1, &quot;%2&quot; (the timeline records the undo)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_undo.py" line="109"/>
        <source>刚才的“%1”不能撤销：%2</source>
        <translation>The %1 just done cannot be undone: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_undo.py" line="112"/>
        <source>一次撤销刚才的“%1”（%2 张售后单，时间线会记下这次撤销）</source>
        <translation>Take back the %1 just done in one step (%2 cases; the timelines record the undo)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_undo.py" line="115"/>
        <source>；另有 %1 张不能撤销：%2</source>
        <translation>; %1 more cannot be undone: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_undo.py" line="117"/>
        <source>撤销：%1 %2 单</source>
        <translation>Undo: %1 (%2 cases)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_undo.py" line="124"/>
        <source>已撤销“%1”：%2 张</source>
        <translation>Undid the %1: %2 cases</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_undo.py" line="127"/>
        <source>；%1 张未撤销：%2</source>
        <translation>; %1 not undone: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_undo.py" line="128"/>
        <source>，</source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_undo.py" line="128"/>
        <source>#%1（%2）</source>
        <translation>#%1 (%2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_undo.py" line="158"/>
        <source>已撤销 #%1 的“%2”，当前状态：%3</source>
        <translation>Undid &quot;%2&quot; of #%1; status now: %3</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_undo.py" line="133"/>
        <location filename="../../desktop_app/ui/cases/case_undo.py" line="162"/>
        <source>未能撤销：%1</source>
        <translation>Could not undo: %1</translation>
    </message>
</context>
<context>
    <name>CasesTab</name>
    <message>
        <location filename="../../desktop_app/ui/cases/cases_tab.py" line="121"/>
        <location filename="../../desktop_app/ui/cases/cases_tab.py" line="384"/>
        <source>批量操作…</source>
        <translation>Bulk action...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/cases_tab.py" line="123"/>
        <source>按住 Ctrl 或 Shift 选择多张售后单，对它们执行同一操作</source>
        <translation>Hold Ctrl or Shift to select several cases and apply one action to all of them</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1060"/>
        <source>导出 Excel…</source>
        <translation>Export to Excel...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1061"/>
        <source>导出当前列表（按当前搜索、筛选和排序）中的售后单</source>
        <translation>Export the cases in the list (current search, filters and sort)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/cases_tab.py" line="138"/>
        <source>正在打开数据库……</source>
        <translation>Opening the database...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/cases_tab.py" line="189"/>
        <source>处理建议</source>
        <translation>Guide</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/cases_tab.py" line="190"/>
        <source>证据</source>
        <translation>Evidence</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/cases_tab.py" line="160"/>
        <source>打开</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/cases_tab.py" line="118"/>
        <location filename="../../desktop_app/ui/cases/cases_tab.py" line="272"/>
        <source>共 %1 张售后单</source>
        <translation>Cases: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/cases_tab.py" line="127"/>
        <source>完成已退款的…</source>
        <translation>Complete the refunded...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/cases_tab.py" line="130"/>
        <source>平台已退款、只等完成的未结束售后单（按当前的平台、店铺、类型和搜索）：一次全部完成</source>
        <translation>Open cases the platform has refunded, waiting only to be completed (by the current platform, shop, type and search): complete them all at once</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/cases_tab.py" line="275"/>
        <source>按手机尾号“%1”查找（只查手机号）：共 %2 张售后单</source>
        <translation>Phone ending &quot;%1&quot; (phones only): %2 cases</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/cases_tab.py" line="278"/>
        <source>匹配的订单太多，只列出前 %1 个订单的 %2 张售后单；请多输入几个字</source>
        <translation>Too many matching orders: showing %2 cases of the first %1 orders; type a few more characters</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1062"/>
        <source>导出售后单</source>
        <translation>Export cases</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1063"/>
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1064"/>
        <source>已导出 %1 张售后单到 %2</source>
        <translation>Exported %1 cases to %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1102"/>
        <source>当前列表中没有已退款、待完成的售后单</source>
        <translation>No refunded case waiting to be completed in this list</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/cases_tab.py" line="383"/>
        <source>批量操作（%1）…</source>
        <translation>Bulk action (%1)...</translation>
    </message>
</context>
<context>
    <name>ChangeKindDialog</name>
    <message>
        <location filename="../../desktop_app/ui/cases/case_kind_dialog.py" line="32"/>
        <source>更改售后类型 #%1</source>
        <translation>Change the type of case #%1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_kind_dialog.py" line="35"/>
        <source>当前：%1，%2</source>
        <translation>Now: %1, %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_kind_dialog.py" line="43"/>
        <source>改为</source>
        <translation>Change to</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_kind_dialog.py" line="46"/>
        <source>原因（可选），例如：买家改为仅退款，不退货了</source>
        <translation>Reason (optional), e.g. the buyer now wants a refund only, no return</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_kind_dialog.py" line="49"/>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_kind_dialog.py" line="57"/>
        <source>更改</source>
        <translation>Change</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_kind_dialog.py" line="75"/>
        <source>状态：%1 → %2</source>
        <translation>Status: %1 → %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_kind_dialog.py" line="77"/>
        <source>金额将按新类型记为补偿金额</source>
        <translation>The amount will be recorded as compensation for the new type</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_kind_dialog.py" line="78"/>
        <source>金额将按新类型记为退款金额</source>
        <translation>The amount will be recorded as a refund for the new type</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_kind_dialog.py" line="80"/>
        <source>尚未发出的补发将取消，离开补发队列</source>
        <translation>A reship not yet sent is cancelled and leaves the reship queue</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_kind_dialog.py" line="82"/>
        <source>将进入补发队列，等待答复</source>
        <translation>It joins the reship queue, waiting for your answer</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_kind_dialog.py" line="83"/>
        <source>时限按新类型重新计算；时间线记录这次更改</source>
        <translation>Deadlines are recomputed for the new type; the timeline records the change</translation>
    </message>
</context>
<context>
    <name>ChinaTimeEdit</name>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1272"/>
        <source>发生时间 %1 在将来（现在是 %2）。确定按这个时间记录吗？若是输错了年份或日期，请点“否”后改正。</source>
        <translation>The time %1 is in the future (it is %2 now). Record it with this time? If the year or the date is mistyped, click No and correct it.</translation>
    </message>
</context>
<context>
    <name>ClaimActionDialog</name>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="66"/>
        <source>理赔操作：%1</source>
        <translation>Claim action: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="68"/>
        <source>对理赔 #%1 执行“%2”</source>
        <translation>&quot;%2&quot; on claim #%1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="75"/>
        <source>默认 %1 元（剩余申请金额）</source>
        <translation>Default %1 yuan (the rest of the claim)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="78"/>
        <source>本次到账金额（必填）</source>
        <translation>Amount received now (required)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="80"/>
        <source>结案时又到账的金额；没有可留空</source>
        <translation>Amount received on closing; leave empty if none</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="83"/>
        <source>（不注明）</source>
        <translation>(not said)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="87"/>
        <source>到账金额（元）</source>
        <translation>Amount received (yuan)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="88"/>
        <source>赔付方式</source>
        <translation>Paid by</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="93"/>
        <source>发生时间</source>
        <translation>Happened at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="103"/>
        <source>下次跟进</source>
        <translation>Next follow-up</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="110"/>
        <source>网点、联系人、对方说法……（可选）</source>
        <translation>Branch, contact, what they said... (optional)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="111"/>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="143"/>
        <source>到账金额</source>
        <translation>Amount received</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="149"/>
        <source>部分赔付请填写本次到账金额。</source>
        <translation>For a partial payment, enter the amount received.</translation>
    </message>
</context>
<context>
    <name>ClaimDetailPane</name>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="91"/>
        <source>货值说明</source>
        <translation>Goods value statement</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="107"/>
        <source>商品</source>
        <translation>Item</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="107"/>
        <source>规格</source>
        <translation>Variant</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="107"/>
        <source>数量</source>
        <translation>Qty</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="107"/>
        <source>单价</source>
        <translation>Unit price</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="108"/>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1118"/>
        <source>申请金额</source>
        <translation>Claimed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="118"/>
        <source>操作</source>
        <translation>Actions</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="124"/>
        <source>修改跟进时间</source>
        <translation>Change follow-up</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="127"/>
        <source>编辑</source>
        <translation>Edit</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="130"/>
        <source>关联售后单/补发</source>
        <translation>Link case / reship</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="133"/>
        <source>理赔单号/联系人</source>
        <translation>Ticket / contact</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="136"/>
        <source>撤销上一步</source>
        <translation>Undo last step</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="145"/>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="258"/>
        <source>证据</source>
        <translation>Evidence</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="152"/>
        <source>添加证据</source>
        <translation>Add evidence</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="155"/>
        <source>删除所选证据</source>
        <translation>Remove selected evidence</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="158"/>
        <source>外箱和面单照片、破损照片、称重记录、聊天截图</source>
        <translation>Photos of the box and label, of the damage, weighing records, chat screenshots</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="167"/>
        <source>记录</source>
        <translation>History</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="257"/>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="189"/>
        <source>&lt;b&gt;未选择理赔&lt;/b&gt;</source>
        <translation>&lt;b&gt;No claim selected&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="191"/>
        <source>在左侧列表中选择一条理赔查看详情。</source>
        <translation>Select a claim in the list on the left to see its details.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="203"/>
        <source>先在左侧列表中选择一条理赔</source>
        <translation>Select a claim in the list on the left first</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="257"/>
        <source>新建理赔</source>
        <translation>New claim</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="257"/>
        <source>修改</source>
        <translation>Edited</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="258"/>
        <source>撤销</source>
        <translation>Undo</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="266"/>
        <source>（已撤销）</source>
        <translation> (undone)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="274"/>
        <source>这条理赔没有可以撤销的操作（新建理赔不能撤销，不需要时请关闭理赔）</source>
        <translation>This claim has no step to undo (a new claim cannot be undone; close it if it is not needed)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="277"/>
        <source>撤销“%1”</source>
        <translation>Undo &quot;%1&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="279"/>
        <source>，撤回到账 %1 元</source>
        <translation>, taking back the %1 yuan recorded as received</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="357"/>
        <source>理赔 #%1 已%2，当前状态：%3</source>
        <translation>Claim #%1: %2 done, now %3</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="361"/>
        <source>理赔 #%1 已%2：本次到账 %3 元，累计到账 %4 元（未填申请金额）；当前状态：%5</source>
        <translation>Claim #%1: %2 done: %3 yuan received now, %4 yuan in all (no amount claimed entered); now %5</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="363"/>
        <source>理赔 #%1 已%2：本次到账 %3 元，累计到账 %4 元，还差 %6 元未赔；当前状态：%5</source>
        <translation>Claim #%1: %2 done: %3 yuan received now, %4 yuan in all, %6 yuan still outstanding; now %5</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="366"/>
        <source>理赔 #%1 已%2：本次到账 %3 元，累计到账 %4 元，申请的金额已全部到账；当前状态：%5</source>
        <translation>Claim #%1: %2 done: %3 yuan received now, %4 yuan in all, the amount claimed is fully paid; now %5</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="374"/>
        <source>选择证据文件（可多选）</source>
        <translation>Choose evidence files (several allowed)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="375"/>
        <source>图片 (*.jpg *.jpeg *.png *.gif *.bmp *.webp);;所有文件 (*)</source>
        <translation>Images (*.jpg *.jpeg *.png *.gif *.bmp *.webp);;All files (*)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="385"/>
        <source>已为理赔 #%1 添加 %2 个证据文件</source>
        <translation>Added %2 evidence file(s) to claim #%1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_detail.py" line="414"/>
        <source>操作未完成</source>
        <translation>Not completed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1106"/>
        <source>（已到期）</source>
        <translation> (overdue)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1107"/>
        <source>（现在可以办理）</source>
        <translation> (can be done now)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1104"/>
        <source>截止 %1</source>
        <translation>Due %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1105"/>
        <source>%1 起可办理</source>
        <translation>Can be done from %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1108"/>
        <source>下一步：%1</source>
        <translation>Next step: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1109"/>
        <source>找：%1</source>
        <translation>Contact: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1110"/>
        <source>需要的材料：</source>
        <translation>Documents needed:</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1111"/>
        <source>订单</source>
        <translation>Order</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1112"/>
        <source>收货人</source>
        <translation>Recipient</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1113"/>
        <source>收货地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1114"/>
        <source>订单实付</source>
        <translation>Order paid</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1115"/>
        <source>￥%1</source>
        <translation>¥%1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1116"/>
        <source>快递</source>
        <translation>Carrier</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1117"/>
        <source>发货时间</source>
        <translation>Shipped at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1119"/>
        <source>保价金额</source>
        <translation>Declared value</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1120"/>
        <source>已到账</source>
        <translation>Received</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1121"/>
        <source>未注明方式</source>
        <translation>channel not given</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1122"/>
        <source>%1（%2）</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1123"/>
        <source>理赔单号</source>
        <translation>Ticket no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1124"/>
        <source>对接方</source>
        <translation>Dealing with</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1125"/>
        <source>报案时间</source>
        <translation>Reported on</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1126"/>
        <source>待追回</source>
        <translation>Outstanding</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1127"/>
        <source>下次跟进</source>
        <translation>Next follow-up</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1128"/>
        <source>结束时间</source>
        <translation>Finished at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1129"/>
        <source>提交货值说明</source>
        <translation>Submit goods value statement</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1130"/>
        <source>售后单</source>
        <translation>After-sales case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1131"/>
        <source>理赔款用于补发</source>
        <translation>Compensation funds reship</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1132"/>
        <source>说明</source>
        <translation>Description</translation>
    </message>
</context>
<context>
    <name>ClaimEdits</name>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_edits.py" line="180"/>
        <source>撤销理赔 #%1 的上一步“%2”？</source>
        <translation>Undo the last step of claim #%1, &quot;%2&quot;?</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_edits.py" line="182"/>
        <source>
登记的到账 %1 元随之撤回，已到账和统计的金额都会减少。</source>
        <translation>
The %1 yuan recorded as received is taken back with it; received and the statistics go down by it.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_edits.py" line="184"/>
        <source>撤销上一步</source>
        <translation>Undo last step</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_edits.py" line="195"/>
        <source>理赔 #%1 已撤销“%2”，当前状态：%3</source>
        <translation>Claim #%1: &quot;%2&quot; undone, now: %3</translation>
    </message>
</context>
<context>
    <name>ClaimTableModel</name>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1134"/>
        <source>截止%1</source>
        <translation>by %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1135"/>
        <source>%1起</source>
        <translation>from %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1136"/>
        <source>还缺：%1</source>
        <translation>Still missing: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1137"/>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1138"/>
        <source>编号</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1139"/>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1140"/>
        <source>订单号</source>
        <translation>Order no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1148"/>
        <source>收货人</source>
        <translation>Recipient</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1149"/>
        <source>快递公司</source>
        <translation>Carrier</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1150"/>
        <source>运单号</source>
        <translation>Tracking number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1141"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1142"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1146"/>
        <source>下一步</source>
        <translation>Next step</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1143"/>
        <source>申请金额</source>
        <translation>Claimed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1144"/>
        <source>已到账</source>
        <translation>Received</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1145"/>
        <source>待追回</source>
        <translation>Outstanding</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1147"/>
        <source>跟进日期</source>
        <translation>Follow-up</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1151"/>
        <source>售后单</source>
        <translation>After-sales case</translation>
    </message>
</context>
<context>
    <name>ClaimTicketDialog</name>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_ticket_dialog.py" line="32"/>
        <source>理赔 #%1：理赔单号与联系人</source>
        <translation>Claim #%1: ticket and contact</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_ticket_dialog.py" line="38"/>
        <source>快递给的理赔单号/工单号</source>
        <translation>The carrier&apos;s claim or ticket number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_ticket_dialog.py" line="40"/>
        <source>理赔单号</source>
        <translation>Ticket no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_ticket_dialog.py" line="43"/>
        <source>（未填）</source>
        <translation>(not given)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_ticket_dialog.py" line="47"/>
        <source>对接方</source>
        <translation>Dealing with</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_ticket_dialog.py" line="51"/>
        <source>网点名称、联系人、电话</source>
        <translation>Outlet, contact person, phone</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_ticket_dialog.py" line="53"/>
        <source>联系人</source>
        <translation>Contact</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_ticket_dialog.py" line="54"/>
        <source>已向快递报案</source>
        <translation>Reported to the carrier</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_ticket_dialog.py" line="67"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
</context>
<context>
    <name>ClaimsTab</name>
    <message>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="92"/>
        <source>搜索 运单号 / 订单号 / 收货人 / #编号  (Ctrl+F)</source>
        <translation>Search tracking / order no. / recipient / #ID  (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="93"/>
        <source>按运单号、快递工单号、订单号、收货人或理赔编号（#12）查找，输入一部分即可</source>
        <translation>Finds claims by tracking number, carrier ticket number, order number, recipient or claim ID (#12); part of one is enough</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="99"/>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="242"/>
        <source>全部快递</source>
        <translation>All carriers</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="102"/>
        <source>全部状态</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="107"/>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="107"/>
        <source>未结束</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="108"/>
        <source>已结束</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="110"/>
        <source>今天需跟进</source>
        <translation>Follow up today</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="117"/>
        <source>新建理赔</source>
        <translation>New claim</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="120"/>
        <source>打印货值说明</source>
        <translation>Print goods value statement</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="122"/>
        <source>为所选理赔生成货值说明（可多选，同一快递一次打印）</source>
        <translation>Goods value statements for the selected claims (select several to print one carrier&apos;s at once)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="150"/>
        <source>快递公司</source>
        <translation>Carrier</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="150"/>
        <source>条数</source>
        <translation>Claims</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="150"/>
        <source>已申请</source>
        <translation>Claimed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="150"/>
        <source>已到账</source>
        <translation>Received</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="151"/>
        <source>待追回</source>
        <translation>Outstanding</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="171"/>
        <source>打开</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="234"/>
        <source>没有符合条件的理赔：清空搜索，或把筛选改回“全部”。</source>
        <translation>No claim matches: clear the search, or set the filters back to &quot;All&quot;.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="235"/>
        <source>还没有快递理赔。包裹丢件或破损时，在售后单或订单上点“快递理赔”，或点上方的“新建理赔”；登记后打印货值说明，交快递网点理赔。</source>
        <translation>No carrier claims yet. When a parcel is lost or damaged, click &quot;Carrier claims&quot; on its case or order, or &quot;New claim&quot; above; then print the goods value statement for the carrier&apos;s outlet.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="251"/>
        <source>共 %1 条 &amp;nbsp; 已申请 %2 &amp;nbsp; 已到账 %3 &amp;nbsp; 待追回 %4</source>
        <translation>Claims: %1 &amp;nbsp; claimed %2 &amp;nbsp; received %3 &amp;nbsp; outstanding %4</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="252"/>
        <source>￥%1</source>
        <translation>¥%1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="265"/>
        <source>（未填快递）</source>
        <translation>(no carrier)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="272"/>
        <source>双击只看这家快递的理赔</source>
        <translation>Double-click to list this carrier&apos;s claims only</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="349"/>
        <source>已新建快递理赔 #%1</source>
        <translation>Created carrier claim #%1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claims_tab.py" line="352"/>
        <source>请核对理赔金额</source>
        <translation>Check the claimed amounts</translation>
    </message>
</context>
<context>
    <name>ColumnMappingDialog</name>
    <message>
        <location filename="../../desktop_app/ui/imports/column_mapping_dialog.py" line="99"/>
        <source>导入其他表格：按列对应</source>
        <translation>Import other sheet: map the columns</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/column_mapping_dialog.py" line="104"/>
        <source>文件：%1</source>
        <translation>File: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1154"/>
        <source>说明每一列是什么：订单按“订单号”导入和合并，只导入选择了的列。保存后，表头相同的表格以后会自动识别。</source>
        <translation>Say what each column holds: orders are imported and merged by their order no., and only the chosen columns are imported. Once saved, sheets with the same headers are recognised automatically.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/column_mapping_dialog.py" line="176"/>
        <source>正在读取文件……</source>
        <translation>Reading the files...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/column_mapping_dialog.py" line="156"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/column_mapping_dialog.py" line="157"/>
        <source>保存并导入</source>
        <translation>Save and import</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/column_mapping_dialog.py" line="206"/>
        <source>这个工作表是空的</source>
        <translation>This sheet is empty</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/column_mapping_dialog.py" line="208"/>
        <source>没有认出表头行：请选择表头在第几行</source>
        <translation>No header row recognised: choose the row the header is in</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/column_mapping_dialog.py" line="210"/>
        <source>预览前 %1 行；表头行以黄色标出</source>
        <translation>First %1 rows; the header row is highlighted in yellow</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/column_mapping_dialog.py" line="215"/>
        <source>无法读取</source>
        <translation>Cannot read</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1153"/>
        <source>说明每一列是什么：售后单按“平台 + 售后单号”导入，再次导入时向前推进，订单按订单号关联；只导入选择了的列。保存后，表头相同的表格以后会自动识别（界面和 import-cases 命令都会）。</source>
        <translation>Say what each column holds: cases are imported by platform + after-sales no. and move forward when imported again, linked to their orders by order no.; only the chosen columns are imported. Once saved, sheets with the same headers are recognised automatically (by the window and by import-cases).</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/column_mapping_dialog.py" line="274"/>
        <source>（不导入）</source>
        <translation>(not imported)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/column_mapping_dialog.py" line="274"/>
        <source>%1（%2 列）</source>
        <translation>%1 (column %2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/column_mapping_dialog.py" line="274"/>
        <source>（%1 列，无表头）</source>
        <translation>(column %1, no header)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1156"/>
        <source>预览的数据行中 %1 行可以导入，%2 行有问题：</source>
        <translation>Of the preview&apos;s data rows %1 can be imported, %2 have problems:</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1157"/>
        <source>“%1”列：</source>
        <translation>column &quot;%1&quot;: </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1158"/>
        <source>第 %1 行</source>
        <translation>Row %1 </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1155"/>
        <source>……另有 %1 个问题</source>
        <translation>...and %1 more problems</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1159"/>
        <source>这个表格的表头已能被“%1”自动识别，直接用“导入”即可。</source>
        <translation>These headers are already recognised as &quot;%1&quot;: just use Import.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1160"/>
        <source>这个表格的表头已能被“%1”自动识别，直接用“导入订单”即可；保存的方案只在这次导入时使用。</source>
        <translation>These headers are already recognised as &quot;%1&quot;: Import orders reads them as they are; a saved mapping is only used for this import.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1161"/>
        <source>已有名为“%1”的方案，保存会替换它。</source>
        <translation>A mapping named &quot;%1&quot; exists; saving replaces it.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/column_mapping_dialog.py" line="378"/>
        <source>正在保存……</source>
        <translation>Saving...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/column_mapping_dialog.py" line="397"/>
        <source>未能保存</source>
        <translation>Not saved</translation>
    </message>
</context>
<context>
    <name>DashboardTab</name>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="72"/>
        <source> 天</source>
        <translation> days</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="86"/>
        <source>按类型</source>
        <translation>By kind</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="86"/>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="86"/>
        <source>按原因</source>
        <translation>By reason</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="86"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="87"/>
        <source>按平台</source>
        <translation>By platform</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="87"/>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="106"/>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="88"/>
        <source>按责任方</source>
        <translation>By responsible party</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="88"/>
        <source>责任方</source>
        <translation>Responsible party</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="91"/>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="111"/>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="116"/>
        <source>售后单</source>
        <translation>Cases</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="95"/>
        <source>退款</source>
        <translation>Refund</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="95"/>
        <source>补偿买家</source>
        <translation>Paid to buyers</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="95"/>
        <source>运费（本店承担）</source>
        <translation>Postage (paid by the shop)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="96"/>
        <source>货损（成本价）</source>
        <translation>Goods written off (cost)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="96"/>
        <source>平台处罚</source>
        <translation>Platform penalties</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="97"/>
        <source>向快递索赔</source>
        <translation>Claimed from carriers</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="97"/>
        <source>快递已赔付</source>
        <translation>Paid by carriers</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="97"/>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="117"/>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="120"/>
        <source>待追回</source>
        <translation>Outstanding</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="98"/>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="111"/>
        <source>净损失</source>
        <translation>Net loss</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="98"/>
        <source>待退款</source>
        <translation>Refunds pending</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="100"/>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="104"/>
        <source>费用</source>
        <translation>Costs</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="100"/>
        <source>金额（元）</source>
        <translation>Amount (yuan)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="102"/>
        <source>退款、补偿买家：已付给买家的金额（售后单有“退款”“退货途中退款”或“已补偿”这一步，含平台自动退款）；待退款：进行中的售后单申请了、还没付的金额，不计入净损失</source>
        <translation>Refund, paid to buyers: what reached the buyer (the case has a Refund, Refund while the return is on its way or Compensated step, the platform&apos;s automatic refunds included); refunds pending: what open cases asked for and were not paid yet, not in the net loss</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="106"/>
        <source>时限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="106"/>
        <source>按时</source>
        <translation>Met</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="106"/>
        <source>超时</source>
        <translation>Missed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="106"/>
        <source>按时率</source>
        <translation>Met share</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="106"/>
        <source>当前逾期</source>
        <translation>Overdue now</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="107"/>
        <source>处理时长中位数</source>
        <translation>Median time to resolve</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="109"/>
        <source>时效</source>
        <translation>Timeliness</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="111"/>
        <source>商品</source>
        <translation>Item</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="111"/>
        <source>售出件数</source>
        <translation>Pieces sold</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="111"/>
        <source>每百件售后</source>
        <translation>Cases per 100 sold</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="112"/>
        <source>净损失：含该商品的订单的售后单的净损失，减去这些订单的快递赔付；一张订单有多个商品时，每个商品都计入</source>
        <translation>Net loss: the net loss of the after-sales cases of orders with this product, less what couriers paid on those orders; an order with several products counts for each of them</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="114"/>
        <source>按商品（售后最多的 20 个）</source>
        <translation>By product (20 with most cases)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="116"/>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="120"/>
        <source>快递</source>
        <translation>Carrier</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="116"/>
        <source>发货单数</source>
        <translation>Parcels</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="116"/>
        <source>丢件</source>
        <translation>Lost in transit</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="116"/>
        <source>破损</source>
        <translation>Damaged</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="117"/>
        <source>每百单丢损</source>
        <translation>Lost/damaged per 100</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="117"/>
        <source>已赔付</source>
        <translation>Paid</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="118"/>
        <source>按快递</source>
        <translation>By carrier</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="120"/>
        <source>理赔</source>
        <translation>Claim</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="120"/>
        <source>订单号</source>
        <translation>Order no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="120"/>
        <source>问题</source>
        <translation>Problem</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="122"/>
        <source>待跟进的理赔</source>
        <translation>Claims to chase</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="124"/>
        <source>列出登记超过</source>
        <translation>List claims recorded more than</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="126"/>
        <source>仍未结束的理赔，以及缺少证据或理赔单号的理赔</source>
        <translation>ago and still open, and claims missing evidence or a ticket number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="142"/>
        <source>本月</source>
        <translation>This month</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="142"/>
        <source>上月</source>
        <translation>Last month</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="142"/>
        <source>近 30 天</source>
        <translation>Last 30 days</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="143"/>
        <source>今年</source>
        <translation>This year</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="143"/>
        <source>自定义</source>
        <translation>Custom</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="153"/>
        <source>全部平台</source>
        <translation>All platforms</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="158"/>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="243"/>
        <source>全部店铺</source>
        <translation>All shops</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="159"/>
        <source>导出 Excel…</source>
        <translation>Export to Excel...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="164"/>
        <source>至</source>
        <translation>to</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="245"/>
        <source>%1（%2）</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="296"/>
        <source>统计失败：%1</source>
        <translation>Statistics failed: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="310"/>
        <source>%1 至 %2：售后单 %3 张（进行中 %4），净损失 %5 元；向快递索赔 %6 元，已赔付 %7 元，待追回 %8 元</source>
        <translation>%1 to %2: %3 after-sales cases (%4 open), net loss ¥%5; claimed from carriers ¥%6, paid ¥%7, outstanding ¥%8</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="323"/>
        <source>另有 %1 张售后单的时限超时赔付金额未知（订单未导入，按成交金额的比例计算），未计入平台处罚</source>
        <translation>Another %1 cases owe a penalty for a timer that ran out whose amount is unknown (the order was not imported; it is a share of the amount paid): not counted in platform penalties</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="346"/>
        <source>合计</source>
        <translation>Total</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="341"/>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="353"/>
        <source>（未填）</source>
        <translation>(not given)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="317"/>
        <source>错过平台时限 %1 次</source>
        <translation>Platform deadlines missed %1 times</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="319"/>
        <source>平台处罚含时限超时按平台规则计入的 %1 元（%2 张售后单，按时限到期日计入期间；已手工登记处罚的售后单以登记为准）</source>
        <translation>Platform penalties include ¥%1 by the platform&apos;s rules for timers that ran out (%2 cases, counted in the period of the deadline; a case with a penalty entered by hand counts that one)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="357"/>
        <source>超过 %1 天</source>
        <translation>Older than %1 days</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="357"/>
        <source>缺少证据</source>
        <translation>No evidence</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="358"/>
        <source>缺少理赔单号</source>
        <translation>No ticket number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="363"/>
        <source>待跟进的理赔（%1 件未结束）</source>
        <translation>Claims to chase (%1 open)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="370"/>
        <source>导出统计</source>
        <translation>Export statistics</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="371"/>
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dashboard/dashboard_tab.py" line="383"/>
        <source>已导出到 %1</source>
        <translation>Exported to %1</translation>
    </message>
</context>
<context>
    <name>DeadlineFilter</name>
    <message>
        <location filename="../../desktop_app/ui/calendar/deadline_filter.py" line="23"/>
        <source>筛选列表：售后单号 / 订单号 / 平台 / 时限  (Ctrl+F)</source>
        <translation>Filter the lists: case no. / order no. / platform / deadline  (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/deadline_filter.py" line="48"/>
        <source>显示 %1 / %2 条</source>
        <translation>Showing %1 of %2</translation>
    </message>
</context>
<context>
    <name>DeadlineList</name>
    <message>
        <location filename="../../desktop_app/ui/calendar/deadline_list.py" line="41"/>
        <source>到期时间</source>
        <translation>Due</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/deadline_list.py" line="41"/>
        <source>剩余</source>
        <translation>Time left</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/deadline_list.py" line="41"/>
        <source>售后单</source>
        <translation>Case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/deadline_list.py" line="41"/>
        <source>订单号</source>
        <translation>Order no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/deadline_list.py" line="42"/>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/deadline_list.py" line="42"/>
        <source>时限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/deadline_list.py" line="42"/>
        <source>到期后果</source>
        <translation>When it runs out</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/deadline_list.py" line="59"/>
        <location filename="../../desktop_app/ui/calendar/deadline_list.py" line="62"/>
        <source>打开售后单</source>
        <translation>Open the case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/deadline_list.py" line="63"/>
        <source>这个时限不属于售后单（是一条理赔的跟进）</source>
        <translation>This deadline belongs to no case (it is a claim&apos;s follow-up)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/deadline_list.py" line="66"/>
        <source>复制订单号</source>
        <translation>Copy order number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/deadline_list.py" line="66"/>
        <source>这一行没有订单号</source>
        <translation>This row has no order number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/deadline_list.py" line="74"/>
        <source>（估算）</source>
        <translation> (estimated)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/deadline_list.py" line="86"/>
        <source>售后单 #%1 · %2 · 订单 %3
%4
%5 到期（%6）
到期后果：%7</source>
        <translation>Case #%1 · %2 · order %3
%4
Due %5 (%6)
When it runs out: %7</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/deadline_list.py" line="106"/>
        <source>%1（%2 元）</source>
        <translation>%1 (¥%2)</translation>
    </message>
</context>
<context>
    <name>DeadlineNotifier</name>
    <message>
        <location filename="../../desktop_app/ui/calendar/deadline_notifier.py" line="74"/>
        <source>售后台账</source>
        <translation>Aftersales Ledger</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/deadline_notifier.py" line="122"/>
        <source>售后台账：%1 小时内到期 %2 个</source>
        <translation>Aftersales Ledger: %2 due within %1 h</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/deadline_notifier.py" line="130"/>
        <source>%1：%2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/deadline_notifier.py" line="136"/>
        <source>未能检查即将到期的时限：%1</source>
        <translation>Could not check for deadlines due soon: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/deadline_notifier.py" line="142"/>
        <source>售后单 #%1 %2 %3：%4 到期（%5），%6</source>
        <translation>Case #%1 %2 %3: due %4 (%5), then: %6</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/deadline_notifier.py" line="151"/>
        <source>……另有 %1 个</source>
        <translation>...and %1 more</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/deadline_notifier.py" line="153"/>
        <source>已有 %1 个时限逾期，请在“时效日历”中查看</source>
        <translation>%1 deadline(s) already overdue: see the deadline calendar</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/deadline_notifier.py" line="155"/>
        <source>%1 个时限将在 %2 小时内到期</source>
        <translation>%1 deadline(s) due within %2 h</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/deadline_notifier.py" line="158"/>
        <source>有逾期的时限</source>
        <translation>Overdue deadlines</translation>
    </message>
</context>
<context>
    <name>DecisionDialog</name>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="79"/>
        <source>请写明原因</source>
        <translation>Please give a reason</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="79"/>
        <source>说明（可选）</source>
        <translation>Note (optional)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="80"/>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="83"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="96"/>
        <source>请填写原因。</source>
        <translation>Please enter a reason.</translation>
    </message>
</context>
<context>
    <name>DurationEdit</name>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_fields.py" line="74"/>
        <source>小时</source>
        <translation>hours</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_fields.py" line="74"/>
        <source>天</source>
        <translation>days</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_fields.py" line="74"/>
        <source>个工作日</source>
        <translation>working days</translation>
    </message>
</context>
<context>
    <name>EditCaseDialog</name>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="145"/>
        <source>编辑售后单 #%1</source>
        <translation>Edit case #%1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="149"/>
        <source>（未选）</source>
        <translation>(none)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="152"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="155"/>
        <source>退款金额（元）</source>
        <translation>Refund (yuan)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="156"/>
        <source>补偿金额（元）</source>
        <translation>Compensation (yuan)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="158"/>
        <source>（未定）</source>
        <translation>(undecided)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="161"/>
        <source>责任方</source>
        <translation>Responsible party</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="163"/>
        <source>平台售后单号</source>
        <translation>Platform case no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="167"/>
        <source>买家申请时间</source>
        <translation>Buyer requested at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="208"/>
        <source>退款金额</source>
        <translation>Refund amount</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_dialogs.py" line="209"/>
        <source>补偿金额</source>
        <translation>Compensation amount</translation>
    </message>
</context>
<context>
    <name>EditClaimDialog</name>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="197"/>
        <source>编辑理赔 #%1</source>
        <translation>Edit claim #%1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="203"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="206"/>
        <source>申请金额（元）</source>
        <translation>Claimed amount (yuan)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="208"/>
        <source>保价金额（元）</source>
        <translation>Declared value (yuan)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="210"/>
        <source>快递公司</source>
        <translation>Carrier</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="212"/>
        <source>运单号</source>
        <translation>Tracking number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="216"/>
        <source>说明</source>
        <translation>Description</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="248"/>
        <source>申请金额</source>
        <translation>Claimed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="249"/>
        <source>保价金额</source>
        <translation>Declared value</translation>
    </message>
</context>
<context>
    <name>EmptyState</name>
    <message>
        <location filename="../../desktop_app/ui/cases/empty_state.py" line="21"/>
        <source>还没有售后单</source>
        <translation>No after-sales cases yet</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/empty_state.py" line="26"/>
        <source>从各平台后台导出订单和售后单（退款管理、售后单）并导入，售后单会自动建好；也可以直接登记第一张售后单。
订单未导入也可以登记，导入后会自动补全收货人、商品和物流信息。</source>
        <translation>Export your orders and after-sales lists (refund management, after-sales cases) from each platform&apos;s seller center and import them: the cases are created for you. Or log your first case right away.
A case can be logged before its order is imported; the import fills in the recipient, items and shipping later.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/empty_state.py" line="34"/>
        <source>导入订单/售后单…</source>
        <translation>Import orders/after-sales...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/empty_state.py" line="36"/>
        <source>新建售后单</source>
        <translation>New after-sales case</translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message>
        <location filename="../../desktop_app/ui/window/error_dialog.py" line="26"/>
        <source>日志文件：%1</source>
        <translation>Log file: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/error_dialog.py" line="30"/>
        <source>复制详细信息</source>
        <translation>Copy details</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/error_dialog.py" line="49"/>
        <source>出错了</source>
        <translation>Something went wrong</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/error_dialog.py" line="50"/>
        <source>程序遇到意外错误（%1）。刚才的操作可能没有完成，已保存的数据不受影响。请把详细信息或日志文件发给开发者。</source>
        <translation>The program hit an unexpected error (%1). The last operation may not have finished; saved data is unaffected. Please send the details or the log file to the developers.</translation>
    </message>
</context>
<context>
    <name>EvidenceStrip</name>
    <message>
        <location filename="../../desktop_app/ui/widgets/evidence_strip.py" line="40"/>
        <source>找不到文件：%1</source>
        <translation>File not found: %1</translation>
    </message>
</context>
<context>
    <name>FigureModel</name>
    <message>
        <location filename="../../desktop_app/ui/dashboard/figure_table.py" line="79"/>
        <source>单击列出这些售后单</source>
        <translation>Click to list these cases</translation>
    </message>
</context>
<context>
    <name>FollowUpDialog</name>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="170"/>
        <source>修改跟进时间</source>
        <translation>Change follow-up</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="176"/>
        <source>跟进时间</source>
        <translation>Follow-up time</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="177"/>
        <source>不再提醒（清除跟进时间）</source>
        <translation>No more reminders (clear the follow-up)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="181"/>
        <source>原因（可选）</source>
        <translation>Reason (optional)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="182"/>
        <source>备注</source>
        <translation>Note</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="77"/>
        <source>导入</source>
        <translation>Import</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="81"/>
        <source> 等 %1 个文件</source>
        <translation> and more (%1 files)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="83"/>
        <source>正在导入：%1</source>
        <translation>Importing: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="89"/>
        <source>正在读取文件……</source>
        <translation>Reading the files...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="95"/>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="115"/>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="95"/>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="95"/>
        <source>新增</source>
        <translation>New</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="95"/>
        <source>更新</source>
        <translation>Updated</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="96"/>
        <source>未变</source>
        <translation>Unchanged</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="96"/>
        <source>失败</source>
        <translation>Failed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="96"/>
        <source>说明</source>
        <translation>Notes</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="115"/>
        <source>行</source>
        <translation>Row</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="115"/>
        <source>列</source>
        <translation>Column</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="115"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="130"/>
        <source>保存导入报告（xlsx）…</source>
        <translation>Save import report (xlsx)...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="135"/>
        <source>按列对应导入…</source>
        <translation>Import by mapping columns...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="137"/>
        <source>表头认不出的表格（供应商的表格、自己的台账）：指定各列的含义后导入</source>
        <translation>Sheets whose headers were not recognised (a supplier&apos;s sheet, your own ledger): say what each column holds, then import</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="141"/>
        <source>这是天猫的退款列表…</source>
        <translation>This is a Tmall refund list...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="143"/>
        <source>淘宝和天猫的退款列表格式相同，已按淘宝导入。天猫店铺点这里，这些售后单改为天猫，按天猫的时效规则重新计算</source>
        <translation>Taobao and Tmall refund lists look the same, so it was imported as Taobao. A Tmall shop clicks here: these cases become Tmall&apos;s and their deadlines follow Tmall&apos;s rules.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="175"/>
        <source>第 %1/%2 个文件 %3</source>
        <translation>File %1/%2 (%3)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="178"/>
        <source>：正在读取……</source>
        <translation>: reading...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="181"/>
        <source>：已处理 %1 行，%2 行/秒</source>
        <translation>: %1 rows done, %2 rows/s</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="192"/>
        <source>正在取消……已导入的部分会全部撤销</source>
        <translation>Cancelling... everything imported so far will be undone</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="208"/>
        <source>导入已取消：被取消的文件没有保存任何数据。</source>
        <translation>Import cancelled: nothing from the cancelled file was saved.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="212"/>
        <source>订单：新增 %1，更新 %2，未变 %3，失败 %4 行</source>
        <translation>Orders: %1 new, %2 updated, %3 unchanged, %4 rows failed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="217"/>
        <source>售后单：新建 %1，推进 %2，未变 %3，冲突 %4，时限不一致 %5，失败 %6 行</source>
        <translation>Cases: %1 new, %2 moved forward, %3 unchanged, %4 conflicts, %5 deadlines differ, %6 rows failed</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="224"/>
        <source>导入完成，其中 %n 个文件没有导入（原因见下表）。</source>
        <translation>
            <numerusform>Import finished; %n file was not imported (see below why).</numerusform>
            <numerusform>Import finished; %n files were not imported (see below why).</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="225"/>
        <source>导入完成。</source>
        <translation>Import finished.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="227"/>
        <source>用时 %1 秒</source>
        <translation>Took %1 s</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="248"/>
        <source>正在按天猫重新导入：%1</source>
        <translation>Importing again as Tmall: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="256"/>
        <source>导入失败：%1</source>
        <translation>Import failed: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="298"/>
        <source>%1：%2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="302"/>
        <source>……另有 %1 条提醒</source>
        <translation>... and %1 more notes</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="326"/>
        <source>含明细：%1</source>
        <translation>With item details from: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="333"/>
        <source>保存导入报告</source>
        <translation>Save import report</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="334"/>
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="341"/>
        <source>无法保存报告：%1</source>
        <translation>Could not save the report: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/import_dialog.py" line="343"/>
        <source>报告已保存：%1</source>
        <translation>Report saved: %1</translation>
    </message>
</context>
<context>
    <name>ItemsDialog</name>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="167"/>
        <source>补发商品</source>
        <translation>Items to reship</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="172"/>
        <source>默认为订单中的全部商品；只补发缺少的那几件时请修改数量或删除多余的行。</source>
        <translation>All items of the order are filled in; to reship only what is missing, change the quantities or delete the extra lines.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="178"/>
        <source>商品</source>
        <translation>Item</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="178"/>
        <source>规格</source>
        <translation>Variant</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="178"/>
        <source>数量</source>
        <translation>Qty</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="187"/>
        <source>添加一行</source>
        <translation>Add a line</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="190"/>
        <source>删除选中行</source>
        <translation>Delete selected lines</translation>
    </message>
</context>
<context>
    <name>LedgerCare</name>
    <message>
        <location filename="../../desktop_app/ui/settings/ledger_care.py" line="67"/>
        <source>自动备份失败：%1</source>
        <translation>Automatic backup failed: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/ledger_care.py" line="92"/>
        <source>数据库已损坏</source>
        <translation>The database is damaged</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/ledger_care.py" line="95"/>
        <source>最新的完好备份：%1（%2）。恢复它吗？当前文件会先另存一份。</source>
        <translation>Newest intact backup: %1 (%2). Restore it? The current file is saved first.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/ledger_care.py" line="98"/>
        <source>恢复这个备份</source>
        <translation>Restore this backup</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/ledger_care.py" line="100"/>
        <source>没有找到完好的备份。请不要删除这个文件，复制一份后联系技术支持。</source>
        <translation>No intact backup was found. Do not delete this file; copy it and contact support.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/ledger_care.py" line="101"/>
        <source>查看所有备份…</source>
        <translation>All backups...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/ledger_care.py" line="140"/>
        <source>已恢复备份；恢复前的数据库另存为 %1</source>
        <translation>Backup restored; the database before the restore was saved as %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/ledger_care.py" line="144"/>
        <source>恢复未完成</source>
        <translation>Restore not completed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/ledger_care.py" line="151"/>
        <source>团队数据库在服务器上，用 PostgreSQL 的 pg_dump 备份到备份文件夹 %1。恢复请在服务器上用 pg_restore。现在备份吗？</source>
        <translation>The team database is on a server: it is backed up with PostgreSQL&apos;s pg_dump into the backup folder %1. Restore it on the server with pg_restore. Back up now?</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/ledger_care.py" line="153"/>
        <source>备份团队数据库</source>
        <translation>Back up the team database</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/ledger_care.py" line="165"/>
        <source>备份未完成</source>
        <translation>Backup not completed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/ledger_care.py" line="167"/>
        <source>团队数据库已备份到 %1</source>
        <translation>Team database backed up to %1</translation>
    </message>
</context>
<context>
    <name>LinkDialog</name>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="264"/>
        <source>关联售后单 / 补发</source>
        <translation>Link case / reship</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="270"/>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="275"/>
        <source>（不关联）</source>
        <translation>(none)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="271"/>
        <source>售后单 #</source>
        <translation>Case #</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="276"/>
        <source>理赔款用于补发：售后单 #</source>
        <translation>Compensation funds the reship of case #</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/claim_dialogs.py" line="278"/>
        <source>快递赔付后由店铺补发给买家：关联补发所在的售后单，两边的时间线都会记录。</source>
        <translation>Once the carrier pays, the shop reships to the buyer: link the case of that reship; both timelines record it.</translation>
    </message>
</context>
<context>
    <name>LocalEditNote</name>
    <message>
        <location filename="../../desktop_app/ui/rules/local_edit_note.py" line="29"/>
        <source>载入本机的修改</source>
        <translation>Load this computer&apos;s edit</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/local_edit_note.py" line="44"/>
        <source>这台电脑的数据文件夹里有一份以前修改过的“%1”规则，团队数据库不使用它。要沿用它，点“载入本机的修改”，检查后保存到团队数据库。</source>
        <translation>This computer&apos;s data folder has an earlier edit of the %1 rules, which the team database does not use. To keep it, click &quot;Load this computer&apos;s edit&quot;, check it, then save it to the team database.</translation>
    </message>
</context>
<context>
    <name>MainMenu</name>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1287"/>
        <source>文件(&amp;F)</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1288"/>
        <source>打开数据文件夹</source>
        <translation>Open data folder</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1289"/>
        <source>打开日志文件夹</source>
        <translation>Open log folder</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1290"/>
        <source>退出(&amp;Q)</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1291"/>
        <source>编辑(&amp;E)</source>
        <translation>&amp;Edit</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1292"/>
        <source>撤销</source>
        <translation>Undo</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1293"/>
        <source>数据库打开后，可撤销正在查看的售后单的最后一步</source>
        <translation>Once the database is open: undo the last step of the case shown</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1294"/>
        <source>视图(&amp;V)</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1295"/>
        <source>帮助(&amp;H)</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1296"/>
        <source>关于售后台账</source>
        <translation>About Aftersales Ledger</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1297"/>
        <source>关于 Qt</source>
        <translation>About Qt</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop_app/ui/app.py" line="64"/>
        <location filename="../../desktop_app/ui/app.py" line="119"/>
        <location filename="../../desktop_app/ui/window/main_window.py" line="73"/>
        <source>售后台账</source>
        <translation>Aftersales Ledger</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/main_window.py" line="91"/>
        <source>正在打开数据库……</source>
        <translation>Opening the database...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/main_window.py" line="96"/>
        <source>工具栏</source>
        <translation>Toolbar</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/main_window.py" line="101"/>
        <source>新建售后单</source>
        <translation>New after-sales case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/main_window.py" line="103"/>
        <source>导入</source>
        <translation>Import</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/main_window.py" line="105"/>
        <source>导入其他表格…</source>
        <translation>Import other sheet...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/main_window.py" line="107"/>
        <source>供应商的表格、自己的旧台账等：预览后指定各列的含义，保存为方案再导入</source>
        <translation>A supplier&apos;s sheet, your own old ledger...: preview it, say what each column holds, save that as a mapping and import</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/main_window.py" line="108"/>
        <source>已保存的列对应方案…</source>
        <translation>Saved column mappings...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/main_window.py" line="118"/>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/main_window.py" line="120"/>
        <source>时效规则</source>
        <translation>Deadline rules</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/main_window.py" line="121"/>
        <source>店铺信息</source>
        <translation>Shop details</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/main_window.py" line="122"/>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/main_window.py" line="124"/>
        <source>连接团队数据库…</source>
        <translation>Connect to a team database...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/main_window.py" line="132"/>
        <source>备份与恢复</source>
        <translation>Backups</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/main_window.py" line="139"/>
        <source>搜索</source>
        <translation>Search</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/main_window.py" line="151"/>
        <source>正在处理……</source>
        <translation>Working...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/main_window.py" line="261"/>
        <source>%1（%2）</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/main_window.py" line="265"/>
        <source>补发队列</source>
        <translation>Reship queue</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/main_window.py" line="183"/>
        <source>数据库打开后可用（%1）</source>
        <translation>Available once the database is open (%1)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/main_window.py" line="216"/>
        <source>已打开 %1</source>
        <translation>Opened %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/main_window.py" line="218"/>
        <source>（升级前已备份到 %1）</source>
        <translation> (backed up to %1 before the upgrade)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/main_window.py" line="253"/>
        <source>数据库未能打开</source>
        <translation>The database could not be opened</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/main_window.py" line="256"/>
        <source>无法打开数据库</source>
        <translation>Cannot open the database</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/main_window.py" line="265"/>
        <source>补发队列（%1）</source>
        <translation>Reship queue (%1)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/main_window.py" line="303"/>
        <source>“%1”没有可搜索的列表：已转到“售后单”的搜索框</source>
        <translation>&quot;%1&quot; has no list to search: moved to the Cases search box</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/main_window.py" line="323"/>
        <source>操作未完成</source>
        <translation>Not completed</translation>
    </message>
</context>
<context>
    <name>MappingSettings</name>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_settings.py" line="48"/>
        <source>例如：某某档口发货回单</source>
        <translation>e.g. Supplier X shipping list</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_settings.py" line="53"/>
        <location filename="../../desktop_app/ui/imports/mapping_settings.py" line="85"/>
        <source>订单号属于哪个平台：与已导入的同平台订单按订单号合并</source>
        <translation>The platform the order numbers belong to: they merge with that platform&apos;s imported orders</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_settings.py" line="56"/>
        <source>一行一个订单</source>
        <translation>One row per order</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_settings.py" line="57"/>
        <source>一行一个商品，同一订单号的行合并为一个订单</source>
        <translation>One row per item; rows with the same order no. form one order</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_settings.py" line="62"/>
        <source>订单</source>
        <translation>Order</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_settings.py" line="63"/>
        <source>售后单</source>
        <translation>After-sales case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_settings.py" line="64"/>
        <source>订单表格（发货单、订单台账）还是售后表格（ERP 售后单、售后台账）</source>
        <translation>An order sheet (shipping list, order ledger) or an after-sales sheet (ERP after-sales list, case ledger)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_settings.py" line="67"/>
        <source>导入为</source>
        <translation>Import as</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_settings.py" line="70"/>
        <source>方案名称</source>
        <translation>Mapping name</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_settings.py" line="73"/>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_settings.py" line="76"/>
        <source>每行是</source>
        <translation>Each row is</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_settings.py" line="84"/>
        <source>售后单号属于哪个平台：再次导入时按平台和售后单号找到同一张售后单</source>
        <translation>The platform the after-sales numbers belong to: an import finds the same case again by platform and number</translation>
    </message>
</context>
<context>
    <name>MonthBar</name>
    <message>
        <location filename="../../desktop_app/ui/calendar/month_bar.py" line="35"/>
        <source>上个月</source>
        <translation>Previous month</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/month_bar.py" line="40"/>
        <source>下个月</source>
        <translation>Next month</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/calendar/month_bar.py" line="47"/>
        <source>今天</source>
        <translation>Today</translation>
    </message>
</context>
<context>
    <name>NewCaseDialog</name>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="47"/>
        <source>新建售后单</source>
        <translation>New after-sales case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="52"/>
        <source>订单</source>
        <translation>Order</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="65"/>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="68"/>
        <source>订单未导入时直接输入订单号</source>
        <translation>Order not imported? Type its order no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="69"/>
        <source>订单号</source>
        <translation>Order no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="75"/>
        <source>收货人</source>
        <translation>Recipient</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="76"/>
        <source>手机</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="87"/>
        <source>售后</source>
        <translation>After-sales</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="93"/>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="96"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="100"/>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="103"/>
        <source>元</source>
        <translation>yuan</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="104"/>
        <source>退款</source>
        <translation>Refund</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="106"/>
        <source>补偿</source>
        <translation>Compensation</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="108"/>
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="110"/>
        <source>（未定）</source>
        <translation>(undecided)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="113"/>
        <source>责任方</source>
        <translation>Responsible party</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="115"/>
        <source>平台上的售后/退款编号（可选）</source>
        <translation>After-sales / refund no. on the platform (optional)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="116"/>
        <source>平台售后单号</source>
        <translation>Platform case no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="118"/>
        <source>买家申请时间</source>
        <translation>Buyer requested at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="120"/>
        <source>已签收</source>
        <translation>Delivered</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="122"/>
        <source>只知道日期</source>
        <translation>Date only</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="129"/>
        <source>签收时间</source>
        <translation>Delivered at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="133"/>
        <source>买家诉求、沟通情况……</source>
        <translation>What the buyer wants, how the talks went...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="134"/>
        <source>说明</source>
        <translation>Description</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="137"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="156"/>
        <source>找到 %n 个订单，选择一个；找不到时在下方直接输入订单号。</source>
        <translation>
            <numerusform>Found %n order; choose it, or type the order no. below.</numerusform>
            <numerusform>Found %n orders; choose one, or type the order no. below if it is not listed.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="157"/>
        <source>没有找到订单，可在下方直接输入订单号。</source>
        <translation>No order found; you can type the order no. below.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="165"/>
        <source>已选订单：%1</source>
        <translation>Chosen order: %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="168"/>
        <source>这个订单已有 %n 张售后单：如是同一个售后，请在“售后单”页打开它，不要重复登记。</source>
        <translation>
            <numerusform>This order already has %n after-sales case: if it is the same request, open it in the Cases tab instead of recording it again.</numerusform>
            <numerusform>This order already has %n after-sales cases: if it is the same request, open it in the Cases tab instead of recording it again.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="181"/>
        <source>（未选）</source>
        <translation>(none)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="190"/>
        <source>先勾选“已签收”</source>
        <translation>Tick &quot;Delivered&quot; first</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="191"/>
        <source>只知道签收日期、不知道具体时间时勾选</source>
        <translation>Tick when only the day of delivery is known, not the time</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="209"/>
        <source>请选择一个订单，或输入订单号。</source>
        <translation>Please choose an order or enter an order no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="213"/>
        <source>退款金额</source>
        <translation>Refund amount</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/new_case_dialog.py" line="214"/>
        <source>补偿金额</source>
        <translation>Compensation amount</translation>
    </message>
</context>
<context>
    <name>NewClaimDialog</name>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="71"/>
        <source>新建快递理赔</source>
        <translation>New carrier claim</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="75"/>
        <source>订单</source>
        <translation>Order</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="81"/>
        <source>尚未选择订单</source>
        <translation>No order chosen yet</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="87"/>
        <source>受损/丢失的商品</source>
        <translation>Damaged / lost items</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="91"/>
        <source>商品</source>
        <translation>Item</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="91"/>
        <source>规格</source>
        <translation>Variant</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="91"/>
        <source>数量</source>
        <translation>Qty</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="91"/>
        <source>实付</source>
        <translation>Paid</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="92"/>
        <source>理赔金额</source>
        <translation>Claim value</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="104"/>
        <source>理赔</source>
        <translation>Claim</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="110"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="113"/>
        <source>元；默认为买家为所选商品实付的金额</source>
        <translation>yuan; defaults to what the buyer paid for the chosen items</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="114"/>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="268"/>
        <source>申请金额</source>
        <translation>Claimed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="117"/>
        <source>元（保价时填写）</source>
        <translation>yuan (if the parcel was insured)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="118"/>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="269"/>
        <source>保价金额</source>
        <translation>Declared value</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="122"/>
        <source>快递公司</source>
        <translation>Carrier</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="125"/>
        <source>运单号</source>
        <translation>Tracking number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="130"/>
        <source>事故经过：网点、联系人、快递员说法……</source>
        <translation>What happened: branch, contact, what the courier said...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="131"/>
        <source>说明</source>
        <translation>Description</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="134"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="154"/>
        <source>没有找到订单。快递理赔需要订单信息，请先导入该订单。</source>
        <translation>No order found. A carrier claim needs the order: import it first.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="171"/>
        <source>实付 ￥%1</source>
        <translation>paid ¥%1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="173"/>
        <source>售后单 #%1</source>
        <translation>Case #%1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="174"/>
        <source>已选订单：%1</source>
        <translation>Chosen order: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="192"/>
        <source> / %1 件</source>
        <translation> / %1 pcs</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="212"/>
        <source>勾选受损或丢失的商品；只坏了几件时调整数量。</source>
        <translation>Tick the damaged or lost items; lower the quantity when only some pieces are affected.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="214"/>
        <source>订单没有商品明细：请直接填写申请金额。</source>
        <translation>The order has no item lines: enter the claimed amount directly.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="262"/>
        <source>请先选择订单。</source>
        <translation>Choose an order first.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="265"/>
        <source>请至少勾选一件商品。</source>
        <translation>Tick at least one item.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/claims/new_claim_dialog.py" line="286"/>
        <source>%1。

仍要为这个包裹再新建一张理赔吗（如同一包裹的另一件商品）？</source>
        <translation>%1.

Create another claim for this parcel anyway (for another item in it, say)?</translation>
    </message>
</context>
<context>
    <name>OfficialYearDialog</name>
    <message>
        <location filename="../../desktop_app/ui/rules/official_year_dialog.py" line="90"/>
        <source>填写官方节假日安排</source>
        <translation>Enter the official holiday schedule</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/official_year_dialog.py" line="95"/>
        <source>国务院办公厅每年秋天公布下一年的放假和调休安排。按通知填在这里：这一年的“N个工作日”时限就按它计算，不再标为“估算”；同一年份已有的安排会被替换。放假日写成一段：2027-10-01..2027-10-07（含其中的周末）；调休上班日只写要上班的周末。</source>
        <translation>Each autumn the State Council publishes next year&apos;s days off and make-up working days. Enter them here as published: that year&apos;s &quot;N working days&quot; deadlines are then counted on them and no longer marked estimated; a schedule already entered for the year is replaced. Write days off as a span: 2027-10-01..2027-10-07 (weekends inside included); make-up working days: only the weekend days worked.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/official_year_dialog.py" line="121"/>
        <source>删除这一年的安排</source>
        <translation>Remove this year&apos;s schedule</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/official_year_dialog.py" line="126"/>
        <source>年份</source>
        <translation>Year</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/official_year_dialog.py" line="130"/>
        <source>放假日（含其中的周末）</source>
        <translation>Days off (weekends inside included)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/official_year_dialog.py" line="131"/>
        <source>调休上班日（周末上班）</source>
        <translation>Make-up working days (weekends worked)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/official_year_dialog.py" line="148"/>
        <source>已有这一年的官方安排（%1），修改后保存即可。</source>
        <translation>This year&apos;s official schedule is entered (%1): change it and save.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/official_year_dialog.py" line="149"/>
        <source>程序自带</source>
        <translation>shipped with the app</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/official_year_dialog.py" line="153"/>
        <source>还没有这一年的官方安排：下面是按法定节假日的估算（调休未知），请按公布的通知修改。</source>
        <translation>No official schedule for this year yet: below is the estimate from the statutory holidays (make-up days unknown); correct it from the published notice.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/official_year_dialog.py" line="158"/>
        <source>删除本店填写的这一年（填错了时）：这一年改回程序自带的安排或按法定节假日估算，并重新计算时限</source>
        <translation>Remove the year the shop entered (when it is wrong): the year goes back to the built-in schedule or the estimate from the statutory holidays, and the deadlines are recomputed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/official_year_dialog.py" line="159"/>
        <source>这一年没有本店填写的安排（程序自带的或估算的），无需删除</source>
        <translation>The shop entered no schedule for this year (it is built in or estimated): nothing to remove</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/official_year_dialog.py" line="167"/>
        <source>放假日</source>
        <translation>Days off</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/official_year_dialog.py" line="168"/>
        <source>调休上班日</source>
        <translation>Make-up working days</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/official_year_dialog.py" line="172"/>
        <source>调休上班日只写周末：%1 本来就是工作日</source>
        <translation>Make-up working days are weekend days only: %1 is a working day anyway</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/official_year_dialog.py" line="176"/>
        <source>同一天不能既放假又调休上班：%1</source>
        <translation>A day cannot be both a day off and a make-up working day: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/official_year_dialog.py" line="179"/>
        <source>请填写这一年的放假日</source>
        <translation>Enter this year&apos;s days off</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/official_year_dialog.py" line="185"/>
        <source>没有%1（全国年节及纪念日放假办法规定的 %2 放假，补假在内）：请按通知把全年的放假日都写上</source>
        <translation>No %1 (the national holiday regulations give %2 off, make-up days included): enter every day off of the year as the notice gives them</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/official_year_dialog.py" line="206"/>
        <source>已保存 %1 年的官方安排（%2）；已重新计算 %3 张售后单的时限</source>
        <translation>Saved the official schedule of %1 (%2); recomputed the deadlines of %3 cases</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/official_year_dialog.py" line="213"/>
        <source>未保存：%1</source>
        <translation>Not saved: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/official_year_dialog.py" line="227"/>
        <source>已删除 %1 年的官方安排（%2），这一年改回程序自带的安排或估算；已重新计算 %3 张售后单的时限</source>
        <translation>Removed the official schedule of %1 (%2); the year is built in or estimated again; recomputed the deadlines of %3 cases</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/official_year_dialog.py" line="235"/>
        <source>未删除：%1</source>
        <translation>Not removed: %1</translation>
    </message>
</context>
<context>
    <name>OrderFields</name>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="102"/>
        <source>订单</source>
        <translation>Order</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="102"/>
        <source>收货与物流</source>
        <translation>Delivery</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="102"/>
        <source>商品</source>
        <translation>Item</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="107"/>
        <source>订单号</source>
        <translation>Order no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="107"/>
        <source>订单状态</source>
        <translation>Order status</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="107"/>
        <source>店铺</source>
        <translation>Shop</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="108"/>
        <source>买家昵称</source>
        <translation>Buyer nickname</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="108"/>
        <source>实付金额</source>
        <translation>Amount paid</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="108"/>
        <source>商品总价</source>
        <translation>Goods total</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="109"/>
        <source>邮费</source>
        <translation>Postage</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="109"/>
        <source>付款时间</source>
        <translation>Paid at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="109"/>
        <source>买家留言</source>
        <translation>Buyer&apos;s message</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="110"/>
        <source>商家备注</source>
        <translation>Seller note</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="110"/>
        <source>收货人</source>
        <translation>Recipient</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="110"/>
        <source>手机</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="111"/>
        <source>收货地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="111"/>
        <source>物流公司</source>
        <translation>Carrier</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="111"/>
        <source>物流单号</source>
        <translation>Tracking no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="112"/>
        <source>发货时间</source>
        <translation>Shipped at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="112"/>
        <source>签收时间</source>
        <translation>Delivered at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="113"/>
        <source>确认收货时间</source>
        <translation>Receipt confirmed at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="113"/>
        <source>商品名称</source>
        <translation>Item name</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="113"/>
        <source>商品规格</source>
        <translation>Item variant</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="114"/>
        <source>商家编码</source>
        <translation>SKU code</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="114"/>
        <source>数量</source>
        <translation>Qty</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_fields.py" line="114"/>
        <source>单价</source>
        <translation>Unit price</translation>
    </message>
</context>
<context>
    <name>OrderPicker</name>
    <message>
        <location filename="../../desktop_app/ui/widgets/order_picker.py" line="90"/>
        <source>搜索已导入的订单：订单号、收货人、手机（可输后四位）、物流单号</source>
        <translation>Search imported orders: order no., recipient, phone (last 4 digits OK), tracking no.</translation>
    </message>
</context>
<context>
    <name>OrderTableModel</name>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1163"/>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1164"/>
        <source>店铺</source>
        <translation>Shop</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1165"/>
        <source>订单号</source>
        <translation>Order no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1166"/>
        <source>订单状态</source>
        <translation>Order status</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1167"/>
        <source>（未导入）</source>
        <translation>(not imported)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1168"/>
        <source>收货人</source>
        <translation>Recipient</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1169"/>
        <source>手机</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1170"/>
        <source>实付金额</source>
        <translation>Amount paid</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1171"/>
        <source>付款时间</source>
        <translation>Paid at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1172"/>
        <source>物流公司</source>
        <translation>Carrier</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1173"/>
        <source>物流单号</source>
        <translation>Tracking no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1174"/>
        <source>售后单</source>
        <translation>Cases</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1175"/>
        <source>按手机号后四位匹配</source>
        <translation>Matched by the phone&apos;s last four digits</translation>
    </message>
</context>
<context>
    <name>OrdersTab</name>
    <message>
        <location filename="../../desktop_app/ui/orders/orders_tab.py" line="63"/>
        <source>搜索 订单号 / 收货人 / 手机（可输后四位）/ 物流单号 / 商品  (Ctrl+F)</source>
        <translation>Search order no. / recipient / phone (last 4 digits OK) / tracking no. / item  (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders/orders_tab.py" line="66"/>
        <source>全部平台</source>
        <translation>All platforms</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders/orders_tab.py" line="70"/>
        <source>为此订单新建售后单</source>
        <translation>New case for this order</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders/orders_tab.py" line="74"/>
        <source>快递理赔</source>
        <translation>Carrier claims</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders/orders_tab.py" line="76"/>
        <source>货值说明</source>
        <translation>Goods value statement</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders/orders_tab.py" line="83"/>
        <source>导出 Excel…</source>
        <translation>Export to Excel...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders/orders_tab.py" line="85"/>
        <source>导出当前列表（按当前搜索和筛选）中的订单</source>
        <translation>Export the orders in the current list (search and filters as shown)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders/orders_tab.py" line="107"/>
        <source>聚划算订单（付款后7天内发货）</source>
        <translation>Juhuasuan order (ship within 7 days of payment)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders/orders_tab.py" line="109"/>
        <source>导出文件里没有聚划算标记：勾选后按聚划算的7天发货时效计算，改动记入操作日志</source>
        <translation>No export carries a Juhuasuan mark: ticked, the order ships within Juhuasuan&apos;s 7 days (logged)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders/orders_tab.py" line="127"/>
        <source>共 %1 个订单</source>
        <translation>Orders: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders/orders_tab.py" line="160"/>
        <source>先在列表中选择一个订单</source>
        <translation>Select an order in the list first</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders/orders_tab.py" line="180"/>
        <source>选择一个订单查看商品和物流。</source>
        <translation>Select an order to see its items and shipping.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders/orders_tab.py" line="207"/>
        <source>订单 %1 已标记为聚划算订单</source>
        <translation>Order %1 is marked as a Juhuasuan order</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders/orders_tab.py" line="207"/>
        <source>订单 %1 已改回普通订单</source>
        <translation>Order %1 is an ordinary order again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders/orders_tab.py" line="211"/>
        <source>聚划算订单</source>
        <translation>Juhuasuan order</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders/orders_tab.py" line="218"/>
        <location filename="../../desktop_app/ui/orders/orders_tab.py" line="235"/>
        <source>导出订单</source>
        <translation>Export orders</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders/orders_tab.py" line="219"/>
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders/orders_tab.py" line="238"/>
        <source>已导出 %1 个订单到 %2</source>
        <translation>Exported %1 orders to %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1177"/>
        <source>实付</source>
        <translation>Paid</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1178"/>
        <source>付款</source>
        <translation>Paid at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1179"/>
        <source>物流</source>
        <translation>Shipping</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1180"/>
        <source>已有 %1 张售后单</source>
        <translation>After-sales cases: %1</translation>
    </message>
</context>
<context>
    <name>PackPage</name>
    <message>
        <location filename="../../desktop_app/ui/rules/pack_page.py" line="62"/>
        <source>表单</source>
        <translation>Form</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/pack_page.py" line="63"/>
        <source>TOML（高级）</source>
        <translation>TOML (advanced)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/pack_page.py" line="72"/>
        <source>校验</source>
        <translation>Check</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/pack_page.py" line="74"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/pack_page.py" line="76"/>
        <source>恢复默认</source>
        <translation>Restore defaults</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/pack_page.py" line="113"/>
        <source>%1（已修改）</source>
        <translation>%1 (edited)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/pack_page.py" line="127"/>
        <source>正在使用本店修改过的规则，保存在团队数据库中：每台电脑都按它计算时限。软件升级不会覆盖它。</source>
        <translation>Using the shop&apos;s edited rules, kept in the team database: every computer computes deadlines with them. Upgrades never overwrite them.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/pack_page.py" line="130"/>
        <source>正在使用软件自带的默认规则。保存后本店的修改存入团队数据库，每台电脑都按它计算时限。</source>
        <translation>Using the app&apos;s default rules. Once saved, the shop&apos;s edit is kept in the team database and every computer computes deadlines with it.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/pack_page.py" line="132"/>
        <source>正在使用你修改过的规则（%1）。软件升级不会覆盖它。</source>
        <translation>Using your edited rules (%1). Upgrades never overwrite them.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/pack_page.py" line="135"/>
        <source>正在使用软件自带的默认规则。保存后会在数据文件夹中存一份你的副本。</source>
        <translation>Using the default rules shipped with the app. Saving keeps your own copy in the data folder.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/pack_page.py" line="144"/>
        <source>软件自带的默认规则已更新，比你修改的版本新。请对照平台现行规则检查你的修改，或点“恢复默认”改用新的默认规则（你的修改会被删除）。</source>
        <translation>The shipped default rules were updated after you edited yours. Check your edits against the platform&apos;s current rules, or click &quot;Restore defaults&quot; to use the new defaults (your edits are deleted).</translation>
    </message>
</context>
<context>
    <name>PasteDialog</name>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="55"/>
        <source>批量录入补发运单号</source>
        <translation>Enter many reship tracking nos.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="58"/>
        <source>从 Excel 复制两列粘贴到下面：订单号、运单号；第三列可写快递公司。也可以用逗号分隔。</source>
        <translation>Copy two columns from Excel and paste them below: order no., tracking no.; a third column may name the carrier. Commas work as separators too.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="65"/>
        <source>没有第三列时的快递公司</source>
        <translation>Carrier when there is no third column</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="71"/>
        <source>运单号以快递公司的字母开头时（SF…顺丰、YT…圆通）按运单号的快递公司录入</source>
        <translation>A tracking no. that starts with a carrier&apos;s letters (SF... SF Express, YT... YTO) is entered with that carrier</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="79"/>
        <source>行</source>
        <translation>Row</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="79"/>
        <source>订单号</source>
        <translation>Order no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="79"/>
        <source>运单号</source>
        <translation>Tracking no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="79"/>
        <source>结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="79"/>
        <source>快递公司</source>
        <translation>Carrier</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="80"/>
        <source>说明</source>
        <translation>Description</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="91"/>
        <source>录入</source>
        <translation>Enter</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="128"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="139"/>
        <source>先粘贴两列：订单号和运单号（每行一条）；没有可录入的行时不能录入</source>
        <translation>Paste two columns first: order number and tracking number (one per line); nothing to enter until a line is ready</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="143"/>
        <source>可录入</source>
        <translation>Ready</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="144"/>
        <source>已录入</source>
        <translation>Entered</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="145"/>
        <source>已录入过，跳过</source>
        <translation>Already entered, skipped</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="146"/>
        <source>表头，跳过</source>
        <translation>Header, skipped</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="147"/>
        <source>格式错误</source>
        <translation>Bad format</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="148"/>
        <source>未找到</source>
        <translation>Not found</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="149"/>
        <source>尚未同意补发</source>
        <translation>Reship not approved yet</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="150"/>
        <source>有多张待补发售后单</source>
        <translation>Several reships waiting</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="151"/>
        <source>已发出（另一运单号）</source>
        <translation>Already sent (other tracking no.)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="152"/>
        <source>重复</source>
        <translation>Duplicate</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="172"/>
        <source>已录入 %1 条，有问题 %2 条（未录入）。</source>
        <translation>Entered: %1, with problems: %2 (not entered).</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="175"/>
        <source>可录入 %1 条，有问题 %2 条。有问题的行不会录入。</source>
        <translation>Ready: %1, with problems: %2. Lines with problems are not entered.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_paste_dialog.py" line="177"/>
        <source>录入 %1 条</source>
        <translation>Enter %1</translation>
    </message>
</context>
<context>
    <name>PlaybookEditor</name>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="50"/>
        <source>编辑处理步骤和话术</source>
        <translation>Edit steps and reply scripts</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="56"/>
        <source>修改后保存为本店的版本（保存在数据文件夹中，优先于程序自带的）；“恢复默认”删除本店的版本。处理步骤按售后类型和原因匹配，越具体越优先。</source>
        <translation>Changes are saved as the shop&apos;s own version (in the data folder, used instead of the built-in one); &quot;Restore default&quot; deletes the shop&apos;s version. Steps are matched by case type and reason, the most specific first.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="69"/>
        <source>新建</source>
        <translation>New</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="72"/>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="199"/>
        <source>恢复默认</source>
        <translation>Restore defaults</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="84"/>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="87"/>
        <source>适用类型</source>
        <translation>Case types</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="90"/>
        <source>适用原因</source>
        <translation>Reasons</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="91"/>
        <source>都不勾选：适用于所有类型（或原因）</source>
        <translation>None ticked: fits every type (or reason)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="97"/>
        <source>谁出运费，例如：谁过错谁承担</source>
        <translation>Who pays the postage, e.g. whoever is at fault</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="98"/>
        <source>运费规则</source>
        <translation>Postage rule</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="100"/>
        <source>处理步骤</source>
        <translation>Steps</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="102"/>
        <source>话术</source>
        <translation>Reply scripts</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="116"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="117"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="118"/>
        <source>撤销修改</source>
        <translation>Undo changes</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="148"/>
        <source>；</source>
        <translation>; </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="155"/>
        <source>（本店修改）</source>
        <translation> (changed by the shop)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="155"/>
        <source>（本店）</source>
        <translation> (the shop&apos;s own)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="168"/>
        <source>“%1”有未保存的修改：请先保存，或点“撤销修改”</source>
        <translation>&quot;%1&quot; has unsaved changes: save them first, or click &quot;Undo changes&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="189"/>
        <source>处理步骤的原文（中文），按输入保存；窗口中显示为：%1</source>
        <translation>The playbook&apos;s own text (Chinese), saved as typed; the window shows it as: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="199"/>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="201"/>
        <source>删除本店的版本，改用程序自带的</source>
        <translation>Delete the shop&apos;s version and use the built-in one</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="202"/>
        <source>删除这个本店自己添加的处理步骤</source>
        <translation>Delete this playbook the shop added</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="241"/>
        <source>已保存到 %1</source>
        <translation>Saved to %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="261"/>
        <source>新的处理步骤</source>
        <translation>New playbook</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor.py" line="263"/>
        <source>（未保存）</source>
        <translation> (not saved)</translation>
    </message>
</context>
<context>
    <name>PolicyDialog</name>
    <message>
        <location filename="../../desktop_app/ui/cases/case_guide_panel.py" line="232"/>
        <source>店铺策略</source>
        <translation>Shop policies</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_guide_panel.py" line="235"/>
        <source>开启后，符合条件的售后单会显示对应的建议（只是建议，不会替你在平台上操作）。</source>
        <translation>When switched on, matching cases show the suggestion (only a suggestion: nothing is done on the platform for you).</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_guide_panel.py" line="259"/>
        <source>%1：%2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/case_guide_panel.py" line="286"/>
        <source>未保存：%1</source>
        <translation>Not saved: %1</translation>
    </message>
</context>
<context>
    <name>PromiseDialog</name>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="249"/>
        <source>记录承诺补发</source>
        <translation>Record promised reship</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="252"/>
        <source>在聊天中答应了买家补发？记下来，补发队列会按平台规则提醒发货时限。</source>
        <translation>Promised a reship in chat? Record it, and the reship queue keeps its ship-by deadline under the platform&apos;s rules.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="259"/>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="262"/>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="263"/>
        <source>订单号</source>
        <translation>Order no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="268"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="271"/>
        <source>承诺时间</source>
        <translation>Promised at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="274"/>
        <source>例如：少发一只袜子</source>
        <translation>e.g. one sock missing</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="275"/>
        <source>说明</source>
        <translation>Description</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="281"/>
        <source>记录</source>
        <translation>Record</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="290"/>
        <source>请填写订单号</source>
        <translation>Please enter the order no.</translation>
    </message>
</context>
<context>
    <name>ReshipActions</name>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_actions.py" line="68"/>
        <source>操作未完成</source>
        <translation>Not completed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_actions.py" line="83"/>
        <source>同意补发</source>
        <translation>Approve reship</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_actions.py" line="93"/>
        <source>#%1 已同意补发</source>
        <translation>#%1: reship approved</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_actions.py" line="104"/>
        <source>平台规则中没有写明拒绝的后果；买家仍可能申请平台介入，请保留聊天记录等凭证。</source>
        <translation>The platform&apos;s rules do not say what follows a refusal; the buyer may still ask the platform to step in, so keep the chat log and other evidence.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_actions.py" line="105"/>
        <source>拒绝补发</source>
        <translation>Refuse reship</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_actions.py" line="105"/>
        <source>拒绝</source>
        <translation>Reject</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_actions.py" line="113"/>
        <source>#%1 已拒绝补发</source>
        <translation>#%1: reship refused</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_actions.py" line="135"/>
        <source>#%1 补发已发出：%2 %3</source>
        <translation>#%1: reship sent: %2 %3</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_actions.py" line="146"/>
        <source>已批量录入 %1 个运单号</source>
        <translation>Tracking nos. entered: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_actions.py" line="153"/>
        <source>缺货无法补发：这张售后单将改为“仅退款”（处理中），请与买家协商后在平台上退款。</source>
        <translation>Out of stock, cannot reship: this case becomes &quot;Refund only&quot; (in progress); agree with the buyer and refund on the platform.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_actions.py" line="155"/>
        <source>缺货改退款</source>
        <translation>Out of stock → refund</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_actions.py" line="155"/>
        <source>改为退款</source>
        <translation>Switch to refund</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_actions.py" line="165"/>
        <source>#%1 已改为仅退款，请在平台上退款</source>
        <translation>#%1 is now a refund; refund the buyer on the platform</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_actions.py" line="185"/>
        <source>#%1 补发商品已保存</source>
        <translation>#%1: reship items saved</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_actions.py" line="201"/>
        <source>已记录承诺补发 #%1</source>
        <translation>Promised reship recorded: #%1</translation>
    </message>
</context>
<context>
    <name>ReshipBulkDialog</name>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_bulk.py" line="61"/>
        <source>批量处理补发（%1 条）</source>
        <translation>Bulk reship actions (%1)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_bulk.py" line="66"/>
        <source>快递公司：</source>
        <translation>Courier:</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_bulk.py" line="74"/>
        <source>不填则按运单号识别</source>
        <translation>Empty: recognised from the tracking number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_bulk.py" line="80"/>
        <source>售后单</source>
        <translation>After-sales case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_bulk.py" line="80"/>
        <source>订单号 / 收货人</source>
        <translation>Order no. / receiver</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_bulk.py" line="80"/>
        <source>补发商品</source>
        <translation>Items to reship</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_bulk.py" line="80"/>
        <source>运单号（扫入或粘贴）</source>
        <translation>Tracking no. (scan or paste)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_bulk.py" line="104"/>
        <source>录入运单号（补发已发出）</source>
        <translation>Enter tracking numbers (reship sent)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_bulk.py" line="106"/>
        <source>缺货改退款</source>
        <translation>Out of stock → refund</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_bulk.py" line="109"/>
        <source>导出 Excel</source>
        <translation>Export to Excel</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_bulk.py" line="111"/>
        <source>打印拣货单</source>
        <translation>Print picking list</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_bulk.py" line="121"/>
        <source>选择要对这 %1 条补发执行的操作</source>
        <translation>Choose what to do with these %1 reships</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_bulk.py" line="123"/>
        <source>将为 %1 条补发录入运单号（每条一个，状态改为“已补发”）；运单号留空的不录入</source>
        <translation>Tracking numbers for %1 reships (one each; status becomes &quot;Reshipped&quot;); rows left empty are skipped</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_bulk.py" line="126"/>
        <source>%1 条补发将改为“仅退款”（处理中），请与买家协商后在平台上退款</source>
        <translation>%1 reships become &quot;Refund only&quot; (in progress): agree with the buyer, then refund on the platform</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_bulk.py" line="129"/>
        <source>将为 %1 条补发打印拣货单（已发出或没有商品的不在其中）</source>
        <translation>A picking list for %1 reships (those shipped or without items are left out)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_bulk.py" line="131"/>
        <source>将把 %1 条补发（收货人、地址、商品、时限、运单号）导出为 Excel</source>
        <translation>%1 reships (receiver, address, items, deadline, tracking no.) will be exported to Excel</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_bulk.py" line="157"/>
        <source>请在表格中填写运单号（可用扫码枪逐条扫入）</source>
        <translation>Fill in the tracking numbers in the table (a scanner can type them)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_bulk.py" line="173"/>
        <source>导出补发</source>
        <translation>Export reships</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_bulk.py" line="174"/>
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_bulk.py" line="183"/>
        <source>已补发，运单号 %1</source>
        <translation>Reshipped, tracking no. %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_bulk.py" line="197"/>
        <source>已导出</source>
        <translation>Exported</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_bulk.py" line="198"/>
        <source>已导出 %1 条补发到 %2</source>
        <translation>Exported %1 reships to %2</translation>
    </message>
</context>
<context>
    <name>ReshipPicking</name>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_picking.py" line="113"/>
        <source>拣货单预览</source>
        <translation>Picking list preview</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_picking.py" line="119"/>
        <source>拣货单存为PDF</source>
        <translation>Save picking list as PDF</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_picking.py" line="119"/>
        <source>拣货单.pdf</source>
        <translation>picking-list.pdf</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_picking.py" line="120"/>
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_picking.py" line="135"/>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1182"/>
        <source>拣货单（补发）</source>
        <translation>Picking list (reships)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_picking.py" line="139"/>
        <source>拣货单已保存到 %1</source>
        <translation>Picking list saved to %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1183"/>
        <source>打印时间：%1，共 %2 个包裹</source>
        <translation>Printed %1, %2 parcel(s)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1184"/>
        <source>拣货汇总</source>
        <translation>Items to pick</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1185"/>
        <source>商品</source>
        <translation>Item</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1186"/>
        <source>规格</source>
        <translation>Variant</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1187"/>
        <source>数量</source>
        <translation>Qty</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1188"/>
        <source>逐单明细</source>
        <translation>Per parcel</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1189"/>
        <source>售后单</source>
        <translation>Case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1190"/>
        <source>订单号</source>
        <translation>Order no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1191"/>
        <source>收货人</source>
        <translation>Recipient</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1192"/>
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1193"/>
        <source>补发商品</source>
        <translation>Items to reship</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1194"/>
        <source>发货时限</source>
        <translation>Ship by</translation>
    </message>
</context>
<context>
    <name>ReshipTab</name>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="90"/>
        <source>同意补发</source>
        <translation>Approve reship</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="91"/>
        <source>拒绝</source>
        <translation>Reject</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="92"/>
        <source>录入运单号</source>
        <translation>Enter tracking no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="93"/>
        <source>批量粘贴运单号</source>
        <translation>Paste tracking nos.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="94"/>
        <source>缺货改退款</source>
        <translation>Out of stock → refund</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="96"/>
        <source>编辑补发商品</source>
        <translation>Edit reship items</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="98"/>
        <source>打印拣货单</source>
        <translation>Print picking list</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="99"/>
        <source>拣货单存为PDF</source>
        <translation>Save picking list as PDF</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="101"/>
        <source>记录承诺补发</source>
        <translation>Record promised reship</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="102"/>
        <source>查看售后单</source>
        <translation>Open case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="103"/>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="247"/>
        <source>批量处理…</source>
        <translation>Bulk actions...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="104"/>
        <source>按住 Ctrl 或 Shift 选择多条补发，一次录入运单号、改退款、打印或导出</source>
        <translation>Hold Ctrl or Shift to select several reships: tracking numbers, refunds, printing or export at once</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="108"/>
        <source>筛选 订单号 / 收货人 / 商品 / 运单号</source>
        <translation>Filter: order no. / recipient / item / tracking no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="112"/>
        <source>显示已发出</source>
        <translation>Show shipped</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="175"/>
        <source>待处理 %1 条，其中已逾期 %2 条</source>
        <translation>Waiting: %1, of which overdue: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="178"/>
        <source>；超时须赔付 %1 元</source>
        <translation>; ¥%1 owed for lateness</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="180"/>
        <source>（只列出最紧急的 %1 条）</source>
        <translation> (only the %1 most urgent are listed)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="235"/>
        <source>先在列表中选择一条补发</source>
        <translation>Select a reship in the list first</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="235"/>
        <source>一次只能对一条补发操作</source>
        <translation>This works on one reship at a time</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="236"/>
        <source>这条补发当前“%1”，不能这样操作</source>
        <translation>This reship is &quot;%1&quot; and cannot do this now</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="245"/>
        <source>按住 Ctrl 或 Shift 选择多条补发后批量处理</source>
        <translation>Hold Ctrl or Shift to select several reships first</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="246"/>
        <source>批量处理（%1）…</source>
        <translation>Bulk actions (%1)...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="249"/>
        <source>数据库尚未打开</source>
        <translation>The database is not open yet</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="251"/>
        <source>没有可打印的补发：所选补发的订单尚未导入（没有商品），或已经发出</source>
        <translation>Nothing to print: the selected reships&apos; orders are not imported yet (no items), or they were sent</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="252"/>
        <source>列表中没有待发出且有商品的补发（订单尚未导入的补发没有商品可拣）</source>
        <translation>No reship in the list is waiting to be sent with items (a reship whose order is not imported has nothing to pick)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_tab.py" line="265"/>
        <source>批量处理完成 %1 条，未执行 %2 条</source>
        <translation>Bulk actions: %1 done, %2 not done</translation>
    </message>
</context>
<context>
    <name>ReshipTableModel</name>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1196"/>
        <source>待答复</source>
        <translation>Awaiting answer</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1197"/>
        <source>待补发</source>
        <translation>Reship pending</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1198"/>
        <source>已发出</source>
        <translation>Sent</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1199"/>
        <source>已拒绝</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1200"/>
        <source>缺货改退款</source>
        <translation>Out of stock → refund</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1201"/>
        <source>已取消</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1202"/>
        <source>（未定，订单未导入）</source>
        <translation>(not chosen; order not imported)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1203"/>
        <source>；</source>
        <translation>; </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1204"/>
        <source>平台已%1，不要再发货</source>
        <translation>Platform: %1 — do not ship</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1205"/>
        <source>平台已自动同意</source>
        <translation>Agreed by the platform</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1206"/>
        <source>平台已同意：%1</source>
        <translation>Platform agreed: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1207"/>
        <source>答复：%1</source>
        <translation>Answer: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1208"/>
        <source>超时发出</source>
        <translation>Sent late</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1209"/>
        <source>按时发出</source>
        <translation>Sent on time</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1210"/>
        <source>已超时，须赔付 %2 元（%1）</source>
        <translation>Late: ¥%2 owed (%1)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1211"/>
        <source>%1（%2 元）</source>
        <translation>%1 (¥%2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1212"/>
        <source>售后单</source>
        <translation>Case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1213"/>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1214"/>
        <source>订单号</source>
        <translation>Order no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1215"/>
        <source>收货人</source>
        <translation>Recipient</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1216"/>
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1217"/>
        <source>补发商品</source>
        <translation>Items to reship</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1218"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1219"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1220"/>
        <source>承诺时间</source>
        <translation>Promised at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1221"/>
        <source>发货时限</source>
        <translation>Ship by</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1222"/>
        <source>逾期后果</source>
        <translation>If late</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1223"/>
        <source>快递 / 运单号</source>
        <translation>Carrier / tracking no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1224"/>
        <source>%1 前答复（%2），否则%3</source>
        <translation>Answer by %1 (%2), else: %3</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1225"/>
        <source>%1 前未发出（%2），平台已%3</source>
        <translation>Not shipped by %1 (%2); the platform: %3</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1226"/>
        <source>%1 前发出（%2）</source>
        <translation>Ship by %1 (%2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1227"/>
        <source>（按估算的节假日计算）</source>
        <translation> (counted on an estimated holiday calendar)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1228"/>
        <source>发出时间：%1</source>
        <translation>Sent at %1</translation>
    </message>
</context>
<context>
    <name>ReturnMenus</name>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1256"/>
        <source>打开售后单</source>
        <translation>Open the case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1257"/>
        <source>复制订单号</source>
        <translation>Copy order number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1258"/>
        <source>这一行没有订单号</source>
        <translation>This row has no order number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1259"/>
        <source>复制退货运单号</source>
        <translation>Copy return tracking number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1260"/>
        <source>买家还没有填写退货运单号</source>
        <translation>The buyer has not given the return&apos;s tracking number yet</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1261"/>
        <source>关联到售后单…</source>
        <translation>Match to a case...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1262"/>
        <source>复制运单号</source>
        <translation>Copy tracking number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1263"/>
        <source>这一行没有运单号</source>
        <translation>This row has no tracking number</translation>
    </message>
</context>
<context>
    <name>ReturnsTab</name>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="75"/>
        <source>扫描或输入退货运单号，回车查找</source>
        <translation>Scan or type the return tracking number, then Enter</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="78"/>
        <source>查找</source>
        <translation>Find</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="82"/>
        <source>包裹</source>
        <translation>Parcel</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="84"/>
        <source>扫描退货包裹上的运单号：找到售后单后显示应退回的商品。</source>
        <translation>Scan the tracking number on the returned parcel: once its case is found, what should be inside is shown.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="90"/>
        <source>验货结果：</source>
        <translation>Inspection: </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="105"/>
        <source>备注：</source>
        <translation>Note:</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="108"/>
        <source>例如：吊牌已剪、少一只袜子、箱内是别家商品</source>
        <translation>e.g. tag cut off, one sock missing, another shop&apos;s goods inside</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="113"/>
        <source>下一步</source>
        <translation>Next step</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="124"/>
        <source>查看售后单</source>
        <translation>Open case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="128"/>
        <source>添加验货照片…</source>
        <translation>Add inspection photos...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="248"/>
        <source>开箱照片、称重照片作为证据加到这个包裹的售后单上</source>
        <translation>Unpacking and weighing photos go on this parcel&apos;s cases as evidence</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1230"/>
        <source>买家寄出超过</source>
        <translation>Shipped by the buyer more than</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="99"/>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="126"/>
        <source>先扫描或输入退货包裹的运单号</source>
        <translation>First scan or type the return parcel&apos;s tracking number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="130"/>
        <source>先记录一个有售后单的包裹的验货结果</source>
        <translation>First record the inspection of a parcel that has a case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1231"/>
        <source>天仍未收到的退货（在平台确认收货时限前催一催）</source>
        <translation>days ago and not received yet (chase them before the platform&apos;s confirmation timer runs out)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1232"/>
        <source>编号</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1233"/>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1234"/>
        <source>订单号</source>
        <translation>Order no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1235"/>
        <source>买家</source>
        <translation>Buyer</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1236"/>
        <source>退货运单</source>
        <translation>Return parcel</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1237"/>
        <source>寄出时间</source>
        <translation>Shipped</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1238"/>
        <source>时限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1239"/>
        <source>运单号</source>
        <translation>Tracking number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1240"/>
        <source>快递（推测）</source>
        <translation>Carrier (guessed)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1241"/>
        <source>收到时间</source>
        <translation>Received</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1242"/>
        <source>验货</source>
        <translation>Inspection</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1243"/>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1244"/>
        <source>关联到售后单…</source>
        <translation>Match to a case...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1245"/>
        <source>在途退货</source>
        <translation>Returns on the way</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1246"/>
        <source>无主件</source>
        <translation>Unmatched parcels</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1247"/>
        <source>平台已超时自动处理：%1</source>
        <translation>The platform acted by itself: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1248"/>
        <source>未知</source>
        <translation>Unknown</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1249"/>
        <source>在途退货（%1）</source>
        <translation>Returns on the way (%1)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1250"/>
        <source>无主件（%1）</source>
        <translation>Unmatched parcels (%1)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="190"/>
        <source>没有售后单登记这个运单号</source>
        <translation>No case has this tracking number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="192"/>
        <source>没有售后单登记了运单号 %1。验货后记录为无主件，之后可关联到售后单。</source>
        <translation>No case has the return tracking number %1. The inspection will be kept as an unmatched parcel, to be matched to its case later.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="195"/>
        <source>（此包裹已于 %1 作为无主件 #%2 入库）</source>
        <translation> (this parcel came in on %1 as unmatched parcel #%2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="211"/>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="262"/>
        <source>%1（%2）</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="214"/>
        <source>买家：%1</source>
        <translation>Buyer: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="215"/>
        <source>退款：%1</source>
        <translation>Refund: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="220"/>
        <source>应退回：（订单未导入，没有商品明细）</source>
        <translation>Should contain: (order not imported, no items known)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="230"/>
        <source>请先扫描或输入退货运单号</source>
        <translation>Scan or type the return tracking number first</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="245"/>
        <source>已记录验货结果；扫描下一个包裹</source>
        <translation>Inspection recorded; scan the next parcel</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="247"/>
        <source>这个包裹没有对应的售后单（已作为无主件入库）</source>
        <translation>This parcel has no case (received as an unmatched parcel)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="253"/>
        <source>运单 %1 没有对应的售后单：已登记为无主件 #%2（%3，%4）。</source>
        <translation>Tracking number %1 matches no case: recorded as unmatched parcel #%2 (%3, %4).</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="254"/>
        <source>快递未知</source>
        <translation>carrier unknown</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="261"/>
        <source>已确认收货</source>
        <translation>Receipt confirmed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="261"/>
        <source>状态未变</source>
        <translation>Status unchanged</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="265"/>
        <source>%1，%2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="272"/>
        <source>记为“%1”（#%2）</source>
        <translation>Record &quot;%1&quot; (#%2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="317"/>
        <source>售后单 #%1 已记为“%2”</source>
        <translation>Case #%1 recorded as &quot;%2&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="334"/>
        <source>选择验货照片</source>
        <translation>Choose inspection photos</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="335"/>
        <source>图片和文档 (*.jpg *.jpeg *.png *.heic *.pdf);;所有文件 (*)</source>
        <translation>Pictures and documents (*.jpg *.jpeg *.png *.heic *.pdf);;All files (*)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/returns/returns_tab.py" line="352"/>
        <source>已添加 %1 个文件到售后单 %2</source>
        <translation>Added %1 files to case %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1251"/>
        <source>请先在无主件列表中选一个包裹</source>
        <translation>Choose a parcel in the unmatched list first</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1252"/>
        <source>关联到售后单</source>
        <translation>Match to a case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1253"/>
        <source>售后单编号：</source>
        <translation>Case number:</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1254"/>
        <source>无主件 #%1 已关联到售后单 #%2</source>
        <translation>Unmatched parcel #%1 matched to case #%2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1265"/>
        <source>订单</source>
        <translation>Order</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1266"/>
        <source>应退回：</source>
        <translation>Should contain:</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1267"/>
        <source>已验货：</source>
        <translation>Inspected: </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1268"/>
        <source>建议：</source>
        <translation>Suggested: </translation>
    </message>
</context>
<context>
    <name>RuleForm</name>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="102"/>
        <source>不写金额</source>
        <translation>No amount</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="102"/>
        <source>每次固定金额</source>
        <translation>Fixed amount each time</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="103"/>
        <source>按实付金额的百分比</source>
        <translation>Percent of the amount paid</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="110"/>
        <source>不封顶</source>
        <translation>no cap</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="111"/>
        <source>最多 </source>
        <translation>at most </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="112"/>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="333"/>
        <source> 元</source>
        <translation> yuan</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="119"/>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="137"/>
        <source>时间窗口</source>
        <translation>Date windows</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="119"/>
        <source>开始（北京时间）</source>
        <translation>Start (China time)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="119"/>
        <source>结束</source>
        <translation>End</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="120"/>
        <source>窗口内的时长</source>
        <translation>Duration in the window</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="129"/>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="130"/>
        <source>起算事件</source>
        <translation>Starts from</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="131"/>
        <source>时长</source>
        <translation>Duration</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="132"/>
        <source>到期后果</source>
        <translation>When it runs out</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="133"/>
        <source>适用售后类型
（不勾 = 全部）</source>
        <translation>Case kinds
(none ticked = all)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="134"/>
        <source>适用原因
（不勾 = 全部）</source>
        <translation>Reasons
(none ticked = all)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="135"/>
        <source>处罚说明</source>
        <translation>Penalty</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="136"/>
        <source>处罚金额</source>
        <translation>Penalty amount</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="138"/>
        <source>时间窗口（如春节、双11）期间改用窗口内的时长；窗口的增删和其他设置（完成事件、出处等）请在“TOML（高级）”中修改。</source>
        <translation>During a date window (Spring Festival, Double 11) the window&apos;s duration applies; add or remove windows and change other settings (met by, sources ...) in &quot;TOML (advanced)&quot;.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="179"/>
        <source>表单无法显示：文件有语法错误，请先在“TOML（高级）”中改正。
</source>
        <translation>The form cannot be shown: the file has a syntax error; correct it in &quot;TOML (advanced)&quot; first.
</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="190"/>
        <source>这里只列出本规则包自己的计时器；其余计时器继承自“%1”，请在那里修改。</source>
        <translation>Only this pack&apos;s own timers are listed; the others are inherited from &quot;%1&quot;: change them there.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="196"/>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="290"/>
        <source>（未命名）</source>
        <translation>(unnamed)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="219"/>
        <source>规则文件中的原文，按输入保存；窗口中显示为：%1</source>
        <translation>The rule pack&apos;s own text (Chinese), saved as typed; the window shows it as: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="231"/>
        <source>未知事件：%1</source>
        <translation>Unknown event: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="378"/>
        <source>计时器“%1”：</source>
        <translation>Timer &quot;%1&quot;: </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="381"/>
        <source>名称不能为空</source>
        <translation>the name cannot be empty</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="383"/>
        <source>到期后果不能为空（例如：自动退款）</source>
        <translation>the consequence cannot be empty (for example: automatic refund)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="385"/>
        <source>时长必须是一个正整数，并选择小时、天或工作日</source>
        <translation>the duration must be a whole number of hours, days or working days</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rule_form.py" line="388"/>
        <source>时间窗口“%1”：结束时间早于开始时间</source>
        <translation>Date window &quot;%1&quot;: the end is before the start</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1270"/>
        <source>“%1（%2）”</source>
        <translation>&quot;%1 (%2)&quot;</translation>
    </message>
</context>
<context>
    <name>RulesDialog</name>
    <message>
        <location filename="../../desktop_app/ui/rules/rules_dialog.py" line="69"/>
        <source>时效规则</source>
        <translation>Deadline rules</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rules_dialog.py" line="94"/>
        <source>平台规则</source>
        <translation>Platform rules</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rules_dialog.py" line="98"/>
        <source>工作日调整</source>
        <translation>Working days</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rules_dialog.py" line="144"/>
        <source>无法读取时效规则：%1</source>
        <translation>Could not read the deadline rules: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rules_dialog.py" line="281"/>
        <source>恢复默认</source>
        <translation>Restore defaults</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rules_dialog.py" line="155"/>
        <source>通用（其他平台）</source>
        <translation>Generic (other platforms)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rules_dialog.py" line="190"/>
        <source>无法读取规则文件：%1</source>
        <translation>Cannot read the rule file: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rules_dialog.py" line="207"/>
        <source>已载入本机的修改，检查后点“保存”存入团队数据库</source>
        <translation>This computer&apos;s edit is loaded: check it, then click Save to keep it in the team database</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rules_dialog.py" line="239"/>
        <source>有 %1 处问题，未保存</source>
        <translation>%1 problem(s), not saved</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rules_dialog.py" line="243"/>
        <source>有 1 处问题，未保存</source>
        <translation>1 problem, not saved</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rules_dialog.py" line="246"/>
        <source>规则有效：%1 个计时器，%2 个时间窗口</source>
        <translation>Rules are valid: %1 timer(s), %2 date window(s)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rules_dialog.py" line="268"/>
        <source>已保存到 %1；已按新规则重新计算 %2 张售后单的时限</source>
        <translation>Saved to %1; deadlines of %2 case(s) recomputed with the new rules</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rules_dialog.py" line="279"/>
        <source>已经是默认规则</source>
        <translation>Already the default rules</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rules_dialog.py" line="282"/>
        <source>把“%1”的规则恢复为软件自带的默认规则？你对它的修改会被删除。</source>
        <translation>Restore the default rules for &quot;%1&quot;? Your edits to them will be deleted.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rules_dialog.py" line="312"/>
        <source>已恢复默认规则；已重新计算 %1 张售后单的时限</source>
        <translation>Default rules restored; deadlines of %1 case(s) recomputed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rules_dialog.py" line="329"/>
        <source>未完成：%1</source>
        <translation>Not done: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rules_dialog.py" line="360"/>
        <source>正在保存并重新计算时限，请稍候</source>
        <translation>Saving and recomputing deadlines, please wait</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rules_dialog.py" line="373"/>
        <source>正在保存，请稍候……</source>
        <translation>Saving, please wait...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rules_dialog.py" line="379"/>
        <source>未保存的修改</source>
        <translation>Unsaved changes</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/rules_dialog.py" line="380"/>
        <source>“%1”的规则改了还没有保存。放弃这些修改并关闭？</source>
        <translation>The rules for &quot;%1&quot; have unsaved changes. Discard them and close?</translation>
    </message>
</context>
<context>
    <name>SavedMappingsDialog</name>
    <message>
        <location filename="../../desktop_app/ui/imports/saved_mappings_dialog.py" line="49"/>
        <source>已保存的列对应方案</source>
        <translation>Saved column mappings</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/saved_mappings_dialog.py" line="52"/>
        <source>表头含有方案中全部列名的表格，导入时会自动按方案读取（程序自带的平台格式优先）。</source>
        <translation>A sheet whose header has every column of a mapping is read with that mapping when imported (the built-in platform formats come first).</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/saved_mappings_dialog.py" line="58"/>
        <source>方案名称</source>
        <translation>Mapping name</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/saved_mappings_dialog.py" line="58"/>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/saved_mappings_dialog.py" line="58"/>
        <source>每行是</source>
        <translation>Each row is</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/saved_mappings_dialog.py" line="59"/>
        <source>识别的列</source>
        <translation>Columns recognised</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/saved_mappings_dialog.py" line="68"/>
        <source>还没有保存任何列对应方案。用“导入其他表格…”导入一个表格时即可保存。</source>
        <translation>No column mapping saved yet. Save one when importing a sheet with &quot;Import other sheet...&quot;.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/saved_mappings_dialog.py" line="74"/>
        <location filename="../../desktop_app/ui/imports/saved_mappings_dialog.py" line="151"/>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/saved_mappings_dialog.py" line="78"/>
        <source>打开所在文件夹</source>
        <translation>Open the folder</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/saved_mappings_dialog.py" line="84"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/saved_mappings_dialog.py" line="99"/>
        <source>一行一个订单</source>
        <translation>One row per order</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/saved_mappings_dialog.py" line="99"/>
        <source>一行一个商品</source>
        <translation>One row per item</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/saved_mappings_dialog.py" line="108"/>
        <source>一行一个售后单</source>
        <translation>One row per case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/saved_mappings_dialog.py" line="148"/>
        <source>删除列对应方案</source>
        <translation>Delete column mapping</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/saved_mappings_dialog.py" line="149"/>
        <source>删除方案“%1”？以后这种表格需要重新对应各列。</source>
        <translation>Delete the mapping &quot;%1&quot;? Sheets like this will need their columns mapped again.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/saved_mappings_dialog.py" line="152"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>ScriptEditor</name>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor_parts.py" line="165"/>
        <source>添加话术</source>
        <translation>Add script</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor_parts.py" line="167"/>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor_parts.py" line="176"/>
        <source>话术标题，例如：已补发</source>
        <translation>Script title, e.g. Reshipped</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor_parts.py" line="180"/>
        <source>发给买家的话；点下面的按钮插入占位符，显示时自动填入售后单的信息</source>
        <translation>What to send the buyer; the buttons below insert placeholders, filled from the case when shown</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor_parts.py" line="183"/>
        <source>插入：</source>
        <translation>Insert:</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor_parts.py" line="237"/>
        <source>新话术</source>
        <translation>New script</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../desktop_app/ui/settings/settings_dialog.py" line="44"/>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/settings_dialog.py" line="52"/>
        <source>界面语言 / Language</source>
        <translation>Language / 界面语言</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/settings_dialog.py" line="54"/>
        <source>列表中显示完整手机号（默认只显示 138****5678，详情中始终完整）</source>
        <translation>Show full phone numbers in lists (by default only 138****5678; details always show them in full)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/settings_dialog.py" line="57"/>
        <source>隐私</source>
        <translation>Privacy</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/settings_dialog.py" line="58"/>
        <source>连接团队数据库…</source>
        <translation>Connect to a team database...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/settings_dialog.py" line="61"/>
        <source>团队</source>
        <translation>Team</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/settings_dialog.py" line="63"/>
        <source>语言在重新启动程序后生效。</source>
        <translation>The new language applies after restarting the app.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/settings_dialog.py" line="76"/>
        <source>跟随系统</source>
        <translation>Follow the system</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/settings_dialog.py" line="76"/>
        <source>浅色</source>
        <translation>Light</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/settings_dialog.py" line="76"/>
        <source>深色</source>
        <translation>Dark</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/settings_dialog.py" line="80"/>
        <source>跟随系统：系统切换浅色/深色模式时，窗口随之切换</source>
        <translation>Follow the system: the window switches when the system switches between light and dark</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings/settings_dialog.py" line="81"/>
        <source>外观</source>
        <translation>Appearance</translation>
    </message>
</context>
<context>
    <name>SheetChoice</name>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_settings.py" line="30"/>
        <source>工作表</source>
        <translation>Sheet</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_settings.py" line="33"/>
        <source>表头所在行</source>
        <translation>Header row</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/imports/mapping_settings.py" line="35"/>
        <source>正在读取文件……</source>
        <translation>Reading the files...</translation>
    </message>
</context>
<context>
    <name>ShipDialog</name>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="108"/>
        <source>录入补发运单号</source>
        <translation>Enter reship tracking no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="118"/>
        <source>快递公司</source>
        <translation>Carrier</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="121"/>
        <source>运单号（扫码枪可直接扫入）</source>
        <translation>Tracking no. (a barcode scanner works here)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="122"/>
        <source>运单号</source>
        <translation>Tracking no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="125"/>
        <source>发货时间</source>
        <translation>Sent at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="128"/>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="134"/>
        <source>已发出</source>
        <translation>Sent</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/reships/reship_dialogs.py" line="151"/>
        <source>请填写快递公司</source>
        <translation>Please enter the carrier</translation>
    </message>
</context>
<context>
    <name>ShopProfileDialog</name>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="66"/>
        <source>店铺信息</source>
        <translation>Shop details</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="69"/>
        <source>这些信息印在货物价值说明上，交给快递网点理赔时使用。</source>
        <translation>These details are printed on goods value statements, which you hand to the carrier&apos;s branch to claim.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="77"/>
        <source>全部店铺（默认）</source>
        <translation>All shops (default)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="78"/>
        <source>为某个店铺单独填写时，货值说明按订单所属店铺使用它；留空的项沿用默认</source>
        <translation>Filled in for one shop, a statement uses it for that shop&apos;s orders; empty fields take the default</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="79"/>
        <source>适用于</source>
        <translation>Applies to</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="83"/>
        <source>例如：某某家纺旗舰店</source>
        <translation>e.g. Cozy Home Textiles Flagship Store</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="90"/>
        <source>发货地址或店铺地址</source>
        <translation>Shipping or shop address</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="95"/>
        <source>开户行、账号、户名，或支付宝账号和姓名</source>
        <translation>Bank, account number and holder, or Alipay account and name</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="96"/>
        <source>店铺名称</source>
        <translation>Shop name</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="97"/>
        <source>联系人</source>
        <translation>Contact</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="98"/>
        <source>联系电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="99"/>
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="100"/>
        <source>赔款收款账户</source>
        <translation>Payout account</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="108"/>
        <source>选择图片…</source>
        <translation>Choose image...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="110"/>
        <source>移除</source>
        <translation>Remove</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="119"/>
        <source>印章图片（可选）</source>
        <translation>Seal image (optional)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="127"/>
        <source>印章图片为透明背景的 PNG 最好；不上传时，打印后盖章即可。</source>
        <translation>A PNG with a transparent background works best; without one, stamp the printed page by hand.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="143"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="161"/>
        <source>%1（%2）</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="166"/>
        <source>导入订单后，这里可以为各店铺分别填写</source>
        <translation>After importing orders, each shop can have its own details here</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="181"/>
        <source>上次修改：%1（%2）</source>
        <translation>Last changed by %1 (%2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="181"/>
        <source>未知</source>
        <translation>Unknown</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="205"/>
        <source>无印章</source>
        <translation>No seal</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="210"/>
        <source>还没有印章图片</source>
        <translation>No seal image yet</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="214"/>
        <source>选择印章图片</source>
        <translation>Choose the seal image</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="215"/>
        <source>图片 (*.png *.jpg *.jpeg)</source>
        <translation>Images (*.png *.jpg *.jpeg)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/shop_profile_dialog.py" line="223"/>
        <source>，未采用；请选择 PNG 或 JPG 图片（2000 像素以内）</source>
        <translation>; not used. Choose a PNG or JPG image (up to 2000 pixels)</translation>
    </message>
</context>
<context>
    <name>StatementDialog</name>
    <message>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="107"/>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="241"/>
        <source>货物价值说明</source>
        <translation>Goods value statement</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="118"/>
        <source>店铺信息…</source>
        <translation>Shop details...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="131"/>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="218"/>
        <source>正在读取……</source>
        <translation>Reading...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="145"/>
        <source>打印预览</source>
        <translation>Print preview</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="146"/>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="266"/>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="291"/>
        <source>保存 PDF</source>
        <translation>Save PDF</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="147"/>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="272"/>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="313"/>
        <source>保存 Excel</source>
        <translation>Save Excel</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="153"/>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="219"/>
        <source>正在读取货值说明……</source>
        <translation>Reading the statement...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="185"/>
        <source>店铺信息未填写：%1。这些格子会留空，可打印后手写。</source>
        <translation>Shop details missing: %1. Those boxes stay empty; fill them in by hand after printing.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="186"/>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="189"/>
        <source>所选理赔属于不同的快递公司（%1），网点通常只受理自己的快件。</source>
        <translation>The selected claims are with different carriers (%1); a branch usually accepts only its own parcels.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="194"/>
        <source>共 %n 份，每份一页 A4</source>
        <translation>
            <numerusform>%n statement, one A4 page</numerusform>
            <numerusform>%n statements, one A4 page each</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="196"/>
        <source>没有可生成货值说明的理赔或订单</source>
        <translation>No claim or order to make a statement for</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="201"/>
        <source>无法生成货值说明</source>
        <translation>Cannot make the goods value statement</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="204"/>
        <source>或在下方填写单价。</source>
        <translation> or type the prices below.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="206"/>
        <source>有商品没有单价：先在下方填写单价，点“按这些单价生成”</source>
        <translation>Some goods have no price: type the prices below first, then click &quot;Make it with these prices&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="210"/>
        <source>无法生成货值说明：%1</source>
        <translation>The statement cannot be made: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="243"/>
        <source>打印预览 — 货物价值说明</source>
        <translation>Print preview — goods value statement</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="262"/>
        <source>货物价值说明-%1份</source>
        <translation>goods-value-statements-%1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="267"/>
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="273"/>
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="281"/>
        <source>正在生成 PDF……</source>
        <translation>Writing the PDF...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/statement_dialog.py" line="318"/>
        <source>已保存到 %1</source>
        <translation>Saved to %1</translation>
    </message>
</context>
<context>
    <name>StatusColours</name>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1274"/>
        <source>已逾期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1275"/>
        <source>24小时内到期</source>
        <translation>Due within 24 h</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1276"/>
        <source>等待中</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1277"/>
        <source>已完成</source>
        <translation>Completed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1278"/>
        <source>各标签页的颜色含义相同</source>
        <translation>The colours mean the same in every tab</translation>
    </message>
</context>
<context>
    <name>StepList</name>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor_parts.py" line="85"/>
        <source>双击一个步骤修改文字</source>
        <translation>Double-click a step to change its text</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor_parts.py" line="88"/>
        <source>添加</source>
        <translation>Add</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor_parts.py" line="89"/>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor_parts.py" line="90"/>
        <source>上移</source>
        <translation>Move up</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor_parts.py" line="91"/>
        <source>下移</source>
        <translation>Move down</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor_parts.py" line="115"/>
        <source>处理步骤的原文（中文），按输入保存；窗口中显示为：%1</source>
        <translation>The playbook&apos;s own text (Chinese), saved as typed; the window shows it as: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases/playbook_editor_parts.py" line="124"/>
        <source>新步骤</source>
        <translation>New step</translation>
    </message>
</context>
<context>
    <name>TabTitles</name>
    <message>
        <location filename="../../desktop_app/ui/window/tab_titles.py" line="54"/>
        <source>%1（%2）</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/tab_titles.py" line="73"/>
        <source>括号中是未结束的售后单数</source>
        <translation>In brackets: open cases</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/tab_titles.py" line="74"/>
        <source>括号中是寄出多日仍未收到的退货和无主件数</source>
        <translation>In brackets: returns on the way too long, and parcels without a case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/tab_titles.py" line="75"/>
        <source>括号中是已逾期的时限数</source>
        <translation>In brackets: overdue deadlines</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/tab_titles.py" line="75"/>
        <source>括号中是订单总数</source>
        <translation>In brackets: all orders</translation>
    </message>
</context>
<context>
    <name>TableMenu</name>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1280"/>
        <source>复制订单号</source>
        <translation>Copy order number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1281"/>
        <source>这一行没有订单号</source>
        <translation>This row has no order number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1282"/>
        <source>复制运单号</source>
        <translation>Copy tracking number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1283"/>
        <source>这一行没有运单号</source>
        <translation>This row has no tracking number</translation>
    </message>
</context>
<context>
    <name>TeamChanges</name>
    <message>
        <location filename="../../desktop_app/ui/team/team_changes.py" line="214"/>
        <source>与团队数据库的实时连接已断开，正在重试；其他席位的修改请按 F5 刷新查看</source>
        <translation>The live connection to the team database was lost; retrying. Press F5 to see other seats&apos; changes</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_changes.py" line="220"/>
        <source>已恢复与团队数据库的实时连接</source>
        <translation>The live connection to the team database is back</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_changes.py" line="241"/>
        <source>已重新连上团队数据库，已刷新</source>
        <translation>Connected to the team database again; refreshed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_changes.py" line="246"/>
        <source>团队数据库连不上，正在重试…</source>
        <translation>Cannot reach the team database; retrying...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_changes.py" line="248"/>
        <source>服务器关闭、重启或网络断开了。连上之前的操作不会保存，已输入的内容都还在；连上后窗口自动刷新，不用重启程序。</source>
        <translation>The server was stopped or restarted, or the network is down. Nothing is saved until it is back; what you typed is kept. Once it is back the window refreshes by itself, without a restart.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_changes.py" line="270"/>
        <source>其他席位刚做的修改；点售后单编号打开它</source>
        <translation>What other seats just changed; click a case number to open it</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_changes.py" line="283"/>
        <source>另一个程序刚做的修改；点售后单编号打开它</source>
        <translation>What another program just changed; click a case number to open it</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_changes.py" line="293"/>
        <source>%1 修改了 %2</source>
        <translation>%1 changed %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_changes.py" line="293"/>
        <source>%1 等 %2 单</source>
        <translation>%1 and more (%2 in all)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_changes.py" line="293"/>
        <source>另一个席位</source>
        <translation>Another seat</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_changes.py" line="294"/>
        <source>售后单</source>
        <translation>cases</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_changes.py" line="294"/>
        <source>订单</source>
        <translation>orders</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_changes.py" line="294"/>
        <source>补发</source>
        <translation>reships</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_changes.py" line="295"/>
        <source>快递理赔</source>
        <translation>carrier claims</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_changes.py" line="295"/>
        <source>时限</source>
        <translation>deadlines</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_changes.py" line="295"/>
        <source>设置</source>
        <translation>settings</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_changes.py" line="296"/>
        <source>时效规则</source>
        <translation>deadline rules</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_changes.py" line="297"/>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_changes.py" line="297"/>
        <source>；</source>
        <translation>; </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_changes.py" line="297"/>
        <source>%1 在另一个程序中修改了 %2</source>
        <translation>%1 changed %2 in another program</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_changes.py" line="298"/>
        <source>台账</source>
        <translation>the ledger</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_changes.py" line="298"/>
        <source>另一个程序（如命令行导入）修改了台账，已刷新</source>
        <translation>Another program (a command-line import, say) changed the ledger; reloaded</translation>
    </message>
</context>
<context>
    <name>TeamDatabaseDialog</name>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="47"/>
        <source>连接团队数据库</source>
        <translation>Connect to a team database</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="56"/>
        <source>几个人在几台电脑上共用一个台账：把台账放在店里的一台电脑、NAS 或云数据库的 PostgreSQL 上。每条修改都记下席位名，其他席位的窗口几秒内自动刷新。</source>
        <translation>Several people on several computers share one ledger: keep it in PostgreSQL on a PC in the shop, a NAS or a cloud database. Every change records the seat name; the other seats&apos; windows refresh by themselves within seconds.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="62"/>
        <source>例如 192.168.1.20 或 db.example.com</source>
        <translation>e.g. 192.168.1.20 or db.example.com</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="70"/>
        <source>保存在系统钥匙串中，不写入任何文件</source>
        <translation>Kept in the system keyring, never written to a file</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="76"/>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="111"/>
        <source>服务器</source>
        <translation>Server</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="77"/>
        <source>端口</source>
        <translation>Port</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="78"/>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="111"/>
        <source>数据库名</source>
        <translation>Database</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="79"/>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="112"/>
        <source>用户名</source>
        <translation>User</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="80"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="81"/>
        <source>席位名（你的名字）</source>
        <translation>Seat name (your name)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="83"/>
        <source>现在使用：%1</source>
        <translation>Now using: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="89"/>
        <source>测试连接</source>
        <translation>Test connection</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="90"/>
        <source>保存并连接</source>
        <translation>Save and connect</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="91"/>
        <source>迁移本机数据到服务器…</source>
        <translation>Move this computer&apos;s data to the server...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="92"/>
        <source>把这台电脑上的台账文件整体复制到上面这个空的数据库，然后连接它（文件本身不变）</source>
        <translation>Copy this computer&apos;s whole ledger file into the empty database above, then connect to it (the file stays as it is)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="93"/>
        <source>改用本机文件</source>
        <translation>Use the local file</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="95"/>
        <source>不再使用团队数据库，改回这台电脑上的台账文件</source>
        <translation>Stop using the team database and go back to this computer&apos;s ledger file</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="96"/>
        <source>现在用的就是这台电脑上的台账文件</source>
        <translation>This computer&apos;s ledger file is already in use</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="97"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="114"/>
        <source>请填写：%1</source>
        <translation>Please fill in: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="141"/>
        <source>正在连接 %1 …</source>
        <translation>Connecting to %1 ...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="148"/>
        <source>连接失败：%1</source>
        <translation>Connection failed: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="151"/>
        <source>数据库是空的：连接时会建好台账，或用“迁移本机数据到服务器”把现有数据搬过去。</source>
        <translation>The database is empty: connecting creates the ledger, or use &quot;Move this computer&apos;s data to the server&quot; to bring the existing data.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="153"/>
        <source>数据库里是旧版本的台账，连接时会升级（请先备份）。</source>
        <translation>The database holds a ledger of an older version; connecting upgrades it (back it up first).</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="155"/>
        <source>数据库里已有台账：%1 条售后单。</source>
        <translation>The database already holds a ledger: %1 after-sales cases.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="156"/>
        <source>连接成功（PostgreSQL %1）。</source>
        <translation>Connected (PostgreSQL %1). </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="184"/>
        <source>迁移本机数据</source>
        <translation>Move local data</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="185"/>
        <source>把 %1 中的全部数据复制到 %2？目标数据库必须是空的；本机文件不会被改动。</source>
        <translation>Copy all data in %1 to %2? The target database must be empty; the local file is not changed.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="190"/>
        <source>正在迁移，请稍候……</source>
        <translation>Moving, please wait...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="198"/>
        <source>迁移未完成，服务器未改动：%1</source>
        <translation>The move did not complete; the server is unchanged: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="200"/>
        <source>，</source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="202"/>
        <source>证据文件和印章 %1 个</source>
        <translation>%1 evidence files and seal images</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="204"/>
        <source>（另有 %1 个在本机找不到，只迁移了记录）</source>
        <translation> (%1 more were not found on this computer; only their records moved)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="206"/>
        <source>，本店修改过的时效规则 %1 个</source>
        <translation>, %1 edited deadline rule files</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="208"/>
        <source>迁移完成</source>
        <translation>Move complete</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_db_dialog.py" line="209"/>
        <source>已迁移并核对：%1。现在连接团队数据库。</source>
        <translation>Moved and checked: %1. Now connecting to the team database.</translation>
    </message>
</context>
<context>
    <name>TeamMode</name>
    <message>
        <location filename="../../desktop_app/ui/team/team_mode.py" line="66"/>
        <location filename="../../desktop_app/ui/team/team_mode.py" line="79"/>
        <source>席位名</source>
        <translation>Seat name</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_mode.py" line="67"/>
        <source>团队共用这个台账：每条修改都会记下是谁做的。请填写你的名字（席位名）：</source>
        <translation>Your team shares this ledger: every change records who made it. Please enter your name (seat name):</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_mode.py" line="110"/>
        <source>电脑时钟不准</source>
        <translation>This computer&apos;s clock is off</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_mode.py" line="119"/>
        <source>席位名重复</source>
        <translation>Seat name used twice</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_mode.py" line="122"/>
        <source>换个名字…</source>
        <translation>Another name...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/team/team_mode.py" line="123"/>
        <source>那台电脑已不再使用</source>
        <translation>That computer is no longer used</translation>
    </message>
</context>
<context>
    <name>TimelineView</name>
    <message>
        <location filename="../../desktop_app/ui/widgets/timeline.py" line="41"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/widgets/timeline.py" line="41"/>
        <source>操作人</source>
        <translation>By</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/widgets/timeline.py" line="41"/>
        <source>事件</source>
        <translation>Event</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/widgets/timeline.py" line="41"/>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/widgets/timeline.py" line="52"/>
        <source>记录于 %1</source>
        <translation>Recorded at %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="1285"/>
        <source>%1（%2 → %3）</source>
        <translation>%1 (%2 → %3)</translation>
    </message>
</context>
<context>
    <name>TypedPricesBox</name>
    <message>
        <location filename="../../desktop_app/ui/statements/typed_prices.py" line="34"/>
        <source>这些商品没有单价：填写单价（元）后生成。只用于这份货值说明，不保存。</source>
        <translation>These items have no price: type a unit price (yuan) to make the statement. Used for this statement only, not saved.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/typed_prices.py" line="45"/>
        <source>按这些单价生成</source>
        <translation>Make it with these prices</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/typed_prices.py" line="59"/>
        <source>元，例如 59.00</source>
        <translation>yuan, e.g. 59.00</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/typed_prices.py" line="74"/>
        <source>请填写“%1”的单价</source>
        <translation>Type the unit price of &quot;%1&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/typed_prices.py" line="75"/>
        <source>“%1”的单价</source>
        <translation>The unit price of &quot;%1&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/statements/typed_prices.py" line="77"/>
        <source>“%1”的单价须大于 0</source>
        <translation>The unit price of &quot;%1&quot; must be more than 0</translation>
    </message>
</context>
<context>
    <name>Vocabulary</name>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="51"/>
        <source>待处理</source>
        <translation>Pending</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="52"/>
        <source>处理中</source>
        <translation>In progress</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="53"/>
        <source>等待买家退货</source>
        <translation>Awaiting buyer&apos;s return</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="54"/>
        <source>已收到退货</source>
        <translation>Return received</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="55"/>
        <source>待补发</source>
        <translation>Reship pending</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="56"/>
        <source>维修中</source>
        <translation>In repair</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="57"/>
        <source>已退款</source>
        <translation>Refunded</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="58"/>
        <source>已补发</source>
        <translation>Reshipped</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="59"/>
        <source>已换货</source>
        <translation>Exchanged</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="60"/>
        <source>已修好寄回</source>
        <translation>Repaired &amp; sent back</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="61"/>
        <source>已补偿</source>
        <translation>Compensated</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="62"/>
        <source>平台介入中</source>
        <translation>Platform intervening</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="63"/>
        <source>已完成</source>
        <translation>Completed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="64"/>
        <source>已拒绝</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="33"/>
        <source>已关闭</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="67"/>
        <source>开始处理</source>
        <translation>Start handling</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="68"/>
        <source>同意退货</source>
        <translation>Approve return</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="69"/>
        <source>买家已寄回</source>
        <translation>Buyer shipped return</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="70"/>
        <source>确认收到退货</source>
        <translation>Confirm return received</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="71"/>
        <source>退款</source>
        <translation>Refund</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="72"/>
        <source>同意补发</source>
        <translation>Approve reship</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="73"/>
        <source>补发已发出</source>
        <translation>Reship sent</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="74"/>
        <source>换货已发出</source>
        <translation>Exchange sent</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="75"/>
        <source>开始维修</source>
        <translation>Start repair</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="76"/>
        <source>修好寄回</source>
        <translation>Send back repaired</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="77"/>
        <source>平台介入</source>
        <translation>Platform intervention</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="78"/>
        <source>恢复处理</source>
        <translation>Resume handling</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="79"/>
        <source>完成</source>
        <translation>Complete</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="80"/>
        <source>拒绝</source>
        <translation>Reject</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="81"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="38"/>
        <source>重新打开</source>
        <translation>Reopen</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="82"/>
        <source>交易成功</source>
        <translation>Order completed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="95"/>
        <source>淘宝</source>
        <translation>Taobao</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="96"/>
        <source>天猫</source>
        <translation>Tmall</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="97"/>
        <source>拼多多</source>
        <translation>Pinduoduo</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="98"/>
        <source>抖店</source>
        <translation>Douyin Shop</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="99"/>
        <source>京东</source>
        <translation>JD</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="22"/>
        <source>其他</source>
        <translation>Other</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="102"/>
        <source>仅退款</source>
        <translation>Refund only</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="103"/>
        <source>退货退款</source>
        <translation>Return &amp; refund</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="104"/>
        <source>换货</source>
        <translation>Exchange</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="105"/>
        <source>补发</source>
        <translation>Reship</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="106"/>
        <source>部分退款/补偿</source>
        <translation>Partial refund / compensation</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="107"/>
        <source>返修</source>
        <translation>Repair</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="108"/>
        <source>中差评</source>
        <translation>Negative review</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="109"/>
        <source>维权/投诉</source>
        <translation>Dispute / complaint</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="112"/>
        <source>漏发少件</source>
        <translation>Missing items</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="113"/>
        <source>错发</source>
        <translation>Wrong item sent</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="18"/>
        <source>破损</source>
        <translation>Damaged</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="17"/>
        <source>丢件</source>
        <translation>Lost in transit</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="19"/>
        <source>少件/内件缺失</source>
        <translation>Missing contents</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="20"/>
        <source>签收未收到</source>
        <translation>Shown delivered, not received</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="21"/>
        <source>延误</source>
        <translation>Delayed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="25"/>
        <source>待提交</source>
        <translation>To submit</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="26"/>
        <source>已提交货值说明</source>
        <translation>Statement submitted</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="27"/>
        <source>网点已受理</source>
        <translation>Accepted by branch</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="28"/>
        <source>已赔付</source>
        <translation>Paid</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="29"/>
        <source>部分赔付</source>
        <translation>Partially paid</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="30"/>
        <source>拒赔</source>
        <translation>Refused</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="31"/>
        <source>升级快递总部</source>
        <translation>Escalated to carrier HQ</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="32"/>
        <source>国家邮政局申诉</source>
        <translation>State Post Bureau appeal</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="36"/>
        <source>提交货值说明</source>
        <translation>Submit goods value statement</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="37"/>
        <source>关闭理赔</source>
        <translation>Close claim</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="41"/>
        <source>网点</source>
        <translation>Outlet</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="42"/>
        <source>客服</source>
        <translation>Customer service</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="43"/>
        <source>总部</source>
        <translation>Head office</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="46"/>
        <source>银行转账</source>
        <translation>Bank transfer</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="47"/>
        <source>运费抵扣</source>
        <translation>Freight bill deduction</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="48"/>
        <source>现金</source>
        <translation>Cash</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="83"/>
        <source>退货途中退款</source>
        <translation>Refund while the return is on its way</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="84"/>
        <source>已上传凭证</source>
        <translation>Evidence uploaded</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="85"/>
        <source>买家已举证</source>
        <translation>Buyer submitted evidence</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="88"/>
        <source>良品</source>
        <translation>Good</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="89"/>
        <source>次品</source>
        <translation>Defective</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="90"/>
        <source>错货</source>
        <translation>Wrong item</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="91"/>
        <source>少件</source>
        <translation>Items missing</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="92"/>
        <source>空包</source>
        <translation>Empty parcel</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="114"/>
        <source>超区</source>
        <translation>Outside delivery area</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="115"/>
        <source>质量问题</source>
        <translation>Quality problem</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="116"/>
        <source>七天无理由</source>
        <translation>7-day no-reason return</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="117"/>
        <source>物流停滞</source>
        <translation>Shipment stuck</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="118"/>
        <source>一直未收到货</source>
        <translation>Never received</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="119"/>
        <source>尺码/颜色不合适</source>
        <translation>Wrong size / colour</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="120"/>
        <source>不想要了</source>
        <translation>Changed mind</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="121"/>
        <source>描述不符</source>
        <translation>Not as described</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="122"/>
        <source>延迟发货</source>
        <translation>Late shipment</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="123"/>
        <source>虚假发货</source>
        <translation>Fake shipment</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="124"/>
        <source>违背承诺</source>
        <translation>Broken promise</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="127"/>
        <source>商家</source>
        <translation>Shop</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="128"/>
        <source>快递</source>
        <translation>Carrier</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="129"/>
        <source>买家</source>
        <translation>Buyer</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="130"/>
        <source>供应商/档口</source>
        <translation>Supplier / stall</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="131"/>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="134"/>
        <source>买家付款</source>
        <translation>Buyer paid</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="135"/>
        <source>商家发货</source>
        <translation>Shop shipped</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="136"/>
        <source>买家签收</source>
        <translation>Delivered to buyer</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="137"/>
        <source>买家申请售后</source>
        <translation>Buyer requested after-sales</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="138"/>
        <source>买家寄回退货</source>
        <translation>Buyer shipped return</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="139"/>
        <source>收到退货</source>
        <translation>Return received</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="142"/>
        <source>新建售后单</source>
        <translation>Case created</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="143"/>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="144"/>
        <source>修改</source>
        <translation>Edited</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="145"/>
        <source>撤销</source>
        <translation>Undo</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="148"/>
        <source>处理补寄申请（48小时）</source>
        <translation>Handle reship request (48 h)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="150"/>
        <source>补寄发货并上传运单号（48小时）</source>
        <translation>Ship reship and upload tracking no. (48 h)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="151"/>
        <source>补寄发货并上传运单号（48小时，一直未收到货）</source>
        <translation>Ship reship and upload tracking no. (48 h, never received)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="152"/>
        <source>处理仅退款申请（48小时）</source>
        <translation>Handle refund-only request (48 h)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="153"/>
        <source>处理退货退款/换货申请（48小时）</source>
        <translation>Handle return/exchange request (48 h)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="156"/>
        <source>七天无理由退货期</source>
        <translation>7-day no-reason return period</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="157"/>
        <source>售后期（确认收货后15天）</source>
        <translation>After-sales period (15 days after receipt confirmed)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="163"/>
        <source>售后期（交易成功后15天）</source>
        <translation>After-sales period (15 days after order completed)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="164"/>
        <source>补发（3个工作日内）</source>
        <translation>Reship (within 3 working days)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="165"/>
        <source>承诺补发（承诺履约）</source>
        <translation>Promised reship (keep the promise)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="166"/>
        <source>发货时效（付款后72小时）</source>
        <translation>Ship on time (72 h after payment)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="169"/>
        <source>处理仅退款申请（5天）</source>
        <translation>Handle refund-only request (5 days)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="170"/>
        <source>处理退货退款/换货申请（5天）</source>
        <translation>Handle return/exchange request (5 days)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="175"/>
        <source>商家处理换货申请（5天）</source>
        <translation>Shop handles exchange request (5 days)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="178"/>
        <source>自动同意补寄</source>
        <translation>Reship agreed automatically</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="179"/>
        <source>赔付3元，买家可申请平台介入</source>
        <translation>¥3 paid to the buyer, who may ask for platform intervention</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="180"/>
        <source>超时每单赔付买家3元；买家可在48小时内修改申请或申请平台介入</source>
        <translation>Late: ¥3 per order paid to the buyer; within 48 hours the buyer may change the request or ask for platform intervention</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="181"/>
        <source>自动全额退款</source>
        <translation>Refunded in full automatically</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="183"/>
        <source>自动退款</source>
        <translation>Refunded automatically</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="184"/>
        <source>自动同意退货</source>
        <translation>Return agreed automatically</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="185"/>
        <source>自动关闭售后（买家未寄回）</source>
        <translation>Case closed automatically (the buyer sent nothing back)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="186"/>
        <source>超过七天无理由退货期</source>
        <translation>7-day no-reason return period over</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="188"/>
        <source>售后期结束，买家不能再申请售后</source>
        <translation>After-sales period over: the buyer can no longer ask for after-sales</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="193"/>
        <source>超时未补发，买家可投诉违背承诺</source>
        <translation>Reship late: the buyer may complain of a broken promise</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="194"/>
        <source>违背承诺，买家可投诉</source>
        <translation>Broken promise: the buyer may complain</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="195"/>
        <source>延迟发货，买家可投诉</source>
        <translation>Late shipment: the buyer may complain</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="196"/>
        <source>延迟发货：扣分，并按商品实际成交金额的5%赔付买家，最高30元</source>
        <translation>Late shipment: points deducted, and 5% of the goods&apos; paid price paid to the buyer, at most ¥30</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="197"/>
        <source>可申请平台介入</source>
        <translation>Platform intervention may be asked for</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="198"/>
        <source>自动关闭退款（买家未寄回）</source>
        <translation>Refund closed automatically (the buyer sent nothing back)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="199"/>
        <source>超过七天无理由退换货期</source>
        <translation>7-day no-reason return/exchange period over</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="200"/>
        <source>自动确认收货</source>
        <translation>Receipt confirmed automatically</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="190"/>
        <source>自动确认完成</source>
        <translation>Completed automatically</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="149"/>
        <source>处理补寄申请（48小时，一直未收到货）</source>
        <translation>Handle reship request (48 h, never received)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="158"/>
        <source>处理维修申请（48小时）</source>
        <translation>Handle repair request (48 h)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="171"/>
        <source>处理维修申请（5天）</source>
        <translation>Handle repair request (5 days)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="182"/>
        <source>超时每单赔付买家3元（与其他原因相同）；原因为“一直未收到货”时系统还会自动全额退款</source>
        <translation>Late: ¥3 per order paid to the buyer (as for every reason); for &quot;never received&quot; the system also refunds in full automatically</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="187"/>
        <source>售后期结束，买家不能再申请补寄</source>
        <translation>After-sales period over: the buyer can no longer ask for a reship</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="189"/>
        <source>买家可申请平台介入</source>
        <translation>The buyer may ask the platform to step in</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="191"/>
        <source>未举证，平台按现有凭证判定</source>
        <translation>No evidence given: the platform decides on what it has</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="192"/>
        <source>平台按现有凭证判定</source>
        <translation>The platform decides on the evidence it has</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="201"/>
        <source>未举证，小二按现有凭证判定</source>
        <translation>No evidence given: the platform decides on what it has</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="202"/>
        <source>小二按现有凭证判定</source>
        <translation>The platform decides on the evidence it has</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="203"/>
        <source>自动同意换货</source>
        <translation>Exchange agreed automatically</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="204"/>
        <source>延迟发货：天猫按30%赔付买家</source>
        <translation>Late shipment: Tmall pays the buyer 30%</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="205"/>
        <source>延迟发货（付款后缺货或未在72小时内发货）：赔付买家30%，不扣分（资料未写上限；按订单实付金额的30%计）</source>
        <translation>Late shipment (out of stock after payment, or not shipped within 72 hours): 30% paid to the buyer, no points deducted (the source names no cap; counted as 30% of the order&apos;s paid amount)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="208"/>
        <source>中差评不涉及退货运费；如需补寄或退换，按原因谁过错谁承担。</source>
        <translation>A review involves no return postage; if something is resent or exchanged, whoever is at fault pays.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="209"/>
        <source>在评价后尽快联系买家（交易成功后 15 天内最有效），先了解问题再道歉</source>
        <translation>Contact the buyer soon after the review (most effective within 15 days of order completion): understand the problem first, then apologise</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="210"/>
        <source>先解决问题：补发、换货、部分退款（补偿金额需店主同意）</source>
        <translation>Solve the problem first: reship, exchange or partial refund (the owner approves any compensation)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="211"/>
        <source>遵守平台规则：不得以返现、红包、赠品等利益换取修改或删除评价，也不得骚扰买家</source>
        <translation>Follow the platform&apos;s rules: never offer cash back, red packets or gifts for changing or deleting a review, and never harass the buyer</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="212"/>
        <source>记录差评原因和商品，汇总后改进商品、包装或描述</source>
        <translation>Record why and on which item, then improve the goods, packing or listing from the totals</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="213"/>
        <source>了解问题并致歉</source>
        <translation>Ask about the problem and apologise</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="214"/>
        <source>问题解决后</source>
        <translation>After the problem is solved</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="215"/>
        <source>谁过错谁承担：运输途中破损由快递承担。商家先给买家补发或部分退款，再凭照片向快递理赔；买家不出运费。</source>
        <translation>Whoever is at fault pays: damage in transit is the carrier&apos;s. The shop reships or partly refunds the buyer first, then claims from the carrier with the photos; the buyer pays no postage.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="216"/>
        <source>请买家拍外箱（带快递面单）和破损处的照片</source>
        <translation>Ask the buyer for photos of the outer box (with the shipping label) and of the damage</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="217"/>
        <source>凭照片和货值说明向快递发起理赔（快递理赔）</source>
        <translation>File a claim with the carrier with the photos and the goods value statement (Carrier claims)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="218"/>
        <source>与买家商定补发或部分退款，并按平台时限完成</source>
        <translation>Agree a reship or a partial refund with the buyer and complete it within the platform&apos;s deadline</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="219"/>
        <source>记录破损商品和快递，统计哪条线路、哪种包装容易破损</source>
        <translation>Record the damaged item and the carrier, to see which routes and packing break most</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="220"/>
        <source>致歉并请买家拍照</source>
        <translation>Apologise and ask for photos</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="221"/>
        <source>部分退款补偿</source>
        <translation>Partial refund as compensation</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="222"/>
        <source>一般售后</source>
        <translation>General after-sales</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="223"/>
        <source>谁过错谁承担：商家过错（错发、漏发、破损、质量问题）商家承担来回运费；买家原因由买家承担退回运费，包邮商品各付各的。</source>
        <translation>Whoever is at fault pays: the shop&apos;s fault (wrong item, missing item, damage, quality) means the shop pays postage both ways; for the buyer&apos;s reasons the buyer pays the return postage (with free shipping each side pays its own leg).</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="224"/>
        <source>第一时间联系买家，问清楚原因（未收到货，还是收到后有问题）</source>
        <translation>Contact the buyer at once and find out why (not received, or a problem after receiving)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="225"/>
        <source>核实情况：物流、照片、聊天记录</source>
        <translation>Check the facts: tracking, photos, chat history</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="226"/>
        <source>按平台时限给出处理：退款、退货、换货、补发或补偿</source>
        <translation>Resolve within the platform&apos;s deadline: refund, return, exchange, reship or compensation</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="227"/>
        <source>记录原因、商品和责任方，定期汇总改进</source>
        <translation>Record the reason, the item and who is responsible; review the totals regularly</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="228"/>
        <source>首次联系</source>
        <translation>First contact</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="229"/>
        <source>告知处理时间</source>
        <translation>Tell the buyer when it will be handled</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="230"/>
        <source>丢件、物流停滞</source>
        <translation>Lost or stalled parcel</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="231"/>
        <source>运输途中丢件由快递承担：商家补发或退款后凭货值说明向快递理赔。</source>
        <translation>A parcel lost in transit is the carrier&apos;s: after reshipping or refunding, the shop claims from the carrier with the goods value statement.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="232"/>
        <source>联系快递网点查件，物流停滞超过 48 小时要求给出结果</source>
        <translation>Ask the carrier&apos;s outlet to trace the parcel; if tracking has not moved for over 48 h, demand an answer</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="233"/>
        <source>买家不想等了：拦截包裹（快递拦截），按仅退款或补发处理</source>
        <translation>If the buyer will not wait: intercept the parcel and handle it as a refund only or a reship</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="234"/>
        <source>确认丢件：出具货值说明，向快递理赔（推诿就找总部，再不行国家邮政局申诉）</source>
        <translation>Loss confirmed: issue the goods value statement and claim from the carrier (head office if the outlet stalls, then a complaint to the State Post Bureau)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="235"/>
        <source>给买家补发（请买家补发到之前不要确认收货）</source>
        <translation>Reship to the buyer (ask them not to confirm receipt until the reship arrives)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="236"/>
        <source>正在查件</source>
        <translation>Tracing the parcel</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="237"/>
        <source>谁过错谁承担：确认漏发由商家补发并承担运费；外箱完好时先核实重量再下结论。</source>
        <translation>Whoever is at fault pays: a confirmed missing item is reshipped at the shop&apos;s cost; if the box arrived intact, check the weight before concluding.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="238"/>
        <source>请买家拍收到的全部商品和外箱（看外箱是否完好、有无拆封痕迹）</source>
        <translation>Ask the buyer for photos of everything received and the outer box (intact? signs of opening?)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="239"/>
        <source>外箱完好时：按订单重新打包一份称重，与仓库出库称重照片、快递揽收重量比对</source>
        <translation>If the box is intact: pack the order again, weigh it and compare with the warehouse&apos;s dispatch weight photo and the carrier&apos;s pickup weight</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="240"/>
        <source>重量对不上（确实少发）→ 同意补发；重量一致 → 向买家出示称重凭证</source>
        <translation>Weights differ (really missing) → approve a reship; weights match → show the buyer the weighing record</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="241"/>
        <source>告知仓库/档口漏发的商品，核对拣货单</source>
        <translation>Tell the warehouse or supplier which item was missed and check the pick list</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="242"/>
        <source>致歉并承诺补发</source>
        <translation>Apologise and promise a reship</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="243"/>
        <source>告知补发运单号</source>
        <translation>Send the reship&apos;s tracking number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="244"/>
        <source>出示称重凭证</source>
        <translation>Show the weighing record</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="245"/>
        <source>七天无理由退货</source>
        <translation>7-day no-reason return</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="246"/>
        <source>买家原因退货：退回运费由买家承担；包邮商品各付各的（商家付发货运费，买家付退回运费）。有运费险的按运费险赔付。</source>
        <translation>A return for the buyer&apos;s reasons: the buyer pays the return postage; with free shipping each side pays its own leg (the shop the outbound, the buyer the return). Shipping insurance pays where the buyer has it.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="247"/>
        <source>核对是否在七天内、商品是否属于无理由退货范围，同意并给出退货地址</source>
        <translation>Check it is within 7 days and the item qualifies for no-reason returns, then approve and give the return address</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="248"/>
        <source>登记买家的退货运单号，在途太久主动催</source>
        <translation>Record the buyer&apos;s return tracking number; chase it if it is in transit too long</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="249"/>
        <source>收到后在“退货入库”验货：吊牌、包装、有无使用痕迹（影响二次销售的可协商扣减）</source>
        <translation>When it arrives, inspect it at the Returns desk: tags, packaging, signs of use (a deduction can be agreed if it cannot be resold)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="250"/>
        <source>验货无误后在平台时限内退款</source>
        <translation>Once inspected, refund within the platform&apos;s deadline</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="251"/>
        <source>同意退货并告知地址</source>
        <translation>Approve the return and give the address</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="252"/>
        <source>超区改派或换快递的运费由商家承担；买家要求改地址产生的运费可协商。</source>
        <translation>Rerouting or switching carrier for an out-of-area address is at the shop&apos;s cost; postage from a buyer&apos;s change of address can be negotiated.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="253"/>
        <source>与快递确认是否超区、包裹现在在哪里</source>
        <translation>Confirm with the carrier that the address is out of area and where the parcel is now</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="254"/>
        <source>和买家商量：改派能到的快递（如邮政）、改到附近能送达的地址，或到网点自提</source>
        <translation>Agree with the buyer: switch to a carrier that delivers there (e.g. China Post), a nearby address it reaches, or pickup at the outlet</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="255"/>
        <source>安排改派或拦截退回后重发，并把新运单号告诉买家</source>
        <translation>Reroute, or intercept and resend, and give the buyer the new tracking number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="256"/>
        <source>记下超区的地址，以后此地区的订单发能到的快递</source>
        <translation>Note the out-of-area address; ship future orders there with a carrier that delivers</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="257"/>
        <source>超区：请买家选择</source>
        <translation>Out of area: ask the buyer to choose</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="258"/>
        <source>显示签收但未收到</source>
        <translation>Shown delivered but not received</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="259"/>
        <source>快递错签、丢件由快递承担：商家先给买家补发或退款，再向快递理赔。</source>
        <translation>A wrong delivery or a lost parcel is the carrier&apos;s: the shop reships or refunds the buyer first, then claims from the carrier.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="260"/>
        <source>联系快递网点，要签收人和签收照片（驿站、代收点、门卫、邻居）</source>
        <translation>Ask the carrier&apos;s outlet who signed and for the delivery photo (parcel station, pickup point, doorman, neighbour)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="261"/>
        <source>把签收人和取件信息告诉买家，请买家先找一找</source>
        <translation>Tell the buyer who signed and the pickup details, and ask them to look first</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="262"/>
        <source>仍找不到：向快递发起理赔（快递理赔），推诿就找快递总部，再不行国家邮政局申诉</source>
        <translation>Still not found: file a carrier claim (Carrier claims); head office if the outlet stalls, then a complaint to the State Post Bureau</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="263"/>
        <source>给买家补发或退款，不让买家等理赔结果</source>
        <translation>Reship or refund the buyer; do not make them wait for the claim</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="264"/>
        <source>正在核实签收</source>
        <translation>Checking the delivery</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="265"/>
        <source>已为您补发</source>
        <translation>Reshipped</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="266"/>
        <source>谁过错谁承担：错发由商家承担来回运费（请买家运费到付或先垫付后补给买家）。</source>
        <translation>Whoever is at fault pays: for a wrong item the shop pays postage both ways (the buyer ships cash on delivery, or advances it and is repaid).</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="267"/>
        <source>请买家拍收到的商品和标签，核对订单的款式、颜色、尺码</source>
        <translation>Ask the buyer for photos of the item and label received; check style, colour and size against the order</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="268"/>
        <source>补发正确的商品（换货或补发），发出后告知运单号</source>
        <translation>Send the right item (exchange or reship) and give the tracking number once shipped</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="269"/>
        <source>请买家把错发的商品寄回（运费到付或补给买家），收到后在“退货入库”验货</source>
        <translation>Ask the buyer to send the wrong item back (postage on delivery or repaid), then inspect it at the Returns desk</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="270"/>
        <source>查出错发的原因（拣货、贴单、档口），避免再次发生</source>
        <translation>Find why (picking, labelling, supplier) so it does not happen again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="271"/>
        <source>致歉并安排换发</source>
        <translation>Apologise and arrange the right item</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="272"/>
        <source>抖店订单</source>
        <translation>Douyin Shop orders</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="273"/>
        <source>京东订单</source>
        <translation>JD orders</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="274"/>
        <source>拼多多订单</source>
        <translation>Pinduoduo orders</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="275"/>
        <source>淘宝/天猫订单（经典版 ExportOrderList）</source>
        <translation>Taobao/Tmall orders (classic ExportOrderList)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="276"/>
        <source>淘宝/天猫订单（千牛）</source>
        <translation>Taobao/Tmall orders (Qianniu)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="277"/>
        <source>抖店售后单导出</source>
        <translation>Douyin Shop after-sales export</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="278"/>
        <source>京东服务单导出</source>
        <translation>JD service order export</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="279"/>
        <source>拼多多售后导出</source>
        <translation>Pinduoduo after-sales export</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="280"/>
        <source>淘宝/天猫退款管理导出</source>
        <translation>Taobao/Tmall refund management export</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="281"/>
        <source>小额仅退款直接退</source>
        <translation>Refund small refund-only requests at once</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="282"/>
        <source>破损直接补发</source>
        <translation>Reship damaged goods at once</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="283"/>
        <source>丢件直接补发</source>
        <translation>Reship lost parcels at once</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="284"/>
        <source>仅退款申请金额不超过 10 元时，建议直接退款：争议对店铺评分的影响比这点钱大</source>
        <translation>When a refund-only request is ¥10 or less, suggest refunding at once: a dispute costs the shop&apos;s rating more than the money</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="285"/>
        <source>破损的补发申请：建议直接同意补发，同时凭买家照片向快递理赔</source>
        <translation>A reship request for damaged goods: suggest approving the reship at once and claiming from the carrier with the buyer&apos;s photos</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="286"/>
        <source>丢件、签收未收到的补发申请：建议直接同意补发，理赔由店铺自己跟进</source>
        <translation>A reship request for a lost parcel or one shown delivered but not received: suggest approving the reship at once; the shop follows up the claim itself</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="287"/>
        <source>金额小，直接同意退款</source>
        <translation>Small amount: approve the refund at once</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="288"/>
        <source>同意补发；凭买家拍的外箱面单和破损照片向快递理赔</source>
        <translation>Approve the reship; claim from the carrier with the buyer&apos;s photos of the box label and the damage</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="289"/>
        <source>同意补发，不让买家等快递理赔的结果</source>
        <translation>Approve the reship; do not make the buyer wait for the carrier claim</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="290"/>
        <source>向快递网点报案，提交货值说明</source>
        <translation>Report it to the carrier&apos;s outlet with the goods value statement</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="291"/>
        <source>网点逾期未赔付则升级快递总部</source>
        <translation>If the outlet has not paid in time, escalate to the carrier&apos;s head office</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="292"/>
        <source>总部拒赔或少赔：向国家邮政局 12305 申诉</source>
        <translation>Head office refused or paid too little: complain to the State Post Bureau (12305)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="293"/>
        <source>网点拒赔或少赔：升级快递总部</source>
        <translation>Outlet refused or paid too little: escalate to the carrier&apos;s head office</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="294"/>
        <source>总部 7 天未处理则向国家邮政局 12305 申诉</source>
        <translation>Head office silent for 7 days: complain to the State Post Bureau (12305)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="295"/>
        <source>等待邮政管理部门处理结果，收到答复后登记赔付或结案</source>
        <translation>Wait for the postal authority&apos;s decision; then record the payout or close the claim</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="296"/>
        <source>登记后次日内向网点报案，越晚越难查件</source>
        <translation>Report to the outlet by the day after recording it; the later, the harder to trace</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="297"/>
        <source>网点报案后 7 天仍未赔付，即可向快递总部投诉</source>
        <translation>Not paid 7 days after reporting to the outlet: complain to the carrier&apos;s head office</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="298"/>
        <source>快递总部已答复仍不满意，3 天内申诉（12305 或 sswz.spb.gov.cn）</source>
        <translation>Head office answered and it is not enough: complain within 3 days (12305 or sswz.spb.gov.cn)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="299"/>
        <source>网点拒赔或少赔后 3 天内向快递总部投诉</source>
        <translation>Complain to the carrier&apos;s head office within 3 days of the outlet&apos;s refusal or low offer</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="300"/>
        <source>快递企业收到投诉后有 7 天处理期，期满未解决可申诉</source>
        <translation>A carrier has 7 days to settle a complaint; after that a complaint to the bureau is allowed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="301"/>
        <source>申诉受理后一般 30 天内办结</source>
        <translation>A complaint is usually settled within 30 days of acceptance</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="302"/>
        <source>货值说明（订单截图打印：商品、数量、单价、实付金额）</source>
        <translation>Goods value statement (printed order: items, quantities, unit prices, amount paid)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="303"/>
        <source>买家收货信息（收货人、电话、地址）</source>
        <translation>Buyer&apos;s delivery details (recipient, phone, address)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="304"/>
        <source>运单号</source>
        <translation>Tracking number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="305"/>
        <source>破损/丢件的照片或聊天截图</source>
        <translation>Photos of the damage or loss, or chat screenshots</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="306"/>
        <source>网点的理赔单号/工单号</source>
        <translation>The outlet&apos;s claim or ticket number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="307"/>
        <source>报案时间</source>
        <translation>Reported on</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="308"/>
        <source>网点联系人及电话</source>
        <translation>Outlet contact and phone</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="309"/>
        <source>货值说明</source>
        <translation>Goods value statement</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="310"/>
        <source>与网点的沟通记录截图</source>
        <translation>Screenshots of the exchanges with the outlet</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="311"/>
        <source>向快递总部投诉的时间和工单号</source>
        <translation>When the head office complaint was made, and its ticket number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="312"/>
        <source>货值说明及购物凭证（订单截图）</source>
        <translation>Goods value statement and proof of purchase (order screenshot)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="313"/>
        <source>拒赔/少赔的答复截图、破损照片</source>
        <translation>Screenshot of the refusal or low offer, photos of the damage</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="314"/>
        <source>寄件人（本店）姓名、电话、身份证明</source>
        <translation>Sender&apos;s (the shop&apos;s) name, phone and ID</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="315"/>
        <source>拒赔/少赔的答复截图</source>
        <translation>Screenshot of the refusal or low offer</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="316"/>
        <source>破损照片、与快递的沟通记录</source>
        <translation>Photos of the damage, exchanges with the carrier</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="317"/>
        <source>12305 申诉编号及受理回执</source>
        <translation>The 12305 complaint number and its acknowledgement</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="320"/>
        <source>快递理赔：%1</source>
        <translation>Carrier claim: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="321"/>
        <source>快递理赔</source>
        <translation>Carrier claims</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="322"/>
        <source>新建理赔</source>
        <translation>New claim</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="323"/>
        <source>理赔备注</source>
        <translation>Claim note</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="324"/>
        <source>修改理赔</source>
        <translation>Claim edited</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="325"/>
        <source>添加理赔证据</source>
        <translation>Claim evidence added</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="326"/>
        <source>撤销理赔操作</source>
        <translation>Claim step undone</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="329"/>
        <source>请填写处理步骤的名称</source>
        <translation>Give the playbook a name</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="330"/>
        <source>至少要有一件补发商品</source>
        <translation>A reship needs at least one item</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="331"/>
        <source>运单号不能为空</source>
        <translation>The tracking number is empty</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="332"/>
        <source>请给出售后单编号，多个用逗号分隔，例如 3,5,8</source>
        <translation>Give the case numbers, separated by commas, e.g. 3,5,8</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="333"/>
        <source>备注内容不能为空</source>
        <translation>The note is empty</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="334"/>
        <source>未填写运单号，未录入</source>
        <translation>No tracking number given: nothing recorded</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="335"/>
        <source>没有选择要导入的文件</source>
        <translation>No file chosen to import</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="336"/>
        <source>订单号不能为空</source>
        <translation>The order number is empty</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="337"/>
        <source>报案时间缺少时区</source>
        <translation>The time reported has no time zone</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="338"/>
        <source>理赔单号太长（最多 80 个字符）</source>
        <translation>The claim number is too long (80 characters at most)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="339"/>
        <source>联系人太长（最多 120 个字符）</source>
        <translation>The contact is too long (120 characters at most)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="340"/>
        <source>请至少选择一件商品</source>
        <translation>Choose at least one item</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="341"/>
        <source>金额不能为负数</source>
        <translation>The amount cannot be negative</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="342"/>
        <source>跟进时间缺少时区</source>
        <translation>The follow-up time has no time zone</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="343"/>
        <source>此操作不需要金额</source>
        <translation>This action takes no amount</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="344"/>
        <source>部分赔付请填写本次到账金额</source>
        <translation>For a partial payout, enter the amount received this time</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="345"/>
        <source>请选择订单或售后单</source>
        <translation>Choose an order or a case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="346"/>
        <source>此操作没有到账金额，不需要赔付方式</source>
        <translation>This action receives no money: no payout channel needed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="347"/>
        <source>理赔未填写申请金额，请填写实际赔付金额</source>
        <translation>The claim has no claimed amount: enter the amount actually paid</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="348"/>
        <source>请选择要添加的证据文件</source>
        <translation>Choose the evidence files to add</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="349"/>
        <source>迁移的目标就是源文件本身</source>
        <translation>The migration target is the source file itself</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="350"/>
        <source>重新计算时限的后台进程已结束，时限未更新；下次启动时会再算一次。</source>
        <translation>The background process recomputing deadlines has ended; deadlines were not updated and will be computed again at the next start.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="351"/>
        <source>拒绝补发请写明原因</source>
        <translation>Give a reason for refusing the reship</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="352"/>
        <source>请选择要生成货值说明的理赔、订单或售后单</source>
        <translation>Choose the claims, orders or cases to make a goods value statement for</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="353"/>
        <source>团队数据库地址必须是 postgresql+psycopg://… 形式</source>
        <translation>The team database address must look like postgresql+psycopg://...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="354"/>
        <source>密码不能写进设置文件，请单独保存到系统钥匙串</source>
        <translation>A password cannot be written into the settings file: keep it in the system keychain</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="355"/>
        <source>席位名不能为空：请填写在这台电脑上工作的人的名字，例如“小王”</source>
        <translation>The seat name is empty: enter the name of the person working at this computer, e.g. &quot;Xiao Wang&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="356"/>
        <source>席位名不能含有控制字符、“|”或“\”</source>
        <translation>A seat name cannot contain control characters, &quot;|&quot; or &quot;\&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="357"/>
        <source>数字太大，超出了数据库能保存的范围。数据未被修改。</source>
        <translation>The number is too large for the database to store. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="358"/>
        <source>数据库地址是空的：请写 SQLite 文件路径，或 postgresql+psycopg://用户名:密码@主机:端口/数据库名</source>
        <translation>The database address is empty: give an SQLite file path, or postgresql+psycopg://user:password@host:port/database</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="359"/>
        <source>商家编码太长（最多 100 个字符）</source>
        <translation>The merchant SKU code is too long (100 characters at most)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="360"/>
        <source>没有要保存的货值说明</source>
        <translation>There is no goods value statement to save</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="363"/>
        <source>%1的时间 %2 早于买家申请的时间 %3：售后单的步骤不能早于申请。请检查时间；若买家申请得更早（新建时没填申请时间的，按录入的时刻记录），新建售后单时填写买家申请时间（case add --requested-at，或新建售后单的“买家申请时间”）或改正它（case edit %4 --requested-at，或售后单的“编辑”），不需要的售后单请关闭</source>
        <translation>The time of %1, %2, is before the buyer&apos;s request, %3: no step of a case comes before its request. Check the time; if the buyer asked earlier (a case recorded without a request time takes the moment it was typed in), give the request time when recording the case (case add --requested-at, or the New Case dialog&apos;s Buyer requested at) or correct it (case edit %4 --requested-at, or the case&apos;s Edit), and close a case that is not needed.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="364"/>
        <source>工作表“%1”的单元格 %2 远在表格之外（可能是格式、空格或误填的内容），使表格从 %3 延伸到 %4：%5 行 × %6 列，约 %7 个单元格，超过能读取的 %8 个，文件没有导入。请在 Excel 或 WPS 中按 Ctrl+End 找到单元格 %2，把数据下方和右侧多余的行、列整行整列删除（或只把有数据的部分复制到新表格），另存后再导入</source>
        <translation>Cell %2 of sheet &quot;%1&quot; lies far outside the table (formatting, spaces or something typed by mistake), stretching it from %3 to %4: %5 rows × %6 columns, about %7 cells, more than the %8 that can be read; the file was not imported. In Excel or WPS press Ctrl+End to find cell %2, delete the surplus whole rows and columns below and right of the data (or copy only the data to a new sheet), save, then import again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="365"/>
        <source>工作表“%1”的第 %2 行 远在表格之外（可能是格式、空格或误填的内容），使表格从 %3 延伸到 %4：%5 行 × %6 列，约 %7 个单元格，超过能读取的 %8 个，文件没有导入。请在 Excel 或 WPS 中按 Ctrl+End 找到第 %2 行，把数据下方和右侧多余的行、列整行整列删除（或只把有数据的部分复制到新表格），另存后再导入</source>
        <translation>Row %2 of sheet &quot;%1&quot; lies far outside the table (formatting, spaces or something typed by mistake), stretching it from %3 to %4: %5 rows × %6 columns, about %7 cells, more than the %8 that can be read; the file was not imported. In Excel or WPS press Ctrl+End to find row %2, delete the surplus whole rows and columns below and right of the data (or copy only the data to a new sheet), save, then import again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="366"/>
        <source>第 %1 行“%2”列：“%3”末尾 %4 位都是 0，可能是被 Excel 改过的编号（Excel 只保留 15 位有效数字，超过的位数变成了 0），台账里也没有这个%5，已照原样导入。请到平台后台核对这个编号；如果它在 Excel 里填写或保存过，先把这一列设为“文本”，再填写完整的编号后重新导入</source>
        <translation>Row %1, column &quot;%2&quot;: the last %4 digits of &quot;%3&quot; are all 0, so Excel may have changed this number (Excel keeps 15 significant digits and turns the rest into 0), and the ledger has no such %5 either; it was imported as it is. Check the number in the platform&apos;s back office; if it was typed or saved in Excel, format the column as text, enter the full number and import again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="367"/>
        <source>第 %1 行“%2”列：“%3”末尾 %4 位都是 0，可能是被 Excel 改过的编号（Excel 只保留 15 位有效数字，超过的位数变成了 0），已照原样导入。请到平台后台核对这个编号；如果它在 Excel 里填写或保存过，先把这一列设为“文本”，再填写完整的编号后重新导入</source>
        <translation>Row %1, column &quot;%2&quot;: the last %4 digits of &quot;%3&quot; are all 0, so Excel may have changed this number (Excel keeps 15 significant digits and turns the rest into 0); it was imported as it is. Check the number in the platform&apos;s back office; if it was typed or saved in Excel, format the column as text, enter the full number and import again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="368"/>
        <source>“%1”末尾 %2 位都是 0，台账里没有这个编号，却有前 15 位相同的 %3：是被 Excel 改过的编号（Excel 只保留 15 位有效数字，超过的位数变成了 0），不能使用。请从平台后台重新导出原始文件；如需在 Excel 中编辑，先把这一列设为“文本”再粘贴或填写</source>
        <translation>The last %2 digits of &quot;%1&quot; are all 0; the ledger has no such number but has %3 with the same first 15 digits: Excel changed this number (it keeps 15 significant digits and turns the rest into 0), so it cannot be used. Export the original file from the platform again; to edit it in Excel, format the column as text first, then paste or type</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="369"/>
        <source>“%1”末尾 %2 位都是 0，这一列的长数字都是这样：是被 Excel 当作数字保存过的编号（Excel 只保留 15 位有效数字，超过的位数变成了 0），不能使用。请从平台后台重新导出原始文件；如需在 Excel 中编辑，先把这一列设为“文本”再粘贴或填写</source>
        <translation>The last %2 digits of &quot;%1&quot; are all 0, as in every long number of this column: Excel saved these numbers as numbers (it keeps 15 significant digits and turns the rest into 0), so they cannot be used. Export the original file from the platform again; to edit it in Excel, format the column as text first, then paste or type</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="370"/>
        <source>这台电脑的 pg_dump（%1）比团队数据库的服务器（PostgreSQL %2）旧，不能备份它。请安装 PostgreSQL %3 或更新版本的客户端工具（或设置环境变量 %4 指向它），或在数据库服务器上运行：pg_dump -Fc -f 备份文件.dump %5</source>
        <translation>This computer&apos;s pg_dump (%1) is older than the team database&apos;s server (PostgreSQL %2) and cannot back it up. Install the PostgreSQL client tools %3 or newer (or point the environment variable %4 at them), or run on the database server: pg_dump -Fc -f backup.dump %5</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="371"/>
        <source>席位名“%1”也在另一台电脑（%2，%3 起）上使用：两台电脑的修改都记在“%1”名下，分不清是谁做的。请给这台电脑换一个席位名（文件 → 连接团队数据库…，或命令 seat 新名字），例如“%1（前台）”；那台电脑已不再使用时，在这台电脑上再设一次这个名字即可</source>
        <translation>The seat name &quot;%1&quot; is also used on another computer (%2, since %3): the changes of both computers are recorded under &quot;%1&quot; and nobody can tell them apart. Give this computer another seat name (File → Connect to team database..., or the command seat NEW-NAME), e.g. &quot;%1 (front desk)&quot;; if that computer is no longer used, set this name once more on this computer</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="372"/>
        <source>这台电脑没有 PostgreSQL 的备份工具 pg_dump，无法备份团队数据库。请安装 PostgreSQL 客户端工具（或设置环境变量 %1 指向 pg_dump），或在数据库服务器上运行：pg_dump -Fc -f 备份文件.dump %2</source>
        <translation>This computer has no pg_dump, PostgreSQL&apos;s backup tool, so the team database cannot be backed up. Install the PostgreSQL client tools (or point the environment variable %1 at pg_dump), or run on the database server: pg_dump -Fc -f backup.dump %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="373"/>
        <source>到账 %1 元后累计 %2 元，超过申请金额 %3 元（已到账 %4 元，最多还能到账 %5 元）：请核对金额；快递确实多赔（如连运费一起赔）时，先把申请金额改为实际赔付的金额（窗口：快递理赔 → 编辑；命令行：claim edit N --amount）</source>
        <translation>With ¥%1 received the total is ¥%2, more than the ¥%3 claimed (¥%4 received already, at most ¥%5 more can arrive): check the amount; if the carrier really paid more (postage included, say), first change the claimed amount to what was paid (Carrier claims → Edit; command line: claim edit N --amount)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="374"/>
        <source>到账 %1 元后累计 %2 元，超过申请金额 %3 元（最多还能到账 %4 元）：请核对金额；快递确实多赔（如连运费一起赔）时，先把申请金额改为实际赔付的金额（窗口：快递理赔 → 编辑；命令行：claim edit N --amount）</source>
        <translation>With ¥%1 received the total is ¥%2, more than the ¥%3 claimed (at most ¥%4 more can arrive): check the amount; if the carrier really paid more (postage included, say), first change the claimed amount to what was paid (Carrier claims → Edit; command line: claim edit N --amount)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="375"/>
        <source>“penalty_amount”要么是固定金额，要么是百分比：写成 { fixed_yuan = 3 }（每次3元）或 { percent = 5, max_yuan = 30 }（成交金额的5%，最多30元）</source>
        <translation>&quot;penalty_amount&quot; is either a fixed amount or a percentage: write { fixed_yuan = 3 } (¥3 each time) or { percent = 5, max_yuan = 30 } (5% of the order amount, at most ¥30)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="376"/>
        <source>%1第 %2 行%3：%4，但这一行有商品，像是上面那张订单的又一件商品。导入其余的行会让那张订单少记这件商品，所以整个文件都没有导入。请在每一行都填上订单号，并在“导入其他表格”里把“每行是”选为“一行一个商品”后再导入</source>
        <translation>%1Row %2%3: %4, but the row has an item, as if it were a further item of the order above. Importing the other rows would leave that order short of this item, so nothing of the file was imported. Enter the order number on every row and choose &quot;one row per item&quot; under &quot;Import other sheet&quot;, then import again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="377"/>
        <source>工作表“%1”第 %2 行 %3 列的单元格引用文件里的文字，编号却是“%4”：文件已损坏，这个单元格会读成别的文字（如表头），文件没有导入。请从平台后台重新导出，或在 Excel 中打开、检查这个单元格后另存，再导入</source>
        <translation>In the sheet &quot;%1&quot;, the cell in row %2, column %3 refers to a text of the file by &quot;%4&quot;, which is no number: the file is damaged, this cell would read as another text (such as a header) and the file was not imported. Export the file again from the platform, or open it in Excel, check this cell, save it and import it again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="378"/>
        <source>团队数据库%1的连接已满（%2）：服务器允许的连接都被各个席位的窗口和命令占着。请关掉不用的售后台账窗口后再试一次；经常这样时，请管理员调大服务器的 max_connections 或这个账号的连接数上限。</source>
        <translation>The team database%1 has no connection left (%2): the seats&apos; windows and commands hold every connection the server allows. Close the windows of the ledger nobody uses and try again; if this happens often, ask the administrator to raise the server&apos;s max_connections or this account&apos;s connection limit.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="379"/>
        <source>工作表“%1”第 %2 行 %3 列的单元格引用文件里的第 %4 号文字，文件却只有 %5 条：文件已损坏，这个单元格读不出来，文件没有导入。请从平台后台重新导出，或在 Excel 中打开、检查这个单元格后另存，再导入</source>
        <translation>In the sheet &quot;%1&quot;, the cell in row %2, column %3 refers to text number %4 of the file, which holds only %5: the file is damaged, this cell cannot be read and the file was not imported. Export the file again from the platform, or open it in Excel, check this cell, save it and import it again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="380"/>
        <source>这台电脑的时钟比团队数据库服务器慢 %1 分钟：在这里记录的步骤（没写时间的）和从它们算起的时限都会早 %1 分钟。请校准这台电脑的时间（Windows：设置 → 时间和语言 → 立即同步）。</source>
        <translation>This computer&apos;s clock is %1 minutes behind the team database server&apos;s: the steps recorded here (without a time given) and the deadlines counted from them are %1 minutes early. Set this computer&apos;s time right (Windows: Settings → Time &amp; language → Sync now).</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="381"/>
        <source>这台电脑的时钟比团队数据库服务器快 %1 分钟：在这里记录的步骤（没写时间的）和从它们算起的时限都会晚 %1 分钟。请校准这台电脑的时间（Windows：设置 → 时间和语言 → 立即同步）。</source>
        <translation>This computer&apos;s clock is %1 minutes ahead of the team database server&apos;s: the steps recorded here (without a time given) and the deadlines counted from them are %1 minutes late. Set this computer&apos;s time right (Windows: Settings → Time &amp; language → Sync now).</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="382"/>
        <source>文件里的文字表（共享字符串）解压后有 %1 MB，超过 %2 MB：订单或售后导出远没有这么多文字，读取它要占用大量内存，文件没有导入（文件可能已损坏或被改过）。请从平台后台重新导出后再导入</source>
        <translation>The file&apos;s table of texts (shared strings) unpacks to %1 MB, over %2 MB: no order or after-sales export holds so much text, and reading it would take a great deal of memory. The file was not imported (it may be damaged or altered): export it again from the platform and import that</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="383"/>
        <source>工作表“%1”第 %2 行 %3 列的单元格标为数字，写的却是“%4”，不是数字，读不出来，文件没有导入。请在 Excel 或 WPS 中把这个单元格改成数字（或把这一列设为“文本”）后另存，再导入</source>
        <translation>In the sheet &quot;%1&quot;, the cell in row %2, column %3 is marked as a number but holds &quot;%4&quot;, which is no number and cannot be read: the file was not imported. In Excel or WPS, type the cell as a number (or format the column as Text), save the file and import it again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="384"/>
        <source>没有订单号为 %1 的补发售后单：末尾 %2 位都是 0，可能是被 Excel 改过的订单号（Excel 只保留 15 位有效数字），请把表格里这一列设为“文本”、填回完整的订单号后再复制</source>
        <translation>No reship case has order number %1: its last %2 digits are all 0, so Excel may have changed it (Excel keeps 15 significant digits); format that column as text, enter the full order number and copy again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="386"/>
        <source>工作表“%1”第 %2 行 %3 列的单元格读不出来（文件里标的类型是“%4”，内容是“%5”）：文件已损坏，文件没有导入。请从平台后台重新导出，或在 Excel 中打开、检查这个单元格后另存，再导入</source>
        <translation>In the sheet &quot;%1&quot;, the cell in row %2, column %3 cannot be read (its type in the file is &quot;%4&quot;, its content &quot;%5&quot;): the file is damaged and was not imported. Export the file again from the platform, or open it in Excel, check this cell, save it and import it again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="387"/>
        <source>“penalty_amount”写成 { fixed_yuan = 3 }（每次3元）或 { percent = 5, max_yuan = 30 }（成交金额的5%，最多30元）</source>
        <translation>&quot;penalty_amount&quot;: write { fixed_yuan = 3 } (¥3 each time) or { percent = 5, max_yuan = 30 } (5% of the order amount, at most ¥30)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="401"/>
        <source>工作表“%1”里有一个单元格的位置读不出来（不是 A1 这样的写法），文件已损坏。请在平台后台重新导出，或在 Excel 中另存为 .xlsx 后再导入</source>
        <translation>Sheet &quot;%1&quot; holds a cell whose position cannot be read (not written like A1): the file is damaged. Export it again from the platform&apos;s back office, or save it as .xlsx in Excel, then import it</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="408"/>
        <source>数据库文件不存在：%1（没有新建它）。请检查 --db 或环境变量 %2 所写的路径；导入订单或售后单、case add 会在这个路径新建台账。</source>
        <translation>The ledger file %1 is not there (none was made). Check the path given with --db or in the environment variable %2; importing orders or after-sales lists, or case add, makes a new ledger at that path.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="496"/>
        <source>快递公司“%1”里有控制字符（%2），不是快递公司的名称：请删去它</source>
        <translation>Carrier &quot;%1&quot; holds a control character (%2): that is no carrier&apos;s name. Delete it</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="507"/>
        <source>工作表“%1”里有无法识别的单元格位置“%2”，文件可能已损坏</source>
        <translation>Sheet &quot;%1&quot; holds a cell position &quot;%2&quot; that means nothing: the file may be damaged</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="554"/>
        <source>压缩的数据已损坏或不完整，可能没有下载完整</source>
        <translation>its compressed data is damaged or incomplete: perhaps a download cut short</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="567"/>
        <source>里面的文字不是有效的 UTF-8 编码</source>
        <translation>the text inside is not valid UTF-8</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="574"/>
        <source>里面的 XML 内容不完整或写法不对</source>
        <translation>the XML inside is incomplete or malformed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="582"/>
        <source>%1：同意后%2%3内发出并填写运单号；逾期：%4</source>
        <translation>%1: once agreed, ship within %2 %3 and enter the tracking number; if late: %4</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="600"/>
        <source>单元格引用的文字在文件里找不到</source>
        <translation>a cell refers to text the file does not hold</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="654"/>
        <source>里面的结构无法解析</source>
        <translation>its inner structure cannot be parsed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="661"/>
        <source>认不出里面的格式</source>
        <translation>its inner format is not recognised</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="669"/>
        <source>%1：未及时处理则%2</source>
        <translation>%1: if not handled in time: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="985"/>
        <source>（赔付金额未知：订单未导入）</source>
        <translation> (amount owed unknown: order not imported)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="986"/>
        <source>（赔付金额未知：订单未导入，最高30元）</source>
        <translation> (amount owed unknown: order not imported, at most ¥30)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="987"/>
        <source>（仅退款，已改类型）</source>
        <translation> (when it was a refund only; kind changed)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="988"/>
        <source>（退货退款，已改类型）</source>
        <translation> (when it was a return &amp; refund; kind changed)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="989"/>
        <source>（换货，已改类型）</source>
        <translation> (when it was an exchange; kind changed)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="990"/>
        <source>（补发，已改类型）</source>
        <translation> (when it was a reship; kind changed)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="991"/>
        <source>（部分退款/补偿，已改类型）</source>
        <translation> (when it was a partial refund / compensation; kind changed)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="992"/>
        <source>（返修，已改类型）</source>
        <translation> (when it was a repair; kind changed)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="993"/>
        <source>（中差评，已改类型）</source>
        <translation> (when it was a negative review; kind changed)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="994"/>
        <source>（维权/投诉，已改类型）</source>
        <translation> (when it was a dispute / complaint; kind changed)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="385"/>
        <source>证据文件太大（%1 MB）：%2。团队数据库中每个证据文件或印章最大 %3 MB（超过的共 %4 个），迁移没有开始，目标数据库未改动。请把它换成压缩或剪短的文件（删除这条证据后重新添加）再迁移。</source>
        <translation>Evidence file too large (%1 MB): %2. A team ledger keeps at most %3 MB per evidence file or seal (%4 over it); the move did not start and the target database is unchanged. Replace it with a compressed or shorter file (remove that evidence and add it again), then move.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="388"/>
        <source>%1的时间 %2 早于%3的时间 %4：售后单的步骤按发生的先后记录。请检查时间；若%5的时间记错了，先从最后一步撤销到那一步（编辑 → 撤销，或 case undo %6，共 %7 次）再按正确的时间记录</source>
        <translation>The time of %1, %2, is before the time of %3, %4: a case&apos;s steps are recorded in the order they happened. Check the time; if %5 was recorded at the wrong time, undo back to that step from the last one first (Edit → Undo, or case undo %6, %7 times) and record it again at the right time.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="389"/>
        <source>无法打开数据库文件%1：它所在的文件夹不能写入（只读的 U 盘、光盘或网络盘，或没有写入权限），而台账打开时要在它旁边写入工作文件。请把它复制到可以写入的文件夹（例如桌面）后再打开。</source>
        <translation>The ledger file%1 cannot be opened: its folder cannot be written to (a read-only USB stick, disc or network drive, or no permission to write), and an open ledger keeps working files beside it. Copy it to a folder you can write to (the desktop, for example) and open it there.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="390"/>
        <source>这是网页格式的表格，读到第 %1 行时文件就结束了（表格和网页都没有结尾）：可能没有下载完整。文件没有导入，请在平台后台重新导出，或在 Excel 中另存为 .xlsx 后再导入</source>
        <translation>This is a table saved as a web page, and the file ends at row %1 (neither the table nor the page has its end): it may not have finished downloading. The file was not imported; export it again from the platform&apos;s back office, or save it as .xlsx in Excel, then import it</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="391"/>
        <source>%1第 %2 行%3：%4。这张表每行是一件商品，读不出订单号的行不知道属于哪张订单，导入其余的行会让那张订单少记这件商品，所以整个文件都没有导入。请改正这一行（或从平台重新导出）后再导入</source>
        <translation>%1Row %2%3: %4. Each row of this sheet is an item, and a row without a readable order number belongs to no known order: importing the other rows would leave that order short of this item, so nothing of the file was imported. Correct this row (or export again from the platform), then import again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="392"/>
        <source>无法登录团队数据库%1：服务器要求密码，但没有提供（这台电脑的系统钥匙串里没有保存这个服务器的密码）。请在 设置 → 连接团队数据库 中填写密码并保存，或在地址里写上密码。</source>
        <translation>Cannot log in to the team database%1: the server asks for a password and none was given (this computer&apos;s system keyring holds none for this server). Enter and save the password under Settings → Connect to a team database, or put it in the address.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="394"/>
        <source>“recurs”只能是 &quot;yearly&quot;（每年重复，当年没有自己的窗口时按同样的月日估算）或 &quot;announced&quot;（每年由平台公布，不估算，快到时提醒添加当年的窗口）</source>
        <translation>&quot;recurs&quot; can only be &quot;yearly&quot; (repeats every year: a year without its own window is estimated on the same dates) or &quot;announced&quot; (the platform announces it every year: not estimated, you are reminded to add the year&apos;s window when it nears)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="393"/>
        <source>工作表“%1”的单元格 %2 是 Excel 的错误值 %3，不是数据，不能当作空白导入。请在 Excel 中改正这个单元格和其他显示错误值的单元格（或从平台后台重新导出）后再导入</source>
        <translation>cell %2 of the sheet &quot;%1&quot; is the Excel error value %3, not data; it cannot be imported as blank. Correct it and any other cell showing an error value in Excel (or export the file again from the platform) and import again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="395"/>
        <source>恢复期间另一个程序（命令行、导入或窗口）写入了数据库 %1：恢复会丢掉它刚保存的修改，所以没有恢复，数据库未被修改（恢复前的副本：%2）。请等它结束、关闭其他程序后再恢复。</source>
        <translation>Another program (the command line, an import or a window) wrote to database %1 during the restore: restoring would lose what it had just saved, so nothing was restored and the database was not changed (the copy taken before restoring: %2). Wait for it to finish and close other programs, then restore.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="396"/>
        <source>迁移期间数据库文件 %1 又有修改（窗口、命令行或导入刚保存了内容），这些修改不在复制里：已全部撤销，目标数据库未改动。请等它们结束（关闭其他窗口和命令）后再迁移。</source>
        <translation>Database file %1 changed while it was being moved (a window, the command line or an import just saved something), and that change is not in the copy: everything was undone and the target database was not changed. Wait for them to finish (close other windows and commands), then move again.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="397"/>
        <source>%1的时间 %2 早于%3的时间 %4：售后单的步骤按发生的先后记录。请检查时间；若%5的时间记错了，先撤销那一步（编辑 → 撤销，或 case undo %6）再按正确的时间记录</source>
        <translation>The time of %1, %2, is before the time of %3, %4: a case&apos;s steps are recorded in the order they happened. Check the time; if %5 was recorded at the wrong time, undo that step first (Edit → Undo, or case undo %6) and record it again at the right time.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="398"/>
        <source>买家申请的时间改为 %1 不行：它晚于%2的时间 %3，售后单的步骤不能早于申请。请检查时间；若%4的时间记错了，先撤销那一步（编辑 → 撤销，或 case undo %5）</source>
        <translation>The buyer&apos;s request cannot be moved to %1: that is after the time of %2, %3, and no step of a case comes before its request. Check the time; if the time of %4 is wrong, undo that step first (Edit → Undo, or case undo %5)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="399"/>
        <source>%1或生成时给出单价：命令 statement … --unit-price 59.00（几种商品各自给：--unit-price &quot;商品名=59.00&quot;）</source>
        <translation>%1 or give the unit prices when writing it: statement ... --unit-price 59.00 (for several goods: --unit-price &quot;goods name=59.00&quot;)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="400"/>
        <source>第 %1 行有一个单元格超过 %2 个字，不像是平台导出的内容（可能有一个引号没有配对，把后面的内容都并进了这个单元格）。文件没有导入，请检查这一行后重新导出</source>
        <translation>A cell in row %1 holds more than %2 characters, which no platform export does (perhaps a quote left unpaired took in everything after it). The file was not imported: check this row and export it again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="402"/>
        <source>这是网页文件，里面没有表格（可能是平台的登录页或出错页，而不是导出的订单）。请在平台后台重新导出，或在 Excel 中另存为 .xlsx 后再导入</source>
        <translation>This is a web page with no table in it (perhaps the platform&apos;s login or error page rather than the exported orders). Export it again from the platform&apos;s back office, or save it as .xlsx in Excel, then import it</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="403"/>
        <source>提醒：“%1”已于 %2 到期，平台当时已自动处理（%3）。若这一步其实在那之前就发生了，请撤销它（编辑 → 撤销，或 case undo %4）后按实际时间记录</source>
        <translation>Note: &quot;%1&quot; ran out at %2; the platform acted on its own then (%3). If this step really happened before that, undo it (Edit → Undo, or case undo %4) and record it at the time it happened</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="404"/>
        <source>第 %1 行第 %2 列（“%3”）里有一个空字符（NUL），文件已损坏或不是文本格式。请在平台后台重新导出，或在 Excel 中另存为 .xlsx 后再导入</source>
        <translation>Row %1, column %2 (&quot;%3&quot;) holds a null character (NUL): the file is damaged or not text. Export it again from the platform&apos;s back office, or save it as .xlsx in Excel, then import it</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="405"/>
        <source>读到第 %1 行时文件读不下去了（%2）：可能是网盘或 U 盘断开了，或者文件正被别的程序改写或锁定。文件没有导入，请等它保存完（或复制到本机）后再导入</source>
        <translation>The file could not be read past row %1 (%2): a network drive or USB stick may have gone, or another program is rewriting or locking the file. Nothing was imported; wait until it is saved (or copy it to this computer) and import again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="406"/>
        <source>团队数据库%1的表结构与本程序不一致（%2）：可能已有席位用更新版本的售后台账升级了它。数据未被修改；请把这台电脑的售后台账升级到最新版本后重新打开。</source>
        <translation>The team database%1&apos;s tables do not match this program (%2): a seat may have upgraded it with a newer Aftersales Ledger. Nothing was changed; update Aftersales Ledger on this computer and open it again.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="407"/>
        <source>“durations”必须列出至少一个计时器的新时长，例如 { seller_confirm_return = { days = 20 } }</source>
        <translation>&quot;durations&quot; must list the new duration of at least one timer, e.g. { seller_confirm_return = { days = 20 } }</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="409"/>
        <source>数据库地址“%1”写法不对：应写成 postgresql+psycopg://用户名:密码@主机:端口/数据库名（协议名后面是“://”）</source>
        <translation>Database address &quot;%1&quot; is mistyped: write it as postgresql+psycopg://USER:PASSWORD@HOST:PORT/DATABASE (&quot;://&quot; after the scheme)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="410"/>
        <source>不支持的数据库地址“%1”：请写 SQLite 文件路径，或 postgresql+psycopg://用户名:密码@主机:端口/数据库名</source>
        <translation>Unsupported database address &quot;%1&quot;: write an SQLite file path, or postgresql+psycopg://user:password@host:port/database</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="411"/>
        <source>是 Excel 的错误值 %1（单元格 %2%3），不是数据，不能当作空白导入。请在 Excel 中改正这个单元格（或从平台后台重新导出）后再导入</source>
        <translation>is the Excel error value %1 (cell %2%3), not data; it cannot be imported as blank. Correct the cell in Excel (or export the file again from the platform) and import again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="412"/>
        <source>表头“%1”有 %2 列（第 %3 列），第 %4 行它们的内容不同（“%5”和“%6”）：导入的是第 %7 列。请确认它是对的，否则删去或改名多余的列后重新导入</source>
        <translation>The header &quot;%1&quot; heads %2 columns (columns %3), and in row %4 they differ (&quot;%5&quot; and &quot;%6&quot;): column %7 was imported. Check that it is the right one; otherwise delete or rename the other columns and import again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="413"/>
        <source>文件在第 %1 行中途结束（这一行只有 %2 列，上面的行有 %3 列）：可能没有下载完整，后面的行也缺了。文件没有导入，请重新下载后再导入</source>
        <translation>The file ends in the middle of row %1 (it has only %2 columns, the rows above have %3): it may not have been downloaded completely, and the rows after it are missing too. The file was not imported: download it again, then import it</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="414"/>
        <source>数据库 %1 正被另一个窗口或命令打开着：恢复后，它再做的修改都会丢失。请先关闭它（窗口：文件 → 退出），再恢复。数据库未被修改。</source>
        <translation>Database %1 is open in another window or command: whatever it changed after a restore would be lost. Close it first (the window: File → Quit), then restore. The database was not changed.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="415"/>
        <source>最新的完好备份是 %1（%2，%3）。在窗口中用“恢复备份”恢复它，或运行：python -m desktop_app restore &quot;%4&quot;</source>
        <translation>The newest intact backup is %1 (%2, %3). Restore it in the window with &quot;Restore backup&quot;, or run: python -m desktop_app restore &quot;%4&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="416"/>
        <source>是公式%1（单元格 %2），但文件里没有保存它的计算结果，不能当作空白导入。请在 Excel 中打开文件、确认数值显示正确后保存，再导入</source>
        <translation>is a formula%1 (cell %2) whose result the file does not hold; it cannot be imported as blank. Open the file in Excel, check the values show correctly, save it and import again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="417"/>
        <source>第 %1 行：平台售后单 %2（新建为 #%3）与手工登记的售后单 #%4 是同一订单 %5、同一类型（%6），可能是同一个售后：请核对，关闭多余的一张</source>
        <translation>Row %1: platform after-sales %2 (new case #%3) and case #%4 entered by hand are of the same order %5 and kind (%6): probably the same request. Check them and close the extra one</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="418"/>
        <source>订单 %1 的理赔合计申请 %2 元，超过买家为整单商品实付的 %3 元（另有理赔 %4）：请核对是否重复登记，多出的部分需有保价或运费等依据</source>
        <translation>The claims of order %1 ask ¥%2 in all, more than the ¥%3 the buyer paid for all its goods (other claims: %4): check for a claim entered twice; the difference needs a basis such as a declared value or postage</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="419"/>
        <source>文件已损坏或不完整，无法作为 Excel 表格读取（%1）。请在平台后台重新导出，或在 Excel 中另存为 .xlsx 后再导入</source>
        <translation>The file is damaged or incomplete and cannot be read as an Excel sheet (%1). Export it again from the platform&apos;s back office, or save it as .xlsx in Excel, then import it</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="420"/>
        <source>文件不完整或已损坏（不是有效的 Excel 文件）。请在平台后台重新导出，或在 Excel 中另存为 .xlsx 后再导入</source>
        <translation>The file is incomplete or damaged (not a valid Excel file). Export it again from the platform&apos;s back office, or save it as .xlsx in Excel, then import it</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="421"/>
        <source>文件在读取过程中被改动了（大小或修改时间变了）：可能还在下载，或正被别的程序保存。文件没有导入，请等它下载或保存完后再导入</source>
        <translation>The file changed while it was being read (its size or time changed): it may still be downloading, or another program is saving it. Nothing was imported; wait until it is downloaded or saved and import again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="422"/>
        <source>时长必须恰好写一项：{ hours = 72 }、{ days = 7 } 或 { working_days = 3 }</source>
        <translation>A duration has exactly one entry: { hours = 72 }, { days = 7 } or { working_days = 3 }</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="423"/>
        <source>“date_only_start”只能是 &quot;day_start&quot;（当天0点起算）或 &quot;next_day&quot;（次日0点起算）</source>
        <translation>&quot;date_only_start&quot; can only be &quot;day_start&quot; (from midnight that day) or &quot;next_day&quot; (from the next midnight)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="424"/>
        <source>文件设置了密码保护。请在 Excel 中打开并取消密码（文件 → 信息 → 保护工作簿），另存为 .xlsx 后再导入</source>
        <translation>The file is password-protected. Open it in Excel and remove the password (File → Info → Protect Workbook), save it as .xlsx, then import it</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="425"/>
        <source>这是网页或 XML 格式的表格，无法直接导入。请在平台后台重新导出，或在 Excel 中另存为 .xlsx 后再导入</source>
        <translation>This is a web page or XML sheet and cannot be imported directly. Export it again from the platform&apos;s back office, or save it as .xlsx in Excel, then import it</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="427"/>
        <source>表头既像“%1”又像“%2”，看不出是哪个平台的导出：请指明平台（命令行 --platform，窗口里用“导入其他表格…”）</source>
        <translation>The header looks like both &quot;%1&quot; and &quot;%2&quot;, so the platform cannot be told: name the platform (--platform on the command line, &quot;Import other sheet...&quot; in the window)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="428"/>
        <source>%1 刚被 %2 修改了（%3 %4），本次未保存：要改的%5是别的席位刚改的；看过之后确要改，请加 --other-seat 再执行</source>
        <translation>%1 was just changed by %2 (%3 %4); this change was not saved: %5 was just changed by another seat. To change it anyway once you have looked, run it again with --other-seat</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="429"/>
        <source>文件 %1 不是售后台账数据库（里面是其他程序的数据：%2等），没有改动它。请选择售后台账的数据库文件，或写一个新的文件名</source>
        <translation>File %1 is not an Aftersales Ledger database (it holds another program&apos;s data: %2 ...); it was not changed. Choose an Aftersales Ledger database file, or write a new file name</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="430"/>
        <source>文件已损坏，无法作为 Excel 表格读取。请在平台后台重新导出，或在 Excel 中另存为 .xlsx 后再导入</source>
        <translation>The file is damaged and cannot be read as an Excel sheet. Export it again from the platform&apos;s back office, or save it as .xlsx in Excel, then import it</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="431"/>
        <source>数据库 %1 刚被恢复为一个备份（文件已被替换），本次操作没有保存。请重新运行命令（窗口：重新打开数据库）后再操作。</source>
        <translation>Database %1 was just restored from a backup (the file was replaced); this was not saved. Run the command again (the window: open the database again), then retry.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="432"/>
        <source>文件 %1 不是售后台账数据库（里面是其他程序的数据：%2），没有改动它。请选择售后台账的数据库文件，或写一个新的文件名</source>
        <translation>File %1 is not an Aftersales Ledger database (it holds another program&apos;s data: %2); it was not changed. Choose an Aftersales Ledger database file, or write a new file name</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="433"/>
        <source>第 %1 行有一个没有配对的引号（&quot;），其后 %2 行被并进了同一个单元格（从“%3”开始）。请在该行补上或删去引号后再导入</source>
        <translation>Row %1 has a quote (&quot;) that is never closed: the %2 lines after it were read into one cell (from &quot;%3&quot;). Add or remove the quote in that row, then import again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="434"/>
        <source>第 %1 行：成本价为 0，已按不计成本的商品（赠品、试用装）导入，货损按 0 元计；如果是漏填，请改正后重新导入</source>
        <translation>Row %1: the cost price is 0, imported as goods that cost nothing (a gift, a sample), their loss counted as 0.00; if it was left out by mistake, correct the sheet and import it again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="435"/>
        <source>%1“%2”在第 %3 行已经出现过，但这一行的内容与第 %3 行不同；这一行未导入（保留第 %3 行）。请核对后删去多余的一行</source>
        <translation>%1 &quot;%2&quot; is on row %3 already, but this row differs from row %3; this row was not imported (row %3 is kept). Check them and delete the extra row</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="436"/>
        <source>%1的时间 %2 早于%3的时间 %4：售后单的步骤按发生的先后记录。请检查时间；撤销改不到%5（%6），这一步请记录为 %7 或之后</source>
        <translation>The time of %1, %2, is before the time of %3, %4: a case&apos;s steps are recorded in the order they happened. Check the time; undoing cannot reach %5 (%6), so record this step at %7 or later.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="437"/>
        <source>数据库正被另一个程序写入（另一个窗口、命令行或导入），等了 %1 秒仍未完成。数据未被修改；请等它结束后再试。</source>
        <translation>Another program is writing to the database (another window, the command line or an import) and had not finished after %1 seconds. Nothing was changed; try again once it is done.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="438"/>
        <source>是 Excel 的错误值 %1，不是数据。请在 Excel 中改正这个单元格（或从平台后台重新导出）后再导入</source>
        <translation>is the Excel error value %1, not data. Correct the cell in Excel (or export the file again from the platform) and import again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="439"/>
        <source>另一个席位正在修改同一批记录（例如一次大的导入），等了 %1 秒仍未完成。数据未被修改；请等它结束后再试。</source>
        <translation>Another seat is changing the same records (a large import, say) and had not finished after %1 seconds. Nothing was changed; try again once it is done.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="440"/>
        <source>另一个席位正在写入团队数据库（例如一次大的导入），等了 %1 秒仍未完成。数据未被修改；请等它结束后再试。</source>
        <translation>Another seat is writing to the team database (a large import, say) and had not finished after %1 seconds. Nothing was changed; try again once it is done.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="441"/>
        <source>订单号“%1”是科学计数法（被 Excel 转成了数字，已丢失位数），请从平台重新导出或手工输入完整订单号</source>
        <translation>Order number &quot;%1&quot; is in scientific notation (Excel turned it into a number and lost digits): export it again from the platform or type the full order number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="442"/>
        <source>%1“%2”格式不对，应为 YYYY-MM-DD HH:MM[:SS] 或 YYYY-MM-DD（北京时间）</source>
        <translation>%1 &quot;%2&quot; is not in the right format: YYYY-MM-DD HH:MM[:SS] or YYYY-MM-DD (Beijing time)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="443"/>
        <source>每年重复的窗口需要“event”（活动编号，如 double11），用来判断某一年是否已有自己的窗口</source>
        <translation>A yearly window needs an &quot;event&quot; (the event&apos;s id, e.g. double11) to tell whether a year has its own window</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="444"/>
        <source>文件在第 %1 行的一个字中间结束：可能没有下载完整，后面的行也缺了。文件没有导入，请重新下载后再导入</source>
        <translation>The file ends in the middle of a character in row %1: it may not have been downloaded completely, and the rows after it are missing too. The file was not imported: download it again, then import it</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="445"/>
        <source>“refusal_records”只能是 escalated（商家拒绝后平台直接介入），不能是“%1”</source>
        <translation>&quot;refusal_records&quot; can only be escalated (the platform steps in once the shop refuses), not &quot;%1&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="446"/>
        <source>备份 %1 由更新版本的售后台账创建（版本 %2），本程序无法使用它：请先升级程序再恢复。数据库未被修改</source>
        <translation>The backup %1 was written by a newer version of Aftersales Ledger (revision %2), which this version cannot use: upgrade the app first, then restore it. The ledger was not changed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="448"/>
        <source>时长单位“%1”无效，可用：hours（小时）、days（天）、working_days（工作日）</source>
        <translation>Duration unit &quot;%1&quot; is not valid: use hours, days or working_days</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="447"/>
        <source>团队数据库%1不存在：请先在服务器上建好这个数据库（CREATE DATABASE），或检查库名。</source>
        <translation>The team database%1 does not exist: create it on the server first (CREATE DATABASE), or check its name.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="449"/>
        <source>没有找到可用的备份（备份文件夹：%1）。请不要删除这个文件，把它复制一份后联系技术支持尝试修复。</source>
        <translation>No usable backup was found (backup folder: %1). Do not delete this file; copy it and contact support to try a repair.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="452"/>
        <source>“rounds”只能是 &quot;each&quot;（每次起算事件重新计时）或 &quot;first&quot;（只按第一次）</source>
        <translation>&quot;rounds&quot; can only be &quot;each&quot; (timed again at each start event) or &quot;first&quot; (from the first only)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="450"/>
        <source>与团队数据库%1的连接在操作中途断开了：%2。这次没有做完的修改没有保存；请等服务器恢复后再做一次。</source>
        <translation>The connection to the team database%1 broke off in the middle: %2. The unfinished change was not saved; do it again once the server is back.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="451"/>
        <source>这台电脑没有可用的系统钥匙串，无法保存密码（%1）。可以每次在地址里写上密码，或设置环境变量 %2。</source>
        <translation>This computer has no usable system keyring, so the password cannot be saved (%1). Write the password in the address each time, or set the environment variable %2.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="453"/>
        <source>%1 在你打开之后已被修改（%2）。你的修改没有保存；已显示最新的内容，请在它的基础上重新修改。</source>
        <translation>%1 was changed after you opened it (%2). Your changes were not saved; the latest version is shown: make your changes again on it.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="454"/>
        <source>赔付 %1 元后累计 %2 元，少于申请的 %3 元：请用“部分赔付”，或接受这个金额并“关闭理赔”</source>
        <translation>With ¥%1 paid the total is ¥%2, less than the ¥%3 claimed: use &quot;Partly paid&quot;, or accept this amount and &quot;Close claim&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="455"/>
        <source>第 %1 行：成本价 %2 元超过 %3 元，不像一件商品的成本（是否多写了几位？），这一行没有导入</source>
        <translation>Row %1: a cost price of %2 yuan is over %3 yuan, no cost of one item (digits too many?); the row was not imported</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="457"/>
        <source>“%1”必须是日期时间，例如 2022-01-25T00:00:00（北京时间），而不是 %2</source>
        <translation>&quot;%1&quot; must be a date and time, e.g. 2022-01-25T00:00:00 (Beijing time), not %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="458"/>
        <source>网页表格读到第 %1 行已超过 %2 个单元格（合并单元格向下重复了太多），不像是订单表格</source>
        <translation>The web page&apos;s table has more than %2 cells by row %1 (merged cells repeated too far down): it does not look like an order list</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="459"/>
        <source>文件太大（%1 MB）：%2。每个证据文件最大 %3 MB，请压缩或剪短后再添加。证据没有添加</source>
        <translation>File too large (%1 MB): %2. An evidence file may be at most %3 MB; compress or trim it and add it again. The evidence was not added</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="460"/>
        <source>无法登录团队数据库%1：用户名或密码不对。请在 设置 → 连接团队数据库 中重新填写。</source>
        <translation>Cannot log in to the team database%1: wrong user name or password. Enter them again under Settings → Connect to a team database.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="461"/>
        <source>%1 列的表头“%2”与 %3 列相同，导入时只会读到 %3 列（“%4”）：请在表格里给其中一列改名</source>
        <translation>Column %1 has the same header &quot;%2&quot; as column %3, so the import would read column %3 only (&quot;%4&quot;): rename one of them in the sheet</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="462"/>
        <source>数据库 %1 由更新版本的售后台账创建（版本 %2），本程序无法打开。请升级程序后再试。</source>
        <translation>Database %1 was made by a newer Aftersales Ledger (version %2) and cannot be opened by this one. Update the program and try again.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="463"/>
        <source>运单号“%1”被 Excel 转成了数字（已丢失位数），请把该列设为文本后重新复制</source>
        <translation>Tracking number &quot;%1&quot; was turned into a number by Excel (digits lost): format the column as text and copy it again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="467"/>
        <source>同一个原因不能同时出现在 reasons 和 except_reasons 中</source>
        <translation>A reason cannot be in both reasons and except_reasons</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="464"/>
        <source>%1 列没有表头，无法按列名识别（“%2”）：请在表格里给这一列加上列名，或选择其他列</source>
        <translation>Column %1 has no header and cannot be found by name (&quot;%2&quot;): give it a header in the sheet, or choose another column</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="465"/>
        <source>文件解压后超过 1 GB（疑似“压缩炸弹”或并非订单表格），为安全起见拒绝读取</source>
        <translation>The file unpacks to more than 1 GB (a &quot;zip bomb&quot;, or no order sheet): it is not read, for safety</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="466"/>
        <source>这是%1的商品明细文件，不能单独导入。请把它和对应的订单列表文件（%2…）一起选择导入</source>
        <translation>This is the item detail file of %1 and cannot be imported alone. Choose it together with its order list file (%2...)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="468"/>
        <source>无法识别的售后类型“%1”（可在售后导出格式文件 %2 的 [kinds] 中添加）</source>
        <translation>Unknown after-sales kind &quot;%1&quot; (it can be added under [kinds] in the after-sales format file %2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="469"/>
        <source>理赔 #%1 没有可以撤销的操作（新建的理赔不能撤销；不需要时请“关闭理赔”）</source>
        <translation>Claim #%1 has no step to undo (a new claim cannot be undone; use &quot;Close claim&quot; if it is not needed)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="470"/>
        <source>这个订单的包裹已有进行中的理赔 #%1（%2，申请 %3 元），请在那张理赔上继续跟进</source>
        <translation>This order&apos;s parcel has an open claim already: #%1 (%2, ¥%3 claimed); follow it up on that claim</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="471"/>
        <source>文件太大（%1 MB）：%2。团队数据库中每个证据文件最大 %3 MB，请压缩后再添加</source>
        <translation>The file is too large (%1 MB): %2. Each evidence file in a team database is at most %3 MB: compress it and add it again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="472"/>
        <source>无法连接团队数据库%1：%2。请检查网络、服务器地址和端口，以及服务器是否已启动。</source>
        <translation>Cannot connect to the team database%1: %2. Check the network, the server&apos;s address and port, and that the server is running.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="473"/>
        <source>网页表格第 %1 行有 %2 列，超过表格最多的 16384 列，不像是订单表格</source>
        <translation>Row %1 of the web page&apos;s table has %2 columns, more than a sheet&apos;s 16384: it does not look like an order list</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="475"/>
        <source>%1 刚被 %2 修改了（现在是“%3”），本次操作未保存。请看过最新内容后再操作。</source>
        <translation>%1 was just changed by %2 (now &quot;%3&quot;); this change was not saved. Look at the latest version, then try again.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="476"/>
        <source>%1 刚被他人修改了（现在是“%2”），本次操作未保存。请看过最新内容后再操作。</source>
        <translation>%1 was just changed by someone else (now &quot;%2&quot;); this change was not saved. Look at the latest version, then try again.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="477"/>
        <source>%1刚被 %2 修改了，本次保存未生效。已显示最新内容，请在它的基础上重新修改。</source>
        <translation>%1 was just changed by %2; your save did not take effect. The latest version is shown: make your changes on it again.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="478"/>
        <source>%1刚被他人修改了，本次保存未生效。已显示最新内容，请在它的基础上重新修改。</source>
        <translation>%1 was just changed by someone else; your save did not take effect. The latest version is shown: make your changes on it again.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="474"/>
        <source>%1：商家拒绝后平台直接介入（仲裁），按“%2”的规则记录；请在举证期内上传凭证</source>
        <translation>%1: the platform steps in (arbitration) as soon as the shop refuses, by the rule &quot;%2&quot;; upload the evidence within the evidence period</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="480"/>
        <source>规则文件 %1：时间窗口“%2”：引用了不存在的计时器“%3”（本规则包的计时器：%4）</source>
        <translation>Rule file %1: window &quot;%2&quot; names a timer that does not exist, &quot;%3&quot; (this pack&apos;s timers: %4)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="479"/>
        <source>订单 %1 没有商品明细和金额（尚未导入？），无法写货值说明；请先导入该订单</source>
        <translation>Order %1 has no item lines or amount (not imported yet?), so no statement can be written: import the order first</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="481"/>
        <source>申请金额 %1 元少于已到账的 %2 元：请核对；到账记错了请先“撤销上一步”</source>
        <translation>The claimed ¥%1 is less than the ¥%2 received: check it; if a payout was recorded wrongly, &quot;Undo last step&quot; first</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="482"/>
        <source>运单 %1 已有进行中的理赔 #%2（%3，申请 %4 元），请在那张理赔上继续跟进</source>
        <translation>Waybill %1 has an open claim already: #%2 (%3, ¥%4 claimed); follow it up on that claim</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="483"/>
        <source>订单号 %1 在多个平台都有（%2），请用 --platform 指定平台</source>
        <translation>Order number %1 exists on several platforms (%2): name the platform with --platform</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="484"/>
        <source>%1 是一个文件夹，不是文件：请选择文件夹里的照片或视频。证据没有添加</source>
        <translation>%1 is a folder, not a file: choose the photos or videos in it. The evidence was not added</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="485"/>
        <source>读写数据库文件%1时出错（磁盘、U 盘或网络盘故障？）。数据未被修改。</source>
        <translation>Reading or writing the database file%1 failed (a disk, USB stick or network drive fault?). Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="486"/>
        <source>%1 不是普通文件（设备、管道或套接字），不能作为证据。证据没有添加</source>
        <translation>%1 is not a regular file (a device, pipe or socket) and cannot be evidence. The evidence was not added</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="487"/>
        <source>目标数据库 %1 已经有数据（%2），不能迁入：请用一个新建的空数据库。</source>
        <translation>The target database %1 holds data already (%2) and cannot take the ledger: use a new, empty database.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="488"/>
        <source>这个订单的包裹已有进行中的理赔 #%1（%2），请在那张理赔上继续跟进</source>
        <translation>This order&apos;s parcel has an open claim already: #%1 (%2); follow it up on that claim</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="489"/>
        <source>“assumed”只能是 true（时长为估计）或 false</source>
        <translation>&quot;assumed&quot; can only be true (the duration is an estimate) or false</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="490"/>
        <source>“penalty_amount”中的“%1”必须是正整数，而不是 %2</source>
        <translation>&quot;%1&quot; in &quot;penalty_amount&quot; must be a positive whole number, not %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="491"/>
        <source>这一行有 %1 个字符，不是订单号和运单号（每行最多 %2 个字符）</source>
        <translation>This line has %1 characters: no order and tracking number (at most %2 characters a line)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="492"/>
        <source>%1 是空文件（0 字节），可能没有下载或保存完整。证据没有添加</source>
        <translation>%1 is empty (0 bytes); it may not have finished downloading or saving. The evidence was not added</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="493"/>
        <source>订单尚未导入，没有商品和金额可写；导入订单或登记理赔后再生成</source>
        <translation>The order is not imported: there are no goods or amounts to state; import the order or record a claim first</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="494"/>
        <source>订单 %1 的商品没有单价和金额：%2。请先导入这张订单的订单导出，</source>
        <translation>The goods of order %1 have no unit price or amount: %2. Import this order&apos;s order export first,</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="495"/>
        <source>证据 #%1 不是售后单 #%2 的（它属于售后单 #%3），没有删除</source>
        <translation>Evidence #%1 is not case #%2&apos;s (it belongs to case #%3); nothing was deleted.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="497"/>
        <source>%1 不是普通的图片文件（是文件夹、设备或管道），不能作为印章</source>
        <translation>%1 is not a plain image file (it is a folder, a device or a pipe) and cannot be the seal</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="498"/>
        <source>磁盘已满，无法写入数据库%1。数据未被修改；请腾出空间后再试。</source>
        <translation>The disk is full: the database%1 cannot be written. Nothing was changed; free some space and try again.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="499"/>
        <source>%1 列的表头“%2”含有“|”，无法用来识别表格：请在表格里改名</source>
        <translation>The header &quot;%2&quot; of column %1 contains &quot;|&quot; and cannot identify the sheet: rename it in the sheet</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="500"/>
        <source>文件解压后异常巨大（疑似“压缩炸弹”），为安全起见拒绝读取</source>
        <translation>The file unpacks to an abnormal size (a &quot;zip bomb&quot;?): it is not read, for safety</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="501"/>
        <source>只有表头（第 %1 行），下面没有售后单：没有导入任何售后单</source>
        <translation>Only the header (row %1), no after-sales requests under it: no request was imported</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="502"/>
        <source>运单 %1 已有进行中的理赔 #%2（%3），请在那张理赔上继续跟进</source>
        <translation>Waybill %1 has an open claim already: #%2 (%3); follow it up on that claim</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="503"/>
        <source>订单 %1 没有商品明细，不能按商品选择；可直接填写申请金额</source>
        <translation>Order %1 has no item lines, so goods cannot be chosen; enter the claimed amount directly</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="504"/>
        <source>数据库文件%1是只读的（或所在文件夹不可写），无法保存修改。</source>
        <translation>The database file%1 is read-only (or its folder cannot be written): changes cannot be saved.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="506"/>
        <source>“keyed_to”必须是一个或几个事件名（%1），而不是 %2</source>
        <translation>&quot;keyed_to&quot; must be one or more event names (%1), not %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="505"/>
        <source>迁移后核对条数不一致（%1），已全部撤销，目标数据库未改动。</source>
        <translation>The counts differ after the move (%1): everything was undone, the target database is unchanged.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="508"/>
        <source>金额只能随退款、退货途中退款或补偿一起记录，“%1”不付款</source>
        <translation>An amount goes only with a refund, a refund in transit or a compensation; &quot;%1&quot; pays nothing.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="515"/>
        <source>“penalty_amount”的百分比不能超过100</source>
        <translation>The percentage of &quot;penalty_amount&quot; cannot exceed 100</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="509"/>
        <source>数据库文件 %1 已损坏，为免损失扩大，程序不会再写入它。</source>
        <translation>The database file %1 is damaged; to keep the loss from growing, the program will not write to it.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="510"/>
        <source>文件 %1 不是售后台账数据库（不是 SQLite 文件）</source>
        <translation>File %1 is not an Aftersales Ledger database (not an SQLite file)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="511"/>
        <source>数据库地址“%1”缺少数据库名（…@主机:端口/数据库名）</source>
        <translation>Database address &quot;%1&quot; lacks the database name (...@host:port/database)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="512"/>
        <source>团队数据库%1的账号没有权限做这件事（%2）。请让管理员授权。</source>
        <translation>The account on the team database%1 has no permission for this (%2). Ask the administrator to grant it.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="513"/>
        <source>第 %1 行附近的文字编码与文件开头不一致，文件可能已损坏</source>
        <translation>The text encoding near row %1 differs from the start of the file: the file may be damaged</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="514"/>
        <source>表头与列对应方案“%1”不符：前 10 行里找不到这些列：%2</source>
        <translation>The header does not match the column mapping &quot;%1&quot;: these columns are not in the first 10 rows: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="516"/>
        <source>只有表头（第 %1 行），下面没有订单：没有导入任何订单</source>
        <translation>Only the header (row %1), no orders under it: no order was imported</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="517"/>
        <source>印章图片太大（%1 KB），请使用 5 MB 以内的图片</source>
        <translation>The seal image is too large (%1 KB): use one under 5 MB</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="521"/>
        <source>“%1”只能用小写英文字母、数字和下划线，并以字母开头：%2</source>
        <translation>&quot;%1&quot; may only use lowercase letters, digits and underscores, starting with a letter: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="518"/>
        <source>有一项文字太长，团队数据库存不下（%1）。数据未被修改。</source>
        <translation>A text is too long for the team database (%1). Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="519"/>
        <source>“%1”的格式没有单独的商品明细文件，这个文件没有被使用</source>
        <translation>The format of &quot;%1&quot; has no separate item detail file: this file was not used</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="520"/>
        <source>“%1”不是有效的售后单号（只能包含数字、字母和“-”）</source>
        <translation>&quot;%1&quot; is not a valid after-sales number (only digits, letters and &quot;-&quot;)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="522"/>
        <source>“%1”同时改了补发记录，无法撤销；请用下一步操作更正</source>
        <translation>&quot;%1&quot; changed the reship record too and cannot be undone; correct it with the next step</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="523"/>
        <source>订单号“%1”含有无效字符，只能包含数字、字母和“-”</source>
        <translation>Order number &quot;%1&quot; has invalid characters: only digits, letters and &quot;-&quot; are allowed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="524"/>
        <source>运单号“%1”含有无效字符，只能包含数字、字母和“-”</source>
        <translation>Tracking number &quot;%1&quot; has invalid characters: only digits, letters and &quot;-&quot; are allowed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="525"/>
        <source>到账 %1 元后累计已达申请金额 %2 元，请用“已赔付”</source>
        <translation>With ¥%1 received the total reaches the ¥%2 claimed: use &quot;Paid&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="526"/>
        <source>每行需要两列：订单号、运单号（第三列可写快递公司）</source>
        <translation>Each line needs two columns: order number, tracking number (a third may name the carrier)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="529"/>
        <source>“auto_records”事件“%1”未知（可用：%2）</source>
        <translation>Unknown &quot;auto_records&quot; event &quot;%1&quot; (available: %2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="530"/>
        <source>“%1”必须是日期列表，例如 [2026-10-08]</source>
        <translation>&quot;%1&quot; must be a list of dates, e.g. [2026-10-08]</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="527"/>
        <source>理赔 #%1 的商品没有单价和金额：%2。请在理赔中补全，</source>
        <translation>The goods of claim #%1 have no unit price or amount: %2. Complete them in the claim,</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="528"/>
        <source>“一行一个商品”的表格需要选择“商品名称”在哪一列</source>
        <translation>A sheet with one row per item needs the &quot;Item name&quot; column</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="531"/>
        <source>%1售后单当前状态为“%2”，不能执行“%3”。当前可执行：%4</source>
        <translation>This %1 case is &quot;%2&quot;: it cannot take &quot;%3&quot;. Possible now: %4</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="532"/>
        <source>平台售后单号“%1”已记录在售后单 #%2，请打开那一单</source>
        <translation>Platform after-sales number &quot;%1&quot; is recorded on case #%2 already: open that case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="533"/>
        <source>找不到%1上订单号为 %2 的订单；请先导入该平台的订单</source>
        <translation>No order numbered %2 on %1: import that platform&apos;s orders first</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="534"/>
        <source>请选择“订单号”在哪一列：订单按订单号导入和合并</source>
        <translation>Choose the &quot;Order no.&quot; column: orders are imported and merged by their number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="535"/>
        <source>第 %1 行：商家编码 %2 与第 %3 行重复，以本行为准</source>
        <translation>Row %1: product code %2 repeats row %3; this row is used</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="536"/>
        <source>没有读取权限（文件可能正在被 Excel 打开）</source>
        <translation>No permission to read it (is it open in Excel?)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="537"/>
        <source>售后单号“%1”与第 %2 行重复且内容不同，本行未导入</source>
        <translation>After-sales number &quot;%1&quot; repeats row %2 with different content: this row was not imported</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="538"/>
        <source>提醒：“%1”已于 %2 到期，平台当时已自动处理（%3）</source>
        <translation>Note: &quot;%1&quot; ran out at %2; the platform acted on its own then (%3)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="539"/>
        <source>理赔当前状态为“%1”，不能执行“%2”。当前可执行：%3</source>
        <translation>This claim is &quot;%1&quot;: it cannot take &quot;%2&quot;. Possible now: %3</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="540"/>
        <source>找不到订单号为 %1 的订单；请先导入该平台的订单</source>
        <translation>No order numbered %1: import that platform&apos;s orders first</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="541"/>
        <source>无法写入 %1（文件可能正在被 Excel 打开）</source>
        <translation>%1 cannot be written (is it open in Excel?)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="544"/>
        <source>“%1”必须是文字列表，例如 [&quot;a&quot;, &quot;b&quot;]</source>
        <translation>&quot;%1&quot; must be a list of texts, e.g. [&quot;a&quot;, &quot;b&quot;]</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="545"/>
        <source>extends 指向未知的规则包“%1”（可用：%2）</source>
        <translation>extends names an unknown rule pack &quot;%1&quot; (available: %2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="546"/>
        <source>规则文件 %1：活动“%2”：引用了不存在的计时器“%3”</source>
        <translation>Rule file %1: campaign &quot;%2&quot; names a timer that does not exist, &quot;%3&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="542"/>
        <source>团队数据库%1的磁盘已满，无法写入。数据未被修改。</source>
        <translation>The disk of the team database%1 is full: nothing can be written. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="543"/>
        <source>工作表“%1”无法读取，文件可能已损坏或不完整（%2）</source>
        <translation>Sheet &quot;%1&quot; cannot be read: the file may be damaged or incomplete (%2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="547"/>
        <source>售后单 #%1 当前状态为“%2”，不能改为缺货退款</source>
        <translation>Case #%1 is &quot;%2&quot;: it cannot become an out-of-stock refund</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="548"/>
        <source>售后单 #%1 的补发已结束（%2），不能再修改商品</source>
        <translation>The reship of case #%1 has ended (%2): its goods can no longer change</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="549"/>
        <source>无法打开数据库文件%1：文件夹不存在或没有权限。</source>
        <translation>The database file%1 cannot be opened: the folder does not exist or there is no permission.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="553"/>
        <source>“%1”中的“%2”不是日期（YYYY-MM-DD）</source>
        <translation>&quot;%2&quot; in &quot;%1&quot; is not a date (YYYY-MM-DD)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="550"/>
        <source>文件内部结构异常（条目过多），不像是订单表格</source>
        <translation>The file&apos;s inner structure is abnormal (too many entries): it is no order sheet</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="551"/>
        <source>对应的订单列表文件“%1”未能导入，明细也未导入</source>
        <translation>Its order list file &quot;%1&quot; was not imported, so the details were not either</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="552"/>
        <source>同一订单（%1）的其他行有错误，本订单整单未导入</source>
        <translation>Other rows of the same order (%1) have errors: the whole order was not imported</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="555"/>
        <source>理赔 #%1 的状态在“%2”之后又变了，无法撤销</source>
        <translation>Claim #%1 changed again after &quot;%2&quot;: it cannot be undone</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="556"/>
        <source>订单 %1 有多张待补发售后单（%2），请逐个录入</source>
        <translation>Order %1 has several reships waiting (%2): enter them one by one</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="557"/>
        <source>印章图片只能是 PNG 或 JPG 文件：%1</source>
        <translation>The seal image must be a PNG or JPG file: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="558"/>
        <source>缺少 [pack] 部分（id、name）</source>
        <translation>The [pack] part (id, name) is missing</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="559"/>
        <source>id 应为“%1”（与文件名一致），而不是“%2”</source>
        <translation>id should be &quot;%1&quot; (as the file name), not &quot;%2&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="560"/>
        <source>%1“%2”不是合理的日期（年份应在 %3–%4 之间）</source>
        <translation>%1 &quot;%2&quot; is not a plausible date (the year should be %3–%4)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="561"/>
        <source>售后单 #%1 属于订单 %2，与所选订单不一致</source>
        <translation>Case #%1 belongs to order %2, not to the order chosen</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="562"/>
        <source>售后单 #%1 还没有补发记录，请先登记补发</source>
        <translation>Case #%1 has no reship yet: record the reship first</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="566"/>
        <source>时长“%1”必须在 1 到 %2 之间，而不是 %3</source>
        <translation>Duration &quot;%1&quot; must be between 1 and %2, not %3</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="563"/>
        <source>%1 列同时对应了“%2”：一列只能对应一个字段</source>
        <translation>Column %1 is chosen for &quot;%2&quot;: a column can stand for one field only</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="564"/>
        <source>这是一个压缩包，但不是 Excel 表格</source>
        <translation>This is a zip archive, but not an Excel sheet</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="565"/>
        <source>本订单在%1第 %2 行的商品有错误，整单未导入</source>
        <translation>This order&apos;s items in %1, rows %2, have errors: the whole order was not imported</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="568"/>
        <source>%1“%2”不是有效的金额（例如 12.50）</source>
        <translation>%1 &quot;%2&quot; is not a valid amount (e.g. 12.50)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="569"/>
        <source>订单号“%1…”太长（最多 64 个字符）</source>
        <translation>Order number &quot;%1...&quot; is too long (at most 64 characters)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="570"/>
        <source>第 %1 行“%2”只有 %3 件，不能理赔 %4 件</source>
        <translation>Line %1 &quot;%2&quot; has only %3 pieces: %4 cannot be claimed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="571"/>
        <source>售后单 #%1 与理赔 #%2 不是同一个订单</source>
        <translation>Case #%1 and claim #%2 are not of the same order</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="572"/>
        <source>第 %1 个步骤是空的：请填写内容或删除它</source>
        <translation>Step %1 is empty: write it or delete it</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="573"/>
        <source>这不是%1的商品明细文件（找不到 %2 等列）</source>
        <translation>This is not an item detail file of %1 (no columns such as %2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="575"/>
        <source>售后单已%1，请先重新打开再修改售后类型</source>
        <translation>The case is %1: reopen it before changing its kind</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="576"/>
        <source>店铺信息中有一项超过 %1 个字，请精简</source>
        <translation>A shop detail is longer than %1 characters: please shorten it</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="577"/>
        <source>订单 %1 没有第 %2 件商品（共 %3 行）</source>
        <translation>Order %1 has no item %2 (%3 lines)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="578"/>
        <source>售后单 #%1 已发出，运单号为 （无）</source>
        <translation>Case #%1 was shipped already, with no tracking number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="579"/>
        <source>pg_dump 备份团队数据库失败：%1</source>
        <translation>pg_dump could not back up the team database: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="580"/>
        <source>不是表格文件（无法识别的二进制格式）</source>
        <translation>Not a sheet (an unknown binary format)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="581"/>
        <source>第 %1 行不是有效的 CSV 内容（%2）</source>
        <translation>Row %1 is not valid CSV (%2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="583"/>
        <source>售后单 #%1 是“%2”，不是补发售后单</source>
        <translation>Case #%1 is &quot;%2&quot;, not a reship case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="584"/>
        <source>%1“%2”最多只能有两位小数（精确到分）</source>
        <translation>%1 &quot;%2&quot; has more than two decimals (amounts are to the cent)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="585"/>
        <source>运单号“%1”长度不对（应为 %2–%3 位）</source>
        <translation>Tracking number &quot;%1&quot; has the wrong length (%2–%3 characters)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="586"/>
        <source>售后单 #%1 尚未同意补发，请先同意</source>
        <translation>The reship of case #%1 is not agreed yet: agree to it first</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="587"/>
        <source>无法复制证据文件 %1：%2。证据没有添加</source>
        <translation>The evidence file %1 could not be copied: %2. The evidence was not added</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="588"/>
        <source>导出文件名应以 .xlsx 结尾：%1</source>
        <translation>The export file name should end in .xlsx: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="589"/>
        <source>导出文件“%1”应以 .xlsx 结尾</source>
        <translation>The export file &quot;%1&quot; should end in .xlsx</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="590"/>
        <source>“revision”必须是非负整数</source>
        <translation>&quot;revision&quot; must be a whole number, 0 or more</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="591"/>
        <source>发货时间 %1 早于同意补发的时间 %2</source>
        <translation>The shipping time %1 is before the reship was agreed (%2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="592"/>
        <source>另一台电脑 在 %1 保存了新的版本</source>
        <translation>another computer saved a new version at %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="593"/>
        <source>另一台电脑刚把它恢复成了默认规则</source>
        <translation>another computer just reset it to the default rules</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="594"/>
        <source>快递公司名称太长（最多 %1 个字）</source>
        <translation>The carrier name is too long (at most %1 characters)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="597"/>
        <source>缺少“duration”（时长）</source>
        <translation>&quot;duration&quot; is missing</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="598"/>
        <source>规则包不能 extends 自己</source>
        <translation>A rule pack cannot extend itself</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="599"/>
        <source>同一天不能既是休息日又是工作日：%1</source>
        <translation>A day cannot be both a day off and a working day: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="595"/>
        <source>请选择每行是一个订单还是一个商品</source>
        <translation>Choose whether each row is an order or an item</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="596"/>
        <source>第 %1 行：商家编码 %2 没有成本价</source>
        <translation>Row %1: product code %2 has no cost price</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="601"/>
        <source>无主件 #%1 已关联到售后单 #%2</source>
        <translation>Unmatched parcel #%1 matched to case #%2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="602"/>
        <source>售后单 #%1 已发出，运单号为 %2</source>
        <translation>Case #%1 was shipped already, tracking number %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="603"/>
        <source>找不到%1的订单 %2；请先导入该订单</source>
        <translation>No %1 order %2: import that order first</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="606"/>
        <source>时长“%1”必须是正整数，而不是 %2</source>
        <translation>Duration &quot;%1&quot; must be a positive whole number, not %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="604"/>
        <source>处理步骤“%1”没有本店自己的版本</source>
        <translation>Playbook &quot;%1&quot; has no version of the shop&apos;s own</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="605"/>
        <source>工作表“%1”无法读取，文件已损坏</source>
        <translation>Sheet &quot;%1&quot; cannot be read: the file is damaged</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="607"/>
        <source>理赔 #%1 已结束，不需要跟进</source>
        <translation>Claim #%1 has ended: no follow-up needed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="608"/>
        <source>售后单 #%1 已用此运单号发出</source>
        <translation>Case #%1 was shipped with this tracking number already</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="609"/>
        <source>售后单 #%1 的补发已结束（%2）</source>
        <translation>The reship of case #%1 has ended (%2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="610"/>
        <source>没有订单号为 %1 的补发售后单</source>
        <translation>No reship case has order number %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="611"/>
        <source>第一行没有订单号，按表头跳过</source>
        <translation>The first line has no order number: skipped as a header</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="612"/>
        <source>备份 %1 已损坏，不能用来恢复</source>
        <translation>Backup %1 is damaged and cannot be restored</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="613"/>
        <source>找不到订单 %1；请先导入该订单</source>
        <translation>No order %1: import that order first</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="616"/>
        <source>不认识的设置项“%1”（可用：%2）</source>
        <translation>Unknown setting &quot;%1&quot; (available: %2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="617"/>
        <source>%1 必须写成 [[%1]] 表数组</source>
        <translation>%1 must be written as an array of tables [[%1]]</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="614"/>
        <source>运行 pg_dump 失败：%1</source>
        <translation>pg_dump could not run: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="615"/>
        <source>%1太长（%2 个字符，最多 %3 个）</source>
        <translation>%1 is too long (%2 characters, at most %3)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="618"/>
        <source>席位名太长（最多 %1 个字）</source>
        <translation>The seat name is too long (at most %1 characters)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="619"/>
        <source>一次最多生成 %1 份货值说明</source>
        <translation>At most %1 goods value statements at a time</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="624"/>
        <source>“%1”中有未知的%2：%3（可用：%4）</source>
        <translation>&quot;%1&quot; has unknown %2: %3 (available: %4)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="625"/>
        <source>起算事件“%1”未知（可用：%2）</source>
        <translation>Unknown start event &quot;%1&quot; (available: %2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="620"/>
        <source>找不到要迁移的数据库文件：%1</source>
        <translation>The database file to move was not found: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="621"/>
        <source>请填写方案名称（例如“%1”）</source>
        <translation>Enter a name for the mapping (e.g. &quot;%1&quot;)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="622"/>
        <source>方案名称太长：最多 %1 个字</source>
        <translation>The mapping&apos;s name is too long: at most %1 characters</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="623"/>
        <source>内容太长（最多 %1 个字符）</source>
        <translation>too long (at most %1 characters)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="626"/>
        <source>%1 刚被 %2 修改了（%3 %4）：%5</source>
        <translation>%1 was just changed by %2 (%3 %4): %5</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="627"/>
        <source>订单 %1 在第 %2 行已出现</source>
        <translation>Order %1 is on line %2 already</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="631"/>
        <source>必须是一个表（[[%1]]）</source>
        <translation>must be a table ([[%1]])</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="628"/>
        <source>数据库路径是一个文件夹：%1</source>
        <translation>The database path is a folder: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="629"/>
        <source>数据库地址“%1”写法不对：%2</source>
        <translation>Database address &quot;%1&quot; is not written right: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="630"/>
        <source>工作表“%1”内容已损坏（%2）</source>
        <translation>The content of sheet &quot;%1&quot; is damaged (%2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="632"/>
        <source>没有编号为 %1 的售后单</source>
        <translation>There is no case number %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="633"/>
        <source>%1 在 %2 保存了新的版本</source>
        <translation>%1 saved a new version at %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="634"/>
        <source>%1“%2”太大（最多 %3 元）</source>
        <translation>%1 &quot;%2&quot; is too large (at most ¥%3)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="635"/>
        <source>无法使用备份文件夹 %1：%2</source>
        <translation>The backup folder %1 cannot be used: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="636"/>
        <source>无法创建备份文件夹 %1：%2</source>
        <translation>The backup folder %1 cannot be created: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="637"/>
        <source>备份失败，无法写入 %1：%2</source>
        <translation>Backup failed: %1 cannot be written: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="638"/>
        <source>导出路径是一个文件夹：%1</source>
        <translation>The export path is a folder: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="639"/>
        <source>“%1”选择的列不在表格里</source>
        <translation>The column chosen for &quot;%1&quot; is not in the sheet</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="640"/>
        <source>已跳过自定义处理步骤 %1</source>
        <translation>Own playbook skipped: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="641"/>
        <source>无法保存处理步骤到 %1：%2</source>
        <translation>The playbook cannot be saved to %1: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="642"/>
        <source>店铺信息（全部店铺）</source>
        <translation>The shop details (all shops)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="643"/>
        <source>第 %1 件商品没有名称</source>
        <translation>Item %1 has no name</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="644"/>
        <source>“%1”的数量应为 1–%2</source>
        <translation>The quantity of &quot;%1&quot; should be 1–%2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="645"/>
        <source>没有可备份的数据库：%1</source>
        <translation>No database to back up: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="646"/>
        <source>%1 不是售后台账的备份</source>
        <translation>%1 is not a backup of an Aftersales Ledger</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="647"/>
        <source>无法读取印章图片 %1：%2</source>
        <translation>The seal image %1 cannot be read: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="648"/>
        <source>%1 不是有效的 %2 图片</source>
        <translation>%1 is not a valid %2 image</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="652"/>
        <source>结束时间早于开始时间</source>
        <translation>The end is before the start</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="653"/>
        <source>规则包继承形成循环：%1</source>
        <translation>The rule packs extend each other in a loop: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="649"/>
        <source>第 %1 条话术没有标题</source>
        <translation>Script %1 has no title</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="650"/>
        <source>话术“%1”的内容是空的</source>
        <translation>Script &quot;%1&quot; is empty</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="651"/>
        <source>请选择“%1”在哪一列：%2</source>
        <translation>Choose the &quot;%1&quot; column: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="655"/>
        <source>找不到处理步骤“%1”</source>
        <translation>Playbook &quot;%1&quot; not found</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="659"/>
        <source>“%1”必须是非空文字</source>
        <translation>&quot;%1&quot; must be a text, not empty</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="660"/>
        <source>“%1”最长 %2 个字符</source>
        <translation>&quot;%1&quot; is at most %2 characters</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="656"/>
        <source>无法识别的平台“%1”</source>
        <translation>Unknown platform &quot;%1&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="657"/>
        <source>工作簿里没有工作表</source>
        <translation>The workbook has no sheets</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="658"/>
        <source>这是%1，不是表格文件</source>
        <translation>This is a %1, not a sheet</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="662"/>
        <source>金额必须大于 0</source>
        <translation>The amount must be above 0</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="663"/>
        <source>售后单已经是“%1”</source>
        <translation>The case is &quot;%1&quot; already</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="664"/>
        <source>找不到售后单 #%1</source>
        <translation>Case #%1 not found</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="665"/>
        <source>找不到无主件 #%1</source>
        <translation>Unmatched parcel #%1 not found</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="666"/>
        <source>找不到备份文件 %1</source>
        <translation>Backup file %1 not found</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="667"/>
        <source>%1：应有 %2，实有 %3</source>
        <translation>%1: %2 expected, %3 there</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="668"/>
        <source>文件无法读取（%1）</source>
        <translation>The file cannot be read (%1)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="670"/>
        <source>“%1”无法撤销：%2</source>
        <translation>&quot;%1&quot; cannot be undone: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="671"/>
        <source>找不到理赔 #%1</source>
        <translation>Claim #%1 not found</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="672"/>
        <source>找不到订单 #%1</source>
        <translation>Order #%1 not found</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="673"/>
        <source>找不到补发 #%1</source>
        <translation>Reship #%1 not found</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="674"/>
        <source>找不到证据 #%1</source>
        <translation>Evidence #%1 not found</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="675"/>
        <source>%1 不是一个文件</source>
        <translation>%1 is not a file</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="677"/>
        <source>规则文件 %1：%2：%3</source>
        <translation>Rule file %1: %2: %3</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="676"/>
        <source>这不是一个文件</source>
        <translation>This is not a file</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="678"/>
        <source>找不到店铺 %1</source>
        <translation>Shop %1 not found</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="679"/>
        <source>店铺信息（%1）</source>
        <translation>The shop details (%1)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="680"/>
        <source>%1不能为负数：%2</source>
        <translation>%1 cannot be negative: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="681"/>
        <source>读写出错（%1）</source>
        <translation>read or write error (%1)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="682"/>
        <source>无法写入 %1：%2</source>
        <translation>%1 cannot be written: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="686"/>
        <source>规则文件 %1：%2</source>
        <translation>Rule file %1: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="687"/>
        <source>%1中计时器“%2”</source>
        <translation>%1, timer &quot;%2&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="683"/>
        <source>未知的字段：%1</source>
        <translation>Unknown fields: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="684"/>
        <source>无法删除 %1：%2</source>
        <translation>%1 cannot be deleted: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="685"/>
        <source>，公式“=%1”</source>
        <translation>, formula &quot;=%1&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="688"/>
        <source>售后单 #%1</source>
        <translation>Case #%1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="689"/>
        <source>%1不能为负数</source>
        <translation>%1 cannot be negative</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="693"/>
        <source>id 重复</source>
        <translation>the id is used twice</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="690"/>
        <source>第 %1 行：%2</source>
        <translation>Row %1: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="691"/>
        <source>找不到文件</source>
        <translation>File not found</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="692"/>
        <source>文件是空的</source>
        <translation>The file is empty</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="694"/>
        <source>理赔 #%1</source>
        <translation>Claim #%1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="695"/>
        <source>#%1 %2 元</source>
        <translation>#%1 ¥%2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="696"/>
        <source>第 %1 个%2</source>
        <translation>%2 no. %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="697"/>
        <source>第 %1 个</source>
        <translation>no. %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="698"/>
        <source>缺少“%1”</source>
        <translation>&quot;%1&quot; is missing</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="699"/>
        <source>%1 %2 条</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="700"/>
        <source>%1 %2 行</source>
        <translation>%1 %2 rows</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="701"/>
        <source>%1”和“%2</source>
        <translation>%1&quot; and &quot;%2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="702"/>
        <source>“%1”列</source>
        <translation>, column &quot;%1&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="706"/>
        <source>%1“%2”</source>
        <translation>%1 &quot;%2&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="703"/>
        <source>%1（%2）</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="426"/>
        <source>第 %1 行超过 %2 还没有换行，不像是平台导出的内容（文件可能已损坏，或不是表格）。文件没有导入，请检查这一行后重新导出</source>
        <translation>Line %1 runs past %2 without a line break: this is no platform export (the file may be damaged, or no table). The file was not imported: check this line and export the file again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="456"/>
        <source>粘贴的内容超过 %1 行（第 %2 行起），一次最多录入 %1 行，什么也没有录入：请分成几批粘贴</source>
        <translation>The paste has more than %1 lines (from line %2 on); at most %1 lines can be entered at once, so nothing was entered: paste them in several batches</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="704"/>
        <source>“%1”</source>
        <translation>&quot;%1&quot; </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="705"/>
        <source>缺少%1</source>
        <translation>%1 missing</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="707"/>
        <source>%1，%2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="708"/>
        <source>%1：%2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="709"/>
        <source>无</source>
        <translation>none</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="710"/>
        <source>商品明细</source>
        <translation>the item details</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="711"/>
        <source>PDF 文件</source>
        <translation>PDF file</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="712"/>
        <source>PNG 图片</source>
        <translation>PNG image</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="713"/>
        <source>JPEG 图片</source>
        <translation>JPEG image</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="714"/>
        <source>GIF 图片</source>
        <translation>GIF image</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="715"/>
        <source>RAR 压缩包</source>
        <translation>RAR archive</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="716"/>
        <source>7z 压缩包</source>
        <translation>7z archive</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="717"/>
        <source>gzip 压缩包</source>
        <translation>gzip archive</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="718"/>
        <source>空的压缩包</source>
        <translation>empty zip archive</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="719"/>
        <source>计时器</source>
        <translation>timer</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="720"/>
        <source>时间窗口</source>
        <translation>Date windows</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="721"/>
        <source>活动</source>
        <translation>campaign</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="722"/>
        <source>售后类型</source>
        <translation>After-sales type</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="723"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="724"/>
        <source>完成事件</source>
        <translation>completing event</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="725"/>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="726"/>
        <source>起算事件</source>
        <translation>Starts from</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="727"/>
        <source>时长</source>
        <translation>Duration</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="728"/>
        <source>到期后果</source>
        <translation>When it runs out</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="729"/>
        <source>适用售后类型</source>
        <translation>Case kinds</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="730"/>
        <source>适用原因</source>
        <translation>Reasons</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="731"/>
        <source>不适用的原因</source>
        <translation>Reasons excluded</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="732"/>
        <source>处罚说明</source>
        <translation>Penalty</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="733"/>
        <source>处罚金额</source>
        <translation>Penalty amount</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="734"/>
        <source>固定金额</source>
        <translation>Fixed amount</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="735"/>
        <source>百分比</source>
        <translation>Percentage</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="736"/>
        <source>最高金额</source>
        <translation>Maximum amount</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="737"/>
        <source>小时</source>
        <translation>hours</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="738"/>
        <source>天</source>
        <translation>days</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="739"/>
        <source>工作日</source>
        <translation>working days</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="740"/>
        <source>开始时间</source>
        <translation>Start</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="741"/>
        <source>结束时间</source>
        <translation>Finished at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="742"/>
        <source>窗口内的时长</source>
        <translation>Duration in the window</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="743"/>
        <source>判断事件</source>
        <translation>Keyed to event</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="744"/>
        <source>计时轮次</source>
        <translation>Rounds</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="745"/>
        <source>只有日期时的起算</source>
        <translation>Start when only a date is known</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="746"/>
        <source>订单</source>
        <translation>Order</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="747"/>
        <source>订单商品</source>
        <translation>Order items</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="748"/>
        <source>售后单</source>
        <translation>After-sales case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="749"/>
        <source>时间线记录</source>
        <translation>Timeline entries</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="751"/>
        <source>售后凭证</source>
        <translation>Case evidence</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="752"/>
        <source>理赔凭证</source>
        <translation>Claim evidence</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="753"/>
        <source>服务器拒绝连接（这个端口上没有运行数据库，或被防火墙拦住）</source>
        <translation>the server refused the connection (no database runs on this port, or a firewall blocks it)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="754"/>
        <source>找不到这个服务器地址</source>
        <translation>the server address was not found</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="755"/>
        <source>网络不通，连不到这台服务器</source>
        <translation>the network cannot reach this server</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="756"/>
        <source>连接超时（网络不通，或服务器没有响应）</source>
        <translation>the connection timed out (no network, or the server did not answer)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="757"/>
        <source>服务器意外断开了连接</source>
        <translation>the server closed the connection unexpectedly</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="758"/>
        <source>服务器关闭或重启了</source>
        <translation>the server shut down or restarted</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="759"/>
        <source>网络或服务器断开了连接</source>
        <translation>the network or the server broke the connection</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="760"/>
        <source>某某供应商发货表</source>
        <translation>Supplier shipping sheet</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="761"/>
        <source>ERP售后单</source>
        <translation>ERP after-sales list</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="762"/>
        <source>再次导入时按平台和售后单号找到同一张售后单</source>
        <translation>an import finds the same case again by its platform and after-sales number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="763"/>
        <source>售后单按订单号关联订单</source>
        <translation>a case is linked to its order by the order number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="764"/>
        <source>售后类型决定售后单的处理步骤和时效</source>
        <translation>the kind decides the case&apos;s steps and deadlines</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="765"/>
        <source>售后状态决定售后单处于哪一步</source>
        <translation>the status decides which step the case is at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="766"/>
        <source>售后单号</source>
        <translation>After-sales no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="768"/>
        <source>售后状态</source>
        <translation>After-sales status</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="769"/>
        <source>售后原因</source>
        <translation>After-sales reason</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="770"/>
        <source>问题描述</source>
        <translation>Problem description</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="771"/>
        <source>退款金额</source>
        <translation>Refund amount</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="772"/>
        <source>申请时间</source>
        <translation>Requested at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="773"/>
        <source>完结时间</source>
        <translation>Finished at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="774"/>
        <source>平台处理时限</source>
        <translation>Platform deadline</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="775"/>
        <source>退货物流公司</source>
        <translation>Return carrier</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="776"/>
        <source>退货物流单号</source>
        <translation>Return tracking no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="777"/>
        <source>商品名称</source>
        <translation>Item name</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="778"/>
        <source>商品规格</source>
        <translation>Item variant</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="779"/>
        <source>数量</source>
        <translation>Qty</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="780"/>
        <source>商家编码</source>
        <translation>SKU code</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="781"/>
        <source>买家昵称</source>
        <translation>Buyer nickname</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="782"/>
        <source>订单状态</source>
        <translation>Order status</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="783"/>
        <source>店铺</source>
        <translation>Shop</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="784"/>
        <source>实付金额</source>
        <translation>Amount paid</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="785"/>
        <source>商品总价</source>
        <translation>Goods total</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="786"/>
        <source>邮费</source>
        <translation>Postage</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="787"/>
        <source>付款时间</source>
        <translation>Paid at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="788"/>
        <source>买家留言</source>
        <translation>Buyer&apos;s message</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="789"/>
        <source>商家备注</source>
        <translation>Seller note</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="790"/>
        <source>收货人</source>
        <translation>Recipient</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="791"/>
        <source>手机</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="792"/>
        <source>收货地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="793"/>
        <source>物流公司</source>
        <translation>Carrier</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="794"/>
        <source>物流单号</source>
        <translation>Tracking no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="795"/>
        <source>发货时间</source>
        <translation>Shipped at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="796"/>
        <source>签收时间</source>
        <translation>Delivered at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="797"/>
        <source>确认收货时间</source>
        <translation>Receipt confirmed at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="798"/>
        <source>单价</source>
        <translation>Unit price</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="799"/>
        <source>未知原因</source>
        <translation>unknown reason</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="802"/>
        <source>找不到这个文件或文件夹</source>
        <translation>no such file or folder</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="803"/>
        <source>这是一个文件夹，不是文件</source>
        <translation>this is a folder, not a file</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="804"/>
        <source>路径中有一段不是文件夹</source>
        <translation>a part of the path is not a folder</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="805"/>
        <source>已有同名的文件</source>
        <translation>a file of that name exists already</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="806"/>
        <source>没有权限</source>
        <translation>no permission</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="807"/>
        <source>磁盘空间不足</source>
        <translation>not enough disk space</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="808"/>
        <source>磁盘是只读的</source>
        <translation>the disk is read-only</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="809"/>
        <source>文件名太长</source>
        <translation>the file name is too long</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="810"/>
        <source>文件正被别的程序使用</source>
        <translation>the file is in use by another program</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="811"/>
        <source>打开的文件太多</source>
        <translation>too many open files</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="812"/>
        <source>磁盘读写出错</source>
        <translation>disk read/write error</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="813"/>
        <source>文件名或路径无效</source>
        <translation>invalid file name or path</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="814"/>
        <source>路径里的快捷方式（符号链接）绕成了圈，指不到真正的文件</source>
        <translation>a shortcut (symbolic link) in the path loops back on itself and leads to no file</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="815"/>
        <source>磁盘配额已用完</source>
        <translation>the disk quota is used up</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="816"/>
        <source>文件太大</source>
        <translation>the file is too large</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="817"/>
        <source>网络盘上的文件已失效（请重新打开网络盘）</source>
        <translation>the file on the network drive is stale (reconnect the drive)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="818"/>
        <source>读写超时（网络盘或 U 盘可能已断开）</source>
        <translation>reading or writing timed out (is the network drive or USB stick gone?)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="819"/>
        <source>文件正被别的程序（如 Excel）打开</source>
        <translation>the file is open in another program (Excel?)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="820"/>
        <source>没有读取或写入的权限</source>
        <translation>no permission to read or write</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="823"/>
        <source>“%1”不是有效的编号</source>
        <translation>&quot;%1&quot; is not a valid number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="824"/>
        <source>“%1…”不是有效的订单号（最长 64 个字符）</source>
        <translation>&quot;%1...&quot; is not a valid order number (64 characters at most)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="825"/>
        <source>“%1”不是有效的订单号（只能包含数字、字母和“-”）</source>
        <translation>&quot;%1&quot; is not a valid order number (digits, letters and &quot;-&quot; only)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="826"/>
        <source>“%1…”不是有效的金额（应为数字，例如 12.50）</source>
        <translation>&quot;%1...&quot; is not a valid amount (a number, e.g. 12.50)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="827"/>
        <source>“%1”不是有效的金额（应为数字，例如 12.50）</source>
        <translation>&quot;%1&quot; is not a valid amount (a number, e.g. 12.50)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="828"/>
        <source>金额不能为负数：%1</source>
        <translation>An amount cannot be negative: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="829"/>
        <source>金额“%1”过大（最多 %2 元）</source>
        <translation>The amount &quot;%1&quot; is too large (¥%2 at most)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="830"/>
        <source>金额“%1”最多只能有两位小数（精确到分）</source>
        <translation>The amount &quot;%1&quot; has more than two decimals (cents at most)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="831"/>
        <source>金额“%1”过大</source>
        <translation>The amount &quot;%1&quot; is too large</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="832"/>
        <source>“%1…”不是有效的数量（应为整数）</source>
        <translation>&quot;%1...&quot; is not a valid quantity (a whole number)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="833"/>
        <source>“%1”不是有效的数量（应为整数）</source>
        <translation>&quot;%1&quot; is not a valid quantity (a whole number)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="834"/>
        <source>数量不能为负数：%1</source>
        <translation>A quantity cannot be negative: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="835"/>
        <source>数量“%1”过大（最多 %2）</source>
        <translation>The quantity &quot;%1&quot; is too large (%2 at most)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="836"/>
        <source>“%1”不是有效的日期时间</source>
        <translation>&quot;%1&quot; is not a valid date and time</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="837"/>
        <source>“%1”不是合理的日期（年份应在 1990–2100 之间）</source>
        <translation>&quot;%1&quot; is not a plausible date (the year should be 1990–2100)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="838"/>
        <source>“%1”不是可识别的日期时间（应为 2026-11-06 20:56:31 这样的格式）</source>
        <translation>&quot;%1&quot; is not a recognisable date and time (write it like 2026-11-06 20:56:31)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="839"/>
        <source>“%1”是不存在的日期或时间（例如 2 月 30 日、25 点）</source>
        <translation>&quot;%1&quot; is a date or time that does not exist (such as 30 February or 25 o&apos;clock)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="840"/>
        <source>第 %1 行“%2”列：未知的售后状态“%3”，新建的售后单按“待处理”记录，已有的保持不变（可在 %4 的 [statuses] 中添加）</source>
        <translation>Row %1, column &quot;%2&quot;: unknown after-sales status &quot;%3&quot;; a new case is recorded as Pending, an existing one stays as it is (it can be added under [statuses] in %4)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="841"/>
        <source>第 %1 行“%2”列是“%3”（表示没有日期）：新建的售后单以导入的时间为买家申请时间，时限从那时算起，已有的保持不变。请核对后更正（编辑 → 买家申请时间，或命令行 case edit N --requested-at）</source>
        <translation>Row %1, column &quot;%2&quot; says &quot;%3&quot; (no date): a new case takes the time of the import as the buyer&apos;s request, its deadlines counting from then; an existing one stays as it is. Check and correct it (Edit → Buyer requested at, or on the command line case edit N --requested-at)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="842"/>
        <source>“%1”列（第 %2 行起）有看不见的字符（零宽空格、软连字符等），已去掉后导入：姓名、电话、订单号和运单号按去掉后的文字查找和对应</source>
        <translation>Column &quot;%1&quot; (from row %2 on) holds invisible characters (zero-width spaces, soft hyphens ...), taken out on import: names, phones, order and tracking numbers are found and matched without them</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="843"/>
        <source>第 %1 行“%2”列是“%3”（表示没有日期）：按空白导入，和空白的单元格一样，已有订单的这一时间也被清空。请核对原表</source>
        <translation>Row %1, column &quot;%2&quot; says &quot;%3&quot; (no date): imported as blank, as a blank cell is, which also clears that time of an order already in the ledger. Check the source sheet</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="844"/>
        <source>第 %1 行“%2”列是“%3”，在将来（现在是 %4）：已按所填时间导入。若是输错了年份或日期，请改正原表后重新导入</source>
        <translation>Row %1, column &quot;%2&quot; says &quot;%3&quot;, which lies ahead (it is now %4): imported as written. If the year or the date was mistyped, correct the sheet and import it again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="845"/>
        <source>第 %1 行“%2”列：%3 元大于订单 %4 的实付金额 %5 元，已按所填金额导入。请核对金额是否填错、是否对错了订单</source>
        <translation>Row %1, column &quot;%2&quot;: %3 yuan is more than the %5 yuan paid for order %4; imported as written. Check whether the amount is wrong or the request belongs to another order</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="846"/>
        <source>订单 %1 原来属于店铺“%2”，这个文件写的是“%3”：已改为“%3”，它们的售后单随之计入这家店铺。如果选错了店铺的导出文件，请再导入原店铺的导出改回</source>
        <translation>Orders %1 belonged to shop &quot;%2&quot;; this file says &quot;%3&quot;: moved to &quot;%3&quot;, their cases counted for that shop now. If the export of the wrong shop was chosen, import the original shop&apos;s export again to move them back</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="849"/>
        <source>淘宝和天猫的退款列表格式相同，文件本身看不出是哪个平台：本文件的 %1 张订单在台账中是天猫的，已按天猫导入（天猫的时效规则）。如果这是淘宝店的退款列表，请按淘宝重新导入（命令行加 --platform taobao）</source>
        <translation>Taobao and Tmall export refunds in the same layout, so the file cannot say which platform it is: the ledger knows this file&apos;s %1 orders as Tmall&apos;s, so it was imported as Tmall (Tmall&apos;s deadline rules). If this is a Taobao shop&apos;s refund list, import it again as Taobao (on the command line add --platform taobao)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="850"/>
        <source>淘宝和天猫的退款列表格式相同，文件本身看不出是哪个平台：本文件的订单在台账中 %1 张是天猫的、%2 张是淘宝的，已按淘宝导入。如果这是天猫店的退款列表，请按天猫重新导入（命令行加 --platform tmall；窗口里点“这是天猫的退款列表…”），已导入的售后单会改为天猫并重新计算时限</source>
        <translation>Taobao and Tmall export refunds in the same layout, so the file cannot say which platform it is: the ledger knows %1 of this file&apos;s orders as Tmall&apos;s and %2 as Taobao&apos;s, so it was imported as Taobao. If this is a Tmall shop&apos;s refund list, import it again as Tmall (on the command line add --platform tmall; in the window click &quot;This is a Tmall refund list...&quot;): the cases imported are changed to Tmall and their deadlines computed again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="851"/>
        <source>淘宝和天猫的退款列表格式相同，文件本身看不出是哪个平台：台账中淘宝/天猫的售后单都是天猫的（%1 张），已按天猫导入（天猫的时效规则）。如果这是淘宝店的退款列表，请按淘宝重新导入（命令行加 --platform taobao）</source>
        <translation>Taobao and Tmall export refunds in the same layout, so the file cannot say which platform it is: the ledger&apos;s Taobao/Tmall cases are all Tmall&apos;s (%1), so it was imported as Tmall (Tmall&apos;s deadline rules). If this is a Taobao shop&apos;s refund list, import it again as Taobao (on the command line add --platform taobao)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="852"/>
        <source>淘宝和天猫的退款列表格式相同，文件本身看不出是哪个平台：台账中既有天猫的（%1 张）也有淘宝的售后单（%2 张），已按淘宝导入。如果这是天猫店的退款列表，请按天猫重新导入（命令行加 --platform tmall；窗口里点“这是天猫的退款列表…”），已导入的售后单会改为天猫并重新计算时限</source>
        <translation>Taobao and Tmall export refunds in the same layout, so the file cannot say which platform it is: the ledger has both Tmall cases (%1) and Taobao cases (%2), so it was imported as Taobao. If this is a Tmall shop&apos;s refund list, import it again as Tmall (on the command line add --platform tmall; in the window click &quot;This is a Tmall refund list...&quot;): the cases imported are changed to Tmall and their deadlines computed again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="853"/>
        <source>淘宝和天猫的退款列表格式相同，文件本身看不出是哪个平台：已按淘宝导入（淘宝的时效规则）。如果这是天猫店的退款列表，请按天猫重新导入（命令行加 --platform tmall；窗口里点“这是天猫的退款列表…”），已导入的售后单会改为天猫并重新计算时限</source>
        <translation>Taobao and Tmall export refunds in the same layout, so the file cannot say which platform it is: it was imported as Taobao (Taobao&apos;s deadline rules). If this is a Tmall shop&apos;s refund list, import it again as Tmall (on the command line add --platform tmall; in the window click &quot;This is a Tmall refund list...&quot;): the cases imported are changed to Tmall and their deadlines computed again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="856"/>
        <source>所选平台是%1，但文件里的订单号都是%2订单号的样子（如第 %3 行“%4”列的 %5），表头里还有它的导出才有的列（%6），没有一个订单号像所选平台的，文件没有导入：请改按这个平台导入（命令行 --platform %7）</source>
        <translation>The platform chosen is %1, but every order number in the file looks like a %2 one (e.g. %5 in column &quot;%4&quot;, row %3), the header has columns only its export has (%6), and no order number looks like one of the platform chosen, so the file was not imported: import it as that platform&apos;s (--platform %7 on the command line)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="857"/>
        <source>所选平台是%1，但文件里的订单号都是%2订单号的样子（如第 %3 行“%4”列的 %5），没有一个像所选平台的，文件没有导入：请改按这个平台导入（命令行 --platform %6）</source>
        <translation>The platform chosen is %1, but every order number in the file looks like a %2 one (e.g. %5 in column &quot;%4&quot;, row %3) and none like one of the platform chosen, so the file was not imported: import it as that platform&apos;s (--platform %6 on the command line)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="858"/>
        <source>这是%1，不是所选平台的订单导出，文件没有导入：请改按这个平台导入（命令行 --platform %2），或不指定平台由程序识别</source>
        <translation>This is a %1, not an order export of the platform chosen, so the file was not imported: import it as that platform&apos;s (--platform %2 on the command line), or leave the platform out to have it recognised</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="859"/>
        <source>无法识别的表格：前 10 行里找不到订单导出的表头。支持：%1（最接近“%2”，但缺少列：%3）。供应商的表格或自己整理的台账，可以在程序里用“导入其他表格”指定各列的含义后导入</source>
        <translation>Unrecognised sheet: no order export header in the first 10 rows. Supported: %1 (nearest: &quot;%2&quot;, but these columns are missing: %3). A supplier&apos;s sheet or a ledger of your own can be imported after naming its columns under &quot;Import other sheet&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="860"/>
        <source>无法识别的表格：前 10 行里找不到订单导出的表头。支持：%1。供应商的表格或自己整理的台账，可以在程序里用“导入其他表格”指定各列的含义后导入</source>
        <translation>Unrecognised sheet: no order export header in the first 10 rows. Supported: %1. A supplier&apos;s sheet or a ledger of your own can be imported after naming its columns under &quot;Import other sheet&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="861"/>
        <source>表头与所选平台的订单导出不符。可选平台的格式：%1（最接近“%2”，但缺少列：%3）。供应商的表格或自己整理的台账，可以在程序里用“导入其他表格”指定各列的含义后导入</source>
        <translation>The headers do not match the chosen platform&apos;s order export. Its formats: %1 (nearest: &quot;%2&quot;, but these columns are missing: %3). A supplier&apos;s sheet or a ledger of your own can be imported after naming its columns under &quot;Import other sheet&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="862"/>
        <source>表头与所选平台的订单导出不符。可选平台的格式：%1。供应商的表格或自己整理的台账，可以在程序里用“导入其他表格”指定各列的含义后导入</source>
        <translation>The headers do not match the chosen platform&apos;s order export. Its formats: %1. A supplier&apos;s sheet or a ledger of your own can be imported after naming its columns under &quot;Import other sheet&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="863"/>
        <source>这是%1（售后/退款列表），不是订单导出：请用“导入”按钮或 import-cases 命令导入</source>
        <translation>This is a %1 (after-sales/refund list), not an order export: import it with the Import button or the import-cases command</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="864"/>
        <source>无法识别的表格：前 10 行里找不到售后导出的表头。支持：%1（最接近“%2”，但缺少列：%3）</source>
        <translation>Unrecognised sheet: no after-sales export header in the first 10 rows. Supported: %1 (nearest: &quot;%2&quot;, but these columns are missing: %3)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="865"/>
        <source>无法识别的表格：前 10 行里找不到售后导出的表头。支持：%1</source>
        <translation>Unrecognised sheet: no after-sales export header in the first 10 rows. Supported: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="866"/>
        <source>这是%1（订单导出），不是售后导出：请用“导入”按钮或 import-orders 命令导入</source>
        <translation>This is a %1 (order export), not an after-sales export: import it with the Import button or the import-orders command</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="867"/>
        <source>表格是空的，没有任何内容</source>
        <translation>The sheet is empty</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="868"/>
        <source>这是表格软件（Excel、WPS 等）打开“%1”时在它旁边生成的临时锁定文件，不是导出文件：请导入“%1”本身（还在表格软件里打开着的，先保存并关闭）</source>
        <translation>This is the temporary lock file a spreadsheet program (Excel, WPS ...) keeps beside &quot;%1&quot; while it is open, not an export: import &quot;%1&quot; itself (save and close it first if it is still open)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="871"/>
        <source>从 %1 导入：%2</source>
        <translation>Imported from %1: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="872"/>
        <source>从 %1 导入</source>
        <translation>Imported from %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="873"/>
        <source>平台导出：%1</source>
        <translation>Platform export: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="874"/>
        <source>平台导出</source>
        <translation>Platform export</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="875"/>
        <source>%1，申请 %2 元：%3</source>
        <translation>%1, claimed ¥%2: %3</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="876"/>
        <source>%1，申请 %2 元</source>
        <translation>%1, claimed ¥%2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="877"/>
        <source>已完成（%1）：%2</source>
        <translation>Done (%1): %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="878"/>
        <source>取消勾选（%1）：%2</source>
        <translation>Unticked (%1): %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="879"/>
        <source>添加证据：%1</source>
        <translation>Evidence added: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="880"/>
        <source>删除证据：%1</source>
        <translation>Evidence deleted: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="881"/>
        <source>关联售后单 #%1</source>
        <translation>Linked to case #%1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="882"/>
        <source>取消关联售后单 #%1</source>
        <translation>Unlinked from case #%1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="883"/>
        <source>理赔款用于补发 #%1（售后单 #%2）</source>
        <translation>Claim money pays for reship #%1 (case #%2)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="884"/>
        <source>取消关联补发</source>
        <translation>Unlinked from the reship</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="885"/>
        <source>从售后单 #%1 带入证据：%2</source>
        <translation>Evidence brought from case #%1: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="886"/>
        <source>撤销“%1”：%2</source>
        <translation>Undid &quot;%1&quot;: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="887"/>
        <source>撤销“%1”</source>
        <translation>Undid &quot;%1&quot;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="888"/>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="891"/>
        <source>买家称呼</source>
        <translation>Buyer&apos;s name</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="767"/>
        <source>订单号</source>
        <translation>Order no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="892"/>
        <source>新运单号</source>
        <translation>New tracking no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="893"/>
        <source>快递公司</source>
        <translation>Carrier</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="894"/>
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="750"/>
        <source>时限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="895"/>
        <source>店铺名</source>
        <translation>Shop name</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="898"/>
        <source>店铺名称</source>
        <translation>Shop name</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="899"/>
        <source>联系人</source>
        <translation>Contact</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="900"/>
        <source>联系电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="901"/>
        <source>收款账户</source>
        <translation>Payout account</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="904"/>
        <source>快递网点</source>
        <translation>Carrier&apos;s outlet</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="905"/>
        <source>快递客服</source>
        <translation>Carrier&apos;s customer service</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="906"/>
        <source>快递总部</source>
        <translation>Carrier&apos;s head office</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="907"/>
        <source>国家邮政局 12305</source>
        <translation>State Post Bureau (12305)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="910"/>
        <source>快递理赔跟进</source>
        <translation>Carrier claim follow-up</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="911"/>
        <source>联系快递催办理赔</source>
        <translation>Chase the carrier about the claim</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="914"/>
        <source>双11发货时效</source>
        <translation>Double 11 shipping time</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="915"/>
        <source>春节售后时效</source>
        <translation>Spring Festival after-sales times</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="918"/>
        <source>买家申请退货，先审核并同意（给出退货地址）</source>
        <translation>The buyer asks to return: review and agree (give the return address)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="919"/>
        <source>等买家寄回；包裹到了在“退货入库”扫描运单号验货</source>
        <translation>Wait for the buyer&apos;s parcel; when it arrives, scan its tracking number in the Returns desk and inspect it</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="920"/>
        <source>按买家的申请退款</source>
        <translation>Refund as the buyer asked</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="921"/>
        <source>已收到退回的商品，仔细核对换货商品后发出</source>
        <translation>The returned item is here: check the replacement carefully and ship it</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="922"/>
        <source>补发先答复买家（同意后按平台时限发出）</source>
        <translation>Answer the buyer about the reship first (once agreed, ship within the platform&apos;s time)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="923"/>
        <source>已同意补发，尽快发出并登记新运单号</source>
        <translation>Reship agreed: ship it soon and enter the new tracking number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="924"/>
        <source>已收到返修件，送修</source>
        <translation>The item for repair is here: send it to be repaired</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="925"/>
        <source>修好后寄回买家</source>
        <translation>Once repaired, send it back to the buyer</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="926"/>
        <source>与买家商定补偿后支付</source>
        <translation>Agree the compensation with the buyer, then pay it</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="927"/>
        <source>已处理完，确认买家满意后结束</source>
        <translation>Handled: close it once the buyer is satisfied</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="928"/>
        <source>平台介入中：按平台要求在时限内上传凭证（照片、聊天记录、称重记录）</source>
        <translation>Platform intervening: upload the evidence it asks for in time (photos, chat records, weighing records)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="929"/>
        <source>平台将根据双方凭证判定</source>
        <translation>The platform decides on both sides&apos; evidence</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="930"/>
        <source>平台已超时自动处理（%1）：到平台后台核对结果，再在这里记录（退款、关闭等）</source>
        <translation>The platform acted by itself (%1): check the result in its back office, then record it here (refund, close ...)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="931"/>
        <source>买家已寄回（%1）；包裹到了在“退货入库”扫描运单号验货</source>
        <translation>The buyer shipped it back (%1); when it arrives, scan its tracking number in the Returns desk and inspect it</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="932"/>
        <source>买家已寄回，但没有登记退货运单号：再点“买家已寄回”补上，包裹到了在“退货入库”扫描它就能找到本单</source>
        <translation>The buyer shipped the return but its tracking no. is not recorded: press &apos;Buyer shipped return&apos; again to add it, so scanning the parcel at the returns desk finds this case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="933"/>
        <source>当前状态：%1</source>
        <translation>Status now: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="934"/>
        <source>当前状态：%2</source>
        <translation>Status now: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="935"/>
        <source>店铺策略：%1</source>
        <translation>Shop policy: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="936"/>
        <source>已结束，无需操作</source>
        <translation>Finished: nothing to do</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="937"/>
        <source>按实际情况处理</source>
        <translation>Handle it as the case requires</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="938"/>
        <source>在平台后台同意退款，再在台账中记为已退款</source>
        <translation>Agree to the refund in the platform&apos;s back office, then record it here as refunded</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="939"/>
        <source>仔细核对换货商品（款式、尺码、颜色）后发出，并登记运单号</source>
        <translation>Check the replacement (style, size, colour) carefully, ship it and enter the tracking number</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="940"/>
        <source>送修并在台账中记为维修中</source>
        <translation>Send it for repair and record it here as being repaired</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="941"/>
        <source>退回商品完好，可二次销售</source>
        <translation>The returned item is intact and can be sold again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="942"/>
        <source>买家因质量、破损等商家原因退货，退回的次品在预期之中（谁过错谁承担）</source>
        <translation>The buyer returned it for the shop&apos;s fault (quality, damage ...): a faulty item coming back is expected (whoever is at fault pays)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="943"/>
        <source>核对无误后按售后单继续处理</source>
        <translation>Once checked, carry on with the case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="944"/>
        <source>拍照留证后与买家协商部分退款（扣除折损，改小退款金额再退款）；协商不成可在平台后台以“影响二次销售”拒绝退款并上传验货照片</source>
        <translation>Take photos, then agree a partial refund with the buyer (lower the refund by the loss, then refund); failing that, refuse the refund in the platform&apos;s back office as &quot;cannot be sold again&quot; and upload the inspection photos</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="945"/>
        <source>退回商品有使用、损坏或缺少吊牌，影响二次销售，且退货原因不是商家过错</source>
        <translation>The returned item is used, damaged or lacks its tags, so it cannot be sold again, and the return is not the shop&apos;s fault</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="946"/>
        <source>拍下面单和实物照片，联系买家寄回正确商品；在平台后台拒绝退款时上传这些照片</source>
        <translation>Photograph the label and the item, ask the buyer to send back the right item; upload these photos when refusing the refund in the platform&apos;s back office</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="947"/>
        <source>退回的不是本店发出的商品</source>
        <translation>What came back is not what the shop sent</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="948"/>
        <source>按实际退回的商品退款（先把退款金额改为实收部分），或请买家补寄缺少的件后全额退款</source>
        <translation>Refund what actually came back (first lower the refund to that part), or ask the buyer to send the missing pieces and refund in full</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="949"/>
        <source>请买家补寄缺少的件后再继续处理</source>
        <translation>Ask the buyer to send the missing pieces, then carry on</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="950"/>
        <source>退回件数少于应退件数</source>
        <translation>Fewer pieces came back than should have</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="951"/>
        <source>保留开箱视频和包裹称重记录，在平台后台拒绝退款并申请平台介入；向快递核实揽收重量，必要时发起快递理赔</source>
        <translation>Keep the unboxing video and the parcel&apos;s weighing record, refuse the refund in the platform&apos;s back office and ask for platform intervention; check the pick-up weight with the carrier and open a carrier claim if needed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="952"/>
        <source>退货包裹是空的</source>
        <translation>The return parcel is empty</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="953"/>
        <source>退款已在收到退货前完成，退回商品完好入库：可以结束这张售后单</source>
        <translation>The refund was made before the return arrived and the goods came back fine: the case can be completed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="954"/>
        <source>退款已在收到退货前完成：拍照留证后联系买家协商补偿差价；协商不成在平台后台申请客服介入，上传验货照片</source>
        <translation>The refund was made before the return arrived: take photos, then ask the buyer to make up the difference; if they refuse, ask the platform&apos;s customer service to step in and upload the inspection photos</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="955"/>
        <source>钱已经退给买家，不能再退款或拒绝退款</source>
        <translation>The money is already back with the buyer: no refund to make or refuse</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="956"/>
        <source>这张售后单已结束（%1）：核对包裹是否属于它；还需要处理时先“重新打开”</source>
        <translation>This case has ended (%1): check the parcel belongs to it; reopen it first if there is more to do</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="957"/>
        <source>验货只记在售后单的时间线上，状态不变</source>
        <translation>The inspection is only noted on the case&apos;s timeline; its state stays</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="960"/>
        <source>钱已经退给买家，台账里撤销不能把钱收回</source>
        <translation>the money is with the buyer, an undo in the ledger cannot take it back</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="961"/>
        <source>补偿已经付给买家，台账里撤销不能把钱收回</source>
        <translation>the compensation is with the buyer, an undo in the ledger cannot take it back</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="962"/>
        <source>补发的包裹已经寄出</source>
        <translation>the reship parcel has left</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="963"/>
        <source>换货的包裹已经寄出</source>
        <translation>the exchange parcel has left</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="964"/>
        <source>修好的商品已经寄回</source>
        <translation>the repaired goods have been sent back</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="965"/>
        <source>这张售后单没有可以撤销的操作</source>
        <translation>This case has no step to undo</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="966"/>
        <source>最后一步是补发或理赔的记录，请在对应的标签页中更正</source>
        <translation>The last step is a reship or claim record: correct it in that tab</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="967"/>
        <source>新建的售后单不能撤销；不需要时请“关闭”它</source>
        <translation>A new case cannot be undone; close it if it is not needed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="968"/>
        <source>修改不能撤销，请再点“编辑”改回去</source>
        <translation>An edit cannot be undone; click &quot;Edit&quot; again to change it back</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="969"/>
        <source>最后一步不是可以撤销的操作</source>
        <translation>The last step cannot be undone</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="970"/>
        <source>最后一步是新版本软件记录的操作，无法撤销</source>
        <translation>The last step was recorded by a newer version of the app and cannot be undone</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="971"/>
        <source>售后单的状态在这一步之后又变了，无法撤销</source>
        <translation>The case&apos;s status changed after this step: it cannot be undone</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="972"/>
        <source>补发记录会跟着改变，之后只能用下一步操作更正</source>
        <translation>the reship record changes with it; afterwards only a next step can correct it</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="973"/>
        <source>批量操作之后这张售后单又有了新的步骤，未撤销；请单独查看</source>
        <translation>this case has a newer step than the bulk one: not undone; please check it on its own</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="976"/>
        <source>每日自动</source>
        <translation>Daily (automatic)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="977"/>
        <source>导入前</source>
        <translation>Before an import</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="978"/>
        <source>手动</source>
        <translation>By hand</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="979"/>
        <source>恢复前</source>
        <translation>Before a restore</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="980"/>
        <source>升级前</source>
        <translation>Before an upgrade</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="983"/>
        <source>（时长为估计）</source>
        <translation> (duration assumed)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="984"/>
        <source>（按平台自动同意起算）</source>
        <translation> (counted from the platform&apos;s automatic approval)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="154"/>
        <source>买家寄回退货（同意后7天）</source>
        <translation>Buyer ships return (7 days after approval)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="167"/>
        <source>处理售后申请（72小时后买家可申请介入）</source>
        <translation>Handle after-sales request (after 72 h the buyer may ask the platform to step in)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="168"/>
        <source>处理七天无理由退换货申请</source>
        <translation>Handle 7-day no-reason return/exchange request</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="155"/>
        <source>确认收到退货（买家寄回后10天）</source>
        <translation>Confirm return received (10 days after buyer ships)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="172"/>
        <source>七天无理由退换货期</source>
        <translation>7-day no-reason return/exchange period</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="173"/>
        <source>买家确认收到补寄商品</source>
        <translation>Buyer confirms the reshipped item</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="160"/>
        <source>买家确认换货完成</source>
        <translation>Buyer confirms the exchange</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="159"/>
        <source>买家确认维修完成</source>
        <translation>Buyer confirms the repair</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="161"/>
        <source>平台介入后上传凭证</source>
        <translation>Upload evidence after the platform steps in</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="162"/>
        <source>买家举证后处理（3日）</source>
        <translation>Answer the buyer&apos;s evidence (3 days)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="174"/>
        <source>商家处理退款申请（5天）</source>
        <translation>Shop handles refund request (5 days)</translation>
    </message>
</context>
<context>
    <name>WindowDialogs</name>
    <message>
        <location filename="../../desktop_app/ui/window/window_dialogs.py" line="62"/>
        <source>已保存到 %1</source>
        <translation>Saved to %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/window_dialogs.py" line="91"/>
        <source>已新建售后单 #%1</source>
        <translation>Created after-sales case #%1</translation>
    </message>
</context>
<context>
    <name>WindowImports</name>
    <message>
        <location filename="../../desktop_app/ui/window/window_imports.py" line="54"/>
        <source>选择各平台导出的订单和售后单（退款管理、售后单）文件（可多选）</source>
        <translation>Choose the order and after-sales (refund list) files exported from the platforms (several allowed)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/window_imports.py" line="55"/>
        <source>订单和售后单导出 (*.csv *.xlsx *.xls);;所有文件 (*)</source>
        <translation>Order and after-sales exports (*.csv *.xlsx *.xls);;All files (*)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/window_imports.py" line="104"/>
        <source>导入还没有完成</source>
        <translation>The import is not finished</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/window_imports.py" line="105"/>
        <source>导入还没有完成。关闭窗口会取消导入：正在导入的文件不会保存任何数据，以后可以重新导入。

要取消导入并关闭吗？</source>
        <translation>The import is not finished. Closing the window cancels it: nothing from the file being imported is saved, and you can import it again later.

Cancel the import and close?</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/window_imports.py" line="133"/>
        <source>选择要按列对应导入的表格</source>
        <translation>Choose the sheet to import by mapping its columns</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/window_imports.py" line="134"/>
        <source>表格 (*.xlsx *.xls *.csv *.txt);;所有文件 (*)</source>
        <translation>Spreadsheets (*.xlsx *.xls *.csv *.txt);;All files (*)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/window_imports.py" line="172"/>
        <source>文件夹“%1”里没有可导入的表格（.csv、.xlsx、.xls）</source>
        <translation>The folder &quot;%1&quot; holds no sheet to import (.csv, .xlsx, .xls)</translation>
    </message>
</context>
<context>
    <name>WindowOpening</name>
    <message>
        <location filename="../../desktop_app/ui/window/window_opening.py" line="73"/>
        <source>正在打开数据库，打开后继续……</source>
        <translation>Opening the database; this continues once it is open...</translation>
    </message>
</context>
<context>
    <name>WindowTabs</name>
    <message>
        <location filename="../../desktop_app/ui/window/window_tabs.py" line="68"/>
        <source>售后单</source>
        <translation>After-sales cases</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/window_tabs.py" line="75"/>
        <source>正在加载……</source>
        <translation>Loading...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/window_tabs.py" line="101"/>
        <source>补发队列</source>
        <translation>Reship queue</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/window_tabs.py" line="101"/>
        <source>退货入库</source>
        <translation>Returns desk</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/window_tabs.py" line="101"/>
        <location filename="../../desktop_app/ui/window/window_tabs.py" line="207"/>
        <source>快递理赔</source>
        <translation>Carrier claims</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/window_tabs.py" line="102"/>
        <source>时效日历</source>
        <translation>Deadline calendar</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/window_tabs.py" line="102"/>
        <source>订单</source>
        <translation>Orders</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/window/window_tabs.py" line="102"/>
        <source>统计</source>
        <translation>Statistics</translation>
    </message>
</context>
<context>
    <name>WorkdayPage</name>
    <message>
        <location filename="../../desktop_app/ui/rules/workday_page.py" line="93"/>
        <source>“工作日”按国家公布的节假日和调休计算。店铺自己的安排写在这里，每行一个日期（YYYY-MM-DD），它们优先于官方日历，例如仓库放假的日子、周末加班发货的日子。</source>
        <translation>Working days follow China&apos;s official holidays and make-up working days. Put the shop&apos;s own days here, one date per line (YYYY-MM-DD); they win over the official calendar, e.g. a day the warehouse is closed, or a weekend the shop ships.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/workday_page.py" line="98"/>
        <location filename="../../desktop_app/ui/rules/workday_page.py" line="101"/>
        <source>例如：</source>
        <translation>For example:</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/workday_page.py" line="110"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/workday_page.py" line="114"/>
        <source>填写官方节假日安排…</source>
        <translation>Enter the official holiday schedule...</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/workday_page.py" line="116"/>
        <source>国务院办公厅公布新一年的放假和调休安排后，在这里填写整年的安排</source>
        <translation>When the State Council publishes next year&apos;s holidays and make-up working days, enter the whole year here</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/workday_page.py" line="119"/>
        <source>额外休息日（不算工作日）</source>
        <translation>Extra days off (not working days)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/workday_page.py" line="120"/>
        <source>额外工作日（算作工作日）</source>
        <translation>Extra working days</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/workday_page.py" line="158"/>
        <source>额外休息日</source>
        <translation>Extra days off</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/workday_page.py" line="159"/>
        <source>额外工作日</source>
        <translation>Extra working days</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/workday_page.py" line="163"/>
        <source>%1第 %2 行：“%3”不是日期，应写成 YYYY-MM-DD</source>
        <translation>%1, line %2: &quot;%3&quot; is not a date; write YYYY-MM-DD</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/workday_page.py" line="167"/>
        <source>同一天不能既是休息日又是工作日：%1</source>
        <translation>A day cannot be both a day off and a working day: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/workday_page.py" line="171"/>
        <source>有 %1 处问题，未保存</source>
        <translation>%1 problem(s), not saved</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/workday_page.py" line="191"/>
        <source>已保存到 %1；已重新计算 %2 张售后单的时限</source>
        <translation>Saved to %1; deadlines of %2 case(s) recomputed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/rules/workday_page.py" line="199"/>
        <source>未完成：%1</source>
        <translation>Not done: %1</translation>
    </message>
</context>
<context>
    <name>WritingDialog</name>
    <message>
        <location filename="../../desktop_app/ui/widgets/writing_dialog.py" line="114"/>
        <source>未保存：%1
填写的内容都还在：看过最新状态后可以再点一次，或取消。</source>
        <translation>Not saved: %1
Everything you entered is still here: look at the latest state, then click again, or cancel.</translation>
    </message>
</context>
</TS>
