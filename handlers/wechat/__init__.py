"""The WeChat Official Account (公众号): passive replies to messages WeChat posts to /wechat."""
