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

UNKNOWN_COMMAND = "没有这个命令。发送 /help 查看我能做什么，或者直接把问题发给我。"  # HTML

FLOOD_NOTICE = "消息有点多啦，请稍等片刻再发，我会继续为你解答。"  # plain

ORGANIZERS_ONLY = "抱歉，这个功能只对活动组织者开放。"  # plain

# The command menu (set_my_commands): command -> description shown by Telegram clients.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "开始：介绍我能做什么"),
    ("ask", "提问：/ask 问题"),
    ("help", "使用说明"),
    ("submit", "提交科普短视频链接"),
    ("mine", "我提交的视频和审核状态"),
    ("showcase", "优秀科普视频展示"),
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

RESULT_ACCEPTED = "✅ 已收到：{platform}《{title}》"
RESULT_ACCEPTED_NO_TITLE = "✅ 已收到：{platform}视频 {link}"
RESULT_HASHTAG_SEEN = "（页面上看到了 {hashtag}）"
RESULT_DUPLICATE_OWN = "ℹ️ 你已在 {date} 提交过这个视频（{link}），状态：{status}。"
RESULT_DUPLICATE = "ℹ️ 这个视频已在 {date} 由其他人提交过（{link}），状态：{status}。"
RESULT_REFUSED = "❌ {link}：{reason}。"
RESULT_REFUSED_TEXT = "❌ {reason}。"

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
    "🎉 提交完成！{count} 个视频已进入审核队列，审核结果会通知你。发送 /mine 查看状态。\n"
    "提醒：视频本身须带话题 {hashtag}。"
)
SUBMIT_DONE_NO_TAG = "其中 {count} 个视频的页面上没看到 {hashtag}，请确认发布时已添加。"
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
    "提交：{date}（用户 {creator_id}）\n"
    "话题标签：{hashtag_state}\n"
    "{link}"
)
REVIEW_HASHTAG_SEEN = "✅ 页面上有 {hashtag}"
REVIEW_HASHTAG_UNKNOWN = "❔ 页面上没看到 {hashtag}"
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
