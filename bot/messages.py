"""Everything the bot itself says (not the answers, which come from the content store).

Organizers may reword these freely. Texts marked HTML go out in HTML parse mode as they are;
`{name}` placeholders are filled with escaped values.
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
    "发送 /help 查看使用说明。"
)

HELP = (  # HTML
    "<b>使用说明</b>\n\n"
    "• 私聊时直接发送问题，例如：<i>科普日什么时候开始？</i>\n"
    "• /ask 问题 —— 提问（群聊中也可用）\n"
    "• 在群里 @我 并附上问题，我也会回答\n"
    "• 回答下方的按钮是相关问题，点一下即可继续提问\n"
    "• /start —— 欢迎信息\n"
    "• /help —— 本说明"
)

ASK_USAGE = "请在 /ask 后面写上问题，例如：<code>/ask 科普日什么时候开始</code>"  # HTML

QUESTION_HEADER = "<b>问：{question}</b>"  # HTML; above an answer asked through a button

BUTTON_EXPIRED = "这个按钮已过期，请直接发送问题。"  # plain (callback answer)

ERROR = "抱歉，处理你的消息时出了点问题，请稍后再试。"  # plain

ORGANIZERS_ONLY = "抱歉，这个功能只对活动组织者开放。"  # plain

# The command menu (set_my_commands): command -> description shown by Telegram clients.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "开始：介绍我能做什么"),
    ("ask", "提问：/ask 问题"),
    ("help", "使用说明"),
    ("subscribe", "订阅活动通知"),
    ("unsubscribe", "取消订阅"),
    ("settings", "提醒时间和区县"),
)

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
BROADCAST_BUTTON_ALL = "全部订阅者"
BROADCAST_BUTTON_CREATORS = "创作者"
BROADCAST_BUTTON_DISTRICT = "按区县"
BROADCAST_BUTTON_NOW = "立即发送"
BROADCAST_BUTTON_CONFIRM = "✅ 确认发送"
BROADCAST_BUTTON_CANCEL = "取消"
BROADCAST_BUTTON_STOP = "⏹ 停止发送"
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
