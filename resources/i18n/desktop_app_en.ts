<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>ActionDialog</name>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="62"/>
        <source>执行操作：%1</source>
        <translation>Action: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="64"/>
        <source>对 %1 执行“%2”</source>
        <translation>Apply “%2” to %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="68"/>
        <source>原因或说明（可选）</source>
        <translation>Reason or note (optional)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="69"/>
        <source>请写明原因</source>
        <translation>Please give a reason</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="72"/>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="78"/>
        <source>发生时间</source>
        <translation>Happened at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="89"/>
        <source>请填写原因。</source>
        <translation>Please enter a reason.</translation>
    </message>
</context>
<context>
    <name>CaseDetailPane</name>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="169"/>
        <source>编辑</source>
        <translation>Edit</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="182"/>
        <source>操作</source>
        <translation>Actions</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="186"/>
        <source>时间线</source>
        <translation>Timeline</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="190"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="190"/>
        <source>操作人</source>
        <translation>By</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="190"/>
        <source>事件</source>
        <translation>Event</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="190"/>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="196"/>
        <source>添加跟进备注，回车保存</source>
        <translation>Add a follow-up note, press Enter to save</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="198"/>
        <source>添加备注</source>
        <translation>Add note</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="215"/>
        <source>&lt;b&gt;未选择售后单&lt;/b&gt;</source>
        <translation>&lt;b&gt;No case selected&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="216"/>
        <source>在左侧列表中选择一张售后单查看详情。</source>
        <translation>Select a case in the list on the left to see its details.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="258"/>
        <source>记录于 %1</source>
        <translation>Recorded at %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="360"/>
        <source>#%1 已%2，当前状态：%3</source>
        <translation>#%1: %2 done; status now %3</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="391"/>
        <source>操作未完成</source>
        <translation>Not completed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="128"/>
        <source>订单</source>
        <translation>Order</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="129"/>
        <source>平台 / 店铺</source>
        <translation>Platform / shop</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="130"/>
        <source>订单号</source>
        <translation>Order no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="131"/>
        <source>订单状态</source>
        <translation>Order status</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="132"/>
        <source>尚未导入（导入订单后自动补全）</source>
        <translation>Not imported yet (filled in when the orders are imported)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="133"/>
        <source>收货人</source>
        <translation>Recipient</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="134"/>
        <source>收货地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="135"/>
        <source>实付金额</source>
        <translation>Amount paid</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="136"/>
        <source>￥%1</source>
        <translation>¥%1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="137"/>
        <source>付款 / 发货</source>
        <translation>Paid / shipped</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="138"/>
        <source>物流</source>
        <translation>Shipping</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="139"/>
        <source>买家留言</source>
        <translation>Buyer&apos;s message</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="140"/>
        <source>商品</source>
        <translation>Item</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="141"/>
        <source>规格</source>
        <translation>Variant</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="142"/>
        <source>数量</source>
        <translation>Qty</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="143"/>
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="144"/>
        <source>售后单</source>
        <translation>After-sales case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="145"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="146"/>
        <source>退款金额</source>
        <translation>Refund amount</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="147"/>
        <source>补偿金额</source>
        <translation>Compensation amount</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="148"/>
        <source>责任方</source>
        <translation>Responsible party</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="149"/>
        <source>平台售后单号</source>
        <translation>Platform case no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="150"/>
        <source>申请时间</source>
        <translation>Requested at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="151"/>
        <source>（仅日期）</source>
        <translation> (date only)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="152"/>
        <source>签收时间</source>
        <translation>Delivered at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="153"/>
        <source>下一个时限</source>
        <translation>Next deadline</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="154"/>
        <source>登记</source>
        <translation>Logged</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="155"/>
        <source>说明</source>
        <translation>Description</translation>
    </message>
</context>
<context>
    <name>CaseTableModel</name>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="157"/>
        <source>%n 天</source>
        <translation>%n d</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="158"/>
        <source>%n 小时</source>
        <translation>%n h</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="159"/>
        <source>%n 分钟</source>
        <translation>%n min</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="160"/>
        <source>已逾期 %1</source>
        <translation>%1 overdue</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="161"/>
        <source>剩 %1</source>
        <translation>%1 left</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="162"/>
        <source>编号</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="163"/>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="164"/>
        <source>店铺</source>
        <translation>Shop</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="165"/>
        <source>订单号</source>
        <translation>Order no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="166"/>
        <source>买家/收货人</source>
        <translation>Buyer / recipient</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="167"/>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="168"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="169"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="170"/>
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="171"/>
        <source>责任方</source>
        <translation>Responsible party</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="172"/>
        <source>下一个时限</source>
        <translation>Next deadline</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="173"/>
        <source>更新时间</source>
        <translation>Updated</translation>
    </message>
</context>
<context>
    <name>CasesTab</name>
    <message>
        <location filename="../../desktop_app/ui/cases_tab.py" line="86"/>
        <source>搜索 订单号 / 收货人 / 手机（可输后四位）/ 物流单号 / 商品  (Ctrl+F)</source>
        <translation>Search order no. / recipient / phone (last 4 digits OK) / tracking no. / item  (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases_tab.py" line="88"/>
        <source>全部平台</source>
        <translation>All platforms</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases_tab.py" line="90"/>
        <location filename="../../desktop_app/ui/cases_tab.py" line="179"/>
        <source>全部店铺</source>
        <translation>All shops</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases_tab.py" line="91"/>
        <source>全部类型</source>
        <translation>All types</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases_tab.py" line="93"/>
        <source>全部状态</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases_tab.py" line="97"/>
        <source>未结束</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases_tab.py" line="97"/>
        <source>已结束</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases_tab.py" line="98"/>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases_tab.py" line="204"/>
        <source>共 %1 张售后单</source>
        <translation>Cases: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases_tab.py" line="229"/>
        <source>匹配的订单太多，只列出前 %1 个订单的 %2 张售后单；请多输入几个字</source>
        <translation>Too many matching orders: showing %2 cases of the first %1 orders; type a few more characters</translation>
    </message>
</context>
<context>
    <name>EditCaseDialog</name>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="105"/>
        <source>编辑售后单 #%1</source>
        <translation>Edit case #%1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="109"/>
        <source>（未选）</source>
        <translation>(none)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="113"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="116"/>
        <source>退款金额（元）</source>
        <translation>Refund (yuan)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="117"/>
        <source>补偿金额（元）</source>
        <translation>Compensation (yuan)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="119"/>
        <source>（未定）</source>
        <translation>(undecided)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="123"/>
        <source>责任方</source>
        <translation>Responsible party</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="125"/>
        <source>平台售后单号</source>
        <translation>Platform case no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="140"/>
        <source>退款金额</source>
        <translation>Refund amount</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/case_detail.py" line="141"/>
        <source>补偿金额</source>
        <translation>Compensation amount</translation>
    </message>
</context>
<context>
    <name>EmptyState</name>
    <message>
        <location filename="../../desktop_app/ui/cases_tab.py" line="46"/>
        <source>还没有售后单</source>
        <translation>No after-sales cases yet</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases_tab.py" line="50"/>
        <source>先从各平台后台导出订单并导入，或者直接登记第一张售后单。
订单未导入也可以登记，导入后会自动补全收货人、商品和物流信息。</source>
        <translation>Export your orders from each platform&apos;s seller center and import them, or log your first after-sales case right away.
A case can be logged before its order is imported; the import fills in the recipient, items and shipping later.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases_tab.py" line="57"/>
        <source>导入订单</source>
        <translation>Import orders</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/cases_tab.py" line="59"/>
        <source>新建售后单</source>
        <translation>New after-sales case</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="57"/>
        <source>导入订单</source>
        <translation>Import orders</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="61"/>
        <source> 等 %1 个文件</source>
        <translation> and more (%1 files)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="63"/>
        <source>正在导入：%1</source>
        <translation>Importing: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="69"/>
        <source>正在读取文件……</source>
        <translation>Reading the files…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="75"/>
        <location filename="../../desktop_app/ui/import_dialog.py" line="85"/>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="75"/>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="75"/>
        <source>新增</source>
        <translation>New</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="75"/>
        <source>更新</source>
        <translation>Updated</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="76"/>
        <source>未变</source>
        <translation>Unchanged</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="76"/>
        <source>失败</source>
        <translation>Failed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="76"/>
        <source>说明</source>
        <translation>Notes</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="85"/>
        <source>行</source>
        <translation>Row</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="85"/>
        <source>列</source>
        <translation>Column</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="85"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="93"/>
        <source>保存导入报告（xlsx）…</source>
        <translation>Save import report (xlsx)…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="123"/>
        <source>第 %1/%2 个文件 %3</source>
        <translation>File %1/%2 (%3)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="126"/>
        <source>：正在读取……</source>
        <translation>: reading…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="129"/>
        <source>：已处理 %1 行，%2 行/秒</source>
        <translation>: %1 rows done, %2 rows/s</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="135"/>
        <source>正在取消……已导入的部分会全部撤销</source>
        <translation>Cancelling… everything imported so far will be undone</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="149"/>
        <source>导入已取消：被取消的文件没有保存任何数据。</source>
        <translation>Import cancelled: nothing from the cancelled file was saved.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="151"/>
        <source>导入完成：新增 %1，更新 %2，未变 %3，失败 %4 行</source>
        <translation>Import finished: %1 new, %2 updated, %3 unchanged, %4 rows failed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="154"/>
        <source>用时 %1 秒</source>
        <translation>Took %1 s</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="162"/>
        <source>导入失败：%1</source>
        <translation>Import failed: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="196"/>
        <source>含明细：%1</source>
        <translation>With item details from: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="203"/>
        <source>保存导入报告</source>
        <translation>Save import report</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="204"/>
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="213"/>
        <source>无法保存报告：%1</source>
        <translation>Could not save the report: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/import_dialog.py" line="215"/>
        <source>报告已保存：%1</source>
        <translation>Report saved: %1</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="33"/>
        <source>售后台账</source>
        <translation>Aftersales Ledger</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="40"/>
        <source>正在打开数据库……</source>
        <translation>Opening the database…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="45"/>
        <source>工具栏</source>
        <translation>Toolbar</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="50"/>
        <source>新建售后单</source>
        <translation>New after-sales case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="52"/>
        <source>导入订单</source>
        <translation>Import orders</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="54"/>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="56"/>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="58"/>
        <source>搜索</source>
        <translation>Search</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="68"/>
        <source>正在处理……</source>
        <translation>Working…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="79"/>
        <source>售后单</source>
        <translation>After-sales cases</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="80"/>
        <source>订单</source>
        <translation>Orders</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="121"/>
        <source>已打开 %1</source>
        <translation>Opened %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="123"/>
        <source>（升级前已备份到 %1）</source>
        <translation> (backed up to %1 before the upgrade)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="127"/>
        <source>数据库未能打开</source>
        <translation>The database could not be opened</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="128"/>
        <source>无法打开数据库</source>
        <translation>Cannot open the database</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="151"/>
        <source>已新建售后单 #%1</source>
        <translation>Created after-sales case #%1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="157"/>
        <source>选择各平台导出的订单文件（可多选）</source>
        <translation>Choose order files exported from the platforms (several allowed)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="158"/>
        <source>订单导出 (*.csv *.xlsx *.xls);;所有文件 (*)</source>
        <translation>Order exports (*.csv *.xlsx *.xls);;All files (*)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="202"/>
        <source>操作未完成</source>
        <translation>Not completed</translation>
    </message>
</context>
<context>
    <name>NewCaseDialog</name>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="53"/>
        <source>新建售后单</source>
        <translation>New after-sales case</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="58"/>
        <source>订单</source>
        <translation>Order</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="62"/>
        <source>搜索已导入的订单：订单号、收货人、手机（可输后四位）、物流单号</source>
        <translation>Search imported orders: order no., recipient, phone (last 4 digits OK), tracking no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="76"/>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="79"/>
        <source>订单未导入时直接输入订单号</source>
        <translation>Order not imported? Type its order no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="80"/>
        <source>订单号</source>
        <translation>Order no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="86"/>
        <source>收货人</source>
        <translation>Recipient</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="87"/>
        <source>手机</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="98"/>
        <source>售后</source>
        <translation>After-sales</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="104"/>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="107"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="111"/>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="114"/>
        <source>元</source>
        <translation>yuan</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="115"/>
        <source>退款</source>
        <translation>Refund</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="117"/>
        <source>补偿</source>
        <translation>Compensation</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="119"/>
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="121"/>
        <source>（未定）</source>
        <translation>(undecided)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="124"/>
        <source>责任方</source>
        <translation>Responsible party</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="126"/>
        <source>平台上的售后/退款编号（可选）</source>
        <translation>After-sales / refund no. on the platform (optional)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="127"/>
        <source>平台售后单号</source>
        <translation>Platform case no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="132"/>
        <source>买家申请时间</source>
        <translation>Buyer requested at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="134"/>
        <source>已签收</source>
        <translation>Delivered</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="138"/>
        <source>只知道日期</source>
        <translation>Date only</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="145"/>
        <source>签收时间</source>
        <translation>Delivered at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="149"/>
        <source>买家诉求、沟通情况……</source>
        <translation>What the buyer wants, how the talks went…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="150"/>
        <source>说明</source>
        <translation>Description</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="154"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="207"/>
        <source>找到 %n 个订单，选择一个；找不到时在下方直接输入订单号。</source>
        <translation>
            <numerusform>Found %n order; choose it, or type the order no. below.</numerusform>
            <numerusform>Found %n orders; choose one, or type the order no. below if it is not listed.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="208"/>
        <source>没有找到订单，可在下方直接输入订单号。</source>
        <translation>No order found; you can type the order no. below.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="220"/>
        <source>已选订单：%1</source>
        <translation>Chosen order: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="232"/>
        <source>（未选）</source>
        <translation>(none)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="263"/>
        <source>请选择一个订单，或输入订单号。</source>
        <translation>Please choose an order or enter an order no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="267"/>
        <source>退款金额</source>
        <translation>Refund amount</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/new_case_dialog.py" line="268"/>
        <source>补偿金额</source>
        <translation>Compensation amount</translation>
    </message>
</context>
<context>
    <name>OrderTableModel</name>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="175"/>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="176"/>
        <source>店铺</source>
        <translation>Shop</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="177"/>
        <source>订单号</source>
        <translation>Order no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="178"/>
        <source>订单状态</source>
        <translation>Order status</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="179"/>
        <source>（未导入）</source>
        <translation>(not imported)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="180"/>
        <source>收货人</source>
        <translation>Recipient</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="181"/>
        <source>手机</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="182"/>
        <source>实付金额</source>
        <translation>Amount paid</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="183"/>
        <source>付款时间</source>
        <translation>Paid at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="184"/>
        <source>物流公司</source>
        <translation>Carrier</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="185"/>
        <source>物流单号</source>
        <translation>Tracking no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="186"/>
        <source>售后单</source>
        <translation>Cases</translation>
    </message>
</context>
<context>
    <name>OrdersTab</name>
    <message>
        <location filename="../../desktop_app/ui/orders_tab.py" line="51"/>
        <source>搜索 订单号 / 收货人 / 手机（可输后四位）/ 物流单号 / 商品  (Ctrl+F)</source>
        <translation>Search order no. / recipient / phone (last 4 digits OK) / tracking no. / item  (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders_tab.py" line="54"/>
        <source>全部平台</source>
        <translation>All platforms</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders_tab.py" line="58"/>
        <source>为此订单新建售后单</source>
        <translation>New case for this order</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders_tab.py" line="62"/>
        <source>导出 Excel…</source>
        <translation>Export to Excel…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders_tab.py" line="64"/>
        <source>导出当前列表（按当前搜索和筛选）中的订单</source>
        <translation>Export the orders in the current list (search and filters as shown)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders_tab.py" line="99"/>
        <source>共 %1 个订单</source>
        <translation>Orders: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders_tab.py" line="139"/>
        <source>选择一个订单查看商品和物流。</source>
        <translation>Select an order to see its items and shipping.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders_tab.py" line="159"/>
        <location filename="../../desktop_app/ui/orders_tab.py" line="177"/>
        <source>导出订单</source>
        <translation>Export orders</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders_tab.py" line="160"/>
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/orders_tab.py" line="176"/>
        <source>已导出 %1 个订单到 %2</source>
        <translation>Exported %1 orders to %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="188"/>
        <source>实付</source>
        <translation>Paid</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="189"/>
        <source>付款</source>
        <translation>Paid at</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="190"/>
        <source>物流</source>
        <translation>Shipping</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="191"/>
        <source>已有 %1 张售后单</source>
        <translation>After-sales cases: %1</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../desktop_app/ui/settings_dialog.py" line="21"/>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings_dialog.py" line="29"/>
        <source>界面语言 / Language</source>
        <translation>Language / 界面语言</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/settings_dialog.py" line="31"/>
        <source>语言在重新启动程序后生效。</source>
        <translation>The new language applies after restarting the app.</translation>
    </message>
</context>
<context>
    <name>Vocabulary</name>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="15"/>
        <source>待处理</source>
        <translation>Pending</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="16"/>
        <source>处理中</source>
        <translation>In progress</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="17"/>
        <source>等待买家退货</source>
        <translation>Awaiting buyer&apos;s return</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="18"/>
        <source>已收到退货</source>
        <translation>Return received</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="19"/>
        <source>待补发</source>
        <translation>Reship pending</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="20"/>
        <source>维修中</source>
        <translation>In repair</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="21"/>
        <source>已退款</source>
        <translation>Refunded</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="22"/>
        <source>已补发</source>
        <translation>Reshipped</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="23"/>
        <source>已换货</source>
        <translation>Exchanged</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="24"/>
        <source>已修好寄回</source>
        <translation>Repaired &amp; sent back</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="25"/>
        <source>已补偿</source>
        <translation>Compensated</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="26"/>
        <source>平台介入中</source>
        <translation>Platform intervening</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="27"/>
        <source>已完成</source>
        <translation>Completed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="28"/>
        <source>已拒绝</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="29"/>
        <source>已关闭</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="32"/>
        <source>开始处理</source>
        <translation>Start handling</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="33"/>
        <source>同意退货</source>
        <translation>Approve return</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="34"/>
        <source>买家已寄回</source>
        <translation>Buyer shipped return</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="35"/>
        <source>确认收到退货</source>
        <translation>Confirm return received</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="36"/>
        <source>退款</source>
        <translation>Refund</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="37"/>
        <source>同意补发</source>
        <translation>Approve reship</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="38"/>
        <source>补发已发出</source>
        <translation>Reship sent</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="39"/>
        <source>换货已发出</source>
        <translation>Exchange sent</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="40"/>
        <source>开始维修</source>
        <translation>Start repair</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="41"/>
        <source>修好寄回</source>
        <translation>Send back repaired</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="42"/>
        <source>平台介入</source>
        <translation>Platform intervention</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="43"/>
        <source>恢复处理</source>
        <translation>Resume handling</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="44"/>
        <source>完成</source>
        <translation>Complete</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="45"/>
        <source>拒绝</source>
        <translation>Reject</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="46"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="47"/>
        <source>重新打开</source>
        <translation>Reopen</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="48"/>
        <source>交易成功</source>
        <translation>Order completed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="51"/>
        <source>淘宝</source>
        <translation>Taobao</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="52"/>
        <source>天猫</source>
        <translation>Tmall</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="53"/>
        <source>拼多多</source>
        <translation>Pinduoduo</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="54"/>
        <source>抖店</source>
        <translation>Douyin Shop</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="55"/>
        <source>京东</source>
        <translation>JD</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="56"/>
        <source>其他</source>
        <translation>Other</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="59"/>
        <source>仅退款</source>
        <translation>Refund only</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="60"/>
        <source>退货退款</source>
        <translation>Return &amp; refund</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="61"/>
        <source>换货</source>
        <translation>Exchange</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="62"/>
        <source>补发</source>
        <translation>Reship</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="63"/>
        <source>部分退款/补偿</source>
        <translation>Partial refund / compensation</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="64"/>
        <source>返修</source>
        <translation>Repair</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="65"/>
        <source>中差评</source>
        <translation>Negative review</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="66"/>
        <source>维权/投诉</source>
        <translation>Dispute / complaint</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="69"/>
        <source>漏发少件</source>
        <translation>Missing items</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="70"/>
        <source>错发</source>
        <translation>Wrong item sent</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="71"/>
        <source>破损</source>
        <translation>Damaged</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="72"/>
        <source>丢件</source>
        <translation>Lost in transit</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="73"/>
        <source>签收未收到</source>
        <translation>Shown delivered, not received</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="74"/>
        <source>超区</source>
        <translation>Outside delivery area</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="75"/>
        <source>质量问题</source>
        <translation>Quality problem</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="76"/>
        <source>七天无理由</source>
        <translation>7-day no-reason return</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="77"/>
        <source>物流停滞</source>
        <translation>Shipment stuck</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="78"/>
        <source>一直未收到货</source>
        <translation>Never received</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="79"/>
        <source>尺码/颜色不合适</source>
        <translation>Wrong size / colour</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="80"/>
        <source>不想要了</source>
        <translation>Changed mind</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="81"/>
        <source>描述不符</source>
        <translation>Not as described</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="82"/>
        <source>延迟发货</source>
        <translation>Late shipment</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="83"/>
        <source>虚假发货</source>
        <translation>Fake shipment</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="84"/>
        <source>违背承诺</source>
        <translation>Broken promise</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="87"/>
        <source>商家</source>
        <translation>Shop</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="88"/>
        <source>快递</source>
        <translation>Carrier</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="89"/>
        <source>买家</source>
        <translation>Buyer</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="90"/>
        <source>供应商/档口</source>
        <translation>Supplier / stall</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="91"/>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="94"/>
        <source>买家付款</source>
        <translation>Buyer paid</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="95"/>
        <source>商家发货</source>
        <translation>Shop shipped</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="96"/>
        <source>买家签收</source>
        <translation>Delivered to buyer</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="97"/>
        <source>买家申请售后</source>
        <translation>Buyer requested after-sales</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="98"/>
        <source>买家寄回退货</source>
        <translation>Buyer shipped return</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="99"/>
        <source>收到退货</source>
        <translation>Return received</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="102"/>
        <source>新建售后单</source>
        <translation>Case created</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="103"/>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="104"/>
        <source>修改</source>
        <translation>Edited</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="107"/>
        <source>处理补寄申请（48小时）</source>
        <translation>Handle reship request (48 h)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="108"/>
        <source>补寄发货并上传运单号（48小时）</source>
        <translation>Ship reship and upload tracking no. (48 h)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="109"/>
        <source>补寄发货并上传运单号（48小时，一直未收到货）</source>
        <translation>Ship reship and upload tracking no. (48 h, never received)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="110"/>
        <source>七天无理由退货期</source>
        <translation>7-day no-reason return period</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="111"/>
        <source>售后期（确认收货后15天）</source>
        <translation>After-sales period (15 days after receipt confirmed)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="112"/>
        <source>售后期（交易成功后15天）</source>
        <translation>After-sales period (15 days after order completed)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="113"/>
        <source>补发（3个工作日内）</source>
        <translation>Reship (within 3 working days)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="114"/>
        <source>承诺补发（承诺履约）</source>
        <translation>Promised reship (keep the promise)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="115"/>
        <source>发货时效（付款后72小时）</source>
        <translation>Ship on time (72 h after payment)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="116"/>
        <source>退款处理（72小时后买家可申请介入）</source>
        <translation>Handle refund (after 72 h the buyer may ask the platform to step in)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="117"/>
        <source>处理七天无理由退货申请</source>
        <translation>Handle 7-day no-reason return request</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="118"/>
        <source>买家寄回退货（同意后7天）</source>
        <translation>Buyer ships return (7 days after approval)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="119"/>
        <source>确认收到退货（买家寄回后10天）</source>
        <translation>Confirm return received (10 days after buyer ships)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/vocabulary_strings.py" line="120"/>
        <source>商家处理退款申请（5天）</source>
        <translation>Shop handles refund request (5 days)</translation>
    </message>
</context>
</TS>
