"""Creators' short videos for the #千万IP创科普# topic: which links are accepted and their
canonical form (links, platforms), fetching a video page without server-side request forgery
(fetcher), handing in, de-duplicating and reviewing submissions (submissions), and exporting
them with their audit trail (export). Telegram-free."""
