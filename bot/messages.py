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
)
