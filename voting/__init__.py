"""The meeting service: meetings, voting windows, secret ballots, admin API, pages and the live stream."""
