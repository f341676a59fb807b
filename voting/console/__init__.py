"""The organizer's side: the admin API, session, console pages, imports, deadlines."""
