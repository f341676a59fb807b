"""The WeChat API, spoken through wechatpy: the facade every call goes through (timeouts, bounded retries, the
token shared in Redis), WeChat's error codes, and the check of the account's credentials for the console."""
