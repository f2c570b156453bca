"""Everything the bot itself says (not the answers, which come from the content store).

Organizers may reword these freely. Texts marked HTML go out in HTML parse mode as they are;
`{name}` placeholders are filled with escaped values, `{hashtag}` with the campaign's topic tag
from the content store.
"""

from __future__ import annotations

WELCOME = (  # HTML
    "你好{name}！我是<b>全国科普日</b>问答助手。\n\n"
    "我可以回答关于今年科普日活动的问题，例如：\n"
    "• 活动什么时候开始、主题是什么\n"
    "• 有哪些重点活动、谁主办\n"
    "• 活动总结怎么报送、遇到问题联系谁\n"
    "• 各区县的活动和场馆\n\n"
    "直接把问题发给我就行。在群里请用 /ask 问题，或者 @我。\n"
    "发布了带 {hashtag} 话题的科普短视频？把链接发给我即可投稿。\n"
    "发送 /subscribe 订阅活动通知，/help 查看使用说明。"
)

HELP = (  # HTML
    "<b>使用说明</b>\n\n"
    "• 私聊时直接发送问题，例如：<i>科普日什么时候开始？</i>\n"
    "• /ask 问题 —— 提问（群聊中也可用）\n"
    "• 在群里 @我 并附上问题，我也会回答\n"
    "• 回答下方的按钮是相关问题，点一下即可继续提问\n\n"
    "<b>科普短视频投稿（{hashtag}）</b>\n"
    "• /submit 链接 —— 提交视频链接（私聊时直接发链接也可以）\n"
    "• /mine —— 我提交的视频和审核状态\n"
    "• /showcase —— 已通过审核的优秀视频\n\n"
    "<b>通知</b>\n"
    "• /subscribe —— 订阅活动通知，可选区县和主题；/unsubscribe —— 取消订阅\n"
    "• /settings —— 每日提醒的时间和区县\n\n"
    "• /start —— 欢迎信息；/help —— 本说明"
)

ASK_USAGE = "请在 /ask 后面写上问题，例如：<code>/ask 科普日什么时候开始</code>"  # HTML

QUESTION_HEADER = "<b>问：{question}</b>"  # HTML; above an answer asked through a button

BUTTON_EXPIRED = "这个按钮已过期，请直接发送问题。"  # plain (callback answer)

ERROR = "抱歉，处理你的消息时出了点问题，请稍后再试。"  # plain

UNKNOWN_COMMAND = "没有这个命令。发送 /help 查看我能做什么，或者直接把问题发给我。"  # HTML

FLOOD_NOTICE = "消息有点多啦，请稍等片刻再发，我会继续为你解答。"  # plain

ORGANIZERS_ONLY = "抱歉，这个功能只对活动组织者开放。"  # plain

# --- organizers: the chart, the daily report, teaching the bot (HTML unless marked plain) -----

STATS_CHART_CAPTION = "最近 7 天：每日提问（已回答/未回答）、订阅人数、作品提交、群发送达"  # plain
REPORT_HEADER = "📊 <b>组织者日报</b>（{date}）"
REPORT_FIGURES = (
    "昨日提问 {questions} 个，未能回答 {unanswered} 个；新订阅 {subscribers} 人；"
    "新提交作品 {submissions} 件"
)
REPORT_CHART_CAPTION = "截至 {date} 的最近 7 天"
REPORT_UNANSWERED_HEADER = "<b>未回答最多的问题</b>（/unanswered 可直接回答）"
REPORT_PENDING_HEADER = "<b>待审核作品</b> {count} 件（/review 开始审核）"
REPORT_MORE = "……还有 {count} 件"
REPORT_NONE = "（无）"

UNANSWERED_EMPTY = "目前没有未回答的问题 🎉"  # plain
UNANSWERED_HEADER = "最常见的未回答问题（点“回答”即可为它写一张问答卡片）："  # plain
UNANSWERED_ITEM = "{number}. {text}（{count} 次）"  # plain
UNANSWERED_BUTTON = "回答 {number}"
TEACH_ASK = "请发送这个问题的回答（纯文本），/cancel 取消：\n\n问：{question}"  # plain
TEACH_PREVIEW = (
    "预览：以后有人问到这个问题，我会这样回答。\n\n问：{question}\n答：{answer}"  # plain
)
TEACH_CONFIRM_BUTTON = "✅ 确认保存"
TEACH_DISCARD_BUTTON = "放弃"
TEACH_SAVED = "已保存问答卡片 {id}。下次有人问到，我会直接这样回答（/faq 可修改或删除）。"  # plain
TEACH_DISCARDED = "已放弃，没有保存。"  # plain
TEACH_GONE = "这个问题已不在未回答列表里了，请重新发送 /unanswered。"  # plain
TEACH_TEXT_ONLY = "请发送文字回答，或 /cancel 取消。"  # plain
TEACH_REFUSED = "没有保存：{reason}"  # plain
FAQ_EMPTY = "还没有组织者写的问答卡片。用 /unanswered 回答用户的问题即可添加。"  # plain
FAQ_ITEM = "{id}\n问：{question}\n答：{answer}"  # plain
FAQ_EDIT_BUTTON = "✏️ 修改"
FAQ_DELETE_BUTTON = "🗑 删除"
FAQ_EDIT_ASK = (
    "请发送 {id} 的新回答，/cancel 取消：\n\n问：{question}\n现在的回答：{answer}"  # plain
)
FAQ_DELETE_ASK = "确定删除问答卡片 {id}？\n问：{question}"  # plain
FAQ_DELETE_CONFIRM_BUTTON = "确定删除"
FAQ_EDITED = "已修改问答卡片 {id}。"  # plain
FAQ_DELETED = "已删除问答卡片 {id}。"  # plain
FAQ_GONE = "没有这张问答卡片了，请重新发送 /faq。"  # plain

# The command menu (set_my_commands): command -> description shown by Telegram clients.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "开始：介绍我能做什么"),
    ("ask", "提问：/ask 问题"),
    ("help", "使用说明"),
    ("submit", "提交科普短视频链接"),
    ("mine", "我提交的视频和审核状态"),
    ("showcase", "优秀科普视频展示"),
    ("subscribe", "订阅活动通知"),
    ("unsubscribe", "取消订阅"),
    ("settings", "提醒时间和区县"),
)


# --- creators: handing in videos (HTML unless marked plain) -----------------------------------

SUBMIT_ACCEPTS = (
    "请发送科普短视频的分享链接，例如：\n<code>/submit https://v.douyin.com/xxxxxx/</code>\n"
    "也可以直接把链接（或整段分享文字）发给我；一条消息里可以有多个链接。\n\n"
    "支持的平台：{platforms}。\n"
    "链接须以 http:// 或 https:// 开头，指向具体的视频（作品）页面。\n"
    "提醒：发布的视频本身要带上话题 {hashtag}。"
)
SUBMIT_IN_PRIVATE = "请私聊我提交视频链接：打开与我的对话，发送 /submit 链接。"  # plain

# Why a link was refused; {max} is a limit where one applies.
REFUSALS: dict[str, str] = {
    "not_a_link": "没有找到链接",
    "too_long": "消息太长了（最多 {max} 字），请只发送视频链接",
    "too_many": "一条消息最多 {max} 个链接，请分几次发送",
    "scheme": "只接受 http:// 或 https:// 开头的网页链接",
    "malformed": "链接格式不对（含有不允许的字符）",
    "userinfo": "链接里不能含有“用户名@”部分",
    "port": "链接不能指定端口号",
    "ip_host": "链接不能直接使用 IP 地址",
    "unsupported_site": "这个网站不在支持的平台之内",
    "not_a_video": "这不像是具体视频（作品）的链接",
    "unsafe_address": "这个链接无法安全打开",
    "unsafe_redirect": "这个链接跳转到了不支持的网站",
}

RESULT_ACCEPTED = "✅ 已识别：{platform}《{title}》"
RESULT_ACCEPTED_NO_TITLE = "✅ 已识别：{platform} {link}"
RESULT_HASHTAG_SEEN = "（带有 {hashtag}）"
RESULT_NEXT_STEPS = (
    "再回答下面几个问题，提交就完成了（完成时保存；发送 /cancel 放弃，链接不会保存）。"
)
RESULT_DUPLICATE_OWN = "ℹ️ 你已在 {date} 提交过这个视频（{link}），状态：{status}。"
RESULT_DUPLICATE = "ℹ️ 这个视频已在 {date} 由其他人提交过（{link}），状态：{status}。"
RESULT_REFUSED = "❌ {link}：{reason}。"
RESULT_REFUSED_TEXT = "❌ {reason}。"
RESULT_SEE_ACCEPTS = "发送 /submit 查看支持的平台和链接格式。"

UNTITLED = "（未填写标题）"
ASK_TITLE = "没能读到这个视频的标题：\n{platform} {link}\n请发送视频的标题（一条消息）："
ASK_CATEGORY = "请选择视频的类别："
ASK_CATEGORY_MANY = "请选择这 {count} 个视频的类别："
ASK_CATEGORY_AGAIN = "请点上面的按钮选择类别，或发送 /cancel 取消。"
ASK_CREATOR = "可选：发送创作者的姓名或单位（展示时署名），或点“跳过”。"
CATEGORY_CHOSEN = "类别：{category} ✓"
CREATOR_CHOSEN = "署名：{name} ✓"
CREATOR_SKIPPED = "署名：不填 ✓"
BUTTON_CANCEL = "取消"
BUTTON_SKIP = "跳过"
BUTTON_KEEP_NAME = "沿用：{name}"
SUBMIT_DONE = (
    "🎉 提交完成！{count} 个视频已保存并进入审核队列，审核结果会通知你。发送 /mine 查看状态。"
)
SUBMIT_DONE_TAGGED = "视频带有话题 {hashtag}，谢谢参与！"
SUBMIT_DONE_NO_TAG = "其中 {count} 个视频的页面上没看到 {hashtag}，请确认发布时已添加。"
SUBMIT_DONE_UNCHECKED = (
    "其中 {count} 个视频的页面暂时打不开，没能确认是否带有 {hashtag}，请确认发布时已添加。"
)
SUBMIT_DONE_TAG_SEP = "；"
SUBMIT_CANCELLED = "已取消，本次提交的链接没有保存。"  # plain
NOTHING_TO_CANCEL = "现在没有进行中的操作。"  # plain
FLOW_BUTTON_EXPIRED = "这个按钮已过期。要提交视频，请直接发送链接。"  # plain (callback answer)

MINE_EMPTY = "你还没有提交过视频。把视频链接发给我即可提交。"
MINE_HEADER = "<b>我提交的视频</b>（最近 {count} 个）"
MINE_LINE = "{number}. {platform}《{title}》— {status}"
MINE_REASON = "   理由：{reason}"

STATUS_LABELS: dict[str, str] = {
    "pending": "待审核",
    "approved": "已通过",
    "rejected": "未通过",
}

# --- organizers: the review queue ---------------------------------------------------------------

REVIEW_EMPTY = "审核队列已清空 🎉 没有待审核的视频。"  # plain
REVIEW_CARD = (
    "<b>审核</b> · 待审核 {pending} 条\n"
    "#{id} {platform} · {category}\n"
    "《{title}》\n"
    "页面作者：{author}\n"
    "署名：{creator_name}\n"
    "提交：{date}（{creator}）\n"
    "话题标签：{hashtag_state}\n"
    "{link}"
)
REVIEW_CREATOR_TELEGRAM = "用户 {creator_id}"  # HTML
REVIEW_CREATOR_VISITOR = "{channel}访客，联系方式：{contact}；结果只在其页面上显示"  # HTML
CHANNEL_NAMES = {"telegram": "Telegram", "web": "网页", "wechat": "公众号"}
REVIEW_HASHTAG_SEEN = "✅ 带有 {hashtag}"
REVIEW_HASHTAG_UNKNOWN = "❔ 页面上没看到 {hashtag}"
REVIEW_PAGE_UNREAD = "未能读取页面"
REVIEW_UNKNOWN = "—"
REVIEW_APPROVED = "<b>✅ 已通过</b>（{reviewer}，{time}）"
REVIEW_REJECTED = "<b>❌ 未通过</b>：{reason}（{reviewer}，{time}）"
REVIEW_SKIPPED = "<i>⏭ 已跳过</i>"
REVIEW_GONE = "这条提交已被创作者撤回。"  # plain (callback answer)
REVIEW_BUTTON_EXPIRED = "这个按钮已过期，请发送 /review 重新开始。"  # plain (callback answer)
REVIEW_ASK_REASON = "请发送不通过的理由（一条消息），或发送 /cancel 放弃。"  # plain
REVIEW_REASON_CANCELLED = "已放弃输入理由，决定没有改变。"  # plain
BUTTON_APPROVE = "✅ 通过"
BUTTON_REJECT = "❌ 不通过"
BUTTON_SKIP_REVIEW = "⏭ 跳过"
BUTTON_CHANGE_APPROVE = "改为通过"
BUTTON_CHANGE_REJECT = "改为不通过"
BUTTON_TYPE_REASON = "✍️ 输入理由"
BUTTON_BACK = "↩️ 返回"
REJECT_REASONS: tuple[str, ...] = (
    "链接打不开或不是视频",
    "与科普主题无关",
    "视频没有带 {hashtag} 话题",
    "内容不符合活动要求",
    "重复提交",
)
NO_REASON = "未说明"

NOTIFY_APPROVED = "你提交的视频《{title}》已通过审核 ✅，将在 /showcase 展示。感谢参与 {hashtag}！"
NOTIFY_REJECTED = (
    "你提交的视频《{title}》未通过审核。\n理由：{reason}\n如有疑问，请联系活动组织者。"
)
NOTIFY_CHANGED = "审核结果有更新："

# --- everyone: the showcase ---------------------------------------------------------------------

SHOWCASE_EMPTY = "还没有通过审核的视频，敬请期待。发送视频链接即可参与 {hashtag}。"
SHOWCASE_HEADER = "<b>{hashtag} 科普视频展示</b>"
SHOWCASE_CATEGORY = "\n<b>{category}</b>"
SHOWCASE_LINE = '• <a href="{url}">{title}</a>（{platform}{credit}）'
SHOWCASE_CREDIT = " · {name}"


# --- subscriptions -------------------------------------------------------------------------

SUBSCRIBED = (  # HTML
    "✅ 已订阅科普日通知。\n\n"
    "区县：{district}\n"
    "内容：{topics}\n"
    "每日提醒时间：{digest_time}\n\n"
    "用下面的按钮选择区县和内容；发送 /unsubscribe 可随时取消。"
)
SUBSCRIBE_WHOLE_CITY = "全市"
SUBSCRIBE_NO_TOPICS = "（未选择，只会收到重要通知）"
SUBSCRIBE_CHOOSE_DISTRICT = "请选择你关注的区县："  # plain
SUBSCRIBE_BUTTON_DISTRICT = "📍 选择区县"
SUBSCRIBE_BUTTON_DONE = "完成"
SUBSCRIBE_DONE = "好的，设置已保存。"  # plain (callback answer)
UNSUBSCRIBED = "已取消订阅，不会再收到通知。想再订阅时发送 /subscribe。"  # plain
NOT_SUBSCRIBED = "你还没有订阅。发送 /subscribe 订阅科普日通知。"  # plain

# --- broadcasts (organizers) ---------------------------------------------------------------

BROADCAST_START = (  # HTML
    "📣 <b>群发通知</b>\n\n"
    "请发送（或转发）要群发的内容：文字、带说明的图片，或一个文件。\n"
    "文字可用 Telegram 的格式，或直接写 HTML（&lt;b&gt;加粗&lt;/b&gt;）。\n"
    "发送 /cancel 放弃。"
)
BROADCAST_UNSUPPORTED = "只能群发文字、图片或文件，请重新发送，或 /cancel 放弃。"  # plain
BROADCAST_BAD_HTML = (  # HTML; {problems} escaped
    "内容里的 HTML 有问题，Telegram 会拒收，请改正后重新发送：\n{problems}"
)
BROADCAST_CHOOSE_AUDIENCE = "发给谁？"  # plain
BROADCAST_CHOOSE_DISTRICT = "发给哪个区县的订阅者？"  # plain
BROADCAST_CHOOSE_TIME = (  # HTML
    "什么时候发送？点“立即发送”，或回复时间，例如 <code>{example}</code>（{tz}）。"
)
BROADCAST_BAD_TIME = "看不懂这个时间，请写成 {example}，而且要晚于现在。"  # plain
BROADCAST_PREVIEW_HEADER = "👇 预览：收件人看到的就是下面的消息"  # plain
BROADCAST_PREVIEW = (  # HTML
    "<b>确认群发？</b>\n收件人：{audience}，共 <b>{count}</b> 人\n发送时间：{when}\n"
    "共 {parts} 条消息"
)
BROADCAST_PREVIEW_FAILED = "Telegram 拒收了预览，请修改内容后重新发送：{error}"  # plain
BROADCAST_NOW = "立即"
BROADCAST_NO_RECIPIENTS = "这个范围内还没有订阅者，没有可发送的对象。请重新选择，或 /cancel 放弃。"
BROADCAST_CANCELLED = "已放弃群发。"  # plain
BROADCAST_QUEUED = "已加入发送队列。"  # plain (callback answer)
AUDIENCE_ALL = "全部订阅者"
AUDIENCE_CREATORS = "创作者（订阅了创作者提示）"
AUDIENCE_DISTRICT = "{district}的订阅者"
BROADCAST_BUTTON_ALL = "全部订阅者"
BROADCAST_BUTTON_CREATORS = "创作者"
BROADCAST_BUTTON_DISTRICT = "按区县"
BROADCAST_BUTTON_NOW = "立即发送"
BROADCAST_BUTTON_CONFIRM = "✅ 确认发送"
BROADCAST_BUTTON_CANCEL = "取消"
BROADCAST_BUTTON_STOP = "⏹ 停止发送"
BROADCAST_CONFIRMED = "✅ <b>已确认群发</b>：{audience}，共 {count} 人，发送时间：{when}"  # HTML
BROADCAST_STATUS = (  # HTML
    "📣 <b>群发 #{id}</b> {state}\n{bar} {percent}\n"
    "已发送 {sent} · 失败 {failed} · 已屏蔽 {blocked} · 不确定 {ambiguous} · 剩余 {remaining}"
)
BROADCAST_STATES = {
    "queued": "等待发送",
    "sending": "发送中",
    "done": "已完成",
    "cancelled": "已停止",
}
BROADCAST_STATE_OTHER = "其他"
BROADCAST_SCHEDULED = "（定于 {when} 发送）"
BROADCAST_STOPPED = "已停止群发 #{id}，未发出的 {count} 条不再发送。"  # plain
BROADCAST_NOT_ACTIVE = "这次群发已经结束。"  # plain (callback answer)
BROADCASTS_NONE = "还没有群发。发送 /broadcast 开始。"  # plain
BROADCASTS_HEADER = "<b>最近的群发</b>"  # HTML
BROADCASTS_ITEM = (  # HTML
    "#{id} {when} {state} — {audience}\n"
    "  “{preview}”\n"
    "  已发送 {sent}/{total}，失败 {failed}，屏蔽 {blocked}，不确定 {ambiguous}，剩余 {remaining}"
)

# --- content updates and roles (organizers) ------------------------------------------------

IMPORT_PREVIEW = (  # HTML
    "📄 <b>{name}</b> 检查通过，确认后将：\n{changes}\n\n确认导入吗？"
)
IMPORT_COUNTS = "{section}：新增 {added}，更新 {updated}，不变 {unchanged}"
IMPORT_SECTIONS = {"events": "活动", "venues": "场馆", "faqs": "常见问题"}
IMPORT_NOTHING = "📄 {name}：内容和现有数据完全相同，无需导入。"  # plain
IMPORT_REJECTED = (  # HTML; {problems} escaped
    "📄 <b>{name}</b> 有 {count} 个问题，整个文件都不会导入：\n{problems}"
)
IMPORT_APPLIED = "✅ 已导入：{summary}\n新的内容对下一个问题立即生效。"  # plain
IMPORT_EXPIRED = "这个导入已过期，请重新发送文件。"  # plain (callback answer)
IMPORT_DISCARDED = "已放弃导入。"  # plain
IMPORT_TOO_LARGE = "文件太大（超过 {limit} MB），请拆分后再发。"  # plain
IMPORT_BUTTON_APPLY = "✅ 确认导入"
IMPORT_BUTTON_DISCARD = "放弃"

EVENT_USAGE = (  # HTML
    "用法：\n<code>/event 活动ID或名称中的词</code> 查看一场活动\n"
    "<code>/event 活动ID 字段=新值</code> 修改一项，例如 <code>/event ev-123 venue=重庆科技馆</code>\n"
    "可改的字段：{fields}"
)
EVENT_NOT_FOUND = "没有找到活动“{query}”。"  # plain
EVENT_MATCHES = "找到多场活动，请用 ID 指定：\n{items}"  # HTML
EVENT_UPDATED = "✅ 已修改，下一个问题立即使用新内容。"  # plain

GRANT_USAGE = "用法：/grant 用户ID，或回复某人的消息发送 /grant。"  # plain
REVOKE_USAGE = "用法：/revoke 用户ID，或回复某人的消息发送 /revoke。"  # plain
GRANTED = "✅ 用户 {user} 现在是组织者。"  # plain
ALREADY_ORGANIZER = "用户 {user} 已经是组织者。"  # plain
REVOKED = "✅ 已取消用户 {user} 的组织者身份。"  # plain
NOT_ORGANIZER = "用户 {user} 不是组织者。"  # plain
REVOKE_REFUSED = "不能取消用户 {user}：{reason}"  # plain
ROLE_REFUSALS: dict[str, str] = {
    "configured_admin": "TA 是服务器配置里指定的管理员，只能在服务器上修改配置后取消。",
}
ROLE_REFUSED_OTHER = "这个操作不被允许。"

# --- campaign statistics: /stats and `kepubot stats` (plain) -------------------------------

STATS_SUBSCRIBERS_TITLE = "【订阅】"
STATS_SUBSCRIBERS = (
    "订阅者 {subscribers} 人（其中已屏蔽机器人 {subscribers_blocked} 人）；"
    "用过机器人的共 {users} 人，已屏蔽 {users_blocked} 人"
)
STATS_NEW_SUBSCRIBERS = "每日新订阅：{days}"
STATS_QUESTIONS_TITLE = "【提问】"
STATS_QUESTIONS = (
    "共 {total} 个问题；未能回答 {unanswered} 次（{distinct} 个不同问题，"
    "用 /unanswered 查看并直接回答）"
)
STATS_QUESTIONS_PER_DAY = "每日提问：{days}"
STATS_QUESTIONS_PER_CHANNEL = "按渠道：{channels}"
STATS_TOP_INTENTS = "最多的问题类型：{pairs}"
STATS_SUBMISSIONS_TITLE = "【作品提交】"
STATS_NO_SUBMISSIONS = "尚无提交记录"
STATS_SUBMISSIONS = "共 {total} 件"
STATS_PER_STATUS = "按状态：{pairs}"
STATS_PER_PLATFORM = "按平台：{pairs}"
STATS_BROADCASTS_TITLE = "【群发】"
STATS_NO_BROADCASTS = "还没有群发"
STATS_BROADCAST = (
    "#{id} {when} {state}：送达 {sent}/{total}（{rate}），"
    "失败 {failed}，屏蔽 {blocked}，不确定 {ambiguous}"
)
STATS_PAIR = "{label} {count}"
STATS_PAIR_SEP = "，"
STATS_NO_RATE = "—"

INTENT_LABELS: dict[str, str] = {
    "greeting": "问候",
    "help": "使用帮助",
    "dates": "活动时间",
    "countdown": "倒计时",
    "theme": "主题",
    "organizers": "主办单位",
    "events": "活动安排",
    "event_detail": "具体活动",
    "activities": "重点活动",
    "content_areas": "活动内容",
    "creators": "短视频投稿",
    "reporting": "总结报送",
    "contacts": "联系方式",
    "documents": "通知文件",
    "guiding": "指导思想",
    "platform": "活动平台",
    "work_requirements": "工作要求",
    "venues": "场馆",
    "faq": "常见问题",
    "practical": "门票报名等",
    "overview": "活动概况",
    "retrieval": "其他已答问题",
    "fallback": "未能回答",
}
"""How each kind of question (the answer engine's intent) is called in /stats."""
INTENT_OTHER = "其他"

# --- scheduled messages: daily digest, creator prompts, deadline reminders ----------------

DIGEST_COUNTDOWN = (  # HTML
    "⏳ 距离<b>{name}</b>还有 <b>{days}</b> 天（{start}—{end}）\n主题：{theme}"
)
DIGEST_HEADER = "☀️ <b>{name}</b> 第 {number} 天 · {date}"  # HTML
DIGEST_IN_DISTRICT = "📍 <b>{district}今天</b>"  # HTML
DIGEST_CITY_WIDE = "🏙 <b>全市及线上</b>"  # HTML
DIGEST_TODAY = "📅 <b>今天的活动</b>"  # HTML
DIGEST_EXHIBITIONS = "🖼 <b>正在展出</b>"  # HTML
DIGEST_EVENT = "• {time} {title}{place}"  # HTML; values escaped
DIGEST_ALL_DAY = "全天"
DIGEST_MORE = "……还有 {count} 场"  # HTML
DIGEST_OTHER_DISTRICTS = "其他区县今天还有 {count} 场活动，问我“今天有什么活动”可查看。"  # HTML
DIGEST_NO_EVENTS = "今天的活动信息还在更新中，可以随时问我“今天有什么活动”。"  # HTML
DIGEST_HIGHLIGHT = "✨ 今日推荐：<b>{name}</b>——{text}"  # HTML; values escaped
DIGEST_CLOSING = (  # HTML
    "🎉 <b>{name}</b>已圆满结束，感谢你的关注和参与！\n"
    "这是最后一条每日提醒，之后不再推送；有问题仍可随时问我。"
)
DIGEST_FOOTER = "<i>/settings 修改提醒时间和区县 · /unsubscribe 取消订阅</i>"  # HTML
CREATOR_PROMPT = (  # HTML; values escaped
    "🎬 <b>{hashtag}</b>\n{name}正在进行！拍一条科普短视频，发布到{platforms}，"
    "带上话题 {hashtag}，再把视频链接用 /submit 发给我，优秀作品会在活动中展示。"
)
DEADLINE_REMINDER = (  # HTML; values escaped
    "📌 <b>{title}</b>：{when}\n{details}"
)
DEADLINE_IN_DAYS = "还有 {days} 天截止（{deadline}）"
DEADLINE_TODAY = "今天截止（{deadline}）"
DEADLINE_WHAT = "报送内容：{value}"
DEADLINE_FORMATS = "格式：{value}"
DEADLINE_EMAIL = "发送至：{value}"

KIND_LABELS = {
    "digest": "每日提醒",
    "prompt": "创作者提示",
    "reminder": "截止提醒",
    "broadcast": "群发",
}
"""What each kind of scheduled message is called in `kepubot schedule`."""

SETTINGS = (  # HTML
    "⚙️ <b>提醒设置</b>\n\n"
    "区县：{district}\n"
    "内容：{topics}\n"
    "每日提醒时间：{digest_time}\n\n"
    "修改时间：点下面的按钮，或发送 <code>/settings 08:30</code>；"
    "修改区县：<code>/settings 渝中区</code>。\n"
    "今天的提醒时间已过时，修改从明天起生效。"
)
SETTINGS_BUTTON_TIME = "⏰ {time}"
SETTINGS_SAVED = "✅ 已保存，每日提醒时间 {digest_time}，区县 {district}。"  # plain
SETTINGS_BAD_VALUE = (  # plain
    "看不懂“{value}”：请发送时间（如 08:30）或区县名称（如 渝中区）。"
)


# --- the web chat (plain text; the page shows it as text) -------------------------------------

WEB_WELCOME = (  # HTML, shown as plain text
    "你好！我是<b>全国科普日</b>问答助手。\n"
    "可以问我活动时间、主题、重点活动、各区县的活动和场馆、总结怎么报送等问题，"
    "点下面的问题也可以。\n"
    "发布了带 {hashtag} 话题的科普短视频？点「投稿」提交链接。"
)
WEB_STARTERS: tuple[str, ...] = (
    "科普日什么时候开始",
    "今天有什么活动",
    "今年的主题是什么",
    "活动总结怎么报送",
)
"""Questions offered on the chat's start screen (questions, not facts: the answers come from
the content store)."""
WEB_SUBMIT_ACCEPTS = (  # HTML, shown as plain text
    "请填写科普短视频的分享链接（也可以粘贴整段分享文字）。\n"
    "支持的平台：{platforms}。\n"
    "链接须以 http:// 或 https:// 开头，指向具体的视频（作品）页面。\n"
    "提醒：发布的视频本身要带上话题 {hashtag}。"
)
WEB_SUBMIT_STATUS = "审核结果会显示在本页的「我的投稿」里（同一个浏览器中查看）。"
WEB_SUBMIT_NO_LINK = "请填写视频链接。"
WEB_NO_EVENTS = "今天没有安排的活动。可以问问我近期有哪些活动。"
WEB_ASK_EMPTY = "请输入问题，例如：科普日什么时候开始？"
WEB_ASK_TOO_LONG = "问题太长了（最多 {max} 字），请简短一些。"
WEB_NO_SESSION = "页面已过期，请刷新后再试。"
WEB_BAD_REQUEST = "请求的格式不对，请刷新页面后再试。"
WEB_TOO_LARGE = "内容太长了，请简短一些。"
WEB_NOT_FOUND = "没有这个页面。"


# --- the WeChat Official Account (plain text) --------------------------------------------------

WECHAT_WELCOME = (
    "你好！我是全国科普日问答助手。\n"
    "直接发送问题即可，例如：科普日什么时候开始？今天有什么活动？\n"
    "科普短视频投稿（{hashtag}）请在网页版提交。"
)
WECHAT_UNSUPPORTED = "抱歉，我暂时只能看懂文字消息，请用文字提问。"
WECHAT_MORE_KEYWORD = "更多"
WECHAT_MORE_HINT = "（内容较长，回复「更多」查看后续）"
WECHAT_NO_MORE = "没有更多内容了，请继续提问。"


# --- personal answers (plain text: they go out as answers, escaped) ---------------------------
LIST_SEP = "、"
PERSONAL_NO_SUBMISSIONS = (
    "你还没有提交过作品。在视频平台发布时添加话题标签，再用 /submit 把链接发给我即可。"
)
PERSONAL_SUBMISSIONS = (
    "你提交了{count}个作品（{counts}）：\n{lines}\n审核有结果时我会通知你；详情见 /mine。"
)
PERSONAL_SUBMISSION_LINE = "· {platform}《{title}》：{status}{reason}"
PERSONAL_REASON = "（理由：{reason}）"
PERSONAL_NOT_SUBSCRIBED = (
    "你目前没有订阅每日提醒。发送 /subscribe 订阅，/settings 可修改提醒时间和区县。"
)
PERSONAL_SUBSCRIPTION = (
    "你已订阅：每天 {time} 提醒，区县：{district}，主题：{topics}。"
    "修改时间和区县用 /settings，改主题用 /subscribe，取消用 /unsubscribe。"
)
