"""English for the interface: the glossary `installer/update_translations.py` writes into
resources/i18n/desktop_app_en.ts.

To translate a new text: add `"中文": "English"` to EN (or, when one Chinese text needs different
English in one place, `("Context", "中文"): "English"` to EN_IN_CONTEXT; the context is the class
name the .ts shows), then run `python installer/update_translations.py`. A message with %n counted
by Qt (`tr(text, "", n)`) takes a tuple `(singular, plural)`.

Keep every placeholder (%1, %2, %n ...) and the leading/trailing spaces and punctuation the
Chinese puts around pieces that are glued together in code. Style: short, plain UI English a shop
owner understands; the shop's own words: 售后单 = after-sales case, 补发 = reship,
快递理赔 = carrier claim, 时效日历 = deadline calendar, 货值说明 = goods value statement,
平台介入 = platform intervention, 签收 = delivered, 交易成功 = order completed.
"""

from __future__ import annotations

EN: dict[str, str | tuple[str, str]] = {
    "买家：%1": "Buyer: %1",
    "退款：%1": "Refund: %1",
    "%1，%2": "%1, %2",
    "双击只看这家快递的理赔": "Double-click to list this carrier's claims only",
    "（选择操作）": "(choose an action)",
    "选择要对这 %1 张售后单执行的操作": "Choose what to do with these %1 cases",
    "选择要对这 %1 条补发执行的操作": "Choose what to do with these %1 reships",
    # --- the suggested next step of a case and of an inspected return (session 18) --------------------
    "买家申请退货，先审核并同意（给出退货地址）":
        "The buyer asks to return: review and agree (give the return address)",
    "等买家寄回；包裹到了在“退货入库”扫描运单号验货":
        "Wait for the buyer's parcel; when it arrives, scan its tracking number in the Returns desk and inspect it",
    "按买家的申请退款": "Refund as the buyer asked",
    "已收到退回的商品，仔细核对换货商品后发出":
        "The returned item is here: check the replacement carefully and ship it",
    "补发先答复买家（同意后按平台时限发出）": "Answer the buyer about the reship first (once agreed, ship within the "
        "platform's time)",
    "已同意补发，尽快发出并登记新运单号": "Reship agreed: ship it soon and enter the new tracking number",
    "已收到返修件，送修": "The item for repair is here: send it to be repaired",
    "修好后寄回买家": "Once repaired, send it back to the buyer",
    "与买家商定补偿后支付": "Agree the compensation with the buyer, then pay it",
    "已处理完，确认买家满意后结束": "Handled: close it once the buyer is satisfied",
    "平台介入中：按平台要求在时限内上传凭证（照片、聊天记录、称重记录）":
        "Platform intervening: upload the evidence it asks for in time (photos, chat records, weighing records)",
    "平台将根据双方凭证判定": "The platform decides on both sides' evidence",
    "平台已超时自动处理（%1）：到平台后台核对结果，再在这里记录（退款、关闭等）":
        "The platform acted by itself (%1): check the result in its back office, then record it here "
        "(refund, close ...)",
    "买家已寄回（%1）；包裹到了在“退货入库”扫描运单号验货":
        "The buyer shipped it back (%1); when it arrives, scan its tracking number in the Returns desk and "
        "inspect it",
    "当前状态：%1": "Status now: %1",
    "当前状态：%2": "Status now: %2",
    "店铺策略：%1": "Shop policy: %1",
    "已结束，无需操作": "Finished: nothing to do",
    "按实际情况处理": "Handle it as the case requires",
    "在平台后台同意退款，再在台账中记为已退款": "Agree to the refund in the platform's back office, then record "
        "it here as refunded",
    "仔细核对换货商品（款式、尺码、颜色）后发出，并登记运单号":
        "Check the replacement (style, size, colour) carefully, ship it and enter the tracking number",
    "送修并在台账中记为维修中": "Send it for repair and record it here as being repaired",
    "退回商品完好，可二次销售": "The returned item is intact and can be sold again",
    "买家因质量、破损等商家原因退货，退回的次品在预期之中（谁过错谁承担）":
        "The buyer returned it for the shop's fault (quality, damage ...): a faulty item coming back is expected "
        "(whoever is at fault pays)",
    "核对无误后按售后单继续处理": "Once checked, carry on with the case",
    "拍照留证后与买家协商部分退款（扣除折损，改小退款金额再退款）；协商不成可在平台后台以“影响二次销售”拒绝退款并上传"
    "验货照片":
        "Take photos, then agree a partial refund with the buyer (lower the refund by the loss, then refund); "
        "failing that, refuse the refund in the platform's back office as \"cannot be sold again\" and upload "
        "the inspection photos",
    "退回商品有使用、损坏或缺少吊牌，影响二次销售，且退货原因不是商家过错":
        "The returned item is used, damaged or lacks its tags, so it cannot be sold again, and the return is "
        "not the shop's fault",
    "拍下面单和实物照片，联系买家寄回正确商品；在平台后台拒绝退款时上传这些照片":
        "Photograph the label and the item, ask the buyer to send back the right item; upload these photos "
        "when refusing the refund in the platform's back office",
    "退回的不是本店发出的商品": "What came back is not what the shop sent",
    "按实际退回的商品退款（先把退款金额改为实收部分），或请买家补寄缺少的件后全额退款":
        "Refund what actually came back (first lower the refund to that part), or ask the buyer to send the "
        "missing pieces and refund in full",
    "请买家补寄缺少的件后再继续处理": "Ask the buyer to send the missing pieces, then carry on",
    "退回件数少于应退件数": "Fewer pieces came back than should have",
    "保留开箱视频和包裹称重记录，在平台后台拒绝退款并申请平台介入；向快递核实揽收重量，必要时发起快递理赔":
        "Keep the unboxing video and the parcel's weighing record, refuse the refund in the platform's back "
        "office and ask for platform intervention; check the pick-up weight with the carrier and open a "
        "carrier claim if needed",
    "退货包裹是空的": "The return parcel is empty",
    # --- what a shipped timer's running out does, its penalty; the claim follow-up (session 18) -------
    "自动同意补寄": "Reship agreed automatically",
    "赔付3元，买家可申请平台介入": "¥3 paid to the buyer, who may ask for platform intervention",
    "自动全额退款": "Refunded in full automatically",
    "自动退款": "Refunded automatically",
    "自动同意退货": "Return agreed automatically",
    "自动关闭售后（买家未寄回）": "Case closed automatically (the buyer sent nothing back)",
    "超过七天无理由退货期": "7-day no-reason return period over",
    "售后期结束，买家不能再申请售后": "After-sales period over: the buyer can no longer ask for after-sales",
    "超时未补发，买家可投诉违背承诺": "Reship late: the buyer may complain of a broken promise",
    "违背承诺，买家可投诉": "Broken promise: the buyer may complain",
    "延迟发货，买家可投诉": "Late shipment: the buyer may complain",
    "可申请平台介入": "Platform intervention may be asked for",
    "自动关闭退款（买家未寄回）": "Refund closed automatically (the buyer sent nothing back)",
    "超过七天无理由退换货期": "7-day no-reason return/exchange period over",
    "自动确认收货": "Receipt confirmed automatically",
    "自动确认完成": "Completed automatically",
    "未举证，小二按现有凭证判定": "No evidence given: the platform decides on what it has",
    "小二按现有凭证判定": "The platform decides on the evidence it has",
    "未举证，平台按现有凭证判定": "No evidence given: the platform decides on what it has",
    "平台按现有凭证判定": "The platform decides on the evidence it has",
    "买家可申请平台介入": "The buyer may ask the platform to step in",
    "售后期结束，买家不能再申请补寄": "After-sales period over: the buyer can no longer ask for a reship",
    "自动同意换货": "Exchange agreed automatically",
    "超时每单赔付买家3元；买家可在48小时内修改申请或申请平台介入":
        "Late: ¥3 per order paid to the buyer; within 48 hours the buyer may change the request or ask for "
        "platform intervention",
    "超时每单赔付买家3元（与其他原因相同）；原因为“一直未收到货”时系统还会自动全额退款":
        "Late: ¥3 per order paid to the buyer (as for every reason); for \"never received\" the system also "
        "refunds in full automatically",
    "延迟发货：天猫按30%赔付买家": "Late shipment: Tmall pays the buyer 30%",
    "延迟发货（付款后缺货或未在72小时内发货）：赔付买家30%，不扣分（资料未写上限；按订单实付金额的30%计）":
        "Late shipment (out of stock after payment, or not shipped within 72 hours): 30% paid to the buyer, no "
        "points deducted (the source names no cap; counted as 30% of the order's paid amount)",
    "（赔付金额未知：订单未导入）": " (amount owed unknown: order not imported)",
    "延迟发货：扣分，并按商品实际成交金额的5%赔付买家，最高30元":
        "Late shipment: points deducted, and 5% of the goods' paid price paid to the buyer, at most ¥30",
    "快递理赔跟进": "Carrier claim follow-up",
    "联系快递催办理赔": "Chase the carrier about the claim",
    # --- prices typed for goods without one, in the statement dialog (session 18) -------------------
    "这些商品没有单价：填写单价（元）后生成。只用于这份货值说明，不保存。":
        "These items have no price: type a unit price (yuan) to make the statement. Used for this "
        "statement only, not saved.",
    "元，例如 59.00": "yuan, e.g. 59.00",
    "按这些单价生成": "Make it with these prices",
    "请填写“%1”的单价": "Type the unit price of \"%1\"",
    "“%1”的单价": "The unit price of \"%1\"",
    "“%1”的单价须大于 0": "The unit price of \"%1\" must be more than 0",
    "或在下方填写单价。": " or type the prices below.",
    # --- 时效规则 on a team ledger: the rules kept in the ledger for every seat (issue 18) -------------
    "无法读取时效规则：%1": "Could not read the deadline rules: %1",
    "载入本机的修改": "Load this computer's edit",
    "正在使用本店修改过的规则，保存在团队数据库中：每台电脑都按它计算时限。软件升级不会覆盖它。":
        "Using the shop's edited rules, kept in the team database: every computer computes deadlines with "
        "them. Upgrades never overwrite them.",
    "正在使用软件自带的默认规则。保存后本店的修改存入团队数据库，每台电脑都按它计算时限。":
        "Using the app's default rules. Once saved, the shop's edit is kept in the team database and every "
        "computer computes deadlines with it.",
    "这台电脑的数据文件夹里有一份以前修改过的“%1”规则，团队数据库不使用它。要沿用它，点“载入本机的修改”，检查后保存到"
    "团队数据库。":
        "This computer's data folder has an earlier edit of the %1 rules, which the team database does not "
        "use. To keep it, click \"Load this computer's edit\", check it, then save it to the team database.",
    "已载入本机的修改，检查后点“保存”存入团队数据库":
        "This computer's edit is loaded: check it, then click Save to keep it in the team database",
    "，本店修改过的时效规则 %1 个": ", %1 edited deadline rule files",
    # --- 时效规则 form, undo, theme, phone-tail search, tab counts (issue 15) -----------------------
    "记录后无法撤销：%1。请确认已在平台上完成。":
        "This cannot be undone once recorded: %1. Make sure it is done on the platform.",
    "（已撤销）": " (undone)",
    "钱已经退给买家，台账里撤销不能把钱收回": "the money is with the buyer, an undo in the ledger cannot take it back",
    "补偿已经付给买家，台账里撤销不能把钱收回":
        "the compensation is with the buyer, an undo in the ledger cannot take it back",
    "补发的包裹已经寄出": "the reship parcel has left",
    "换货的包裹已经寄出": "the exchange parcel has left",
    "修好的商品已经寄回": "the repaired goods have been sent back",
    "这张售后单没有可以撤销的操作": "This case has no step to undo",
    "批量操作之后这张售后单又有了新的步骤，未撤销；请单独查看":
        "this case has a newer step than the bulk one: not undone; please check it on its own",
    "修改责任方不能撤销，需要时请再批量指定":
        "changing the responsible party cannot be undone; assign it again in bulk if needed",
    "更改售后类型不能撤销，需要时请再批量更改":
        "changing the case type cannot be undone; change it again in bulk if needed",
    "执行后可以用 编辑 → 撤销（Ctrl+Z）一次撤销整批":
        "Afterwards Edit → Undo (Ctrl+Z) takes back the whole batch at once",
    "其中 %1 张执行后不能撤销：%2；其余可以用 编辑 → 撤销（Ctrl+Z）一次撤销":
        "%1 of them cannot be undone afterwards: %2; Edit → Undo (Ctrl+Z) takes back the rest at once",
    "执行后不能撤销：%1": "Cannot be undone afterwards: %1",
    "这些售后单的最后一步已不是这次批量操作": "the last step of these cases is no longer the bulk one",
    "批量%1": "bulk %1",
    "刚才的“%1”不能撤销：%2": "The %1 just done cannot be undone: %2",
    "一次撤销刚才的“%1”（%2 张售后单，时间线会记下这次撤销）":
        "Take back the %1 just done in one step (%2 cases; the timelines record the undo)",
    "；另有 %1 张不能撤销：%2": "; %1 more cannot be undone: %2",
    "撤销：%1 %2 单": "Undo: %1 (%2 cases)",
    "已撤销“%1”：%2 张": "Undid the %1: %2 cases",
    "；%1 张未撤销：%2": "; %1 not undone: %2",
    "补发记录会跟着改变，之后只能用下一步操作更正":
        "the reship record changes with it; afterwards only a next step can correct it",
    "最后一步是补发或理赔的记录，请在对应的标签页中更正":
        "The last step is a reship or claim record: correct it in that tab",
    "新建的售后单不能撤销；不需要时请“关闭”它": "A new case cannot be undone; close it if it is not needed",
    "修改不能撤销，请再点“编辑”改回去": "An edit cannot be undone; click \"Edit\" again to change it back",
    "最后一步不是可以撤销的操作": "The last step cannot be undone",
    "最后一步是新版本软件记录的操作，无法撤销":
        "The last step was recorded by a newer version of the app and cannot be undone",
    "售后单的状态在这一步之后又变了，无法撤销": "The case's status changed after this step: it cannot be undone",
    "发生时间 %1 在将来（现在是 %2）。确定按这个时间记录吗？若是输错了年份或日期，请点“否”后改正。":
        "The time %1 is in the future (it is %2 now). Record it with this time? If the year or the date is "
        "mistyped, click No and correct it.",
    "复制话术，粘贴给买家": "Copy the reply and paste it to the buyer",
    "手机尾号%1": "phone ending %1",
    "按手机号后四位匹配：%1": "Matched by the phone's last four digits: %1",
    "按手机号后四位匹配": "Matched by the phone's last four digits",
    "撤销": "Undo",
    "撤销只用于“售后单”标签页中正在查看的售后单": "Undo applies to the case shown in the After-sales cases tab",
    "先在“售后单”标签页中选择一张售后单": "First select a case in the After-sales cases tab",
    "#%1：%2": "#%1: %2",
    "撤销“%1”": "Undo \"%1\"",
    "撤销 #%1 的最后一步“%2”（时间线会记下这次撤销）":
        "Undo the last step of #%1, \"%2\" (the timeline records the undo)",
    "撤销 #%1 的“%2”（只撤销这一张）": "Undo \"%2\" of #%1 (this case only)",
    "所选 %3 张售后单中只撤销正在查看的 #%1 的最后一步“%2”，其他的请逐张撤销（时间线会记下这次撤销）":
        'Of the %3 selected cases, only the last step of #%1 (the one shown), "%2", is undone; undo the others one by '
        "one (the timeline records the undo)",
    "已撤销 #%1 的“%2”，当前状态：%3": "Undid \"%2\" of #%1; status now: %3",
    "未能撤销：%1": "Could not undo: %1",
    "按手机尾号“%1”查找（只查手机号）：共 %2 张售后单": "Phone ending \"%1\" (phones only): %2 cases",
    "数据库打开后，可撤销正在查看的售后单的最后一步": "Once the database is open: undo the last step of the case shown",
    "数据库打开后可用（%1）": "Available once the database is open (%1)",
    "先扫描或输入退货包裹的运单号": "First scan or type the return parcel's tracking number",
    "先记录一个有售后单的包裹的验货结果": "First record the inspection of a parcel that has a case",
    "没有售后单登记这个运单号": "No case has this tracking number",
    "已记录验货结果；扫描下一个包裹": "Inspection recorded; scan the next parcel",
    "这个包裹没有对应的售后单（已作为无主件入库）": "This parcel has no case (received as an unmatched parcel)",
    "不写金额": "No amount",
    "每次固定金额": "Fixed amount each time",
    "按实付金额的百分比": "Percent of the amount paid",
    "不封顶": "no cap",
    "最多 ": "at most ",
    " 元": " yuan",
    "时间窗口": "Date windows",
    "开始（北京时间）": "Start (China time)",
    "结束": "End",
    "窗口内的时长": "Duration in the window",
    "名称": "Name",
    "起算事件": "Starts from",
    "时长": "Duration",
    "适用售后类型\n（不勾 = 全部）": "Case kinds\n(none ticked = all)",
    "适用原因\n（不勾 = 全部）": "Reasons\n(none ticked = all)",
    "处罚说明": "Penalty",
    "处罚金额": "Penalty amount",
    "时间窗口（如春节、双11）期间改用窗口内的时长；窗口的增删和其他设置（完成事件、出处等）请在“TOML（高级）”中修改。":
        "During a date window (Spring Festival, Double 11) the window's duration applies; add or remove windows "
        "and change other settings (met by, sources ...) in \"TOML (advanced)\".",
    "表单无法显示：文件有语法错误，请先在“TOML（高级）”中改正。\n":
        "The form cannot be shown: the file has a syntax error; correct it in \"TOML (advanced)\" first.\n",
    "这里只列出本规则包自己的计时器；其余计时器继承自“%1”，请在那里修改。":
        "Only this pack's own timers are listed; the others are inherited from \"%1\": change them there.",
    "（未命名）": "(unnamed)",
    "未知事件：%1": "Unknown event: %1",
    "计时器“%1”：": "Timer \"%1\": ",
    "名称不能为空": "the name cannot be empty",
    "到期后果不能为空（例如：自动退款）": "the consequence cannot be empty (for example: automatic refund)",
    "时长必须是一个正整数，并选择小时、天或工作日":
        "the duration must be a whole number of hours, days or working days",
    "时间窗口“%1”：结束时间早于开始时间": "Date window \"%1\": the end is before the start",
    "表单": "Form",
    "TOML（高级）": "TOML (advanced)",
    "正在保存并重新计算时限，请稍候": "Saving and recomputing deadlines, please wait",
    "跟随系统：系统切换浅色/深色模式时，窗口随之切换":
        "Follow the system: the window switches when the system switches between light and dark",
    "外观": "Appearance",
    "跟随系统": "Follow the system",
    "浅色": "Light",
    "深色": "Dark",
    "小时": "hours",
    "天": "days",
    "个工作日": "working days",
    "括号中是未结束的售后单数": "In brackets: open cases",
    "括号中是寄出多日仍未收到的退货和无主件数": "In brackets: returns on the way too long, and parcels without a case",
    "括号中是已逾期的时限数": "In brackets: overdue deadlines",
    "括号中是订单总数": "In brackets: all orders",
    "先在列表中选择一张售后单": "First select a case in the list",
    # --- the main window ------------------------------------------------------------------------
    "售后台账": "Aftersales Ledger",
    "正在打开数据库……": "Opening the database...",
    "正在打开数据库，打开后继续……": "Opening the database; this continues once it is open...",
    "正在加载……": "Loading...",
    "工具栏": "Toolbar",
    "新建售后单": "New after-sales case",
    "导入": "Import",
    "刷新": "Refresh",
    "设置": "Settings",
    "搜索": "Search",
    "正在处理……": "Working...",
    "售后单": "After-sales case",
    "订单": "Order",
    "已打开 %1": "Opened %1",
    "（升级前已备份到 %1）": " (backed up to %1 before the upgrade)",
    "数据库未能打开": "The database could not be opened",
    "无法打开数据库": "Cannot open the database",
    "已新建售后单 #%1": "Created after-sales case #%1",
    "操作未完成": "Not completed",
    "选择各平台导出的订单和售后单（退款管理、售后单）文件（可多选）":
        "Choose the order and after-sales (refund list) files exported from the platforms (several allowed)",
    "订单和售后单导出 (*.csv *.xlsx *.xls);;所有文件 (*)":
        "Order and after-sales exports (*.csv *.xlsx *.xls);;All files (*)",
    # --- settings -------------------------------------------------------------------------------
    "界面语言 / Language": "Language / 界面语言",
    "语言在重新启动程序后生效。": "The new language applies after restarting the app.",
    # --- lists and filters ----------------------------------------------------------------------
    "搜索 订单号 / 收货人 / 手机（可输后四位）/ 物流单号 / 商品  (Ctrl+F)":
        "Search order no. / recipient / phone (last 4 digits OK) / tracking no. / item  (Ctrl+F)",
    "搜索 运单号 / 订单号 / 收货人 / #编号  (Ctrl+F)": "Search tracking / order no. / recipient / #ID  (Ctrl+F)",
    "按运单号、快递工单号、订单号、收货人或理赔编号（#12）查找，输入一部分即可":
        "Finds claims by tracking number, carrier ticket number, order number, recipient or claim ID (#12); "
        "part of one is enough",
    "筛选列表：售后单号 / 订单号 / 平台 / 时限  (Ctrl+F)":
        "Filter the lists: case no. / order no. / platform / deadline  (Ctrl+F)",
    "显示 %1 / %2 条": "Showing %1 of %2",
    "“%1”没有可搜索的列表：已转到“售后单”的搜索框": "\"%1\" has no list to search: moved to the Cases search box",
    "全部平台": "All platforms",
    "全部店铺": "All shops",
    "全部类型": "All types",
    "全部状态": "All statuses",
    "未结束": "Open",
    "需要处理": "Needs action",
    "未结束、还要店铺处理的售后单（不含已退款、已补发等只等完成的）":
        "Open cases the shop still has a step to take on (not those refunded, reshipped ... that wait only to be "
        "completed)",
    "已结束": "Closed",
    "全部": "All",
    "共 %1 张售后单": "Cases: %1",
    "时效日历": "Deadline calendar",
    "补发队列（%1）": "Reship queue (%1)",
    "%1（%2）": "%1 (%2)",
    "买家称呼": "Buyer's name",
    "快递理赔：%1": "Carrier claim: %1",
    "店铺名称": "Shop name",
    "处理步骤的原文（中文），按输入保存；窗口中显示为：%1":
        "The playbook's own text (Chinese), saved as typed; the window shows it as: %1",
    "“%1”列（第 %2 行起）有看不见的字符（零宽空格、软连字符等），已去掉后导入："
    "姓名、电话、订单号和运单号按去掉后的文字查找和对应":
        "Column \"%1\" (from row %2 on) holds invisible characters (zero-width spaces, soft hyphens ...), taken out on "
        "import: names, phones, order and tracking numbers are found and matched without them",
    "第 %1 行“%2”列是“%3”（表示没有日期）：按空白导入，和空白的单元格一样，已有订单的这一时间也被清空。请核对原表":
        'Row %1, column "%2" says "%3" (no date): imported as blank, as a blank cell is, which also clears that time '
        "of an order already in the ledger. Check the source sheet",
    "证据文件太大（%1 MB）：%2。团队数据库中每个证据文件或印章最大 %3 MB（超过的共 %4 个），"
    "迁移没有开始，目标数据库未改动。请把它换成压缩或剪短的文件（删除这条证据后重新添加）再迁移。":
        "Evidence file too large (%1 MB): %2. A team ledger keeps at most %3 MB per evidence file or seal (%4 over "
        "it); the move did not start and the target database is unchanged. Replace it with a compressed or shorter "
        "file (remove that evidence and add it again), then move.",
    "第一行没有订单号，按表头跳过": "The first line has no order number: skipped as a header",
    "每行需要两列：订单号、运单号（第三列可写快递公司）":
        "Each line needs two columns: order number, tracking number (a third may name the carrier)",
    "第 %1 行：成本价为 0，已按不计成本的商品（赠品、试用装）导入，货损按 0 元计；如果是漏填，请改正后重新导入":
        "Row %1: the cost price is 0, imported as goods that cost nothing (a gift, a sample), their loss counted "
        "as 0.00; if it was left out by mistake, correct the sheet and import it again",
    "第 %1 行：成本价 %2 元超过 %3 元，不像一件商品的成本（是否多写了几位？），这一行没有导入":
        "Row %1: a cost price of %2 yuan is over %3 yuan, no cost of one item (digits too many?); the row was not "
        "imported",
    "第 %1 行“%2”列是“%3”，在将来（现在是 %4）：已按所填时间导入。若是输错了年份或日期，请改正原表后重新导入":
        "Row %1, column \"%2\" says \"%3\", which lies ahead (it is now %4): imported as written. If the year or the "
        "date was mistyped, correct the sheet and import it again",
    "第 %1 行“%2”列：%3 元大于订单 %4 的实付金额 %5 元，已按所填金额导入。请核对金额是否填错、是否对错了订单":
        "Row %1, column \"%2\": %3 yuan is more than the %5 yuan paid for order %4; imported as written. Check "
        "whether the amount is wrong or the request belongs to another order",
    "订单 %1 原来属于店铺“%2”，这个文件写的是“%3”：已改为“%3”，它们的售后单随之计入这家店铺。"
    "如果选错了店铺的导出文件，请再导入原店铺的导出改回":
        "Orders %1 belonged to shop \"%2\"; this file says \"%3\": moved to \"%3\", their cases counted for that shop "
        "now. If the export of the wrong shop was chosen, import the original shop's export again to move them back",
    "第 %1 行“%2”列是“%3”（表示没有日期）：新建的售后单以导入的时间为买家申请时间，时限从那时算起，已有的保持不变。"
    "请核对后更正（编辑 → 买家申请时间，或命令行 case edit N --requested-at）":
        "Row %1, column \"%2\" says \"%3\" (no date): a new case takes the time of the import as the buyer's request, "
        "its deadlines counting from then; an existing one stays as it is. Check and correct it (Edit → Buyer "
        "requested at, or on the command line case edit N --requested-at)",
    "第 %1 行“%2”列：未知的售后状态“%3”，新建的售后单按“待处理”记录，已有的保持不变（可在 %4 的 [statuses] 中添加）":
        "Row %1, column \"%2\": unknown after-sales status \"%3\"; a new case is recorded as Pending, an existing one "
        "stays as it is (it can be added under [statuses] in %4)",
    "淘宝和天猫的退款列表格式相同，文件本身看不出是哪个平台：本文件的 %1 张订单在台账中是天猫的，已按天猫导入（天猫的"
    "时效规则）。如果这是淘宝店的退款列表，请按淘宝重新导入（命令行加 --platform taobao）":
        "Taobao and Tmall export refunds in the same layout, so the file cannot say which platform it is: the ledger "
        "knows this file's %1 orders as Tmall's, so it was imported as Tmall (Tmall's deadline rules). If this is a "
        "Taobao shop's refund list, import it again as Taobao (on the command line add --platform taobao)",
    "淘宝和天猫的退款列表格式相同，文件本身看不出是哪个平台：本文件的订单在台账中 %1 张是天猫的、%2 张是淘宝的，已按"
    "淘宝导入。如果这是天猫店的退款列表，请按天猫重新导入（命令行加 --platform tmall；窗口里点“这是天猫的退款列表…”）"
    "，已导入的售后单会改为天猫并重新计算时限":
        "Taobao and Tmall export refunds in the same layout, so the file cannot say which platform it is: the ledger "
        "knows %1 of this file's orders as Tmall's and %2 as Taobao's, so it was imported as Taobao. If this is a "
        "Tmall shop's refund list, import it again as Tmall (on the command line add --platform tmall; in the window "
        "click \"This is a Tmall refund list...\"): the cases imported are changed to Tmall and their deadlines "
        "computed again",
    "淘宝和天猫的退款列表格式相同，文件本身看不出是哪个平台：台账中淘宝/天猫的售后单都是天猫的（%1 张），已按天猫导入"
    "（天猫的时效规则）。如果这是淘宝店的退款列表，请按淘宝重新导入（命令行加 --platform taobao）":
        "Taobao and Tmall export refunds in the same layout, so the file cannot say which platform it is: the "
        "ledger's Taobao/Tmall cases are all Tmall's (%1), so it was imported as Tmall (Tmall's deadline rules). If "
        "this is a Taobao shop's refund list, import it again as Taobao (on the command line add --platform taobao)",
    "淘宝和天猫的退款列表格式相同，文件本身看不出是哪个平台：台账中既有天猫的（%1 张）也有淘宝的售后单（%2 张），已按"
    "淘宝导入。如果这是天猫店的退款列表，请按天猫重新导入（命令行加 --platform tmall；窗口里点“这是天猫的退款列表…”）"
    "，已导入的售后单会改为天猫并重新计算时限":
        "Taobao and Tmall export refunds in the same layout, so the file cannot say which platform it is: the ledger "
        "has both Tmall cases (%1) and Taobao cases (%2), so it was imported as Taobao. If this is a Tmall shop's "
        "refund list, import it again as Tmall (on the command line add --platform tmall; in the window click \"This "
        "is a Tmall refund list...\"): the cases imported are changed to Tmall and their deadlines computed again",
    "淘宝和天猫的退款列表格式相同，文件本身看不出是哪个平台：已按淘宝导入（淘宝的时效规则）。如果这是天猫店的退款列表"
    "，请按天猫重新导入（命令行加 --platform tmall；窗口里点“这是天猫的退款列表…”），已导入的售后单会改为天猫并重新计"
    "算时限":
        "Taobao and Tmall export refunds in the same layout, so the file cannot say which platform it is: it was "
        "imported as Taobao (Taobao's deadline rules). If this is a Tmall shop's refund list, import it again as "
        "Tmall (on the command line add --platform tmall; in the window click \"This is a Tmall refund list...\"): the "
        "cases imported are changed to Tmall and their deadlines computed again",
    "“%1”不是有效的编号":
        "\"%1\" is not a valid number",
    "“%1…”不是有效的订单号（最长 64 个字符）":
        "\"%1...\" is not a valid order number (64 characters at most)",
    "“%1”不是有效的订单号（只能包含数字、字母和“-”）":
        "\"%1\" is not a valid order number (digits, letters and \"-\" only)",
    "“%1…”不是有效的金额（应为数字，例如 12.50）":
        "\"%1...\" is not a valid amount (a number, e.g. 12.50)",
    "“%1”不是有效的金额（应为数字，例如 12.50）":
        "\"%1\" is not a valid amount (a number, e.g. 12.50)",
    "金额不能为负数：%1":
        "An amount cannot be negative: %1",
    "金额“%1”过大（最多 %2 元）":
        "The amount \"%1\" is too large (¥%2 at most)",
    "金额“%1”过大":
        "The amount \"%1\" is too large",
    "金额“%1”最多只能有两位小数（精确到分）":
        "The amount \"%1\" has more than two decimals (cents at most)",
    "“%1…”不是有效的数量（应为整数）":
        "\"%1...\" is not a valid quantity (a whole number)",
    "“%1”不是有效的数量（应为整数）":
        "\"%1\" is not a valid quantity (a whole number)",
    "数量不能为负数：%1":
        "A quantity cannot be negative: %1",
    "数量“%1”过大（最多 %2）":
        "The quantity \"%1\" is too large (%2 at most)",
    "“%1”不是有效的日期时间":
        "\"%1\" is not a valid date and time",
    "“%1”不是合理的日期（年份应在 1990–2100 之间）":
        "\"%1\" is not a plausible date (the year should be 1990–2100)",
    "“%1”不是可识别的日期时间（应为 2026-11-06 20:56:31 这样的格式）":
        "\"%1\" is not a recognisable date and time (write it like 2026-11-06 20:56:31)",
    "“%1”是不存在的日期或时间（例如 2 月 30 日、25 点）":
        "\"%1\" is a date or time that does not exist (such as 30 February or 25 o'clock)",
    "无法识别的表格：前 10 行里找不到订单导出的表头。支持：%1（最接近“%2”，但缺少列：%3）。供应商的表格或自己整理的台"
    "账，可以在程序里用“导入其他表格”指定各列的含义后导入":
        "Unrecognised sheet: no order export header in the first 10 rows. Supported: %1 (nearest: \"%2\", but these "
        "columns are missing: %3). A supplier's sheet or a ledger of your own can be imported after naming its "
        "columns under \"Import other sheet\"",
    "无法识别的表格：前 10 行里找不到订单导出的表头。支持：%1。供应商的表格或自己整理的台账，可以在程序里用“导入其他"
    "表格”指定各列的含义后导入":
        "Unrecognised sheet: no order export header in the first 10 rows. Supported: %1. A supplier's sheet or a "
        "ledger of your own can be imported after naming its columns under \"Import other sheet\"",
    "表头与所选平台的订单导出不符。可选平台的格式：%1（最接近“%2”，但缺少列：%3）。供应商的表格或自己整理的台账，可以"
    "在程序里用“导入其他表格”指定各列的含义后导入":
        "The headers do not match the chosen platform's order export. Its formats: %1 (nearest: \"%2\", but these "
        "columns are missing: %3). A supplier's sheet or a ledger of your own can be imported after naming its "
        "columns under \"Import other sheet\"",
    "表头与所选平台的订单导出不符。可选平台的格式：%1。供应商的表格或自己整理的台账，可以在程序里用“导入其他表格”指定"
    "各列的含义后导入":
        "The headers do not match the chosen platform's order export. Its formats: %1. A supplier's sheet or a "
        "ledger of your own can be imported after naming its columns under \"Import other sheet\"",
    "这是%1，不是所选平台的订单导出，文件没有导入：请改按这个平台导入（命令行 --platform %2），或不指定平台由程序识别":
        "This is a %1, not an order export of the platform chosen, so the file was not imported: import it as that "
        "platform's (--platform %2 on the command line), or leave the platform out to have it recognised",
    "这是%1（售后/退款列表），不是订单导出：请用“导入”按钮或 import-cases 命令导入":
        "This is a %1 (after-sales/refund list), not an order export: import it with the Import button or the "
        "import-cases command",
    "无法识别的表格：前 10 行里找不到售后导出的表头。支持：%1（最接近“%2”，但缺少列：%3）":
        "Unrecognised sheet: no after-sales export header in the first 10 rows. Supported: %1 (nearest: \"%2\", but "
        "these columns are missing: %3)",
    "无法识别的表格：前 10 行里找不到售后导出的表头。支持：%1":
        "Unrecognised sheet: no after-sales export header in the first 10 rows. Supported: %1",
    "这是%1（订单导出），不是售后导出：请用“导入”按钮或 import-orders 命令导入":
        "This is a %1 (order export), not an after-sales export: import it with the Import button or the "
        "import-orders command",
    "表格是空的，没有任何内容":
        "The sheet is empty",
    ("第 %1 行有一个单元格超过 %2 个字，不像是平台导出的内容（可能有一个引号没有配对，"
     "把后面的内容都并进了这个单元格）。文件没有导入，请检查这一行后重新导出"):
        "A cell in row %1 holds more than %2 characters, which no platform export does (perhaps a quote left "
        "unpaired took in everything after it). The file was not imported: check this row and export it again",
    ("文件在第 %1 行中途结束（这一行只有 %2 列，上面的行有 %3 列）：可能没有下载完整，后面的行也缺了。"
     "文件没有导入，请重新下载后再导入"):
        "The file ends in the middle of row %1 (it has only %2 columns, the rows above have %3): it may not have "
        "been downloaded completely, and the rows after it are missing too. The file was not imported: download "
        "it again, then import it",
    "文件在第 %1 行的一个字中间结束：可能没有下载完整，后面的行也缺了。文件没有导入，请重新下载后再导入":
        "The file ends in the middle of a character in row %1: it may not have been downloaded completely, and "
        "the rows after it are missing too. The file was not imported: download it again, then import it",
    ("所选平台是%1，但文件里的订单号都是%2订单号的样子（如第 %3 行“%4”列的 %5），没有一个像所选平台的，"
     "文件没有导入：请改按这个平台导入（命令行 --platform %6）"):
        "The platform chosen is %1, but every order number in the file looks like a %2 one (e.g. %5 in column "
        "\"%4\", row %3) and none like one of the platform chosen, so the file was not imported: import it as that "
        "platform's (--platform %6 on the command line)",
    ("所选平台是%1，但文件里的订单号都是%2订单号的样子（如第 %3 行“%4”列的 %5），表头里还有它的导出才有的列（%6），"
     "没有一个订单号像所选平台的，文件没有导入：请改按这个平台导入（命令行 --platform %7）"):
        "The platform chosen is %1, but every order number in the file looks like a %2 one (e.g. %5 in column "
        "\"%4\", row %3), the header has columns only its export has (%6), and no order number looks like one of "
        "the platform chosen, so the file was not imported: import it as that platform's (--platform %7 on the "
        "command line)",
    ("这是表格软件（Excel、WPS 等）打开“%1”时在它旁边生成的临时锁定文件，不是导出文件：请导入“%1”本身"
     "（还在表格软件里打开着的，先保存并关闭）"):
        "This is the temporary lock file a spreadsheet program (Excel, WPS ...) keeps beside \"%1\" while it is "
        "open, not an export: import \"%1\" itself (save and close it first if it is still open)",
    "联系电话": "Phone",
    "收款账户": "Payout account",
    # --- errors the window shows: fixed messages of the core and services (session 19) ------------------
    "内部错误（%1）：%2。数据未被修改；请把日志发给开发者。":
        "Internal error (%1): %2. Nothing was changed; please send the log to the developers.",
    "请在“备份与恢复”中恢复最新的完好备份。": " Restore the latest good backup under \"Backups\".",
    "请填写处理步骤的名称": "Give the playbook a name",
    "至少要有一件补发商品": "A reship needs at least one item",
    "运单号不能为空": "The tracking number is empty",
    "请给出售后单编号，多个用逗号分隔，例如 3,5,8": "Give the case numbers, separated by commas, e.g. 3,5,8",
    "备注内容不能为空": "The note is empty",
    "未填写运单号，未录入": "No tracking number given: nothing recorded",
    "没有选择要导入的文件": "No file chosen to import",
    "订单号不能为空": "The order number is empty",
    "报案时间缺少时区": "The time reported has no time zone",
    "理赔单号太长（最多 80 个字符）": "The claim number is too long (80 characters at most)",
    "联系人太长（最多 120 个字符）": "The contact is too long (120 characters at most)",
    "请至少选择一件商品": "Choose at least one item",
    "金额不能为负数": "The amount cannot be negative",
    "跟进时间缺少时区": "The follow-up time has no time zone",
    "此操作不需要金额": "This action takes no amount",
    "部分赔付请填写本次到账金额": "For a partial payout, enter the amount received this time",
    "请选择订单或售后单": "Choose an order or a case",
    "此操作没有到账金额，不需要赔付方式": "This action receives no money: no payout channel needed",
    "理赔未填写申请金额，请填写实际赔付金额": "The claim has no claimed amount: enter the amount actually paid",
    "请选择要添加的证据文件": "Choose the evidence files to add",
    "迁移的目标就是源文件本身": "The migration target is the source file itself",
    "重新计算时限的后台进程已结束，时限未更新；下次启动时会再算一次。":
        "The background process recomputing deadlines has ended; deadlines were not updated and will be "
        "computed again at the next start.",
    "拒绝补发请写明原因": "Give a reason for refusing the reship",
    "请选择要生成货值说明的理赔、订单或售后单":
        "Choose the claims, orders or cases to make a goods value statement for",
    "团队数据库地址必须是 postgresql+psycopg://… 形式": "The team database address must look like postgresql+psycopg://...",
    "%1：同意后%2%3内发出并填写运单号；逾期：%4": "%1: once agreed, ship within %2 %3 and enter the tracking number; "
        "if late: %4",
    "%1：未及时处理则%2": "%1: if not handled in time: %2",
    "数据库文件不存在：%1（没有新建它）。请检查 --db 或环境变量 %2 所写的路径；"
    "导入订单或售后单、case add 会在这个路径新建台账。":
        "The ledger file %1 is not there (none was made). Check the path given with --db or in the environment "
        "variable %2; importing orders or after-sales lists, or case add, makes a new ledger at that path.",
    "密码不能写进设置文件，请单独保存到系统钥匙串":
        "A password cannot be written into the settings file: keep it in the system keychain",
    "席位名不能为空：请填写在这台电脑上工作的人的名字，例如“小王”":
        "The seat name is empty: enter the name of the person working at this computer, e.g. \"Xiao Wang\"",
    "席位名不能含有控制字符、“|”或“\\”": "A seat name cannot contain control characters, \"|\" or \"\\\"",
    "数字太大，超出了数据库能保存的范围。数据未被修改。":
        "The number is too large for the database to store. Nothing was changed.",
    "数据库地址是空的：请写 SQLite 文件路径，或 postgresql+psycopg://用户名:密码@主机:端口/数据库名":
        "The database address is empty: give an SQLite file path, or "
        "postgresql+psycopg://user:password@host:port/database",
    "商家编码太长（最多 100 个字符）": "The merchant SKU code is too long (100 characters at most)",
    "没有要保存的货值说明": "There is no goods value statement to save",
    "规则文件中的原文，按输入保存；窗口中显示为：%1":
        "The rule pack's own text (Chinese), saved as typed; the window shows it as: %1",
    "理赔备注": "Claim note",
    "修改理赔": "Claim edited",
    "添加理赔证据": "Claim evidence added",
    "新运单号": "New tracking no.",
    "店铺名": "Shop name",
    "补发队列": "Reship queue",
    "快递理赔": "Carrier claims",
    "包裹丢失或破损：向快递申请赔偿": "Parcel lost or damaged: claim compensation from the courier",
    "导出 Excel…": "Export to Excel...",
    "导出当前列表（按当前搜索和筛选）中的订单": "Export the orders in the current list (search and filters as shown)",
    "导出订单": "Export orders",
    "已导出 %1 个订单到 %2": "Exported %1 orders to %2",
    "匹配的订单太多，只列出前 %1 个订单的 %2 张售后单；请多输入几个字":
        "Too many matching orders: showing %2 cases of the first %1 orders; type a few more characters",
    "共 %1 个订单": "Orders: %1",
    "还没有售后单": "No after-sales cases yet",
    "从各平台后台导出订单和售后单（退款管理、售后单）并导入，售后单会自动建好；也可以直接登记第一张售后单。\n"
    "订单未导入也可以登记，导入后会自动补全收货人、商品和物流信息。":
        "Export your orders and after-sales lists (refund management, after-sales cases) from each platform's "
        "seller center and import them: the cases are created for you. Or log your first case right away.\n"
        "A case can be logged before its order is imported; the import fills in the recipient, items and "
        "shipping later.",
    "导入订单/售后单…": "Import orders/after-sales...",
    "编号": "ID",
    "平台": "Platform",
    "店铺": "Shop",
    "订单号": "Order no.",
    "买家/收货人": "Recipient",  # a list's title: "Buyer / recipient" took 127 px of the first screen
    "类型": "Type",
    "原因": "Reason",
    "状态": "Status",
    "金额": "Amount",
    "责任方": "Responsible party",
    "下一个时限": "Next deadline",
    "更新时间": "Updated",
    "%n 天": "%n d",
    "%n 小时": "%n h",
    "%n 分钟": "%n min",
    "已逾期 %1": "%1 overdue",
    "剩 %1": "%1 left",
    "订单状态": "Order status",
    "（未导入）": "(not imported)",
    "收货人": "Recipient",
    "手机": "Phone",
    "实付金额": "Amount paid",
    "付款时间": "Paid at",
    "物流公司": "Carrier",
    "物流单号": "Tracking no.",
    # --- the orders tab -------------------------------------------------------------------------
    "为此订单新建售后单": "New case for this order",
    "选择一个订单查看商品和物流。": "Select an order to see its items and shipping.",
    "实付": "Paid",
    "付款": "Paid at",
    "物流": "Shipping",
    "已有 %1 张售后单": "After-sales cases: %1",
    # --- the case detail ------------------------------------------------------------------------
    "编辑": "Edit",
    "操作": "Actions",
    "时间线": "Timeline",
    "时间": "Time",
    "操作人": "By",
    "事件": "Event",
    "备注": "Note",
    "添加跟进备注，回车保存": "Add a follow-up note, press Enter to save",
    "添加备注": "Add note",
    "<b>未选择售后单</b>": "<b>No case selected</b>",
    "在左侧列表中选择一张售后单查看详情。": "Select a case in the list on the left to see its details.",
    "记录于 %1": "Recorded at %1",
    "#%1 已%2，当前状态：%3": "#%1: %2 done; status now %3",
    "平台 / 店铺": "Platform / shop",
    "尚未导入（导入订单后自动补全）": "Not imported yet (filled in when the orders are imported)",
    "收货地址": "Address",
    "￥%1": "¥%1",
    "付款 / 发货": "Paid / shipped",
    "买家留言": "Buyer's message",
    "商品": "Item",
    "规格": "Variant",
    "数量": "Qty",
    "退款金额": "Refund amount",
    "补偿金额": "Compensation amount",
    "平台售后单号": "Platform case no.",
    "申请时间": "Requested at",
    "（仅日期）": " (date only)",
    "签收时间": "Delivered at",
    "登记": "Logged",
    "说明": "Description",
    # actions and editing
    "执行操作：%1": "Action: %1",
    "对 %1 执行“%2”": "Apply \"%2\" to %1",
    "原因或说明（可选）": "Reason or note (optional)",
    "请写明原因": "Please give a reason",
    "发生时间": "Happened at",
    "请填写原因。": "Please enter a reason.",
    "编辑售后单 #%1": "Edit case #%1",
    "（未选）": "(none)",
    "退款金额（元）": "Refund (yuan)",
    "补偿金额（元）": "Compensation (yuan)",
    "未填写时统计按 0 元计": "Left empty, Statistics counts 0 yuan",
    "金额必须大于 0": "The amount must be above 0",
    "（未定）": "(undecided)",
    # --- new case -------------------------------------------------------------------------------
    "搜索已导入的订单：订单号、收货人、手机（可输后四位）、物流单号":
        "Search imported orders: order no., recipient, phone (last 4 digits OK), tracking no.",
    "订单未导入时直接输入订单号": "Order not imported? Type its order no.",
    "售后": "After-sales",
    "元": "yuan",
    "退款": "Refund",
    "补偿": "Compensation",
    "平台上的售后/退款编号（可选）": "After-sales / refund no. on the platform (optional)",
    "买家申请时间": "Buyer requested at",
    "已签收": "Delivered",
    "只知道日期": "Date only",
    "买家诉求、沟通情况……": "What the buyer wants, how the talks went...",
    "保存": "Save",
    "共 %n 个备份": ("%n backup", "%n backups"),
    "没有符合条件的理赔：清空搜索，或把筛选改回“全部”。":
        "No claim matches: clear the search, or set the filters back to \"All\".",
    "还没有快递理赔。包裹丢件或破损时，在售后单或订单上点“快递理赔”，或点上方的“新建理赔”；登记后打印货值说明，交快递网点理赔。":
        "No carrier claims yet. When a parcel is lost or damaged, click \"Carrier claims\" on its case or order, or "
        "\"New claim\" above; then print the goods value statement for the carrier's outlet.",
    "每日自动": "Daily (automatic)",
    "导入前": "Before an import",
    "手动": "By hand",
    "恢复前": "Before a restore",
    "升级前": "Before an upgrade",
    "导入完成，其中 %n 个文件没有导入（原因见下表）。": (
        "Import finished; %n file was not imported (see below why).",
        "Import finished; %n files were not imported (see below why).",
    ),
    "找到 %n 个订单，选择一个；找不到时在下方直接输入订单号。": (
        "Found %n order; choose it, or type the order no. below.",
        "Found %n orders; choose one, or type the order no. below if it is not listed.",
    ),
    "没有找到订单，可在下方直接输入订单号。": "No order found; you can type the order no. below.",
    "已选订单：%1": "Chosen order: %1",
    "请选择一个订单，或输入订单号。": "Please choose an order or enter an order no.",
    # --- importing orders -----------------------------------------------------------------------
    " 等 %1 个文件": " and more (%1 files)",
    "正在导入：%1": "Importing: %1",
    "这是天猫的退款列表…": "This is a Tmall refund list...",
    "淘宝和天猫的退款列表格式相同，已按淘宝导入。天猫店铺点这里，这些售后单改为天猫，按天猫的时效规则重新计算":
        "Taobao and Tmall refund lists look the same, so it was imported as Taobao. A Tmall shop clicks here: "
        "these cases become Tmall's and their deadlines follow Tmall's rules.",
    "正在按天猫重新导入：%1": "Importing again as Tmall: %1",
    "填写官方节假日安排":
        "Enter the official holiday schedule",
    "国务院办公厅每年秋天公布下一年的放假和调休安排。按通知填在这里：这一年的“N个工作日”时限就按它计算，不再标为“估算"
    "”；同一年份已有的安排会被替换。放假日写成一段：2027-10-01..2027-10-07（含其中的周末）；调休上班日只写要上班的周"
    "末。":
        "Each autumn the State Council publishes next year's days off and make-up working days. Enter them "
        "here as published: that year's \"N working days\" deadlines are then counted on them and no longer "
        "marked estimated; a schedule already entered for the year is replaced. Write days off as a span: "
        "2027-10-01..2027-10-07 (weekends inside included); make-up working days: only the weekend days "
        "worked.",
    "年份":
        "Year",
    "放假日（含其中的周末）":
        "Days off (weekends inside included)",
    "调休上班日（周末上班）":
        "Make-up working days (weekends worked)",
    "已有这一年的官方安排（%1），修改后保存即可。":
        "This year's official schedule is entered (%1): change it and save.",
    "程序自带":
        "shipped with the app",
    "还没有这一年的官方安排：下面是按法定节假日的估算（调休未知），请按公布的通知修改。":
        "No official schedule for this year yet: below is the estimate from the statutory holidays (make-up "
        "days unknown); correct it from the published notice.",
    "放假日":
        "Days off",
    "调休上班日":
        "Make-up working days",
    "调休上班日只写周末：%1 本来就是工作日":
        "Make-up working days are weekend days only: %1 is a working day anyway",
    "同一天不能既放假又调休上班：%1":
        "A day cannot be both a day off and a make-up working day: %1",
    "请填写这一年的放假日":
        "Enter this year's days off",
    "删除这一年的安排":
        "Remove this year's schedule",
    "删除本店填写的这一年（填错了时）：这一年改回程序自带的安排或按法定节假日估算，并重新计算时限":
        "Remove the year the shop entered (when it is wrong): the year goes back to the built-in schedule or the "
        "estimate from the statutory holidays, and the deadlines are recomputed",
    "这一年没有本店填写的安排（程序自带的或估算的），无需删除":
        "The shop entered no schedule for this year (it is built in or estimated): nothing to remove",
    "已删除 %1 年的官方安排（%2），这一年改回程序自带的安排或估算；已重新计算 %3 张售后单的时限":
        "Removed the official schedule of %1 (%2); the year is built in or estimated again; recomputed the "
        "deadlines of %3 cases",
    "未删除：%1":
        "Not removed: %1",
    "没有%1（全国年节及纪念日放假办法规定的 %2 放假，补假在内）：请按通知把全年的放假日都写上":
        "No %1 (the national holiday regulations give %2 off, make-up days included): enter every day off of the "
        "year as the notice gives them",
    "已保存 %1 年的官方安排（%2）；已重新计算 %3 张售后单的时限":
        "Saved the official schedule of %1 (%2); recomputed the deadlines of %3 cases",
    "未保存：%1":
        "Not saved: %1",
    "填写官方节假日安排…":
        "Enter the official holiday schedule...",
    "国务院办公厅公布新一年的放假和调休安排后，在这里填写整年的安排":
        "When the State Council publishes next year's holidays and make-up working days, enter the whole year here",
    "这个订单已有 %n 张售后单：如是同一个售后，请在“售后单”页打开它，不要重复登记。": (
        "This order already has %n after-sales case: if it is the same request, open it in the Cases tab "
        "instead of recording it again.",
        "This order already has %n after-sales cases: if it is the same request, open it in the Cases tab "
        "instead of recording it again."),
    "……另有 %1 条提醒": "... and %1 more notes",
    "%1。\n\n仍要为这个包裹再新建一张理赔吗（如同一包裹的另一件商品）？":
        "%1.\n\nCreate another claim for this parcel anyway (for another item in it, say)?",
    "导入还没有完成": "The import is not finished",
    "导入还没有完成。关闭窗口会取消导入：正在导入的文件不会保存任何数据，以后可以重新导入。\n\n要取消导入并关闭吗？":
        "The import is not finished. Closing the window cancels it: nothing from the file being imported is "
        "saved, and you can import it again later.\n\nCancel the import and close?",
    "正在读取文件……": "Reading the files...",
    "文件": "File",
    "新增": "New",
    "更新": "Updated",
    "未变": "Unchanged",
    "失败": "Failed",
    "行": "Row",
    "列": "Column",
    "保存导入报告（xlsx）…": "Save import report (xlsx)...",
    "第 %1/%2 个文件 %3": "File %1/%2 (%3)",
    "：正在读取……": ": reading...",
    "：已处理 %1 行，%2 行/秒": ": %1 rows done, %2 rows/s",
    "正在取消……已导入的部分会全部撤销": "Cancelling... everything imported so far will be undone",
    "导入已取消：被取消的文件没有保存任何数据。": "Import cancelled: nothing from the cancelled file was saved.",
    "订单：新增 %1，更新 %2，未变 %3，失败 %4 行": "Orders: %1 new, %2 updated, %3 unchanged, %4 rows failed",
    "售后单：新建 %1，推进 %2，未变 %3，冲突 %4，时限不一致 %5，失败 %6 行":
        "Cases: %1 new, %2 moved forward, %3 unchanged, %4 conflicts, %5 deadlines differ, %6 rows failed",
    "导入完成。": "Import finished.",
    "售后文件": "After-sales file",
    "推进": "Moved forward",
    "冲突": "Conflicts",
    "时限不一致": "Deadline differs",
    "点击数字，在“售后单”页只列出这些售后单": "Click a number to list just those cases on the Cases tab",
    "已取消": "Cancelled",
    "%1 中“%2”的 %3 张": "%3 \"%2\" of %1",
    "点击取消，显示全部售后单": "Click to show all cases again",
    "仅显示：%1  ✕": "Only: %1  ✕",
    "平台状态": "Platform status",
    "平台原因": "Platform reason",
    "退货物流": "Return parcel",
    "平台时限": "Platform deadline",
    "平台超时自动处理后": "Once the platform acts by itself",
    "平台已自动同意": "Agreed by the platform",
    "平台已同意：%1": "Platform agreed: %1",
    "平台已超时自动处理：%1": "The platform acted by itself: %1",
    "平台已%1，不要再发货": "Platform: %1 — do not ship",
    "%1 前未发出（%2），平台已%3": "Not shipped by %1 (%2); the platform: %3",
    "平台超时自动处理后：%1 %2 到期": "Once the platform acts by itself: %1 due %2",
    "用时 %1 秒": "Took %1 s",
    "导入失败：%1": "Import failed: %1",
    "保存导入报告": "Save import report",
    "Excel 工作簿 (*.xlsx)": "Excel workbook (*.xlsx)",
    "无法保存报告：%1": "Could not save the report: %1",
    "报告已保存：%1": "Report saved: %1",
    "含明细：%1": "With item details from: %1",
    # --- the deadline calendar (时效日历) ---------------------------------------------------------
    "时效日历未能加载：%1": "The deadline calendar could not be loaded: %1",
    "注意：%1": "Note: %1",
    "%1 到期": "Due on %1",
    "%1 没有未完成的时限": "Nothing open is due on %1",
    "%1 到期：%2 条（已逾期 %3，24小时内 %4，以后 %5）":
        "Due on %1: %2 (%3 overdue, %4 within 24 h, %5 later)",
    "，只列出前 %1 条": ", only the first %1 listed",
    "（只列出最紧急的 %1 条）": " (only the %1 most urgent are listed)",
    "已逾期（%1）": "Overdue (%1)",
    "今天/明天到期（%1）": "Due today/tomorrow (%1)",
    "已逾期": "Overdue",
    "24小时内到期": "Due within 24 h",
    "以后到期": "Due later",
    "数字为当天未完成的时限数": "Numbers: open deadlines due that day",
    "到期时间": "Due",
    "剩余": "Time left",
    "时限": "Deadline",
    "到期后果": "When it runs out",
    "售后单 #%1 · %2 · 订单 %3\n%4\n%5 到期（%6）\n到期后果：%7":
        "Case #%1 · %2 · order %3\n%4\nDue %5 (%6)\nWhen it runs out: %7",
    # --- the due-soon reminder -----------------------------------------------------------------
    "售后台账：%1 小时内到期 %2 个": "Aftersales Ledger: %2 due within %1 h",
    "%1：%2": "%1: %2",
    "未能检查即将到期的时限：%1": "Could not check for deadlines due soon: %1",
    "售后单 #%1 %2 %3：%4 到期（%5），%6": "Case #%1 %2 %3: due %4 (%5), then: %6",
    "……另有 %1 个": "...and %1 more",
    "已有 %1 个时限逾期，请在“时效日历”中查看": "%1 deadline(s) already overdue: see the deadline calendar",
    "%1 个时限将在 %2 小时内到期": "%1 deadline(s) due within %2 h",
    "有逾期的时限": "Overdue deadlines",
    # --- deadline rules settings (时效规则) -------------------------------------------------------
    "时效规则": "Deadline rules",
    "平台规则": "Platform rules",
    "工作日调整": "Working days",
    "校验": "Check",
    "恢复默认": "Restore defaults",
    "“工作日”按国家公布的节假日和调休计算。店铺自己的安排写在这里，每行一个日期（YYYY-MM-DD），"
    "它们优先于官方日历，例如仓库放假的日子、周末加班发货的日子。":
        "Working days follow China's official holidays and make-up working days. Put the shop's own "
        "days here, one date per line (YYYY-MM-DD); they win over the official calendar, e.g. a day the "
        "warehouse is closed, or a weekend the shop ships.",
    "例如：": "For example:",
    "额外休息日（不算工作日）": "Extra days off (not working days)",
    "额外工作日（算作工作日）": "Extra working days",
    "通用（其他平台）": "Generic (other platforms)",
    "%1（已修改）": "%1 (edited)",
    "无法读取规则文件：%1": "Cannot read the rule file: %1",
    "正在使用你修改过的规则（%1）。软件升级不会覆盖它。":
        "Using your edited rules (%1). Upgrades never overwrite them.",
    "正在使用软件自带的默认规则。保存后会在数据文件夹中存一份你的副本。":
        "Using the default rules shipped with the app. Saving keeps your own copy in the data folder.",
    "软件自带的默认规则已更新，比你修改的版本新。请对照平台现行规则检查你的修改，"
    "或点“恢复默认”改用新的默认规则（你的修改会被删除）。":
        "The shipped default rules were updated after you edited yours. Check your edits against the "
        "platform's current rules, or click \"Restore defaults\" to use the new defaults (your edits "
        "are deleted).",
    "有 %1 处问题，未保存": "%1 problem(s), not saved",
    "有 1 处问题，未保存": "1 problem, not saved",
    "规则有效：%1 个计时器，%2 个时间窗口": "Rules are valid: %1 timer(s), %2 date window(s)",
    "已保存到 %1；已按新规则重新计算 %2 张售后单的时限":
        "Saved to %1; deadlines of %2 case(s) recomputed with the new rules",
    "已经是默认规则": "Already the default rules",
    "把“%1”的规则恢复为软件自带的默认规则？你对它的修改会被删除。":
        "Restore the default rules for \"%1\"? Your edits to them will be deleted.",
    "已恢复默认规则；已重新计算 %1 张售后单的时限": "Default rules restored; deadlines of %1 case(s) recomputed",
    "未完成：%1": "Not done: %1",
    "额外休息日": "Extra days off",
    "额外工作日": "Extra working days",
    "%1第 %2 行：“%3”不是日期，应写成 YYYY-MM-DD": "%1, line %2: \"%3\" is not a date; write YYYY-MM-DD",
    "同一天不能既是休息日又是工作日：%1": "A day cannot be both a day off and a working day: %1",
    "已保存到 %1；已重新计算 %2 张售后单的时限": "Saved to %1; deadlines of %2 case(s) recomputed",
    "正在保存，请稍候……": "Saving, please wait...",
    "未保存的修改": "Unsaved changes",
    "“%1”的规则改了还没有保存。放弃这些修改并关闭？":
        "The rules for \"%1\" have unsaved changes. Discard them and close?",
    # --- the reship queue (补发队列) -------------------------------------------------------------
    "录入运单号": "Enter tracking no.",
    "批量粘贴运单号": "Paste tracking nos.",
    "缺货改退款": "Out of stock → refund",
    "编辑补发商品": "Edit reship items",
    "打印拣货单": "Print picking list",
    "拣货单存为PDF": "Save picking list as PDF",
    "记录承诺补发": "Record promised reship",
    "查看售后单": "Open case",
    "显示已发出": "Show shipped",
    "筛选 订单号 / 收货人 / 商品 / 运单号": "Filter: order no. / recipient / item / tracking no.",
    "待处理 %1 条，其中已逾期 %2 条": "Waiting: %1, of which overdue: %2",
    "#%1 已同意补发": "#%1: reship approved",
    "拒绝补发": "Refuse reship",
    "平台规则中没有写明拒绝的后果；买家仍可能申请平台介入，请保留聊天记录等凭证。":
        "The platform's rules do not say what follows a refusal; the buyer may still ask the platform to "
        "step in, so keep the chat log and other evidence.",
    "#%1 已拒绝补发": "#%1: reship refused",
    "#%1 补发已发出：%2 %3": "#%1: reship sent: %2 %3",
    "已批量录入 %1 个运单号": "Tracking nos. entered: %1",
    "缺货无法补发：这张售后单将改为“仅退款”（处理中），请与买家协商后在平台上退款。":
        "Out of stock, cannot reship: this case becomes \"Refund only\" (in progress); agree with the buyer "
        "and refund on the platform.",
    "改为退款": "Switch to refund",
    "#%1 已改为仅退款，请在平台上退款": "#%1 is now a refund; refund the buyer on the platform",
    "#%1 补发商品已保存": "#%1: reship items saved",
    "已记录承诺补发 #%1": "Promised reship recorded: #%1",
    "拣货单（补发）": "Picking list (reships)",
    "打印时间：%1，共 %2 个包裹": "Printed %1, %2 parcel(s)",
    "拣货汇总": "Items to pick",
    "逐单明细": "Per parcel",
    "拣货单预览": "Picking list preview",
    "拣货单.pdf": "picking-list.pdf",
    "拣货单已保存到 %1": "Picking list saved to %1",
    "补发商品": "Items to reship",
    "发货时限": "Ship by",
    "承诺时间": "Promised at",
    "逾期后果": "If late",
    "快递 / 运单号": "Carrier / tracking no.",
    "待答复": "Awaiting answer",
    "（未定，订单未导入）": "(not chosen; order not imported)",
    "答复：%1": "Answer: %1",
    "超时发出": "Sent late",
    "按时发出": "Sent on time",
    "%1 前答复（%2），否则%3": "Answer by %1 (%2), else: %3",
    "%1 前发出（%2）": "Ship by %1 (%2)",
    "（按估算的节假日计算）": " (counted on an estimated holiday calendar)",
    "（估算）": " (estimated)",
    "估算：按工作日计算的时限落在还没有官方节假日与调休安排的年份，按周一至周五估算，法定节假日不算工作日，调休未知；"
    "或活动窗口（如双11）还没有当年的日期，按往年的日期估算":
        "Estimated: a working-day deadline in a year without an official holiday schedule, counted Monday to Friday "
        "without the statutory holidays (make-up workdays unknown); or a campaign window (such as Double 11) without "
        "this year's dates, taken from last year's",
    "发出时间：%1": "Sent at %1",
    "录入补发运单号": "Enter reship tracking no.",
    "运单号（扫码枪可直接扫入）": "Tracking no. (a barcode scanner works here)",
    "请填写快递公司": "Please enter the carrier",
    "批量录入补发运单号": "Enter many reship tracking nos.",
    "从 Excel 复制两列粘贴到下面：订单号、运单号；第三列可写快递公司。也可以用逗号分隔。":
        "Copy two columns from Excel and paste them below: order no., tracking no.; a third column may "
        "name the carrier. Commas work as separators too.",
    "没有第三列时的快递公司": "Carrier when there is no third column",
    "运单号以快递公司的字母开头时（SF…顺丰、YT…圆通）按运单号的快递公司录入":
        "A tracking no. that starts with a carrier's letters (SF... SF Express, YT... YTO) is entered with that "
        "carrier",
    "可录入 %1 条，有问题 %2 条。有问题的行不会录入。":
        "Ready: %1, with problems: %2. Lines with problems are not entered.",
    "已录入 %1 条，有问题 %2 条（未录入）。": "Entered: %1, with problems: %2 (not entered).",
    "录入 %1 条": "Enter %1",
    "已录入过，跳过": "Already entered, skipped",
    "表头，跳过": "Header, skipped",
    "尚未同意补发": "Reship not approved yet",
    "有多张待补发售后单": "Several reships waiting",
    "已发出（另一运单号）": "Already sent (other tracking no.)",
    "默认为订单中的全部商品；只补发缺少的那几件时请修改数量或删除多余的行。":
        "All items of the order are filled in; to reship only what is missing, change the quantities or "
        "delete the extra lines.",
    "在聊天中答应了买家补发？记下来，补发队列会按平台规则提醒发货时限。":
        "Promised a reship in chat? Record it, and the reship queue keeps its ship-by deadline under the "
        "platform's rules.",
    "例如：少发一只袜子": "e.g. one sock missing",
    # --- carrier claims (快递理赔) -------------------------------------------------------------
    "下次跟进": "Next follow-up",
    "到账金额": "Amount received",
    "到账金额（元）": "Amount received (yuan)",
    "对理赔 #%1 执行“%2”": "\"%2\" on claim #%1",
    "本次到账金额（必填）": "Amount received now (required)",
    "理赔操作：%1": "Claim action: %1",
    "结案时又到账的金额；没有可留空": "Amount received on closing; leave empty if none",
    "网点、联系人、对方说法……（可选）": "Branch, contact, what they said... (optional)",
    "部分赔付请填写本次到账金额。": "For a partial payment, enter the amount received.",
    "默认 %1 元（剩余申请金额）": "Default %1 yuan (the rest of the claim)",
    "<b>未选择理赔</b>": "<b>No claim selected</b>",
    "保价金额": "Declared value",
    "修改跟进时间": "Change follow-up",
    "关联售后单/补发": "Link case / reship",
    "删除所选证据": "Remove selected evidence",
    "单价": "Unit price",
    "发货时间": "Shipped at",
    "图片 (*.jpg *.jpeg *.png *.gif *.bmp *.webp);;所有文件 (*)":
        "Images (*.jpg *.jpeg *.png *.gif *.bmp *.webp);;All files (*)",
    "在左侧列表中选择一条理赔查看详情。": "Select a claim in the list on the left to see its details.",
    "外箱和面单照片、破损照片、称重记录、聊天截图":
        "Photos of the box and label, of the damage, weighing records, chat screenshots",
    "已为理赔 #%1 添加 %2 个证据文件": "Added %2 evidence file(s) to claim #%1",
    "已到账": "Received",
    "待追回": "Outstanding",
    "提交货值说明": "Submit goods value statement",
    "新建理赔": "New claim",
    "添加证据": "Add evidence",
    "理赔 #%1 已%2，当前状态：%3": "Claim #%1: %2 done, now %3",
    "理赔 #%1 已%2：本次到账 %3 元，累计到账 %4 元（未填申请金额）；当前状态：%5":
        "Claim #%1: %2 done: %3 yuan received now, %4 yuan in all (no amount claimed entered); now %5",
    "理赔 #%1 已%2：本次到账 %3 元，累计到账 %4 元，还差 %6 元未赔；当前状态：%5":
        "Claim #%1: %2 done: %3 yuan received now, %4 yuan in all, %6 yuan still outstanding; now %5",
    "理赔 #%1 已%2：本次到账 %3 元，累计到账 %4 元，申请的金额已全部到账；当前状态：%5":
        "Claim #%1: %2 done: %3 yuan received now, %4 yuan in all, the amount claimed is fully paid; now %5",
    "理赔款用于补发": "Compensation funds reship",
    "申请金额": "Claimed",
    "结束时间": "Finished at",
    "订单实付": "Order paid",
    "记录": "History",
    "证据": "Evidence",
    "货值说明": "Goods value statement",
    "选择证据文件（可多选）": "Choose evidence files (several allowed)",
    "快递公司": "Carrier",
    "跟进日期": "Follow-up",
    "运单号": "Tracking number",
    "共 %1 条 &nbsp; 已申请 %2 &nbsp; 已到账 %3 &nbsp; 待追回 %4":
        "Claims: %1 &nbsp; claimed %2 &nbsp; received %3 &nbsp; outstanding %4",
    "为所选理赔生成货值说明（可多选，同一快递一次打印）":
        "Goods value statements for the selected claims (select several to print one carrier's at once)",
    "今天需跟进": "Follow up today",
    "全部快递": "All carriers",
    "已新建快递理赔 #%1": "Created carrier claim #%1",
    "已申请": "Claimed",
    "打印货值说明": "Print goods value statement",
    "条数": "Claims",
    "（未填快递）": "(no carrier)",
    "保价金额（元）": "Declared value (yuan)",
    "申请金额（元）": "Claimed amount (yuan)",
    "编辑理赔 #%1": "Edit claim #%1",
    "不再提醒（清除跟进时间）": "No more reminders (clear the follow-up)",
    "原因（可选）": "Reason (optional)",
    "跟进时间": "Follow-up time",
    "关联售后单 / 补发": "Link case / reship",
    "售后单 #": "Case #",
    "快递赔付后由店铺补发给买家：关联补发所在的售后单，两边的时间线都会记录。":
        "Once the carrier pays, the shop reships to the buyer: link the case of that reship; both timelines record it.",
    "理赔款用于补发：售后单 #": "Compensation funds the reship of case #",
    "（不关联）": "(none)",
    " / %1 件": " / %1 pcs",
    "事故经过：网点、联系人、快递员说法……": "What happened: branch, contact, what the courier said...",
    "元（保价时填写）": "yuan (if the parcel was insured)",
    "元；默认为买家为所选商品实付的金额": "yuan; defaults to what the buyer paid for the chosen items",
    "勾选受损或丢失的商品；只坏了几件时调整数量。":
        "Tick the damaged or lost items; lower the quantity when only some pieces are affected.",
    "受损/丢失的商品": "Damaged / lost items",
    "售后单 #%1": "Case #%1",
    "实付 ￥%1": "paid ¥%1",
    "尚未选择订单": "No order chosen yet",
    "新建快递理赔": "New carrier claim",
    "没有找到订单。快递理赔需要订单信息，请先导入该订单。":
        "No order found. A carrier claim needs the order: import it first.",
    "理赔": "Claim",
    "理赔金额": "Claim value",
    "订单没有商品明细：请直接填写申请金额。": "The order has no item lines: enter the claimed amount directly.",
    "请先选择订单。": "Choose an order first.",
    "请至少勾选一件商品。": "Tick at least one item.",
    # === the core vocabulary (context "Vocabulary") ==============================================
    # case status
    "待处理": "Pending",
    "处理中": "In progress",
    "等待买家退货": "Awaiting buyer's return",
    "买家已寄回，但没有登记退货运单号：再点“买家已寄回”补上，包裹到了在“退货入库”扫描它就能找到本单":
        "The buyer shipped the return but its tracking no. is not recorded: press 'Buyer shipped return' again to add "
        "it, so scanning the parcel at the returns desk finds this case",
    "可选，如 中通快递": "Optional, e.g. ZTO Express",
    "到货时在“退货入库”扫描这个单号即可找到本单": "Scanned at the returns desk when it arrives, it finds this case",
    "退货快递": "Return courier",
    "更正退货运单…": "Correct return tracking...",
    "买家换了运单号或先前填错时，登记正确的运单号（确认收货的时限不变）":
        "When the buyer changed the tracking no. or gave a wrong one: record the right one (the deadline to confirm "
        "receipt stays)",
    "扫描或输入运单号": "Scan or type the tracking no.",
    "退货运单号": "Return tracking no.",
    "。运单 %1 已作为无主件 #%2 入库，请在“退货入库”把它关联到本单":
        ". Parcel %1 was already received as unmatched parcel #%2: link it to this case at the returns desk",
    "已收到退货": "Return received",
    "退款已在收到退货前完成，退回商品完好入库：可以结束这张售后单":
        "The refund was made before the return arrived and the goods came back fine: the case can be completed",
    "退款已在收到退货前完成：拍照留证后联系买家协商补偿差价；协商不成在平台后台申请客服介入，上传验货照片":
        "The refund was made before the return arrived: take photos, then ask the buyer to make up the difference; "
        "if they refuse, ask the platform's customer service to step in and upload the inspection photos",
    "钱已经退给买家，不能再退款或拒绝退款": "The money is already back with the buyer: no refund to make or refuse",
    "这张售后单已结束（%1）：核对包裹是否属于它；还需要处理时先“重新打开”":
        "This case has ended (%1): check the parcel belongs to it; reopen it first if there is more to do",
    "验货只记在售后单的时间线上，状态不变": "The inspection is only noted on the case's timeline; its state stays",
    "待补发": "Reship pending",
    "维修中": "In repair",
    "已退款": "Refunded",
    "已补发": "Reshipped",
    "已换货": "Exchanged",
    "已修好寄回": "Repaired & sent back",
    "已补偿": "Compensated",
    "平台介入中": "Platform intervening",
    "已完成": "Completed",
    "已拒绝": "Rejected",
    "已关闭": "Closed",
    # case actions (buttons and timeline entries)
    "开始处理": "Start handling",
    "同意退货": "Approve return",
    "买家已寄回": "Buyer shipped return",
    "确认收到退货": "Confirm return received",
    "同意补发": "Approve reship",
    "补发已发出": "Reship sent",
    "换货已发出": "Exchange sent",
    "开始维修": "Start repair",
    "修好寄回": "Send back repaired",
    "平台介入": "Platform intervention",
    "恢复处理": "Resume handling",
    "完成": "Complete",
    "拒绝": "Reject",
    "关闭": "Close",
    "重新打开": "Reopen",
    "交易成功": "Order completed",
    # platforms
    "淘宝": "Taobao",
    "天猫": "Tmall",
    "拼多多": "Pinduoduo",
    "抖店": "Douyin Shop",
    "京东": "JD",
    "其他": "Other",
    # case kinds
    "仅退款": "Refund only",
    "退货退款": "Return & refund",
    "换货": "Exchange",
    "补发": "Reship",
    "部分退款/补偿": "Partial refund / compensation",
    "返修": "Repair",
    "中差评": "Negative review",
    "维权/投诉": "Dispute / complaint",
    # reasons
    "漏发少件": "Missing items",
    "错发": "Wrong item sent",
    "破损": "Damaged",
    "丢件": "Lost in transit",
    "签收未收到": "Shown delivered, not received",
    "超区": "Outside delivery area",
    "质量问题": "Quality problem",
    "七天无理由": "7-day no-reason return",
    "物流停滞": "Shipment stuck",
    "一直未收到货": "Never received",
    "尺码/颜色不合适": "Wrong size / colour",
    "不想要了": "Changed mind",
    "描述不符": "Not as described",
    "延迟发货": "Late shipment",
    "虚假发货": "Fake shipment",
    "违背承诺": "Broken promise",
    # responsible parties
    "商家": "Shop",
    "快递": "Carrier",
    "买家": "Buyer",
    "供应商/档口": "Supplier / stall",
    # milestones
    "买家付款": "Buyer paid",
    "商家发货": "Shop shipped",
    "买家签收": "Delivered to buyer",
    "买家申请售后": "Buyer requested after-sales",
    "买家寄回退货": "Buyer shipped return",
    "收到退货": "Return received",
    # timeline entry kinds (新建售后单 and 备注 are above / in EN_IN_CONTEXT)
    "修改": "Edited",
    # timer names of the shipped rule packs
    "处理补寄申请（48小时）": "Handle reship request (48 h)",
    "处理补寄申请（48小时，一直未收到货）": "Handle reship request (48 h, never received)",
    "处理维修申请（48小时）": "Handle repair request (48 h)",
    "处理维修申请（5天）": "Handle repair request (5 days)",
    "补寄发货并上传运单号（48小时）": "Ship reship and upload tracking no. (48 h)",
    "补寄发货并上传运单号（48小时，一直未收到货）": "Ship reship and upload tracking no. (48 h, never received)",
    "七天无理由退货期": "7-day no-reason return period",
    "售后期（确认收货后15天）": "After-sales period (15 days after receipt confirmed)",
    "售后期（交易成功后15天）": "After-sales period (15 days after order completed)",
    "补发（3个工作日内）": "Reship (within 3 working days)",
    "承诺补发（承诺履约）": "Promised reship (keep the promise)",
    "发货时效（付款后72小时）": "Ship on time (72 h after payment)",
    "处理售后申请（72小时后买家可申请介入）":
        "Handle after-sales request (after 72 h the buyer may ask the platform to step in)",
    "处理七天无理由退换货申请": "Handle 7-day no-reason return/exchange request",
    "处理仅退款申请（5天）": "Handle refund-only request (5 days)",
    "处理退货退款/换货申请（5天）": "Handle return/exchange request (5 days)",
    "处理仅退款申请（48小时）": "Handle refund-only request (48 h)",
    "处理退货退款/换货申请（48小时）": "Handle return/exchange request (48 h)",
    "七天无理由退换货期": "7-day no-reason return/exchange period",
    "买家确认收到补寄商品": "Buyer confirms the reshipped item",
    "买家确认换货完成": "Buyer confirms the exchange",
    "买家确认维修完成": "Buyer confirms the repair",
    "平台介入后上传凭证": "Upload evidence after the platform steps in",
    "买家举证后处理（3日）": "Answer the buyer's evidence (3 days)",
    "已上传凭证": "Evidence uploaded",
    "退货途中退款": "Refund while the return is on its way",
    "买家已举证": "Buyer submitted evidence",
    "买家寄回退货（同意后7天）": "Buyer ships return (7 days after approval)",
    "确认收到退货（买家寄回后10天）": "Confirm return received (10 days after buyer ships)",
    "商家处理退款申请（5天）": "Shop handles refund request (5 days)",
    "商家处理换货申请（5天）": "Shop handles exchange request (5 days)",
    "双11发货时效": "Double 11 shipping time",
    "春节售后时效": "Spring Festival after-sales times",
    "赔付": "Penalty",
    "%1（%2 元）": "%1 (¥%2)",
    "已超时（%1）": "Missed (%1)",
    "%1 前未完成": "Not done by %1",
    "%1：%2须赔付 %3 元": "%1: %2, the shop pays ¥%3",
    "%1：%2须赔付，金额未知（订单未导入）": "%1: %2, the shop pays an amount not known (the order was not imported)",
    "（赔付金额未知：订单未导入，最高30元）": " (amount owed unknown: order not imported, at most ¥30)",
    "（仅退款，已改类型）": " (when it was a refund only; kind changed)",
    "（退货退款，已改类型）": " (when it was a return & refund; kind changed)",
    "（换货，已改类型）": " (when it was an exchange; kind changed)",
    "（补发，已改类型）": " (when it was a reship; kind changed)",
    "（部分退款/补偿，已改类型）": " (when it was a partial refund / compensation; kind changed)",
    "（返修，已改类型）": " (when it was a repair; kind changed)",
    "（中差评，已改类型）": " (when it was a negative review; kind changed)",
    "（维权/投诉，已改类型）": " (when it was a dispute / complaint; kind changed)",
    "%1还没有%2年的“%3”时间窗口：平台每年公告当年的日期和时长，本软件不按往年估算，这段时间申请的售后按平时的时效计算"
    "。公告出来后请在“时效规则”中添加当年的窗口。":
        "%1 have no \"%3\" window for %2 yet: the platform announces each year's dates and durations, so none is "
        "estimated from earlier years and requests made then are counted with the usual durations. Add this year's "
        "window under Deadline rules once it is announced.",
    "（时长为估计）": " (duration assumed)",
    "（按平台自动同意起算）": " (counted from the platform's automatic approval)",
    "时效规则需要更新（%1 条提醒），详见“时效日历”":
        "The deadline rules need updating (%1 notes): see Deadline calendar",
    "还没有%1年的官方节假日与调休安排：落在%1年的工作日时限按周一至周五估算，法定节假日不算工作日，调休未知（标为“估"
    "算”）。安排公布后，请在“时效规则”→“工作日调整”点“填写官方节假日安排…”填入当年的安排。":
        "No official %1 holiday and make-up workday schedule yet: working-day deadlines falling in %1 are estimated "
        "as Monday to Friday without the statutory holidays, make-up workdays unknown (marked \"estimated\"). "
        'Once it is published, enter it under Deadline rules → Working days → "Enter the official holiday '
        'schedule...".',
    "%1还没有%2年的“%3”时间窗口：按往年的日期估算，相关时限标为“估算”。活动公告出来后请在“时效规则”中添加当年的窗口。":
        "%1 have no \"%3\" window for %2 yet: estimated from last year's dates, and the deadlines concerned are marked "
        "\"estimated\". Add this year's window under Deadline rules once the campaign is announced.",
    "、": ", ",
    # carrier claims: incidents, statuses, actions
    "关闭理赔": "Close claim",
    "升级快递总部": "Escalated to carrier HQ",
    "国家邮政局申诉": "State Post Bureau appeal",
    "少件/内件缺失": "Missing contents",
    "已提交货值说明": "Statement submitted",
    "已赔付": "Paid",
    "延误": "Delayed",
    "待提交": "To submit",
    "拒赔": "Refused",
    "网点已受理": "Accepted by branch",
    "部分赔付": "Partially paid",
    # --- the goods value statement (货值说明) and the shop details (店铺信息) -------------------------
    "这些信息印在货物价值说明上，交给快递网点理赔时使用。":
        "These details are printed on goods value statements, which you hand to the carrier's branch to claim.",
    "例如：某某家纺旗舰店": "e.g. Cozy Home Textiles Flagship Store",
    "发货地址或店铺地址": "Shipping or shop address",
    "开户行、账号、户名，或支付宝账号和姓名": "Bank, account number and holder, or Alipay account and name",
    "印章图片为透明背景的 PNG 最好；不上传时，打印后盖章即可。":
        "A PNG with a transparent background works best; without one, stamp the printed page by hand.",
    "图片 (*.png *.jpg *.jpeg)": "Images (*.png *.jpg *.jpeg)",
    "店铺信息未填写：%1。这些格子会留空，可打印后手写。":
        "Shop details missing: %1. Those boxes stay empty; fill them in by hand after printing.",
    "所选理赔属于不同的快递公司（%1），网点通常只受理自己的快件。":
        "The selected claims are with different carriers (%1); a branch usually accepts only its own parcels.",
    "共 %n 份，每份一页 A4": ("%n statement, one A4 page", "%n statements, one A4 page each"),
    "无法生成货值说明": "Cannot make the goods value statement",
    "打印预览 — 货物价值说明": "Print preview — goods value statement",
    "货物价值说明-%1份": "goods-value-statements-%1",
    "正在生成 PDF……": "Writing the PDF...",
    # --- importing other sheets: the column mapping -----------------------------------------------
    "导入其他表格…": "Import other sheet...",
    "供应商的表格、自己的旧台账等：预览后指定各列的含义，保存为方案再导入":
        "A supplier's sheet, your own old ledger...: preview it, say what each column holds, save that as a "
        "mapping and import",
    "已保存的列对应方案…": "Saved column mappings...",
    "选择要按列对应导入的表格": "Choose the sheet to import by mapping its columns",
    "文件夹“%1”里没有可导入的表格（.csv、.xlsx、.xls）": 'The folder "%1" holds no sheet to import (.csv, .xlsx, .xls)',
    "表格 (*.xlsx *.xls *.csv *.txt);;所有文件 (*)": "Spreadsheets (*.xlsx *.xls *.csv *.txt);;All files (*)",
    "按列对应导入…": "Import by mapping columns...",
    "表头认不出的表格（供应商的表格、自己的台账）：指定各列的含义后导入":
        "Sheets whose headers were not recognised (a supplier's sheet, your own ledger): say what each "
        "column holds, then import",
    "导入其他表格：按列对应": "Import other sheet: map the columns",
    "文件：%1": "File: %1",
    "说明每一列是什么：订单按“订单号”导入和合并，只导入选择了的列。保存后，表头相同的表格以后会自动识别。":
        "Say what each column holds: orders are imported and merged by their order no., and only the chosen "
        "columns are imported. Once saved, sheets with the same headers are recognised automatically.",
    "工作表": "Sheet",
    "表头所在行": "Header row",
    "例如：某某档口发货回单": "e.g. Supplier X shipping list",
    "订单号属于哪个平台：与已导入的同平台订单按订单号合并":
        "The platform the order numbers belong to: they merge with that platform's imported orders",
    "一行一个订单": "One row per order",
    "一行一个商品，同一订单号的行合并为一个订单": "One row per item; rows with the same order no. form one order",
    "一行一个商品": "One row per item",
    "方案名称": "Mapping name",
    "每行是": "Each row is",
    "收货与物流": "Delivery",
    "保存并导入": "Save and import",
    "买家昵称": "Buyer nickname",
    "商品总价": "Goods total",
    "邮费": "Postage",
    "商家备注": "Seller note",
    "确认收货时间": "Receipt confirmed at",
    "商品名称": "Item name",
    "商品规格": "Item variant",
    "商家编码": "SKU code",
    "这个工作表是空的": "This sheet is empty",
    "没有认出表头行：请选择表头在第几行": "No header row recognised: choose the row the header is in",
    "预览前 %1 行；表头行以黄色标出": "First %1 rows; the header row is highlighted in yellow",
    # --- 导入其他表格 for after-sales sheets (issue 12) ------------------------------------------------
    "订单表格（发货单、订单台账）还是售后表格（ERP 售后单、售后台账）":
        "An order sheet (shipping list, order ledger) or an after-sales sheet (ERP after-sales list, case ledger)",
    "导入为": "Import as",
    "时间与退货": "Times and return",
    "商品与买家": "Goods and buyer",
    "售后单号": "After-sales no.",
    "售后类型": "After-sales type",
    "售后状态": "After-sales status",
    "售后原因": "After-sales reason",
    "问题描述": "Problem description",
    "完结时间": "Finished at",
    "平台处理时限": "Platform deadline",
    "退货物流公司": "Return carrier",
    "退货物流单号": "Return tracking no.",
    "说明每一列是什么：售后单按“平台 + 售后单号”导入，再次导入时向前推进，订单按订单号关联；只导入选择了的列。"
    "保存后，表头相同的表格以后会自动识别（界面和 import-cases 命令都会）。":
        "Say what each column holds: cases are imported by platform + after-sales no. and move forward when "
        "imported again, linked to their orders by order no.; only the chosen columns are imported. Once saved, "
        "sheets with the same headers are recognised automatically (by the window and by import-cases).",
    "售后单号属于哪个平台：再次导入时按平台和售后单号找到同一张售后单":
        "The platform the after-sales numbers belong to: an import finds the same case again by platform and number",
    "预览的数据行中 %1 行可以导入，%2 行有问题：": "Of the preview's data rows %1 can be imported, %2 have problems:",
    "“%1”列：": "column \"%1\": ",
    "第 %1 行": "Row %1 ",
    "这个表格的表头已能被“%1”自动识别，直接用“导入”即可。":
        "These headers are already recognised as \"%1\": just use Import.",
    "一行一个售后单": "One row per case",
    "无法读取": "Cannot read",
    "（不导入）": "(not imported)",
    "%1（%2 列）": "%1 (column %2)",
    "（%1 列，无表头）": "(column %1, no header)",
    "……另有 %1 个问题": "...and %1 more problems",
    "这个表格的表头已能被“%1”自动识别，直接用“导入订单”即可；保存的方案只在这次导入时使用。":
        "These headers are already recognised as \"%1\": Import orders reads them as they are; a saved mapping "
        "is only used for this import.",
    "已有名为“%1”的方案，保存会替换它。": "A mapping named \"%1\" exists; saving replaces it.",
    "正在保存……": "Saving...",
    "未能保存": "Not saved",
    "已保存的列对应方案": "Saved column mappings",
    "表头含有方案中全部列名的表格，导入时会自动按方案读取（程序自带的平台格式优先）。":
        "A sheet whose header has every column of a mapping is read with that mapping when imported (the "
        "built-in platform formats come first).",
    "识别的列": "Columns recognised",
    "还没有保存任何列对应方案。用“导入其他表格…”导入一个表格时即可保存。":
        "No column mapping saved yet. Save one when importing a sheet with \"Import other sheet...\".",
    "打开所在文件夹": "Open the folder",
    "删除": "Delete",
    "取消": "Cancel",
    "删除列对应方案": "Delete column mapping",
    "删除方案“%1”？以后这种表格需要重新对应各列。":
        "Delete the mapping \"%1\"? Sheets like this will need their columns mapped again.",
    # --- the 统计 tab, the cost of a case, claim details (issue 17) ----------------------------
    "按类型": "By kind",
    "按原因": "By reason",
    "按平台": "By platform",
    "按责任方": "By responsible party",
    "补偿买家": "Paid to buyers",
    "运费（本店承担）": "Postage (paid by the shop)",
    "货损（成本价）": "Goods written off (cost)",
    "平台处罚": "Platform penalties",
    "向快递索赔": "Claimed from carriers",
    "快递已赔付": "Paid by carriers",
    "净损失": "Net loss",
    "待退款": "Refunds pending",
    "退款、补偿买家：已付给买家的金额（售后单有“退款”“退货途中退款”或“已补偿”这一步，含平台自动退款）；待退款：进行中"
    "的售后单申请了、还没付的金额，不计入净损失":
        "Refund, paid to buyers: what reached the buyer (the case has a Refund, Refund while the return is on its way "
        "or Compensated step, the platform's automatic refunds included); refunds pending: what open cases asked for "
        "and were not paid yet, not in the net loss",
    "退款和补偿还没有付给买家（没有“退款”或“已补偿”这一步），不计入净损失":
        "The refund and compensation have not been paid to the buyer yet (no Refund or Compensated step): "
        "they are not in the net loss",
    "售后单已结束，退款和补偿没有付给买家（没有“退款”或“已补偿”这一步），不计入净损失":
        "The case has ended and the refund and compensation were not paid to the buyer (no Refund or "
        "Compensated step): they are not in the net loss",
    "费用": "Costs",
    "金额（元）": "Amount (yuan)",
    "按时": "Met",
    "超时": "Missed",
    "按时率": "Met share",
    "当前逾期": "Overdue now",
    "处理时长中位数": "Median time to resolve",
    "时效": "Timeliness",
    "售出件数": "Pieces sold",
    "每百件售后": "Cases per 100 sold",
    "按商品（售后最多的 20 个）": "By product (20 with most cases)",
    "发货单数": "Parcels",
    "每百单丢损": "Lost/damaged per 100",
    "按快递": "By carrier",
    "问题": "Problem",
    "待跟进的理赔": "Claims to chase",
    "本月": "This month",
    "上月": "Last month",
    "近 30 天": "Last 30 days",
    "今年": "This year",
    "自定义": "Custom",
    "至": "to",
    "统计失败：%1": "Statistics failed: %1",
    "%1 至 %2：售后单 %3 张（进行中 %4），净损失 %5 元；向快递索赔 %6 元，已赔付 %7 元，待追回 %8 元":
        "%1 to %2: %3 after-sales cases (%4 open), net loss ¥%5; claimed from carriers ¥%6, "
        "paid ¥%7, outstanding ¥%8",
    "合计": "Total",
    "（未填）": "(not given)",
    "超过 %1 天": "Older than %1 days",
    "缺少证据": "No evidence",
    "缺少理赔单号": "No ticket number",
    "待跟进的理赔（%1 件未结束）": "Claims to chase (%1 open)",
    "导出统计": "Export statistics",
    "已导出到 %1": "Exported to %1",
    "单击列出这些售后单": "Click to list these cases",
    "点击取消统计筛选": "Click to clear the statistics filter",
    "统计：%1  ✕": "Statistics: %1  ✕",
    "售后单 #%1 的费用": "Costs of case #%1",
    "正在读取……": "Reading...",
    "补发/换货/返修寄出的运费": "Postage of the reship, exchange or repair parcel",
    "买家退回包裹的运费": "Postage of the buyer's return parcel",
    "按“谁过错谁承担”自动判断": "By the rule: whoever is at fault pays",
    "补发或退回后不能再卖的货，按成本价": "Goods reshipped or returned unsellable, at cost price",
    "平台的罚款、赔付给买家的违约金": "Platform fines and compensation the platform made the shop pay",
    "寄出运费（元）": "Postage out (yuan)",
    "退回运费（元）": "Return postage (yuan)",
    "退回运费承担方": "Return postage paid by",
    "货损（成本价，元）": "Written off at cost (yuan)",
    "平台处罚（元）": "Platform penalty (yuan)",
    "退款 %1 元，补偿 %2 元，本店承担运费 %3 元，快递已赔付 %4 元；净损失 %5 元":
        "Refund %1 yuan, compensation %2 yuan, postage paid by the shop %3 yuan, paid by carriers %4 yuan; "
        "net loss %5 yuan",
    "寄出运费": "Postage out",
    "退回运费": "Return postage",
    "货损": "Written off",
    "运费、货损、平台处罚和净损失": "Postage, goods written off, penalties and the net loss",
    "（不注明）": "(not said)",
    "赔付方式": "Paid by",
    "理赔单号/联系人": "Ticket / contact",
    "未注明方式": "channel not given",
    "理赔单号": "Ticket no.",
    "对接方": "Dealing with",
    "报案时间": "Reported on",
    "理赔 #%1：理赔单号与联系人": "Claim #%1: ticket and contact",
    "快递给的理赔单号/工单号": "The carrier's claim or ticket number",
    "网点名称、联系人、电话": "Outlet, contact person, phone",
    "联系人": "Contact",
    "已向快递报案": "Reported to the carrier",
    "网点": "Outlet",
    "客服": "Customer service",
    "总部": "Head office",
    "银行转账": "Bank transfer",
    "运费抵扣": "Freight bill deduction",
    "现金": "Cash",
    "按成本价表": "From the cost table",
    "之前已付 %1 元；填写这次付的金额（累加）": "¥%1 paid before; enter what this step paid (it adds up)",
    "按商家编码的成本价表，计算补发的商品（其他售后单：订单的商品）的成本":
        "Price the goods reshipped (other cases: the order's goods) with the cost table by merchant code",
    "成本价表中没有这些商品：%1。可以导入成本价表（Excel 或 CSV，含“商家编码”和“成本价”两列），或直接填写金额。":
        "The cost table has no price for: %1. Import a cost table (Excel or CSV with the columns 商家编码 and "
        "成本价), or type the amount.",
    "导入成本价表…": "Import cost table...",
    "导入成本价表": "Import cost table",
    "成本价表 (*.xlsx *.xls *.csv)": "Cost tables (*.xlsx *.xls *.csv)",
    "成本价表已导入：新增 %1 个，更新 %2 个": "Cost table imported: %1 added, %2 updated",
    # --- the returns desk (退货入库), bulk actions, case export, the case guide -------------------------
    "退货入库": "Returns desk",
    "扫描或输入退货运单号，回车查找": "Scan or type the return tracking number, then Enter",
    "查找": "Find",
    "包裹": "Parcel",
    "扫描退货包裹上的运单号：找到售后单后显示应退回的商品。":
        "Scan the tracking number on the returned parcel: once its case is found, what should be inside is shown.",
    "验货结果：": "Inspection: ",
    "例如：吊牌已剪、少一只袜子、箱内是别家商品":
        "e.g. tag cut off, one sock missing, another shop's goods inside",
    "下一步": "Next step",
    "买家寄出超过": "Shipped by the buyer more than",
    "天仍未收到的退货（在平台确认收货时限前催一催）":
        "days ago and not received yet (chase them before the platform's confirmation timer runs out)",
    "退货运单": "Return parcel",
    "寄出时间": "Shipped",
    "快递（推测）": "Carrier (guessed)",
    "收到时间": "Received",
    "验货": "Inspection",
    "关联到售后单…": "Match to a case...",
    "关联到售后单": "Match to a case",
    "在途退货": "Returns on the way",
    "无主件": "Unmatched parcels",
    "未知": "Unknown",
    "在途退货（%1）": "Returns on the way (%1)",
    "无主件（%1）": "Unmatched parcels (%1)",
    "没有售后单登记了运单号 %1。验货后记录为无主件，之后可关联到售后单。":
        "No case has the return tracking number %1. The inspection will be kept as an unmatched parcel, "
        "to be matched to its case later.",
    "（此包裹已于 %1 作为无主件 #%2 入库）": " (this parcel came in on %1 as unmatched parcel #%2)",
    "应退回：（订单未导入，没有商品明细）": "Should contain: (order not imported, no items known)",
    "应退回：": "Should contain:",
    "已验货：": "Inspected: ",
    "请先扫描或输入退货运单号": "Scan or type the return tracking number first",
    "运单 %1 没有对应的售后单：已登记为无主件 #%2（%3，%4）。":
        "Tracking number %1 matches no case: recorded as unmatched parcel #%2 (%3, %4).",
    "快递未知": "carrier unknown",
    "已确认收货": "Receipt confirmed",
    "状态未变": "Status unchanged",
    "记为“%1”（#%2）": "Record \"%1\" (#%2)",
    "售后单 #%1 已记为“%2”": "Case #%1 recorded as \"%2\"",
    "请先在无主件列表中选一个包裹": "Choose a parcel in the unmatched list first",
    "售后单编号：": "Case number:",
    "无主件 #%1 已关联到售后单 #%2": "Unmatched parcel #%1 matched to case #%2",
    "建议：": "Suggested: ",
    "批量操作…": "Bulk action...",
    "批量操作（%1）…": "Bulk action (%1)...",
    "按住 Ctrl 或 Shift 选择多张售后单，对它们执行同一操作":
        "Hold Ctrl or Shift to select several cases and apply one action to all of them",
    "完成已退款的…": "Complete the refunded...",
    "平台已退款、只等完成的未结束售后单（按当前的平台、店铺、类型和搜索）：一次全部完成":
        "Open cases the platform has refunded, waiting only to be completed (by the current platform, shop, type "
        "and search): complete them all at once",
    "当前列表中没有已退款、待完成的售后单": "No refunded case waiting to be completed in this list",
    "导出当前列表（按当前搜索、筛选和排序）中的售后单":
        "Export the cases in the list (current search, filters and sort)",
    "导出售后单": "Export cases",
    "已导出 %1 张售后单到 %2": "Exported %1 cases to %2",
    "批量操作（%1 张售后单）": "Bulk action (%1 cases)",
    "操作：": "Action:",
    "备注（写入每张售后单的时间线）": "Note (written to each case's timeline)",
    "执行": "Run",
    "将给 %1 张售后单添加同一条备注": "The same note will be added to %1 cases",
    "完成 %1 张，未执行 %2 张": "%1 done, %2 not done",
    "已添加备注": "Note added",
    "话术：": "Reply script:",
    "复制": "Copy",
    "编辑步骤和话术…": "Edit steps and scripts...",
    "修改处理步骤、运费规则和话术，或添加本店自己的；保存为本店的版本":
        "Change the steps, postage rule and reply scripts, or add your own; saved as the shop's own version",
    "店铺策略…": "Shop policies...",
    "店铺策略": "Shop policies",
    "处理步骤（%1）": "Steps (%1)",
    "运费：%1": "Postage: %1",
    "时限：": "Deadline: ",
    "开启后，符合条件的售后单会显示对应的建议（只是建议，不会替你在平台上操作）。":
        "When switched on, matching cases show the suggestion (only a suggestion: nothing is done on the platform "
        "for you).",
    "备注：": "Note:",
    "处理建议": "Guide",
    "添加验货照片…": "Add inspection photos...",
    "开箱照片、称重照片作为证据加到这个包裹的售后单上":
        "Unpacking and weighing photos go on this parcel's cases as evidence",
    "选择验货照片": "Choose inspection photos",
    "图片和文档 (*.jpg *.jpeg *.png *.heic *.pdf);;所有文件 (*)":
        "Pictures and documents (*.jpg *.jpeg *.png *.heic *.pdf);;All files (*)",
    "已添加 %1 个文件到售后单 %2": "Added %1 files to case %2",
    "指定责任方": "Assign responsible party",
    "（清空）": "(none)",
    "责任方：": "Responsible:",
    "将把 %1 张售后单的责任方设为所选": "The chosen responsible party will be set on %1 cases",
    "添加证据…": "Add evidence...",
    "删除所选": "Remove selected",
    "可直接把文件拖到这里；从本单新建的快递理赔会带上这些证据":
        "Drop files here; a carrier claim opened from this case takes this evidence along",
    "图片和文档 (*.jpg *.jpeg *.png *.heic *.pdf *.xlsx);;所有文件 (*)":
        "Pictures and documents (*.jpg *.jpeg *.png *.heic *.pdf *.xlsx);;All files (*)",
    "选择证据文件": "Choose evidence files",
    "良品": "Good",
    "次品": "Defective",
    "错货": "Wrong item",
    "少件": "Items missing",
    "空包": "Empty parcel",
    # --- the window's habits (menus, about, errors, row menus, colours) ---------------------------
    "关于 %1": "About %1",
    "<p>小店的售后台账：售后单、补发、快递理赔和平台时效，全部在自己的电脑上。</p>":
        "<p>A small shop's after-sales ledger: cases, reships, carrier claims and platform deadlines, "
        "all on your own computer.</p>",
    "许可证（MIT）": "Licence (MIT)",
    "第三方软件（含 Qt 的 LGPL 声明）": "Third-party software (incl. Qt's LGPL notice)",
    "数据文件夹：%1<br>日志文件夹：%2": "Data folder: %1<br>Log folder: %2",
    "打开数据文件夹": "Open data folder",
    "打开日志文件夹": "Open log folder",
    "先在左侧列表中选择一张售后单": "Select a case in the list on the left first",
    "为这张售后单的订单向快递公司理赔": "Claim against the carrier for this case's order",
    "打开": "Open",
    "先在左侧列表中选择一条理赔": "Select a claim in the list on the left first",
    "日志文件：%1": "Log file: %1",
    "复制详细信息": "Copy details",
    "出错了": "Something went wrong",
    "程序遇到意外错误（%1）。刚才的操作可能没有完成，已保存的数据不受影响。请把详细信息或日志文件发给开发者。":
        "The program hit an unexpected error (%1). The last operation may not have finished; saved data is "
        "unaffected. Please send the details or the log file to the developers.",
    "文件(&F)": "&File",
    "退出(&Q)": "&Quit",
    "编辑(&E)": "&Edit",
    "视图(&V)": "&View",
    "帮助(&H)": "&Help",
    "关于售后台账": "About Aftersales Ledger",
    "关于 Qt": "About Qt",
    "上个月": "Previous month",
    "下个月": "Next month",
    "今天": "Today",
    "先在列表中选择一个订单": "Select an order in the list first",
    "先在列表中选择一条补发": "Select a reship in the list first",
    "一次只能对一条补发操作": "This works on one reship at a time",
    "这条补发当前“%1”，不能这样操作": "This reship is \"%1\" and cannot do this now",
    "数据库尚未打开": "The database is not open yet",
    "没有可打印的补发：所选补发的订单尚未导入（没有商品），或已经发出":
        "Nothing to print: the selected reships' orders are not imported yet (no items), or they were sent",
    "列表中没有待发出且有商品的补发（订单尚未导入的补发没有商品可拣）":
        "No reship in the list is waiting to be sent with items (a reship whose order is not imported has "
        "nothing to pick)",
    "全部店铺（默认）": "All shops (default)",
    "为某个店铺单独填写时，货值说明按订单所属店铺使用它；留空的项沿用默认":
        "Filled in for one shop, a statement uses it for that shop's orders; empty fields take the default",
    "适用于": "Applies to",
    "导入订单后，这里可以为各店铺分别填写": "After importing orders, each shop can have its own details here",
    "各标签页的颜色含义相同": "The colours mean the same in every tab",
    "等待中": "Waiting",
    "复制订单号": "Copy order number",
    "复制运单号": "Copy tracking number",
    "复制退货运单号": "Copy return tracking number",
    "打开售后单": "Open the case",
    "这一行没有订单号": "This row has no order number",
    "这一行没有运单号": "This row has no tracking number",
    "买家还没有填写退货运单号": "The buyer has not given the return's tracking number yet",
    "这个时限不属于售后单（是一条理赔的跟进）": "This deadline belongs to no case (it is a claim's follow-up)",
    "正在读取货值说明……": "Reading the statement...",
    "没有可生成货值说明的理赔或订单": "No claim or order to make a statement for",
    "有商品没有单价：先在下方填写单价，点“按这些单价生成”":
        "Some goods have no price: type the prices below first, then click \"Make it with these prices\"",
    "无法生成货值说明：%1": "The statement cannot be made: %1",
    # --- team mode (连接团队数据库) ----------------------------------------------------------------
    "连接团队数据库": "Connect to a team database",
    "连接团队数据库…": "Connect to a team database...",
    ("几个人在几台电脑上共用一个台账：把台账放在店里的一台电脑、NAS 或云数据库的 PostgreSQL 上。"
     "每条修改都记下席位名，其他席位的窗口几秒内自动刷新。"):
        "Several people on several computers share one ledger: keep it in PostgreSQL on a PC in the shop, a NAS or a "
        "cloud database. Every change records the seat name; the other seats' windows refresh by themselves "
        "within seconds.",
    "例如 192.168.1.20 或 db.example.com": "e.g. 192.168.1.20 or db.example.com",
    "保存在系统钥匙串中，不写入任何文件": "Kept in the system keyring, never written to a file",
    "服务器": "Server",
    "端口": "Port",
    "数据库名": "Database",
    "用户名": "User",
    "密码": "Password",
    "席位名（你的名字）": "Seat name (your name)",
    "现在使用：%1": "Now using: %1",
    "测试连接": "Test connection",
    "保存并连接": "Save and connect",
    "迁移本机数据到服务器…": "Move this computer's data to the server...",
    "把这台电脑上的台账文件整体复制到上面这个空的数据库，然后连接它（文件本身不变）":
        ("Copy this computer's whole ledger file into the empty database above, then connect to it "
         "(the file stays as it is)"),
    "改用本机文件": "Use the local file",
    "不再使用团队数据库，改回这台电脑上的台账文件":
        "Stop using the team database and go back to this computer's ledger file",
    "现在用的就是这台电脑上的台账文件": "This computer's ledger file is already in use",
    "请填写：%1": "Please fill in: %1",
    "正在连接 %1 …": "Connecting to %1 ...",
    "连接失败：%1": "Connection failed: %1",
    "数据库是空的：连接时会建好台账，或用“迁移本机数据到服务器”把现有数据搬过去。":
        "The database is empty: connecting creates the ledger, or use \"Move this computer's data to the server\" "
        "to bring the existing data.",
    "数据库里是旧版本的台账，连接时会升级（请先备份）。":
        "The database holds a ledger of an older version; connecting upgrades it (back it up first).",
    "数据库里已有台账：%1 条售后单。": "The database already holds a ledger: %1 after-sales cases.",
    "连接成功（PostgreSQL %1）。": "Connected (PostgreSQL %1). ",
    "迁移本机数据": "Move local data",
    "把 %1 中的全部数据复制到 %2？目标数据库必须是空的；本机文件不会被改动。":
        "Copy all data in %1 to %2? The target database must be empty; the local file is not changed.",
    "正在迁移，请稍候……": "Moving, please wait...",
    "迁移未完成，服务器未改动：%1": "The move did not complete; the server is unchanged: %1",
    "迁移完成": "Move complete",
    "已迁移并核对：%1。现在连接团队数据库。": "Moved and checked: %1. Now connecting to the team database.",
    "证据文件和印章 %1 个": "%1 evidence files and seal images",
    "（另有 %1 个在本机找不到，只迁移了记录）": " (%1 more were not found on this computer; only their records moved)",
    "团队": "Team",
    "席位名": "Seat name",
    "团队共用这个台账：每条修改都会记下是谁做的。请填写你的名字（席位名）：":
        "Your team shares this ledger: every change records who made it. Please enter your name (seat name):",
    "其他席位刚做的修改；点售后单编号打开它": "What other seats just changed; click a case number to open it",
    "%1 修改了 %2": "%1 changed %2",
    "%1 等 %2 单": "%1 and more (%2 in all)",
    "另一个席位": "Another seat",
    "与团队数据库的实时连接已断开，正在重试；其他席位的修改请按 F5 刷新查看":
        "The live connection to the team database was lost; retrying. Press F5 to see other seats' changes",
    "已恢复与团队数据库的实时连接": "The live connection to the team database is back",
    "已重新连上团队数据库，已刷新": "Connected to the team database again; refreshed",
    "团队数据库连不上，正在重试…": "Cannot reach the team database; retrying...",
    "服务器关闭、重启或网络断开了。连上之前的操作不会保存，已输入的内容都还在；连上后窗口自动刷新，不用重启程序。":
        "The server was stopped or restarted, or the network is down. Nothing is saved until it is back; what you "
        "typed is kept. Once it is back the window refreshes by itself, without a restart.",
    "备份团队数据库": "Back up the team database",
    ("团队数据库在服务器上，用 PostgreSQL 的 pg_dump 备份到备份文件夹 %1。"
     "恢复请在服务器上用 pg_restore。现在备份吗？"):
        "The team database is on a server: it is backed up with PostgreSQL's pg_dump into the backup folder %1. "
        "Restore it on the server with pg_restore. Back up now?",
    "团队数据库已备份到 %1": "Team database backed up to %1",
    "备份未完成": "Backup not completed",
    "找不到文件：%1": "File not found: %1",
    # --- claim escalation, net loss per order and product (issue 17) ----------------------------
    "订单 %1 共 %2 张售后单，合计净损失 %3 元": "Order %1 has %2 after-sales cases, net loss %3 yuan in all",
    "聚划算订单（付款后7天内发货）": "Juhuasuan order (ship within 7 days of payment)",
    "导出文件里没有聚划算标记：勾选后按聚划算的7天发货时效计算，改动记入操作日志":
        "No export carries a Juhuasuan mark: ticked, the order ships within Juhuasuan's 7 days (logged)",
    "订单 %1 已标记为聚划算订单": "Order %1 is marked as a Juhuasuan order",
    "订单 %1 已改回普通订单": "Order %1 is an ordinary order again",
    "聚划算订单": "Juhuasuan order",
    "（已到期）": " (overdue)",
    "（现在可以办理）": " (can be done now)",
    "截止%1": "by %1",
    "%1起": "from %1",
    "还缺：%1": "Still missing: %1",
    " 天": " days",
    "净损失：含该商品的订单的售后单的净损失，减去这些订单的快递赔付；一张订单有多个商品时，每个商品都计入":
        "Net loss: the net loss of the after-sales cases of orders with this product, less what couriers paid "
        "on those orders; an order with several products counts for each of them",
    "列出登记超过": "List claims recorded more than",
    "仍未结束的理赔，以及缺少证据或理赔单号的理赔":
        "ago and still open, and claims missing evidence or a ticket number",
    # --- batch: bulk reships, statements, change kind, playbook editor ---
    "新类型：": "New type:",
    "更改售后类型": "Change case type",
    "%1 张售后单将改为“%2”": "%1 cases will become \"%2\"",
    "；%1 张不能更改：%2": "; %1 cannot be changed: %2",
    "；等待买家退货而买家还没寄回的改为处理中，须重新同意退货":
        "; those Awaiting buyer's return whose parcel was not sent become In progress: agree to the return again",
    "正在处理 %1 / %2 …": "Working: %1 / %2 ...",
    "“%1”请在备注中写明原因": "\"%1\": write the reason in the note",
    "先在“操作”中选择要执行的操作": "Choose an action under \"Action\" first",
    "先勾选“已签收”": "Tick \"Delivered\" first",
    "只知道签收日期、不知道具体时间时勾选": "Tick when only the day of delivery is known, not the time",
    "先粘贴两列：订单号和运单号（每行一条）；没有可录入的行时不能录入":
        "Paste two columns first: order number and tracking number (one per line); nothing to enter until a "
        "line is ready",
    "还没有印章图片": "No seal image yet",
    "将为 %1 张售后单生成货值说明（每份一页 A4）：%2 份按理赔，%3 份按订单":
        "Goods value statements for %1 cases (one A4 page each): %2 from claims, %3 from orders",
    "；%1 张不能生成：%2": "; %1 cannot have one: %2",
    "按理赔 #%1": "From claim #%1",
    "按订单": "From the order",
    "所选售后单都没有可写的货值说明（订单尚未导入，也没有理赔）":
        "None of the selected cases has anything to state (order not imported, no claim)",
    "已打开 %1 份货值说明：可打印预览、保存 PDF 或 Excel":
        "%1 goods value statements opened: print preview, save as PDF or Excel",
    "售后单已结束，请先重新打开再更改类型": "The case is closed: reopen it before changing its type",
    "更正售后类型（如退货退款改为仅退款）": "Correct the case type (e.g. return & refund → refund only)",
    "更改类型…": "Change type...",
    "#%1 已改为“%2”，当前状态：%3": "#%1 changed to \"%2\", status now: %3",
    "更改售后类型 #%1": "Change the type of case #%1",
    "当前：%1，%2": "Now: %1, %2",
    "改为": "Change to",
    "原因（可选），例如：买家改为仅退款，不退货了":
        "Reason (optional), e.g. the buyer now wants a refund only, no return",
    "更改": "Change",
    "状态：%1 → %2": "Status: %1 → %2",
    "金额将按新类型记为补偿金额": "The amount will be recorded as compensation for the new type",
    "金额将按新类型记为退款金额": "The amount will be recorded as a refund for the new type",
    "尚未发出的补发将取消，离开补发队列": "A reship not yet sent is cancelled and leaves the reship queue",
    "将进入补发队列，等待答复": "It joins the reship queue, waiting for your answer",
    "时限按新类型重新计算；时间线记录这次更改":
        "Deadlines are recomputed for the new type; the timeline records the change",
    "编辑处理步骤和话术": "Edit steps and reply scripts",
    "修改后保存为本店的版本（保存在数据文件夹中，优先于程序自带的）；“恢复默认”删除本店的版本。处理步骤按售后类型和原"
    "因匹配，越具体越优先。":
        "Changes are saved as the shop's own version (in the data folder, used instead of the built-in one); "
        "\"Restore default\" deletes the shop's version. Steps are matched by case type and reason, the most "
        "specific first.",
    "新建": "New",
    "适用类型": "Case types",
    "适用原因": "Reasons",
    "都不勾选：适用于所有类型（或原因）": "None ticked: fits every type (or reason)",
    "谁出运费，例如：谁过错谁承担": "Who pays the postage, e.g. whoever is at fault",
    "运费规则": "Postage rule",
    "处理步骤": "Steps",
    "话术": "Reply scripts",
    "撤销修改": "Undo changes",
    "（本店修改）": " (changed by the shop)",
    "（本店）": " (the shop's own)",
    "“%1”有未保存的修改：请先保存，或点“撤销修改”":
        "\"%1\" has unsaved changes: save them first, or click \"Undo changes\"",
    "删除本店的版本，改用程序自带的": "Delete the shop's version and use the built-in one",
    "删除这个本店自己添加的处理步骤": "Delete this playbook the shop added",
    "已保存到 %1": "Saved to %1",
    "新的处理步骤": "New playbook",
    "（未保存）": " (not saved)",
    "批量处理补发（%1 条）": "Bulk reship actions (%1)",
    "快递公司：": "Courier:",
    "不填则按运单号识别": "Empty: recognised from the tracking number",
    "订单号 / 收货人": "Order no. / receiver",
    "运单号（扫入或粘贴）": "Tracking no. (scan or paste)",
    "录入运单号（补发已发出）": "Enter tracking numbers (reship sent)",
    "导出 Excel": "Export to Excel",
    "将为 %1 条补发录入运单号（每条一个，状态改为“已补发”）；运单号留空的不录入":
        "Tracking numbers for %1 reships (one each; status becomes \"Reshipped\"); rows left empty are skipped",
    "%1 条补发将改为“仅退款”（处理中），请与买家协商后在平台上退款":
        "%1 reships become \"Refund only\" (in progress): agree with the buyer, then refund on the platform",
    "将为 %1 条补发打印拣货单（已发出或没有商品的不在其中）":
        "A picking list for %1 reships (those shipped or without items are left out)",
    "将把 %1 条补发（收货人、地址、商品、时限、运单号）导出为 Excel":
        "%1 reships (receiver, address, items, deadline, tracking no.) will be exported to Excel",
    "请在表格中填写运单号（可用扫码枪逐条扫入）": "Fill in the tracking numbers in the table (a scanner can type them)",
    "导出补发": "Export reships",
    "已补发，运单号 %1": "Reshipped, tracking no. %1",
    "已导出": "Exported",
    "已导出 %1 条补发到 %2": "Exported %1 reships to %2",
    "批量处理…": "Bulk actions...",
    "按住 Ctrl 或 Shift 选择多条补发，一次录入运单号、改退款、打印或导出":
        "Hold Ctrl or Shift to select several reships: tracking numbers, refunds, printing or export at once",
    "按住 Ctrl 或 Shift 选择多条补发后批量处理": "Hold Ctrl or Shift to select several reships first",
    "批量处理（%1）…": "Bulk actions (%1)...",
    "批量处理完成 %1 条，未执行 %2 条": "Bulk actions: %1 done, %2 not done",
    "添加话术": "Add script",
    "话术标题，例如：已补发": "Script title, e.g. Reshipped",
    "发给买家的话；点下面的按钮插入占位符，显示时自动填入售后单的信息":
        "What to send the buyer; the buttons below insert placeholders, filled from the case when shown",
    "插入：": "Insert:",
    "新话术": "New script",
    "双击一个步骤修改文字": "Double-click a step to change its text",
    "添加": "Add",
    "上移": "Move up",
    "下移": "Move down",
    "新步骤": "New step",
    # --- 撤销上一步 on a claim (session 19) ---------------------------------------------------------------
    "撤销上一步": "Undo last step",
    "这条理赔没有可以撤销的操作（新建理赔不能撤销，不需要时请关闭理赔）":
        "This claim has no step to undo (a new claim cannot be undone; close it if it is not needed)",
    "，撤回到账 %1 元": ", taking back the %1 yuan recorded as received",
    "撤销理赔 #%1 的上一步“%2”？": "Undo the last step of claim #%1, \"%2\"?",
    "\n登记的到账 %1 元随之撤回，已到账和统计的金额都会减少。":
        "\nThe %1 yuan recorded as received is taken back with it; received and the statistics go down by it.",
    "理赔 #%1 已撤销“%2”，当前状态：%3": "Claim #%1: \"%2\" undone, now: %3",
    "，未采用；请选择 PNG 或 JPG 图片（2000 像素以内）": "; not used. Choose a PNG or JPG image (up to 2000 pixels)",
    "请核对理赔金额": "Check the claimed amounts",
    # --- what the staff read in the English window (session 19) ---------------------------------------
    "话术按原文发给买家（中文），复制后粘贴到平台的聊天窗口":
        "Sent to the buyer as written, in Chinese: copy it and paste it into the platform's chat",
    "下一步：%1": "Next step: %1",
    "：": ": ",
    "找：%1": "Contact: %1",
    "需要的材料：": "Documents needed:",
    "截止 %1": "Due %1",
    "%1 起可办理": "Can be done from %1",
    "快递网点": "Carrier's outlet",
    "快递客服": "Carrier's customer service",
    "快递总部": "Carrier's head office",
    "国家邮政局 12305": "State Post Bureau (12305)",
    "%1（%2 → %3）": "%1 (%2 → %3)",
    "从 %1 导入": "Imported from %1",
    "从 %1 导入：%2": "Imported from %1: %2",
    "平台导出": "Platform export",
    "平台导出：%1": "Platform export: %1",
    "%1，申请 %2 元": "%1, claimed ¥%2",
    "%1，申请 %2 元：%3": "%1, claimed ¥%2: %3",
    "已完成（%1）：%2": "Done (%1): %2",
    "取消勾选（%1）：%2": "Unticked (%1): %2",
    "添加证据：%1": "Evidence added: %1",
    "删除证据：%1": "Evidence deleted: %1",
    "关联售后单 #%1": "Linked to case #%1",
    "取消关联售后单 #%1": "Unlinked from case #%1",
    "理赔款用于补发 #%1（售后单 #%2）": "Claim money pays for reship #%1 (case #%2)",
    "取消关联补发": "Unlinked from the reship",
    "从售后单 #%1 带入证据：%2": "Evidence brought from case #%1: %2",
    "撤销“%1”：%2": "Undid \"%1\": %2",
    "撤销理赔操作": "Claim step undone",
    # --- the services' messages naming values (desktop_app.core.messages) -------------------------------
    "%1售后单当前状态为“%2”，不能执行“%3”。当前可执行：%4":
        "This %1 case is \"%2\": it cannot take \"%3\". Possible now: %4",
    "理赔当前状态为“%1”，不能执行“%2”。当前可执行：%3": "This claim is \"%1\": it cannot take \"%2\". Possible now: %3",
    "无": "none",
    "售后单已经是“%1”": "The case is \"%1\" already",
    "售后单已%1，请先重新打开再修改售后类型": "The case is %1: reopen it before changing its kind",
    "售后单 #%1 是“%2”，不是补发售后单": "Case #%1 is \"%2\", not a reship case",
    "售后单 #%1 当前状态为“%2”，不能改为缺货退款": "Case #%1 is \"%2\": it cannot become an out-of-stock refund",
    "售后单 #%1 的补发已结束（%2），不能再修改商品":
        "The reship of case #%1 has ended (%2): its goods can no longer change",
    "发货时间 %1 早于同意补发的时间 %2": "The shipping time %1 is before the reship was agreed (%2)",
    "“%1”无法撤销：%2": "\"%1\" cannot be undone: %2",
    "“%1”同时改了补发记录，无法撤销；请用下一步操作更正":
        "\"%1\" changed the reship record too and cannot be undone; correct it with the next step",
    "理赔 #%1 没有可以撤销的操作（新建的理赔不能撤销；不需要时请“关闭理赔”）":
        "Claim #%1 has no step to undo (a new claim cannot be undone; use \"Close claim\" if it is not needed)",
    "理赔 #%1 的状态在“%2”之后又变了，无法撤销": "Claim #%1 changed again after \"%2\": it cannot be undone",
    "理赔 #%1 已结束，不需要跟进": "Claim #%1 has ended: no follow-up needed",
    "找不到售后单 #%1": "Case #%1 not found",
    "没有编号为 %1 的售后单": "There is no case number %1",
    "找不到理赔 #%1": "Claim #%1 not found",
    "找不到订单 #%1": "Order #%1 not found",
    "找不到补发 #%1": "Reship #%1 not found",
    "找不到证据 #%1": "Evidence #%1 not found",
    "找不到无主件 #%1": "Unmatched parcel #%1 not found",
    "找不到处理步骤“%1”": "Playbook \"%1\" not found",
    "找不到店铺 %1": "Shop %1 not found",
    "理赔 #%1": "Claim #%1",
    "%1 刚被 %2 修改了（现在是“%3”），本次操作未保存。请看过最新内容后再操作。":
        '%1 was just changed by %2 (now "%3"); this change was not saved. Look at the latest version, then try again.',
    "%1 刚被 %2 修改了（%3 %4）：%5": "%1 was just changed by %2 (%3 %4): %5",
    "未保存：%1\n填写的内容都还在：看过最新状态后可以再点一次，或取消。":
        "Not saved: %1\nEverything you entered is still here: look at the latest state, then click again, or cancel.",
    "%1 刚被 %2 修改了（%3 %4），本次未保存：要改的%5是别的席位刚改的；看过之后确要改，请加 --other-seat 再执行":
        "%1 was just changed by %2 (%3 %4); this change was not saved: %5 was just changed by another seat. To "
        "change it anyway once you have looked, run it again with --other-seat",
    "%1 刚被他人修改了（现在是“%2”），本次操作未保存。请看过最新内容后再操作。":
        "%1 was just changed by someone else (now \"%2\"); this change was not saved. Look at the latest version, "
        "then try again.",
    "%1刚被 %2 修改了，本次保存未生效。已显示最新内容，请在它的基础上重新修改。":
        "%1 was just changed by %2; your save did not take effect. The latest version is shown: make your changes "
        "on it again.",
    "%1刚被他人修改了，本次保存未生效。已显示最新内容，请在它的基础上重新修改。":
        "%1 was just changed by someone else; your save did not take effect. The latest version is shown: make "
        "your changes on it again.",
    "店铺信息（全部店铺）": "The shop details (all shops)",
    "店铺信息（%1）": "The shop details (%1)",
    "上次修改：%1（%2）": "Last changed by %1 (%2)",
    "数据库正被另一个程序写入（另一个窗口、命令行或导入），等了 %1 秒仍未完成。数据未被修改；请等它结束后再试。":
        "Another program is writing to the database (another window, the command line or an import) and had not "
        "finished after %1 seconds. Nothing was changed; try again once it is done.",
    "另一个席位正在修改同一批记录（例如一次大的导入），等了 %1 秒仍未完成。数据未被修改；请等它结束后再试。":
        "Another seat is changing the same records (a large import, say) and had not finished after %1 seconds. "
        "Nothing was changed; try again once it is done.",
    "另一个席位正在写入团队数据库（例如一次大的导入），等了 %1 秒仍未完成。数据未被修改；请等它结束后再试。":
        "Another seat is writing to the team database (a large import, say) and had not finished after %1 seconds. "
        "Nothing was changed; try again once it is done.",
    "%1 在 %2 保存了新的版本": "%1 saved a new version at %2",
    "另一台电脑 在 %1 保存了新的版本": "another computer saved a new version at %1",
    "另一台电脑刚把它恢复成了默认规则": "another computer just reset it to the default rules",
    "%1 在你打开之后已被修改（%2）。你的修改没有保存；已显示最新的内容，请在它的基础上重新修改。":
        "%1 was changed after you opened it (%2). Your changes were not saved; the latest version is shown: make "
        "your changes again on it.",
    "%1“%2”不是有效的金额（例如 12.50）": "%1 \"%2\" is not a valid amount (e.g. 12.50)",
    "%1不能为负数：%2": "%1 cannot be negative: %2",
    "%1“%2”太大（最多 %3 元）": "%1 \"%2\" is too large (at most ¥%3)",
    "%1“%2”最多只能有两位小数（精确到分）": "%1 \"%2\" has more than two decimals (amounts are to the cent)",
    "%1不能为负数": "%1 cannot be negative",
    "%1“%2”格式不对，应为 YYYY-MM-DD HH:MM[:SS] 或 YYYY-MM-DD（北京时间）":
        "%1 \"%2\" is not in the right format: YYYY-MM-DD HH:MM[:SS] or YYYY-MM-DD (Beijing time)",
    "%1“%2”不是合理的日期（年份应在 %3–%4 之间）": "%1 \"%2\" is not a plausible date (the year should be %3–%4)",
    "订单号“%1”是科学计数法（被 Excel 转成了数字，已丢失位数），请从平台重新导出或手工输入完整订单号":
        "Order number \"%1\" is in scientific notation (Excel turned it into a number and lost digits): export it "
        "again from the platform or type the full order number",
    "订单号“%1…”太长（最多 64 个字符）": "Order number \"%1...\" is too long (at most 64 characters)",
    "订单号“%1”含有无效字符，只能包含数字、字母和“-”":
        "Order number \"%1\" has invalid characters: only digits, letters and \"-\" are allowed",
    "运单号“%1”被 Excel 转成了数字（已丢失位数），请把该列设为文本后重新复制":
        "Tracking number \"%1\" was turned into a number by Excel (digits lost): format the column as text and copy "
        "it again",
    "运单号“%1”含有无效字符，只能包含数字、字母和“-”":
        "Tracking number \"%1\" has invalid characters: only digits, letters and \"-\" are allowed",
    "运单号“%1”长度不对（应为 %2–%3 位）": "Tracking number \"%1\" has the wrong length (%2–%3 characters)",
    "快递公司名称太长（最多 %1 个字）": "The carrier name is too long (at most %1 characters)",
    "第 %1 件商品没有名称": "Item %1 has no name",
    "“%1”的数量应为 1–%2": "The quantity of \"%1\" should be 1–%2",
    "席位名太长（最多 %1 个字）": "The seat name is too long (at most %1 characters)",
    "席位名“%1”也在另一台电脑（%2，%3 起）上使用：两台电脑的修改都记在“%1”名下，分不清是谁做的。"
    "请给这台电脑换一个席位名（文件 → 连接团队数据库…，或命令 seat 新名字），例如“%1（前台）”；"
    "那台电脑已不再使用时，在这台电脑上再设一次这个名字即可":
        "The seat name \"%1\" is also used on another computer (%2, since %3): the changes of both computers are "
        "recorded under \"%1\" and nobody can tell them apart. Give this computer another seat name (File → "
        "Connect to team database..., or the command seat NEW-NAME), e.g. \"%1 (front desk)\"; if that computer is "
        "no longer used, set this name once more on this computer",
    "席位名重复": "Seat name used twice",
    "电脑时钟不准": "This computer's clock is off",
    "换个名字…": "Another name...",
    "那台电脑已不再使用": "That computer is no longer used",
    "店铺信息中有一项超过 %1 个字，请精简": "A shop detail is longer than %1 characters: please shorten it",
    "平台售后单号“%1”已记录在售后单 #%2，请打开那一单":
        "Platform after-sales number \"%1\" is recorded on case #%2 already: open that case",
    "售后单 #%1 属于订单 %2，与所选订单不一致": "Case #%1 belongs to order %2, not to the order chosen",
    "订单 %1 的理赔合计申请 %2 元，超过买家为整单商品实付的 %3 元（另有理赔 %4）：请核对是否重复登记，多"
    "出的部分需有保价或运费等依据":
        "The claims of order %1 ask ¥%2 in all, more than the ¥%3 the buyer paid for all its goods (other claims: "
        "%4): check for a claim entered twice; the difference needs a basis such as a declared value or postage",
    "#%1 %2 元": "#%1 ¥%2",
    "运单 %1 已有进行中的理赔 #%2（%3，申请 %4 元），请在那张理赔上继续跟进":
        "Waybill %1 has an open claim already: #%2 (%3, ¥%4 claimed); follow it up on that claim",
    "运单 %1 已有进行中的理赔 #%2（%3），请在那张理赔上继续跟进":
        "Waybill %1 has an open claim already: #%2 (%3); follow it up on that claim",
    "这个订单的包裹已有进行中的理赔 #%1（%2，申请 %3 元），请在那张理赔上继续跟进":
        "This order's parcel has an open claim already: #%1 (%2, ¥%3 claimed); follow it up on that claim",
    "这个订单的包裹已有进行中的理赔 #%1（%2），请在那张理赔上继续跟进":
        "This order's parcel has an open claim already: #%1 (%2); follow it up on that claim",
    "赔付 %1 元后累计 %2 元，少于申请的 %3 元：请用“部分赔付”，或接受这个金额并“关闭理赔”":
        "With ¥%1 paid the total is ¥%2, less than the ¥%3 claimed: use \"Partly paid\", or accept this amount and "
        "\"Close claim\"",
    "到账 %1 元后累计已达申请金额 %2 元，请用“已赔付”":
        "With ¥%1 received the total reaches the ¥%2 claimed: use \"Paid\"",
    "到账 %1 元后累计 %2 元，超过申请金额 %3 元（最多还能到账 %4 元）：请核对金额；快递确实多赔（如连运费"
    "一起赔）时，先把申请金额改为实际赔付的金额（窗口：快递理赔 → 编辑；命令行：claim edit N --amount）":
        "With ¥%1 received the total is ¥%2, more than the ¥%3 claimed (at most ¥%4 more can arrive): check the "
        "amount; if the carrier really paid more (postage included, say), first change the claimed amount to "
        "what was paid (Carrier claims → Edit; command line: claim edit N --amount)",
    "到账 %1 元后累计 %2 元，超过申请金额 %3 元（已到账 %4 元，最多还能到账 %5 元）：请核对金额；快递确实"
    "多赔（如连运费一起赔）时，先把申请金额改为实际赔付的金额（窗口：快递理赔 → 编辑；命令行：claim edit N --amount）":
        "With ¥%1 received the total is ¥%2, more than the ¥%3 claimed (¥%4 received already, at most ¥%5 more "
        "can arrive): check the amount; if the carrier really paid more (postage included, say), first change the "
        "claimed amount to what was paid (Carrier claims → Edit; command line: claim edit N --amount)",
    "申请金额 %1 元少于已到账的 %2 元：请核对；到账记错了请先“撤销上一步”":
        "The claimed ¥%1 is less than the ¥%2 received: check it; if a payout was recorded wrongly, \"Undo last "
        "step\" first",
    "订单 %1 没有第 %2 件商品（共 %3 行）": "Order %1 has no item %2 (%3 lines)",
    "找不到%1上订单号为 %2 的订单；请先导入该平台的订单":
        "No order numbered %2 on %1: import that platform's orders first",
    "找不到订单号为 %1 的订单；请先导入该平台的订单": "No order numbered %1: import that platform's orders first",
    "订单号 %1 在多个平台都有（%2），请用 --platform 指定平台":
        "Order number %1 exists on several platforms (%2): name the platform with --platform",
    "订单 %1 没有商品明细，不能按商品选择；可直接填写申请金额":
        "Order %1 has no item lines, so goods cannot be chosen; enter the claimed amount directly",
    "第 %1 行“%2”只有 %3 件，不能理赔 %4 件": "Line %1 \"%2\" has only %3 pieces: %4 cannot be claimed",
    "售后单 #%1 还没有补发记录，请先登记补发": "Case #%1 has no reship yet: record the reship first",
    "售后单 #%1 与理赔 #%2 不是同一个订单": "Case #%1 and claim #%2 are not of the same order",
    "订单 %1 有多张待补发售后单（%2），请逐个录入": "Order %1 has several reships waiting (%2): enter them one by one",
    "售后单 #%1 已用此运单号发出": "Case #%1 was shipped with this tracking number already",
    "售后单 #%1 已发出，运单号为 %2": "Case #%1 was shipped already, tracking number %2",
    "售后单 #%1 已发出，运单号为 （无）": "Case #%1 was shipped already, with no tracking number",
    "售后单 #%1 尚未同意补发，请先同意": "The reship of case #%1 is not agreed yet: agree to it first",
    "售后单 #%1 的补发已结束（%2）": "The reship of case #%1 has ended (%2)",
    "没有订单号为 %1 的补发售后单：末尾 %2 位都是 0，可能是被 Excel 改过的订单号（Excel 只保留 15 位有效"
    "数字），请把表格里这一列设为“文本”、填回完整的订单号后再复制":
        "No reship case has order number %1: its last %2 digits are all 0, so Excel may have changed it (Excel "
        "keeps 15 significant digits); format that column as text, enter the full order number and copy again",
    "没有订单号为 %1 的补发售后单": "No reship case has order number %1",
    "订单 %1 在第 %2 行已出现": "Order %1 is on line %2 already",
    "无法使用备份文件夹 %1：%2": "The backup folder %1 cannot be used: %2",
    "无法创建备份文件夹 %1：%2": "The backup folder %1 cannot be created: %2",
    "没有可备份的数据库：%1": "No database to back up: %1",
    "备份失败，无法写入 %1：%2": "Backup failed: %1 cannot be written: %2",
    "找不到备份文件 %1": "Backup file %1 not found",
    "%1 不是一个文件": "%1 is not a file",
    "备份 %1 已损坏，不能用来恢复": "Backup %1 is damaged and cannot be restored",
    "%1 不是售后台账的备份": "%1 is not a backup of an Aftersales Ledger",
    "没有找到可用的备份（备份文件夹：%1）。请不要删除这个文件，把它复制一份后联系技术支持尝试修复。":
        "No usable backup was found (backup folder: %1). Do not delete this file; copy it and contact support to "
        "try a repair.",
    "最新的完好备份是 %1（%2，%3）。在窗口中用“恢复备份”恢复它，或运行：python -m desktop_app restore \"%4\"":
        "The newest intact backup is %1 (%2, %3). Restore it in the window with \"Restore backup\", or run: "
        "python -m desktop_app restore \"%4\"",
    "文件太大（%1 MB）：%2。团队数据库中每个证据文件最大 %3 MB，请压缩后再添加":
        "The file is too large (%1 MB): %2. Each evidence file in a team database is at most %3 MB: compress it "
        "and add it again",
    "文件太大（%1 MB）：%2。每个证据文件最大 %3 MB，请压缩或剪短后再添加。证据没有添加":
        "File too large (%1 MB): %2. An evidence file may be at most %3 MB; compress or trim it and add it again. "
        "The evidence was not added",
    "%1 是一个文件夹，不是文件：请选择文件夹里的照片或视频。证据没有添加":
        "%1 is a folder, not a file: choose the photos or videos in it. The evidence was not added",
    "%1 不是普通文件（设备、管道或套接字），不能作为证据。证据没有添加":
        "%1 is not a regular file (a device, pipe or socket) and cannot be evidence. The evidence was not added",
    "%1 是空文件（0 字节），可能没有下载或保存完整。证据没有添加":
        "%1 is empty (0 bytes); it may not have finished downloading or saving. The evidence was not added",
    "无法打开数据库文件%1：它所在的文件夹不能写入（只读的 U 盘、光盘或网络盘，或没有写入权限），"
    "而台账打开时要在它旁边写入工作文件。请把它复制到可以写入的文件夹（例如桌面）后再打开。":
        "The ledger file%1 cannot be opened: its folder cannot be written to (a read-only USB stick, disc or network "
        "drive, or no permission to write), and an open ledger keeps working files beside it. Copy it to a folder "
        "you can write to (the desktop, for example) and open it there.",
    "备份 %1 由更新版本的售后台账创建（版本 %2），本程序无法使用它：请先升级程序再恢复。数据库未被修改":
        "The backup %1 was written by a newer version of Aftersales Ledger (revision %2), which this version cannot "
        "use: upgrade the app first, then restore it. The ledger was not changed",
    "这一行有 %1 个字符，不是订单号和运单号（每行最多 %2 个字符）":
        "This line has %1 characters: no order and tracking number (at most %2 characters a line)",
    "%1 不是普通的图片文件（是文件夹、设备或管道），不能作为印章":
        "%1 is not a plain image file (it is a folder, a device or a pipe) and cannot be the seal",
    "无法复制证据文件 %1：%2。证据没有添加": "The evidence file %1 could not be copied: %2. The evidence was not added",
    "读写出错（%1）": "read or write error (%1)",
    "导出文件名应以 .xlsx 结尾：%1": "The export file name should end in .xlsx: %1",
    "导出路径是一个文件夹：%1": "The export path is a folder: %1",
    "无法写入 %1（文件可能正在被 Excel 打开）": "%1 cannot be written (is it open in Excel?)",
    "导出文件“%1”应以 .xlsx 结尾": "The export file \"%1\" should end in .xlsx",
    "无法写入 %1：%2": "%1 cannot be written: %2",
    "印章图片只能是 PNG 或 JPG 文件：%1": "The seal image must be a PNG or JPG file: %1",
    "印章图片太大（%1 KB），请使用 5 MB 以内的图片": "The seal image is too large (%1 KB): use one under 5 MB",
    "无法读取印章图片 %1：%2": "The seal image %1 cannot be read: %2",
    "%1 不是有效的 %2 图片": "%1 is not a valid %2 image",
    "一次最多生成 %1 份货值说明": "At most %1 goods value statements at a time",
    "找不到%1的订单 %2；请先导入该订单": "No %1 order %2: import that order first",
    "找不到订单 %1；请先导入该订单": "No order %1: import that order first",
    "磁盘已满，无法写入数据库%1。数据未被修改；请腾出空间后再试。":
        "The disk is full: the database%1 cannot be written. Nothing was changed; free some space and try again.",
    "数据库文件%1是只读的（或所在文件夹不可写），无法保存修改。":
        "The database file%1 is read-only (or its folder cannot be written): changes cannot be saved.",
    "无法打开数据库文件%1：文件夹不存在或没有权限。":
        "The database file%1 cannot be opened: the folder does not exist or there is no permission.",
    "读写数据库文件%1时出错（磁盘、U 盘或网络盘故障？）。数据未被修改。":
        "Reading or writing the database file%1 failed (a disk, USB stick or network drive fault?). Nothing was "
        "changed.",
    # what the system said about a file (desktop_app.core.errors), inside those messages
    "找不到这个文件或文件夹": "no such file or folder",
    "这是一个文件夹，不是文件": "this is a folder, not a file",
    "路径中有一段不是文件夹": "a part of the path is not a folder",
    "已有同名的文件": "a file of that name exists already",
    "没有权限": "no permission",
    "磁盘空间不足": "not enough disk space",
    "磁盘是只读的": "the disk is read-only",
    "文件名太长": "the file name is too long",
    "文件正被别的程序使用": "the file is in use by another program",
    "打开的文件太多": "too many open files",
    "磁盘读写出错": "disk read/write error",
    "文件名或路径无效": "invalid file name or path",
    "路径里的快捷方式（符号链接）绕成了圈，指不到真正的文件":
        "a shortcut (symbolic link) in the path loops back on itself and leads to no file",
    "磁盘配额已用完": "the disk quota is used up",
    "文件太大": "the file is too large",
    "网络盘上的文件已失效（请重新打开网络盘）": "the file on the network drive is stale (reconnect the drive)",
    "读写超时（网络盘或 U 盘可能已断开）": "reading or writing timed out (is the network drive or USB stick gone?)",
    "文件正被别的程序（如 Excel）打开": "the file is open in another program (Excel?)",
    "没有读取或写入的权限": "no permission to read or write",
    # --- the bulk action's plan, written by the window (services' BulkPlan.summary on the command line) ------
    "%1 张售后单将执行“%2”": "%1 cases will take \"%2\"",
    "%1 → %2 ×%3": "%1 → %2 ×%3",
    "，": ", ",
    "#%1（%2）": "#%1 (%2)",
    "不存在": "does not exist",
    " 等": " ...",
    "；%1 张不能执行：%2": "; %1 cannot take it: %2",
    "订单尚未导入，没有商品和金额可写；导入订单或登记理赔后再生成":
        "The order is not imported: there are no goods or amounts to state; import the order or record a claim first",
    # --- reading an imported file (desktop_app.core.messages) -------------------------------------------
    "第 %1 行“%2”列：“%3”末尾 %4 位都是 0，可能是被 Excel 改过的编号（Excel 只保留 15 位有效数字，超过的"
    "位数变成了 0），台账里也没有这个%5，已照原样导入。请到平台后台核对这个编号；如果它在 Excel 里填写或"
    "保存过，先把这一列设为“文本”，再填写完整的编号后重新导入":
        "Row %1, column \"%2\": the last %4 digits of \"%3\" are all 0, so Excel may have changed this number (Excel "
        "keeps 15 significant digits and turns the rest into 0), and the ledger has no such %5 either; it was "
        "imported as it is. Check the number in the platform's back office; if it was typed or saved in Excel, "
        "format the column as text, enter the full number and import again",
    "第 %1 行“%2”列：“%3”末尾 %4 位都是 0，可能是被 Excel 改过的编号（Excel 只保留 15 位有效数字，超过的"
    "位数变成了 0），已照原样导入。请到平台后台核对这个编号；如果它在 Excel 里填写或保存过，先把这一列设"
    "为“文本”，再填写完整的编号后重新导入":
        "Row %1, column \"%2\": the last %4 digits of \"%3\" are all 0, so Excel may have changed this number (Excel "
        "keeps 15 significant digits and turns the rest into 0); it was imported as it is. Check the number in "
        "the platform's back office; if it was typed or saved in Excel, format the column as text, enter the "
        "full number and import again",
    "“%1”末尾 %2 位都是 0，台账里没有这个编号，却有前 15 位相同的 %3：是被 Excel 改过的编号（Excel 只保留"
    " 15 位有效数字，超过的位数变成了 0），不能使用。请从平台后台重新导出原始文件；如需在 Excel 中编辑，"
    "先把这一列设为“文本”再粘贴或填写":
        "The last %2 digits of \"%1\" are all 0; the ledger has no such number but has %3 with the same first 15 "
        "digits: Excel changed this number (it keeps 15 significant digits and turns the rest into 0), so it "
        "cannot be used. Export the original file from the platform again; to edit it in Excel, format the "
        "column as text first, then paste or type",
    "“%1”末尾 %2 位都是 0，这一列的长数字都是这样：是被 Excel 当作数字保存过的编号（Excel 只保留 15 位有"
    "效数字，超过的位数变成了 0），不能使用。请从平台后台重新导出原始文件；如需在 Excel 中编辑，先把这一"
    "列设为“文本”再粘贴或填写":
        "The last %2 digits of \"%1\" are all 0, as in every long number of this column: Excel saved these numbers "
        "as numbers (it keeps 15 significant digits and turns the rest into 0), so they cannot be used. Export "
        "the original file from the platform again; to edit it in Excel, format the column as text first, then "
        "paste or type",
    "第 %1 行第 %2 列（“%3”）里有一个空字符（NUL），文件已损坏或不是文本格式。请在平台后台重新导出，或在 "
    "Excel 中另存为 .xlsx 后再导入":
        "Row %1, column %2 (\"%3\") holds a null character (NUL): the file is damaged or not text. Export it again "
        "from the platform's back office, or save it as .xlsx in Excel, then import it",
    "是公式%1（单元格 %2），但文件里没有保存它的计算结果，不能当作空白导入。请在 Excel 中打开文件、确认数"
    "值显示正确后保存，再导入":
        "is a formula%1 (cell %2) whose result the file does not hold; it cannot be imported as blank. Open the "
        "file in Excel, check the values show correctly, save it and import again",
    "是 Excel 的错误值 %1（单元格 %2%3），不是数据，不能当作空白导入。请在 Excel 中改正这个单元格（或从平台后台"
    "重新导出）后再导入":
        "is the Excel error value %1 (cell %2%3), not data; it cannot be imported as blank. Correct the cell in "
        "Excel (or export the file again from the platform) and import again",
    "，公式“=%1”": ", formula \"=%1\"",
    "表头“%1”有 %2 列（第 %3 列），第 %4 行它们的内容不同（“%5”和“%6”）：导入的是第 %7 列。请确认它是对的，否则删去"
    "或改名多余的列后重新导入":
        "The header \"%1\" heads %2 columns (columns %3), and in row %4 they differ (\"%5\" and "
        "\"%6\"): column %7 was imported. Check that it is the right one; otherwise delete or rename the "
        "other columns and import again",
    "是 Excel 的错误值 %1，不是数据。请在 Excel 中改正这个单元格（或从平台后台重新导出）后再导入":
        "is the Excel error value %1, not data. Correct the cell in Excel (or export the file again from the "
        "platform) and import again",
    "工作表“%1”的单元格 %2 是 Excel 的错误值 %3，不是数据，不能当作空白导入。请在 Excel 中改正这个单元格和其他显示"
    "错误值的单元格（或从平台后台重新导出）后再导入":
        "cell %2 of the sheet \"%1\" is the Excel error value %3, not data; it cannot be imported as "
        "blank. Correct it and any other cell showing an error value in Excel (or export the file again from the "
        "platform) and import again",
    "第 %1 行：平台售后单 %2（新建为 #%3）与手工登记的售后单 #%4 是同一订单 %5、同一类型（%6），可能是同"
    "一个售后：请核对，关闭多余的一张":
        "Row %1: platform after-sales %2 (new case #%3) and case #%4 entered by hand are of the same order %5 "
        "and kind (%6): probably the same request. Check them and close the extra one",
    "文件已损坏或不完整，无法作为 Excel 表格读取（%1）。请在平台后台重新导出，或在 Excel 中另存为 .xlsx 后再导入":
        "The file is damaged or incomplete and cannot be read as an Excel sheet (%1). Export it again from the "
        "platform's back office, or save it as .xlsx in Excel, then import it",
    "文件不完整或已损坏（不是有效的 Excel 文件）。请在平台后台重新导出，或在 Excel 中另存为 .xlsx 后再导入":
        "The file is incomplete or damaged (not a valid Excel file). Export it again from the platform's back "
        "office, or save it as .xlsx in Excel, then import it",
    "文件设置了密码保护。请在 Excel 中打开并取消密码（文件 → 信息 → 保护工作簿），另存为 .xlsx 后再导入":
        "The file is password-protected. Open it in Excel and remove the password (File → Info → Protect "
        "Workbook), save it as .xlsx, then import it",
    "这是网页文件，里面没有表格（可能是平台的登录页或出错页，而不是导出的订单）。"
    "请在平台后台重新导出，或在 Excel 中另存为 .xlsx 后再导入":
        "This is a web page with no table in it (perhaps the platform's login or error page rather than the "
        "exported orders). Export it again from the platform's back office, or save it as .xlsx in Excel, then "
        "import it",
    "这是网页格式的表格，读到第 %1 行时文件就结束了（表格和网页都没有结尾）：可能没有下载完整。"
    "文件没有导入，请在平台后台重新导出，或在 Excel 中另存为 .xlsx 后再导入":
        "This is a table saved as a web page, and the file ends at row %1 (neither the table nor the page has its "
        "end): it may not have finished downloading. The file was not imported; export it again from the "
        "platform's back office, or save it as .xlsx in Excel, then import it",
    "只有表头（第 %1 行），下面没有订单：没有导入任何订单":
        "Only the header (row %1), no orders under it: no order was imported",
    "只有表头（第 %1 行），下面没有售后单：没有导入任何售后单":
        "Only the header (row %1), no after-sales requests under it: no request was imported",
    "网页表格读到第 %1 行已超过 %2 个单元格（合并单元格向下重复了太多），不像是订单表格":
        "The web page's table has more than %2 cells by row %1 (merged cells repeated too far down): it does not "
        "look like an order list",
    "网页表格第 %1 行有 %2 列，超过表格最多的 16384 列，不像是订单表格":
        "Row %1 of the web page's table has %2 columns, more than a sheet's 16384: it does not look like an order "
        "list",
    "这是网页或 XML 格式的表格，无法直接导入。请在平台后台重新导出，或在 Excel 中另存为 .xlsx 后再导入":
        "This is a web page or XML sheet and cannot be imported directly. Export it again from the platform's "
        "back office, or save it as .xlsx in Excel, then import it",
    "表头既像“%1”又像“%2”，看不出是哪个平台的导出：请指明平台（命令行 --platform，窗口里用“导入其他表格…”）":
        "The header looks like both \"%1\" and \"%2\", so the platform cannot be told: name the platform (--platform "
        "on the command line, \"Import other sheet...\" in the window)",
    "文件已损坏，无法作为 Excel 表格读取。请在平台后台重新导出，或在 Excel 中另存为 .xlsx 后再导入":
        "The file is damaged and cannot be read as an Excel sheet. Export it again from the platform's back "
        "office, or save it as .xlsx in Excel, then import it",
    "第 %1 行有一个没有配对的引号（\"），其后 %2 行被并进了同一个单元格（从“%3”开始）。请在该行补上或删去引号后再导入":
        "Row %1 has a quote (\") that is never closed: the %2 lines after it were read into one cell (from "
        "\"%3\"). Add or remove the quote in that row, then import again",
    "%1“%2”在第 %3 行已经出现过，但这一行的内容与第 %3 行不同；这一行未导入（保留第 %3 行）。请核对后删去多余的一行":
        "%1 \"%2\" is on row %3 already, but this row differs from row %3; this row was not imported (row %3 is "
        "kept). Check them and delete the extra row",
    "文件解压后超过 1 GB（疑似“压缩炸弹”或并非订单表格），为安全起见拒绝读取":
        "The file unpacks to more than 1 GB (a \"zip bomb\", or no order sheet): it is not read, for safety",
    "这是%1的商品明细文件，不能单独导入。请把它和对应的订单列表文件（%2…）一起选择导入":
        "This is the item detail file of %1 and cannot be imported alone. Choose it together with its order list "
        "file (%2...)",
    "无法识别的售后类型“%1”（可在售后导出格式文件 %2 的 [kinds] 中添加）":
        "Unknown after-sales kind \"%1\" (it can be added under [kinds] in the after-sales format file %2)",
    "文件解压后异常巨大（疑似“压缩炸弹”），为安全起见拒绝读取":
        "The file unpacks to an abnormal size (a \"zip bomb\"?): it is not read, for safety",
    "第 %1 行附近的文字编码与文件开头不一致，文件可能已损坏":
        "The text encoding near row %1 differs from the start of the file: the file may be damaged",
    "文件在读取过程中被改动了（大小或修改时间变了）：可能还在下载，或正被别的程序保存。文件没有导入，请等它下载或保存完"
    "后再导入":
        "The file changed while it was being read (its size or time changed): it may still be downloading, or "
        "another program is saving it. Nothing was imported; wait until it is downloaded or saved and import "
        "again",
    "读到第 %1 行时文件读不下去了（%2）：可能是网盘或 U 盘断开了，或者文件正被别的程序改写或锁定。文件没有导入，"
    "请等它保存完（或复制到本机）后再导入":
        "The file could not be read past row %1 (%2): a network drive or USB stick may have gone, or another "
        "program is rewriting or locking the file. Nothing was imported; wait until it is saved (or copy it to "
        "this computer) and import again",
    "表头与列对应方案“%1”不符：前 10 行里找不到这些列：%2":
        "The header does not match the column mapping \"%1\": these columns are not in the first 10 rows: %2",
    "这不是%1的商品明细文件（找不到 %2 等列）": "This is not an item detail file of %1 (no columns such as %2)",
    "“%1”的格式没有单独的商品明细文件，这个文件没有被使用":
        "The format of \"%1\" has no separate item detail file: this file was not used",
    "“%1”不是有效的售后单号（只能包含数字、字母和“-”）":
        "\"%1\" is not a valid after-sales number (only digits, letters and \"-\")",
    "没有读取权限（文件可能正在被 Excel 打开）": "No permission to read it (is it open in Excel?)",
    "售后单号“%1”与第 %2 行重复且内容不同，本行未导入":
        "After-sales number \"%1\" repeats row %2 with different content: this row was not imported",
    "工作表“%1”无法读取，文件可能已损坏或不完整（%2）":
        "Sheet \"%1\" cannot be read: the file may be damaged or incomplete (%2)",
    "文件内部结构异常（条目过多），不像是订单表格":
        "The file's inner structure is abnormal (too many entries): it is no order sheet",
    "对应的订单列表文件“%1”未能导入，明细也未导入":
        "Its order list file \"%1\" was not imported, so the details were not either",
    "同一订单（%1）的其他行有错误，本订单整单未导入":
        "Other rows of the same order (%1) have errors: the whole order was not imported",
    "这是一个压缩包，但不是 Excel 表格": "This is a zip archive, but not an Excel sheet",
    "本订单在%1第 %2 行的商品有错误，整单未导入":
        "This order's items in %1, rows %2, have errors: the whole order was not imported",
    "不是表格文件（无法识别的二进制格式）": "Not a sheet (an unknown binary format)",
    "第 %1 行不是有效的 CSV 内容（%2）": "Row %1 is not valid CSV (%2)",
    "工作表“%1”无法读取，文件已损坏": "Sheet \"%1\" cannot be read: the file is damaged",
    "压缩的数据已损坏或不完整，可能没有下载完整":
        "its compressed data is damaged or incomplete: perhaps a download cut short",
    "里面的 XML 内容不完整或写法不对": "the XML inside is incomplete or malformed",
    "里面的文字不是有效的 UTF-8 编码": "the text inside is not valid UTF-8",
    "单元格引用的文字在文件里找不到": "a cell refers to text the file does not hold",
    "认不出里面的格式": "its inner format is not recognised",
    "快递公司“%1”里有控制字符（%2），不是快递公司的名称：请删去它":
        "Carrier \"%1\" holds a control character (%2): that is no carrier's name. Delete it",
    "工作表“%1”里有无法识别的单元格位置“%2”，文件可能已损坏":
        "Sheet \"%1\" holds a cell position \"%2\" that means nothing: the file may be damaged",
    ("工作表“%1”里有一个单元格的位置读不出来（不是 A1 这样的写法），文件已损坏。"
     "请在平台后台重新导出，或在 Excel 中另存为 .xlsx 后再导入"):
        "Sheet \"%1\" holds a cell whose position cannot be read (not written like A1): the file is damaged. "
        "Export it again from the platform's back office, or save it as .xlsx in Excel, then import it",
    ("工作表“%1”的单元格 %2 远在表格之外（可能是格式、空格或误填的内容），使表格从 %3 延伸到 %4：%5 行 × %6 列，"
     "约 %7 个单元格，超过能读取的 %8 个，文件没有导入。请在 Excel 或 WPS 中按 Ctrl+End 找到单元格 %2，"
     "把数据下方和右侧多余的行、列整行整列删除（或只把有数据的部分复制到新表格），另存后再导入"):
        "Cell %2 of sheet \"%1\" lies far outside the table (formatting, spaces or something typed by mistake), "
        "stretching it from %3 to %4: %5 rows × %6 columns, about %7 cells, more than the %8 that can be read; "
        "the file was not imported. In Excel or WPS press Ctrl+End to find cell %2, delete the surplus whole rows "
        "and columns below and right of the data (or copy only the data to a new sheet), save, then import again",
    ("工作表“%1”的第 %2 行 远在表格之外（可能是格式、空格或误填的内容），使表格从 %3 延伸到 %4：%5 行 × %6 列，"
     "约 %7 个单元格，超过能读取的 %8 个，文件没有导入。请在 Excel 或 WPS 中按 Ctrl+End 找到第 %2 行，"
     "把数据下方和右侧多余的行、列整行整列删除（或只把有数据的部分复制到新表格），另存后再导入"):
        "Row %2 of sheet \"%1\" lies far outside the table (formatting, spaces or something typed by mistake), "
        "stretching it from %3 to %4: %5 rows × %6 columns, about %7 cells, more than the %8 that can be read; "
        "the file was not imported. In Excel or WPS press Ctrl+End to find row %2, delete the surplus whole rows "
        "and columns below and right of the data (or copy only the data to a new sheet), save, then import again",
    "里面的结构无法解析": "its inner structure cannot be parsed",
    "%1太长（%2 个字符，最多 %3 个）": "%1 is too long (%2 characters, at most %3)",
    "内容太长（最多 %1 个字符）": "too long (at most %1 characters)",
    "工作表“%1”内容已损坏（%2）": "The content of sheet \"%1\" is damaged (%2)",
    "工作簿里没有工作表": "The workbook has no sheets",
    "这是%1，不是表格文件": "This is a %1, not a sheet",
    "文件无法读取（%1）": "The file cannot be read (%1)",
    "这不是一个文件": "This is not a file",
    "找不到文件": "File not found",
    "文件是空的": "The file is empty",
    "缺少%1": "%1 missing",
    "商品明细": "the item details",
    "PDF 文件": "PDF file",
    "PNG 图片": "PNG image",
    "JPEG 图片": "JPEG image",
    "GIF 图片": "GIF image",
    "RAR 压缩包": "RAR archive",
    "7z 压缩包": "7z archive",
    "gzip 压缩包": "gzip archive",
    "空的压缩包": "empty zip archive",
    # --- a rule file that cannot be used (desktop_app.core.messages) ----------------------------------------
    "“penalty_amount”要么是固定金额，要么是百分比：写成 { fixed_yuan = 3 }（每次3元）或 { percent = 5, ma"
    "x_yuan = 30 }（成交金额的5%，最多30元）":
        "\"penalty_amount\" is either a fixed amount or a percentage: write { fixed_yuan = 3 } (¥3 each time) or "
        "{ percent = 5, max_yuan = 30 } (5% of the order amount, at most ¥30)",
    "“penalty_amount”写成 { fixed_yuan = 3 }（每次3元）或 { percent = 5, max_yuan = 30 }（成交金额的5%，最多30元）":
        "\"penalty_amount\": write { fixed_yuan = 3 } (¥3 each time) or { percent = 5, max_yuan = 30 } (5% of the "
        "order amount, at most ¥30)",
    "“recurs”只能是 \"yearly\"（每年重复，当年没有自己的窗口时按同样的月日估算）或 \"announced\"（每年由"
    "平台公布，不估算，快到时提醒添加当年的窗口）":
        "\"recurs\" can only be \"yearly\" (repeats every year: a year without its own window is estimated on the "
        "same dates) or \"announced\" (the platform announces it every year: not estimated, you are reminded to "
        "add the year's window when it nears)",
    "“durations”必须列出至少一个计时器的新时长，例如 { seller_confirm_return = { days = 20 } }":
        "\"durations\" must list the new duration of at least one timer, e.g. "
        "{ seller_confirm_return = { days = 20 } }",
    "时长必须恰好写一项：{ hours = 72 }、{ days = 7 } 或 { working_days = 3 }":
        "A duration has exactly one entry: { hours = 72 }, { days = 7 } or { working_days = 3 }",
    "“date_only_start”只能是 \"day_start\"（当天0点起算）或 \"next_day\"（次日0点起算）":
        "\"date_only_start\" can only be \"day_start\" (from midnight that day) or \"next_day\" (from the next "
        "midnight)",
    "每年重复的窗口需要“event”（活动编号，如 double11），用来判断某一年是否已有自己的窗口":
        "A yearly window needs an \"event\" (the event's id, e.g. double11) to tell whether a year has its own "
        "window",
    "时长单位“%1”无效，可用：hours（小时）、days（天）、working_days（工作日）":
        "Duration unit \"%1\" is not valid: use hours, days or working_days",
    "“rounds”只能是 \"each\"（每次起算事件重新计时）或 \"first\"（只按第一次）":
        "\"rounds\" can only be \"each\" (timed again at each start event) or \"first\" (from the first only)",
    "“%1”必须是日期时间，例如 2022-01-25T00:00:00（北京时间），而不是 %2":
        "\"%1\" must be a date and time, e.g. 2022-01-25T00:00:00 (Beijing time), not %2",
    "同一个原因不能同时出现在 reasons 和 except_reasons 中": "A reason cannot be in both reasons and except_reasons",
    "规则文件 %1：时间窗口“%2”：引用了不存在的计时器“%3”（本规则包的计时器：%4）":
        "Rule file %1: window \"%2\" names a timer that does not exist, \"%3\" (this pack's timers: %4)",
    "“assumed”只能是 true（时长为估计）或 false": "\"assumed\" can only be true (the duration is an estimate) or false",
    "“penalty_amount”中的“%1”必须是正整数，而不是 %2":
        "\"%1\" in \"penalty_amount\" must be a positive whole number, not %2",
    "“keyed_to”必须是一个或几个事件名（%1），而不是 %2": "\"keyed_to\" must be one or more event names (%1), not %2",
    "“penalty_amount”的百分比不能超过100": "The percentage of \"penalty_amount\" cannot exceed 100",
    "“%1”只能用小写英文字母、数字和下划线，并以字母开头：%2":
        "\"%1\" may only use lowercase letters, digits and underscores, starting with a letter: %2",
    "“auto_records”事件“%1”未知（可用：%2）": "Unknown \"auto_records\" event \"%1\" (available: %2)",
    "%1：商家拒绝后平台直接介入（仲裁），按“%2”的规则记录；请在举证期内上传凭证":
        "%1: the platform steps in (arbitration) as soon as the shop refuses, by the rule \"%2\"; upload the "
        "evidence within the evidence period",
    "“refusal_records”只能是 escalated（商家拒绝后平台直接介入），不能是“%1”":
        "\"refusal_records\" can only be escalated (the platform steps in once the shop refuses), not \"%1\"",
    "“%1”必须是日期列表，例如 [2026-10-08]": "\"%1\" must be a list of dates, e.g. [2026-10-08]",
    "“%1”必须是文字列表，例如 [\"a\", \"b\"]": "\"%1\" must be a list of texts, e.g. [\"a\", \"b\"]",
    "extends 指向未知的规则包“%1”（可用：%2）": "extends names an unknown rule pack \"%1\" (available: %2)",
    "规则文件 %1：活动“%2”：引用了不存在的计时器“%3”":
        "Rule file %1: campaign \"%2\" names a timer that does not exist, \"%3\"",
    "“%1”中的“%2”不是日期（YYYY-MM-DD）": "\"%2\" in \"%1\" is not a date (YYYY-MM-DD)",
    "缺少 [pack] 部分（id、name）": "The [pack] part (id, name) is missing",
    "id 应为“%1”（与文件名一致），而不是“%2”": "id should be \"%1\" (as the file name), not \"%2\"",
    "时长“%1”必须在 1 到 %2 之间，而不是 %3": "Duration \"%1\" must be between 1 and %2, not %3",
    "“revision”必须是非负整数": "\"revision\" must be a whole number, 0 or more",
    "缺少“duration”（时长）": "\"duration\" is missing",
    "规则包不能 extends 自己": "A rule pack cannot extend itself",
    "时长“%1”必须是正整数，而不是 %2": "Duration \"%1\" must be a positive whole number, not %2",
    "不认识的设置项“%1”（可用：%2）": "Unknown setting \"%1\" (available: %2)",
    "%1 必须写成 [[%1]] 表数组": "%1 must be written as an array of tables [[%1]]",
    "“%1”中有未知的%2：%3（可用：%4）": "\"%1\" has unknown %2: %3 (available: %4)",
    "起算事件“%1”未知（可用：%2）": "Unknown start event \"%1\" (available: %2)",
    "必须是一个表（[[%1]]）": "must be a table ([[%1]])",
    "结束时间早于开始时间": "The end is before the start",
    "规则包继承形成循环：%1": "The rule packs extend each other in a loop: %1",
    "“%1”必须是非空文字": "\"%1\" must be a text, not empty",
    "“%1”最长 %2 个字符": "\"%1\" is at most %2 characters",
    "规则文件 %1：%2：%3": "Rule file %1: %2: %3",
    "规则文件 %1：%2": "Rule file %1: %2",
    "%1中计时器“%2”": "%1, timer \"%2\"",
    "id 重复": "the id is used twice",
    "第 %1 个%2": "%2 no. %1",
    "第 %1 个": "no. %1",
    "缺少“%1”": "\"%1\" is missing",
    "%1“%2”": "%1 \"%2\"",
    "计时器": "timer",
    "活动": "campaign",
    "完成事件": "completing event",
    "适用售后类型": "Case kinds",
    "不适用的原因": "Reasons excluded",
    "固定金额": "Fixed amount",
    "百分比": "Percentage",
    "最高金额": "Maximum amount",
    "工作日": "working days",
    "开始时间": "Start",
    "判断事件": "Keyed to event",
    "计时轮次": "Rounds",
    "只有日期时的起算": "Start when only a date is known",
    # --- a ledger that cannot be opened, a team database, moving a ledger (desktop_app.core.messages) -------
    "不支持的数据库地址“%1”：请写 SQLite 文件路径，或 postgresql+psycopg://用户名:密码@主机:端口/数据库名":
        "Unsupported database address \"%1\": write an SQLite file path, or postgresql+psycopg://user:password@"
        "host:port/database",
    "文件 %1 不是售后台账数据库（里面是其他程序的数据：%2等），没有改动它。请选择售后台账的数据库文件，或"
    "写一个新的文件名":
        "File %1 is not an Aftersales Ledger database (it holds another program's data: %2 ...); it was not changed. "
        "Choose an Aftersales Ledger database file, or write a new file name",
    "文件 %1 不是售后台账数据库（里面是其他程序的数据：%2），没有改动它。请选择售后台账的数据库文件，或写"
    "一个新的文件名":
        "File %1 is not an Aftersales Ledger database (it holds another program's data: %2); it was not changed. "
        "Choose an Aftersales Ledger database file, or write a new file name",
    "团队数据库%1不存在：请先在服务器上建好这个数据库（CREATE DATABASE），或检查库名。":
        "The team database%1 does not exist: create it on the server first (CREATE DATABASE), or check its name.",
    "与团队数据库%1的连接在操作中途断开了：%2。这次没有做完的修改没有保存；请等服务器恢复后再做一次。":
        "The connection to the team database%1 broke off in the middle: %2. The unfinished change was not saved; "
        "do it again once the server is back.",
    "数据库 %1 由更新版本的售后台账创建（版本 %2），本程序无法打开。请升级程序后再试。":
        "Database %1 was made by a newer Aftersales Ledger (version %2) and cannot be opened by this one. Update "
        "the program and try again.",
    "无法登录团队数据库%1：服务器要求密码，但没有提供（这台电脑的系统钥匙串里没有保存这个"
    "服务器的密码）。请在 设置 → 连接团队数据库 中填写密码并保存，或在地址里写上密码。":
        "Cannot log in to the team database%1: the server asks for a password and none was given (this computer's "
        "system keyring holds none for this server). Enter and save the password under Settings → Connect to a "
        "team database, or put it in the address.",
    "团队数据库%1的表结构与本程序不一致（%2）：可能已有席位用更新版本的售后台账升级了它。"
    "数据未被修改；请把这台电脑的售后台账升级到最新版本后重新打开。":
        "The team database%1's tables do not match this program (%2): a seat may have upgraded it with a newer "
        "Aftersales Ledger. Nothing was changed; update Aftersales Ledger on this computer and open it again.",
    "%1的时间 %2 早于%3的时间 %4：售后单的步骤按发生的先后记录。请检查时间；若%5的时间记错了，"
    "先撤销那一步（编辑 → 撤销，或 case undo %6）再按正确的时间记录":
        "The time of %1, %2, is before the time of %3, %4: a case's steps are recorded in the order they happened. "
        "Check the time; if %5 was recorded at the wrong time, undo that step first (Edit → Undo, or case undo "
        "%6) and record it again at the right time.",
    "%1的时间 %2 早于%3的时间 %4：售后单的步骤按发生的先后记录。请检查时间；若%5的时间记错了，"
    "先从最后一步撤销到那一步（编辑 → 撤销，或 case undo %6，共 %7 次）再按正确的时间记录":
        "The time of %1, %2, is before the time of %3, %4: a case's steps are recorded in the order they happened. "
        "Check the time; if %5 was recorded at the wrong time, undo back to that step from the last one first "
        "(Edit → Undo, or case undo %6, %7 times) and record it again at the right time.",
    "%1的时间 %2 早于%3的时间 %4：售后单的步骤按发生的先后记录。请检查时间；撤销改不到%5"
    "（%6），这一步请记录为 %7 或之后":
        "The time of %1, %2, is before the time of %3, %4: a case's steps are recorded in the order they happened. "
        "Check the time; undoing cannot reach %5 (%6), so record this step at %7 or later.",
    "提醒：“%1”已于 %2 到期，平台当时已自动处理（%3）":
        "Note: \"%1\" ran out at %2; the platform acted on its own then (%3)",
    "平台已先处理": "The platform acted first",
    "提醒：“%1”已于 %2 到期，平台当时已自动处理（%3）。若这一步其实在那之前就发生了，"
    "请撤销它（编辑 → 撤销，或 case undo %4）后按实际时间记录":
        "Note: \"%1\" ran out at %2; the platform acted on its own then (%3). If this step really happened before "
        "that, undo it (Edit → Undo, or case undo %4) and record it at the time it happened",
    "%1的时间 %2 早于买家申请的时间 %3：售后单的步骤不能早于申请。请检查时间；若买家申请得更早"
    "（新建时没填申请时间的，按录入的时刻记录），新建售后单时填写买家申请时间（case add --requested-at，"
    "或新建售后单的“买家申请时间”）或改正它（case edit %4 --requested-at，或售后单的“编辑”），不需要的售后单请关闭":
        "The time of %1, %2, is before the buyer's request, %3: no step of a case comes before its request. "
        "Check the time; if the buyer asked earlier (a case recorded without a request time takes the moment it "
        "was typed in), give the request time when recording the case (case add --requested-at, or the New Case "
        "dialog's Buyer requested at) or correct it (case edit %4 --requested-at, or the case's Edit), and close "
        "a case that is not needed.",
    "买家申请的时间改为 %1 不行：它晚于%2的时间 %3，售后单的步骤不能早于申请。请检查时间；"
    "若%4的时间记错了，先撤销那一步（编辑 → 撤销，或 case undo %5）":
        "The buyer's request cannot be moved to %1: that is after the time of %2, %3, and no step of a case comes "
        "before its request. Check the time; if the time of %4 is wrong, undo that step first (Edit → Undo, or "
        "case undo %5)",
    "恢复期间另一个程序（命令行、导入或窗口）写入了数据库 %1：恢复会丢掉它刚保存的修改，"
    "所以没有恢复，数据库未被修改（恢复前的副本：%2）。请等它结束、关闭其他程序后再恢复。":
        "Another program (the command line, an import or a window) wrote to database %1 during the restore: "
        "restoring would lose what it had just saved, so nothing was restored and the database was not changed "
        "(the copy taken before restoring: %2). Wait for it to finish and close other programs, then restore.",
    "数据库 %1 刚被恢复为一个备份（文件已被替换），本次操作没有保存。请重新运行命令"
    "（窗口：重新打开数据库）后再操作。":
        "Database %1 was just restored from a backup (the file was replaced); this was not saved. Run the "
        "command again (the window: open the database again), then retry.",
    "迁移期间数据库文件 %1 又有修改（窗口、命令行或导入刚保存了内容），这些修改不在复制里："
    "已全部撤销，目标数据库未改动。请等它们结束（关闭其他窗口和命令）后再迁移。":
        "Database file %1 changed while it was being moved (a window, the command line or an import just saved "
        "something), and that change is not in the copy: everything was undone and the target database was not "
        "changed. Wait for them to finish (close other windows and commands), then move again.",
    "另一个程序刚做的修改；点售后单编号打开它": "What another program just changed; click a case number to open it",
    "%1 在另一个程序中修改了 %2": "%1 changed %2 in another program",
    "另一个程序（如命令行导入）修改了台账，已刷新":
        "Another program (a command-line import, say) changed the ledger; reloaded",
    "数据库 %1 正被另一个窗口或命令打开着：恢复后，它再做的修改都会丢失。"
    "请先关闭它（窗口：文件 → 退出），再恢复。数据库未被修改。":
        "Database %1 is open in another window or command: whatever it changed after a restore would be lost. "
        "Close it first (the window: File → Quit), then restore. The database was not changed.",
    "证据 #%1 不是售后单 #%2 的（它属于售后单 #%3），没有删除":
        "Evidence #%1 is not case #%2's (it belongs to case #%3); nothing was deleted.",
    "金额只能随退款、退货途中退款或补偿一起记录，“%1”不付款":
        "An amount goes only with a refund, a refund in transit or a compensation; \"%1\" pays nothing.",
    "数据库地址“%1”写法不对：应写成 postgresql+psycopg://用户名:密码@主机:端口/数据库名（协议名后面是“://”）":
        "Database address \"%1\" is mistyped: write it as postgresql+psycopg://USER:PASSWORD@HOST:PORT/DATABASE "
        "(\"://\" after the scheme)",
    "无法登录团队数据库%1：用户名或密码不对。请在 设置 → 连接团队数据库 中重新填写。":
        "Cannot log in to the team database%1: wrong user name or password. Enter them again under Settings → "
        "Connect to a team database.",
    "团队数据库%1的连接已满（%2）：服务器允许的连接都被各个席位的窗口和命令占着。请关掉不用的售后台账窗口后再试一次；"
    "经常这样时，请管理员调大服务器的 max_connections 或这个账号的连接数上限。":
        "The team database%1 has no connection left (%2): the seats' windows and commands hold every connection the "
        "server allows. Close the windows of the ledger nobody uses and try again; if this happens often, ask the "
        "administrator to raise the server's max_connections or this account's connection limit.",
    "这台电脑的时钟比团队数据库服务器慢 %1 分钟：在这里记录的步骤（没写时间的）和从它们算起的时限都会早 %1 分钟。"
    "请校准这台电脑的时间（Windows：设置 → 时间和语言 → 立即同步）。":
        "This computer's clock is %1 minutes behind the team database server's: the steps recorded here (without a "
        "time given) and the deadlines counted from them are %1 minutes early. Set this computer's time right "
        "(Windows: Settings → Time & language → Sync now).",
    "这台电脑的时钟比团队数据库服务器快 %1 分钟：在这里记录的步骤（没写时间的）和从它们算起的时限都会晚 %1 分钟。"
    "请校准这台电脑的时间（Windows：设置 → 时间和语言 → 立即同步）。":
        "This computer's clock is %1 minutes ahead of the team database server's: the steps recorded here (without "
        "a time given) and the deadlines counted from them are %1 minutes late. Set this computer's time right "
        "(Windows: Settings → Time & language → Sync now).",
    "无法连接团队数据库%1：%2。请检查网络、服务器地址和端口，以及服务器是否已启动。":
        "Cannot connect to the team database%1: %2. Check the network, the server's address and port, and that "
        "the server is running.",
    "目标数据库 %1 已经有数据（%2），不能迁入：请用一个新建的空数据库。":
        "The target database %1 holds data already (%2) and cannot take the ledger: use a new, empty database.",
    "迁移后核对条数不一致（%1），已全部撤销，目标数据库未改动。":
        "The counts differ after the move (%1): everything was undone, the target database is unchanged.",
    "数据库文件 %1 已损坏，为免损失扩大，程序不会再写入它。":
        "The database file %1 is damaged; to keep the loss from growing, the program will not write to it.",
    "文件 %1 不是售后台账数据库（不是 SQLite 文件）":
        "File %1 is not an Aftersales Ledger database (not an SQLite file)",
    "数据库地址“%1”缺少数据库名（…@主机:端口/数据库名）":
        "Database address \"%1\" lacks the database name (...@host:port/database)",
    "团队数据库%1的账号没有权限做这件事（%2）。请让管理员授权。":
        "The account on the team database%1 has no permission for this (%2). Ask the administrator to grant it.",
    "有一项文字太长，团队数据库存不下（%1）。数据未被修改。":
        "A text is too long for the team database (%1). Nothing was changed.",
    "团队数据库%1的磁盘已满，无法写入。数据未被修改。":
        "The disk of the team database%1 is full: nothing can be written. Nothing was changed.",
    "找不到要迁移的数据库文件：%1": "The database file to move was not found: %1",
    "数据库路径是一个文件夹：%1": "The database path is a folder: %1",
    "数据库地址“%1”写法不对：%2": "Database address \"%1\" is not written right: %2",
    "%1：应有 %2，实有 %3": "%1: %2 expected, %3 there",
    "%1 %2 条": "%1 %2",
    "%1 %2 行": "%1 %2 rows",
    "订单商品": "Order items",
    "时间线记录": "Timeline entries",
    "售后凭证": "Case evidence",
    "理赔凭证": "Claim evidence",
    "服务器拒绝连接（这个端口上没有运行数据库，或被防火墙拦住）":
        "the server refused the connection (no database runs on this port, or a firewall blocks it)",
    "找不到这个服务器地址": "the server address was not found",
    "网络不通，连不到这台服务器": "the network cannot reach this server",
    "连接超时（网络不通，或服务器没有响应）": "the connection timed out (no network, or the server did not answer)",
    "服务器意外断开了连接": "the server closed the connection unexpectedly",
    "服务器关闭或重启了": "the server shut down or restarted",
    "网络或服务器断开了连接": "the network or the server broke the connection",
    # --- a goods value statement that cannot be written, a playbook the editor cannot save -------------------
    "订单 %1 没有商品明细和金额（尚未导入？），无法写货值说明；请先导入该订单":
        "Order %1 has no item lines or amount (not imported yet?), so no statement can be written: import the "
        "order first",
    "订单 %1 的商品没有单价和金额：%2。请先导入这张订单的订单导出，":
        "The goods of order %1 have no unit price or amount: %2. Import this order's order export first,",
    "理赔 #%1 的商品没有单价和金额：%2。请在理赔中补全，":
        "The goods of claim #%1 have no unit price or amount: %2. Complete them in the claim,",
    "%1或生成时给出单价：命令 statement … --unit-price 59.00（几种商品各自给：--unit-price \"商品名=59.00\"）":
        "%1 or give the unit prices when writing it: statement ... --unit-price 59.00 (for several goods: "
        "--unit-price \"goods name=59.00\")",
    "第 %1 个步骤是空的：请填写内容或删除它": "Step %1 is empty: write it or delete it",
    "第 %1 条话术没有标题": "Script %1 has no title",
    "话术“%1”的内容是空的": "Script \"%1\" is empty",
    # --- the column mapping dialog's problems (desktop_app.core.messages) ----------------------------------
    "%1 列的表头“%2”与 %3 列相同，导入时只会读到 %3 列（“%4”）：请在表格里给其中一列改名":
        "Column %1 has the same header \"%2\" as column %3, so the import would read column %3 only (\"%4\"): rename "
        "one of them in the sheet",
    "%1 列没有表头，无法按列名识别（“%2”）：请在表格里给这一列加上列名，或选择其他列":
        "Column %1 has no header and cannot be found by name (\"%2\"): give it a header in the sheet, or choose "
        "another column",
    "%1 列的表头“%2”含有“|”，无法用来识别表格：请在表格里改名":
        "The header \"%2\" of column %1 contains \"|\" and cannot identify the sheet: rename it in the sheet",
    "“一行一个商品”的表格需要选择“商品名称”在哪一列": "A sheet with one row per item needs the \"Item name\" column",
    "请选择“订单号”在哪一列：订单按订单号导入和合并":
        "Choose the \"Order no.\" column: orders are imported and merged by their number",
    "%1 列同时对应了“%2”：一列只能对应一个字段": 'Column %1 is chosen for "%2": a column can stand for one field only',
    "请选择每行是一个订单还是一个商品": "Choose whether each row is an order or an item",
    "%1”和“%2": "%1\" and \"%2",
    "请填写方案名称（例如“%1”）": "Enter a name for the mapping (e.g. \"%1\")",
    "方案名称太长：最多 %1 个字": "The mapping's name is too long: at most %1 characters",
    "“%1”选择的列不在表格里": "The column chosen for \"%1\" is not in the sheet",
    "请选择“%1”在哪一列：%2": "Choose the \"%1\" column: %2",
    "无法识别的平台“%1”": "Unknown platform \"%1\"",
    "未知的字段：%1": "Unknown fields: %1",
    "某某供应商发货表": "Supplier shipping sheet",
    "ERP售后单": "ERP after-sales list",
    "再次导入时按平台和售后单号找到同一张售后单":
        "an import finds the same case again by its platform and after-sales number",
    "售后单按订单号关联订单": "a case is linked to its order by the order number",
    "售后类型决定售后单的处理步骤和时效": "the kind decides the case's steps and deadlines",
    "售后状态决定售后单处于哪一步": "the status decides which step the case is at",
    # --- a table of one row per item with a row that names no order; a product cost sheet ------------------
    "%1第 %2 行%3：%4，但这一行有商品，像是上面那张订单的又一件商品。导入其余的行会让那张订单少记这件商品，"
    "所以整个文件都没有导入。请在每一行都填上订单号，并在“导入其他表格”里把“每行是”选为“一行一个商品”后再导入":
        "%1Row %2%3: %4, but the row has an item, as if it were a further item of the order above. Importing the "
        "other rows would leave that order short of this item, so nothing of the file was imported. Enter the "
        "order number on every row and choose \"one row per item\" under \"Import other sheet\", then import again",
    "%1第 %2 行%3：%4。这张表每行是一件商品，读不出订单号的行不知道属于哪张订单，导入其余的行会让那张订单少记这件商品，"
    "所以整个文件都没有导入。请改正这一行（或从平台重新导出）后再导入":
        "%1Row %2%3: %4. Each row of this sheet is an item, and a row without a readable order number belongs to "
        "no known order: importing the other rows would leave that order short of this item, so nothing of the "
        "file was imported. Correct this row (or export again from the platform), then import again",
    "“%1”列": ", column \"%1\"",
    "“%1”": "\"%1\" ",
    "第 %1 行：%2": "Row %1: %2",
    "第 %1 行：商家编码 %2 没有成本价": "Row %1: product code %2 has no cost price",
    "第 %1 行：商家编码 %2 与第 %3 行重复，以本行为准": "Row %1: product code %2 repeats row %3; this row is used",
    # --- a team database's backup, the system keyring, the playbooks' files (desktop_app.core.messages) -------
    "这台电脑没有 PostgreSQL 的备份工具 pg_dump，无法备份团队数据库。请安装 PostgreSQL 客户端工具"
    "（或设置环境变量 %1 指向 pg_dump），或在数据库服务器上运行：pg_dump -Fc -f 备份文件.dump %2":
        "This computer has no pg_dump, PostgreSQL's backup tool, so the team database cannot be backed up. "
        "Install the PostgreSQL client tools (or point the environment variable %1 at pg_dump), or run on the "
        "database server: pg_dump -Fc -f backup.dump %2",
    "运行 pg_dump 失败：%1": "pg_dump could not run: %1",
    ("这台电脑的 pg_dump（%1）比团队数据库的服务器（PostgreSQL %2）旧，不能备份它。请安装 PostgreSQL %3 "
     "或更新版本的客户端工具（或设置环境变量 %4 指向它），或在数据库服务器上运行：pg_dump -Fc -f 备份文件.dump %5"):
        "This computer's pg_dump (%1) is older than the team database's server (PostgreSQL %2) and cannot back "
        "it up. Install the PostgreSQL client tools %3 or newer (or point the environment variable %4 at them), "
        "or run on the database server: pg_dump -Fc -f backup.dump %5",
    "pg_dump 备份团队数据库失败：%1": "pg_dump could not back up the team database: %1",
    "未知原因": "unknown reason",
    "；": "; ",
    "这台电脑没有可用的系统钥匙串，无法保存密码（%1）。可以每次在地址里写上密码，或设置环境变量 %2。":
        "This computer has no usable system keyring, so the password cannot be saved (%1). Write the password "
        "in the address each time, or set the environment variable %2.",
    "已跳过自定义处理步骤 %1": "Own playbook skipped: %1",
    "无法保存处理步骤到 %1：%2": "The playbook cannot be saved to %1: %2",
    "处理步骤“%1”没有本店自己的版本": "Playbook \"%1\" has no version of the shop's own",
    "无法删除 %1：%2": "%1 cannot be deleted: %2",
    # The timers' penalties counted (session 22).
    '时限超时按平台规则的处罚 %1 元，已计入净损失；在“平台处罚”中填写实际金额（含 0）则以填写的为准':
        "Penalty of ¥%1 by the platform's rules for timers that ran out, counted in the net "
        'loss; enter the actual amount (0 included) under "Platform penalty" to count that instead',
    '时限超时按平台规则的处罚 %1 元；已填写“平台处罚”，以填写的为准，不重复计入':
        "Penalty of ¥%1 by the platform's rules for timers that ran "
        'out; a platform penalty is entered, so that one counts, not both',
    '%1 元（手工登记）': '¥%1 (entered by hand)',
    '；时限超时按规则为 %1 元，不重复计入': '; ¥%1 by the rules for timers that ran out, not counted twice',
    '%1 元（时限超时，按平台规则计入）': "¥%1 (timers that ran out, by the platform's rules)",
    '%1 元': '¥%1',
    '错过平台时限 %1 次': 'Platform deadlines missed %1 times',
    '平台处罚含时限超时按平台规则计入的 %1 元（%2 张售后单，按时限到期日计入期间；已手工登记处罚的售后单以登记为准）':
        "Platform penalties include ¥%1 by the platform's rules for timers that ran out (%2 cases, "
        'counted in the period of the deadline; a case with a penalty entered by hand counts that one)',
    '；超时须赔付 %1 元': '; ¥%1 owed for lateness',
    '另有 %1 张售后单的时限超时赔付金额未知（订单未导入，按成交金额的比例计算），未计入平台处罚':
        'Another %1 cases owe a penalty for a timer that ran out whose amount is unknown (the order was not '
        'imported; it is a share of the amount paid): not counted in platform penalties',
    '已超时，须赔付 %2 元（%1）': 'Late: ¥%2 owed (%1)',
    # --- hostile files, round 7 (session 27) ----------------------------------------
    '工作表“%1”第 %2 行 %3 列的单元格标为数字，写的却是“%4”，不是数字，读不出来，文件没有导入。请在 Excel 或 WPS '
    '中把这个单元格改成数字（或把这一列设为“文本”）后另存，再导入':
        'In the sheet "%1", the cell in row %2, column %3 is marked as a number but holds "%4", which is no '
        'number and cannot be read: the file was not imported. In Excel or WPS, type the cell as a number (or '
        'format the column as Text), save the file and import it again',
    '工作表“%1”第 %2 行 %3 列的单元格引用文件里的第 %4 号文字，文件却只有 %5 条：文件已损坏，这个单元格读不出来，'
    '文件没有导入。请从平台后台重新导出，或在 Excel 中打开、检查这个单元格后另存，再导入':
        'In the sheet "%1", the cell in row %2, column %3 refers to text number %4 of the file, which holds only '
        '%5: the file is damaged, this cell cannot be read and the file was not imported. Export the file again '
        'from the platform, or open it in Excel, check this cell, save it and import it again',
    '工作表“%1”第 %2 行 %3 列的单元格引用文件里的文字，编号却是“%4”：文件已损坏，这个单元格会读成别的文字（如表头'
    '），文件没有导入。请从平台后台重新导出，或在 Excel 中打开、检查这个单元格后另存，再导入':
        'In the sheet "%1", the cell in row %2, column %3 refers to a text of the file by "%4", which is no '
        'number: the file is damaged, this cell would read as another text (such as a header) and the file was '
        'not imported. Export the file again from the platform, or open it in Excel, check this cell, save it and '
        'import it again',
    '粘贴的内容超过 %1 行（第 %2 行起），一次最多录入 %1 行，什么也没有录入：请分成几批粘贴':
        'The paste has more than %1 lines (from line %2 on); at most %1 lines can be entered at once, so nothing '
        'was entered: paste them in several batches',
    '第 %1 行超过 %2 还没有换行，不像是平台导出的内容（文件可能已损坏，或不是表格）。文件没有导入，请检查这一'
    '行后重新导出':
        'Line %1 runs past %2 without a line break: this is no platform export (the file may be '
        'damaged, or no table). The file was not imported: check this line and export the file again',
    '工作表“%1”第 %2 行 %3 列的单元格读不出来（文件里标的类型是“%4”，内容是“%5”）：文件已损坏，文件没有导入。请从'
    '平台后台重新导出，或在 Excel 中打开、检查这个单元格后另存，再导入':
        'In the sheet "%1", the cell in row %2, column %3 cannot be read (its type in the file is "%4", its '
        'content "%5"): the file is damaged and was not imported. Export the file again from the platform, or '
        'open it in Excel, check this cell, save it and import it again',
    '文件里的文字表（共享字符串）解压后有 %1 MB，超过 %2 MB：订单或售后导出远没有这么多文字，读取它要占用大量内存'
    '，文件没有导入（文件可能已损坏或被改过）。请从平台后台重新导出后再导入':
        "The file's table of texts (shared strings) unpacks to %1 MB, over %2 MB: no order or after-sales export "
        'holds so much text, and reading it would take a great deal of memory. The file was not imported (it may '
        'be damaged or altered): export it again from the platform and import that',
}

# The same Chinese, different English in one place: (context, Chinese) → English.
EN_IN_CONTEXT: dict[tuple[str, str], str | tuple[str, str]] = {
    # what another seat changed, in the status bar: "小李 changed reships, cases #12, #15, #18 and more (47 in all)"
    ("TeamChanges", "售后单"): "cases",
    ("TeamChanges", "订单"): "orders",
    ("TeamChanges", "补发"): "reships",
    ("TeamChanges", "快递理赔"): "carrier claims",
    ("TeamChanges", "时限"): "deadlines",
    ("TeamChanges", "设置"): "settings",
    ("TeamChanges", "时效规则"): "deadline rules",
    ("TeamChanges", "台账"): "the ledger",
    ("CaseImportSummary", "新建售后单"): "New cases",
    # the platform's own status word follows, quoted from its export (Chinese on purpose)
    ("CaseDetailPane", "订单状态"): "Order status (platform's words)",
    ("MainWindow", "店铺信息"): "Shop details",
    ("WindowDialogs", "已保存到 %1"): "Saved to %1",
    ("WindowTabs", "售后单"): "After-sales cases",  # tab title
    ("WindowTabs", "订单"): "Orders",  # tab title
    ("WindowTabs", "统计"): "Statistics",  # tab title
    ("DashboardTab", "售后单"): "Cases",  # a column of counts
    ("OrderTableModel", "售后单"): "Cases",  # column: how many cases the order has
    ("Vocabulary", "新建售后单"): "Case created",  # timeline entry
    ("Vocabulary", "撤销“%1”"): "Undid \"%1\"",  # a history note (the menu item says Undo)
    ("ImportDialog", "说明"): "Notes",  # column of the per-file results
    ("DeadlineList", "售后单"): "Case",  # column of the calendar's lists
    # the reship queue: short words other screens may translate differently
    ("ReshipPicking", "售后单"): "Case",
    ("ReshipTableModel", "售后单"): "Case",
    ("ReshipPicking", "地址"): "Address",
    ("ReshipTableModel", "地址"): "Address",
    ("ReshipTableModel", "；"): "; ",
    ("ReshipTableModel", "已发出"): "Sent",
    ("ReshipTableModel", "已取消"): "Cancelled",
    ("ReshipPicking", "PDF 文件 (*.pdf)"): "PDF files (*.pdf)",
    ("ShipDialog", "快递公司"): "Carrier",
    ("ShipDialog", "运单号"): "Tracking no.",
    ("ShipDialog", "发货时间"): "Sent at",
    ("ShipDialog", "已发出"): "Sent",
    ("PasteDialog", "运单号"): "Tracking no.",
    ("PasteDialog", "结果"): "Result",
    ("PasteDialog", "录入"): "Enter",
    ("PasteDialog", "可录入"): "Ready",
    ("PasteDialog", "已录入"): "Entered",
    ("PasteDialog", "格式错误"): "Bad format",
    ("PasteDialog", "未找到"): "Not found",
    ("PasteDialog", "重复"): "Duplicate",
    ("ItemsDialog", "添加一行"): "Add a line",
    ("ItemsDialog", "删除选中行"): "Delete selected lines",
    ("DecisionDialog", "说明（可选）"): "Note (optional)",
    ("PromiseDialog", "记录"): "Record",
    ("PromiseDialog", "请填写订单号"): "Please enter the order no.",
    # the goods value statement and the shop details: short words other screens may translate differently
    ("ShopProfileDialog", "店铺信息"): "Shop details",
    ("ShopProfileDialog", "店铺名称"): "Shop name",
    ("ShopProfileDialog", "联系人"): "Contact",
    ("ShopProfileDialog", "联系电话"): "Phone",
    ("ShopProfileDialog", "地址"): "Address",
    ("ShopProfileDialog", "赔款收款账户"): "Payout account",
    ("ShopProfileDialog", "选择图片…"): "Choose image...",
    ("ShopProfileDialog", "移除"): "Remove",
    ("ShopProfileDialog", "印章图片（可选）"): "Seal image (optional)",
    ("ShopProfileDialog", "无印章"): "No seal",
    ("ShopProfileDialog", "选择印章图片"): "Choose the seal image",
    ("StatementDialog", "货物价值说明"): "Goods value statement",
    ("StatementDialog", "店铺信息…"): "Shop details...",
    ("StatementDialog", "正在读取……"): "Reading...",
    ("StatementDialog", "打印预览"): "Print preview",
    ("StatementDialog", "保存 PDF"): "Save PDF",
    ("StatementDialog", "保存 Excel"): "Save Excel",
    ("StatementDialog", "PDF 文件 (*.pdf)"): "PDF files (*.pdf)",
    ("StatementDialog", "已保存到 %1"): "Saved to %1",
    # --- backups (恢复备份) ----------------------------------------------------------------------------
    ("MainWindow", "备份与恢复"): "Backups",
    ("BackupDialog", "恢复备份"): "Restore a backup",
    ("BackupDialog", "售后单"): "Cases",  # the columns count them
    ("BackupDialog", "订单"): "Orders",
    ("BackupDialog", "正在读取备份……"): "Reading the backups...",
    ("BackupDialog", "立即备份"): "Back up now",
    ("BackupDialog", "更改备份文件夹…"): "Change backup folder...",
    ("BackupDialog", "恢复所选备份…"): "Restore the selected backup...",
    ("BackupDialog", "备份文件夹：%1（每天第一次启动时自动备份，保留 7 个每日备份和 4 个每周备份）"):
        "Backup folder: %1 (a backup at the first start of each day; 7 daily and 4 weekly backups are kept)",
    ("BackupDialog", "还没有备份。"): "No backups yet.",
    ("BackupDialog", "正在备份……"): "Backing up...",
    ("BackupDialog", "备份失败"): "Backup failed",
    ("BackupDialog", "选择备份文件夹（例如同步盘中的文件夹）"): "Choose the backup folder (a synced cloud folder, say)",
    ("BackupDialog", "无法使用这个文件夹"): "This folder cannot be used",
    ("BackupDialog", "用 %1 的备份（售后单 %2，订单 %3）替换当前数据库？\n\n当前数据库会先另存为一个“恢复前”备份，"
                     "之后仍可在这里恢复它。"):
        "Replace the current database with the backup of %1 (%2 cases, %3 orders)?\n\nThe current database is "
        "saved first as a \"before restore\" backup, which you can restore here later.",
    ("LedgerCare", "自动备份失败：%1"): "Automatic backup failed: %1",
    ("LedgerCare", "数据库已损坏"): "The database is damaged",
    ("LedgerCare", "最新的完好备份：%1（%2）。恢复它吗？当前文件会先另存一份。"):
        "Newest intact backup: %1 (%2). Restore it? The current file is saved first.",
    ("LedgerCare", "恢复这个备份"): "Restore this backup",
    ("LedgerCare", "没有找到完好的备份。请不要删除这个文件，复制一份后联系技术支持。"):
        "No intact backup was found. Do not delete this file; copy it and contact support.",
    ("LedgerCare", "查看所有备份…"): "All backups...",
    ("LedgerCare", "已恢复备份；恢复前的数据库另存为 %1"):
        "Backup restored; the database before the restore was saved as %1",
    ("LedgerCare", "恢复未完成"): "Restore not completed",
    ("SettingsDialog", "列表中显示完整手机号（默认只显示 138****5678，详情中始终完整）"):
        "Show full phone numbers in lists (by default only 138****5678; details always show them in full)",
    ("SettingsDialog", "隐私"): "Privacy",
    ("RuleForm", "“%1（%2）”"): "\"%1 (%2)\"",
}
