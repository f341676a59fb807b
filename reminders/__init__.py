"""The organizer's reminders: schedules in Redis (store.py), an audience evaluated at each
occurrence (audience.py), one scheduler task per process (scheduler.py) that hands messages to the outbox
(bot/outbox), the API and the console page (routes.py). Mounted through the `shuzhi_voting.extensions`
entry point (app.py)."""
