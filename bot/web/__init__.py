"""The bot's pages and the organizer's API: the join page inside WeChat, 反馈本人 and the secretary's comments
page, the account and binding pages of the console, the domain verification files."""
