"""WeChat official-account side: webhook, QR scenes, outbound messages, reminders (not built yet)."""
