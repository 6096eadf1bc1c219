"""Sharing a page outside the forum: its link, a Weibo link, a QR code for WeChat, Open Graph tags."""
