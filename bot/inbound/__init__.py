"""What WeChat pushes to the account and what it answers: the webhook (signatures, safe mode, retries, replays),
the messages, the account's behaviour (scans, text commands), the 48-hour window, and the simulator."""
